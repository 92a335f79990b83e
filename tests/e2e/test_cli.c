/* End to end: the built headroom binary on real scenario files, as a user
 * or a CI pipeline runs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "harness.h"

#define SMALL HR_TEST_DATA "/e2e/small.yaml"
#define BLACK_FRIDAY HR_SOURCE_DIR "/scenarios/black_friday.yaml"
#define K8S_CHECKOUT HR_SOURCE_DIR "/scenarios/k8s_checkout.yaml"
#define HPA_V1 HR_TEST_DATA "/hpa/v1.yaml"

static void test_validate_accepts_bundled_scenarios(void **state)
{
    (void)state;
    /* every scenario users are offered to copy must stay valid */
    cli_result r = cli("validate %s/scenarios/*.yaml %s %s/e2e/hpa.yaml", HR_SOURCE_DIR, SMALL,
                       HR_TEST_DATA);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "black_friday.yaml: ok (5 policies)"));
    assert_non_null(strstr(r.out, "viral_spike.yaml: ok (4 policies)"));
    assert_non_null(strstr(r.out, "k8s_checkout.yaml: ok (3 policies)"));
    assert_non_null(strstr(r.out, "small.yaml: ok (3 policies)"));
    assert_non_null(strstr(r.out, "hpa.yaml: ok (1 policy)"));
    assert_string_equal(r.err, "");
    cli_free(&r);
}

static void test_validate_reports_position_and_exits_2(void **state)
{
    (void)state;
    FILE *f;
    char path[512];
    snprintf(path, sizeof path, "%s/typo.yaml", tmpdir);
    assert_non_null(f = fopen(path, "w"));
    fputs("scenario: typo\nduration: 1h\ntraffic:\n  base_rsp: 10\n", f);
    fclose(f);
    cli_result r = cli("validate typo.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "typo.yaml:4:3: traffic.base_rsp: unknown key; did you mean base_rps?"));
    assert_string_equal(r.out, "");
    cli_free(&r);
}

static void test_run_json_is_the_results_contract(void **state)
{
    (void)state;
    cli_result r = cli("run %s --json --db runs.db", SMALL);
    assert_int_equal(r.status, 0);
    const char *keys[] = {"\"scenario\": \"small-spike\"", "\"replications\": 2", "\"policies\"",
                          "\"name\": \"cpu-50\"", "\"runs\": 2", "\"cost\"", "\"cost_per_million_requests\"",
                          "\"requests\"", "\"errors\"", "\"error_rate_pct\"", "\"latency_p50_ms\"",
                          "\"latency_p95_ms\"", "\"latency_p99_ms\"", "\"mean_wait_ms\"",
                          "\"wait_probability\"", "\"slo_violation_minutes\"", "\"slo_met\"",
                          "\"instance_hours\"", "\"scaling_actions\"", "\"peak_instances\"",
                          "\"cost_on_demand\"", "\"cost_spot\"", "\"cost_reserved\"",
                          "\"instance_hours_spot\"", "\"spot_interruptions\""};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(r.out, keys[i]))
            fail_msg("JSON lacks %s:\n%s", keys[i], r.out);
    /* 3 policies x 2 replications, each with its series and decisions */
    char db[512];
    snprintf(db, sizeof db, "%s/runs.db", tmpdir);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM runs"), 6);
    assert_int_equal(count_rows(db, "SELECT count(DISTINCT run_id) FROM series"), 6);
    assert_true(count_rows(db, "SELECT count(*) FROM decisions") > 6 * 100);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM batches WHERE status = 'ok'"), 1);
    cli_free(&r);
}

static void test_same_seed_gives_identical_json(void **state)
{
    (void)state;
    cli_result a = cli("run %s --json --db a.db --jobs 2", SMALL);
    cli_result b = cli("run %s --json --db b.db --jobs 1", SMALL);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    cli_result c = cli("run %s --json --db c.db --seed 12", SMALL);
    assert_int_equal(c.status, 0);
    assert_true(strcmp(a.out, c.out) != 0);
    cli_free(&a);
    cli_free(&b);
    cli_free(&c);
}

static void test_run_bundled_black_friday(void **state)
{
    (void)state;
    cli_result r = cli("run %s --replications 1 --db bf.db --chart bf.png", BLACK_FRIDAY);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    const char *names[] = {"static-14", "cpu-60", "cpu-steps", "rps-per-pod", "best-possible"};
    for (size_t i = 0; i < 5; i++)
        assert_non_null(strstr(r.out, names[i]));
    assert_non_null(strstr(r.out, "vs oracle"));
    char png[512];
    snprintf(png, sizeof png, "%s/bf.png", tmpdir);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char magic[4] = {0};
    assert_int_equal(fread(magic, 1, 4, f), 4);
    fclose(f);
    assert_memory_equal(magic, "\x89PNG", 4);
    cli_free(&r);
}

/* Write text to NAME in the test's directory. */
static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_decide_replays_an_hpa_manifest_over_observations(void **state)
{
    (void)state;
    /* v1.yaml: 2..8 replicas, cpu 70%, no behavior: the 2x-or-4 scale-up
     * limit and the 5-minute downscale stabilization */
    write_file("obs.csv", "time_s,replicas,cpu\n"
                          "0,4,70\n"       /* in tolerance */
                          "15,4,140\n"     /* ratio 2: 8 */
                          "30,8,35\n"      /* 4 wanted, held by the 8 of t = 15 */
                          "300,8,35\n"     /* the 8 is 285 s old: still held */
                          "315,8,35\n");   /* 300 s old: out of the window */
    cli_result r = cli("decide --policy %s --observations obs.csv", HPA_V1);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_string_equal(r.out, "time_s,desired_replicas\n0,4\n15,8\n30,8\n300,8\n315,4\n");
    assert_string_equal(r.err, "");
    cli_free(&r);

    /* --reasons says why; ready_replicas marks the unready pods, and an
     * extra column gets a warning */
    write_file("obs2.csv", "time_s,replicas,ready_replicas,cpu,note\n"
                           "0,4,2,140,x\n");
    r = cli("decide --policy %s --observations obs2.csv --reasons", HPA_V1);
    assert_int_equal(r.status, 0);
    /* 2 ready at 140% and 2 unready at 0%: 70% on 4 pods, in tolerance */
    assert_non_null(strstr(r.out, "time_s,desired_replicas,reason\n0,4,\"hpa: cpu 140%/70%: 4; 4 -> 4\"\n"));
    assert_non_null(strstr(r.err, "column \"note\" is not read by policy legacy; ignored"));
    cli_free(&r);
}

