/* report.c - folds runs into one summary per policy and prints them: the
 * comparison table for people and the results-contract JSON for scripts.
 *
 * Determinism: the JSON is a pure function of the runs folded in, whatever
 * order they arrive in. Each policy keeps its runs' summaries sorted by
 * replication and its means are recomputed by summing in that order, and
 * numbers are printed by hr_json_number() (core/json.c; format in docs/results.md). */
#include "headroom/engine.h"
#include "headroom/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/json.h"

void hr_report_init(hr_report *rep, const hr_scenario *sc, int replications)
{
    memset(rep, 0, sizeof *rep);
    rep->scenario = sc;
    rep->replications = replications;
}

static void policy_summary_free(hr_policy_summary *p)
{
    free(p->name);
    free(p->series);
    free(p->run_summaries);
    free(p->run_replications);
    free(p->run_ids);
    free(p->tenants);
    free(p->run_tenants);
    memset(p, 0, sizeof *p);
}

void hr_report_free(hr_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_policies; i++)
        policy_summary_free(&rep->policies[i]);
    free(rep->policies);
    memset(rep, 0, sizeof *rep);
}

/* ---- folding ----------------------------------------------------------- */

/* Each tenant's means over p's runs, summed in replication order. */
static void recompute_tenant_means(hr_policy_summary *p)
{
    double n = p->runs;
    for (size_t k = 0; k < p->n_tenants; k++) {
        hr_tenant_summary m = {.slo_met = true};
        double requests = 0, completed = 0, errors = 0;
        for (int i = 0; i < p->runs; i++) {
            const hr_tenant_summary *t = &p->run_tenants[(size_t)i * p->n_tenants + k];
            m.name = t->name;
            requests += (double)t->requests;
            completed += (double)t->completed;
            errors += (double)t->errors;
            m.error_rate_pct += t->error_rate_pct;
            m.latency_p50_ms += t->latency_p50_ms;
            m.latency_p95_ms += t->latency_p95_ms;
            m.latency_p99_ms += t->latency_p99_ms;
            m.slo_violation_minutes += t->slo_violation_minutes;
            m.demand_share += t->demand_share;
            m.cost += t->cost;
            m.slo_met = m.slo_met && t->slo_met;
        }
        m.requests = (uint64_t)llround(requests / n);
        m.completed = (uint64_t)llround(completed / n);
        m.errors = (uint64_t)llround(errors / n);
        m.error_rate_pct /= n;
        m.latency_p50_ms /= n;
        m.latency_p95_ms /= n;
        m.latency_p99_ms /= n;
        m.slo_violation_minutes /= n;
        m.demand_share /= n;
        m.cost /= n;
        p->tenants[k] = m;
    }
}

/* Recompute p's means from its run summaries, summed in replication order. */
static void recompute_means(hr_policy_summary *p)
{
    double cost = 0, cpm = 0, requests = 0, errors = 0, err_pct = 0, p50 = 0, p95 = 0, p99 = 0;
    double wait = 0, wait_p = 0, viol = 0, inst_h = 0, actions = 0, peak = 0, spot_int = 0;
    double launch_fail = 0, quota = 0, outage = 0, pool_h = 0, pool_cost = 0, starts = 0, returns = 0;
    double mape = 0;
    int n_mape = 0;
    double by_cost[HR_PURCHASE_COUNT] = {0}, by_hours[HR_PURCHASE_COUNT] = {0};
    bool met = true;
    for (int i = 0; i < p->runs; i++) {
        const hr_summary *m = &p->run_summaries[i];
        cost += m->cost;
        cpm += m->cost_per_million_requests;
        requests += (double)m->requests;
        errors += (double)m->errors;
        err_pct += m->error_rate_pct;
        p50 += m->latency_p50_ms;
        p95 += m->latency_p95_ms;
        p99 += m->latency_p99_ms;
        wait += m->mean_wait_ms;
        wait_p += m->wait_probability;
        viol += m->slo_violation_minutes;
        inst_h += m->instance_hours;
        actions += m->scaling_actions;
        peak += m->peak_instances;
        spot_int += m->spot_interruptions;
        launch_fail += m->launch_failures;
        quota += m->quota_refusals;
        outage += m->outage_losses;
        pool_h += m->warm_pool_hours;
        pool_cost += m->warm_pool_cost;
        starts += m->starts_from_pool;
        returns += m->returns_to_pool;
        if (m->forecasts > 0) {
            mape += m->forecast_mape_pct;
            n_mape++;
        }
        for (int o = 0; o < HR_PURCHASE_COUNT; o++) {
            by_cost[o] += m->cost_by_option[o];
            by_hours[o] += m->instance_hours_by_option[o];
        }
        met = met && m->slo_met;
    }
    double n = p->runs;
    p->cost = cost / n;
    p->cost_per_million_requests = cpm / n;
    p->requests = requests / n;
    p->errors = errors / n;
    p->error_rate_pct = err_pct / n;
    p->latency_p50_ms = p50 / n;
    p->latency_p95_ms = p95 / n;
    p->latency_p99_ms = p99 / n;
    p->mean_wait_ms = wait / n;
    p->wait_probability = wait_p / n;
    p->slo_violation_minutes = viol / n;
    p->instance_hours = inst_h / n;
    p->scaling_actions = actions / n;
    p->peak_instances = peak / n;
    p->spot_interruptions = spot_int / n;
    p->launch_failures = launch_fail / n;
    p->quota_refusals = quota / n;
    p->outage_losses = outage / n;
    p->warm_pool_hours = pool_h / n;
    p->warm_pool_cost = pool_cost / n;
    p->starts_from_pool = starts / n;
    p->returns_to_pool = returns / n;
    p->forecast_mape_pct = n_mape > 0 ? mape / n_mape : NAN;
    for (int o = 0; o < HR_PURCHASE_COUNT; o++) {
        p->cost_by_option[o] = by_cost[o] / n;
        p->instance_hours_by_option[o] = by_hours[o] / n;
    }
    p->slo_met = met;
    recompute_tenant_means(p);
}

