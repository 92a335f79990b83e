/* chart.c - the timeline chart: one PNG with three stacked panels sharing
 * the time axis (hours): offered load, instances serving (in service +
 * warming) per policy, and p95 latency per policy with the SLO line.
 *
 * The data (first replication of each policy) goes to one file per policy
 * in a private mkdtemp directory, next to the gnuplot script generated for
 * this chart; gnuplot runs on the script and everything is removed
 * afterwards. The script lives here rather than in plots/ because its data
 * file names, ranges and series are generated per chart. */
#include "headroom/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"

static int write_data_file(const char *path, const hr_policy_summary *p, hr_error *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path,
                            strerror(errno));
    fputs("# time_h offered_rps serving p95_ms\n", fp);
    for (size_t k = 0; k < p->n_series; k++) {
        const hr_sample *x = &p->series[k];
        fprintf(fp, "%.9g %.9g %d %.9g\n", x->time_s / 3600.0,
                isfinite(x->offered_rps) ? x->offered_rps : NAN, x->in_service + x->warming,
                isfinite(x->latency_p95_ms) ? x->latency_p95_ms : NAN);
    }
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path,
                            strerror(errno));
    return HR_OK;
}

/* One `plot` command: column col of every policy's data file, titled by
 * policy name; extra (may be NULL) is appended as a last plot element. */
static void write_plot(FILE *fp, const hr_report *rep, char *const *quoted_data,
                       char *const *quoted_names, int col, const char *style,
                       const char *extra)
{
    fputs("plot ", fp);
    bool first = true;
    for (size_t i = 0; i < rep->n_policies; i++) {
        if (!quoted_data[i])
            continue;
        fprintf(fp, "%s%s using 1:%d with %s lw 1.5 title %s", first ? "" : ", \\\n     ",
                quoted_data[i], col, style, quoted_names[i]);
        first = false;
    }
    if (extra)
        fprintf(fp, ", \\\n     %s", extra);
    fputc('\n', fp);
}

static int write_script(const gp_session *f, const hr_report *rep, const char *png_path,
                        char *const *quoted_data, char *const *quoted_names, hr_error *err)
{
    char *png = gp_quote(png_path);
    const char *name = rep->scenario && rep->scenario->name ? rep->scenario->name : "headroom";
    char title[512];
    snprintf(title, sizeof title, "%s: first replication", name);
    char *qtitle = gp_quote(title);
    FILE *fp = png && qtitle ? fopen(f->script, "w") : NULL;
    if (!fp) {
        free(png);
        free(qtitle);
        if (!png || !qtitle)
            return hr_error_set(err, HR_ENOMEM, "out of memory writing the chart script");
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", f->script,
                            strerror(errno));
    }

    double end_h = 0;
    size_t first = rep->n_policies;
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        if (!quoted_data[i])
            continue;
        if (first == rep->n_policies)
            first = i;
        double e = (p->series[p->n_series - 1].time_s + p->series_step_s) / 3600.0;
        if (e > end_h)
            end_h = e;
    }

    /* Fixed left/right margins keep the three panels' time axes aligned. */
    gp_terminal(fp, png_path, 1200, 1000);
    fprintf(fp,
            "set output %s\n"
            "set multiplot layout 3,1 title %s\n"
            "set lmargin 12\n"
            "set rmargin 4\n"
            "set grid\n"
            "set key top left opaque\n"
            "set xrange [0:%.9g]\n"
            "set yrange [0:*]\n"
            "set offsets 0, 0, graph 0.1, 0\n"
            "set format x ''\n",
            png, qtitle, end_h > 0 ? end_h : 1.0);

    /* Offered load is the same for every policy of a replication (common
     * random numbers), so it is drawn once. */
    fputs("set ylabel 'offered (req/s)'\n", fp);
    fprintf(fp, "plot %s using 1:2 with lines lw 1.5 lc rgb '#555555' title 'offered'\n",
            quoted_data[first]);

    fputs("set ylabel 'instances serving'\n", fp);
    write_plot(fp, rep, quoted_data, quoted_names, 3, "steps", NULL);

    fputs("set format x '%g'\nset xlabel 'time (hours)'\nset ylabel 'p95 latency (ms)'\n", fp);
    char slo[128] = "";
    double slo_ms = rep->scenario ? rep->scenario->slo.latency_p95_s * 1000.0 : 0;
    if (slo_ms > 0)
        snprintf(slo, sizeof slo, "%.9g with lines dt 2 lw 1.5 lc rgb 'red' title 'SLO p95 %g ms'",
                 slo_ms, slo_ms);
    write_plot(fp, rep, quoted_data, quoted_names, 4, "lines", slo[0] ? slo : NULL);
    fputs("unset multiplot\nunset output\n", fp);

    free(png);
    free(qtitle);
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", f->script,
                            strerror(errno));
    return HR_OK;
}

int hr_report_chart(const hr_report *rep, const char *png_path, hr_error *err)
{
    bool any = false;
    for (size_t i = 0; i < rep->n_policies; i++)
        any = any || rep->policies[i].n_series > 0;
    if (!any)
        return hr_error_set(err, HR_EINVAL, "%s: no time series to chart (no runs were added)",
                            png_path);
    gp_session g;
    int rc = gp_open(&g, "timeline.gp", err);
    if (rc != HR_OK)
        return rc;
    char **qdata = calloc(rep->n_policies, sizeof *qdata);
    char **qnames = calloc(rep->n_policies, sizeof *qnames);
    if (!qdata || !qnames) {
        rc = hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
        goto done;
    }
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        if (!p->n_series)
            continue;
        char name[64];
        const char *path;
        snprintf(name, sizeof name, "policy-%zu.dat", i);
        if ((rc = gp_data_path(&g, name, &path, err)))
            goto done;
        qdata[i] = gp_quote(path);
        qnames[i] = gp_quote(p->name);
        if (!qdata[i] || !qnames[i]) {
            rc = hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
            goto done;
        }
        if ((rc = write_data_file(path, p, err)))
            goto done;
    }
    if ((rc = write_script(&g, rep, png_path, qdata, qnames, err)) == HR_OK)
        rc = gp_run(&g, png_path, err);
done:
    for (size_t i = 0; qdata && qnames && i < rep->n_policies; i++) {
        free(qdata[i]);
        free(qnames[i]);
    }
    free(qdata);
    free(qnames);
    gp_close(&g);
    return rc;
}