static void test_decide_worked_example_in_the_docs_is_what_it_prints(void **state)
{
    (void)state;
    cli_result r = cli("decide --policy %s/scenarios/k8s/checkout-hpa.yaml --observations "
                       "%s/docs/examples/checkout_obs.csv --reasons",
                       HR_SOURCE_DIR, HR_SOURCE_DIR);
    assert_int_equal(r.status, 0);
    char *doc = slurp(HR_SOURCE_DIR "/docs/decide.md");
    const char *start = strstr(doc, "```\ntime_s,desired_replicas,reason\n");
    assert_non_null(start);
    start += 4;
    const char *end = strstr(start, "```");
    assert_non_null(end);
    assert_int_equal(strlen(r.out), (size_t)(end - start));
    assert_memory_equal(r.out, start, (size_t)(end - start));
    free(doc);
    cli_free(&r);
}

static void test_decide_runs_any_headroom_policy_mapping(void **state)
{
    (void)state;
    write_file("tt.yaml", "{name: cpu-50, kind: target_tracking, metric: cpu, target: 50, scale_out_cooldown: 0s, "
                          "scale_out_datapoints: 1}\n");
    write_file("obs.csv", "time_s,replicas,cpu\n0,4,100\n60,6,50\n");
    cli_result r = cli("decide --policy tt.yaml --observations obs.csv --max 6");
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    /* 4 at 100% needs 8, held to --max 6; then 6 at 50% holds */
    assert_string_equal(r.out, "time_s,desired_replicas\n0,6\n60,6\n");
    cli_free(&r);
}

static void test_decide_bad_rows_name_file_and_line(void **state)
{
    (void)state;
    struct {
        const char *csv, *msg;
    } cases[] = {
        {"time_s,replicas,cpu\n0,4,70\n10,4,fast\n",
         "obs.csv:3: cpu: expected a number (or an empty cell for a missing value), got \"fast\""},
        {"time_s,replicas,cpu\n20,4,70\n10,4,70\n",
         "obs.csv:3: time_s 10 goes backwards (the row before is at 20); sort the rows by time"},
        {"time_s,replicas,memory\n0,4,70\n",
         "obs.csv:1: no column \"cpu\", which policy legacy reads; add it to the header"},
        {"time_s,replicas,cpu\n0,4.5,70\n",
         "obs.csv:2: replicas: expected a whole number >= 0, got \"4.5\""},
        {"time_s,replicas,cpu\n0,4\n", "obs.csv:2: 2 cells, the header has 3"},
        {"replicas,time_s,cpu\n", "obs.csv:1: the header must start with time_s,replicas"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file("obs.csv", cases[i].csv);
        cli_result r = cli("decide --policy %s --observations obs.csv", HPA_V1);
        if (r.status != 2 || !strstr(r.err, cases[i].msg))
            fail_msg("case %zu: exit %d, stderr: %s\nwant: %s", i, r.status, r.err, cases[i].msg);
        cli_free(&r);
    }
    cli_result r = cli("decide --policy nope.yaml --observations obs.csv");
    assert_int_equal(r.status, 1);
    cli_free(&r);
    r = cli("decide --observations obs.csv");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

/* A scenario with an oracle: the table prices each policy against it, the
 * JSON carries cost_vs_oracle, the oracle is never the best; decide, which
 * has no future to give it, refuses it. */
static void test_run_prices_policies_against_the_oracle(void **state)
{
    (void)state;
    cli_result r = cli("run %s/scenarios/flash_sale.yaml --duration 1h --replications 1 "
                       "--db fs.db", HR_SOURCE_DIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  cost  vs oracle  $/Mreq"));
    assert_non_null(strstr(r.out, "\nbest-possible "));
    assert_non_null(strstr(r.out, "      1.00x  "));
    assert_null(strstr(r.out, "best: best-possible"));
    cli_free(&r);
    /* the review names the bound next to its recommendation */
    r = cli("report --db fs.db --out review");
    assert_int_equal(r.status, 0);
    char md[512];
    snprintf(md, sizeof md, "%s/review/report.md", tmpdir);
    char *text = slurp(md);
    assert_non_null(strstr(text, "Against the perfect-foresight bound (best-possible, kind oracle"));
    free(text);
    cli_free(&r);
    r = cli("run %s/scenarios/flash_sale.yaml --duration 1h --replications 1 --json "
            "--db fs.db --policy best-possible --policy prescaled-16", HR_SOURCE_DIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"cost_vs_oracle\": 1,"));
    assert_non_null(strstr(r.out, "\"recommended\": \"prescaled-16\""));
    cli_free(&r);
    /* without the oracle in the run, nothing to price against */
    r = cli("run %s/scenarios/flash_sale.yaml --duration 10m --replications 1 --json "
            "--db fs.db --policy prescaled-16", HR_SOURCE_DIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"cost_vs_oracle\": null,"));
    cli_free(&r);

    write_file("oracle.yaml", "{name: best, kind: oracle}\n");
    write_file("obs.csv", "time_s,replicas\n0,2\n");
    r = cli("decide --policy oracle.yaml --observations obs.csv");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "oracle.yaml:1:1: policy.kind: an oracle reads the true future "
                                  "load, which only `headroom run` simulates"));
    cli_free(&r);
}

