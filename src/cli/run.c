/* run.c - `headroom run SCENARIO`: every candidate policy against every
 * replication, in parallel worker threads; results are stored and reported
 * in a fixed order (replication, then policy as listed), so the output does
 * not depend on which thread finished first. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jobs.h"
#include "headroom/duration.h"
#include "headroom/engine.h"
#include "headroom/report.h"
#include "headroom/scenario.h"
#include "headroom/store.h"
#include "headroom/traffic.h"

/* Above this many requests per run, warn that request mode will be slow;
 * above the second, refuse the run (hours per run at several million
 * requests a second). */
#define HR_CLI_LARGE_RUN_REQUESTS 2e9
#define HR_CLI_MAX_RUN_REQUESTS 2e10

const char hr_cli_run_help[] =
    "usage: headroom run SCENARIO [options]\n"
    "\n"
    "Runs every candidate policy of SCENARIO (or the ones named with --policy)\n"
    "against every replication. All policies of one replication see the same\n"
    "traffic and the same instance boot and failure draws. Each run is stored in\n"
    "the results database in its own transaction; the comparison table (or the\n"
    "JSON results contract) goes to stdout, progress and errors to stderr.\n"
    "Request mode simulates every request: a run expected to simulate more than\n"
    "2e9 requests gets a warning on stderr before it starts. Fluid mode advances\n"
    "each instance's queue tick by tick (docs/model.md); `fidelity: auto` takes it\n"
    "above 1e8 expected requests a run and says so on stderr (unless -q).\n"
    "\n"
    "options:\n"
    "  --policy NAME       run only this policy (repeatable)\n"
    "  --seed N            base seed instead of the scenario's `seed`\n"
    "  --replications N    replications instead of the scenario's `replications`\n"
    "  --replication N     run only replication N (0-based, as in the database's\n"
    "                      runs.replication): with the batch's --seed, the same\n"
    "                      results as that replication in the batch, bit for bit\n"
    "  --duration D        run only the first D of the scenario (a multiple of its tick):\n"
    "                      a quick look, or a smoke test of a long scenario\n"
    "  --fidelity MODE     request, fluid or auto instead of the scenario's `fidelity`\n"
    "  --db FILE           results database (default results.db)\n"
    "  --json              print the results contract as JSON instead of the table\n"
    "  --chart FILE        draw a timeline chart of the first replication (gnuplot;\n"
    "                      .png, .svg or .pdf by the extension)\n"
    "  --jobs N            runs in parallel (default: the number of CPUs)\n"
    "  -q, --quiet         no progress line (there is none when stderr is not a\n"
    "                      terminal either)\n"
    "  -h, --help          show this text\n"
    "\n"
    "Ctrl-C (or SIGTERM) abandons the runs in flight, marks the batch interrupted\n"
    "and exits 130 (143); a second Ctrl-C exits at once. The same command again\n"
    "completes the interrupted batch.\n"
    "\n"
    "Exit status: 0 ok, 1 a run or the database failed, 2 bad usage or input,\n"
    "130/143 interrupted.\n";

typedef struct run_options {
    const char *scenario_path;
    const char **policies;
    size_t n_policies;
    bool has_seed, has_replications, has_replication, has_fidelity, json, quiet;
    hr_fidelity fidelity;   /* --fidelity */
    uint32_t replication;   /* --replication */
    double duration_s;      /* > 0: run only the first duration_s of the scenario */
    uint64_t seed;
    int replications;
    const char *db_path;
    const char *chart_path;
    int jobs;
} run_options;

static int parse_uint(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    /* strtoull would skip spaces and take a sign: only digits are valid */
    if (errno || !isdigit((unsigned char)text[0]) || *end || v > max)
        return hr_cli_fail(HR_EXIT_USAGE, "%s expects an integer from 0 to %" PRIu64 ", got '%s'", opt,
                           max, text);
    *out = v;
    return HR_EXIT_OK;
}

