/* plot.c - the capacity review's charts from a stored batch (plot.h).
 *
 * For each chart, the data go to files in a private gnuplot session and a
 * script is written that sets variables (every name as a quoted literal,
 * gp_quote) and then loads a template from plots/; the templates hold the
 * drawing, this file only the data and the numbers. */
#include "headroom/plot.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gnuplot.h"
#include "headroom/compare.h"

/* 1970-01-05, a Monday: t = 0 of a run that starts on a Monday. */
#define MONDAY_EPOCH 345600.0

enum { X_HOURS = 0, X_WEEKDAYS, X_DAYS };

typedef struct policy_data {
    char *name;
    hr_sample *series;        /* of the drawn replication */
    size_t n;
    hr_stored_action *actions;
    size_t n_actions;
    const char *data, *acts, *band; /* data files in the session */
} policy_data;

typedef struct plot_ctx {
    hr_store *st;
    const hr_plot_spec *spec;
    hr_stored_batch *batch;
    hr_stored_event *events;
    size_t n_events;
    policy_data *pol;
    size_t n_pol;
    hr_stored_run *runs;
    size_t n_runs;
    uint32_t replication;     /* the one drawn */
    gp_session g;
    int xmode;
    hr_plot_files *out;
} plot_ctx;

const char *hr_plot_templates(void)
{
    static const char *const candidates[] = {HR_PLOTS_SOURCE_DIR, HR_PLOTS_INSTALL_DIR};
    const char *env = getenv("HEADROOM_PLOTS");
    char probe[4096];
    if (env && *env) {
        snprintf(probe, sizeof probe, "%s/timeline.gp", env);
        return access(probe, R_OK) == 0 ? env : NULL;
    }
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        snprintf(probe, sizeof probe, "%s/timeline.gp", candidates[i]);
        if (access(probe, R_OK) == 0)
            return candidates[i];
    }
    return NULL;
}

void hr_plot_files_free(hr_plot_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    *f = (hr_plot_files){0};
}

/* ---- axes -------------------------------------------------------------- */

static double x_of(const plot_ctx *c, double t)
{
    switch (c->xmode) {
    case X_WEEKDAYS:
        return MONDAY_EPOCH + 86400.0 * c->batch->start_day + t;
    case X_DAYS:
        return t / 86400.0;
    default:
        return t / 3600.0;
    }
}

/* The gnuplot commands for the time axis over [t0, t1] (our own text,
 * no names in it). */
static void x_axis(const plot_ctx *c, double t0, double t1, char *buf, size_t size)
{
    double span = t1 - t0;
    if (c->xmode == X_WEEKDAYS && span > 2 * 86400.0)
        snprintf(buf, size,
                 "set xdata time; set timefmt '%%s'; set format x '%%a'; set xtics %g; "
                 "set mxtics 4; set xlabel 'day (tics every 6 hours)'",
                 span > 14 * 86400.0 ? 2 * 86400.0 : 86400.0);
    else if (c->xmode == X_WEEKDAYS)
        snprintf(buf, size,
                 "set xdata time; set timefmt '%%s'; set format x \"%%a\\n%%H:%%M\"; "
                 "set xtics auto; set mxtics default; set xlabel \"\"");
    else if (c->xmode == X_DAYS)
        snprintf(buf, size, "set xdata; set format x '%%g'; set xtics auto; set mxtics default; "
                            "set xlabel 'time (days)'");
    else
        snprintf(buf, size, "set xdata; set format x '%%g'; set xtics auto; set mxtics default; "
                            "set xlabel 'time (hours)'");
}

/* ---- script helpers ---------------------------------------------------- */

static bool var_str(FILE *fp, const char *name, const char *value)
{
    char *q = gp_quote(value ? value : "");
    if (!q)
        return false;
    fprintf(fp, "%s = %s\n", name, q);
    free(q);
    return true;
}

static void var_num(FILE *fp, const char *name, double v)
{
    if (isfinite(v))
        fprintf(fp, "%s = %.9g\n", name, v);
    else
        fprintf(fp, "%s = NaN\n", name);
}