/* Every kind and fleet feature of one scenario in one run: it completes,
 * each policy has its row, the oracle its column, predictive its error. */
static void test_every_policy_kind_runs_together(void **state)
{
    (void)state;
    cli_result r = cli("run %s/e2e/kinds.yaml --db kinds.db", HR_TEST_DATA);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    const char *names[] = {"cpu-50 ", "rps-4 ", "both ", "steps-aws ", "simple-cpu ", "predictive ",
                           "office ", "cpu-50-floor ", "best-possible "};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strstr(r.out, names[i]))
            fail_msg("no row for %s in:\n%s", names[i], r.out);
    assert_non_null(strstr(r.out, "vs oracle"));
    assert_non_null(strstr(r.out, "forecast error: predictive "));
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/kinds.db", tmpdir);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 9);
    assert_true(count_rows(path, "SELECT count(*) FROM decisions WHERE reason LIKE 'schedule:%'") > 0);
}

static void test_run_bundled_k8s_checkout(void **state)
{
    (void)state;
    cli_result r = cli("run %s --replications 1 --policy team-hpa --policy tuned-hpa --json --db k8s.db",
                       K8S_CHECKOUT);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\"name\": \"team-hpa\""));
    assert_non_null(strstr(r.out, "\"name\": \"tuned-hpa\""));
    char db[512];
    snprintf(db, sizeof db, "%s/k8s.db", tmpdir);
    /* the HPAs scaled, and every decision came at a 15 s sync */
    assert_true(count_rows(db, "SELECT count(*) FROM decisions WHERE desired != current") > 10);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM decisions WHERE CAST(time_s AS INTEGER) % 15 != 0"), 0);
    cli_free(&r);
}

/* Every scenario users are offered runs, in a short form: its first 30
 * minutes, one replication. */
static void test_every_bundled_scenario_runs_in_a_short_form(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(HR_SOURCE_DIR "/scenarios/*.yaml", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 3);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        cli_result r = cli("run %s --duration 30m --replications 1 --db short.db --json",
                           g.gl_pathv[i]);
        if (r.status != 0 || !strstr(r.out, "\"policies\""))
            fail_msg("%s: exit %d: %s", g.gl_pathv[i], r.status, r.err);
        cli_free(&r);
    }
    globfree(&g);
    cli_result r = cli("run %s --duration 2d --db short.db", K8S_CHECKOUT);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--duration 2d is longer than the scenario (1d)"));
    cli_free(&r);
}

/* The bundled scheduled scenario: its office-hours schedule runs at 08:00
 * and 19:00 Berlin time on the weekdays of its first two days (Thursday
 * and Friday), each change in the decision log with its reason. */
static void test_run_bundled_scheduled_office_hours(void **state)
{
    (void)state;
    cli_result r = cli("run %s/scenarios/scheduled_office_hours.yaml --duration 2d "
                       "--policy office-schedule --db office.db", HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    char db[512];
    snprintf(db, sizeof db, "%s/office.db", tmpdir);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM decisions WHERE reason LIKE "
                                    "'schedule: open (08:00 weekdays) (% Europe/Berlin): min 6 "
                                    "max 6 desired 6; capacity 2 -> 6' AND time_s IN (28800, 115200)"),
                     2);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM decisions WHERE reason LIKE "
                                    "'schedule: evening (19:00 weekdays) (%' AND time_s IN (68400, 154800)"),
                     2);
    cli_free(&r);
}

static void test_purchase_options_reach_the_database(void **state)
{
    (void)state;
    cli_result r = cli("run %s/scenarios/spot_heavy.yaml --duration 6h --policy static-20 --db spot.db",
                       HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    char db[512];
    snprintf(db, sizeof db, "%s/spot.db", tmpdir);
    /* 6 reserved instances for 6 h at 0.054, used or not */
    assert_int_equal(count_rows(db, "SELECT round(cost_reserved * 1000) FROM runs"), 1944);
    assert_int_equal(count_rows(db, "SELECT cost_spot > 0 AND cost_on_demand > 0 FROM runs"), 1);
    assert_int_equal(count_rows(db, "SELECT abs(cost_on_demand + cost_spot + cost_reserved - cost) < 1e-9 FROM runs"), 1);
    assert_int_equal(count_rows(db, "SELECT spot_interruptions >= 0 FROM runs"), 1);
    cli_free(&r);
}

/* A replication run alone (--replication N with the batch's seed) is the
 * same run as in the batch, bit for bit: summary, seed of its draws and
 * every series row. */
static void test_replication_alone_reproduces_the_batch(void **state)
{
    (void)state;
    cli_result r = cli("run %s --replications 3 --db rep.db --json", SMALL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\"batch\": 1,"));
    assert_non_null(strstr(r.out, "{\"replication\": 2, \"run_id\": "));
    assert_non_null(strstr(r.out, "\"recommended\": "));
    cli_free(&r);
    r = cli("run %s --replication 2 --seed 11 --db rep.db --quiet", SMALL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    /* stderr is a file here: no progress line, quiet or not */
    assert_null(strstr(r.err, "events/s"));
    cli_free(&r);
    char db[512];
    snprintf(db, sizeof db, "%s/rep.db", tmpdir);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM runs WHERE batch_id = 2"), 3);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM runs a JOIN runs b ON a.policy = b.policy"
                                    " AND a.replication = b.replication AND a.batch_id = 1 AND b.batch_id = 2"
                                    " WHERE a.replication = 2 AND a.cost IS b.cost AND a.requests = b.requests"
                                    " AND a.errors = b.errors AND a.latency_p99_ms IS b.latency_p99_ms"
                                    " AND a.events = b.events AND a.replication_seed = b.replication_seed"),
                     3);
    /* replications draw from different seeds */
    assert_int_equal(count_rows(db, "SELECT count(DISTINCT replication_seed) FROM runs"), 3);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM series s JOIN runs a ON a.id = s.run_id"
                                    " JOIN runs b ON b.policy = a.policy AND b.replication = 2"
                                    " AND b.batch_id = 2 AND a.batch_id = 1 AND a.replication = 2"
                                    " LEFT JOIN series t ON t.run_id = b.id AND t.time_s = s.time_s"
                                    " AND t.offered_rps IS s.offered_rps AND t.latency_p99_ms IS s.latency_p99_ms"
                                    " AND t.in_service = s.in_service WHERE t.run_id IS NULL"),
                     0);
    /* the violated windows are stored, one per window the summary counts,
     * and the scenario's spike with each batch */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM runs r WHERE slo_windows_violated !="
                                    " (SELECT count(*) FROM slo_violations v WHERE v.run_id = r.id"
                                    " AND v.tenant IS NULL)"),
                     0);
    assert_true(count_rows(db, "SELECT count(*) FROM slo_violations WHERE broke != ''"
                               " AND end_s - start_s = 300") > 0);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM batch_events WHERE kind = 'plateau'"
                                    " AND name = 'spike' AND start_s = 2400 AND end_s = 4800"),
                     2);
    r = cli("run %s --replication 1 --replications 2 --db rep.db", SMALL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--replication runs one replication"));
    cli_free(&r);
}

