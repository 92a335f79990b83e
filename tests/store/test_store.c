/* test_store.c - the results database: schema and migrations, batches, and
 * the one-transaction run write. Results are read back with plain SQL, as a
 * user's script would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "headroom/store.h"

typedef struct fixture {
    char dir[64];
    char db_path[128];
    hr_scenario sc;
    hr_policy_config policies[2];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/hr-test-store-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db_path, sizeof f->db_path, "%s/results.db", f->dir);
    /* A minimal scenario by hand: only what the store reads. */
    f->policies[0].name = "cpu-70";
    f->policies[0].kind = HR_POLICY_TARGET_TRACKING;
    f->policies[0].source = "name: cpu-70\nkind: target_tracking\nmetric: cpu\ntarget: 70\n";
    f->policies[1].name = "static-6";
    f->policies[1].kind = HR_POLICY_STATIC;
    f->policies[1].source = "name: static-6\nkind: static\ninstances: 6\n";
    f->sc.name = "checkout";
    f->sc.path = "scenarios/checkout.yaml";
    f->sc.text = "scenario: checkout\nduration: 1h\n";
    f->sc.policies = f->policies;
    f->sc.n_policies = 2;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    char junk[160];
    snprintf(junk, sizeof junk, "%s/junk.db", f->dir);
    unlink(junk);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- raw SQL helpers ----------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static double query_real(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The first column of the first row as text ("(null)" for NULL), in buf. */
static const char *query_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(buf, n, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(s);
    return buf;
}

/* ---- building results by hand --------------------------------------------- */

static void make_run(hr_run_result *r, const char *policy, uint32_t replication, size_t n_series,
                     size_t n_decisions)
{
    memset(r, 0, sizeof *r);
    r->policy = strdup(policy);
    assert_non_null(r->policy);
    r->replication = replication;
    r->seed = 42 + replication;
    r->duration_s = 3600;
    r->series_step_s = 60;
    hr_summary *m = &r->summary;
    m->cost = 12.5;
    m->cost_per_million_requests = 0.625;
    m->requests = 20000000;
    m->completed = 19999000;
    m->errors = 1000;
    m->rejected = 600;
    m->timed_out = 300;
    m->failed = 100;
    m->error_rate_pct = 0.005;
    m->latency_p50_ms = 41;
    m->latency_p95_ms = 180.25;
    m->latency_p99_ms = 350;
    m->latency_mean_ms = 55.5;
    m->mean_wait_ms = 3.1;
    m->wait_probability = 0.12;
    m->slo_violation_minutes = 15;
    m->slo_windows = 12;
    m->slo_windows_violated = 3;
    m->slo_met = true;
    m->instance_hours = 8.5;
    for (int k = 0; k < HR_INSTANCE_STATE_COUNT; k++)
        m->instance_hours_by_state[k] = k + 0.5;
    m->scaling_actions = 7;
    m->peak_instances = 11;
    m->launches = 9;
    m->failures = 1;
    m->events = 123456789;
    if (n_series) {
        r->series = calloc(n_series, sizeof *r->series);
        assert_non_null(r->series);
        r->n_series = n_series;
        for (size_t k = 0; k < n_series; k++) {
            hr_sample *x = &r->series[k];
            x->time_s = 60.0 * (double)k;
            x->offered_rps = 800 + (double)k;
            x->completed_rps = 799;
            x->error_rps = 1;
            x->latency_p95_ms = 150;
            x->cpu_pct = 55;
            x->queue_depth = 0.25;
            x->desired = 6;
            x->pending = 1;
            x->warming = 2;
            x->in_service = 5;
            x->draining = 0;
            x->cost_per_hour = 0.68;
        }
    }
    if (n_decisions) {
        r->decisions = calloc(n_decisions, sizeof *r->decisions);
        assert_non_null(r->decisions);
        r->n_decisions = r->cap_decisions = n_decisions;
        for (size_t k = 0; k < n_decisions; k++) {
            hr_decision_record *d = &r->decisions[k];
            d->time_s = 120.0 * (double)(k + 1);
            d->current = 6;
            d->proposed = 8;
            d->desired = 7;
            d->metric = k == 0 ? NAN : 82.5;
            char text[HR_DECISION_REASON_MAX];
            snprintf(text, sizeof text, "cpu %zu above target; capped by max_scale_out", k);
            d->reason = hr_intern_add(&r->reasons, text);
            assert_non_null(d->reason);
        }
    }
}

static hr_store *open_ok(const char *path)
{
    hr_store *st = NULL;
    hr_error err = {0};
    int rc = hr_store_open(path, &st, &err);
    if (rc)
        fail_msg("hr_store_open: %s", err.msg);
    assert_non_null(st);
    return st;
}

static int64_t begin_ok(hr_store *st, const hr_scenario *sc)
{
    int64_t id = 0;
    hr_error err = {0};
    int rc = hr_store_begin_batch(st, sc, 42, 2, "headroom run scenarios/checkout.yaml", &id, &err);
    if (rc)
        fail_msg("hr_store_begin_batch: %s", err.msg);
    assert_true(id > 0);
    return id;
}

/* ---- schema ---------------------------------------------------------------- */

static void test_open_creates_schema_and_sets_user_version(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "PRAGMA user_version"), HR_STORE_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name IN ('scenarios','batches','runs','series','decisions')"),
                     5);
    char buf[32];
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    sqlite3_close(db);
}

