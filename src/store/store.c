/* store.c - the results database (SQLite).
 *
 * One hr_store holds one connection and the prepared statements a run's
 * write needs, so writing the ~20k series rows of a run costs one
 * sqlite3_step per row inside a single transaction. Tables and the contract
 * they keep are described in docs/results.md; the schema is versioned with
 * PRAGMA user_version and migrated forward by the ordered steps in
 * migrations[] below. */
#include "headroom/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "headroom/duration.h"
#include "headroom/engine.h"
#include "headroom/policy.h"
#include "internal.h"


/* migrations[i] brings a database from user_version i to i + 1. Steps are
 * append-only: a released step is never edited, a change to the schema is a
 * new step (and HR_STORE_SCHEMA_VERSION goes up by one). */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE scenarios ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  path TEXT,"
    "  text TEXT NOT NULL,"
    "  text_fnv1a64 TEXT NOT NULL,"
    "  first_seen TEXT NOT NULL"
    ");"
    "CREATE INDEX scenarios_by_hash ON scenarios(text_fnv1a64);"
    "CREATE TABLE batches ("
    "  id INTEGER PRIMARY KEY,"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),"
    "  seed INTEGER NOT NULL,"
    "  replications INTEGER NOT NULL,"
    "  command TEXT,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  status TEXT NOT NULL DEFAULT 'running'"
    "    CHECK (status IN ('running', 'ok', 'failed'))"
    ");"
    "CREATE INDEX batches_by_scenario ON batches(scenario_id);"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    "  policy TEXT NOT NULL,"
    "  policy_kind TEXT,"
    "  policy_source TEXT,"
    "  replication INTEGER NOT NULL,"
    "  seed INTEGER NOT NULL,"
    "  duration_s REAL NOT NULL,"
    "  cost REAL,"
    "  cost_per_million_requests REAL,"
    "  requests INTEGER NOT NULL,"
    "  completed INTEGER NOT NULL,"
    "  errors INTEGER NOT NULL,"
    "  rejected INTEGER NOT NULL,"
    "  timed_out INTEGER NOT NULL,"
    "  failed INTEGER NOT NULL,"
    "  error_rate_pct REAL,"
    "  latency_p50_ms REAL,"
    "  latency_p95_ms REAL,"
    "  latency_p99_ms REAL,"
    "  latency_mean_ms REAL,"
    "  mean_wait_ms REAL,"
    "  wait_probability REAL,"
    "  slo_violation_minutes REAL,"
    "  slo_windows INTEGER NOT NULL,"
    "  slo_windows_violated INTEGER NOT NULL,"
    "  slo_met INTEGER NOT NULL CHECK (slo_met IN (0, 1)),"
    "  instance_hours REAL,"
    "  instance_hours_pending REAL,"
    "  instance_hours_warming REAL,"
    "  instance_hours_in_service REAL,"
    "  instance_hours_draining REAL,"
    "  instance_hours_failed REAL,"
    "  instance_hours_terminated REAL,"
    "  scaling_actions INTEGER NOT NULL,"
    "  peak_instances INTEGER NOT NULL,"
    "  launches INTEGER NOT NULL,"
    "  failures INTEGER NOT NULL,"
    "  events INTEGER NOT NULL,"
    "  series_step_s REAL,"
    "  UNIQUE (batch_id, policy, replication)"
    ");"
    "CREATE TABLE series ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  time_s REAL NOT NULL,"
    "  offered_rps REAL,"
    "  completed_rps REAL,"
    "  error_rps REAL,"
    "  latency_p95_ms REAL,"
    "  cpu_pct REAL,"
    "  queue_depth REAL,"
    "  desired INTEGER NOT NULL,"
    "  pending INTEGER NOT NULL,"
    "  warming INTEGER NOT NULL,"
    "  in_service INTEGER NOT NULL,"
    "  draining INTEGER NOT NULL,"
    "  cost_per_hour REAL,"
    "  PRIMARY KEY (run_id, time_s)"
    ") WITHOUT ROWID;"
    "CREATE TABLE decisions ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  time_s REAL NOT NULL,"
    "  current INTEGER NOT NULL,"
    "  proposed INTEGER NOT NULL,"
    "  desired INTEGER NOT NULL,"
    "  metric REAL,"
    "  reason TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, seq)"
    ") WITHOUT ROWID;",
    /* 1 -> 2: purchase options (fleet.spot, fleet.reserved) and faults
     * (zones, provisioning). */
    "ALTER TABLE runs ADD COLUMN cost_on_demand REAL;"
    "ALTER TABLE runs ADD COLUMN cost_spot REAL;"
    "ALTER TABLE runs ADD COLUMN cost_reserved REAL;"
    "ALTER TABLE runs ADD COLUMN instance_hours_on_demand REAL;"
    "ALTER TABLE runs ADD COLUMN instance_hours_spot REAL;"
    "ALTER TABLE runs ADD COLUMN instance_hours_reserved REAL;"
    "ALTER TABLE runs ADD COLUMN spot_interruptions INTEGER;"
    "ALTER TABLE runs ADD COLUMN spot_unavailable INTEGER;"
    "ALTER TABLE runs ADD COLUMN launch_failures INTEGER;"
    "ALTER TABLE runs ADD COLUMN quota_refusals INTEGER;"
    "ALTER TABLE runs ADD COLUMN outage_losses INTEGER;"
    "ALTER TABLE series ADD COLUMN failed INTEGER;"
    "CREATE TABLE run_tenants ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  tenant TEXT NOT NULL,"
    "  requests INTEGER NOT NULL,"
    "  completed INTEGER NOT NULL,"
    "  errors INTEGER NOT NULL,"
    "  error_rate_pct REAL,"
    "  latency_p50_ms REAL,"
    "  latency_p95_ms REAL,"
    "  latency_p99_ms REAL,"
    "  slo_violation_minutes REAL,"
    "  slo_met INTEGER NOT NULL CHECK (slo_met IN (0, 1)),"
    "  cost_share REAL,"
    "  cost REAL,"
    "  PRIMARY KEY (run_id, tenant)"
    ") WITHOUT ROWID;"
    /* the capacity review: per-replication seeds, the series' p50/p99, the
     * windows that broke the SLO and the scenario's events */
    "ALTER TABLE runs ADD COLUMN replication_seed INTEGER;"
    "ALTER TABLE batches ADD COLUMN duration_s REAL;"
    "ALTER TABLE batches ADD COLUMN start_day INTEGER;"
    "ALTER TABLE batches ADD COLUMN slo_latency_p95_ms REAL;"
    "ALTER TABLE batches ADD COLUMN slo_latency_p99_ms REAL;"
    "ALTER TABLE batches ADD COLUMN slo_error_rate_pct REAL;"
    "ALTER TABLE series ADD COLUMN latency_p50_ms REAL;"
    "ALTER TABLE series ADD COLUMN latency_p99_ms REAL;"
    "ALTER TABLE series ADD COLUMN demand INTEGER;"
    "CREATE TABLE slo_violations ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  start_s REAL NOT NULL,"
    "  end_s REAL NOT NULL,"
    "  tenant TEXT,"
    "  broke TEXT NOT NULL,"
    "  finished INTEGER NOT NULL,"
    "  errors INTEGER NOT NULL,"
    "  error_rate_pct REAL,"
    "  latency_p95_ms REAL,"
    "  latency_p99_ms REAL"
    ");"
    "CREATE INDEX slo_violations_by_run ON slo_violations(run_id, start_s);"
    "CREATE TABLE batch_events ("
    "  batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  start_s REAL NOT NULL,"
    "  end_s REAL NOT NULL,"
    "  magnitude REAL"
    ");"
    "CREATE INDEX batch_events_by_batch ON batch_events(batch_id, start_s);",
    /* 2 -> 3: predictive scaling's forecast error, warm pools
     * (fleet.warm_pool), and batches stopped by Ctrl-C or SIGTERM
     * ('interrupted') */
    "ALTER TABLE runs ADD COLUMN forecasts INTEGER;"
    "ALTER TABLE runs ADD COLUMN forecast_mape_pct REAL;"
    "ALTER TABLE runs ADD COLUMN warm_pool_hours REAL;"
    "ALTER TABLE runs ADD COLUMN warm_pool_cost REAL;"
    "ALTER TABLE runs ADD COLUMN starts_from_pool INTEGER;"
    "ALTER TABLE runs ADD COLUMN returns_to_pool INTEGER;"
    "ALTER TABLE series ADD COLUMN pool INTEGER;"
    /* a batch stopped by Ctrl-C or SIGTERM is 'interrupted': the batches
     * table rebuilt with that status allowed (SQLite cannot alter a CHECK;
     * migrate() runs with foreign keys off, so nothing cascades) */
    "CREATE TABLE batches_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),"
    "  seed INTEGER NOT NULL,"
    "  replications INTEGER NOT NULL,"
    "  command TEXT,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  status TEXT NOT NULL DEFAULT 'running'"
    "    CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),"
    "  duration_s REAL,"
    "  start_day INTEGER,"
    "  slo_latency_p95_ms REAL,"
    "  slo_latency_p99_ms REAL,"
    "  slo_error_rate_pct REAL"
    ");"
    "INSERT INTO batches_v2 SELECT id, scenario_id, seed, replications, command, started_at,"
    " finished_at, status, duration_s, start_day, slo_latency_p95_ms, slo_latency_p99_ms,"
    " slo_error_rate_pct FROM batches;"
    "DROP TABLE batches;"
    "ALTER TABLE batches_v2 RENAME TO batches;"
    "CREATE INDEX batches_by_scenario ON batches(scenario_id);",
    /* 3 -> 4: the parameters a sweep set for a run (`headroom sweep
     * --param`): the key path, the value as written, and the value as a
     * number (seconds for a duration; NULL when it is neither); and the
     * mode each run took (`request` or `fluid`; NULL before) */
    "ALTER TABLE runs ADD COLUMN fidelity TEXT;"
    "CREATE TABLE run_params ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  value_num REAL,"
    "  PRIMARY KEY (run_id, name)"
    ") WITHOUT ROWID;"
    "CREATE INDEX run_params_by_name ON run_params(name, value_num);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == HR_STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* Column order of insert_run; bind_run() binds in exactly this order. */