static int parse_options(int argc, char **argv, run_options *o)
{
    *o = (run_options){.db_path = "results.db"};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (int)cpus : 1;
    o->policies = calloc((size_t)argc, sizeof *o->policies);
    if (!o->policies)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--policy") == 0 || strcmp(a, "--seed") == 0 ||
                     strcmp(a, "--replications") == 0 || strcmp(a, "--db") == 0 ||
                     strcmp(a, "--chart") == 0 || strcmp(a, "--jobs") == 0 ||
                     strcmp(a, "--duration") == 0 || strcmp(a, "--replication") == 0 ||
                     strcmp(a, "--fidelity") == 0;
        if (takes && !val)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help run'", a);
        uint64_t v;
        if (strcmp(a, "--policy") == 0) {
            o->policies[o->n_policies++] = val;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_uint(a, val, UINT64_MAX, &o->seed))
                return HR_EXIT_USAGE;
            o->has_seed = true;
        } else if (strcmp(a, "--replications") == 0) {
            if (parse_uint(a, val, 1000, &v))
                return HR_EXIT_USAGE;
            if (v == 0)
                return hr_cli_fail(HR_EXIT_USAGE, "--replications must be at least 1");
            o->replications = (int)v;
            o->has_replications = true;
        } else if (strcmp(a, "--replication") == 0) {
            if (parse_uint(a, val, 999999, &v))
                return HR_EXIT_USAGE;
            o->replication = (uint32_t)v;
            o->has_replication = true;
        } else if (strcmp(a, "--jobs") == 0) {
            if (parse_uint(a, val, 256, &v))
                return HR_EXIT_USAGE;
            o->jobs = v > 0 ? (int)v : 1;
        } else if (strcmp(a, "--duration") == 0) {
            if (hr_duration_parse(val, &o->duration_s) != HR_OK || !(o->duration_s > 0))
                return hr_cli_fail(HR_EXIT_USAGE, "--duration expects a duration like 2h, got '%s'",
                                   val);
        } else if (strcmp(a, "--fidelity") == 0) {
            if (strcmp(val, "request") == 0)
                o->fidelity = HR_FIDELITY_REQUEST;
            else if (strcmp(val, "fluid") == 0)
                o->fidelity = HR_FIDELITY_FLUID;
            else if (strcmp(val, "auto") == 0)
                o->fidelity = HR_FIDELITY_AUTO;
            else
                return hr_cli_fail(HR_EXIT_USAGE,
                                   "--fidelity expects request, fluid or auto, got '%s'", val);
            o->has_fidelity = true;
        } else if (strcmp(a, "--db") == 0) {
            o->db_path = val;
        } else if (strcmp(a, "--chart") == 0) {
            o->chart_path = val;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return hr_cli_fail(HR_EXIT_USAGE, "unknown option %s; see 'headroom help run'", a);
        } else if (!o->scenario_path) {
            o->scenario_path = a;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "run takes one scenario, got '%s' and '%s'",
                               o->scenario_path, a);
        }
        if (takes)
            i++;
    }
    if (!o->scenario_path)
        return hr_cli_fail(HR_EXIT_USAGE, "run needs a scenario file; see 'headroom help run'");
    return HR_EXIT_OK;
}

/* Select the policies to run: all, or those named (each must exist). */
static int select_policies(const hr_scenario *sc, const run_options *o, size_t *idx, size_t *n)
{
    *n = 0;
    if (o->n_policies == 0) {
        for (size_t p = 0; p < sc->n_policies; p++)
            idx[(*n)++] = p;
        return HR_EXIT_OK;
    }
    for (size_t k = 0; k < o->n_policies; k++) {
        int p = hr_scenario_find_policy(sc, o->policies[k]);
        if (p < 0) {
            char names[512] = "";
            for (size_t q = 0; q < sc->n_policies; q++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", q ? ", " : "", sc->policies[q].name);
            }
            return hr_cli_fail(HR_EXIT_USAGE, "%s has no policy '%s'; its policies are: %s", sc->path,
                               o->policies[k], names);
        }
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            dup |= idx[j] == (size_t)p;
        if (!dup)
            idx[(*n)++] = (size_t)p;
    }
    return HR_EXIT_OK;
}

