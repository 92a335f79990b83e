/* curve_chart.c - the load-test curve of one instance (curve.h) as a PNG:
 * two panels over the offered load, throughput with the error rate, and
 * latency p50/p95/p99 with the SLO line; the knee marked on both. */
#include "headroom/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"

static int write_data(const char *path, const hr_curve *c, hr_error *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path, strerror(errno));
    fputs("# offered_rps throughput_rps p50_ms p95_ms p99_ms error_pct\n", fp);
    for (size_t i = 0; i < c->n; i++) {
        const hr_curve_point *p = &c->points[i];
        fprintf(fp, "%.9g %.9g %.9g %.9g %.9g %.9g\n", p->offered_rps, p->throughput_rps,
                p->latency_p50_ms, p->latency_p95_ms, p->latency_p99_ms, p->error_rate_pct);
    }
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path, strerror(errno));
    return HR_OK;
}

static int write_script(const gp_session *g, const hr_scenario *sc, const hr_curve *c,
                        const char *png_path, const char *qdata, hr_error *err)
{
    char title[512];
    double knee = c->knee >= 0 ? c->points[c->knee].offered_rps : NAN;
    if (c->knee >= 0)
        snprintf(title, sizeof title, "%s: one instance, %d workers; knee %.4g req/s",
                 sc->name, sc->fleet.concurrency, knee);
    else
        snprintf(title, sizeof title, "%s: one instance, %d workers; no load meets the SLO",
                 sc->name, sc->fleet.concurrency);
    char *png = gp_quote(png_path), *qtitle = gp_quote(title);
    FILE *fp = png && qtitle ? fopen(g->script, "w") : NULL;
    if (!fp) {
        free(png);
        free(qtitle);
        if (!png || !qtitle)
            return hr_error_set(err, HR_ENOMEM, "out of memory writing the chart script");
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", g->script,
                            strerror(errno));
    }
    double max_x = c->points[c->n - 1].offered_rps;
    gp_terminal(fp, png_path, 1100, 800);
    fprintf(fp,
            "set output %s\n"
            "set multiplot layout 2,1 title %s\n"
            "set lmargin 12\nset rmargin 12\nset grid\nset key top left opaque\n"
            "set xrange [0:%.9g]\nset format x ''\n",
            png, qtitle, max_x * 1.02);
    if (c->knee >= 0)
        fprintf(fp, "set arrow 1 from %.9g, graph 0 to %.9g, graph 1 nohead dt 2 lw 1.5 lc rgb '#2a7f2a'\n",
                knee, knee);
    fprintf(fp,
            "set ylabel 'requests/s'\nset yrange [0:*]\n"
            "set y2label 'errors (%%)'\nset y2range [0:*]\nset y2tics\n"
            "plot %s using 1:1 with lines dt 3 lc rgb '#888888' title 'offered', \\\n"
            "     %s using 1:2 with linespoints lw 1.5 pt 7 ps 0.6 title 'throughput', \\\n"
            "     %s using 1:6 axes x1y2 with linespoints lw 1.5 pt 5 ps 0.6 lc rgb 'red' title 'errors (right)'\n",
            qdata, qdata, qdata);
    fputs("unset y2label\nunset y2tics\nset format x '%g'\nset xlabel 'offered load (requests/s)'\n"
          "set ylabel 'latency (ms)'\nset logscale y\nset yrange [*:*]\n", fp);
    char slo[160] = "";
    if (sc->slo.latency_p95_s > 0)
        snprintf(slo, sizeof slo, ", \\\n     %.9g with lines dt 2 lw 1.5 lc rgb 'red' title 'SLO p95 %g ms'",
                 sc->slo.latency_p95_s * 1000.0, sc->slo.latency_p95_s * 1000.0);
    fprintf(fp,
            "plot %s using 1:3 with linespoints lw 1.5 pt 7 ps 0.6 title 'p50', \\\n"
            "     %s using 1:4 with linespoints lw 1.5 pt 7 ps 0.6 title 'p95', \\\n"
            "     %s using 1:5 with linespoints lw 1.5 pt 7 ps 0.6 title 'p99'%s\n"
            "unset multiplot\nunset output\n",
            qdata, qdata, qdata, slo);
    free(png);
    free(qtitle);
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", g->script,
                            strerror(errno));
    return HR_OK;
}

int hr_report_curve_chart(const hr_scenario *sc, const hr_curve *c, const char *png_path,
                          hr_error *err)
{
    if (c->n == 0)
        return hr_error_set(err, HR_EINVAL, "%s: no curve to chart", png_path);
    gp_session g;
    int rc = gp_open(&g, "curve.gp", err);
    if (rc != HR_OK)
        return rc;
    const char *path;
    char *qdata = NULL;
    if ((rc = gp_data_path(&g, "curve.dat", &path, err)) == HR_OK &&
        (rc = write_data(path, c, err)) == HR_OK) {
        qdata = gp_quote(path);
        rc = qdata ? write_script(&g, sc, c, png_path, qdata, err)
                   : hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
        if (rc == HR_OK)
            rc = gp_run(&g, png_path, err);
    }
    free(qdata);
    gp_close(&g);
    return rc;
}