static const char insert_run_sql[] =
    "INSERT INTO runs (batch_id, policy, policy_kind, policy_source, replication, seed,"
    " duration_s, cost, cost_per_million_requests, requests, completed, errors, rejected,"
    " timed_out, failed, error_rate_pct, latency_p50_ms, latency_p95_ms, latency_p99_ms,"
    " latency_mean_ms, mean_wait_ms, wait_probability, slo_violation_minutes, slo_windows,"
    " slo_windows_violated, slo_met, instance_hours, instance_hours_pending,"
    " instance_hours_warming, instance_hours_in_service, instance_hours_draining,"
    " instance_hours_failed, instance_hours_terminated, scaling_actions, peak_instances,"
    " launches, failures, events, series_step_s, cost_on_demand, cost_spot, cost_reserved,"
    " instance_hours_on_demand, instance_hours_spot, instance_hours_reserved,"
    " spot_interruptions, spot_unavailable, launch_failures, quota_refusals, outage_losses,"
    " replication_seed, warm_pool_hours, warm_pool_cost, starts_from_pool, returns_to_pool,"
    " forecasts, forecast_mape_pct, fidelity)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
    "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static const char insert_sample_sql[] =
    "INSERT INTO series (run_id, time_s, offered_rps, completed_rps, error_rps, latency_p95_ms,"
    " cpu_pct, queue_depth, desired, pending, warming, in_service, draining, cost_per_hour,"
    " failed, latency_p50_ms, latency_p99_ms, demand, pool)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static const char insert_violation_sql[] =
    "INSERT INTO slo_violations (run_id, start_s, end_s, tenant, broke, finished, errors,"
    " error_rate_pct, latency_p95_ms, latency_p99_ms) VALUES (?,?,?,?,?,?,?,?,?,?)";