static bool array_str(FILE *fp, const char *name, size_t i, const char *value)
{
    char *q = gp_quote(value ? value : "");
    if (!q)
        return false;
    fprintf(fp, "%s[%zu] = %s\n", name, i + 1, q);
    free(q);
    return true;
}

/* A file name part from a policy or event name: [A-Za-z0-9._-], others _. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (; *in && k + 1 < size; in++) {
        unsigned char ch = (unsigned char)*in;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '.' || ch == '_' || ch == '-';
        out[k++] = ok ? (char)ch : '_';
    }
    out[k] = '\0';
    if (k == 0 || out[0] == '.')
        snprintf(out, size, "x%s", k ? out : "");
}

/* Open the script of one chart: the terminal, the output, and the
 * variables every template reads. */
static FILE *begin_chart(plot_ctx *c, const char *stem, int width, int height, char *out_path,
                         size_t out_size, hr_error *err)
{
    snprintf(out_path, out_size, "%s/%s.%s", c->spec->out_dir, stem, c->spec->format);
    FILE *fp = fopen(c->g.script, "w");
    if (!fp) {
        hr_error_set(err, HR_EIO, "%s: cannot write the chart script: %s", c->g.script,
                     strerror(errno));
        return NULL;
    }
    gp_terminal(fp, out_path, width, height);
    char *q = gp_quote(out_path);
    if (!q) {
        fclose(fp);
        hr_error_set(err, HR_ENOMEM, "out of memory writing the chart script");
        return NULL;
    }
    fprintf(fp, "set output %s\nset datafile missing NaN\n", q);
    free(q);
    char title[512];
    snprintf(title, sizeof title, "%s, batch %" PRId64, c->batch->scenario ? c->batch->scenario : "?",
             c->batch->id);
    var_str(fp, "scenario_title", title);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/", c->spec->templates);
    var_str(fp, "dir", dir);
    var_num(fp, "slo_p95", c->batch->slo_latency_p95_ms);
    var_num(fp, "slo_p99", c->batch->slo_latency_p99_ms);
    var_num(fp, "slo_err", c->batch->slo_error_rate_pct);
    var_num(fp, "replication", c->replication);
    fprintf(fp, "n_events = %zu\n", c->n_events);
    if (c->n_events) {
        fprintf(fp, "array ev_start[%zu]\narray ev_end[%zu]\narray ev_name[%zu]\n", c->n_events,
                c->n_events, c->n_events);
        for (size_t i = 0; i < c->n_events; i++) {
            fprintf(fp, "ev_start[%zu] = %.9g\nev_end[%zu] = %.9g\n", i + 1,
                    x_of(c, c->events[i].start_s), i + 1, x_of(c, c->events[i].end_s));
            array_str(fp, "ev_name", i, c->events[i].name);
        }
    }
    fprintf(fp, "n_policies = %zu\narray pol_name[%zu]\narray pol_data[%zu]\narray pol_acts[%zu]\n"
                "array pol_band[%zu]\n",
            c->n_pol, c->n_pol, c->n_pol, c->n_pol, c->n_pol);
    for (size_t i = 0; i < c->n_pol; i++) {
        array_str(fp, "pol_name", i, c->pol[i].name);
        array_str(fp, "pol_data", i, c->pol[i].data);
        array_str(fp, "pol_acts", i, c->pol[i].acts);
        array_str(fp, "pol_band", i, c->pol[i].band);
    }
    return fp;
}

/* Load the template, close the script, run gnuplot and record the file. */
static int end_chart(plot_ctx *c, FILE *fp, const char *template, const char *out_path,
                     hr_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", c->spec->templates, template);
    char *q = gp_quote(path);
    if (q)
        fprintf(fp, "load %s\nunset output\n", q);
    free(q);
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad || !q)
        return hr_error_set(err, HR_EIO, "%s: cannot write the chart script", c->g.script);
    int rc = gp_run(&c->g, out_path, err);
    if (rc)
        return rc;
    char **paths = realloc(c->out->paths, (c->out->n + 1) * sizeof *paths);
    if (!paths)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    c->out->paths = paths;
    if (!(paths[c->out->n] = strdup(out_path)))
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    c->out->n++;
    return HR_OK;
}

