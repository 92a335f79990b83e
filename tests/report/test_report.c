/* test_report.c - folding runs per policy, the results-contract JSON (exact
 * bytes), the comparison table and the gnuplot chart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/report.h"

/* ---- helpers --------------------------------------------------------------- */

static hr_scenario make_scenario(void)
{
    hr_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.name = "checkout";
    sc.path = "scenarios/checkout.yaml";
    sc.text = "scenario: checkout\n";
    sc.slo.latency_p95_s = 0.3;
    return sc;
}

/* A run with the figures the report reads; the series (n rows) is malloc'd
 * so hr_run_result_free releases it like an engine result. */
static void make_run(hr_run_result *r, const char *policy, uint32_t replication, double cost,
                     bool slo_met, size_t n_series)
{
    memset(r, 0, sizeof *r);
    r->policy = strdup(policy);
    assert_non_null(r->policy);
    r->replication = replication;
    r->seed = 7;
    r->duration_s = 7200;
    r->series_step_s = 60;
    r->summary.cost = cost;
    r->summary.cost_per_million_requests = cost / 2;
    r->summary.requests = 2000000;
    r->summary.slo_met = slo_met;
    if (n_series) {
        r->series = calloc(n_series, sizeof *r->series);
        assert_non_null(r->series);
        r->n_series = n_series;
        for (size_t k = 0; k < n_series; k++) {
            r->series[k].time_s = 60.0 * (double)k;
            r->series[k].offered_rps = 500 + 300 * sin((double)k / 20.0) + replication;
            r->series[k].latency_p95_ms = 120 + 5 * (double)(k % 30) + replication;
            r->series[k].in_service = 4 + (int)(k / 40);
            r->series[k].warming = (int)(k % 3 == 0);
        }
    }
}

static void add_ok(hr_report *rep, hr_run_result *run)
{
    hr_error err = {0};
    /* a run id that says which run it was: 100 + 10 x replication + the
     * length of the policy's name (whatever order runs are added in) */
    int64_t id = 100 + 10 * (int64_t)run->replication + (int64_t)strlen(run->policy);
    int rc = hr_report_add(rep, run, id, &err);
    if (rc)
        fail_msg("hr_report_add: %s", err.msg);
}

/* Everything f prints, as a malloc'd string. */
typedef void (*printer)(const hr_report *, FILE *);
static char *capture(printer print, const hr_report *rep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    print(rep, fp);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

/* ---- folding --------------------------------------------------------------- */

static void test_add_takes_means_over_replications(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 2);
    hr_run_result a, b;
    make_run(&a, "cpu-70", 0, 10, true, 0);
    make_run(&b, "cpu-70", 1, 14, true, 0);
    a.summary.requests = 1000;
    b.summary.requests = 2001;
    a.summary.latency_p95_ms = 100;
    b.summary.latency_p95_ms = 300;
    a.summary.scaling_actions = 3;
    b.summary.scaling_actions = 4;
    a.summary.peak_instances = 10;
    b.summary.peak_instances = 12;
    add_ok(&rep, &a);
    add_ok(&rep, &b);

    assert_int_equal(rep.n_policies, 1);
    const hr_policy_summary *p = &rep.policies[0];
    assert_string_equal(p->name, "cpu-70");
    assert_int_equal(p->runs, 2);
    assert_true(p->cost == 12);
    assert_true(p->cost_per_million_requests == 6);
    assert_true(p->requests == 1500.5);
    assert_true(p->latency_p95_ms == 200);
    assert_true(p->scaling_actions == 3.5);
    assert_true(p->peak_instances == 11);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_report_free(&rep);
}