/* What run_all's callback needs to store and report each run. */
typedef struct collector {
    hr_store *st;
    int64_t batch;
    const hr_scenario *sc;
    hr_report *rep;
    int status;
} collector;

/* Store and report one finished run (hr_job_consume). */
static int consume(void *ctx, hr_job *it)
{
    collector *c = ctx;
    hr_error err;
    if (it->rc != HR_OK) {
        fprintf(stderr, "headroom: run of policy %s, replication %u failed: %s\n",
                c->sc->policies[it->spec.policy_index].name, it->spec.replication + 1, it->err.msg);
        c->status = HR_EXIT_FAILED;
        return 0;
    }
    int64_t run_id = it->stored_id;
    if (c->status == HR_EXIT_OK &&
        ((run_id == 0 && hr_store_write_run(c->st, c->batch, c->sc, &it->result, &run_id, &err)) ||
         hr_report_add(c->rep, &it->result, run_id, &err))) {
        fprintf(stderr, "headroom: %s\n", err.msg);
        c->status = HR_EXIT_FAILED;
        return 1;
    }
    return 0;
}

/* A run's work in requests' worth, the unit of HR_CLI_*_RUN_REQUESTS: each
 * request, plus what grows with the fleet: a least-outstanding balancer
 * scans the fleet at each arrival, about one request's cost per 120
 * instances (measured: 600,000 requests on 10,000 instances take 15 s, and
 * 0.19 s with two_choices), and each tick visits every instance (counted as
 * one request per 60, generously). */
static double run_work(const hr_scenario *sc, double requests, hr_fidelity fidelity)
{
    double fleet = sc->fleet.max, ticks = sc->duration_s / sc->tick_s;
    /* fluid mode: each tick advances every instance's queue (a few
     * requests' worth per 10 instances) and samples latencies (ten) */
    if (fidelity == HR_FIDELITY_FLUID)
        return ticks * (10.0 + fleet / 10.0);
    double total = requests + ticks * fleet / 60.0;
    if (sc->fleet.load_balancer == HR_LB_LEAST_OUTSTANDING)
        total += requests * fleet / 120.0;
    return total;
}

/* Request mode simulates every request: say up front what a run will
 * take (about `requests` each, `work` in requests' worth), and warn when it
 * is very large. */
static void announce(double requests, double effort, int fleet_max, size_t runs, bool quiet)
{
    if (effort > HR_CLI_LARGE_RUN_REQUESTS && effort > 2 * requests)
        fprintf(stderr,
                "headroom: warning: each run simulates about %.3g requests one by one on up to "
                "%d instances, the work of %.3g requests (request mode does roughly 5 "
                "million a second per core); for fleets of thousands use load_balancer: "
                "two_choices, which does not scan the fleet per request\n",
                requests, fleet_max, effort);
    else if (requests > HR_CLI_LARGE_RUN_REQUESTS)
        fprintf(stderr,
                "headroom: warning: each run simulates about %.3g requests one by one "
                "(request mode does roughly 5 million a second per core); fidelity: fluid "
                "(or auto) gives the answer in seconds\n",
                requests);
    else if (!quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "headroom: %zu run%s of about %.3g requests each\n", runs,
                runs == 1 ? "" : "s", requests);
}

/* The items an interrupted batch already stored (by policy name and
 * replication): they get their run id and are not stored again; *n_kept
 * counts them. */
static int mark_stored(hr_store *st, int64_t batch, const hr_scenario *sc, hr_job *items,
                       size_t n_items, size_t *n_kept, hr_error *err)
{
    hr_stored_run *runs = NULL;
    size_t n = 0;
    int rc = hr_store_runs(st, batch, &runs, &n, err);
    if (rc)
        return rc;
    *n_kept = 0;
    for (size_t i = 0; i < n_items; i++) {
        hr_job *it = &items[i];
        const char *name = sc->policies[it->spec.policy_index].name;
        for (size_t k = 0; k < n; k++)
            if (runs[k].replication == it->spec.replication && strcmp(runs[k].policy, name) == 0) {
                it->stored_id = runs[k].id;
                (*n_kept)++;
            }
    }
    hr_stored_runs_free(runs, n);
    return HR_OK;
}