static const char insert_tenant_sql[] =
    "INSERT INTO run_tenants (run_id, tenant, requests, completed, errors, error_rate_pct,"
    " latency_p50_ms, latency_p95_ms, latency_p99_ms, slo_violation_minutes, slo_met,"
    " cost_share, cost) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

static const char insert_param_sql[] =
    "INSERT INTO run_params (run_id, name, value, value_num) VALUES (?,?,?,?)";

static const char insert_decision_sql[] =
    "INSERT INTO decisions (run_id, seq, time_s, current, proposed, desired, metric, reason)"
    " VALUES (?,?,?,?,?,?,?,?)";

/* ---- small helpers ----------------------------------------------------- */

/* An error from the database: names the file, what was being done and
 * SQLite's own message. */
int st_db_error(hr_store *st, hr_error *err, const char *doing)
{
    return hr_error_set(err, HR_EDB, "%s: %s: %s (SQLite code %d)", st->path, doing,
                        sqlite3_errmsg(st->db), sqlite3_extended_errcode(st->db));
}

static int wait_for_lock(void *arg, int calls);

static int exec_sql(hr_store *st, const char *sql, const char *doing, hr_error *err)
{
    char *msg = NULL;
    int rc;
    /* SQLite returns BUSY without calling the busy handler where waiting
     * could deadlock (a read lock to upgrade while another process writes);
     * no transaction of ours is open there, so wait the same way here */
    for (int calls = 0; (rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg)) == SQLITE_BUSY ||
                        (rc & 0xff) == SQLITE_BUSY;
         calls++) {
        sqlite3_free(msg);
        msg = NULL;
        if (sqlite3_get_autocommit(st->db) == 0 || !wait_for_lock(st, calls))
            break;
    }
    if (rc != SQLITE_OK) {
        int code = hr_error_set(err, HR_EDB, "%s: %s: %s", st->path, doing,
                                msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return code;
    }
    return HR_OK;
}

/* Undo the open transaction, if any. Errors are ignored on purpose: this
 * runs on a path that is already failing, and SQLite rolls back on its own
 * when ROLLBACK itself cannot (the transaction is then already gone). */