static void test_reopen_keeps_schema_and_data(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    begin_ok(st, &f->sc);
    hr_store_close(st);

    st = open_ok(f->db_path);
    begin_ok(st, &f->sc);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "PRAGMA user_version"), HR_STORE_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM batches"), 2);
    sqlite3_close(db);
}

/* Databases written by the last headroom of schema versions 1 and 2 (kept
 * in tests/data/store/) migrate forward keeping every run and series row
 * (version 3 rebuilds the batches table; nothing may cascade), and take
 * the statuses the new schema allows. */
static void migrates_keeping_its_runs(const fixture *f, const char *name, int version)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s/store/%s %s", HR_TEST_DATA, name, f->db_path);
    assert_int_equal(system(cmd), 0);
    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "PRAGMA user_version"), version);
    int runs = query_int(db, "SELECT count(*) FROM runs");
    int rows = query_int(db, "SELECT count(*) FROM series");
    sqlite3_close(db);
    assert_true(runs > 0 && rows > 0);

    hr_store *st = open_ok(f->db_path);
    int64_t b = begin_ok(st, &f->sc);
    hr_error err = {0};
    assert_int_equal(hr_store_end_batch(st, b, "interrupted", &err), HR_OK);
    hr_store_close(st);

    db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "PRAGMA user_version"), HR_STORE_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), runs);
    assert_int_equal(query_int(db, "SELECT count(*) FROM series"), rows);
    assert_int_equal(query_int(db, "SELECT count(*) FROM batches WHERE status = 'interrupted'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(db);
}

static void test_a_version_1_database_migrates_keeping_its_runs(void **state)
{
    migrates_keeping_its_runs(*state, "v1.db", 1);
}

static void test_a_version_2_database_migrates_keeping_its_runs(void **state)
{
    migrates_keeping_its_runs(*state, "v2.db", 2);
}

static void test_a_version_3_database_migrates_keeping_its_runs(void **state)
{
    migrates_keeping_its_runs(*state, "v3.db", 3);
    /* version 4 adds the sweep parameters and each run's fidelity: none
     * for the old runs */
    const fixture *f = *state;
    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM run_params"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE fidelity IS NOT NULL"), 0);
    sqlite3_close(db);
}

/* A sweep's run carries its parameters, written with it and read back;
 * the number form of a duration is its seconds. */
static void test_run_params_are_stored_with_the_run(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t b = begin_ok(st, &f->sc);
    hr_run_result r;
    make_run(&r, "cpu-70", 0, 3, 1);
    hr_run_param params[] = {{"policies.cpu-70.target", "55"}, {"fleet.boot.mean", "1m30s"},
                             {"fleet.load_balancer", "two_choices"}};
    hr_error err = {0};
    int64_t id = 0;
    assert_int_equal(hr_store_write_run_params(st, b, &f->sc, &r, params, 3, &id, &err), HR_OK);
    hr_run_param *back;
    size_t n;
    assert_int_equal(hr_store_run_params(st, id, &back, &n, &err), HR_OK);
    assert_int_equal(n, 3);
    assert_string_equal(back[0].name, "fleet.boot.mean");
    assert_string_equal(back[0].value, "1m30s");
    assert_string_equal(back[2].name, "policies.cpu-70.target");
    hr_run_params_free(back, n);

    /* the batch is found again by its scenario, seed and replications */
    int64_t found = -1;
    assert_int_equal(hr_store_find_batch(st, &f->sc, 42, 2, &found, &err), HR_OK);
    assert_int_equal(found, b);
    assert_int_equal(hr_store_find_batch(st, &f->sc, 43, 2, &found, &err), HR_OK);
    assert_int_equal(found, 0);
    hr_run_result_free(&r);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT value_num FROM run_params WHERE name = 'fleet.boot.mean'"), 90);
    assert_int_equal(query_int(db, "SELECT value_num FROM run_params WHERE name = "
                                   "'policies.cpu-70.target'"), 55);
    assert_int_equal(query_int(db, "SELECT value_num IS NULL FROM run_params WHERE name = "
                                   "'fleet.load_balancer'"), 1);
    /* deleting the run deletes its parameters */
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM runs", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM run_params"), 0);
    sqlite3_close(db);
}