/* ---- data files -------------------------------------------------------- */

/* A number of a data file; NaN (no value) as the missing marker. */
static void put_num(FILE *fp, double v, bool last)
{
    if (isfinite(v))
        fprintf(fp, "%.9g", v);
    else
        fputs("NaN", fp);
    fputc(last ? '\n' : ' ', fp);
}

static int write_policy_data(plot_ctx *c, policy_data *p, size_t k, hr_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "policy%zu.dat", k);
    int rc = gp_data_path(&c->g, name, &p->data, err);
    if (rc)
        return rc;
    FILE *fp = fopen(p->data, "w");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", p->data, strerror(errno));
    fputs("# x offered demand serving pending warming in_service draining failed p50 p95 p99 "
          "err_pct cost_per_hour cum_cost stack_in stack_warm stack_pend stack_drain stack_fail\n",
          fp);
    double cum = 0, step = p->n > 1 ? p->series[1].time_s - p->series[0].time_s : 0;
    for (size_t t = 0; t < p->n; t++) {
        const hr_sample *s = &p->series[t];
        double err_pct = s->offered_rps > 0 ? 100.0 * s->error_rps / s->offered_rps : NAN;
        cum += s->cost_per_hour * step / 3600.0;
        int a = s->in_service, b = a + s->warming, d = b + s->pending, e = d + s->draining,
            f = e + s->failed;
        const double v[] = {x_of(c, s->time_s), s->offered_rps, s->demand < 0 ? NAN : s->demand,
                            s->in_service + s->warming, s->pending, s->warming, s->in_service,
                            s->draining, s->failed, s->latency_p50_ms, s->latency_p95_ms,
                            s->latency_p99_ms, err_pct, s->cost_per_hour, cum, a, b, d, e, f};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            put_num(fp, v[i], i + 1 == sizeof v / sizeof v[0]);
    }
    bool bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data", p->data);

    snprintf(name, sizeof name, "actions%zu.dat", k);
    if ((rc = gp_data_path(&c->g, name, &p->acts, err)))
        return rc;
    fp = fopen(p->acts, "w");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", p->acts, strerror(errno));
    fputs("# x desired direction\n", fp);
    for (size_t i = 0; i < p->n_actions; i++)
        fprintf(fp, "%.9g %d %d\n", x_of(c, p->actions[i].time_s), p->actions[i].to,
                p->actions[i].to > p->actions[i].from ? 1 : -1);
    if (p->n_actions == 0) /* gnuplot refuses an empty file: a point off every axis */
        fputs("NaN NaN 0\n", fp);
    bad = ferror(fp) != 0;
    if (fclose(fp) != 0 || bad)
        return hr_error_set(err, HR_EIO, "%s: cannot write chart data", p->acts);
    return HR_OK;
}

/* Each row's min, mean and max across the policy's replications of
 * instances serving and p95. */
static int write_band(plot_ctx *c, policy_data *p, size_t k, hr_error *err)
{
    size_t reps = 0, rows = SIZE_MAX;
    hr_sample **all = calloc(c->n_runs ? c->n_runs : 1, sizeof *all);
    size_t *lens = calloc(c->n_runs ? c->n_runs : 1, sizeof *lens);
    int rc = all && lens ? HR_OK : hr_error_set(err, HR_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < c->n_runs; i++) {
        if (strcmp(c->runs[i].policy, p->name) != 0)
            continue;
        rc = hr_store_series(c->st, c->runs[i].id, &all[reps], &lens[reps], err);
        if (!rc) {
            rows = lens[reps] < rows ? lens[reps] : rows;
            reps++;
        }
    }
    char name[64];
    snprintf(name, sizeof name, "band%zu.dat", k);
    if (!rc)
        rc = gp_data_path(&c->g, name, &p->band, err);
    FILE *fp = rc ? NULL : fopen(p->band, "w");
    if (!rc && !fp)
        rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", p->band, strerror(errno));
    if (fp) {
        fprintf(fp, "# x serving_min serving_mean serving_max p95_min p95_mean p95_max (%zu replications)\n",
                reps);
        for (size_t t = 0; reps && t < rows; t++) {
            double lo = INFINITY, hi = -INFINITY, sum = 0, plo = INFINITY, phi = -INFINITY, psum = 0;
            int pn = 0;
            for (size_t r = 0; r < reps; r++) {
                double v = all[r][t].in_service + all[r][t].warming, l = all[r][t].latency_p95_ms;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
                sum += v;
                if (isfinite(l)) {
                    plo = fmin(plo, l);
                    phi = fmax(phi, l);
                    psum += l;
                    pn++;
                }
            }
            const double v[] = {x_of(c, all[0][t].time_s), lo, sum / reps, hi, pn ? plo : NAN,
                                pn ? psum / pn : NAN, pn ? phi : NAN};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
                put_num(fp, v[i], i + 1 == sizeof v / sizeof v[0]);
        }
        bool bad = ferror(fp) != 0;
        if (fclose(fp) != 0 || bad)
            rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data", p->band);
    }
    for (size_t r = 0; all && r < reps; r++)
        free(all[r]);
    free(all);
    free(lens);
    return rc;
}

