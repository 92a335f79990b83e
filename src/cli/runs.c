/* runs.c - `headroom runs --db FILE`: what the results database holds,
 * batches newest first with their runs, so nobody needs SQL to find an id. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "headroom/store.h"

const char hr_cli_runs_help[] =
    "usage: headroom runs [--db FILE] [--batch ID]\n"
    "\n"
    "Lists the batches in the results database, newest first: id, scenario,\n"
    "seed, replications, status, when, and the command that made it. With\n"
    "--batch ID, lists that batch's runs instead: run id, policy, replication,\n"
    "replication seed, cost, p95, errors and the SLO verdict (and, for a\n"
    "batch of `headroom sweep`, the parameters of its point); rerun one with\n"
    "`headroom run SCENARIO --seed SEED --replication N`.\n"
    "\n"
    "options:\n"
    "  --db FILE     results database (default results.db)\n"
    "  --batch ID    the runs of one batch\n"
    "  -h, --help    show this text\n";

static int list_batches(hr_store *st)
{
    hr_stored_batch *b;
    size_t n;
    hr_error err;
    if (hr_store_batches(st, &b, &n, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    printf("%6s  %-24s %20s %5s %5s  %-8s  %-20s  %s\n", "batch", "scenario", "seed", "reps", "runs",
           "status", "started", "command");
    for (size_t i = 0; i < n; i++)
        printf("%6" PRId64 "  %-24s %20" PRIu64 " %5d %5d  %-8s  %-20s  %s\n", b[i].id,
               b[i].scenario ? b[i].scenario : "?", b[i].seed, b[i].replications, b[i].runs,
               b[i].status ? b[i].status : "?", b[i].started_at ? b[i].started_at : "",
               b[i].command ? b[i].command : "");
    if (n == 0)
        printf("(no batches yet)\n");
    hr_stored_batches_free(b, n);
    return hr_cli_flush_stdout();
}

static int list_runs(hr_store *st, int64_t batch)
{
    hr_error err;
    int64_t id;
    hr_stored_run *r;
    size_t n;
    if (hr_store_pick_batch(st, batch, NULL, &id, &err) || hr_store_runs(st, id, &r, &n, &err))
        return hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    /* a sweep's runs: their parameters too (the same for every run of a
     * batch, as a sweep stores one point per batch) */
    hr_run_param *params = NULL;
    size_t n_params = 0;
    if (n > 0 && hr_store_run_params(st, r[0].id, &params, &n_params, &err)) {
        hr_stored_runs_free(r, n);
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    }
    printf("%6s  %-20s %4s %20s %20s %12s %9s %10s  %s%s\n", "run", "policy", "rep", "seed",
           "replication seed", "cost", "p95 ms", "errors", "SLO", n_params ? "     params" : "");
    for (size_t i = 0; i < n; i++) {
        printf("%6" PRId64 "  %-20s %4" PRIu32 " %20" PRIu64 " %20" PRIu64 " %12.2f %9.1f %10" PRIu64
               "  %-*s",
               r[i].id, r[i].policy, r[i].replication, r[i].seed, r[i].replication_seed,
               r[i].summary.cost, r[i].summary.latency_p95_ms, r[i].summary.errors,
               n_params ? 6 : 0, r[i].summary.slo_met ? "met" : "MISSED");
        for (size_t k = 0; k < n_params; k++)
            printf(" %s=%s", params[k].name, params[k].value);
        printf("\n");
    }
    hr_run_params_free(params, n_params);
    hr_stored_runs_free(r, n);
    return hr_cli_flush_stdout();
}

int hr_cli_runs(int argc, char **argv)
{
    const char *db = "results.db";
    int64_t batch = 0;
    for (int i = 1; i < argc; i++) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--db") == 0 && val) {
            db = val;
            i++;
        } else if (strcmp(argv[i], "--batch") == 0 && val) {
            if (hr_cli_parse_id("--batch", val, &batch))
                return HR_EXIT_USAGE;
            i++;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "runs: unexpected '%s'; see 'headroom help runs'", argv[i]);
        }
    }
    hr_store *st;
    hr_error err;
    if (hr_store_open_existing(db, &st, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    int status = batch > 0 ? list_runs(st, batch) : list_batches(st);
    hr_store_close(st);
    return status;
}