static hr_policy_summary *find_policy(hr_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->n_policies; i++)
        if (strcmp(rep->policies[i].name, name) == 0)
            return &rep->policies[i];
    return NULL;
}

/* Append an empty summary for name. NULL when out of memory. */
static hr_policy_summary *add_policy(hr_report *rep, const char *name)
{
    if (rep->n_policies == rep->cap_policies) {
        size_t cap = rep->cap_policies ? 2 * rep->cap_policies : 8;
        hr_policy_summary *grown = realloc(rep->policies, cap * sizeof *grown);
        if (!grown)
            return NULL;
        rep->policies = grown;
        rep->cap_policies = cap;
    }
    hr_policy_summary *p = &rep->policies[rep->n_policies];
    memset(p, 0, sizeof *p);
    p->name = strdup(name);
    if (!p->name)
        return NULL;
    rep->n_policies++;
    return p;
}

/* Make room for one more run in p. */
static int reserve_run(hr_policy_summary *p)
{
    if ((size_t)p->runs < p->cap_runs)
        return HR_OK;
    size_t cap = p->cap_runs ? 2 * p->cap_runs : 8;
    hr_summary *s = realloc(p->run_summaries, cap * sizeof *s);
    if (!s)
        return HR_ENOMEM;
    p->run_summaries = s;
    if (p->n_tenants > 0) {
        hr_tenant_summary *t = realloc(p->run_tenants, cap * p->n_tenants * sizeof *t);
        if (!t)
            return HR_ENOMEM;
        p->run_tenants = t;
    }
    uint32_t *r = realloc(p->run_replications, cap * sizeof *r);
    if (!r)
        return HR_ENOMEM;
    p->run_replications = r;
    int64_t *ids = realloc(p->run_ids, cap * sizeof *ids);
    if (!ids)
        return HR_ENOMEM;
    p->run_ids = ids;
    p->cap_runs = cap;
    return HR_OK;
}