int hr_cli_run_size(const hr_scenario *sc, double *requests, double *effort,
                    hr_fidelity *fidelity)
{
    *fidelity = hr_engine_fidelity(sc, requests);
    *effort = run_work(sc, *requests, *fidelity);
    if (*fidelity == HR_FIDELITY_REQUEST && !(*requests <= HR_CLI_MAX_RUN_REQUESTS))
        return hr_cli_fail(HR_EXIT_USAGE,
                           "%s: each run would simulate about %.3g requests one by one, more than "
                           "the %.0e a run may take (hours per run); use fidelity: fluid (or auto), "
                           "shorten the duration, or lower the rates",
                           sc->path, *requests, HR_CLI_MAX_RUN_REQUESTS);
    if (!(*effort <= HR_CLI_MAX_RUN_REQUESTS))
        return hr_cli_fail(HR_EXIT_USAGE,
                           "%s: each run would do the work of about %.3g requests (%.3g requests "
                           "on up to %d instances), more than the %.0e a run may take (hours per "
                           "run); use load_balancer: two_choices for a fleet this large, "
                           "fidelity: fluid, a coarser tick, or a smaller fleet.max",
                           sc->path, *effort, *requests, sc->fleet.max, HR_CLI_MAX_RUN_REQUESTS);
    return HR_EXIT_OK;
}

