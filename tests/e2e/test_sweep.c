/* End to end: `headroom sweep` and `headroom merge` (docs/sweep.md), the
 * built binary on small scenarios. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "harness.h"

#define SMALL HR_TEST_DATA "/e2e/small.yaml"
#define BLACK_FRIDAY HR_SOURCE_DIR "/scenarios/black_friday.yaml"

/* A small grid: 3 x 2 points, 3 policies, 1 replication: 18 runs of 50
 * minutes. */
#define GRID "--param traffic.events.spike.multiplier=2:4:1 " \
             "--param fleet.load_balancer=random,two_choices --duration 50m --replications 1 -q"

static const char *db(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    return path[k];
}

/* Rows of a's runs (by point text, parameters, policy and replication,
 * with every figure of the summary) that b does not have; 0 both ways
 * means both hold the same runs with the same results. */
static long runs_missing(const char *a, const char *b)
{
    char sql[4096];
    static const char cols[] =
        "s.text, (SELECT group_concat(p.name || '=' || p.value, ' ') FROM %s.run_params p"
        " WHERE p.run_id = r.id), r.policy, r.replication, r.seed, r.replication_seed, r.cost,"
        " r.requests, r.completed, r.errors, r.latency_p50_ms, r.latency_p95_ms, r.latency_p99_ms,"
        " r.instance_hours, r.scaling_actions, r.peak_instances, r.events, r.slo_met,"
        " (SELECT count(*) || ':' || total(x.offered_rps) || ':' || total(x.in_service)"
        "  FROM %s.series x WHERE x.run_id = r.id)";
    char ca[1024], cb[1024];
    snprintf(ca, sizeof ca, cols, "main", "main");
    snprintf(cb, sizeof cb, cols, "b", "b");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT %s FROM main.runs r JOIN main.batches t ON t.id = "
             "r.batch_id JOIN main.scenarios s ON s.id = t.scenario_id EXCEPT SELECT %s FROM "
             "b.runs r JOIN b.batches t ON t.id = r.batch_id JOIN b.scenarios s ON s.id = "
             "t.scenario_id)",
             ca, cb);
    sqlite3 *d;
    assert_int_equal(sqlite3_open_v2(a, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char attach[600];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS b", b);
    assert_int_equal(sqlite3_exec(d, attach, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s", sqlite3_errmsg(d));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(d);
    return n;
}

static void assert_same_runs(const char *a, const char *b)
{
    assert_int_equal(count_rows(a, "SELECT count(*) FROM runs"),
                     count_rows(b, "SELECT count(*) FROM runs"));
    assert_int_equal(runs_missing(a, b), 0);
    assert_int_equal(runs_missing(b, a), 0);
}

static void test_sweep_runs_every_point_and_stores_its_parameters(void **state)
{
    (void)state;
    cli_result r = cli("sweep %s " GRID " --db one.db", SMALL);
    assert_int_equal(r.status, 0);
    /* a row per point and policy, grid order, and the cheapest that holds */
    assert_non_null(strstr(r.out, "traffic.events.spike.multiplier  fleet.load_balancer  policy   runs"));
    assert_non_null(strstr(r.out, "\n2                                random               fixed-3     1 "));
    assert_non_null(strstr(r.out, "\n4                                two_choices          steps       1 "));
    assert_non_null(strstr(r.out, "\nbest: "));
    const char *one = db("one.db");
    assert_int_equal(count_rows(one, "SELECT count(*) FROM runs"), 6 * 3);
    /* one batch per point, its text the point's */
    assert_int_equal(count_rows(one, "SELECT count(*) FROM batches WHERE status = 'ok'"), 6);
    assert_int_equal(count_rows(one, "SELECT count(*) FROM scenarios WHERE text LIKE "
                                     "'%{name: spike, start: 40m, duration: 40m, multiplier: 4, ramp: 5m}%'"
                                     " AND text LIKE '%load_balancer: two_choices%'"), 1);
    assert_int_equal(count_rows(one, "SELECT count(*) FROM scenarios WHERE text LIKE "
                                     "'%{name: spike, start: 40m, duration: 40m, multiplier: 4, ramp: 5m}%'"), 2);
    /* every run carries both values, queryable by number */
    assert_int_equal(count_rows(one, "SELECT count(*) FROM run_params"), 6 * 3 * 2);
    assert_int_equal(count_rows(one, "SELECT count(*) FROM run_params WHERE name = "
                                     "'traffic.events.spike.multiplier' AND value_num = 3"), 2 * 3);
    assert_int_equal(count_rows(one, "SELECT count(*) FROM run_params WHERE name = "
                                     "'fleet.load_balancer' AND value = 'two_choices'"), 3 * 3);
    cli_free(&r);

    /* runs and export show them */
    r = cli("runs --db one.db --batch 6");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "traffic.events.spike.multiplier=4"));
    cli_free(&r);
    r = cli("export --db one.db --batch 1 --what params");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "policy,replication,run_id,name,value,value_num\n"));
    assert_non_null(strstr(r.out, ",traffic.events.spike.multiplier,2,2\n"));
    cli_free(&r);
}

