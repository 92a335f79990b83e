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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHART_PATH_MAX = 4096 };

/* Whether an executable named gnuplot is on PATH (what popen's shell will
 * run). Checked first so a missing gnuplot gets a clear message rather than
 * the shell's "not found". */
static bool gnuplot_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return false;
    char dir[CHART_PATH_MAX];
    while (*path) {
        size_t n = strcspn(path, ":");
        const char *d = n ? path : ".";
        size_t dn = n ? n : 1;
        if (dn + sizeof "/gnuplot" <= sizeof dir) {
            memcpy(dir, d, dn);
            memcpy(dir + dn, "/gnuplot", sizeof "/gnuplot");
            if (access(dir, X_OK) == 0)
                return true;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return false;
}

/* Append s to buf (of size cap, holding len bytes) quoted for gnuplot
 * ('...' with ' doubled) or for sh ('...' with ' as '\''). False when it
 * does not fit. */
static bool append_quoted(char *buf, size_t cap, size_t *len, const char *s, bool for_shell)
{
    const char *esc = for_shell ? "'\\''" : "''";
    size_t esc_len = strlen(esc);
    if (*len + 1 >= cap)
        return false;
    buf[(*len)++] = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            if (*len + esc_len >= cap)
                return false;
            memcpy(buf + *len, esc, esc_len);
            *len += esc_len;
        } else {
            if (*len + 1 >= cap)
                return false;
            /* A gnuplot string cannot span lines: control characters
             * (never in a sane name or path) become spaces. */
            buf[(*len)++] = (!for_shell && (unsigned char)*s < 0x20) ? ' ' : *s;
        }
    }
    if (*len + 2 > cap)
        return false;
    buf[(*len)++] = '\'';
    buf[*len] = '\0';
    return true;
}

/* A single-quoted gnuplot string literal of s, in a malloc'd buffer. */
static char *gp_quote(const char *s)
{
    size_t cap = 2 * strlen(s) + 3;
    char *q = malloc(cap);
    size_t len = 0;
    if (q && !append_quoted(q, cap, &len, s, false)) {
        free(q);
        return NULL;
    }
    return q;
}

typedef struct chart_files {
    char dir[CHART_PATH_MAX - 64]; /* leaves room for the file names below */
    char script[CHART_PATH_MAX];
    char log[CHART_PATH_MAX];
    char **data;       /* one per policy; NULL for a policy without series */
    size_t n_data;
} chart_files;

static void chart_files_cleanup(chart_files *f)
{
    for (size_t i = 0; i < f->n_data; i++) {
        if (f->data[i]) {
            unlink(f->data[i]);
            free(f->data[i]);
        }
    }
    free(f->data);
    if (f->script[0])
        unlink(f->script);
    if (f->log[0])
        unlink(f->log);
    if (f->dir[0])
        rmdir(f->dir);
}

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