int hr_report_add(hr_report *rep, const hr_run_result *run, int64_t run_id, hr_error *err)
{
    if (!run->policy)
        return hr_error_set(err, HR_EINVAL, "report: a run without a policy name");
    hr_policy_summary *p = find_policy(rep, run->policy);
    if (!p) {
        p = add_policy(rep, run->policy);
        if (!p)
            return hr_error_set(err, HR_ENOMEM, "report: out of memory adding policy %s",
                                run->policy);
    }

    /* Position of this run among p's, by replication; a replication seen
     * twice is a caller bug that would silently skew the means. */
    size_t at = 0;
    while (at < (size_t)p->runs && p->run_replications[at] < run->replication)
        at++;
    if (at < (size_t)p->runs && p->run_replications[at] == run->replication)
        return hr_error_set(err, HR_EINVAL,
                            "report: replication %u of policy %s was added twice",
                            (unsigned)run->replication, run->policy);

    /* Everything that can fail happens before the report changes. */
    if (p->runs == 0 && p->n_tenants == 0 && run->n_tenants > 0) {
        p->tenants = calloc(run->n_tenants, sizeof *p->tenants);
        if (!p->tenants)
            return hr_error_set(err, HR_ENOMEM, "report: out of memory for the tenants of %s",
                                run->policy);
        p->n_tenants = run->n_tenants;
        p->cap_runs = 0; /* make reserve_run size run_tenants too */
    }
    if (run->n_tenants != p->n_tenants)
        return hr_error_set(err, HR_EINVAL, "report: runs of policy %s have %zu and %zu tenants",
                            run->policy, p->n_tenants, run->n_tenants);
    if (reserve_run(p))
        return hr_error_set(err, HR_ENOMEM, "report: out of memory adding a run of policy %s",
                            run->policy);
    hr_sample *copy = NULL;
    bool take_series = at == 0 && !rep->without_series; /* the lowest replication so far */
    if (take_series && run->n_series) {
        copy = malloc(run->n_series * sizeof *copy);
        if (!copy)
            return hr_error_set(err, HR_ENOMEM,
                                "report: out of memory copying the time series of policy %s",
                                run->policy);
        memcpy(copy, run->series, run->n_series * sizeof *copy);
    }

    size_t tail = (size_t)p->runs - at;
    memmove(&p->run_summaries[at + 1], &p->run_summaries[at], tail * sizeof *p->run_summaries);
    memmove(&p->run_replications[at + 1], &p->run_replications[at],
            tail * sizeof *p->run_replications);
    p->run_summaries[at] = run->summary;
    p->run_replications[at] = run->replication;
    memmove(&p->run_ids[at + 1], &p->run_ids[at], tail * sizeof *p->run_ids);
    p->run_ids[at] = run_id;
    if (p->n_tenants > 0) {
        size_t w = p->n_tenants;
        memmove(&p->run_tenants[(at + 1) * w], &p->run_tenants[at * w],
                tail * w * sizeof *p->run_tenants);
        memcpy(&p->run_tenants[at * w], run->tenants, w * sizeof *p->run_tenants);
    }
    p->runs++;
    if (take_series) {
        free(p->series);
        p->series = copy;
        p->n_series = copy ? run->n_series : 0;
        p->series_step_s = run->series_step_s;
    }
    recompute_means(p);
    return HR_OK;
}

/* ---- the oracle -------------------------------------------------------- */

/* Whether p is an oracle of the report's scenario (kind: oracle): the
 * perfect-foresight bound, not a candidate. */
static bool is_oracle(const hr_report *rep, const hr_policy_summary *p)
{
    if (!rep->scenario || !p->name)
        return false;
    int i = hr_scenario_find_policy(rep->scenario, p->name);
    return i >= 0 && rep->scenario->policies[i].kind == HR_POLICY_ORACLE;
}

const hr_policy_summary *hr_report_oracle(const hr_report *rep)
{
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        if (is_oracle(rep, p) && isfinite(p->cost) && p->cost > 0)
            return p;
    }
    return NULL;
}

double hr_report_cost_vs_oracle(const hr_report *rep, const hr_policy_summary *p)
{
    const hr_policy_summary *o = hr_report_oracle(rep);
    if (!o || !isfinite(p->cost))
        return NAN;
    return p->cost / o->cost;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_key_number(FILE *out, const char *key, double v, bool last)
{
    fprintf(out, "      \"%s\": ", key);
    hr_json_number(out, v);
    fputs(last ? "\n" : ",\n", out);
}

/* "tenants": [...] of one policy, the last key of its object. */
static void print_json_tenants(FILE *out, const hr_policy_summary *p)
{
    fputs("      \"tenants\": [", out);
    for (size_t k = 0; k < p->n_tenants; k++) {
        const hr_tenant_summary *t = &p->tenants[k];
        fputs(k ? ",\n        {" : "\n        {", out);
        fputs("\"name\": ", out);
        hr_json_string(out, t->name);
        const struct {
            const char *key;
            double v;
        } f[] = {{"requests", (double)t->requests}, {"errors", (double)t->errors},
                 {"error_rate_pct", t->error_rate_pct}, {"latency_p50_ms", t->latency_p50_ms},
                 {"latency_p95_ms", t->latency_p95_ms}, {"latency_p99_ms", t->latency_p99_ms},
                 {"slo_violation_minutes", t->slo_violation_minutes},
                 {"cost_share", t->demand_share}, {"cost", t->cost}};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            fprintf(out, ", \"%s\": ", f[i].key);
            hr_json_number(out, f[i].v);
        }
        fprintf(out, ", \"slo_met\": %s}", t->slo_met ? "true" : "false");
    }
    fputs("\n      ]\n", out);
}

