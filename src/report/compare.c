/* compare.c - the policies of a stored batch compared with confidence
 * intervals (headroom/compare.h, docs/compare.md). */
#include "headroom/compare.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "headroom/csv.h"
#include "headroom/json.h"

static const char *const figure_keys[HR_FIG_COUNT] = {
    [HR_FIG_COST] = "cost",
    [HR_FIG_COST_PER_MREQ] = "cost_per_million_requests",
    [HR_FIG_ERRORS] = "errors",
    [HR_FIG_ERROR_RATE] = "error_rate_pct",
    [HR_FIG_P50] = "latency_p50_ms",
    [HR_FIG_P95] = "latency_p95_ms",
    [HR_FIG_P99] = "latency_p99_ms",
    [HR_FIG_SLO_VIOLATION] = "slo_violation_minutes",
    [HR_FIG_INSTANCE_HOURS] = "instance_hours",
    [HR_FIG_SCALING_ACTIONS] = "scaling_actions",
    [HR_FIG_PEAK] = "peak_instances",
    [HR_FIG_ACC_UNDER] = "accuracy_under_pct",
    [HR_FIG_ACC_OVER] = "accuracy_over_pct",
    [HR_FIG_TS_UNDER] = "timeshare_under_pct",
    [HR_FIG_TS_OVER] = "timeshare_over_pct",
    [HR_FIG_INSTABILITY] = "instability_pct",
    [HR_FIG_JITTER] = "jitter_per_hour",
};

const char *hr_figure_key(hr_figure f)
{
    return (unsigned)f < HR_FIG_COUNT ? figure_keys[f] : "unknown";
}

hr_estimate hr_estimate_of(const double *x, size_t n)
{
    hr_estimate e = {.mean = NAN, .lo = NAN, .hi = NAN};
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            sum += x[i];
            e.n++;
        }
    if (e.n == 0)
        return e;
    e.mean = sum / e.n;
    if (e.n < 2)
        return e;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            ss += (x[i] - e.mean) * (x[i] - e.mean);
    double half = gsl_cdf_tdist_Pinv(0.975, e.n - 1) * sqrt(ss / (e.n - 1)) / sqrt((double)e.n);
    e.lo = e.mean - half;
    e.hi = e.mean + half;
    return e;
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

int hr_elasticity_of(const hr_sample *s, size_t n, double step_s, hr_elasticity *out,
                     hr_error *err)
{
    *out = (hr_elasticity){.accuracy_under_pct = NAN, .accuracy_over_pct = NAN,
                           .timeshare_under_pct = NAN, .timeshare_over_pct = NAN,
                           .instability_pct = NAN, .jitter_per_hour = NAN};
    if (n == 0 || !(step_s > 0))
        return hr_error_set(err, HR_EINVAL, "elasticity: no time series");
    double under = 0, over = 0, t_under = 0, t_over = 0, unstable = 0;
    int supply_changes = 0, demand_changes = 0;
    for (size_t t = 0; t < n; t++) {
        int d = s[t].demand, sup = s[t].in_service + s[t].warming;
        if (d < 0)
            return hr_error_set(err, HR_EINVAL,
                                "elasticity: the series has no demand (stored by an older headroom); "
                                "run the scenario again");
        double norm = d > 0 ? d : 1;
        if (d > sup) {
            under += (d - sup) / norm;
            t_under += 1;
        } else if (sup > d) {
            over += (sup - d) / norm;
            t_over += 1;
        }
        if (t > 0) {
            int ds = sup - (s[t - 1].in_service + s[t - 1].warming), dd = d - s[t - 1].demand;
            unstable += sign(ds) != sign(dd);
            supply_changes += ds != 0;
            demand_changes += dd != 0;
        }
    }
    double rows = (double)n;
    out->accuracy_under_pct = 100.0 * under / rows;
    out->accuracy_over_pct = 100.0 * over / rows;
    out->timeshare_under_pct = 100.0 * t_under / rows;
    out->timeshare_over_pct = 100.0 * t_over / rows;
    out->instability_pct = n > 1 ? 100.0 * unstable / (rows - 1) : 0;
    out->jitter_per_hour = (supply_changes - demand_changes) / (rows * step_s / 3600.0);
    return HR_OK;
}

/* ---- one batch --------------------------------------------------------- */