/* ---- charts ------------------------------------------------------------ */

static int chart_timelines(plot_ctx *c, hr_error *err)
{
    char axis[256], out[4096], stem[128], title[512];
    x_axis(c, 0, c->batch->duration_s, axis, sizeof axis);
    for (size_t k = 0; k < c->n_pol; k++) {
        char safe[96];
        safe_name(c->pol[k].name, safe, sizeof safe);
        snprintf(stem, sizeof stem, "timeline-%s", safe);
        FILE *fp = begin_chart(c, stem, 1400, 1000, out, sizeof out, err);
        if (!fp)
            return HR_EIO;
        fprintf(fp, "k = %zu\n", k + 1);
        var_str(fp, "xaxis", axis);
        snprintf(title, sizeof title, "%s, batch %" PRId64 ": %s, replication %u",
                 c->batch->scenario ? c->batch->scenario : "?", c->batch->id, c->pol[k].name,
                 c->replication);
        var_str(fp, "chart_title", title);
        int rc = end_chart(c, fp, "timeline.gp", out, err);
        if (rc)
            return rc;
    }
    return HR_OK;
}

static int chart_simple(plot_ctx *c, const char *stem, const char *template, int width, int height,
                        hr_error *err)
{
    char axis[256], out[4096];
    x_axis(c, 0, c->batch->duration_s, axis, sizeof axis);
    FILE *fp = begin_chart(c, stem, width, height, out, sizeof out, err);
    if (!fp)
        return HR_EIO;
    var_str(fp, "xaxis", axis);
    return end_chart(c, fp, template, out, err);
}