static void test_open_refuses_newer_schema_version(void **state)
{
    fixture *f = *state;
    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    hr_store *st = NULL;
    hr_error err = {0};
    assert_int_equal(hr_store_open(f->db_path, &st, &err), HR_EDB);
    assert_null(st);
    char want[256];
    snprintf(want, sizeof want,
             "%s has schema version 99, newer than this headroom (%d); use a newer headroom or "
             "another --db",
             f->db_path, HR_STORE_SCHEMA_VERSION);
    assert_string_equal(err.msg, want);

    /* Refusing must not touch the file: no tables were created. */
    db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
    assert_int_equal(query_int(db, "PRAGMA user_version"), 99);
    sqlite3_close(db);
}

static void test_failed_migration_leaves_the_file_untouched(void **state)
{
    fixture *f = *state;
    /* A version-0 file that already has a table named runs: the migration's
     * CREATE TABLE runs fails part-way, after scenarios and batches. */
    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE runs (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    hr_store *st = NULL;
    hr_error err = {0};
    assert_int_equal(hr_store_open(f->db_path, &st, &err), HR_EDB);
    assert_null(st);
    assert_non_null(strstr(err.msg, f->db_path));
    assert_non_null(strstr(err.msg, "cannot migrate the schema from version 0 to 1"));

    db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 1);
    sqlite3_close(db);
}

static void test_open_unwritable_path_names_the_path(void **state)
{
    (void)state;
    const char *path = "/nonexistent-headroom-dir/sub/results.db";
    hr_store *st = NULL;
    hr_error err = {0};
    int rc = hr_store_open(path, &st, &err);
    assert_true(rc == HR_EIO || rc == HR_EDB);
    assert_null(st);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "--db"));
}

static void test_open_rejects_a_file_that_is_not_a_database(void **state)
{
    fixture *f = *state;
    char junk[160];
    snprintf(junk, sizeof junk, "%s/junk.db", f->dir);
    FILE *fp = fopen(junk, "w");
    assert_non_null(fp);
    for (int i = 0; i < 100; i++)
        fputs("this is not a SQLite database, just some text\n", fp);
    fclose(fp);

    hr_store *st = NULL;
    hr_error err = {0};
    assert_int_equal(hr_store_open(junk, &st, &err), HR_EDB);
    assert_null(st);
    assert_non_null(strstr(err.msg, junk));
}

/* ---- batches --------------------------------------------------------------- */