static void test_sweep_again_skips_every_stored_run(void **state)
{
    (void)state;
    cli_result first = cli("sweep %s " GRID " --db again.db", SMALL);
    assert_int_equal(first.status, 0);
    const char *path = db("again.db");
    long runs = count_rows(path, "SELECT count(*) FROM runs");
    long max_id = count_rows(path, "SELECT max(id) FROM runs");

    /* the same command: nothing runs, nothing is added, the same table */
    cli_result again = cli("sweep %s %s --db again.db", SMALL,
                           "--param traffic.events.spike.multiplier=2:4:1 "
                           "--param fleet.load_balancer=random,two_choices --duration 50m "
                           "--replications 1");
    assert_int_equal(again.status, 0);
    assert_non_null(strstr(again.err, "18 runs, 18 already stored"));
    assert_non_null(strstr(again.err, ", 0 to run"));
    assert_string_equal(again.out, first.out);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), runs);
    assert_int_equal(count_rows(path, "SELECT max(id) FROM runs"), max_id);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM batches"), 6);

    /* a larger grid runs only its new points */
    cli_result more = cli("sweep %s %s --db again.db", SMALL,
                          "--param traffic.events.spike.multiplier=2:5:1 "
                          "--param fleet.load_balancer=random,two_choices --duration 50m "
                          "--replications 1");
    assert_int_equal(more.status, 0);
    assert_non_null(strstr(more.err, "24 runs, 18 already stored"));
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 24);
    cli_free(&first);
    cli_free(&again);
    cli_free(&more);
}

static void test_sweep_refuses_bad_params_before_any_run(void **state)
{
    (void)state;
    static const struct {
        const char *param, *says;
    } bad[] = {
        {"traffic.events.spik.multiplier=1:2:1",
         "--param traffic.events.spik.multiplier: traffic.events has no item 'spik'; its items "
         "(by name, or by index 0 to 0): spike ("},
        {"fleet.maxx=1:2:1", "--param fleet.maxx=1: "},
        {"fleet.max=0:2:1", "fleet.max: must be an integer of at least 1, got 0"},
        {"fleet.boot=1:2:1", "--param fleet.boot: is a mapping, not a value; address one of its "
                             "keys: dist, mean, sd"},
        {"policies.9.target=1:2:1", "policies has no item '9'"},
        {"fleet.max=1:2", "a grid needs a step (LO:HI:STEP)"},
        {"fleet.max=5:1:1", "HI (1) is below LO (5)"},
        {"workload.timeout=1s:3:1s", "have different units"},
        {"fleet.max", "--param expects KEY=LO:HI:STEP or KEY=V1,V2,..."},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cli_result r = cli("sweep %s --param '%s' --duration 10m --db bad.db -q", SMALL,
                           bad[i].param);
        if (r.status != 2 || !strstr(r.err, bad[i].says))
            fail_msg("--param %s: exit %d, stderr: %s", bad[i].param, r.status, r.err);
        assert_string_equal(r.out, "");
        cli_free(&r);
    }
    /* nothing ran: no database was even made */
    assert_int_not_equal(access(db("bad.db"), F_OK), 0);
}