static int chart_cost_slo(plot_ctx *c, hr_error *err)
{
    hr_comparison cmp;
    int rc = hr_compare_batch(c->st, c->batch->id, &cmp, err);
    if (rc)
        return rc;
    const char *data;
    rc = gp_data_path(&c->g, "cost_slo.dat", &data, err);
    FILE *fp = rc ? NULL : fopen(data, "w");
    if (!rc && !fp)
        rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", data, strerror(errno));
    if (fp) {
        fputs("# viol viol_lo viol_hi cost cost_lo cost_hi pareto index\n", fp);
        for (size_t i = 0; i < cmp.n_policies; i++) {
            const hr_estimate *v = &cmp.policies[i].fig[HR_FIG_SLO_VIOLATION],
                              *m = &cmp.policies[i].fig[HR_FIG_COST];
            fprintf(fp, "%.9g %.9g %.9g %.9g %.9g %.9g %d %zu\n", v->mean,
                    isfinite(v->lo) ? fmax(v->lo, 0) : v->mean, isfinite(v->hi) ? v->hi : v->mean,
                    m->mean, isfinite(m->lo) ? m->lo : m->mean, isfinite(m->hi) ? m->hi : m->mean,
                    cmp.policies[i].pareto, i + 1);
        }
        bool bad = ferror(fp) != 0;
        if (fclose(fp) != 0 || bad)
            rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data", data);
    }
    /* the front, by violation, as a line */
    const char *front;
    if (!rc)
        rc = gp_data_path(&c->g, "front.dat", &front, err);
    fp = rc ? NULL : fopen(front, "w");
    if (!rc && !fp)
        rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data: %s", front, strerror(errno));
    if (fp) {
        bool *done = calloc(cmp.n_policies + 1, sizeof *done);
        for (size_t n = 0; done && n < cmp.n_policies; n++) {
            size_t best = SIZE_MAX;
            for (size_t i = 0; i < cmp.n_policies; i++)
                if (cmp.policies[i].pareto && !done[i] &&
                    (best == SIZE_MAX || cmp.policies[i].fig[HR_FIG_SLO_VIOLATION].mean <
                                             cmp.policies[best].fig[HR_FIG_SLO_VIOLATION].mean))
                    best = i;
            if (best == SIZE_MAX)
                break;
            done[best] = true;
            fprintf(fp, "%.9g %.9g\n", cmp.policies[best].fig[HR_FIG_SLO_VIOLATION].mean,
                    cmp.policies[best].fig[HR_FIG_COST].mean);
        }
        free(done);
        if (fclose(fp) != 0)
            rc = hr_error_set(err, HR_EIO, "%s: cannot write chart data", front);
    }
    char out[4096];
    FILE *sp = rc ? NULL : begin_chart(c, "cost-slo", 1100, 800, out, sizeof out, err);
    if (!rc && !sp)
        rc = HR_EIO;
    if (sp) {
        var_str(sp, "data", data);
        var_str(sp, "front", front);
        fprintf(sp, "recommended = %d\narray cs_x[%zu]\narray cs_y[%zu]\n", cmp.recommended + 1,
                cmp.n_policies ? cmp.n_policies : 1, cmp.n_policies ? cmp.n_policies : 1);
        for (size_t i = 0; i < cmp.n_policies; i++)
            fprintf(sp, "cs_x[%zu] = %.9g\ncs_y[%zu] = %.9g\n", i + 1,
                    cmp.policies[i].fig[HR_FIG_SLO_VIOLATION].mean, i + 1,
                    cmp.policies[i].fig[HR_FIG_COST].mean);
        rc = end_chart(c, sp, "cost_slo.gp", out, err);
    }
    hr_comparison_free(&cmp);
    return rc;
}

static int chart_events(plot_ctx *c, hr_error *err)
{
    for (size_t k = 0; k < c->n_events; k++) {
        const hr_stored_event *e = &c->events[k];
        double len = e->end_s - e->start_s, pad = fmax(0.5 * len, 1800.0);
        double t0 = fmax(0, e->start_s - pad), t1 = fmin(c->batch->duration_s, e->end_s + pad);
        char axis[256], out[4096], stem[160], safe[96], title[512];
        x_axis(c, t0, t1, axis, sizeof axis);
        if (c->xmode != X_WEEKDAYS) /* hours since the start read best up close */
            snprintf(axis, sizeof axis, "set xdata; set format x '%%g'; set xtics auto; "
                                        "set mxtics default; set xlabel 'time (%s)'",
                     c->xmode == X_DAYS ? "days" : "hours");
        safe_name(e->name, safe, sizeof safe);
        /* numbered to sort in time order: event-01 .. event-12 */
        int width = c->n_events >= 100 ? 3 : c->n_events >= 10 ? 2 : 1;
        snprintf(stem, sizeof stem, "event-%0*zu-%s", width, k + 1, safe);
        FILE *fp = begin_chart(c, stem, 1200, 900, out, sizeof out, err);
        if (!fp)
            return HR_EIO;
        var_str(fp, "xaxis", axis);
        var_num(fp, "xmin", x_of(c, t0));
        var_num(fp, "xmax", x_of(c, t1));
        snprintf(title, sizeof title, "%s, batch %" PRId64 ": %s %s, replication %u",
                 c->batch->scenario ? c->batch->scenario : "?", c->batch->id, e->kind, e->name,
                 c->replication);
        var_str(fp, "chart_title", title);
        int rc = end_chart(c, fp, "zoom.gp", out, err);
        if (rc)
            return rc;
    }
    return HR_OK;
}