/* The figures of one run (elasticity NaN when its series cannot give it). */
static void run_figures(const hr_stored_run *r, const hr_elasticity *el, double *f)
{
    const hr_summary *m = &r->summary;
    f[HR_FIG_COST] = m->cost;
    f[HR_FIG_COST_PER_MREQ] = m->cost_per_million_requests;
    f[HR_FIG_ERRORS] = (double)m->errors;
    f[HR_FIG_ERROR_RATE] = m->error_rate_pct;
    f[HR_FIG_P50] = m->latency_p50_ms;
    f[HR_FIG_P95] = m->latency_p95_ms;
    f[HR_FIG_P99] = m->latency_p99_ms;
    f[HR_FIG_SLO_VIOLATION] = m->slo_violation_minutes;
    f[HR_FIG_INSTANCE_HOURS] = m->instance_hours;
    f[HR_FIG_SCALING_ACTIONS] = m->scaling_actions;
    f[HR_FIG_PEAK] = m->peak_instances;
    f[HR_FIG_ACC_UNDER] = el->accuracy_under_pct;
    f[HR_FIG_ACC_OVER] = el->accuracy_over_pct;
    f[HR_FIG_TS_UNDER] = el->timeshare_under_pct;
    f[HR_FIG_TS_OVER] = el->timeshare_over_pct;
    f[HR_FIG_INSTABILITY] = el->instability_pct;
    f[HR_FIG_JITTER] = el->jitter_per_hour;
}

void hr_comparison_free(hr_comparison *c)
{
    for (size_t i = 0; i < c->n_policies; i++)
        free(c->policies[i].name);
    free(c->policies);
    free(c->diffs);
    free(c->scenario);
    *c = (hr_comparison){0};
}

/* Ranking order: every run met the SLO first (by cost), then by SLO
 * violation minutes and cost; the order run breaks ties. An oracle is a
 * bound, not a candidate: after every real policy. */
static bool ranks_before(const hr_compare_policy *a, const hr_compare_policy *b)
{
    if (a->oracle != b->oracle)
        return b->oracle;
    bool am = a->slo_met_runs == a->runs, bm = b->slo_met_runs == b->runs;
    if (am != bm)
        return am;
    double ac = a->fig[HR_FIG_COST].mean, bc = b->fig[HR_FIG_COST].mean;
    if (!am) {
        double av = a->fig[HR_FIG_SLO_VIOLATION].mean, bv = b->fig[HR_FIG_SLO_VIOLATION].mean;
        if (av != bv)
            return av < bv;
    }
    return ac < bc;
}

static void rank_and_front(hr_comparison *c)
{
    for (size_t i = 0; i < c->n_policies; i++) {
        hr_compare_policy *p = &c->policies[i];
        p->rank = 1;
        p->pareto = true;
        for (size_t j = 0; j < c->n_policies; j++) {
            if (j == i)
                continue;
            const hr_compare_policy *q = &c->policies[j];
            if (ranks_before(q, p) || (j < i && !ranks_before(p, q)))
                p->rank++;
            double pc = p->fig[HR_FIG_COST].mean, qc = q->fig[HR_FIG_COST].mean;
            double pv = p->fig[HR_FIG_SLO_VIOLATION].mean, qv = q->fig[HR_FIG_SLO_VIOLATION].mean;
            if (!q->oracle && qc <= pc && qv <= pv && (qc < pc || qv < pv))
                p->pareto = false;
        }
    }
    c->recommended = c->runner_up = -1;
    for (size_t i = 0; i < c->n_policies; i++) {
        const hr_compare_policy *p = &c->policies[i];
        if (p->rank == 1 && p->slo_met_runs == p->runs && !p->oracle)
            c->recommended = (int)i;
        if (p->rank == 2)
            c->runner_up = (int)i;
    }
}

const hr_compare_diff *hr_comparison_diff(const hr_comparison *c, size_t a, size_t b)
{
    for (size_t k = 0; k < c->n_diffs; k++)
        if ((c->diffs[k].a == a && c->diffs[k].b == b) || (c->diffs[k].a == b && c->diffs[k].b == a))
            return &c->diffs[k];
    return NULL;
}