static void test_means_do_not_depend_on_the_order_runs_arrive_in(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    /* 0.1 + 0.2 + 0.3 rounds differently summed backwards. */
    const double costs[3] = {0.1, 0.2, 0.3};
    const uint32_t orders[2][3] = {{0, 1, 2}, {2, 1, 0}};
    double means[2];
    char *json[2];
    for (int o = 0; o < 2; o++) {
        hr_report rep;
        hr_report_init(&rep, &sc, 3);
        for (int i = 0; i < 3; i++) {
            uint32_t r = orders[o][i];
            hr_run_result run;
            make_run(&run, "cpu-70", r, costs[r], true, 0);
            add_ok(&rep, &run);
            hr_run_result_free(&run);
        }
        means[o] = rep.policies[0].cost;
        json[o] = capture(hr_report_print_json, &rep);
        hr_report_free(&rep);
    }
    assert_memory_equal(&means[0], &means[1], sizeof means[0]);
    assert_string_equal(json[0], json[1]);
    free(json[0]);
    free(json[1]);
}

static void test_slo_met_only_when_every_run_met_it(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 2);
    hr_run_result runs[4];
    make_run(&runs[0], "flaky", 0, 10, true, 0);
    make_run(&runs[1], "steady", 0, 10, true, 0);
    make_run(&runs[2], "flaky", 1, 10, false, 0);
    make_run(&runs[3], "steady", 1, 10, true, 0);
    for (int i = 0; i < 4; i++)
        add_ok(&rep, &runs[i]);
    assert_int_equal(rep.n_policies, 2);
    assert_string_equal(rep.policies[0].name, "flaky");
    assert_false(rep.policies[0].slo_met);
    assert_string_equal(rep.policies[1].name, "steady");
    assert_true(rep.policies[1].slo_met);
    for (int i = 0; i < 4; i++)
        hr_run_result_free(&runs[i]);
    hr_report_free(&rep);
}

static void test_report_keeps_its_own_copy_of_the_first_replications_series(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 2);
    hr_run_result r1, r0;
    make_run(&r1, "cpu-70", 1, 10, true, 5);
    make_run(&r0, "cpu-70", 0, 10, true, 4);
    r0.series_step_s = 30;
    add_ok(&rep, &r1); /* arrives first, but is not replication 0 */
    add_ok(&rep, &r0);
    hr_sample expect[4];
    memcpy(expect, r0.series, sizeof expect);
    hr_run_result_free(&r1);
    hr_run_result_free(&r0);

    const hr_policy_summary *p = &rep.policies[0];
    assert_int_equal(p->n_series, 4);
    assert_true(p->series_step_s == 30);
    assert_memory_equal(p->series, expect, sizeof expect);
    hr_report_free(&rep);
}

/* Without a chart to draw (without_series) the report keeps no time
 * series, so a batch of long runs does not hold one per policy; the means
 * are the same. */
static void test_report_without_series_keeps_only_the_figures(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 2);
    rep.without_series = true;
    hr_run_result r0, r1;
    make_run(&r0, "cpu-70", 0, 10, true, 400);
    make_run(&r1, "cpu-70", 1, 14, true, 400);
    add_ok(&rep, &r0);
    add_ok(&rep, &r1);
    hr_run_result_free(&r0);
    hr_run_result_free(&r1);
    const hr_policy_summary *p = &rep.policies[0];
    assert_int_equal(p->runs, 2);
    assert_float_equal(p->cost, 12, 1e-12);
    assert_null(p->series);
    assert_int_equal(p->n_series, 0);
    hr_report_free(&rep);
}

static void test_add_refuses_the_same_replication_twice(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result run;
    make_run(&run, "cpu-70", 0, 10, true, 0);
    add_ok(&rep, &run);
    hr_error err = {0};
    assert_int_equal(hr_report_add(&rep, &run, 0, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "cpu-70"));
    assert_int_equal(rep.policies[0].runs, 1);
    hr_run_result_free(&run);
    hr_report_free(&rep);
}

/* ---- JSON ------------------------------------------------------------------ */

