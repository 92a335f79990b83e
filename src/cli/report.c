/* report.c - `headroom report`: the capacity review of a stored batch as
 * report.md and a self-contained report.html (headroom/review.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "headroom/plot.h"
#include "headroom/review.h"
#include "headroom/store.h"

const char hr_cli_report_help[] =
    "usage: headroom report [--db FILE] [--batch ID | --scenario NAME] --out DIR\n"
    "\n"
    "Writes the capacity review of a stored batch (default: the newest) into DIR,\n"
    "created if missing: report.md and report.html, a single self-contained file\n"
    "(every chart embedded) to attach or mail. They hold the recommended policy\n"
    "and its margin over the next with its confidence interval, the comparison\n"
    "(headroom compare), every chart (headroom plot, also left in DIR as PNG),\n"
    "and each policy's worst SLO window with the decision-log lines around it.\n"
    "\n"
    "options:\n"
    "  --db FILE         results database (default results.db)\n"
    "  --batch ID        the batch (`headroom runs` lists them)\n"
    "  --scenario NAME   the newest batch of this scenario\n"
    "  --out DIR         where the report goes (required)\n"
    "  -h, --help        show this text\n";

int hr_cli_report(int argc, char **argv)
{
    const char *db = "results.db", *out = NULL, *scenario = NULL;
    int64_t batch = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val || a[0] != '-')
            return hr_cli_fail(HR_EXIT_USAGE, "report: unexpected '%s'; see 'headroom help report'", a);
        if (strcmp(a, "--db") == 0) {
            db = val;
        } else if (strcmp(a, "--batch") == 0) {
            if (hr_cli_parse_id(a, val, &batch))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--scenario") == 0) {
            scenario = val;
        } else if (strcmp(a, "--out") == 0) {
            out = val;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "report: unknown option %s; see 'headroom help report'", a);
        }
        i++;
    }
    if (!out)
        return hr_cli_fail(HR_EXIT_USAGE, "report needs --out DIR for report.md and report.html");
    if (batch > 0 && scenario)
        return hr_cli_fail(HR_EXIT_USAGE, "give --batch or --scenario, not both");
    const char *templates = hr_plot_templates();
    if (!templates)
        return hr_cli_fail(HR_EXIT_FAILED,
                           "cannot find the chart templates (plots/timeline.gp); set "
                           "HEADROOM_PLOTS to the plots/ folder of headroom's sources");
    hr_store *st;
    hr_error err;
    if (hr_store_open_existing(db, &st, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    int status = HR_EXIT_OK;
    if (hr_store_pick_batch(st, batch, scenario, &batch, &err))
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    else if (mkdir(out, 0777) != 0 && errno != EEXIST)
        status = hr_cli_fail(HR_EXIT_FAILED, "%s: cannot create the folder: %s", out, strerror(errno));
    else if (hr_review_write(st, batch, out, templates, &err))
        status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    else
        printf("%s/report.md\n%s/report.html\n", out, out);
    hr_store_close(st);
    int flushed = hr_cli_flush_stdout();
    return status ? status : flushed;
}