static void test_batch_status_goes_from_running_to_ok_or_failed(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t a = begin_ok(st, &f->sc);
    int64_t b = begin_ok(st, &f->sc);

    sqlite3 *db = raw_open(f->db_path);
    char sql[128], buf[64];
    snprintf(sql, sizeof sql, "SELECT status FROM batches WHERE id = %lld", (long long)a);
    assert_string_equal(query_text(db, sql, buf, sizeof buf), "running");
    snprintf(sql, sizeof sql, "SELECT finished_at IS NULL FROM batches WHERE id = %lld",
             (long long)a);
    assert_int_equal(query_int(db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT seed || ' ' || replications || ' ' || command "
                              "FROM batches WHERE id = %lld", (long long)a);
    assert_string_equal(query_text(db, sql, buf, sizeof buf),
                        "42 2 headroom run scenarios/checkout.yaml");
    /* ISO-8601 UTC, second resolution. */
    snprintf(sql, sizeof sql, "SELECT started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
                              "T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' FROM batches WHERE id = %lld",
             (long long)a);
    assert_int_equal(query_int(db, sql), 1);

    hr_error err = {0};
    assert_int_equal(hr_store_end_batch(st, a, "ok", &err), HR_OK);
    assert_int_equal(hr_store_end_batch(st, b, "failed", &err), HR_OK);
    snprintf(sql, sizeof sql, "SELECT status FROM batches WHERE id = %lld", (long long)a);
    assert_string_equal(query_text(db, sql, buf, sizeof buf), "ok");
    snprintf(sql, sizeof sql, "SELECT status FROM batches WHERE id = %lld", (long long)b);
    assert_string_equal(query_text(db, sql, buf, sizeof buf), "failed");
    snprintf(sql, sizeof sql, "SELECT finished_at >= started_at FROM batches WHERE id = %lld",
             (long long)a);
    assert_int_equal(query_int(db, sql), 1);

    /* Anything else is refused and changes nothing. */
    assert_int_equal(hr_store_end_batch(st, a, "done", &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "\"done\""));
    snprintf(sql, sizeof sql, "SELECT status FROM batches WHERE id = %lld", (long long)a);
    assert_string_equal(query_text(db, sql, buf, sizeof buf), "ok");
    assert_int_equal(hr_store_end_batch(st, a + b + 100, "ok", &err), HR_EINVAL);
    sqlite3_close(db);
    hr_store_close(st);
}

static void test_identical_scenario_text_reuses_its_row(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    begin_ok(st, &f->sc);
    hr_scenario moved = f->sc;
    moved.path = "elsewhere/checkout.yaml";
    begin_ok(st, &moved);
    hr_scenario edited = f->sc;
    edited.text = "scenario: checkout\nduration: 2h\n";
    begin_ok(st, &edited);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM scenarios"), 2);
    assert_int_equal(query_int(db, "SELECT count(DISTINCT scenario_id) FROM batches"), 2);
    char buf[64];
    assert_string_equal(query_text(db, "SELECT path FROM scenarios ORDER BY id LIMIT 1", buf,
                                   sizeof buf),
                        "scenarios/checkout.yaml");
    sqlite3_close(db);
}

/* ---- runs ------------------------------------------------------------------ */

static void test_write_run_round_trips_summary_series_and_decisions(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result run;
    make_run(&run, "cpu-70", 1, 3, 2);
    run.seed = UINT64_MAX; /* stored as the same 64 bits */
    int64_t run_id = 0;
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, &run_id, &err), HR_OK);
    assert_true(run_id > 0);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    char sql[256], buf[256];
#define RUN_COL(col) (snprintf(sql, sizeof sql, "SELECT " col " FROM runs WHERE id = %lld", \
                               (long long)run_id), sql)
    assert_int_equal(query_int(db, RUN_COL("batch_id")), batch);
    assert_string_equal(query_text(db, RUN_COL("policy"), buf, sizeof buf), "cpu-70");
    assert_string_equal(query_text(db, RUN_COL("policy_kind"), buf, sizeof buf),
                        "target_tracking");
    assert_string_equal(query_text(db, RUN_COL("policy_source"), buf, sizeof buf),
                        f->policies[0].source);
    assert_int_equal(query_int(db, RUN_COL("replication")), 1);
    assert_int_equal(query_int(db, RUN_COL("seed")), -1);
    assert_int_equal(query_int(db, RUN_COL("requests")), 20000000);
    assert_int_equal(query_int(db, RUN_COL("errors")), 1000);
    assert_int_equal(query_int(db, RUN_COL("timed_out")), 300);
    assert_int_equal(query_int(db, RUN_COL("events")), 123456789);
    assert_int_equal(query_int(db, RUN_COL("slo_met")), 1);
    assert_int_equal(query_int(db, RUN_COL("slo_windows_violated")), 3);
    assert_int_equal(query_int(db, RUN_COL("scaling_actions")), 7);
    assert_int_equal(query_int(db, RUN_COL("peak_instances")), 11);
    assert_int_equal(query_int(db, RUN_COL("launches")), 9);
    assert_true(query_real(db, RUN_COL("cost")) == 12.5);
    assert_true(query_real(db, RUN_COL("latency_p95_ms")) == 180.25);
    assert_true(query_real(db, RUN_COL("wait_probability")) == 0.12);
    assert_true(query_real(db, RUN_COL("instance_hours_pending")) == 0.5);
    assert_true(query_real(db, RUN_COL("instance_hours_in_service")) == 2.5);
    assert_true(query_real(db, RUN_COL("instance_hours_terminated")) == 5.5);
    assert_true(query_real(db, RUN_COL("series_step_s")) == 60);