static void rollback(hr_store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The current time as ISO-8601 UTC, e.g. 2024-11-29T13:05:00Z. Timestamps
 * are the only content of the database that is not a function of the
 * inputs. */
static void now_iso8601(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

/* FNV-1a, 64-bit (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/).
 * Used only to find a scenario row quickly; equality is decided on the full
 * text, so a collision cannot merge two different scenarios. */
static void fnv1a64_hex(const char *text, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Non-finite numbers are stored as NULL: SQLite has no NaN, and readers of
 * the database should not meet infinities either. */
static int bind_real(sqlite3_stmt *s, int i, double v)
{
    return isfinite(v) ? sqlite3_bind_double(s, i, v) : sqlite3_bind_null(s, i);
}

/* Seeds and counters are unsigned 64-bit; SQLite integers are signed. They
 * are stored as the same 64 bits (a seed >= 2^63 reads back negative; add
 * 2^64). */
static int bind_u64(sqlite3_stmt *s, int i, uint64_t v)
{
    return sqlite3_bind_int64(s, i, (sqlite3_int64)v);
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* ---- open and migrate -------------------------------------------------- */

static int read_user_version(hr_store *st, int *version, hr_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot read the schema version");
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        st_db_error(st, err, "cannot read the schema version");
        sqlite3_finalize(s);
        return HR_EDB;
    }
    *version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return HR_OK;
}

/* Bring the schema to HR_STORE_SCHEMA_VERSION. The version is read inside
 * an IMMEDIATE transaction so two processes opening a new file at once do
 * not both create the tables. */
static int migrate(hr_store *st, hr_error *err)
{
    int rc = exec_sql(st, "BEGIN IMMEDIATE", "cannot start the schema transaction", err);
    if (rc)
        return rc;
    int version = 0;
    rc = read_user_version(st, &version, err);
    if (rc)
        goto fail;
    if (version > HR_STORE_SCHEMA_VERSION) {
        rc = hr_error_set(err, HR_EDB,
                          "%s has schema version %d, newer than this headroom (%d); "
                          "use a newer headroom or another --db",
                          st->path, version, HR_STORE_SCHEMA_VERSION);
        goto fail;
    }
    if (version < 0) {
        rc = hr_error_set(err, HR_EDB,
                          "%s has schema version %d, which headroom never writes; "
                          "it is not a headroom results database, use another --db",
                          st->path, version);
        goto fail;
    }
    for (int v = version; v < HR_STORE_SCHEMA_VERSION; v++) {
        char doing[96];
        snprintf(doing, sizeof doing, "cannot migrate the schema from version %d to %d", v,
                 v + 1);
        rc = exec_sql(st, migrations[v], doing, err);
        if (rc)
            goto fail;
    }
    if (version < HR_STORE_SCHEMA_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", HR_STORE_SCHEMA_VERSION);
        rc = exec_sql(st, sql, "cannot record the schema version", err);
        if (rc)
            goto fail;
    }
    return exec_sql(st, "COMMIT", "cannot commit the schema", err);
fail:
    rollback(st);
    return rc;
}

static int prepare(hr_store *st, const char *sql, sqlite3_stmt **out, hr_error *err)
{
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot prepare a statement (is the schema damaged?)");
    return HR_OK;
}

int hr_store_open_existing(const char *path, hr_store **out, hr_error *err)
{
    *out = NULL;
    if (path && *path && access(path, F_OK) != 0)
        return hr_error_set(err, HR_EIO,
                            "%s: no such results database; `headroom run SCENARIO --db %s` "
                            "creates it",
                            path, path);
    return hr_store_open(path, out, err);
}

/* The busy handler: wait for another process's lock, saying so once, for
 * up to HR_STORE_LOCK_WAIT_S. */
static int wait_for_lock(void *arg, int calls)
{
    hr_store *st = arg;
    enum { STEP_MS = 20 };
    if (calls == 0 && !st->told_wait) {
        fprintf(stderr, "headroom: %s is locked by another process; waiting up to %d s\n",
                st->path, HR_STORE_LOCK_WAIT_S);
        st->told_wait = true;
    }
    if ((long)calls * STEP_MS >= HR_STORE_LOCK_WAIT_S * 1000L)
        return 0;
    sqlite3_sleep(STEP_MS);
    return 1;
}

/* An existing database must be whole: PRAGMA quick_check (O(size), no
 * index cross-checks) before anything is appended to it. */
static int check_whole(hr_store *st, hr_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &q, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot check the database (is this a SQLite database? "
                                    "if not, pass another --db)");
    int rc = sqlite3_step(q);
    const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
    if (rc != SQLITE_ROW || res == NULL || strcmp(res, "ok") != 0) {
        char what[160];
        snprintf(what, sizeof what, "%s", res ? res : sqlite3_errmsg(st->db));
        for (char *c = what; *c; c++)
            *c = *c == '\n' ? ' ' : *c;
        sqlite3_finalize(q);
        return hr_error_set(err, HR_EDB,
                            "%s: the database is damaged (SQLite's quick_check: %s); nothing was "
                            "written to it: restore it from a copy or pass another --db",
                            st->path, what);
    }
    sqlite3_finalize(q);
    return HR_OK;
}

int hr_store_open(const char *path, hr_store **out, hr_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return hr_error_set(err, HR_EINVAL, "no results database path given; pass --db FILE");
    hr_store *st = calloc(1, sizeof *st);
    if (!st)
        return hr_error_set(err, HR_ENOMEM, "%s: out of memory opening the results database",
                            path);
    st->path = strdup(path);
    if (!st->path) {
        free(st);
        return hr_error_set(err, HR_ENOMEM, "%s: out of memory opening the results database",
                            path);
    }
    /* a plain path: "./" before a name SQLite would read as an in-memory
     * database or a URI */
    bool existed = access(path, F_OK) == 0;
    char *file = NULL;
    if ((path[0] == ':' || strncmp(path, "file:", 5) == 0) &&
        (file = malloc(strlen(path) + 3)) != NULL)
        sprintf(file, "./%s", path);
    int rc = sqlite3_open_v2(file ? file : path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             NULL);
    free(file);
    if (rc != SQLITE_OK) {
        int code = (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_PERM ||
                           (rc & 0xff) == SQLITE_READONLY
                       ? HR_EIO
                       : HR_EDB;
        hr_error_set(err, code,
                     "%s: cannot open the results database: %s; check that the directory "
                     "exists and is writable, or pass another --db",
                     path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        hr_store_close(st);
        return code;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* Another process writing the same file: wait for its lock instead of
     * failing at once. */
    if (sqlite3_busy_handler(st->db, wait_for_lock, st) != SQLITE_OK) {
        rc = st_db_error(st, err, "cannot set the busy handler");
        goto fail;
    }
    if (sqlite3_db_readonly(st->db, "main") == 1) {
        rc = hr_error_set(err, HR_EIO,
                          "%s: the results database is read-only; make it writable "
                          "(chmod u+w) or pass another --db", path);
        goto fail;
    }
    if (existed && (rc = check_whole(st, err)))
        goto fail;
    /* The first statement that reads the file: a file that is not a
     * database fails here. WAL lets readers (scripts, sqlite3) work while a
     * run writes; the returned mode is not checked because some files
     * (":memory:", network filesystems) keep another mode, which is fine.
     * synchronous=NORMAL is durable in WAL mode except for the last
     * transactions before a power loss, and never corrupts. */
    rc = exec_sql(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
                  "cannot set the journal mode (is this a SQLite database? "
                  "if not, pass another --db)",
                  err);
    if (rc)
        goto fail;
    /* foreign keys on after the migrations: a table they rebuild must not
     * cascade (the pragma cannot change inside their transaction) */
    rc = migrate(st, err);
    if (!rc)
        rc = exec_sql(st, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", err);
    if (rc)
        goto fail;
    rc = prepare(st, insert_run_sql, &st->insert_run, err);
    if (!rc)
        rc = prepare(st, insert_sample_sql, &st->insert_sample, err);
    if (!rc)
        rc = prepare(st, insert_decision_sql, &st->insert_decision, err);
    if (!rc)
        rc = prepare(st, insert_tenant_sql, &st->insert_tenant, err);
    if (!rc)
        rc = prepare(st, insert_violation_sql, &st->insert_violation, err);
    if (!rc)
        rc = prepare(st, insert_param_sql, &st->insert_param, err);
    if (rc)
        goto fail;
    *out = st;
    return HR_OK;
fail:
    hr_store_close(st);
    return rc;
}

void hr_store_close(hr_store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->insert_run);
    sqlite3_finalize(st->insert_sample);
    sqlite3_finalize(st->insert_decision);
    sqlite3_finalize(st->insert_tenant);
    sqlite3_finalize(st->insert_violation);
    sqlite3_finalize(st->insert_param);
    /* All statements are finalized, so close cannot be refused as busy. */
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

/* ---- batches ----------------------------------------------------------- */

/* The id of the scenarios row holding exactly sc's text, inserting one if
 * none does. Runs inside the caller's transaction. */
static int find_or_add_scenario(hr_store *st, const hr_scenario *sc, int64_t *id, hr_error *err)
{
    const char *text = sc->text ? sc->text : "";
    char hash[17];
    fnv1a64_hex(text, hash);

    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id FROM scenarios WHERE text_fnv1a64 = ?1 AND text = ?2 "
                           "ORDER BY id LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot look up the scenario");
    if (sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC) != SQLITE_OK)
        goto fail;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return HR_OK;
    }
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;

    char now[32];
    now_iso8601(now);
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO scenarios (name, path, text, text_fnv1a64, first_seen) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot record the scenario");
    if (sqlite3_bind_text(s, 1, sc->name ? sc->name : "", -1, SQLITE_STATIC) != SQLITE_OK ||
        bind_text(s, 2, sc->path) != SQLITE_OK ||
        sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    *id = sqlite3_last_insert_rowid(st->db);
    return HR_OK;
fail:
    st_db_error(st, err, "cannot record the scenario");
    sqlite3_finalize(s);
    return HR_EDB;
}

/* Execute a prepared INSERT that was just bound, and make it ready for the
 * next row. */
static int step_insert(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One row of batch_events. */
static int add_event(hr_store *st, sqlite3_stmt *s, int64_t batch_id, const char *kind,
                     const char *name, double start_s, double end_s, double magnitude, hr_error *err)
{
    if (sqlite3_bind_int64(s, 1, batch_id) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 3, name ? name : "", -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        bind_real(s, 4, start_s) != SQLITE_OK || bind_real(s, 5, end_s) != SQLITE_OK ||
        bind_real(s, 6, magnitude) != SQLITE_OK || step_insert(s) != SQLITE_OK)
        return st_db_error(st, err, "cannot record the scenario's events");
    return HR_OK;
}

/* The scenario's events that start within the run, for charts and the
 * report: traffic events (a spike ends one decay time after its peak),
 * tenant onboardings (the ramp) and zone outages. */
static int add_events(hr_store *st, const hr_scenario *sc, int64_t batch_id, hr_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO batch_events (batch_id, kind, name, start_s, end_s,"
                           " magnitude) VALUES (?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot record the scenario's events");
    int rc = HR_OK;
    for (size_t k = 0; !rc && k < sc->traffic.n_events; k++) {
        const hr_traffic_event *e = &sc->traffic.events[k];
        double end = e->shape == HR_EVENT_SPIKE ? e->start_s + e->ramp_s + e->decay_s
                                                : e->start_s + e->duration_s;
        if (e->start_s < sc->duration_s)
            rc = add_event(st, s, batch_id, e->shape == HR_EVENT_SPIKE ? "spike" : "plateau",
                           e->name, e->start_s, end, e->multiplier, err);
    }
    for (size_t k = 0; !rc && k < sc->n_tenants; k++) {
        const hr_tenant *t = &sc->tenants[k];
        if (t->onboard_s > 0 && t->onboard_s < sc->duration_s)
            rc = add_event(st, s, batch_id, "tenant_onboarding", t->name, t->onboard_s,
                           t->onboard_s + t->ramp_s, t->base_rps, err);
    }
    for (size_t k = 0; !rc && k < sc->fleet.n_outages; k++) {
        const hr_zone_outage *o = &sc->fleet.outages[k];
        char name[32];
        snprintf(name, sizeof name, "zone %d", o->zone + 1);
        if (o->start_s < sc->duration_s)
            rc = add_event(st, s, batch_id, "zone_outage", name, o->start_s,
                           o->start_s + o->duration_s, NAN, err);
    }
    sqlite3_finalize(s);
    return rc;
}

int hr_store_begin_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                         const char *command, int64_t *batch_id, hr_error *err)
{
    int rc = exec_sql(st, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc)
        return rc;
    int64_t scenario_id = 0;
    rc = find_or_add_scenario(st, sc, &scenario_id, err);
    if (rc)
        goto fail;

    char now[32];
    now_iso8601(now);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO batches (scenario_id, seed, replications, command,"
                           " started_at, status, duration_s, start_day, slo_latency_p95_ms,"
                           " slo_latency_p99_ms, slo_error_rate_pct)"
                           " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)",
                           -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, scenario_id) != SQLITE_OK || bind_u64(s, 2, seed) != SQLITE_OK ||
        sqlite3_bind_int(s, 3, replications) != SQLITE_OK ||
        bind_text(s, 4, command) != SQLITE_OK ||
        sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC) != SQLITE_OK ||
        bind_real(s, 6, sc->duration_s) != SQLITE_OK ||
        sqlite3_bind_int(s, 7, sc->traffic.start_day) != SQLITE_OK ||
        bind_real(s, 8, sc->slo.latency_p95_s > 0 ? 1000.0 * sc->slo.latency_p95_s : NAN) != SQLITE_OK ||
        bind_real(s, 9, sc->slo.latency_p99_s > 0 ? 1000.0 * sc->slo.latency_p99_s : NAN) != SQLITE_OK ||
        bind_real(s, 10, sc->slo.error_rate_pct >= 0 ? sc->slo.error_rate_pct : NAN) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_DONE) {
        rc = st_db_error(st, err, "cannot record the batch");
        sqlite3_finalize(s);
        goto fail;
    }
    sqlite3_finalize(s);
    *batch_id = sqlite3_last_insert_rowid(st->db);
    rc = add_events(st, sc, *batch_id, err);
    if (rc)
        goto fail;
    rc = exec_sql(st, "COMMIT", "cannot commit the batch", err);
    if (rc)
        goto fail;
    return HR_OK;
fail:
    rollback(st);
    return rc;
}

/* The newest batch of exactly sc's text, seed and replications in *id (0
 * when none), and further: interrupted with the same command line (when
 * command_too), or of the same run length (when length_too). */
static int newest_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                        bool command_too, const char *command, bool length_too, int64_t *id,
                        hr_error *err)
{
    *id = 0;
    const char *text = sc->text ? sc->text : "";
    char hash[17], sql[512];
    fnv1a64_hex(text, hash);
    snprintf(sql, sizeof sql,
             "SELECT b.id FROM batches b JOIN scenarios s ON s.id = b.scenario_id"
             " WHERE s.text_fnv1a64 = ?1 AND s.text = ?2 AND b.seed = ?3 AND b.replications = ?4"
             "%s%s ORDER BY b.id DESC LIMIT 1",
             command_too ? " AND b.status = 'interrupted' AND b.command IS ?5" : "",
             length_too ? " AND b.duration_s = ?6" : "");
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC) != SQLITE_OK ||
        bind_u64(s, 3, seed) != SQLITE_OK || sqlite3_bind_int(s, 4, replications) != SQLITE_OK ||
        (command_too && bind_text(s, 5, command) != SQLITE_OK) ||
        (length_too && bind_real(s, 6, sc->duration_s) != SQLITE_OK)) {
        sqlite3_finalize(s);
        return st_db_error(st, err, "cannot look for a batch of the scenario");
    }
    int step = sqlite3_step(s);
    *id = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return st_db_error(st, err, "cannot look for a batch of the scenario");
    return HR_OK;
}