/* compare, runs and export read a batch back without SQL. */
static void test_compare_runs_and_export_read_the_database(void **state)
{
    (void)state;
    cli_result r = cli("run %s --replications 2 --duration 1h --db review.db", SMALL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    cli_free(&r);
    r = cli("compare --db review.db");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "batch 1, scenario small-spike"));
    assert_non_null(strstr(r.out, "paired differences"));
    assert_non_null(strstr(r.out, "fixed-3 vs cpu-50"));
    assert_non_null(strstr(r.out, "rank  policy"));
    cli_free(&r);
    r = cli("compare --db review.db --scenario small-spike --json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"latency_p99_ms\": {\"mean\": "));
    assert_non_null(strstr(r.out, "\"instability_pct\": {\"mean\": "));
    assert_non_null(strstr(r.out, "\"b_minus_a\": {"));
    cli_free(&r);
    r = cli("compare --db review.db --batch 1 --csv");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "kind,policy,other,figure,mean,ci95_low,ci95_high,n\n", 51) == 0);
    assert_non_null(strstr(r.out, "\ndifference,cpu-50,fixed-3,cost,"));
    cli_free(&r);
    r = cli("runs --db review.db");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "small-spike"));
    cli_free(&r);
    r = cli("runs --db review.db --batch 1");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "replication seed"));
    assert_non_null(strstr(r.out, "cpu-50"));
    cli_free(&r);
    r = cli("export --db review.db --what series");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "policy,replication,run_id,time_s,", 33) == 0);
    assert_non_null(strstr(r.out, "latency_p99_ms"));
    assert_non_null(strstr(r.out, "demand"));
    /* 2 replications x 3 policies x 720 five-second rows, and the header */
    size_t lines = 0;
    for (const char *c = r.out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 6 * 720);
    cli_free(&r);
    r = cli("export --db review.db --run 2 --what decisions --format json");
    assert_int_equal(r.status, 0);
    assert_true(r.out[0] == '[');
    assert_non_null(strstr(r.out, "{\"policy\": \"cpu-50\", \"replication\": 0, \"run_id\": 2, \"seq\": 0,"));
    cli_free(&r);
    r = cli("export --db review.db --what summary --format json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"replication_seed\": "));
    cli_free(&r);
    r = cli("export --db review.db --what windows");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "policy,replication,run_id,start_s,end_s,tenant,broke,", 53) == 0);
    cli_free(&r);
    /* what a user gets wrong */
    r = cli("compare --db missing.db");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "missing.db: no such results database"));
    cli_free(&r);
    r = cli("compare --db review.db --batch 9");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no batch 9"));
    cli_free(&r);
    r = cli("export --db review.db --run 99");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no run 99"));
    cli_free(&r);
    r = cli("export --db review.db --what everything");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

/* Every chart of `headroom plot`, in every format, is a valid non-empty
 * file of that format. */
static void test_plot_draws_every_chart_in_every_format(void **state)
{
    (void)state;
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        skip();
    cli_result r = cli("run %s --replications 2 --duration 1h --db plot.db", SMALL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    cli_free(&r);
    const struct {
        const char *format, *magic;
    } formats[] = {{"png", "\x89PNG\r\n\x1a\n"}, {"svg", "<?xml"}, {"pdf", "%PDF-"}};
    /* 3 timelines, latency, errors-cost, cost-slo, the spike's zoom, band */
    const char *stems[] = {"timeline-fixed-3", "timeline-cpu-50", "timeline-steps", "latency",
                           "errors-cost", "cost-slo", "event-1-spike", "band"};
    for (size_t f = 0; f < 3; f++) {
        r = cli("plot --db plot.db --out charts-%s --format %s", formats[f].format, formats[f].format);
        if (r.status != 0)
            fail_msg("plot --format %s: exit %d: %s", formats[f].format, r.status, r.err);
        for (size_t k = 0; k < sizeof stems / sizeof stems[0]; k++) {
            char path[512];
            snprintf(path, sizeof path, "%s/charts-%s/%s.%s", tmpdir, formats[f].format, stems[k],
                     formats[f].format);
            FILE *fp = fopen(path, "rb");
            if (!fp)
                fail_msg("%s was not drawn; plot printed:\n%s", path, r.out);
            char head[16] = {0};
            size_t len = strlen(formats[f].magic);
            assert_int_equal(fread(head, 1, len, fp), len);
            assert_memory_equal(head, formats[f].magic, len);
            fseek(fp, 0, SEEK_END);
            assert_true(ftell(fp) > 2000);
            fclose(fp);
        }
        cli_free(&r);
    }
    r = cli("plot --db plot.db --run 4 --out charts-run");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "charts-run/timeline-fixed-3.png"));
    cli_free(&r);
    r = cli("plot --db plot.db");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--out"));
    cli_free(&r);
    r = cli("plot --db plot.db --out x --format gif");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

