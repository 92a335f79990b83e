/* read.c - reading stored batches, runs and series back (headroom/store.h),
 * for compare, plot, report, export and runs. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/csv.h"
#include "headroom/json.h"
#include "internal.h"

static char *dup_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

static void copy_text(sqlite3_stmt *s, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

/* NULL (a non-finite number when stored) reads back as NaN. */
static double col_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static uint64_t col_u64(sqlite3_stmt *s, int i)
{
    return (uint64_t)sqlite3_column_int64(s, i);
}

static int prepare(hr_store *st, const char *sql, sqlite3_stmt **s, hr_error *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot read the results");
    return HR_OK;
}

/* Fills one element from the current row; false when memory ran out. */
typedef bool (*row_reader)(sqlite3_stmt *s, void *elem);

/* Step s (prepared and bound) to its end, each row read into a new
 * element of elem bytes, zeroed first. On success *out holds *n elements
 * (NULL when none); on failure what was read is freed with free_rows
 * (NULL: a plain free) and *n is 0. Finalizes s. what names the rows in
 * messages. */
static int read_rows(hr_store *st, sqlite3_stmt *s, size_t elem, row_reader read_row,
                     void (*free_rows)(void *, size_t), const char *what, void **out, size_t *n,
                     hr_error *err)
{
    *out = NULL;
    *n = 0;
    char *rows = NULL;
    size_t cap = 0;
    int rc = HR_OK, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t c = cap ? 2 * cap : 16;
            char *grown = realloc(rows, c * elem);
            if (!grown) {
                rc = hr_error_set(err, HR_ENOMEM, "out of memory reading the %s", what);
                break;
            }
            rows = grown;
            cap = c;
        }
        void *x = rows + *n * elem;
        memset(x, 0, elem);
        (*n)++;
        if (!read_row(s, x)) {
            rc = hr_error_set(err, HR_ENOMEM, "out of memory reading the %s", what);
            break;
        }
    }
    if (!rc && step != SQLITE_DONE) {
        char doing[96];
        snprintf(doing, sizeof doing, "cannot read the %s", what);
        rc = st_db_error(st, err, doing);
    }
    sqlite3_finalize(s);
    if (rc) {
        if (free_rows)
            free_rows(rows, *n);
        else
            free(rows);
        *n = 0;
        return rc;
    }
    *out = rows;
    return HR_OK;
}

/* The single id of a one-row query of an id, or *found false. */
static int read_id(hr_store *st, sqlite3_stmt *s, int64_t *id, bool *found, const char *what,
                   hr_error *err)
{
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (*found)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        char doing[96];
        snprintf(doing, sizeof doing, "cannot find the %s", what);
        return st_db_error(st, err, doing);
    }
    return HR_OK;
}

/* ---- batches ----------------------------------------------------------- */

void hr_stored_batches_free(hr_stored_batch *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(b[i].scenario);
        free(b[i].scenario_path);
        free(b[i].command);
        free(b[i].started_at);
        free(b[i].finished_at);
        free(b[i].status);
    }
    free(b);
}

static void free_batches(void *b, size_t n)
{
    hr_stored_batches_free(b, n);
}

static bool batch_row(sqlite3_stmt *s, void *elem)
{
    hr_stored_batch *x = elem;
    *x = (hr_stored_batch){
        .id = sqlite3_column_int64(s, 0), .scenario = dup_text(s, 1),
        .scenario_path = dup_text(s, 2), .seed = col_u64(s, 3),
        .replications = sqlite3_column_int(s, 4), .command = dup_text(s, 5),
        .started_at = dup_text(s, 6), .finished_at = dup_text(s, 7), .status = dup_text(s, 8),
        .runs = sqlite3_column_int(s, 9), .duration_s = col_real(s, 10),
        .start_day = sqlite3_column_int(s, 11), .slo_latency_p95_ms = col_real(s, 12),
        .slo_latency_p99_ms = col_real(s, 13), .slo_error_rate_pct = col_real(s, 14)};
    return x->scenario && x->started_at && x->status;
}