int hr_store_resume_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                          const char *command, int64_t *batch_id, hr_error *err)
{
    int64_t id;
    *batch_id = 0;
    int rc = newest_batch(st, sc, seed, replications, true, command, false, &id, err);
    if (rc == HR_OK && id > 0 && (rc = hr_store_reopen_batch(st, id, err)) == HR_OK)
        *batch_id = id;
    return rc;
}

int hr_store_find_batch(hr_store *st, const hr_scenario *sc, uint64_t seed, int replications,
                        int64_t *batch_id, hr_error *err)
{
    return newest_batch(st, sc, seed, replications, false, NULL, true, batch_id, err);
}

int hr_store_reopen_batch(hr_store *st, int64_t batch_id, hr_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE batches SET status = 'running', finished_at = NULL WHERE id = ?",
                           -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, batch_id) != SQLITE_OK || sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_finalize(s);
        return st_db_error(st, err, "cannot reopen the batch");
    }
    sqlite3_finalize(s);
    return HR_OK;
}

int hr_store_end_batch(hr_store *st, int64_t batch_id, const char *status, hr_error *err)
{
    if (!status || (strcmp(status, "ok") != 0 && strcmp(status, "failed") != 0 &&
                    strcmp(status, "interrupted") != 0))
        return hr_error_set(err, HR_EINVAL,
                            "%s: batch %lld: status must be \"ok\", \"failed\" or "
                            "\"interrupted\", got \"%s\"",
                            st->path, (long long)batch_id, status ? status : "(null)");
    char now[32];
    now_iso8601(now);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "UPDATE batches SET status = ?, finished_at = ? WHERE id = ?",
                           -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(s, 3, batch_id) != SQLITE_OK || sqlite3_step(s) != SQLITE_DONE) {
        int rc = st_db_error(st, err, "cannot finish the batch");
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_finalize(s);
    if (sqlite3_changes(st->db) != 1)
        return hr_error_set(err, HR_EINVAL, "%s: no batch with id %lld to finish", st->path,
                            (long long)batch_id);
    return HR_OK;
}