/* `headroom report`: report.md and a self-contained report.html with the
 * recommendation, the comparison, every chart and the worst windows. */
static void test_report_writes_markdown_and_self_contained_html(void **state)
{
    (void)state;
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        skip();
    cli_result r = cli("run %s --replications 2 --duration 1h --db report.db", SMALL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    cli_free(&r);
    r = cli("report --db report.db --out review");
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/review/report.md", tmpdir);
    char *md = slurp(path);
    assert_non_null(strstr(md, "# Capacity review: small-spike, batch 1"));
    assert_non_null(strstr(md, "## Recommendation"));
    assert_non_null(strstr(md, "paired differences"));
    assert_non_null(strstr(md, "![cost-slo.png](cost-slo.png)"));
    assert_non_null(strstr(md, "![event-1-spike.png](event-1-spike.png)"));
    assert_non_null(strstr(md, "## Worst SLO window per policy"));
    assert_non_null(strstr(md, "### fixed-3"));
    /* fixed-3 breaks the SLO in this scenario: its worst window is named,
     * with the decision log under it */
    assert_non_null(strstr(md, "| time | current | proposed | desired | metric | reason |"));
    assert_non_null(strstr(md, "static policy: 3 instances"));
    free(md);
    snprintf(path, sizeof path, "%s/review/report.html", tmpdir);
    char *html = slurp(path);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    /* self-contained: every chart inline, nothing fetched */
    size_t images = 0;
    for (const char *p = html; (p = strstr(p, "src=\"data:image/png;base64,iVBORw0KGgo")); p++)
        images++;
    assert_int_equal(images, 8);
    assert_null(strstr(html, "src=\"http"));
    assert_non_null(strstr(html, "</body></html>"));
    free(html);
    r = cli("report --db report.db");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

static void test_tenants_reach_the_table_json_and_database(void **state)
{
    (void)state;
    cli_result r = cli("run %s/scenarios/tenant_onboarding.yaml --duration 1h --policy cpu-60 "
                       "--db tenants.db",
                       HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "tenant"));
    assert_non_null(strstr(r.out, "globex"));
    cli_free(&r);
    r = cli("run %s/scenarios/tenant_onboarding.yaml --duration 1h --policy cpu-60 --json "
            "--db tenants.db",
            HR_SOURCE_DIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"tenants\": ["));
    assert_non_null(strstr(r.out, "{\"name\": \"acme\", \"requests\": 0,"));
    cli_free(&r);
    char db[512];
    snprintf(db, sizeof db, "%s/tenants.db", tmpdir);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM run_tenants"), 4);
    assert_true(count_rows(db, "SELECT requests FROM run_tenants WHERE tenant = 'globex' LIMIT 1") > 0);
}

/* A warm pool's figures reach the JSON (only for a scenario with one) and
 * the database, and its cost is part of the run's cost. */
static void test_warm_pool_reaches_the_json_and_database(void **state)
{
    (void)state;
    cli_result r = cli("run %s/scenarios/warm_pool.yaml --duration 1h --policy cpu-steps "
                       "--replications 1 --json --db pool.db",
                       HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\"warm_pool_hours\": "));
    assert_non_null(strstr(r.out, "\"warm_pool_cost\": "));
    assert_non_null(strstr(r.out, "\"starts_from_pool\": "));
    assert_non_null(strstr(r.out, "\"returns_to_pool\": "));
    cli_free(&r);
    char db[512];
    snprintf(db, sizeof db, "%s/pool.db", tmpdir);
    assert_int_equal(count_rows(db, "SELECT warm_pool_cost > 0 AND warm_pool_hours > 0 FROM runs"), 1);
    assert_int_equal(count_rows(db, "SELECT abs(cost_on_demand + cost_spot + cost_reserved + "
                                    "warm_pool_cost - cost) < 1e-9 FROM runs"), 1);
    assert_int_equal(count_rows(db, "SELECT min(pool) FROM series"), 10); /* 12 - 2 */
    r = cli("run %s --json --db nopool.db", SMALL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "warm_pool"));
    cli_free(&r);
}

static void test_curve_prints_the_knee_and_draws_it(void **state)
{
    (void)state;
    cli_result r = cli("curve %s --steps 8 --chart curve.png", BLACK_FRIDAY);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "offered/s"));
    assert_non_null(strstr(r.out, "knee: "));
    char png[512];
    snprintf(png, sizeof png, "%s/curve.png", tmpdir);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char magic[4] = {0};
    assert_int_equal(fread(magic, 1, 4, f), 4);
    fclose(f);
    assert_memory_equal(magic, "\x89PNG", 4);
    cli_free(&r);

    r = cli("curve %s --steps 4 --json", BLACK_FRIDAY);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"knee_rps\": "));
    assert_non_null(strstr(r.out, "\"latency_p95_ms\": "));
    cli_free(&r);
    r = cli("curve %s --steps 4 --csv", BLACK_FRIDAY);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "offered_rps,throughput_rps,", 27) == 0);
    cli_free(&r);
    r = cli("curve %s --steps 1", BLACK_FRIDAY);
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

