/* merge.c - `headroom merge A.db B.db ... --into ALL.db`: results databases
 * (the shards of a sweep run by a batch scheduler) gathered into one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headroom/store.h"

const char hr_cli_merge_help[] =
    "usage: headroom merge A.db [B.db ...] --into ALL.db\n"
    "\n"
    "Copies every batch and run of the databases named (scenarios, batches and\n"
    "their events, runs with their series, decisions, tenants, violated SLO\n"
    "windows and sweep parameters) into ALL.db, creating it when needed. Each\n"
    "file is merged in one transaction. A batch or run ALL.db already holds\n"
    "(merged before) is not copied again, so merging the same file twice adds\n"
    "nothing. Every file must have the schema version of this headroom: open\n"
    "an older one once with it (`headroom runs --db FILE`) to migrate it.\n"
    "\n"
    "The shards of `headroom sweep --shard I/N` gathered this way hold the same\n"
    "runs as one sweep that ran every point (docs/sweep.md).\n"
    "\n"
    "options:\n"
    "  --into FILE   the database to merge into (required)\n"
    "  -h, --help    show this text\n"
    "\n"
    "Exit status: 0 ok, 1 a database could not be read or written, 2 bad usage.\n";

int hr_cli_merge(int argc, char **argv)
{
    const char *into = NULL;
    const char **from = calloc((size_t)argc, sizeof *from);
    size_t n = 0;
    if (!from)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--into") == 0) {
            if (i + 1 >= argc) {
                free(from);
                return hr_cli_fail(HR_EXIT_USAGE, "--into needs a value; see 'headroom help merge'");
            }
            into = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            free(from);
            return hr_cli_fail(HR_EXIT_USAGE, "unknown option %s; see 'headroom help merge'", argv[i]);
        } else {
            from[n++] = argv[i];
        }
    }
    if (!into || n == 0) {
        free(from);
        return hr_cli_fail(HR_EXIT_USAGE, "merge needs the databases to merge and --into FILE; "
                           "see 'headroom help merge'");
    }
    hr_store *st;
    hr_error err;
    if (hr_store_open(into, &st, &err)) {
        free(from);
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    }
    int status = HR_EXIT_OK;
    for (size_t i = 0; i < n && status == HR_EXIT_OK; i++) {
        hr_merge_counts c;
        if (hr_store_merge(st, from[i], &c, &err)) {
            status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
            break;
        }
        fprintf(stderr,
                "headroom: %s: %zu batch%s and %zu run%s merged into %s (%zu batch%s and %zu "
                "run%s were there already)\n",
                from[i], c.batches, c.batches == 1 ? "" : "es", c.runs, c.runs == 1 ? "" : "s",
                into, c.batches_kept, c.batches_kept == 1 ? "" : "es", c.runs_kept,
                c.runs_kept == 1 ? "" : "s");
    }
    hr_store_close(st);
    free(from);
    return status;
}