/* ---- runs -------------------------------------------------------------- */

static const hr_policy_config *find_policy(const hr_scenario *sc, const char *name)
{
    for (size_t i = 0; sc && i < sc->n_policies; i++)
        if (sc->policies[i].name && strcmp(sc->policies[i].name, name) == 0)
            return &sc->policies[i];
    return NULL;
}

/* Bind column i with call unless an earlier bind failed, then move to the
 * next column; the binders below keep rc and i for it. */
#define BIND(call)                                                                             \
    do {                                                                                       \
        if (rc == SQLITE_OK)                                                                   \
            rc = (call);                                                                       \
        i++;                                                                                   \
    } while (0)

/* Bind every column of insert_run (order of insert_run_sql). Returns the
 * first failing SQLite code or SQLITE_OK. */
static int bind_run(sqlite3_stmt *s, int64_t batch_id, const hr_policy_config *pc,
                    const hr_run_result *run)
{
    const hr_summary *m = &run->summary;
    int i = 1, rc = SQLITE_OK;
    BIND(sqlite3_bind_int64(s, i, batch_id));
    BIND(bind_text(s, i, run->policy));
    BIND(bind_text(s, i, pc ? hr_policy_kind_name(pc->kind) : NULL));
    BIND(bind_text(s, i, pc ? pc->source : NULL));
    BIND(sqlite3_bind_int64(s, i, (sqlite3_int64)run->replication));
    BIND(bind_u64(s, i, run->seed));
    BIND(bind_real(s, i, run->duration_s));
    BIND(bind_real(s, i, m->cost));
    BIND(bind_real(s, i, m->cost_per_million_requests));
    BIND(bind_u64(s, i, m->requests));
    BIND(bind_u64(s, i, m->completed));
    BIND(bind_u64(s, i, m->errors));
    BIND(bind_u64(s, i, m->rejected));
    BIND(bind_u64(s, i, m->timed_out));
    BIND(bind_u64(s, i, m->failed));
    BIND(bind_real(s, i, m->error_rate_pct));
    BIND(bind_real(s, i, m->latency_p50_ms));
    BIND(bind_real(s, i, m->latency_p95_ms));
    BIND(bind_real(s, i, m->latency_p99_ms));
    BIND(bind_real(s, i, m->latency_mean_ms));
    BIND(bind_real(s, i, m->mean_wait_ms));
    BIND(bind_real(s, i, m->wait_probability));
    BIND(bind_real(s, i, m->slo_violation_minutes));
    BIND(sqlite3_bind_int(s, i, m->slo_windows));
    BIND(sqlite3_bind_int(s, i, m->slo_windows_violated));
    BIND(sqlite3_bind_int(s, i, m->slo_met ? 1 : 0));
    BIND(bind_real(s, i, m->instance_hours));
    for (int k = 0; k < HR_INSTANCE_STATE_COUNT; k++)
        BIND(bind_real(s, i, m->instance_hours_by_state[k]));
    BIND(sqlite3_bind_int(s, i, m->scaling_actions));
    BIND(sqlite3_bind_int(s, i, m->peak_instances));
    BIND(sqlite3_bind_int(s, i, m->launches));
    BIND(sqlite3_bind_int(s, i, m->failures));
    BIND(bind_u64(s, i, m->events));
    BIND(bind_real(s, i, run->series_step_s));
    for (int k = 0; k < HR_PURCHASE_COUNT; k++)
        BIND(bind_real(s, i, m->cost_by_option[k]));
    for (int k = 0; k < HR_PURCHASE_COUNT; k++)
        BIND(bind_real(s, i, m->instance_hours_by_option[k]));
    BIND(sqlite3_bind_int(s, i, m->spot_interruptions));
    BIND(sqlite3_bind_int(s, i, m->spot_unavailable));
    BIND(sqlite3_bind_int(s, i, m->launch_failures));
    BIND(sqlite3_bind_int(s, i, m->quota_refusals));
    BIND(sqlite3_bind_int(s, i, m->outage_losses));
    BIND(bind_u64(s, i, run->replication_seed));
    BIND(bind_real(s, i, m->warm_pool_hours));
    BIND(bind_real(s, i, m->warm_pool_cost));
    BIND(sqlite3_bind_int(s, i, m->starts_from_pool));
    BIND(sqlite3_bind_int(s, i, m->returns_to_pool));
    BIND(sqlite3_bind_int(s, i, m->forecasts));
    BIND(bind_real(s, i, m->forecasts > 0 ? m->forecast_mape_pct : NAN));
    BIND(sqlite3_bind_text(s, i, hr_fidelity_name(run->fidelity), -1, SQLITE_STATIC));
    return rc;
}

