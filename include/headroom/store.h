/* store.h - the results database (SQLite).
 *
 * Schema version is PRAGMA user_version; opening an older database migrates
 * it forward in one transaction, a newer one is refused. Each run is written
 * in one transaction (summary, time series, decision log together), so a run
 * that fails part-way leaves nothing behind. See docs/results.md for the
 * tables. */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include <stdint.h>

#include "headroom/error.h"
#include "headroom/results.h"
#include "headroom/scenario.h"

#define HR_STORE_SCHEMA_VERSION 2

/* One connection; use an hr_store from one thread at a time. */
typedef struct hr_store hr_store;

/* Open (creating if needed) the database at path and bring its schema to
 * the current version. On success *out must be closed with hr_store_close. */
int hr_store_open(const char *path, hr_store **out, hr_error *err);

void hr_store_close(hr_store *st);

/* Record one invocation of `headroom run` over sc (its name, path and full
 * text, the seed and replications used, a command line for reference) and
 * return its id in *batch_id. */
int hr_store_begin_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                         const char *command, int64_t *batch_id, hr_error *err);

/* Write one run (policy config text from sc, summary, series, decisions) in
 * a single transaction under batch_id; *run_id receives its id (may be
 * NULL). */
int hr_store_write_run(hr_store *st, int64_t batch_id, const hr_scenario *sc,
                       const hr_run_result *run, int64_t *run_id, hr_error *err);

/* Mark the batch finished ("ok" or "failed") with its end time. */
int hr_store_end_batch(hr_store *st, int64_t batch_id, const char *status, hr_error *err);

#endif