static void test_plan_projects_months_and_draws_them(void **state)
{
    (void)state;
    cli_result r = cli("plan %s/scenarios/spot_heavy.yaml --months 2 --test-duration 5m "
                       "--chart plan.png",
                       HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "month  growth"));
    assert_non_null(strstr(r.out, "    2   1.56x"));
    char png[512];
    snprintf(png, sizeof png, "%s/plan.png", tmpdir);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    fclose(f);
    cli_free(&r);

    r = cli("plan %s/scenarios/replay_twitter.yaml --months 1 --test-duration 5m --json "
            "--growth fit:%s/scenarios/traces/twitter_volume_aapl.csv",
            HR_SOURCE_DIR, HR_SOURCE_DIR);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\"fit\": {\"days\": 55, \"best\": "));
    assert_non_null(strstr(r.out, "\"r2_exponential\": "));
    assert_non_null(strstr(r.out, "\"instances\": "));
    cli_free(&r);

    write_file("bad.csv", "time_s,requests_per_s\n0,1\n10,x\n");
    r = cli("plan %s --growth fit:bad.csv", SMALL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "bad.csv:3: requests_per_s: expected a rate >= 0"));
    cli_free(&r);
    r = cli("plan %s --growth huge", SMALL);
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

static void test_help_is_the_same_both_ways(void **state)
{
    (void)state;
    cli_result a = cli("help run");
    cli_result b = cli("run --help");
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    assert_non_null(strstr(a.out, "--replications"));
    cli_free(&a);
    cli_free(&b);
}

static void test_bad_usage_exits_2(void **state)
{
    (void)state;
    cli_result r = cli("run %s --frobnicate", SMALL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option --frobnicate"));
    cli_free(&r);
    r = cli("run %s --policy nope", SMALL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no policy 'nope'; its policies are: fixed-3, cpu-50, steps"));
    cli_free(&r);
    r = cli("run %s --replications zero", SMALL);
    assert_int_equal(r.status, 2);
    cli_free(&r);
    r = cli("run missing.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "missing.yaml"));
    cli_free(&r);
    r = cli("frobnicate");
    assert_int_equal(r.status, 2);
    cli_free(&r);
}

/* A scenario that validates but whose runs would take hours each is refused
 * before anything is stored (a rate lifted by stacked events). */
static void test_run_beyond_reason_is_refused_before_it_starts(void **state)
{
    (void)state;
    write_file("huge.yaml",
               "scenario: huge\nduration: 30d\nfidelity: request\n"
               "traffic:\n  base_rps: 100000\n"
               "  events:\n"
               "    - {name: a, start: 1d, duration: 20d, multiplier: 1000}\n"
               "    - {name: b, start: 2d, duration: 20d, multiplier: 1000}\n"
               "workload:\n  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
               "fleet:\n  instance: {concurrency: 4, price_per_hour: 0.1}\n  max: 10\n"
               "policies:\n  - {name: fixed, kind: static, instances: 2}\n");
    cli_result r = cli("validate huge.yaml");
    assert_int_equal(r.status, 0);
    cli_free(&r);
    r = cli("run huge.yaml --db huge.db");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "huge.yaml: each run would simulate about"));
    assert_non_null(strstr(r.err, "use fidelity: fluid (or auto)"));
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/huge.db", tmpdir);
    assert_int_equal(access(path, F_OK), -1); /* nothing stored, not even a database */

    /* few requests, but a least-outstanding balancer scanning 100,000 instances each */
    write_file("fleet.yaml",
               "scenario: fleet\nduration: 1h\ntraffic: {base_rps: 20000}\n"
               "workload:\n  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
               "fleet:\n  instance: {concurrency: 1, price_per_hour: 0.1}\n"
               "  initial: 100000\n  min: 100000\n  max: 100000\n  load_balancer: least_outstanding\n"
               "policies:\n  - {name: fixed, kind: static, instances: 100000}\n");
    r = cli("run fleet.yaml --db fleet.db");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "use load_balancer: two_choices for a fleet this large"));
    cli_free(&r);
}

/* fidelity: auto runs a scenario of billions of requests in fluid mode,
 * says so on stderr, and writes the mode into the results contract; a
 * scenario of few requests stays in request mode. */