static void test_sweep_values_keep_their_units(void **state)
{
    (void)state;
    cli_result r = cli("sweep %s --param fleet.boot.mean=30s:90s:30s --param "
                       "policies.cpu-50.scale_in_cooldown=1m:2m:1m --duration 10m "
                       "--replications 1 --db units.db --json -q", SMALL);
    assert_int_equal(r.status, 0);
    /* only the policy the second key belongs to? no: fleet.boot.mean is the
     * fleet's, so every policy runs */
    assert_non_null(strstr(r.out, "\"fleet.boot.mean\": \"1m30s\""));
    assert_non_null(strstr(r.out, "\"policies.cpu-50.scale_in_cooldown\": \"2m\""));
    assert_non_null(strstr(r.out, "\"policy\": \"steps\""));
    const char *path = db("units.db");
    assert_int_equal(count_rows(path, "SELECT count(*) FROM run_params WHERE name = "
                                      "'fleet.boot.mean' AND value_num = 90"), 2 * 3);
    /* a key the file leaves out is added to its mapping */
    assert_int_equal(count_rows(path, "SELECT count(*) FROM scenarios WHERE text LIKE "
                                      "'%scale_in_cooldown: 2m, name: cpu-50%'"), 3);
    cli_free(&r);

    /* keys that are all one policy's: that policy alone */
    r = cli("sweep %s --param policies.cpu-50.target=40:60:20 --duration 10m --replications 1 "
            "--db units.db -q", SMALL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "cpu-50"));
    assert_null(strstr(r.out, "fixed-3"));
    cli_free(&r);
}

static void test_sweep_samples_are_the_same_for_the_same_seed(void **state)
{
    (void)state;
    const char *args = "--param traffic.events.spike.multiplier=1:5:0.5 --param "
                       "fleet.max=10:30 --samples 4 --duration 10m --replications 1 "
                       "--policy fixed-3 --json -q";
    cli_result a = cli("sweep %s %s --seed 7 --db s1.db", SMALL, args);
    cli_result b = cli("sweep %s %s --seed 7 --db s2.db", SMALL, args);
    assert_int_equal(a.status, 2); /* fleet.max takes integers: 10:30 without a step is refused */
    assert_non_null(strstr(a.err, "fleet.max: must be an integer"));
    cli_free(&a);
    cli_free(&b);

    args = "--param traffic.events.spike.multiplier=1:5:0.5 --param fleet.max=10:30:1 "
           "--samples 4 --duration 10m --replications 1 --policy fixed-3 --json -q";
    a = cli("sweep %s %s --seed 7 --db s1.db", SMALL, args);
    b = cli("sweep %s %s --seed 7 --db s2.db", SMALL, args);
    cli_result c = cli("sweep %s %s --seed 8 --db s3.db", SMALL, args);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_int_equal(c.status, 0);
    /* the same points, snapped to the steps; another seed, other points */
    assert_string_equal(a.out, b.out);
    assert_string_not_equal(a.out, c.out);
    assert_int_equal(count_rows(db("s1.db"), "SELECT count(*) FROM runs"), 4);
    assert_int_equal(count_rows(db("s1.db"), "SELECT count(*) FROM run_params WHERE name = "
                                             "'fleet.max' AND value_num <> round(value_num)"), 0);
    assert_int_equal(count_rows(db("s1.db"), "SELECT count(*) FROM run_params WHERE name = "
                                             "'traffic.events.spike.multiplier' AND "
                                             "value_num * 2 <> round(value_num * 2)"), 0);
    cli_free(&a);
    cli_free(&b);
    cli_free(&c);
}