#undef RUN_COL

    snprintf(sql, sizeof sql, "SELECT count(*) FROM series WHERE run_id = %lld",
             (long long)run_id);
    assert_int_equal(query_int(db, sql), 3);
    snprintf(sql, sizeof sql,
             "SELECT offered_rps || ' ' || desired || ' ' || pending || ' ' || warming || ' ' "
             "|| in_service || ' ' || draining || ' ' || cost_per_hour || ' ' || queue_depth "
             "FROM series WHERE run_id = %lld AND time_s = 120",
             (long long)run_id);
    assert_string_equal(query_text(db, sql, buf, sizeof buf), "802.0 6 1 2 5 0 0.68 0.25");

    snprintf(sql, sizeof sql, "SELECT count(*) FROM decisions WHERE run_id = %lld",
             (long long)run_id);
    assert_int_equal(query_int(db, sql), 2);
    snprintf(sql, sizeof sql, "SELECT metric IS NULL FROM decisions WHERE run_id = %lld AND seq = 0",
             (long long)run_id);
    assert_int_equal(query_int(db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT time_s || ' ' || current || ' ' || proposed || ' ' || desired || ' ' || "
             "metric || ' ' || reason FROM decisions WHERE run_id = %lld AND seq = 1",
             (long long)run_id);
    assert_string_equal(query_text(db, sql, buf, sizeof buf),
                        "240.0 6 8 7 82.5 cpu 1 above target; capped by max_scale_out");
    sqlite3_close(db);
    hr_run_result_free(&run);
}

/* The warm pool's summary fields and the series' pool count are stored
 * and read back. */
static void test_write_run_stores_and_reads_back_the_warm_pool(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result run;
    make_run(&run, "cpu-70", 0, 2, 0);
    run.summary.warm_pool_hours = 12.25;
    run.summary.warm_pool_cost = 0.75;
    run.summary.starts_from_pool = 4;
    run.summary.returns_to_pool = 3;
    run.series[1].pool = 6;
    int64_t run_id = 0;
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, &run_id, &err), HR_OK);

    hr_stored_run *runs = NULL;
    size_t n = 0;
    assert_int_equal(hr_store_runs(st, batch, &runs, &n, &err), HR_OK);
    assert_int_equal(n, 1);
    assert_true(runs[0].summary.warm_pool_hours == 12.25);
    assert_true(runs[0].summary.warm_pool_cost == 0.75);
    assert_int_equal(runs[0].summary.starts_from_pool, 4);
    assert_int_equal(runs[0].summary.returns_to_pool, 3);
    hr_stored_runs_free(runs, n);
    hr_sample *rows = NULL;
    assert_int_equal(hr_store_series(st, run_id, &rows, &n, &err), HR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].pool, 0);
    assert_int_equal(rows[1].pool, 6);
    free(rows);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT warm_pool_cost FROM runs WHERE id = %lld", (long long)run_id);
    assert_true(query_real(db, sql) == 0.75);
    snprintf(sql, sizeof sql, "SELECT sum(pool) FROM series WHERE run_id = %lld", (long long)run_id);
    assert_int_equal(query_int(db, sql), 6);
    sqlite3_close(db);
    hr_run_result_free(&run);
}

/* A run's forecast error: stored with how many forecasts it is over; NULL
 * when the policy scored none; read back the same. */
static void test_forecast_error_is_stored_and_read_back(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result a, b;
    make_run(&a, "cpu-70", 0, 0, 0);
    make_run(&b, "cpu-70", 1, 0, 0);
    a.summary.forecasts = 12;
    a.summary.forecast_mape_pct = 7.25;
    b.summary.forecast_mape_pct = NAN;
    int64_t id_a = 0, id_b = 0;
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &a, &id_a, &err), HR_OK);
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &b, &id_b, &err), HR_OK);

    hr_stored_run *runs = NULL;
    size_t n = 0;
    assert_int_equal(hr_store_runs(st, batch, &runs, &n, &err), HR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(runs[0].summary.forecasts, 12);
    assert_true(runs[0].summary.forecast_mape_pct == 7.25);
    assert_int_equal(runs[1].summary.forecasts, 0);
    assert_true(isnan(runs[1].summary.forecast_mape_pct));
    hr_stored_runs_free(runs, n);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT forecast_mape_pct IS NULL FROM runs WHERE id = %lld",
             (long long)id_b);
    assert_int_equal(query_int(db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT forecast_mape_pct FROM runs WHERE id = %lld",
             (long long)id_a);
    assert_true(query_real(db, sql) == 7.25);
    sqlite3_close(db);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
}