/* Batches with id (0: all, newest first). */
static int read_batches(hr_store *st, int64_t id, hr_stored_batch **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT b.id, sc.name, sc.path, b.seed, b.replications, b.command,"
                     " b.started_at, b.finished_at, b.status,"
                     " (SELECT count(*) FROM runs r WHERE r.batch_id = b.id), b.duration_s,"
                     " b.start_day, b.slo_latency_p95_ms, b.slo_latency_p99_ms, b.slo_error_rate_pct"
                     " FROM batches b JOIN scenarios sc ON sc.id = b.scenario_id"
                     " WHERE ?1 = 0 OR b.id = ?1 ORDER BY b.id DESC",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return read_rows(st, s, sizeof **out, batch_row, free_batches, "batches", (void **)out, n, err);
}

int hr_store_batches(hr_store *st, hr_stored_batch **out, size_t *n, hr_error *err)
{
    return read_batches(st, 0, out, n, err);
}

int hr_store_batch(hr_store *st, int64_t id, hr_stored_batch **out, hr_error *err)
{
    size_t n;
    int rc = read_batches(st, id, out, &n, err);
    if (!rc && n != 1) {
        hr_stored_batches_free(*out, n);
        *out = NULL;
        return hr_error_set(err, HR_EINVAL, "%s: no batch %" PRId64, st->path, id);
    }
    return rc;
}

static bool event_row(sqlite3_stmt *s, void *elem)
{
    hr_stored_event *x = elem;
    copy_text(s, 0, x->kind, sizeof x->kind);
    copy_text(s, 1, x->name, sizeof x->name);
    x->start_s = col_real(s, 2);
    x->end_s = col_real(s, 3);
    x->magnitude = col_real(s, 4);
    return true;
}

int hr_store_events(hr_store *st, int64_t batch_id, hr_stored_event **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT kind, name, start_s, end_s, magnitude FROM batch_events"
                     " WHERE batch_id = ? ORDER BY start_s, rowid",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, batch_id);
    return read_rows(st, s, sizeof **out, event_row, NULL, "events", (void **)out, n, err);
}

int hr_store_pick_batch(hr_store *st, int64_t id_in, const char *scenario, int64_t *id,
                        hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     id_in > 0 ? "SELECT b.id FROM batches b WHERE b.id = ?1"
                               : "SELECT b.id FROM batches b JOIN scenarios sc ON sc.id = b.scenario_id"
                                 " WHERE (?2 IS NULL OR sc.name = ?2)"
                                 " AND EXISTS (SELECT 1 FROM runs r WHERE r.batch_id = b.id)"
                                 " ORDER BY b.id DESC LIMIT 1",
                     &s, err);
    if (rc)
        return rc;
    if (id_in > 0)
        sqlite3_bind_int64(s, 1, id_in);
    else if (scenario)
        sqlite3_bind_text(s, 2, scenario, -1, SQLITE_STATIC);
    bool found;
    if ((rc = read_id(st, s, id, &found, "batch", err)) || found)
        return rc;
    if (id_in > 0)
        return hr_error_set(err, HR_EINVAL, "%s: no batch %" PRId64 "; `headroom runs --db %s` lists them",
                            st->path, id_in, st->path);
    if (scenario)
        return hr_error_set(err, HR_EINVAL,
                            "%s: no runs of scenario '%s'; `headroom runs --db %s` lists what is stored",
                            st->path, scenario, st->path);
    return hr_error_set(err, HR_EINVAL, "%s: no runs stored yet; `headroom run SCENARIO --db %s` makes some",
                        st->path, st->path);
}

/* ---- runs -------------------------------------------------------------- */

void hr_stored_runs_free(hr_stored_run *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].policy);
    free(r);
}

static void free_runs(void *r, size_t n)
{
    hr_stored_runs_free(r, n);
}

