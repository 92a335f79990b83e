/* export.c - `headroom export`: a table of the results database as CSV or
 * JSON, for one run or every run of a batch. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "headroom/store.h"

const char hr_cli_export_help[] =
    "usage: headroom export [--db FILE] [--batch ID | --run ID]\n"
    "                       [--what summary|series|decisions|windows|params] [--format csv|json]\n"
    "\n"
    "Writes stored results to stdout: summary (one row per run, every figure),\n"
    "series (the time series), decisions (the decision log) or windows (the SLO\n"
    "windows that were violated, and what broke) or params (the values a\n"
    "`headroom sweep` set for each run). Rows of every run of the batch\n"
    "(default: the newest), or of one run. Every row names its policy and\n"
    "replication. CSV has a header row; JSON is an array of objects. Column\n"
    "meanings: docs/results.md.\n"
    "\n"
    "options:\n"
    "  --db FILE       results database (default results.db)\n"
    "  --batch ID      a batch (`headroom runs` lists them)\n"
    "  --run ID        one run (`headroom runs --batch ID` lists them)\n"
    "  --what TABLE    summary (default), series, decisions, windows or params\n"
    "  --format F      csv (default) or json\n"
    "  -h, --help      show this text\n";

int hr_cli_export(int argc, char **argv)
{
    const char *db = "results.db";
    int64_t batch = 0, run = 0;
    hr_export_what what = HR_EXPORT_SUMMARY;
    bool json = false;
    static const char *const whats[] = {"summary", "series", "decisions", "windows", "params"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val || a[0] != '-')
            return hr_cli_fail(HR_EXIT_USAGE, "export: unexpected '%s'; see 'headroom help export'", a);
        if (strcmp(a, "--db") == 0) {
            db = val;
        } else if (strcmp(a, "--batch") == 0) {
            if (hr_cli_parse_id(a, val, &batch))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--run") == 0) {
            if (hr_cli_parse_id(a, val, &run))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--what") == 0) {
            size_t k = 0;
            while (k < 5 && strcmp(val, whats[k]) != 0)
                k++;
            if (k == 5)
                return hr_cli_fail(HR_EXIT_USAGE,
                                   "--what expects summary, series, decisions, windows or params, got '%s'", val);
            what = (hr_export_what)k;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(val, "csv") != 0 && strcmp(val, "json") != 0)
                return hr_cli_fail(HR_EXIT_USAGE, "--format expects csv or json, got '%s'", val);
            json = strcmp(val, "json") == 0;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "export: unknown option %s; see 'headroom help export'", a);
        }
        i++;
    }
    if (batch > 0 && run > 0)
        return hr_cli_fail(HR_EXIT_USAGE, "give --batch or --run, not both");
    hr_store *st;
    hr_error err;
    if (hr_store_open_existing(db, &st, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    int status = HR_EXIT_OK;
    if (run == 0 && hr_store_pick_batch(st, batch, NULL, &batch, &err))
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    else if (run > 0 && hr_store_run_batch(st, run, &batch, &err))
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    else if (hr_store_export(st, what, batch, run, json, stdout, &err))
        status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    hr_store_close(st);
    if (status == HR_EXIT_OK)
        status = hr_cli_flush_stdout();
    return status;
}