static void fill_summary(hr_summary *m, double scale, bool met)
{
    m->cost = 10 * scale;
    m->cost_per_million_requests = 0.5 * scale;
    m->requests = (uint64_t)(1000000 * scale);
    m->errors = (uint64_t)(10 * scale);
    m->error_rate_pct = 0.001 * scale;
    m->latency_p50_ms = 40 * scale;
    m->latency_p95_ms = 180 * scale;
    m->latency_p99_ms = 350 * scale;
    m->mean_wait_ms = 3 * scale;
    m->wait_probability = 0.1 * scale;
    m->slo_violation_minutes = 5 * scale;
    m->slo_met = met;
    m->instance_hours = 8 * scale;
    m->scaling_actions = (int)(7 * scale);
    m->peak_instances = (int)(10 * scale);
}

static void test_json_prints_the_results_contract_exactly(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 2);
    hr_run_result a, b, c;
    make_run(&a, "cpu-70", 0, 0, true, 0);
    make_run(&b, "cpu-70", 1, 0, false, 0);
    make_run(&c, "static-6", 0, 0, true, 0);
    fill_summary(&a.summary, 1, true);
    fill_summary(&b.summary, 2, false);
    b.summary.requests = 2000001; /* mean 1500000.5 */
    fill_summary(&c.summary, 1, true);
    c.summary.cost_per_million_requests = NAN;  /* no finite value: null */
    c.summary.requests = 123456789012ULL;       /* integral: no exponent */
    c.summary.error_rate_pct = 1.0 / 3.0;       /* ten significant digits */
    c.summary.latency_p99_ms = -0.0;
    c.summary.mean_wait_ms = 2.5e-7;
    rep.batch_id = 7;
    add_ok(&rep, &a);   /* run id 106 */
    add_ok(&rep, &c);   /* 108 */
    add_ok(&rep, &b);   /* 116 */

    char *json = capture(hr_report_print_json, &rep);
    const char *expect =
        "{\n"
        "  \"scenario\": \"checkout\",\n"
        "  \"batch\": 7,\n"
        "  \"fidelity\": \"request\",\n"
        "  \"replications\": 2,\n"
        "  \"policies\": [\n"
        "    {\n"
        "      \"name\": \"cpu-70\",\n"
        "      \"runs\": 2,\n"
        "      \"per_replication\": [\n"
        "        {\"replication\": 0, \"run_id\": 106, \"cost\": 10, \"errors\": 10, "
        "\"error_rate_pct\": 0.001, \"latency_p95_ms\": 180, \"latency_p99_ms\": 350, "
        "\"slo_violation_minutes\": 5, \"instance_hours\": 8, \"peak_instances\": 10, "
        "\"forecast_mape_pct\": null, \"slo_met\": true},\n"
        "        {\"replication\": 1, \"run_id\": 116, \"cost\": 20, \"errors\": 20, "
        "\"error_rate_pct\": 0.002, \"latency_p95_ms\": 360, \"latency_p99_ms\": 700, "
        "\"slo_violation_minutes\": 10, \"instance_hours\": 16, \"peak_instances\": 20, "
        "\"forecast_mape_pct\": null, \"slo_met\": false}\n"
        "      ],\n"
        "      \"cost\": 15,\n"
        "      \"cost_per_million_requests\": 0.75,\n"
        "      \"cost_vs_oracle\": null,\n"
        "      \"requests\": 1500000.5,\n"
        "      \"errors\": 15,\n"
        "      \"error_rate_pct\": 0.0015,\n"
        "      \"latency_p50_ms\": 60,\n"
        "      \"latency_p95_ms\": 270,\n"
        "      \"latency_p99_ms\": 525,\n"
        "      \"mean_wait_ms\": 4.5,\n"
        "      \"wait_probability\": 0.15,\n"
        "      \"slo_violation_minutes\": 7.5,\n"
        "      \"slo_met\": false,\n"
        "      \"instance_hours\": 12,\n"
        "      \"scaling_actions\": 10.5,\n"
        "      \"peak_instances\": 15,\n"
        "      \"cost_on_demand\": 0,\n"
        "      \"cost_spot\": 0,\n"
        "      \"cost_reserved\": 0,\n"
        "      \"instance_hours_on_demand\": 0,\n"
        "      \"instance_hours_spot\": 0,\n"
        "      \"instance_hours_reserved\": 0,\n"
        "      \"spot_interruptions\": 0,\n"
        "      \"launch_failures\": 0,\n"
        "      \"quota_refusals\": 0,\n"
        "      \"outage_losses\": 0,\n"
        "      \"forecast_mape_pct\": null\n"
        "    },\n"
        "    {\n"
        "      \"name\": \"static-6\",\n"
        "      \"runs\": 1,\n"
        "      \"per_replication\": [\n"
        "        {\"replication\": 0, \"run_id\": 108, \"cost\": 10, \"errors\": 10, "
        "\"error_rate_pct\": 0.3333333333, \"latency_p95_ms\": 180, \"latency_p99_ms\": 0, "
        "\"slo_violation_minutes\": 5, \"instance_hours\": 8, \"peak_instances\": 10, "
        "\"forecast_mape_pct\": null, \"slo_met\": true}\n"
        "      ],\n"
        "      \"cost\": 10,\n"
        "      \"cost_per_million_requests\": null,\n"
        "      \"cost_vs_oracle\": null,\n"
        "      \"requests\": 123456789012,\n"
        "      \"errors\": 10,\n"
        "      \"error_rate_pct\": 0.3333333333,\n"
        "      \"latency_p50_ms\": 40,\n"
        "      \"latency_p95_ms\": 180,\n"
        "      \"latency_p99_ms\": 0,\n"
        "      \"mean_wait_ms\": 2.5e-07,\n"
        "      \"wait_probability\": 0.1,\n"
        "      \"slo_violation_minutes\": 5,\n"
        "      \"slo_met\": true,\n"
        "      \"instance_hours\": 8,\n"
        "      \"scaling_actions\": 7,\n"
        "      \"peak_instances\": 10,\n"
        "      \"cost_on_demand\": 0,\n"
        "      \"cost_spot\": 0,\n"
        "      \"cost_reserved\": 0,\n"
        "      \"instance_hours_on_demand\": 0,\n"
        "      \"instance_hours_spot\": 0,\n"
        "      \"instance_hours_reserved\": 0,\n"
        "      \"spot_interruptions\": 0,\n"
        "      \"launch_failures\": 0,\n"
        "      \"quota_refusals\": 0,\n"
        "      \"outage_losses\": 0,\n"
        "      \"forecast_mape_pct\": null\n"
        "    }\n"
        "  ],\n"
        "  \"recommended\": \"static-6\"\n"
        "}\n";
    assert_string_equal(json, expect);
    free(json);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_run_result_free(&c);
    hr_report_free(&rep);
}

