/* plot.c - `headroom plot`: the capacity review's charts of a stored batch
 * (headroom/plot.h), with the gnuplot templates of plots/. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "headroom/plot.h"
#include "headroom/store.h"

const char hr_cli_plot_help[] =
    "usage: headroom plot [--db FILE] [--batch ID] [--run ID] --out DIR [--format png|svg|pdf]\n"
    "\n"
    "Draws the charts of a stored batch (default: the newest) into DIR, which is\n"
    "created if missing: a timeline per policy (load and demand against serving\n"
    "instances, instances by state with the scaling actions, latency against the\n"
    "SLO), latency per policy as small multiples, errors and cost over time, cost\n"
    "against SLO violation with 95% intervals and the Pareto front, a zoom on each\n"
    "scenario event, and each policy's spread across replications. The runs of\n"
    "one replication are drawn: the lowest, or the one of --run. Scenario events\n"
    "are shaded on every time axis. docs/plots.md shows and explains each chart.\n"
    "\n"
    "options:\n"
    "  --db FILE       results database (default results.db)\n"
    "  --batch ID      the batch to draw (`headroom runs` lists them)\n"
    "  --run ID        draw this run's replication\n"
    "  --out DIR       where the charts go (required)\n"
    "  --format F      png (default), svg or pdf\n"
    "  -h, --help      show this text\n"
    "\n"
    "The templates are read from $HEADROOM_PLOTS, the source tree's plots/, or the\n"
    "installed share/headroom/plots.\n";

int hr_cli_plot(int argc, char **argv)
{
    const char *db = "results.db", *out = NULL, *format = "png";
    int64_t batch = 0, run = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val || a[0] != '-')
            return hr_cli_fail(HR_EXIT_USAGE, "plot: unexpected '%s'; see 'headroom help plot'", a);
        if (strcmp(a, "--db") == 0) {
            db = val;
        } else if (strcmp(a, "--batch") == 0) {
            if (hr_cli_parse_id(a, val, &batch))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--run") == 0) {
            if (hr_cli_parse_id(a, val, &run))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--out") == 0) {
            out = val;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(val, "png") != 0 && strcmp(val, "svg") != 0 && strcmp(val, "pdf") != 0)
                return hr_cli_fail(HR_EXIT_USAGE, "--format expects png, svg or pdf, got '%s'", val);
            format = val;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "plot: unknown option %s; see 'headroom help plot'", a);
        }
        i++;
    }
    if (!out)
        return hr_cli_fail(HR_EXIT_USAGE, "plot needs --out DIR for the charts");
    const char *templates = hr_plot_templates();
    if (!templates)
        return hr_cli_fail(HR_EXIT_FAILED,
                           "cannot find the chart templates (plots/timeline.gp); set "
                           "HEADROOM_PLOTS to the plots/ folder of headroom's sources");
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return hr_cli_fail(HR_EXIT_FAILED, "%s: cannot create the folder: %s", out, strerror(errno));
    hr_store *st;
    hr_error err;
    if (hr_store_open_existing(db, &st, &err))
        return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    int status = HR_EXIT_OK;
    hr_plot_files files = {0};
    if (run > 0 && hr_store_run_batch(st, run, &batch, &err))
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    else if (run == 0 && hr_store_pick_batch(st, batch, NULL, &batch, &err))
        status = hr_cli_fail(HR_EXIT_USAGE, "%s", err.msg);
    else {
        hr_plot_spec spec = {.batch_id = batch, .run_id = run, .out_dir = out, .format = format,
                             .templates = templates};
        if (hr_plot_batch(st, &spec, &files, &err))
            status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
        for (size_t i = 0; i < files.n; i++)
            printf("%s\n", files.paths[i]);
        hr_plot_files_free(&files);
    }
    hr_store_close(st);
    int flushed = hr_cli_flush_stdout();
    return status ? status : flushed;
}