static void test_write_run_stores_a_full_size_series(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result run;
    make_run(&run, "static-6", 0, 20000, 500);
    int64_t run_id = 0;
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, &run_id, &err), HR_OK);
    hr_store_close(st);

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM series"), 20000);
    assert_int_equal(query_int(db, "SELECT count(*) FROM decisions"), 500);
    assert_true(query_real(db, "SELECT max(time_s) FROM series") == 60.0 * 19999);
    char buf[32];
    assert_string_equal(query_text(db, "SELECT policy_kind FROM runs", buf, sizeof buf),
                        "static");
    sqlite3_close(db);
    hr_run_result_free(&run);
}

static void test_write_run_failure_mid_run_leaves_nothing_behind(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result good, bad;
    make_run(&good, "static-6", 0, 4, 1);
    make_run(&bad, "cpu-70", 0, 10, 3);
    bad.series[7].time_s = bad.series[6].time_s; /* violates PRIMARY KEY (run_id, time_s) */
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &good, NULL, &err), HR_OK);

    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &bad, NULL, &err), HR_EDB);
    assert_non_null(strstr(err.msg, f->db_path));
    assert_non_null(strstr(err.msg, "time series row 7"));
    assert_non_null(strstr(err.msg, "UNIQUE"));

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE policy = 'cpu-70'"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM series"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM decisions"), 1);

    /* The store is still usable: the same run, fixed, goes in. */
    bad.series[7].time_s = 420;
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &bad, NULL, &err), HR_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM series"), 14);
    assert_int_equal(query_int(db, "SELECT count(*) FROM decisions"), 4);
    sqlite3_close(db);
    hr_store_close(st);
    hr_run_result_free(&good);
    hr_run_result_free(&bad);
}

static void test_write_run_refuses_unknown_batch_and_duplicate_run(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result run;
    make_run(&run, "cpu-70", 0, 2, 0);
    hr_error err = {0};
    /* foreign_keys is on: a run needs its batch. */
    assert_int_equal(hr_store_write_run(st, batch + 1000, &f->sc, &run, NULL, &err), HR_EDB);
    assert_non_null(strstr(err.msg, "FOREIGN KEY"));
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, NULL, &err), HR_OK);
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, NULL, &err), HR_EDB);
    assert_non_null(strstr(err.msg, "cpu-70 replication 0"));

    sqlite3 *db = raw_open(f->db_path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM series"), 2);
    sqlite3_close(db);
    hr_store_close(st);
    hr_run_result_free(&run);
}

static void test_write_run_refuses_a_policy_not_in_the_scenario(void **state)
{
    fixture *f = *state;
    hr_store *st = open_ok(f->db_path);
    int64_t batch = begin_ok(st, &f->sc);
    hr_run_result run;
    make_run(&run, "mystery", 0, 1, 0);
    hr_error err = {0};
    assert_int_equal(hr_store_write_run(st, batch, &f->sc, &run, NULL, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "\"mystery\""));
    hr_store_close(st);
    hr_run_result_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_schema_and_sets_user_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_schema_and_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_newer_schema_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_version_1_database_migrates_keeping_its_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_version_2_database_migrates_keeping_its_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_version_3_database_migrates_keeping_its_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_run_params_are_stored_with_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_migration_leaves_the_file_untouched, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_unwritable_path_names_the_path, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_rejects_a_file_that_is_not_a_database, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_batch_status_goes_from_running_to_ok_or_failed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_identical_scenario_text_reuses_its_row, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_run_round_trips_summary_series_and_decisions,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_run_stores_and_reads_back_the_warm_pool, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_run_stores_a_full_size_series, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_forecast_error_is_stored_and_read_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_run_failure_mid_run_leaves_nothing_behind,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_run_refuses_unknown_batch_and_duplicate_run,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_run_refuses_a_policy_not_in_the_scenario,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