int hr_compare_batch(hr_store *st, int64_t batch_id, hr_comparison *out, hr_error *err)
{
    *out = (hr_comparison){.batch_id = batch_id, .recommended = -1, .runner_up = -1};
    hr_stored_run *runs;
    size_t n;
    int rc = hr_store_runs(st, batch_id, &runs, &n, err);
    if (rc)
        return rc;
    hr_stored_batch *batches = NULL;
    size_t nb = 0;
    double *fig = calloc(n ? n : 1, HR_FIG_COUNT * sizeof *fig);
    size_t *policy_of = calloc(n ? n : 1, sizeof *policy_of);
    out->policies = calloc(n ? n : 1, sizeof *out->policies);
    if (!fig || !policy_of || !out->policies) {
        rc = hr_error_set(err, HR_ENOMEM, "out of memory comparing batch %" PRId64, batch_id);
        goto done;
    }
    /* Each run's figures, its elasticity from its series. */
    for (size_t i = 0; i < n; i++) {
        hr_sample *series;
        size_t ns;
        hr_elasticity el;
        hr_error ignored;
        if ((rc = hr_store_series(st, runs[i].id, &series, &ns, err)))
            goto done;
        hr_elasticity_of(series, ns, runs[i].series_step_s, &el, &ignored);
        free(series);
        run_figures(&runs[i], &el, &fig[i * HR_FIG_COUNT]);
        size_t p = 0;
        while (p < out->n_policies && strcmp(out->policies[p].name, runs[i].policy) != 0)
            p++;
        if (p == out->n_policies) {
            out->policies[p].name = strdup(runs[i].policy);
            if (!out->policies[p].name) {
                rc = hr_error_set(err, HR_ENOMEM, "out of memory comparing");
                goto done;
            }
            out->n_policies++;
        }
        policy_of[i] = p;
        out->policies[p].oracle = runs[i].oracle;
        out->policies[p].runs++;
        out->policies[p].slo_met_runs += runs[i].summary.slo_met;
        if (out->policies[p].runs > out->replications)
            out->replications = out->policies[p].runs;
    }
    double *x = calloc(n ? n : 1, sizeof *x);
    out->diffs = calloc(out->n_policies * out->n_policies + 1, sizeof *out->diffs);
    if (!x || !out->diffs) {
        free(x);
        rc = hr_error_set(err, HR_ENOMEM, "out of memory comparing");
        goto done;
    }
    for (size_t p = 0; p < out->n_policies; p++)
        for (int f = 0; f < HR_FIG_COUNT; f++) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (policy_of[i] == p)
                    x[k++] = fig[i * HR_FIG_COUNT + f];
            out->policies[p].fig[f] = hr_estimate_of(x, k);
        }
    /* Pairs: replication r of a against replication r of b. */
    for (size_t a = 0; a < out->n_policies; a++)
        for (size_t b = a + 1; b < out->n_policies; b++) {
            hr_compare_diff *d = &out->diffs[out->n_diffs++];
            d->a = a;
            d->b = b;
            for (int f = 0; f < HR_FIG_COUNT; f++) {
                size_t k = 0;
                for (size_t i = 0; i < n; i++) {
                    if (policy_of[i] != a)
                        continue;
                    for (size_t j = 0; j < n; j++)
                        if (policy_of[j] == b && runs[j].replication == runs[i].replication)
                            x[k++] = fig[j * HR_FIG_COUNT + f] - fig[i * HR_FIG_COUNT + f];
                }
                d->fig[f] = hr_estimate_of(x, k);
            }
        }
    free(x);
    rank_and_front(out);
    if ((rc = hr_store_batch(st, batch_id, &batches, err)))
        goto done;
    nb = 1;
    if (batches->scenario && !(out->scenario = strdup(batches->scenario)))
        rc = hr_error_set(err, HR_ENOMEM, "out of memory comparing");
done:
    hr_stored_batches_free(batches, nb);
    hr_stored_runs_free(runs, n);
    free(fig);
    free(policy_of);
    if (rc)
        hr_comparison_free(out);
    return rc;
}

/* ---- output ------------------------------------------------------------ */

/* "12.34 ± 0.56", or "12.34" without an interval, "-" without a value. */
static void cell(char *buf, size_t size, const hr_estimate *e, int decimals)
{
    if (!isfinite(e->mean))
        snprintf(buf, size, "-");
    else if (!isfinite(e->lo))
        snprintf(buf, size, "%.*f", decimals, e->mean);
    else
        snprintf(buf, size, "%.*f ± %.*f", decimals, e->mean, decimals, (e->hi - e->lo) / 2);
}

/* Print a cell left-padded to width display columns ("±" is one column
 * but two bytes). */
static void put_cell(FILE *out, const char *text, int width)
{
    int cols = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        cols += (*c & 0xC0) != 0x80;
    fprintf(out, "%*s%s", width > cols ? width - cols : 0, "", text);
}

static void print_row(FILE *out, const hr_estimate *fig, const hr_figure *cols, const int *dec,
                      size_t ncols)
{
    char buf[64];
    for (size_t k = 0; k < ncols; k++) {
        cell(buf, sizeof buf, &fig[cols[k]], dec[k]);
        put_cell(out, buf, 19);
    }
    fputc('\n', out);
}

