/* store.h - the results database (SQLite).
 *
 * Schema version is PRAGMA user_version; opening an older database migrates
 * it forward in one transaction, a newer one is refused. Each run is written
 * in one transaction (summary, time series, decision log together), so a run
 * that fails part-way leaves nothing behind. See docs/results.md for the
 * tables. */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "headroom/error.h"
#include "headroom/results.h"
#include "headroom/scenario.h"

#define HR_STORE_SCHEMA_VERSION 4

/* One connection; use an hr_store from one thread at a time. */
typedef struct hr_store hr_store;

/* How long a writer waits for a lock another process holds (saying so on
 * stderr once) before it gives up. */
#define HR_STORE_LOCK_WAIT_S 60

/* Open (creating if needed) the database at path and bring its schema to
 * the current version. path is a plain file path: ":memory:" and "file:..."
 * name files of that name, never an in-memory database or a URI. An
 * existing file must pass SQLite's quick_check (a damaged database is
 * refused before anything is appended) and be writable. On success *out
 * must be closed with hr_store_close. */
int hr_store_open(const char *path, hr_store **out, hr_error *err);

/* As hr_store_open, for reading what runs stored: a missing file is
 * HR_EIO with a message that says how to make one, not a new database. */
int hr_store_open_existing(const char *path, hr_store **out, hr_error *err);

void hr_store_close(hr_store *st);

/* Record one invocation of `headroom run` over sc (its name, path and full
 * text, the seed and replications used, a command line for reference, the
 * run length, start weekday and SLO thresholds, and the scenario's events
 * that start within the run) and return its id in *batch_id. */
int hr_store_begin_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                         const char *command, int64_t *batch_id, hr_error *err);

/* Write one run (policy config text from sc, summary, series, decisions,
 * tenants, violated SLO windows) in a single transaction under batch_id;
 * *run_id receives its id (may be NULL). */
int hr_store_write_run(hr_store *st, int64_t batch_id, const hr_scenario *sc,
                       const hr_run_result *run, int64_t *run_id, hr_error *err);

/* A parameter a sweep set for a run (`headroom sweep --param`): the key
 * path and the value as written (a number, a duration, a name). */
typedef struct hr_run_param {
    const char *name;
    const char *value;
} hr_run_param;

/* As hr_store_write_run, with the run's parameters (table run_params) in
 * the same transaction. */
int hr_store_write_run_params(hr_store *st, int64_t batch_id, const hr_scenario *sc,
                              const hr_run_result *run, const hr_run_param *params,
                              size_t n_params, int64_t *run_id, hr_error *err);

/* The newest batch (any status) of exactly sc's text, seed, replications
 * and run length (sc->duration_s) in *batch_id; 0 when there is none. How
 * `headroom sweep` finds the runs of a point already stored. */
int hr_store_find_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                        int64_t *batch_id, hr_error *err);

/* Mark a batch running again (finished_at cleared), to add runs to it;
 * end it with hr_store_end_batch. */
int hr_store_reopen_batch(hr_store *st, int64_t batch_id, hr_error *err);

/* Mark the batch finished ("ok", "failed", or "interrupted" when a signal
 * stopped it) with its end time. */
int hr_store_end_batch(hr_store *st, int64_t batch_id, const char *status, hr_error *err);

/* The newest interrupted batch of the same scenario text, seed,
 * replications and command line, marked running again (to be completed
 * and ended as any batch), in *batch_id; 0 when there is none. */
int hr_store_resume_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                          const char *command, int64_t *batch_id, hr_error *err);

/* ---- reading back (read.c) --------------------------------------------- */

typedef struct hr_stored_batch {
    int64_t id;
    char *scenario;             /* its name */
    char *scenario_path;
    uint64_t seed;
    int replications;
    char *command;
    char *started_at, *finished_at; /* ISO-8601 UTC; finished_at NULL while running */
    char *status;               /* running, ok, failed */
    int runs;                   /* runs stored */
    double duration_s;          /* simulated length of each run */
    int start_day;              /* weekday at t = 0, 0 = Monday */
    double slo_latency_p95_ms, slo_latency_p99_ms, slo_error_rate_pct; /* NaN: not judged */
} hr_stored_batch;

/* Every batch, newest first. */
int hr_store_batches(hr_store *st, hr_stored_batch **out, size_t *n, hr_error *err);
void hr_stored_batches_free(hr_stored_batch *b, size_t n);

/* One batch (as hr_store_batches gives them); free with
 * hr_stored_batches_free(b, 1). */
int hr_store_batch(hr_store *st, int64_t id, hr_stored_batch **out, hr_error *err);

/* The id of the newest batch (of the scenario named scenario, when not
 * NULL) that stored runs; HR_EINVAL with a message when there is none.
 * With id_in > 0, check that batch exists instead. */