static void test_json_escapes_names_and_handles_no_policies(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    sc.name = "a \"quoted\"\\name\n\t\x01";
    hr_report rep;
    hr_report_init(&rep, &sc, 0);
    char *json = capture(hr_report_print_json, &rep);
    assert_string_equal(json, "{\n"
                              "  \"scenario\": \"a \\\"quoted\\\"\\\\name\\n\\t\\u0001\",\n"
                              "  \"batch\": null,\n"
                              "  \"fidelity\": \"request\",\n"
                              "  \"replications\": 0,\n"
                              "  \"policies\": [],\n"
                              "  \"recommended\": null\n"
                              "}\n");
    free(json);
    hr_report_free(&rep);
}

/* ---- table ----------------------------------------------------------------- */

static void test_table_marks_the_cheapest_policy_that_meets_the_slo(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result runs[3];
    make_run(&runs[0], "cheap-but-slow", 0, 5, false, 0);
    make_run(&runs[1], "a-much-longer-policy-name", 0, 20, true, 0);
    make_run(&runs[2], "cpu-70", 0, 12.3456, true, 0);
    for (int i = 0; i < 3; i++)
        add_ok(&rep, &runs[i]);

    char *table = capture(hr_report_print_table, &rep);
    /* Header, one row per policy, then the verdict. */
    char *lines[8] = {0};
    int n = 0;
    for (char *save = NULL, *l = strtok_r(table, "\n", &save); l && n < 8;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    assert_int_equal(n, 5);
    assert_true(strncmp(lines[0], "policy", 6) == 0);
    const char *heads[] = {"cost", "$/Mreq", "p95 ms", "p99 ms", "err %", "SLO viol min",
                           "SLO", "inst-h", "actions", "peak"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        assert_non_null(strstr(lines[0], heads[i]));
    /* Aligned: every row as wide as the header. */
    for (int i = 1; i < 4; i++)
        assert_int_equal(strlen(lines[i]), strlen(lines[0]));
    assert_null(strstr(lines[0], "vs oracle")); /* no oracle, no column */
    assert_true(strncmp(lines[1], "cheap-but-slow ", 15) == 0);
    assert_non_null(strstr(lines[1], "MISSED"));
    assert_non_null(strstr(lines[3], "12.35"));
    assert_non_null(strstr(lines[3], " met "));
    assert_string_equal(lines[4], "best: cpu-70 (cheapest policy that meets the SLO in every run)");
    free(table);
    for (int i = 0; i < 3; i++)
        hr_run_result_free(&runs[i]);
    hr_report_free(&rep);
}

/* With an oracle among the scenario's policies: the "vs oracle" column,
 * cost_vs_oracle in the JSON, and the oracle never recommended (it is a
 * bound, not a candidate), even when it is the cheapest that met the SLO. */
static void test_table_and_json_measure_costs_against_the_oracle(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_policy_config cfgs[3] = {{.name = "fixed", .kind = HR_POLICY_STATIC},
                                {.name = "cpu-70", .kind = HR_POLICY_TARGET_TRACKING},
                                {.name = "best-possible", .kind = HR_POLICY_ORACLE}};
    sc.policies = cfgs;
    sc.n_policies = 3;
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result runs[3];
    make_run(&runs[0], "fixed", 0, 30, true, 0);
    make_run(&runs[1], "cpu-70", 0, 12, true, 0);
    make_run(&runs[2], "best-possible", 0, 8, true, 0);
    for (int i = 0; i < 3; i++)
        add_ok(&rep, &runs[i]);

    char *table = capture(hr_report_print_table, &rep);
    char *lines[8] = {0};
    int n = 0;
    for (char *save = NULL, *l = strtok_r(table, "\n", &save); l && n < 8;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    assert_int_equal(n, 5);
    assert_non_null(strstr(lines[0], "  cost  vs oracle  $/Mreq"));
    for (int i = 1; i < 4; i++)
        assert_int_equal(strlen(lines[i]), strlen(lines[0]));
    assert_non_null(strstr(lines[1], "30.00      3.75x"));
    assert_non_null(strstr(lines[2], "12.00      1.50x"));
    assert_non_null(strstr(lines[3], " 8.00      1.00x"));
    assert_string_equal(lines[4], "best: cpu-70 (cheapest policy that meets the SLO in every run), "
                                  "1.50x the oracle's cost");
    free(table);

    char *json = capture(hr_report_print_json, &rep);
    assert_non_null(strstr(json, "\"cost_vs_oracle\": 3.75,"));
    assert_non_null(strstr(json, "\"cost_vs_oracle\": 1.5,"));
    assert_non_null(strstr(json, "\"cost_vs_oracle\": 1,"));
    assert_non_null(strstr(json, "\"recommended\": \"cpu-70\""));
    free(json);
    assert_string_equal(hr_report_recommended(&rep)->name, "cpu-70");
    assert_string_equal(hr_report_oracle(&rep)->name, "best-possible");
    for (int i = 0; i < 3; i++)
        hr_run_result_free(&runs[i]);
    hr_report_free(&rep);
}

static void test_table_says_when_no_policy_meets_the_slo(void **state)
{
    (void)state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result run;
    make_run(&run, "cpu-70", 0, 5, false, 0);
    add_ok(&rep, &run);
    char *table = capture(hr_report_print_table, &rep);
    assert_non_null(strstr(table, "\nbest: none; no policy meets the SLO in every run\n"));
    free(table);
    hr_run_result_free(&run);
    hr_report_free(&rep);
}

/* ---- chart ----------------------------------------------------------------- */

typedef struct chart_fixture {
    char dir[64];    /* holds the PNG */
    char tmpdir[96]; /* TMPDIR for the chart's temporary files */
    char png[128];
    char *old_tmpdir;
} chart_fixture;

static int chart_setup(void **state)
{
    chart_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/hr-test-report-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->tmpdir, sizeof f->tmpdir, "%s/tmp", f->dir);
    snprintf(f->png, sizeof f->png, "%s/it's a chart.png", f->dir);
    if (mkdir(f->tmpdir, 0700) != 0)
        return -1;
    const char *old = getenv("TMPDIR");
    f->old_tmpdir = old ? strdup(old) : NULL;
    setenv("TMPDIR", f->tmpdir, 1);
    *state = f;
    return 0;
}

static int chart_teardown(void **state)
{
    chart_fixture *f = *state;
    if (f->old_tmpdir)
        setenv("TMPDIR", f->old_tmpdir, 1);
    else
        unsetenv("TMPDIR");
    free(f->old_tmpdir);
    unlink(f->png);
    rmdir(f->tmpdir);
    rmdir(f->dir);
    free(f);
    return 0;
}

static bool have_gnuplot(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static size_t entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_chart_writes_a_png_and_cleans_up(void **state)
{
    chart_fixture *f = *state;
    if (!have_gnuplot())
        skip();
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result a, b;
    make_run(&a, "cpu_70 'quoted'", 0, 10, true, 120);
    make_run(&b, "static-6", 0, 12, true, 120);
    add_ok(&rep, &a);
    add_ok(&rep, &b);
    hr_error err = {0};
    int rc = hr_report_chart(&rep, f->png, &err);
    if (rc)
        fail_msg("hr_report_chart: %s", err.msg);

    FILE *fp = fopen(f->png, "rb");
    assert_non_null(fp);
    unsigned char magic[8] = {0};
    assert_int_equal(fread(magic, 1, sizeof magic, fp), sizeof magic);
    fclose(fp);
    assert_memory_equal(magic, "\x89PNG\r\n\x1a\n", 8);
    struct stat sb;
    assert_int_equal(stat(f->png, &sb), 0);
    assert_true(sb.st_size > 1000);
    assert_int_equal(entries_in(f->tmpdir), 0);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_report_free(&rep);
}

static void test_chart_into_a_missing_directory_fails_with_gnuplots_reason(void **state)
{
    chart_fixture *f = *state;
    if (!have_gnuplot())
        skip();
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result a;
    make_run(&a, "cpu-70", 0, 10, true, 10);
    add_ok(&rep, &a);
    hr_error err = {0};
    char png[160];
    snprintf(png, sizeof png, "%s/no-such-dir/chart.png", f->dir);
    assert_int_equal(hr_report_chart(&rep, png, &err), HR_EIO);
    assert_non_null(strstr(err.msg, "gnuplot failed"));
    assert_int_equal(entries_in(f->tmpdir), 0);
    hr_run_result_free(&a);
    hr_report_free(&rep);
}

static void test_chart_without_gnuplot_says_how_to_get_it(void **state)
{
    chart_fixture *f = *state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result a;
    make_run(&a, "cpu-70", 0, 10, true, 10);
    add_ok(&rep, &a);
    char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "");
    assert_non_null(old_path);
    setenv("PATH", f->tmpdir, 1); /* an empty directory: no gnuplot */
    hr_error err = {0};
    int rc = hr_report_chart(&rep, f->png, &err);
    setenv("PATH", old_path, 1);
    free(old_path);
    assert_int_equal(rc, HR_EIO);
    assert_string_equal(err.msg, "gnuplot not found; install gnuplot-nox");
    hr_run_result_free(&a);
    hr_report_free(&rep);
}

/* Names and paths that would run commands if gnuplot or a shell read them
 * as code: the chart is drawn (in the format the extension asks for) and
 * nothing runs. The commands would create files in the chart's folder. */
static void test_chart_names_cannot_inject_commands(void **state)
{
    chart_fixture *f = *state;
    if (!have_gnuplot())
        skip();
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    hr_scenario sc = make_scenario();
    sc.name = "x'; system('touch INJ1'); print '";
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_run_result a, b, c;
    make_run(&a, "`touch INJ2`", 0, 10, true, 30);
    make_run(&b, "p'\nsystem('touch INJ3')\n'", 0, 10, true, 30);
    make_run(&c, "@x $(touch INJ4) \\ ''''; system('touch INJ8') #", 0, 10, true, 30);
    add_ok(&rep, &a);
    add_ok(&rep, &b);
    add_ok(&rep, &c);
    const struct {
        const char *name, *magic;
    } outs[] = {{"c`touch INJ5`'.svg", "<?xml"}, {"c$(touch INJ6).pdf", "%PDF"}, {"c;touch INJ7.png", "\x89PNG"}};
    for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
        hr_error err = {0};
        if (hr_report_chart(&rep, outs[k].name, &err))
            fail_msg("hr_report_chart(%s): %s", outs[k].name, err.msg);
        FILE *fp = fopen(outs[k].name, "rb");
        assert_non_null(fp);
        char head[8] = {0};
        assert_true(fread(head, 1, strlen(outs[k].magic), fp) == strlen(outs[k].magic));
        fclose(fp);
        assert_memory_equal(head, outs[k].magic, strlen(outs[k].magic));
        unlink(outs[k].name);
    }
    for (int k = 1; k <= 8; k++) {
        char name[16];
        snprintf(name, sizeof name, "INJ%d", k);
        if (access(name, F_OK) == 0)
            fail_msg("%s was created: a name ran a command", name);
    }
    assert_int_equal(chdir(cwd), 0);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_run_result_free(&c);
    hr_report_free(&rep);
}

static void test_chart_without_series_is_refused(void **state)
{
    chart_fixture *f = *state;
    hr_scenario sc = make_scenario();
    hr_report rep;
    hr_report_init(&rep, &sc, 1);
    hr_error err = {0};
    assert_int_equal(hr_report_chart(&rep, f->png, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "no time series"));
    hr_report_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_takes_means_over_replications),
        cmocka_unit_test(test_means_do_not_depend_on_the_order_runs_arrive_in),
        cmocka_unit_test(test_slo_met_only_when_every_run_met_it),
        cmocka_unit_test(test_report_keeps_its_own_copy_of_the_first_replications_series),
        cmocka_unit_test(test_report_without_series_keeps_only_the_figures),
        cmocka_unit_test(test_add_refuses_the_same_replication_twice),
        cmocka_unit_test(test_json_prints_the_results_contract_exactly),
        cmocka_unit_test(test_json_escapes_names_and_handles_no_policies),
        cmocka_unit_test(test_table_marks_the_cheapest_policy_that_meets_the_slo),
        cmocka_unit_test(test_table_says_when_no_policy_meets_the_slo),
        cmocka_unit_test(test_table_and_json_measure_costs_against_the_oracle),
        cmocka_unit_test_setup_teardown(test_chart_writes_a_png_and_cleans_up, chart_setup,
                                        chart_teardown),
        cmocka_unit_test_setup_teardown(
            test_chart_into_a_missing_directory_fails_with_gnuplots_reason, chart_setup,
            chart_teardown),
        cmocka_unit_test_setup_teardown(test_chart_without_gnuplot_says_how_to_get_it,
                                        chart_setup, chart_teardown),
        cmocka_unit_test_setup_teardown(test_chart_names_cannot_inject_commands, chart_setup,
                                        chart_teardown),
        cmocka_unit_test_setup_teardown(test_chart_without_series_is_refused, chart_setup,
                                        chart_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