static bool run_row(sqlite3_stmt *s, void *elem)
{
    hr_stored_run *x = elem;
    int i = 0;
    x->id = sqlite3_column_int64(s, i++);
    x->batch_id = sqlite3_column_int64(s, i++);
    x->policy = dup_text(s, i++);
    x->replication = (uint32_t)sqlite3_column_int64(s, i++);
    x->seed = col_u64(s, i++);
    x->replication_seed = col_u64(s, i++);
    x->duration_s = col_real(s, i++);
    x->series_step_s = col_real(s, i++);
    hr_summary *m = &x->summary;
    m->cost = col_real(s, i++);
    m->cost_per_million_requests = col_real(s, i++);
    m->requests = col_u64(s, i++);
    m->completed = col_u64(s, i++);
    m->errors = col_u64(s, i++);
    m->rejected = col_u64(s, i++);
    m->timed_out = col_u64(s, i++);
    m->failed = col_u64(s, i++);
    m->error_rate_pct = col_real(s, i++);
    m->latency_p50_ms = col_real(s, i++);
    m->latency_p95_ms = col_real(s, i++);
    m->latency_p99_ms = col_real(s, i++);
    m->latency_mean_ms = col_real(s, i++);
    m->mean_wait_ms = col_real(s, i++);
    m->wait_probability = col_real(s, i++);
    m->slo_violation_minutes = col_real(s, i++);
    m->slo_windows = sqlite3_column_int(s, i++);
    m->slo_windows_violated = sqlite3_column_int(s, i++);
    m->slo_met = sqlite3_column_int(s, i++) != 0;
    m->instance_hours = col_real(s, i++);
    m->scaling_actions = sqlite3_column_int(s, i++);
    m->peak_instances = sqlite3_column_int(s, i++);
    m->launches = sqlite3_column_int(s, i++);
    m->failures = sqlite3_column_int(s, i++);
    m->events = col_u64(s, i++);
    /* NULL in runs stored before warm pools: 0 */
    m->warm_pool_hours = sqlite3_column_double(s, i++);
    m->warm_pool_cost = sqlite3_column_double(s, i++);
    m->starts_from_pool = sqlite3_column_int(s, i++);
    m->returns_to_pool = sqlite3_column_int(s, i++);
    x->oracle = sqlite3_column_int(s, i++) != 0;
    m->forecasts = sqlite3_column_int(s, i++); /* NULL (a run stored before): 0 */
    m->forecast_mape_pct = col_real(s, i++);
    return x->policy != NULL;
}

int hr_store_runs(hr_store *st, int64_t batch_id, hr_stored_run **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(
        st,
        "SELECT id, batch_id, policy, replication, seed, replication_seed, duration_s,"
        " series_step_s, cost, cost_per_million_requests, requests, completed, errors, rejected,"
        " timed_out, failed, error_rate_pct, latency_p50_ms, latency_p95_ms, latency_p99_ms,"
        " latency_mean_ms, mean_wait_ms, wait_probability, slo_violation_minutes, slo_windows,"
        " slo_windows_violated, slo_met, instance_hours, scaling_actions, peak_instances,"
        " launches, failures, events, warm_pool_hours, warm_pool_cost, starts_from_pool,"
        " returns_to_pool, coalesce(policy_kind = 'oracle', 0), forecasts, forecast_mape_pct"
        " FROM runs WHERE batch_id = ?"
        " ORDER BY (SELECT min(r2.id) FROM runs r2 WHERE r2.batch_id = runs.batch_id"
        " AND r2.policy = runs.policy), replication",
        &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, batch_id);
    return read_rows(st, s, sizeof **out, run_row, free_runs, "runs", (void **)out, n, err);
}

int hr_store_run_batch(hr_store *st, int64_t run_id, int64_t *batch_id, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st, "SELECT batch_id FROM runs WHERE id = ?", &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    bool found;
    if ((rc = read_id(st, s, batch_id, &found, "run", err)) || found)
        return rc;
    return hr_error_set(err, HR_EINVAL, "%s: no run %" PRId64 "; `headroom runs --db %s --batch ID` lists them",
                        st->path, run_id, st->path);
}