void hr_compare_print_table(const hr_comparison *c, FILE *out)
{
    size_t w = 6;
    for (size_t i = 0; i < c->n_policies; i++)
        if (strlen(c->policies[i].name) > w)
            w = strlen(c->policies[i].name);
    fprintf(out, "batch %" PRId64 ", scenario %s: means over replications ± the half-width of their "
                 "95%% confidence interval (Student t)\n\n",
            c->batch_id, c->scenario ? c->scenario : "?");
    static const hr_figure main_cols[] = {HR_FIG_COST, HR_FIG_P95, HR_FIG_P99, HR_FIG_ERROR_RATE,
                                          HR_FIG_SLO_VIOLATION, HR_FIG_INSTANCE_HOURS};
    static const int main_dec[] = {2, 1, 1, 3, 1, 1};
    static const char *const main_heads[] = {"cost", "p95 ms", "p99 ms", "err %", "SLO viol min",
                                             "inst-h"};
    fprintf(out, "%-*s  runs  SLO met", (int)w, "policy");
    for (size_t k = 0; k < 6; k++)
        fprintf(out, "%19s", main_heads[k]);
    fputc('\n', out);
    for (size_t i = 0; i < c->n_policies; i++) {
        const hr_compare_policy *p = &c->policies[i];
        char met[32];
        snprintf(met, sizeof met, "%d/%d", p->slo_met_runs, p->runs);
        fprintf(out, "%-*s  %4d  %7s", (int)w, p->name, p->runs, met);
        print_row(out, p->fig, main_cols, main_dec, 6);
    }

    static const hr_figure el_cols[] = {HR_FIG_ACC_UNDER, HR_FIG_ACC_OVER, HR_FIG_TS_UNDER,
                                        HR_FIG_TS_OVER, HR_FIG_INSTABILITY, HR_FIG_JITTER};
    static const int el_dec[] = {1, 1, 1, 1, 1, 2};
    static const char *const el_heads[] = {"under acc %", "over acc %", "under time %",
                                           "over time %", "instability %", "jitter /h"};
    fprintf(out, "\nelasticity (SPEC RG metrics: instances serving against demand; docs/compare.md)\n");
    fprintf(out, "%-*s               ", (int)w, "policy");
    for (size_t k = 0; k < 6; k++)
        fprintf(out, "%19s", el_heads[k]);
    fputc('\n', out);
    for (size_t i = 0; i < c->n_policies; i++) {
        fprintf(out, "%-*s               ", (int)w, c->policies[i].name);
        print_row(out, c->policies[i].fig, el_cols, el_dec, 6);
    }

    if (c->n_diffs) {
        static const hr_figure d_cols[] = {HR_FIG_COST, HR_FIG_P95, HR_FIG_P99, HR_FIG_ERROR_RATE,
                                           HR_FIG_SLO_VIOLATION};
        fprintf(out, "\npaired differences, second minus first, replication by replication\n");
        fprintf(out, "%-*s", (int)(2 * w + 4), "pair");
        for (size_t k = 0; k < 5; k++)
            fprintf(out, "%19s", main_heads[k]);
        fputc('\n', out);
        for (size_t k = 0; k < c->n_diffs; k++) {
            const hr_compare_diff *d = &c->diffs[k];
            char pair[256];
            snprintf(pair, sizeof pair, "%s vs %s", c->policies[d->a].name, c->policies[d->b].name);
            fprintf(out, "%-*s", (int)(2 * w + 4), pair);
            print_row(out, d->fig, d_cols, main_dec, 5);
        }
    }

    fprintf(out, "\nrank  %-*s  SLO met  %12s  %12s  pareto\n", (int)w, "policy", "mean cost",
            "viol min");
    for (int r = 1; r <= (int)c->n_policies; r++)
        for (size_t i = 0; i < c->n_policies; i++) {
            const hr_compare_policy *p = &c->policies[i];
            if (p->rank != r)
                continue;
            char met[32];
            snprintf(met, sizeof met, "%d/%d", p->slo_met_runs, p->runs);
            fprintf(out, "%4d  %-*s  %7s  %12.2f  %12.1f  %s\n", r, (int)w, p->name, met,
                    p->fig[HR_FIG_COST].mean, p->fig[HR_FIG_SLO_VIOLATION].mean,
                    p->pareto ? "yes" : "");
        }
    if (c->recommended < 0) {
        fprintf(out, "recommended: none; no policy met the SLO in every run\n");
        return;
    }
    fprintf(out, "recommended: %s", c->policies[c->recommended].name);
    if (c->runner_up >= 0) {
        const hr_compare_diff *d = hr_comparison_diff(c, (size_t)c->recommended, (size_t)c->runner_up);
        const hr_estimate *e = &d->fig[HR_FIG_COST];
        double sgn = d->a == (size_t)c->recommended ? 1 : -1;
        fprintf(out, "; the next, %s, costs %.2f more", c->policies[c->runner_up].name, sgn * e->mean);
        if (isfinite(e->lo))
            fprintf(out, " (95%% CI %.2f to %.2f)", sgn > 0 ? e->lo : -e->hi, sgn > 0 ? e->hi : -e->lo);
    }
    fputc('\n', out);
}