int hr_store_pick_batch(hr_store *st, int64_t id_in, const char *scenario, int64_t *id,
                        hr_error *err);

typedef struct hr_stored_run {
    int64_t id, batch_id;
    char *policy;
    uint32_t replication;
    uint64_t seed, replication_seed;
    double duration_s, series_step_s;
    hr_summary summary;
    bool oracle;                /* the policy is an oracle (kind: oracle): a bound */
} hr_stored_run;

/* The runs of a batch, policies in the order they were first stored, each
 * policy's runs by replication. */
int hr_store_runs(hr_store *st, int64_t batch_id, hr_stored_run **out, size_t *n, hr_error *err);
void hr_stored_runs_free(hr_stored_run *r, size_t n);

/* The batch run run_id belongs to; HR_EINVAL with a message when there
 * is no such run. */
int hr_store_run_batch(hr_store *st, int64_t run_id, int64_t *batch_id, hr_error *err);


/* A run's parameters (hr_run_param, name and value malloc'd), by name;
 * none for a run of `headroom run`. Free with hr_run_params_free. */
int hr_store_run_params(hr_store *st, int64_t run_id, hr_run_param **out, size_t *n,
                        hr_error *err);
void hr_run_params_free(hr_run_param *p, size_t n);

/* One run's time series, by time (malloc'd; free it). */
int hr_store_series(hr_store *st, int64_t run_id, hr_sample **out, size_t *n, hr_error *err);

/* A scenario event stored with a batch (batch_events). */
typedef struct hr_stored_event {
    char kind[32];              /* plateau, spike, tenant_onboarding, zone_outage */
    char name[128];
    double start_s, end_s, magnitude;
} hr_stored_event;

int hr_store_events(hr_store *st, int64_t batch_id, hr_stored_event **out, size_t *n, hr_error *err);

/* A scaling action of a run: a decision that changed desired capacity. */
typedef struct hr_stored_action {
    double time_s;
    int from, to;
} hr_stored_action;

int hr_store_actions(hr_store *st, int64_t run_id, hr_stored_action **out, size_t *n, hr_error *err);

/* A violated SLO window of a run (slo_violations). */
typedef struct hr_stored_window {
    double start_s, end_s;
    char tenant[128];           /* "" for the service's SLO */
    char broke[32];             /* p95, p99, errors, comma-separated */
    uint64_t finished, errors;
    double error_rate_pct, latency_p95_ms, latency_p99_ms; /* NaN when not judged */
} hr_stored_window;

int hr_store_windows(hr_store *st, int64_t run_id, hr_stored_window **out, size_t *n, hr_error *err);

/* A decision-log line (decisions). */
typedef struct hr_stored_decision {
    double time_s;
    int current, proposed, desired;
    double metric;              /* NaN when none */
    char reason[256];
} hr_stored_decision;

/* The decisions of a run with t0 <= time_s <= t1, at most max of them
 * (the first), by time. */
int hr_store_decisions(hr_store *st, int64_t run_id, double t0, double t1, size_t max,
                       hr_stored_decision **out, size_t *n, hr_error *err);

/* What `headroom export` writes: a table's rows for one run, or for every
 * run of a batch when run_id is 0. */
typedef enum hr_export_what {
    HR_EXPORT_SUMMARY = 0,      /* runs */
    HR_EXPORT_SERIES,
    HR_EXPORT_DECISIONS,
    HR_EXPORT_WINDOWS,          /* slo_violations */
    HR_EXPORT_PARAMS            /* run_params */
} hr_export_what;

/* Write the rows as CSV (a header of column names, RFC 4180 quoting) or a
 * JSON array of objects keyed by column name, to out. Every row carries
 * its run's id, policy and replication. */
int hr_store_export(hr_store *st, hr_export_what what, int64_t batch_id, int64_t run_id,
                    bool json, FILE *out, hr_error *err);

/* ---- merging databases (merge.c) ---------------------------------------- */

/* What hr_store_merge copied: rows new to the target, and rows it already
 * had (merged before). */
typedef struct hr_merge_counts {
    size_t batches, runs;               /* copied */
    size_t batches_kept, runs_kept;     /* already there */
} hr_merge_counts;

/* Copy every scenario, batch (with its events) and run (with its series,
 * decisions, tenants, violated windows and parameters) of the database at
 * src_path into st, in one transaction. A batch already in st (the same
 * scenario text, seed, replications, command, start time and run length)
 * is not copied again, and neither is a run its batch already has (the
 * same policy and replication), so merging a file twice adds nothing.
 * Fails with HR_EIO for a missing file, HR_EDB for a file that is not a
 * headroom database or whose schema version differs from st's (it says
 * how to migrate it); nothing is written then. counts may be NULL. */
int hr_store_merge(hr_store *st, const char *src_path, hr_merge_counts *counts, hr_error *err);

#endif