static bool sample_row(sqlite3_stmt *s, void *elem)
{
    hr_sample *r = elem;
    int i = 0;
    r->time_s = col_real(s, i++);
    r->offered_rps = col_real(s, i++);
    r->completed_rps = col_real(s, i++);
    r->error_rps = col_real(s, i++);
    r->latency_p50_ms = col_real(s, i++);
    r->latency_p95_ms = col_real(s, i++);
    r->latency_p99_ms = col_real(s, i++);
    r->cpu_pct = col_real(s, i++);
    r->queue_depth = col_real(s, i++);
    r->desired = sqlite3_column_int(s, i++);
    r->demand = sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int(s, i);
    i++;
    r->pending = sqlite3_column_int(s, i++);
    r->warming = sqlite3_column_int(s, i++);
    r->in_service = sqlite3_column_int(s, i++);
    r->draining = sqlite3_column_int(s, i++);
    r->failed = sqlite3_column_int(s, i++);
    r->cost_per_hour = col_real(s, i++);
    r->pool = sqlite3_column_int(s, i++); /* NULL (stored before warm pools): 0 */
    return true;
}

int hr_store_series(hr_store *st, int64_t run_id, hr_sample **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT time_s, offered_rps, completed_rps, error_rps, latency_p50_ms,"
                     " latency_p95_ms, latency_p99_ms, cpu_pct, queue_depth, desired, demand,"
                     " pending, warming, in_service, draining, failed, cost_per_hour, pool"
                     " FROM series WHERE run_id = ? ORDER BY time_s",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    return read_rows(st, s, sizeof **out, sample_row, NULL, "time series", (void **)out, n, err);
}

static bool action_row(sqlite3_stmt *s, void *elem)
{
    *(hr_stored_action *)elem = (hr_stored_action){
        .time_s = col_real(s, 0), .from = sqlite3_column_int(s, 1), .to = sqlite3_column_int(s, 2)};
    return true;
}

int hr_store_actions(hr_store *st, int64_t run_id, hr_stored_action **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT time_s, current, desired FROM decisions"
                     " WHERE run_id = ? AND desired != current ORDER BY seq",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    return read_rows(st, s, sizeof **out, action_row, NULL, "decisions", (void **)out, n, err);
}

static bool window_row(sqlite3_stmt *s, void *elem)
{
    hr_stored_window *x = elem;
    x->start_s = col_real(s, 0);
    x->end_s = col_real(s, 1);
    copy_text(s, 2, x->tenant, sizeof x->tenant);
    copy_text(s, 3, x->broke, sizeof x->broke);
    x->finished = col_u64(s, 4);
    x->errors = col_u64(s, 5);
    x->error_rate_pct = col_real(s, 6);
    x->latency_p95_ms = col_real(s, 7);
    x->latency_p99_ms = col_real(s, 8);
    return true;
}

int hr_store_windows(hr_store *st, int64_t run_id, hr_stored_window **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT start_s, end_s, tenant, broke, finished, errors, error_rate_pct,"
                     " latency_p95_ms, latency_p99_ms FROM slo_violations WHERE run_id = ?"
                     " ORDER BY start_s, tenant IS NOT NULL, tenant",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    return read_rows(st, s, sizeof **out, window_row, NULL, "SLO windows", (void **)out, n, err);
}

static bool decision_row(sqlite3_stmt *s, void *elem)
{
    hr_stored_decision *x = elem;
    x->time_s = col_real(s, 0);
    x->current = sqlite3_column_int(s, 1);
    x->proposed = sqlite3_column_int(s, 2);
    x->desired = sqlite3_column_int(s, 3);
    x->metric = col_real(s, 4);
    copy_text(s, 5, x->reason, sizeof x->reason);
    return true;
}

int hr_store_decisions(hr_store *st, int64_t run_id, double t0, double t1, size_t max,
                       hr_stored_decision **out, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "SELECT time_s, current, proposed, desired, metric, reason FROM decisions"
                     " WHERE run_id = ? AND time_s >= ? AND time_s <= ? ORDER BY seq LIMIT ?",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_double(s, 2, t0);
    sqlite3_bind_double(s, 3, t1);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)max);
    return read_rows(st, s, sizeof **out, decision_row, NULL, "decisions", (void **)out, n, err);
}

/* ---- run parameters ------------------------------------------------------ */

void hr_run_params_free(hr_run_param *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free((char *)p[i].name);
        free((char *)p[i].value);
    }
    free(p);
}

static void free_params(void *p, size_t n)
{
    hr_run_params_free(p, n);
}

static bool param_row(sqlite3_stmt *s, void *elem)
{
    hr_run_param *x = elem;
    x->name = dup_text(s, 0);
    x->value = dup_text(s, 1);
    return x->name && x->value;
}