_Static_assert(HR_PURCHASE_COUNT == 3,
               "runs has one cost_<option> and instance_hours_<option> column per purchase "
               "option; a new option needs a schema migration");
_Static_assert(HR_INSTANCE_STATE_COUNT == 6,
               "runs has one instance_hours_<state> column per instance state; "
               "a new state needs a schema migration");

static int bind_sample(sqlite3_stmt *s, int64_t run_id, const hr_sample *x)
{
    int rc = sqlite3_bind_int64(s, 1, run_id);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 2, x->time_s);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 3, x->offered_rps);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 4, x->completed_rps);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 5, x->error_rps);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 6, x->latency_p95_ms);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 7, x->cpu_pct);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 8, x->queue_depth);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 9, x->desired);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 10, x->pending);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 11, x->warming);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 12, x->in_service);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 13, x->draining);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 14, x->cost_per_hour);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 15, x->failed);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 16, x->latency_p50_ms);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 17, x->latency_p99_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 18, x->demand);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 19, x->pool);
    return rc;
}

static int bind_decision(sqlite3_stmt *s, int64_t run_id, size_t seq,
                         const hr_decision_record *d)
{
    int rc = sqlite3_bind_int64(s, 1, run_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 3, d->time_s);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 4, d->current);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 5, d->proposed);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 6, d->desired);
    if (rc == SQLITE_OK)
        rc = bind_real(s, 7, d->metric);
    /* the result owns the reason's text (its table of reasons) until the
     * row is written; a record built without one stores "" (NOT NULL) */
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 8, d->reason ? d->reason : "", -1, SQLITE_STATIC);
    return rc;
}

static int bind_tenant(sqlite3_stmt *s, int64_t run_id, const hr_tenant_summary *t)
{
    int i = 1, rc = SQLITE_OK;
    BIND(sqlite3_bind_int64(s, i, run_id));
    BIND(bind_text(s, i, t->name));
    BIND(bind_u64(s, i, t->requests));
    BIND(bind_u64(s, i, t->completed));
    BIND(bind_u64(s, i, t->errors));
    BIND(bind_real(s, i, t->error_rate_pct));
    BIND(bind_real(s, i, t->latency_p50_ms));
    BIND(bind_real(s, i, t->latency_p95_ms));
    BIND(bind_real(s, i, t->latency_p99_ms));
    BIND(bind_real(s, i, t->slo_violation_minutes));
    BIND(sqlite3_bind_int(s, i, t->slo_met ? 1 : 0));
    BIND(bind_real(s, i, t->demand_share));
    BIND(bind_real(s, i, t->cost));
    return rc;
}

/* "p95,p99,errors": what broke, as stored in slo_violations.broke. */
static void broke_text(unsigned broke, char out[32])
{
    snprintf(out, 32, "%s%s%s%s%s", broke & HR_SLO_BROKE_P95 ? "p95" : "",
             (broke & HR_SLO_BROKE_P95) && (broke & (HR_SLO_BROKE_P99 | HR_SLO_BROKE_ERRORS)) ? "," : "",
             broke & HR_SLO_BROKE_P99 ? "p99" : "",
             (broke & HR_SLO_BROKE_P99) && (broke & HR_SLO_BROKE_ERRORS) ? "," : "",
             broke & HR_SLO_BROKE_ERRORS ? "errors" : "");
}

