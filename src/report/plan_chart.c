/* plan_chart.c - the capacity plan (plan.h) as a PNG: the month's peak
 * load and the fleet that holds it, and the monthly cost on demand against
 * the cheapest purchase mix. */
#include "headroom/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"

static int write_data(const char *path, const hr_plan_month *m, size_t n, hr_error *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path, strerror(errno));
    fputs("# month peak_rps instances cost_on_demand cost_mix\n", fp);
    /* a month beyond fleet.max has no fleet or cost: NaN, which gnuplot skips */
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%d %.9g %.9g %.9g %.9g\n", m[i].month, m[i].peak_rps,
                m[i].instances < 0 ? NAN : (double)m[i].instances, m[i].cost_on_demand,
                m[i].cost_mix);
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", path, strerror(errno));
    return HR_OK;
}

static int write_script(const gp_session *g, const char *name, const char *growth, size_t n,
                        const char *png_path, const char *qdata, hr_error *err)
{
    char title[512];
    snprintf(title, sizeof title, "%s: capacity plan, %s growth", name, growth);
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
    gp_terminal(fp, png_path, 1100, 800);
    fprintf(fp,
            "set output %s\n"
            "set multiplot layout 2,1 title %s\n"
            "set lmargin 12\nset rmargin 12\nset grid\nset key top left opaque\n"
            "set xrange [-0.5:%zu.5]\nset xtics 1\nset format x ''\n"
            "set ylabel 'peak load (requests/s)'\nset yrange [0:*]\n"
            "set y2label 'instances'\nset y2range [0:*]\nset y2tics\n"
            "plot %s using 1:2 with linespoints lw 1.5 pt 7 title 'peak load', \\\n"
            "     %s using 1:3 axes x1y2 with linespoints lw 1.5 pt 5 lc rgb '#2a7f2a' title 'instances to hold the SLO (right)'\n"
            "unset y2label\nunset y2tics\nset format x '%%g'\nset xlabel 'month'\n"
            "set ylabel 'cost a month'\n"
            "plot %s using 1:4 with linespoints lw 1.5 pt 7 title 'all on demand', \\\n"
            "     %s using 1:5 with linespoints lw 1.5 pt 5 title 'cheapest mix'\n"
            "unset multiplot\nunset output\n",
            png, qtitle, n ? n - 1 : 0, qdata, qdata, qdata, qdata);
    free(png);
    free(qtitle);
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", g->script,
                            strerror(errno));
    return HR_OK;
}

int hr_report_plan_chart(const char *name, const char *growth, const hr_plan_month *months,
                         size_t n, const char *png_path, hr_error *err)
{
    if (n == 0)
        return hr_error_set(err, HR_EINVAL, "%s: no plan to chart", png_path);
    gp_session g;
    int rc = gp_open(&g, "plan.gp", err);
    if (rc != HR_OK)
        return rc;
    const char *path;
    char *qdata = NULL;
    if ((rc = gp_data_path(&g, "plan.dat", &path, err)) == HR_OK &&
        (rc = write_data(path, months, n, err)) == HR_OK) {
        qdata = gp_quote(path);
        rc = qdata ? write_script(&g, name, growth, n, png_path, qdata, err)
                   : hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
        if (rc == HR_OK)
            rc = gp_run(&g, png_path, err);
    }
    free(qdata);
    gp_close(&g);
    return rc;
}