static int write_script(const chart_files *f, const hr_report *rep, const char *png_path,
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

    /* pngcairo draws anti-aliased; the plain png terminal (libgd) is the
     * fallback on gnuplot builds without cairo. noenhanced keeps policy
     * names like cpu_70 literal. Fixed left/right margins keep the three
     * panels' time axes aligned. */
    fprintf(fp,
            "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
            "    set terminal pngcairo noenhanced size 1200,1000 font ',10'\n"
            "} else {\n"
            "    set terminal png noenhanced size 1200,1000\n"
            "}\n"
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

/* gnuplot's error from its stderr log, for the message: gnuplot echoes the
 * failing command and a caret, then '"script" line N: what', sometimes
 * followed by "system error: ...". Keep "line N: what" and what follows,
 * since the script's temporary path means nothing to a user; without such
 * a line, keep the last line with content. */
static void gnuplot_log_reason(const char *log, char *out, size_t n)
{
    out[0] = '\0';
    FILE *fp = fopen(log, "r");
    if (!fp)
        return;
    char line[512];
    bool found = false;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t skip = strspn(line, " \t^");
        if (!line[skip])
            continue;
        const char *at = strstr(line, "\" line ");
        if (at) {
            snprintf(out, n, "%s", at + 2);
            found = true;
        } else if (found) {
            size_t len = strlen(out);
            snprintf(out + len, n - len, "; %s", line + skip);
        } else {
            snprintf(out, n, "%s", line + skip);
        }
    }
    fclose(fp);
}

static int run_gnuplot(const chart_files *f, const char *png_path, hr_error *err)
{
    char cmd[3 * CHART_PATH_MAX];
    size_t len = 0;
    bool ok = true;
    len = (size_t)snprintf(cmd, sizeof cmd, "gnuplot ");
    ok = append_quoted(cmd, sizeof cmd, &len, f->script, true);
    if (ok && len + 4 < sizeof cmd) {
        memcpy(cmd + len, " 2>", 4);
        len += 3;
    } else {
        ok = false;
    }
    ok = ok && append_quoted(cmd, sizeof cmd, &len, f->log, true);
    if (!ok)
        return hr_error_set(err, HR_EIO, "%s: temporary directory path too long for gnuplot",
                            f->dir);

    /* Read mode, so a gnuplot that dies early cannot SIGPIPE us. */
    FILE *pp = popen(cmd, "r");
    if (!pp)
        return hr_error_set(err, HR_EIO, "cannot start gnuplot: %s", strerror(errno));
    char sink[256];
    while (fread(sink, 1, sizeof sink, pp) > 0) {
    }
    int status = pclose(pp);
    if (status == -1)
        return hr_error_set(err, HR_EIO, "gnuplot: cannot get its exit status: %s",
                            strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char line[512];
        gnuplot_log_reason(f->log, line, sizeof line);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox or drop "
                                             "--chart");
        return hr_error_set(err, HR_EIO, "%s: gnuplot failed (%s %d)%s%s; the chart was not drawn",
                            png_path, WIFEXITED(status) ? "exit status" : "signal",
                            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                            line[0] ? ": " : "", line);
    }
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
    if (!gnuplot_on_path())
        return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox or drop --chart");

    chart_files f = {0};
    char **qdata = NULL, **qnames = NULL;
    int rc = HR_OK;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(f.dir, sizeof f.dir, "%s/headroom-chart-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof f.dir)
        return hr_error_set(err, HR_EIO, "TMPDIR %s is too long for the chart's temporary files",
                            tmp);
    if (!mkdtemp(f.dir)) {
        rc = hr_error_set(err, HR_EIO,
                          "%s: cannot create a temporary directory for the chart: %s; "
                          "set TMPDIR to a writable directory",
                          f.dir, strerror(errno));
        f.dir[0] = '\0';
        return rc;
    }
    snprintf(f.script, sizeof f.script, "%s/timeline.gp", f.dir);
    snprintf(f.log, sizeof f.log, "%s/gnuplot.log", f.dir);

    f.data = calloc(rep->n_policies, sizeof *f.data);
    qdata = calloc(rep->n_policies, sizeof *qdata);
    qnames = calloc(rep->n_policies, sizeof *qnames);
    if (!f.data || !qdata || !qnames) {
        rc = hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
        goto done;
    }
    f.n_data = rep->n_policies;
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        if (!p->n_series)
            continue;
        char path[CHART_PATH_MAX];
        snprintf(path, sizeof path, "%s/policy-%zu.dat", f.dir, i);
        f.data[i] = strdup(path);
        qdata[i] = gp_quote(path);
        qnames[i] = gp_quote(p->name);
        if (!f.data[i] || !qdata[i] || !qnames[i]) {
            rc = hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
            goto done;
        }
        rc = write_data_file(path, p, err);
        if (rc)
            goto done;
    }
    rc = write_script(&f, rep, png_path, qdata, qnames, err);
    if (rc)
        goto done;
    rc = run_gnuplot(&f, png_path, err);
    if (rc)
        goto done;

    struct stat sb;
    if (stat(png_path, &sb) != 0 || sb.st_size == 0)
        rc = hr_error_set(err, HR_EIO, "%s: gnuplot finished but wrote no chart; check that "
                                       "the directory exists and is writable",
                          png_path);
done:
    for (size_t i = 0; qdata && qnames && i < rep->n_policies; i++) {
        free(qdata[i]);
        free(qnames[i]);
    }
    free(qdata);
    free(qnames);
    chart_files_cleanup(&f);
    return rc;
}