static int run_all(const hr_scenario *sc, const run_options *o, const char *command)
{
    uint64_t seed = o->has_seed ? o->seed : sc->seed;
    int reps = o->has_replications ? o->replications : sc->replications;
    uint32_t first = 0;
    if (o->has_replication) {
        if (o->has_replications)
            return hr_cli_fail(HR_EXIT_USAGE, "--replication runs one replication; drop --replications");
        first = o->replication;
        reps = 1;
    }
    double requests, effort;
    hr_fidelity fidelity;
    int sized = hr_cli_run_size(sc, &requests, &effort, &fidelity);
    if (sized != HR_EXIT_OK)
        return sized;
    if (sc->fidelity == HR_FIDELITY_AUTO && !o->quiet)
        fprintf(stderr,
                "headroom: fidelity auto: %s mode (about %.3g requests per run; request mode "
                "takes them one by one up to %.0e)\n",
                hr_fidelity_name(fidelity), requests, HR_FIDELITY_AUTO_REQUESTS);
    char caveat[512];
    if (fidelity == HR_FIDELITY_FLUID && hr_engine_fluid_caveat(sc, caveat, sizeof caveat))
        fprintf(stderr, "headroom: warning: %s: fluid mode: %s\n", sc->path, caveat);
    size_t *idx = malloc(sc->n_policies * sizeof *idx), n_sel;
    if (!idx)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    int status = select_policies(sc, o, idx, &n_sel);
    if (status) {
        free(idx);
        return status;
    }

    size_t n_items = (size_t)reps * n_sel;
    hr_job *items = calloc(n_items, sizeof *items);
    if (!items) {
        free(idx);
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    }
    for (int r = 0; r < reps; r++)
        for (size_t k = 0; k < n_sel; k++)
            items[(size_t)r * n_sel + k].spec =
                (hr_run_spec){.scenario = sc, .policy_index = idx[k], .seed = seed,
                             .replication = first + (uint32_t)r};
    free(idx);

    hr_store *st = NULL;
    hr_error err;
    int64_t batch = 0;
    /* the same command after a Ctrl-C completes the batch it interrupted */
    size_t n_kept = 0;
    int rc = hr_store_open(o->db_path, &st, &err);
    if (rc == HR_OK)
        rc = hr_store_resume_batch(st, sc, seed, reps, command, &batch, &err);
    bool resumed = batch > 0;
    if (rc == HR_OK)
        rc = resumed ? mark_stored(st, batch, sc, items, n_items, &n_kept, &err)
                     : hr_store_begin_batch(st, sc, seed, reps, command, &batch, &err);
    if (rc != HR_OK) {
        hr_store_close(st);
        free(items);
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    }
    if (resumed)
        fprintf(stderr,
                "headroom: completing interrupted batch %" PRId64 " in %s: %zu of %zu runs are "
                "stored; the others run now (the stored ones run again for the table, "
                "unstored)\n",
                batch, o->db_path, n_kept, n_items);

    if (fidelity == HR_FIDELITY_REQUEST)
        announce(requests, effort, sc->fleet.max, n_items, o->quiet);
    hr_report rep;
    hr_report_init(&rep, sc, reps);
    rep.without_series = o->chart_path == NULL; /* only a chart reads them */
    rep.batch_id = batch;
    collector c = {.st = st, .batch = batch, .sc = sc, .rep = &rep, .status = HR_EXIT_OK};
    hr_jobs_options jo = {.threads = o->jobs, .show_progress = !o->quiet && isatty(STDERR_FILENO),
                          .unit = "runs", .consume = consume, .ctx = &c};
    hr_jobs_signals saved;
    hr_jobs_catch_signals(&saved);
    n_kept = hr_jobs_run(items, n_items, &jo);
    hr_jobs_release_signals(&saved);
    status = c.status;
    if (n_kept == (size_t)-1) {
        status = hr_cli_fail(HR_EXIT_FAILED, "cannot start worker threads");
        n_kept = 0;
    }
    free(items);

    int sig = hr_jobs_stop_signal();
    if (sig && status == HR_EXIT_OK && n_kept < n_items) {
        if (hr_store_end_batch(st, batch, "interrupted", &err))
            fprintf(stderr, "headroom: %s\n", err.msg);
        fprintf(stderr,
                "headroom: interrupted (%s): %zu of %zu runs are stored in %s (batch %" PRId64
                "), the runs in flight were abandoned; run the same command again to complete "
                "the batch\n",
                sig == SIGINT ? "Ctrl-C" : "SIGTERM", n_kept, n_items, o->db_path, batch);
        hr_store_close(st);
        hr_report_free(&rep);
        return 128 + sig;
    }
    if (hr_store_end_batch(st, batch, status == HR_EXIT_OK ? "ok" : "failed", &err) && status == HR_EXIT_OK)
        status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    hr_store_close(st);

    if (status == HR_EXIT_OK) {
        if (o->json)
            hr_report_print_json(&rep, stdout);
        else
            hr_report_print_table(&rep, stdout);
        if (o->chart_path && hr_report_chart(&rep, o->chart_path, &err))
            status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
        else if (o->chart_path)
            fprintf(stderr, "headroom: chart written to %s\n", o->chart_path);
        if (!o->json)
            fprintf(stderr,
                    "headroom: results stored in %s (batch %" PRId64 "); `headroom compare --db %s` "
                    "gives the intervals, `headroom report --db %s --out DIR` the review\n",
                    o->db_path, batch, o->db_path, o->db_path);
        if (hr_cli_flush_stdout() != HR_EXIT_OK)
            status = HR_EXIT_FAILED;
    }
    hr_report_free(&rep);
    return status;
}

int hr_cli_run(int argc, char **argv)
{
    run_options o;
    int status = parse_options(argc, argv, &o);
    if (status == HR_EXIT_OK) {
        hr_scenario sc;
        hr_error err;
        int rc = hr_scenario_load(o.scenario_path, &sc, &err);
        if (rc != HR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            /* a scenario that cannot be read is bad input too */
            status = rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
        } else if (o.duration_s > 0 && !hr_cli_duration_fits(&sc, o.duration_s)) {
            status = HR_EXIT_USAGE;
            hr_scenario_free(&sc);
        } else {
            if (o.duration_s > 0)
                sc.duration_s = o.duration_s;
            if (o.has_fidelity)
                sc.fidelity = o.fidelity;
            hr_cli_print_warnings(&sc);
            char command[1024] = "headroom";
            for (int i = 0; i < argc; i++) {
                size_t len = strlen(command);
                snprintf(command + len, sizeof command - len, " %s", argv[i]);
            }
            status = run_all(&sc, &o, command);
            hr_scenario_free(&sc);
        }
    }
    free(o.policies);
    return status;
}