static void test_auto_fidelity_chooses_by_expected_requests_and_says_so(void **state)
{
    (void)state;
    write_file("big.yaml",
               "scenario: big\nduration: 1d\ntick: 10s\n"
               "traffic: {base_rps: 100000}\n"
               "workload:\n  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
               "fleet:\n  instance: {concurrency: 8, price_per_hour: 0.1}\n  initial: 700\n  max: 1000\n"
               "policies:\n  - {name: fixed, kind: static, instances: 700}\n");
    cli_result r = cli("run big.yaml --db big.db --json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "fidelity auto: fluid mode (about 8.64e+09 requests per run"));
    assert_non_null(strstr(r.out, "\"fidelity\": \"fluid\""));
    /* the day's 8.64e9 requests, give or take the counts' Poisson noise */
    const char *req = strstr(r.out, "\"requests\": ");
    assert_non_null(req);
    double n = strtod(req + strlen("\"requests\": "), NULL);
    assert_true(fabs(n - 8.64e9) < 1e-4 * 8.64e9);
    cli_free(&r);
    r = cli("run %s --db small.db --json", SMALL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"fidelity\": \"request\""));
    cli_free(&r);
}

/* Where fluid mode is known not to agree with request mode (a service
 * time of huge variance, a fleet of a few workers), a fluid run says so;
 * a scenario within its validated range gets no such warning. */
static void test_fluid_run_warns_where_it_does_not_agree(void **state)
{
    (void)state;
    const char *head = "scenario: tail\nduration: 1h\ntick: 10s\nfidelity: fluid\n"
                       "traffic: {base_rps: 40}\nworkload:\n  classes: [{name: api, share: 1, ";
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "%sservice: {dist: lognormal, mean: 100ms, p99: 1400ms}}]\n"
             "fleet:\n  instance: {concurrency: 4, price_per_hour: 0.1}\n  initial: 4\n  max: 4\n"
             "policies:\n  - {name: fixed, kind: static, instances: 4}\n", head);
    write_file("tail.yaml", yaml);
    cli_result r = cli("run tail.yaml --db tail.db -q");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "fluid mode: the service time varies a lot (coefficient of variation 6.8"));
    cli_free(&r);
    snprintf(yaml, sizeof yaml,
             "%sservice: {dist: exponential, mean: 100ms}}]\n"
             "fleet:\n  instance: {concurrency: 2, price_per_hour: 0.1}\n  initial: 2\n  max: 3\n"
             "policies:\n  - {name: fixed, kind: static, instances: 2}\n", head);
    write_file("few.yaml", yaml);
    r = cli("run few.yaml --db few.db -q");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "the fleet has at most 6 workers in all"));
    cli_free(&r);
    snprintf(yaml, sizeof yaml,
             "%sservice: {dist: exponential, mean: 100ms}}]\n"
             "fleet:\n  instance: {concurrency: 4, price_per_hour: 0.1}\n  initial: 2\n  max: 4\n"
             "policies:\n  - {name: fixed, kind: static, instances: 2}\n", head);
    write_file("fine.yaml", yaml);
    r = cli("run fine.yaml --db fine.db -q");
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "warning"));
    cli_free(&r);
}

/* Every kind of policy, warm pool, schedule and fault of kinds.yaml runs
 * in fluid mode too (--fidelity overrides the scenario's), each request
 * accounted for: none completes or fails twice. */
static void test_every_kind_runs_in_fluid_mode(void **state)
{
    (void)state;
    cli_result r = cli("run %s/e2e/kinds.yaml --fidelity fluid --duration 2h --db kf.db --json",
                       HR_TEST_DATA);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\"fidelity\": \"fluid\""));
    cli_free(&r);
    r = cli("run %s/e2e/kinds.yaml --fidelity exact --db kf.db", HR_TEST_DATA);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--fidelity expects request, fluid or auto, got 'exact'"));
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/kf.db", tmpdir);
    long runs = count_rows(path, "SELECT count(*) FROM runs");
    assert_true(runs > 0);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs WHERE fidelity = 'fluid'"), runs);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs WHERE completed + errors > requests "
                                      "OR requests = 0"),
                     0);
}

/* No input is read without bound: an endless file, a line without end. */
static void test_endless_inputs_are_refused_without_reading_them_whole(void **state)
{
    (void)state;
    cli_result r = cli("validate /dev/zero");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/dev/zero: larger than 16 MiB; is this the scenario file you meant?"));
    cli_free(&r);
    r = cli("decide --policy %s/scenarios/k8s/checkout-hpa.yaml --observations /dev/zero",
            HR_SOURCE_DIR);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/dev/zero:1: a NUL byte; is this a CSV of observations?"));
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/long.csv", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 3000000; i++)
        fputc('a', f);
    fclose(f);
    r = cli("decide --policy %s/scenarios/k8s/checkout-hpa.yaml --observations long.csv",
            HR_SOURCE_DIR);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "long.csv:1: line longer than 1048576 bytes"));
    cli_free(&r);
}

/* --db is a file path: ":memory:" and "file:..." are files of that name,
 * and what `run` says it stored is there. */
static void test_db_names_sqlite_would_read_specially_are_plain_files(void **state)
{
    (void)state;
    const char *names[] = {":memory:", "file:x.db?mode=memory"};
    for (size_t i = 0; i < 2; i++) {
        cli_result r = cli("run %s --replications 1 --policy fixed-3 --db '%s'", SMALL, names[i]);
        assert_int_equal(r.status, 0);
        cli_free(&r);
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 1);
    }
}

/* A damaged database is refused before a run is appended to it. */
static void test_damaged_database_is_refused_before_anything_is_written(void **state)
{
    (void)state;
    cli_result r = cli("run %s --replications 1 --db d.db", SMALL);
    assert_int_equal(r.status, 0);
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/d.db", tmpdir);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 4096 * 20 + 100, SEEK_SET);
    for (int i = 0; i < 3000; i++)
        fputc(0xff, f);
    fclose(f);
    r = cli("run %s --replications 1 --db d.db", SMALL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "d.db: the database is damaged (SQLite's quick_check:"));
    assert_non_null(strstr(r.err, "nothing was written to it"));
    cli_free(&r);
}

/* Another process holding the write lock for a while: run waits, says so,
 * and stores its results when the lock is released. */
static void test_a_locked_database_is_waited_for(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && (sqlite3 l.db 'BEGIN IMMEDIATE; CREATE TABLE hold(x);' '.shell sleep 3' "
             "'COMMIT;' >/dev/null 2>&1 &) && sleep 1",
             tmpdir);
    assert_int_equal(system(cmd), 0);
    cli_result r = cli("run %s --replications 1 --policy fixed-3 --db l.db", SMALL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "l.db is locked by another process; waiting up to 60 s"));
    cli_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/l.db", tmpdir);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 1);
}

/* Two headroom processes writing one database at once lose nothing. */
static void test_two_writers_on_one_database_lose_nothing(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && (%s run %s --replications 2 --db w.db -q >/dev/null 2>&1 & "
             "%s run %s --replications 2 --db w.db -q >/dev/null 2>&1 & wait)",
             tmpdir, HR_CLI, SMALL, HR_CLI, SMALL);
    assert_int_equal(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/w.db", tmpdir);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM batches"), 2);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 2 * 2 * 3);
}