static void test_shards_merged_hold_what_one_sweep_does(void **state)
{
    (void)state;
    cli_result one = cli("sweep %s " GRID " --db whole.db", SMALL);
    assert_int_equal(one.status, 0);
    cli_result s0 = cli("sweep %s " GRID " --shard 0/2 --db shard0.db", SMALL);
    cli_result s1 = cli("sweep %s " GRID " --shard 1/2 --db shard1.db", SMALL);
    assert_int_equal(s0.status, 0);
    assert_int_equal(s1.status, 0);
    assert_int_equal(count_rows(db("shard0.db"), "SELECT count(*) FROM batches"), 3);
    cli_result m = cli("merge shard0.db shard1.db --into all.db");
    assert_int_equal(m.status, 0);
    assert_non_null(strstr(m.err, "shard1.db: 3 batches and 9 runs merged into all.db"));
    assert_same_runs(db("whole.db"), db("all.db"));
    assert_int_equal(count_rows(db("all.db"), "SELECT count(*) FROM series"),
                     count_rows(db("whole.db"), "SELECT count(*) FROM series"));
    assert_int_equal(count_rows(db("all.db"), "SELECT count(*) FROM decisions"),
                     count_rows(db("whole.db"), "SELECT count(*) FROM decisions"));
    assert_int_equal(count_rows(db("all.db"), "SELECT count(*) FROM run_params"),
                     count_rows(db("whole.db"), "SELECT count(*) FROM run_params"));
    assert_int_equal(count_rows(db("all.db"), "SELECT count(*) FROM batch_events"),
                     count_rows(db("whole.db"), "SELECT count(*) FROM batch_events"));

    /* merging a shard again adds nothing */
    cli_result again = cli("merge shard1.db --into all.db");
    assert_int_equal(again.status, 0);
    assert_non_null(strstr(again.err, "0 batches and 0 runs merged into all.db (3 batches and "
                                      "9 runs were there already)"));
    assert_same_runs(db("whole.db"), db("all.db"));

    /* the merged file is a finished sweep: the same table, nothing to run */
    cli_result table = cli("sweep %s " GRID " --db all.db", SMALL);
    assert_int_equal(table.status, 0);
    assert_string_equal(table.out, one.out);
    assert_int_equal(count_rows(db("all.db"), "SELECT count(*) FROM runs"), 18);
    cli_free(&one);
    cli_free(&s0);
    cli_free(&s1);
    cli_free(&m);
    cli_free(&again);
    cli_free(&table);
}

/* A shard merged while interrupted, then completed and merged again: the
 * runs it lacked are added, its batch takes the later status. */
static void test_merging_a_completed_shard_again_adds_what_it_lacked(void **state)
{
    (void)state;
    cli_result r = cli("sweep %s --param fleet.max=20 --duration 20m --replications 1 -q "
                       "--db done.db", SMALL);
    assert_int_equal(r.status, 0);
    cli_free(&r);
    /* the same file as it was before its last run: one run fewer, interrupted */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && cp done.db part.db && sqlite3 part.db \"PRAGMA foreign_keys = ON; DELETE FROM "
             "runs WHERE id = (SELECT max(id) FROM runs); UPDATE batches SET status = "
             "'interrupted', finished_at = '2000-01-01T00:00:00Z'\"",
             tmpdir);
    if (system("command -v sqlite3 >/dev/null 2>&1") != 0)
        skip();
    assert_int_equal(system(cmd), 0);
    r = cli("merge part.db --into gathered.db");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "1 batch and 2 runs merged"));
    cli_free(&r);
    r = cli("merge done.db --into gathered.db");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "0 batches and 1 run merged into gathered.db (1 batch and 2 runs "
                                  "were there already)"));
    cli_free(&r);
    assert_same_runs(db("done.db"), db("gathered.db"));
    assert_int_equal(count_rows(db("gathered.db"), "SELECT count(*) FROM batches WHERE status = 'ok'"), 1);
}

static void test_merge_refuses_another_schema_version(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp %s/store/v3.db %s/old.db", HR_TEST_DATA, tmpdir);
    assert_int_equal(system(cmd), 0);
    cli_result r = cli("merge old.db --into new.db");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "old.db has schema version 3, new.db has 4: both must have "
                                  "the same version; `headroom runs --db FILE` with this "
                                  "headroom migrates the older file"));
    assert_int_equal(count_rows(db("new.db"), "SELECT count(*) FROM runs"), 0);
    cli_free(&r);
    /* migrated, it merges */
    r = cli("runs --db old.db");
    assert_int_equal(r.status, 0);
    cli_free(&r);
    r = cli("merge old.db --into new.db");
    assert_int_equal(r.status, 0);
    assert_int_equal(count_rows(db("new.db"), "SELECT count(*) FROM runs"), 2);
    cli_free(&r);
    r = cli("merge missing.db --into new.db");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "missing.db: no such results database"));
    cli_free(&r);
    r = cli("merge new.db");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

static void test_shard_flag_is_checked(void **state)
{
    (void)state;
    const char *bad[] = {"2/2", "1", "a/b", "0/0", "-1/2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cli_result r = cli("sweep %s --param fleet.max=10:20:10 --shard %s -q --db x.db", SMALL,
                           bad[i]);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "--shard expects I/N with 0 <= I < N"));
        cli_free(&r);
    }
}

/* Ctrl-C: runs in flight abandoned, the open batch interrupted, exit 130;
 * the same command again runs only what is missing. */