/* "per_replication": [...]: each run's id and headline figures, by
 * replication, so a reviewer sees the spread behind the means. */
static void print_json_replications(FILE *out, const hr_policy_summary *p)
{
    fputs("      \"per_replication\": [", out);
    for (int k = 0; k < p->runs; k++) {
        const hr_summary *m = &p->run_summaries[k];
        fprintf(out, "%s{\"replication\": %" PRIu32 ", \"run_id\": ", k ? ",\n        " : "\n        ",
                p->run_replications[k]);
        if (p->run_ids[k] > 0)
            fprintf(out, "%" PRId64, p->run_ids[k]);
        else
            fputs("null", out);
        const struct {
            const char *key;
            double v;
        } f[] = {{"cost", m->cost}, {"errors", (double)m->errors}, {"error_rate_pct", m->error_rate_pct},
                 {"latency_p95_ms", m->latency_p95_ms}, {"latency_p99_ms", m->latency_p99_ms},
                 {"slo_violation_minutes", m->slo_violation_minutes},
                 {"instance_hours", m->instance_hours}, {"peak_instances", m->peak_instances},
                 {"forecast_mape_pct", m->forecasts > 0 ? m->forecast_mape_pct : NAN}};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            fprintf(out, ", \"%s\": ", f[i].key);
            hr_json_number(out, f[i].v);
        }
        fprintf(out, ", \"slo_met\": %s}", m->slo_met ? "true" : "false");
    }
    fputs(p->runs ? "\n      ],\n" : "],\n", out);
}

void hr_report_print_json(const hr_report *rep, FILE *out)
{
    fputs("{\n  \"scenario\": ", out);
    hr_json_string(out, rep->scenario ? rep->scenario->name : NULL);
    if (rep->batch_id > 0)
        fprintf(out, ",\n  \"batch\": %" PRId64, rep->batch_id);
    else
        fputs(",\n  \"batch\": null", out);
    fputs(",\n  \"fidelity\": ", out);
    hr_json_string(out, rep->scenario ? hr_fidelity_name(hr_engine_fidelity(rep->scenario, NULL))
                                      : NULL);
    fprintf(out, ",\n  \"replications\": %d,\n  \"policies\": [", rep->replications);
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        fputs(i ? ",\n    {\n" : "\n    {\n", out);
        fputs("      \"name\": ", out);
        hr_json_string(out, p->name);
        fprintf(out, ",\n      \"runs\": %d,\n", p->runs);
        print_json_replications(out, p);
        json_key_number(out, "cost", p->cost, false);
        json_key_number(out, "cost_per_million_requests", p->cost_per_million_requests, false);
        json_key_number(out, "cost_vs_oracle", hr_report_cost_vs_oracle(rep, p), false);
        json_key_number(out, "requests", p->requests, false);
        json_key_number(out, "errors", p->errors, false);
        json_key_number(out, "error_rate_pct", p->error_rate_pct, false);
        json_key_number(out, "latency_p50_ms", p->latency_p50_ms, false);
        json_key_number(out, "latency_p95_ms", p->latency_p95_ms, false);
        json_key_number(out, "latency_p99_ms", p->latency_p99_ms, false);
        json_key_number(out, "mean_wait_ms", p->mean_wait_ms, false);
        json_key_number(out, "wait_probability", p->wait_probability, false);
        json_key_number(out, "slo_violation_minutes", p->slo_violation_minutes, false);
        fprintf(out, "      \"slo_met\": %s,\n", p->slo_met ? "true" : "false");
        json_key_number(out, "instance_hours", p->instance_hours, false);
        json_key_number(out, "scaling_actions", p->scaling_actions, false);
        json_key_number(out, "peak_instances", p->peak_instances, false);
        for (int o = 0; o < HR_PURCHASE_COUNT; o++) {
            char key[64];
            snprintf(key, sizeof key, "cost_%s", hr_purchase_name((hr_purchase)o));
            json_key_number(out, key, p->cost_by_option[o], false);
        }
        for (int o = 0; o < HR_PURCHASE_COUNT; o++) {
            char key[64];
            snprintf(key, sizeof key, "instance_hours_%s", hr_purchase_name((hr_purchase)o));
            json_key_number(out, key, p->instance_hours_by_option[o], false);
        }
        json_key_number(out, "spot_interruptions", p->spot_interruptions, false);
        json_key_number(out, "launch_failures", p->launch_failures, false);
        json_key_number(out, "quota_refusals", p->quota_refusals, false);
        /* the warm pool's figures only when the scenario has one */
        bool pool = rep->scenario && rep->scenario->fleet.warm_pool.enabled;
        json_key_number(out, "outage_losses", p->outage_losses, false);
        if (pool) {
            json_key_number(out, "warm_pool_hours", p->warm_pool_hours, false);
            json_key_number(out, "warm_pool_cost", p->warm_pool_cost, false);
            json_key_number(out, "starts_from_pool", p->starts_from_pool, false);
            json_key_number(out, "returns_to_pool", p->returns_to_pool, false);
        }
        json_key_number(out, "forecast_mape_pct", p->forecast_mape_pct, p->n_tenants == 0);
        if (p->n_tenants > 0)
            print_json_tenants(out, p);
        fputs("    }", out);
    }
    fputs(rep->n_policies ? "\n  ],\n  \"recommended\": " : "],\n  \"recommended\": ", out);
    const hr_policy_summary *best = hr_report_recommended(rep);
    hr_json_string(out, best ? best->name : NULL);
    fputs("\n}\n", out);
}