/* Ctrl-C: the runs in flight are abandoned, the batch is marked
 * interrupted, exit 130; the same command again completes that batch, and
 * its table is what an uninterrupted run prints. */
static void test_ctrl_c_interrupts_the_batch_and_a_rerun_completes_it(void **state)
{
    (void)state;
    const char *args = "run " BLACK_FRIDAY " --policy cpu-60 --replications 2 --duration 2d "
                       "--jobs 1 -q --db i.db";
    char *msg;
    assert_int_equal(cli_interrupted(args, &msg), 130);
    char path[512];
    assert_non_null(strstr(msg, "headroom: interrupted (Ctrl-C): "));
    assert_non_null(strstr(msg, "run the same command again to complete the batch"));
    free(msg);
    snprintf(path, sizeof path, "%s/i.db", tmpdir);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM batches WHERE status = 'interrupted'"), 1);

    cli_result again = cli("%s", args);
    assert_int_equal(again.status, 0);
    assert_non_null(strstr(again.err, "completing interrupted batch 1"));
    assert_int_equal(count_rows(path, "SELECT count(*) FROM batches"), 1);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM batches WHERE status = 'ok'"), 1);
    assert_int_equal(count_rows(path, "SELECT count(*) FROM runs"), 2);
    cli_result whole = cli("run " BLACK_FRIDAY " --policy cpu-60 --replications 2 --duration 2d "
                           "--jobs 1 -q --db whole.db");
    assert_int_equal(whole.status, 0);
    assert_string_equal(again.out, whole.out);
    cli_free(&again);
    cli_free(&whole);
}

static void test_unwritable_database_exits_1(void **state)
{
    (void)state;
    cli_result r = cli("run %s --db /nonexistent-dir/x.db", SMALL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "/nonexistent-dir/x.db"));
    cli_free(&r);
}

static void test_unwritable_stdout_exits_1(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s validate %s >/dev/full 2>err.txt", tmpdir, HR_CLI, SMALL);
    int raw = system(cmd);
    assert_true(WIFEXITED(raw));
    assert_int_equal(WEXITSTATUS(raw), 1);
    snprintf(cmd, sizeof cmd, "%s/err.txt", tmpdir);
    char *err = slurp(cmd);
    assert_non_null(strstr(err, "cannot write the results to stdout"));
    free(err);
    /* help and version too */
    const char *quiet[] = {"version", "help", "help run", "--help", "run --help"};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        snprintf(cmd, sizeof cmd, "cd %s && %s %s >/dev/full 2>/dev/null", tmpdir, HR_CLI,
                 quiet[i]);
        raw = system(cmd);
        assert_true(WIFEXITED(raw));
        if (WEXITSTATUS(raw) != 1)
            fail_msg("headroom %s exits %d on a full stdout", quiet[i], WEXITSTATUS(raw));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_accepts_bundled_scenarios),
        cmocka_unit_test(test_validate_reports_position_and_exits_2),
        cmocka_unit_test(test_run_json_is_the_results_contract),
        cmocka_unit_test(test_run_prices_policies_against_the_oracle),
        cmocka_unit_test(test_same_seed_gives_identical_json),
        cmocka_unit_test(test_run_bundled_black_friday),
        cmocka_unit_test(test_decide_replays_an_hpa_manifest_over_observations),
        cmocka_unit_test(test_decide_worked_example_in_the_docs_is_what_it_prints),
        cmocka_unit_test(test_decide_runs_any_headroom_policy_mapping),
        cmocka_unit_test(test_decide_bad_rows_name_file_and_line),
        cmocka_unit_test(test_every_policy_kind_runs_together),
        cmocka_unit_test(test_run_bundled_k8s_checkout),
        cmocka_unit_test(test_every_bundled_scenario_runs_in_a_short_form),
        cmocka_unit_test(test_purchase_options_reach_the_database),
        cmocka_unit_test(test_tenants_reach_the_table_json_and_database),
        cmocka_unit_test(test_replication_alone_reproduces_the_batch),
        cmocka_unit_test(test_compare_runs_and_export_read_the_database),
        cmocka_unit_test(test_plot_draws_every_chart_in_every_format),
        cmocka_unit_test(test_report_writes_markdown_and_self_contained_html),
        cmocka_unit_test(test_warm_pool_reaches_the_json_and_database),
        cmocka_unit_test(test_curve_prints_the_knee_and_draws_it),
        cmocka_unit_test(test_plan_projects_months_and_draws_them),
        cmocka_unit_test(test_help_is_the_same_both_ways),
        cmocka_unit_test(test_run_beyond_reason_is_refused_before_it_starts),
        cmocka_unit_test(test_auto_fidelity_chooses_by_expected_requests_and_says_so),
        cmocka_unit_test(test_fluid_run_warns_where_it_does_not_agree),
        cmocka_unit_test(test_every_kind_runs_in_fluid_mode),
        cmocka_unit_test(test_endless_inputs_are_refused_without_reading_them_whole),
        cmocka_unit_test(test_bad_usage_exits_2),
        cmocka_unit_test(test_db_names_sqlite_would_read_specially_are_plain_files),
        cmocka_unit_test(test_damaged_database_is_refused_before_anything_is_written),
        cmocka_unit_test(test_a_locked_database_is_waited_for),
        cmocka_unit_test(test_two_writers_on_one_database_lose_nothing),
        cmocka_unit_test(test_ctrl_c_interrupts_the_batch_and_a_rerun_completes_it),
        cmocka_unit_test(test_unwritable_database_exits_1),
        cmocka_unit_test(test_unwritable_stdout_exits_1),
        cmocka_unit_test(test_run_bundled_scheduled_office_hours),
    };
    return cmocka_run_group_tests(tests, e2e_setup, e2e_teardown);
}