/* ---- the batch --------------------------------------------------------- */

static void free_ctx(plot_ctx *c)
{
    for (size_t i = 0; i < c->n_pol; i++) {
        free(c->pol[i].name);
        free(c->pol[i].series);
        free(c->pol[i].actions);
    }
    free(c->pol);
    free(c->events);
    hr_stored_runs_free(c->runs, c->n_runs);
    hr_stored_batches_free(c->batch, c->batch ? 1 : 0);
    gp_close(&c->g);
}

/* The runs to draw: one replication (the run's, or the lowest) of each
 * policy. */
static int load_policies(plot_ctx *c, hr_error *err)
{
    int rc = hr_store_runs(c->st, c->batch->id, &c->runs, &c->n_runs, err);
    if (rc)
        return rc;
    if (c->n_runs == 0)
        return hr_error_set(err, HR_EINVAL, "batch %" PRId64 " has no runs to draw", c->batch->id);
    bool found = c->spec->run_id <= 0;
    c->replication = UINT32_MAX;
    for (size_t i = 0; i < c->n_runs; i++) {
        if (c->runs[i].id == c->spec->run_id) {
            c->replication = c->runs[i].replication;
            found = true;
        }
        if (c->spec->run_id <= 0 && c->runs[i].replication < c->replication)
            c->replication = c->runs[i].replication;
    }
    if (!found)
        return hr_error_set(err, HR_EINVAL, "run %" PRId64 " is not in batch %" PRId64,
                            c->spec->run_id, c->batch->id);
    c->pol = calloc(c->n_runs, sizeof *c->pol);
    if (!c->pol)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n_runs; i++) {
        if (c->runs[i].replication != c->replication)
            continue;
        policy_data *p = &c->pol[c->n_pol++];
        if (!(p->name = strdup(c->runs[i].policy)))
            return hr_error_set(err, HR_ENOMEM, "out of memory");
        if ((rc = hr_store_series(c->st, c->runs[i].id, &p->series, &p->n, err)) ||
            (rc = hr_store_actions(c->st, c->runs[i].id, &p->actions, &p->n_actions, err)))
            return rc;
        if (p->n == 0)
            return hr_error_set(err, HR_EINVAL, "run %" PRId64 " has no time series to draw",
                                c->runs[i].id);
    }
    return HR_OK;
}

int hr_plot_batch(hr_store *st, const hr_plot_spec *spec, hr_plot_files *out, hr_error *err)
{
    *out = (hr_plot_files){0};
    plot_ctx c = {.st = st, .spec = spec, .out = out};
    int rc = hr_store_batch(st, spec->batch_id, &c.batch, err);
    if (!rc)
        rc = hr_store_events(st, spec->batch_id, &c.events, &c.n_events, err);
    if (!rc)
        rc = load_policies(&c, err);
    if (!rc)
        rc = gp_open(&c.g, "chart.gp", err);
    if (rc) {
        free_ctx(&c);
        return rc;
    }
    double d = c.batch->duration_s;
    c.xmode = d <= 2 * 86400.0 ? X_HOURS : d <= 21 * 86400.0 ? X_WEEKDAYS : X_DAYS;
    for (size_t k = 0; !rc && k < c.n_pol; k++)
        if (!(rc = write_policy_data(&c, &c.pol[k], k, err)))
            rc = write_band(&c, &c.pol[k], k, err);
    if (!rc)
        rc = chart_timelines(&c, err);
    if (!rc)
        rc = chart_simple(&c, "latency", "latency.gp", 1200, 300 + 220 * (int)c.n_pol, err);
    if (!rc)
        rc = chart_simple(&c, "errors-cost", "errors_cost.gp", 1200, 1000, err);
    if (!rc)
        rc = chart_cost_slo(&c, err);
    if (!rc)
        rc = chart_events(&c, err);
    if (!rc)
        rc = chart_simple(&c, "band", "band.gp", 1200, 300 + 220 * (int)c.n_pol, err);
    free_ctx(&c);
    return rc;
}