static void json_estimate(FILE *out, const hr_estimate *e)
{
    fputs("{\"mean\": ", out);
    hr_json_number(out, e->mean);
    fputs(", \"ci95\": [", out);
    hr_json_number(out, e->lo);
    fputs(", ", out);
    hr_json_number(out, e->hi);
    fprintf(out, "], \"n\": %d}", e->n);
}

static void json_figures(FILE *out, const hr_estimate *fig, const char *indent)
{
    fputs("{", out);
    for (int f = 0; f < HR_FIG_COUNT; f++) {
        fprintf(out, "%s\n%s  \"%s\": ", f ? "," : "", indent, figure_keys[f]);
        json_estimate(out, &fig[f]);
    }
    fprintf(out, "\n%s}", indent);
}

void hr_compare_print_json(const hr_comparison *c, FILE *out)
{
    fprintf(out, "{\n  \"batch\": %" PRId64 ",\n  \"scenario\": ", c->batch_id);
    hr_json_string(out, c->scenario);
    fprintf(out, ",\n  \"replications\": %d,\n  \"policies\": [", c->replications);
    for (size_t i = 0; i < c->n_policies; i++) {
        const hr_compare_policy *p = &c->policies[i];
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
        hr_json_string(out, p->name);
        fprintf(out, ", \"runs\": %d, \"slo_met_runs\": %d, \"rank\": %d, \"pareto\": %s,\n"
                     "     \"figures\": ",
                p->runs, p->slo_met_runs, p->rank, p->pareto ? "true" : "false");
        json_figures(out, p->fig, "     ");
        fputs("}", out);
    }
    fputs(c->n_policies ? "\n  ],\n  \"differences\": [" : "],\n  \"differences\": [", out);
    for (size_t k = 0; k < c->n_diffs; k++) {
        const hr_compare_diff *d = &c->diffs[k];
        fputs(k ? ",\n    {\"a\": " : "\n    {\"a\": ", out);
        hr_json_string(out, c->policies[d->a].name);
        fputs(", \"b\": ", out);
        hr_json_string(out, c->policies[d->b].name);
        fputs(", \"b_minus_a\": ", out);
        json_figures(out, d->fig, "     ");
        fputs("}", out);
    }
    fputs(c->n_diffs ? "\n  ],\n  \"recommended\": " : "],\n  \"recommended\": ", out);
    hr_json_string(out, c->recommended >= 0 ? c->policies[c->recommended].name : NULL);
    fputs(",\n  \"runner_up\": ", out);
    hr_json_string(out, c->runner_up >= 0 ? c->policies[c->runner_up].name : NULL);
    fputs("\n}\n", out);
}

static void csv_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.10g", v);
}

static void csv_row(FILE *out, const char *kind, const char *policy, const char *other,
                    const hr_estimate *e, int f)
{
    fprintf(out, "%s,", kind);
    hr_csv_field(out, policy);
    fputc(',', out);
    hr_csv_field(out, other);
    fprintf(out, ",%s,", figure_keys[f]);
    csv_number(out, e->mean);
    fputc(',', out);
    csv_number(out, e->lo);
    fputc(',', out);
    csv_number(out, e->hi);
    fprintf(out, ",%d\n", e->n);
}

void hr_compare_print_csv(const hr_comparison *c, FILE *out)
{
    fputs("kind,policy,other,figure,mean,ci95_low,ci95_high,n\n", out);
    for (size_t i = 0; i < c->n_policies; i++)
        for (int f = 0; f < HR_FIG_COUNT; f++)
            csv_row(out, "policy", c->policies[i].name, "", &c->policies[i].fig[f], f);
    for (size_t k = 0; k < c->n_diffs; k++)
        for (int f = 0; f < HR_FIG_COUNT; f++)
            csv_row(out, "difference", c->policies[c->diffs[k].b].name, c->policies[c->diffs[k].a].name,
                    &c->diffs[k].fig[f], f);
}