/* ---- table ------------------------------------------------------------- */

enum { TABLE_COLS = 12, CELL_MAX = 64, COL_VS_ORACLE = 2 };

/* "vs oracle" shows only when the scenario has an oracle. */
static const char *const table_heads[TABLE_COLS] = {
    "policy", "cost", "vs oracle", "$/Mreq", "p95 ms", "p99 ms", "err %", "SLO viol min", "SLO",
    "inst-h", "actions", "peak"};

/* Text columns (policy, SLO) are left-aligned, numbers right-aligned. */
static bool col_left(int c)
{
    return c == 0 || c == 8;
}

static void cell_fixed(char *cell, double v, int decimals)
{
    if (!isfinite(v))
        snprintf(cell, CELL_MAX, "-");
    else
        snprintf(cell, CELL_MAX, "%.*f", decimals, v == 0 ? 0.0 : v);
}

/* Means of counts: whole numbers print as such, fractions with one decimal. */
static void cell_count(char *cell, double v)
{
    cell_fixed(cell, v, isfinite(v) && v == floor(v) ? 0 : 1);
}

static void table_row(const hr_report *rep, const hr_policy_summary *p,
                      char cells[TABLE_COLS][CELL_MAX])
{
    snprintf(cells[0], CELL_MAX, "%s", p->name);
    cell_fixed(cells[1], p->cost, 2);
    double vs = hr_report_cost_vs_oracle(rep, p);
    if (isfinite(vs))
        snprintf(cells[2], CELL_MAX, "%.2fx", vs);
    else
        snprintf(cells[2], CELL_MAX, "-");
    cell_fixed(cells[3], p->cost_per_million_requests, 3);
    cell_fixed(cells[4], p->latency_p95_ms, 1);
    cell_fixed(cells[5], p->latency_p99_ms, 1);
    cell_fixed(cells[6], p->error_rate_pct, 3);
    cell_fixed(cells[7], p->slo_violation_minutes, 1);
    snprintf(cells[8], CELL_MAX, "%s", p->slo_met ? "met" : "MISSED");
    cell_fixed(cells[9], p->instance_hours, 1);
    cell_count(cells[10], p->scaling_actions);
    cell_count(cells[11], p->peak_instances);
}

/* One line of the table; the "vs oracle" column only when with_oracle. */
static void print_cells(FILE *out, char cells[TABLE_COLS][CELL_MAX], const int width[TABLE_COLS],
                        bool with_oracle)
{
    for (int c = 0; c < TABLE_COLS; c++) {
        if (c == COL_VS_ORACLE && !with_oracle)
            continue;
        const char *sep = c ? "  " : "";
        if (c == TABLE_COLS - 1 && col_left(c))
            fprintf(out, "%s%s", sep, cells[c]);
        else
            fprintf(out, "%s%*s", sep, col_left(c) ? -width[c] : width[c], cells[c]);
    }
    fputc('\n', out);
}

