/* compare.c - `headroom compare`: the policies of a stored batch with
 * confidence intervals, paired differences, elasticity, ranking and the
 * Pareto front (headroom/compare.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "headroom/compare.h"
#include "headroom/store.h"

const char hr_cli_compare_help[] =
    "usage: headroom compare [--db FILE] [--batch ID | --scenario NAME] [--json | --csv]\n"
    "\n"
    "Compares the policies of one stored batch (default: the newest; with\n"
    "--scenario, the newest of that scenario): each figure as a mean across\n"
    "replications with its 95% confidence interval (Student t); paired\n"
    "differences between policies (their runs of one replication saw the same\n"
    "traffic); the SPEC Research Group elasticity metrics of instances serving\n"
    "against demand; a ranking, the cost / SLO-violation Pareto front and the\n"
    "recommended policy with its margin over the next. docs/compare.md defines\n"
    "every figure. One replication gives means without intervals.\n"
    "\n"
    "options:\n"
    "  --db FILE         results database (default results.db)\n"
    "  --batch ID        the batch to compare (`headroom runs` lists them)\n"
    "  --scenario NAME   the newest batch of this scenario\n"
    "  --json            JSON: each figure {\"mean\": m, \"ci95\": [lo, hi], \"n\": n}\n"
    "  --csv             CSV: one row per policy (or pair) and figure\n"
    "  -h, --help        show this text\n";

int hr_cli_compare(int argc, char **argv)
{
    const char *db = "results.db", *scenario = NULL;
    int64_t batch = 0;
    bool json = false, csv = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--db") == 0 || strcmp(a, "--batch") == 0 || strcmp(a, "--scenario") == 0;
        if (takes && !val)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help compare'", a);
        if (strcmp(a, "--db") == 0)
            db = val;
        else if (strcmp(a, "--batch") == 0) {
            if (hr_cli_parse_id(a, val, &batch))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--scenario") == 0)
            scenario = val;
        else if (strcmp(a, "--json") == 0)
            json = true;
        else if (strcmp(a, "--csv") == 0)
            csv = true;
        else
            return hr_cli_fail(HR_EXIT_USAGE, "compare: unexpected '%s'; see 'headroom help compare'", a);
        if (takes)
            i++;
    }
    if (json && csv)
        return hr_cli_fail(HR_EXIT_USAGE, "give --json or --csv, not both");
    if (batch > 0 && scenario)
        return hr_cli_fail(HR_EXIT_USAGE, "give --batch or --scenario, not both");
    hr_store *st;
    hr_error err;
    if (hr_store_open_existing(db, &st, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    int status = HR_EXIT_OK;
    hr_comparison c;
    if (hr_store_pick_batch(st, batch, scenario, &batch, &err)) {
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    } else if (hr_compare_batch(st, batch, &c, &err)) {
        status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    } else {
        if (json)
            hr_compare_print_json(&c, stdout);
        else if (csv)
            hr_compare_print_csv(&c, stdout);
        else
            hr_compare_print_table(&c, stdout);
        hr_comparison_free(&c);
        status = hr_cli_flush_stdout();
    }
    hr_store_close(st);
    return status;
}