static void test_ctrl_c_interrupts_the_sweep_and_a_rerun_completes_it(void **state)
{
    (void)state;
    const char *args = "sweep " BLACK_FRIDAY " --param policies.cpu-60.target=50:70:10 "
                       "--replications 1 --duration 2d --jobs 1 -q --db i.db";
    char *msg;
    assert_int_equal(cli_interrupted(args, &msg), 130);
    assert_non_null(strstr(msg, "headroom: interrupted (Ctrl-C): "));
    assert_non_null(strstr(msg, "run the same command again to complete the sweep"));
    free(msg);
    long stored = count_rows(db("i.db"), "SELECT count(*) FROM runs");
    assert_true(stored < 3);

    cli_result again = cli("%s", args);
    assert_int_equal(again.status, 0);
    char want[64];
    snprintf(want, sizeof want, "3 runs, %ld already stored", stored);
    assert_non_null(strstr(again.err, want));
    assert_int_equal(count_rows(db("i.db"), "SELECT count(*) FROM runs"), 3);
    assert_int_equal(count_rows(db("i.db"), "SELECT count(*) FROM batches WHERE status <> 'ok'"), 0);
    cli_free(&again);
}

/* mpirun -np 2: the points spread over two ranks, rank 0 writes: the same
 * runs as one process. Skipped unless built with -DHEADROOM_MPI=ON. */
static void test_mpi_sweep_stores_what_one_process_does(void **state)
{
    (void)state;
#ifndef HR_MPIEXEC
    skip();
#else
    cli_result one = cli("sweep %s " GRID " --db single.db", SMALL);
    assert_int_equal(one.status, 0);
    cli_result mpi = cli_with(HR_MPIEXEC " --allow-run-as-root --oversubscribe -np 2",
                              "sweep %s " GRID " --jobs 1 --db mpi.db", SMALL);
    if (mpi.status != 0)
        fail_msg("mpirun: exit %d: %s", mpi.status, mpi.err);
    assert_string_equal(mpi.out, one.out);
    assert_same_runs(db("single.db"), db("mpi.db"));
    assert_int_equal(count_rows(db("mpi.db"), "SELECT count(*) FROM series"),
                     count_rows(db("single.db"), "SELECT count(*) FROM series"));
    assert_int_equal(count_rows(db("mpi.db"), "SELECT count(*) FROM batches WHERE status = 'ok'"), 6);
    /* the decision logs came over the wire with their reasons' text */
    static const char *const logs[] = {
        "SELECT count(*) FROM decisions",
        "SELECT sum(length(reason)) FROM decisions",
        "SELECT count(DISTINCT reason) FROM decisions",
        "SELECT count(*) FROM decisions WHERE reason LIKE 'cpu%' OR reason LIKE '%target%'",
    };
    for (size_t i = 0; i < sizeof logs / sizeof *logs; i++)
        assert_int_equal(count_rows(db("mpi.db"), logs[i]), count_rows(db("single.db"), logs[i]));
    /* and resumes like one process */
    cli_result again = cli_with(HR_MPIEXEC " --allow-run-as-root --oversubscribe -np 2",
                                "sweep %s " GRID " --jobs 1 --db mpi.db", SMALL);
    assert_int_equal(again.status, 0);
    assert_string_equal(again.out, one.out);
    assert_int_equal(count_rows(db("mpi.db"), "SELECT count(*) FROM runs"), 18);
    cli_free(&one);
    cli_free(&mpi);
    cli_free(&again);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_runs_every_point_and_stores_its_parameters),
        cmocka_unit_test(test_sweep_again_skips_every_stored_run),
        cmocka_unit_test(test_sweep_refuses_bad_params_before_any_run),
        cmocka_unit_test(test_sweep_values_keep_their_units),
        cmocka_unit_test(test_sweep_samples_are_the_same_for_the_same_seed),
        cmocka_unit_test(test_shards_merged_hold_what_one_sweep_does),
        cmocka_unit_test(test_merging_a_completed_shard_again_adds_what_it_lacked),
        cmocka_unit_test(test_merge_refuses_another_schema_version),
        cmocka_unit_test(test_shard_flag_is_checked),
        cmocka_unit_test(test_ctrl_c_interrupts_the_sweep_and_a_rerun_completes_it),
        cmocka_unit_test(test_mpi_sweep_stores_what_one_process_does),
    };
    return cmocka_run_group_tests(tests, e2e_setup, e2e_teardown);
}