static int bind_violation(sqlite3_stmt *s, int64_t run_id, const hr_run_result *run,
                          const hr_slo_window *w)
{
    char broke[32];
    broke_text(w->broke, broke);
    const char *tenant = w->tenant >= 0 && (size_t)w->tenant < run->n_tenants
                             ? run->tenants[w->tenant].name
                             : NULL;
    int i = 1, rc = SQLITE_OK;
    BIND(sqlite3_bind_int64(s, i, run_id));
    BIND(bind_real(s, i, w->start_s));
    BIND(bind_real(s, i, w->end_s));
    BIND(bind_text(s, i, tenant));
    BIND(sqlite3_bind_text(s, i, broke, -1, SQLITE_TRANSIENT));
    BIND(bind_u64(s, i, w->finished));
    BIND(bind_u64(s, i, w->errors));
    BIND(bind_real(s, i, w->finished ? 100.0 * (double)w->errors / (double)w->finished : NAN));
    BIND(bind_real(s, i, w->latency_p95_ms));
    BIND(bind_real(s, i, w->latency_p99_ms));
    return rc;
}

/* A parameter's value as a number: the number, a duration in seconds, or
 * NaN (stored as NULL). */
static double param_number(const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (end != v && *end == '\0')
        return x;
    return hr_duration_parse(v, &x) == HR_OK ? x : NAN;
}

static int bind_param(sqlite3_stmt *s, int64_t run_id, const hr_run_param *p)
{
    int i = 1, rc = SQLITE_OK;
    BIND(sqlite3_bind_int64(s, i, run_id));
    BIND(bind_text(s, i, p->name));
    BIND(bind_text(s, i, p->value));
    BIND(bind_real(s, i, param_number(p->value)));
    return rc;
}

int hr_store_write_run(hr_store *st, int64_t batch_id, const hr_scenario *sc,
                       const hr_run_result *run, int64_t *run_id, hr_error *err)
{
    return hr_store_write_run_params(st, batch_id, sc, run, NULL, 0, run_id, err);
}

int hr_store_write_run_params(hr_store *st, int64_t batch_id, const hr_scenario *sc,
                              const hr_run_result *run, const hr_run_param *params,
                              size_t n_params, int64_t *run_id, hr_error *err)
{
    if (!run->policy)
        return hr_error_set(err, HR_EINVAL, "%s: a run without a policy name cannot be stored",
                            st->path);
    const hr_policy_config *pc = find_policy(sc, run->policy);
    if (sc && !pc)
        return hr_error_set(err, HR_EINVAL,
                            "%s: run of policy \"%s\" does not belong to scenario \"%s\", "
                            "which has no such policy",
                            st->path, run->policy, sc->name ? sc->name : "");
    int rc = exec_sql(st, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc)
        return rc;

    char doing[160];
    if (bind_run(st->insert_run, batch_id, pc, run) != SQLITE_OK ||
        step_insert(st->insert_run) != SQLITE_OK) {
        snprintf(doing, sizeof doing, "cannot store run %s replication %u in batch %lld",
                 run->policy, (unsigned)run->replication, (long long)batch_id);
        goto fail;
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);

    for (size_t k = 0; k < run->n_series; k++) {
        if (bind_sample(st->insert_sample, id, &run->series[k]) != SQLITE_OK ||
            step_insert(st->insert_sample) != SQLITE_OK) {
            snprintf(doing, sizeof doing,
                     "cannot store time series row %zu (time_s %g) of run %s replication %u",
                     k, run->series[k].time_s, run->policy, (unsigned)run->replication);
            goto fail;
        }
    }
    for (size_t k = 0; k < run->n_decisions; k++) {
        if (bind_decision(st->insert_decision, id, k, &run->decisions[k]) != SQLITE_OK ||
            step_insert(st->insert_decision) != SQLITE_OK) {
            snprintf(doing, sizeof doing,
                     "cannot store decision %zu of run %s replication %u", k, run->policy,
                     (unsigned)run->replication);
            goto fail;
        }
    }
    for (size_t k = 0; k < run->n_tenants; k++) {
        if (bind_tenant(st->insert_tenant, id, &run->tenants[k]) != SQLITE_OK ||
            step_insert(st->insert_tenant) != SQLITE_OK) {
            snprintf(doing, sizeof doing, "cannot store tenant %s of run %s replication %u",
                     run->tenants[k].name ? run->tenants[k].name : "?", run->policy,
                     (unsigned)run->replication);
            goto fail;
        }
    }
    for (size_t k = 0; k < run->n_violations; k++) {
        if (bind_violation(st->insert_violation, id, run, &run->violations[k]) != SQLITE_OK ||
            step_insert(st->insert_violation) != SQLITE_OK) {
            snprintf(doing, sizeof doing, "cannot store violated SLO window %zu of run %s replication %u",
                     k, run->policy, (unsigned)run->replication);
            goto fail;
        }
    }
    for (size_t k = 0; k < n_params; k++) {
        if (bind_param(st->insert_param, id, &params[k]) != SQLITE_OK ||
            step_insert(st->insert_param) != SQLITE_OK) {
            snprintf(doing, sizeof doing, "cannot store parameter %s of run %s replication %u",
                     params[k].name ? params[k].name : "?", run->policy,
                     (unsigned)run->replication);
            goto fail;
        }
    }
    rc = exec_sql(st, "COMMIT", "cannot commit the run", err);
    if (rc) {
        rollback(st);
        return rc;
    }
    if (run_id)
        *run_id = id;
    return HR_OK;
fail:
    /* The message is taken before ROLLBACK replaces SQLite's error. */
    rc = st_db_error(st, err, doing);
    rollback(st);
    return rc;
}