int hr_store_run_params(hr_store *st, int64_t run_id, hr_run_param **out, size_t *n,
                        hr_error *err)
{
    sqlite3_stmt *s;
    int rc = prepare(st, "SELECT name, value FROM run_params WHERE run_id = ? ORDER BY name", &s,
                     err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    return read_rows(st, s, sizeof **out, param_row, free_params, "run parameters", (void **)out,
                     n, err);
}

/* ---- export ------------------------------------------------------------ */

/* One value of the current row: integers exactly, reals with 17
 * significant digits (they read back to the same double), text quoted. */
static void write_value(FILE *out, sqlite3_stmt *s, int i, bool json)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
        if (json)
            fputs("null", out);
        break;
    case SQLITE_INTEGER:
        fprintf(out, "%lld", (long long)sqlite3_column_int64(s, i));
        break;
    case SQLITE_FLOAT: {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(s, i));
        for (char *c = buf; *c; c++)
            if (*c == ',')
                *c = '.';
        fputs(buf, out);
        break;
    }
    default: {
        const char *t = (const char *)sqlite3_column_text(s, i);
        if (json)
            hr_json_string(out, t ? t : "");
        else
            hr_csv_field(out, t ? t : "");
    }
    }
}

int hr_store_export(hr_store *st, hr_export_what what, int64_t batch_id, int64_t run_id,
                    bool json, FILE *out, hr_error *err)
{
    static const char *const select[] = {
        [HR_EXPORT_SUMMARY] = "SELECT r.* FROM runs r",
        [HR_EXPORT_SERIES] = "SELECT r.policy, r.replication, x.* FROM series x JOIN runs r ON r.id = x.run_id",
        [HR_EXPORT_DECISIONS] = "SELECT r.policy, r.replication, x.* FROM decisions x JOIN runs r ON r.id = x.run_id",
        [HR_EXPORT_WINDOWS] = "SELECT r.policy, r.replication, x.* FROM slo_violations x JOIN runs r ON r.id = x.run_id",
        [HR_EXPORT_PARAMS] = "SELECT r.policy, r.replication, x.* FROM run_params x JOIN runs r ON r.id = x.run_id",
    };
    static const char *const order[] = {
        [HR_EXPORT_SUMMARY] = " ORDER BY r.id",
        [HR_EXPORT_SERIES] = " ORDER BY r.id, x.time_s",
        [HR_EXPORT_DECISIONS] = " ORDER BY r.id, x.seq",
        [HR_EXPORT_WINDOWS] = " ORDER BY r.id, x.start_s, x.tenant IS NOT NULL, x.tenant",
        [HR_EXPORT_PARAMS] = " ORDER BY r.id, x.name",
    };
    if ((unsigned)what > HR_EXPORT_PARAMS)
        return hr_error_set(err, HR_EINVAL, "export: unknown table %d", (int)what);
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE %s%s", select[what],
             run_id > 0 ? "r.id = ?" : "r.batch_id = ?", order[what]);
    sqlite3_stmt *s;
    int rc = prepare(st, sql, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id > 0 ? run_id : batch_id);
    int cols = sqlite3_column_count(s);
    if (!json) {
        for (int i = 0; i < cols; i++) {
            fputs(i ? "," : "", out);
            hr_csv_field(out, sqlite3_column_name(s, i));
        }
        fputc('\n', out);
    } else {
        fputc('[', out);
    }
    int step;
    size_t rows = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (json)
            fputs(rows ? ",\n {" : "\n {", out);
        for (int i = 0; i < cols; i++) {
            if (json) {
                fputs(i ? ", " : "", out);
                hr_json_string(out, sqlite3_column_name(s, i));
                fputs(": ", out);
            } else if (i) {
                fputc(',', out);
            }
            write_value(out, s, i, json);
        }
        fputs(json ? "}" : "\n", out);
        rows++;
    }
    if (json)
        fputs(rows ? "\n]\n" : "]\n", out);
    if (step != SQLITE_DONE)
        rc = st_db_error(st, err, "cannot read the rows to export");
    sqlite3_finalize(s);
    return rc;
}