/* The cheapest policy that met the SLO in every run; the first added wins
 * a tie. NULL when none did. An oracle is a bound, not a candidate. */
const hr_policy_summary *hr_report_recommended(const hr_report *rep)
{
    const hr_policy_summary *best = NULL;
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        if (is_oracle(rep, p))
            continue;
        if (p->slo_met && isfinite(p->cost) && (!best || p->cost < best->cost))
            best = p;
    }
    return best;
}

/* Under the comparison, one line per policy and tenant: what each tenant
 * met under each policy, and its share of the cost. */
static void print_tenant_table(const hr_report *rep, FILE *out)
{
    size_t name_w = strlen("policy"), tenant_w = strlen("tenant");
    bool any = false;
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        any = any || p->n_tenants > 0;
        if (strlen(p->name) > name_w)
            name_w = strlen(p->name);
        for (size_t k = 0; k < p->n_tenants; k++)
            if (p->tenants[k].name && strlen(p->tenants[k].name) > tenant_w)
                tenant_w = strlen(p->tenants[k].name);
    }
    if (!any)
        return;
    fprintf(out, "\n%-*s  %-*s  %12s  %7s  %7s  %6s  %12s  %-6s  %8s\n", (int)name_w, "policy",
            (int)tenant_w, "tenant", "requests", "p95 ms", "p99 ms", "err %", "SLO viol min",
            "SLO", "cost");
    for (size_t i = 0; i < rep->n_policies; i++) {
        const hr_policy_summary *p = &rep->policies[i];
        for (size_t k = 0; k < p->n_tenants; k++) {
            const hr_tenant_summary *t = &p->tenants[k];
            fprintf(out, "%-*s  %-*s  %12llu  %7.1f  %7.1f  %6.3f  %12.1f  %-6s  %8.2f\n",
                    (int)name_w, p->name, (int)tenant_w, t->name ? t->name : "",
                    (unsigned long long)t->requests, t->latency_p95_ms, t->latency_p99_ms,
                    t->error_rate_pct, t->slo_violation_minutes, t->slo_met ? "met" : "MISSED",
                    t->cost);
        }
    }
}

void hr_report_print_table(const hr_report *rep, FILE *out)
{
    if (rep->n_policies == 0) {
        fputs("no runs to compare\n", out);
        return;
    }
    bool with_oracle = hr_report_oracle(rep) != NULL;
    char(*rows)[TABLE_COLS][CELL_MAX] = malloc(rep->n_policies * sizeof *rows);
    int width[TABLE_COLS];
    for (int c = 0; c < TABLE_COLS; c++)
        width[c] = (int)strlen(table_heads[c]);
    if (rows) {
        for (size_t i = 0; i < rep->n_policies; i++) {
            table_row(rep, &rep->policies[i], rows[i]);
            for (int c = 0; c < TABLE_COLS; c++) {
                int w = (int)strlen(rows[i][c]);
                if (w > width[c])
                    width[c] = w;
            }
        }
    }
    char head[TABLE_COLS][CELL_MAX];
    for (int c = 0; c < TABLE_COLS; c++)
        snprintf(head[c], CELL_MAX, "%s", table_heads[c]);
    print_cells(out, head, width, with_oracle);
    for (size_t i = 0; i < rep->n_policies; i++) {
        if (rows) {
            print_cells(out, rows[i], width, with_oracle);
        } else {
            /* Out of memory for the aligned layout: still print every row,
             * unaligned, rather than nothing. */
            char one[TABLE_COLS][CELL_MAX];
            table_row(rep, &rep->policies[i], one);
            print_cells(out, one, width, with_oracle);
        }
    }
    free(rows);

    const hr_policy_summary *best = hr_report_recommended(rep);
    if (best && with_oracle)
        fprintf(out, "best: %s (cheapest policy that meets the SLO in every run), %.2fx the "
                "oracle's cost\n", best->name, hr_report_cost_vs_oracle(rep, best));
    else if (best)
        fprintf(out, "best: %s (cheapest policy that meets the SLO in every run)\n", best->name);
    else
        fprintf(out, "best: none; no policy meets the SLO in every run\n");
    for (size_t i = 0; i < rep->n_policies; i++)
        if (!isnan(rep->policies[i].forecast_mape_pct))
            fprintf(out, "forecast error: %s %.1f%% MAPE\n", rep->policies[i].name,
                    rep->policies[i].forecast_mape_pct);
    print_tenant_table(rep, out);
}
