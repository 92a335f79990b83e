/* main.c - `headroom <command> ...`: dispatch to one file per subcommand. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "headroom/duration.h"
#include "headroom/scenario.h"

static const char main_help[] =
    "usage: headroom <command> [options]\n"
    "\n"
    "Plays autoscaling policies against the same simulated traffic and compares\n"
    "what they cost and whether they hold the SLO.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       run every policy of a scenario, store results, print a table\n"
    "  sweep SCENARIO     run a scenario over a grid (or samples) of its values\n"
    "  validate FILE...   check scenario files without running them\n"
    "  decide             dry-run one policy (an HPA manifest) on recorded metrics\n"
    "  curve SCENARIO     load-test curve of one instance and its knee\n"
    "  plan SCENARIO      capacity plan month by month under a growth projection\n"
    "  compare            policies of a stored batch with confidence intervals\n"
    "  plot               the charts of a stored batch\n"
    "  report             the capacity review of a stored batch (markdown, HTML)\n"
    "  runs               the batches and runs in a results database\n"
    "  export             stored results as CSV or JSON\n"
    "  merge A.db ...     gather results databases (a sweep's shards) into one\n"
    "  help [COMMAND]     show this text, or a command's\n"
    "  version            print the version\n"
    "\n"
    "Exit status: 0 ok, 1 a run failed, 2 bad usage or input.\n"
    "See README.md and docs/ for the scenario format and the model.\n";

static const hr_command commands[] = {
    {"run", "run a scenario", hr_cli_run_help, hr_cli_run},
    {"sweep", "run a grid of scenario values", hr_cli_sweep_help, hr_cli_sweep},
    {"validate", "check scenario files", hr_cli_validate_help, hr_cli_validate},
    {"decide", "dry-run a policy over observations", hr_cli_decide_help, hr_cli_decide},
    {"curve", "load-test curve of one instance", hr_cli_curve_help, hr_cli_curve},
    {"plan", "capacity plan under growth", hr_cli_plan_help, hr_cli_plan},
    {"compare", "compare a stored batch's policies", hr_cli_compare_help, hr_cli_compare},
    {"plot", "chart a stored batch", hr_cli_plot_help, hr_cli_plot},
    {"report", "write the capacity review", hr_cli_report_help, hr_cli_report},
    {"runs", "list stored batches and runs", hr_cli_runs_help, hr_cli_runs},
    {"export", "export stored results", hr_cli_export_help, hr_cli_export},
    {"merge", "merge results databases", hr_cli_merge_help, hr_cli_merge},
};

static const hr_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int hr_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

int hr_cli_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("headroom: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

void hr_cli_print_warnings(const hr_scenario *sc)
{
    for (size_t i = 0; i < sc->n_warnings; i++)
        fprintf(stderr, "%s\n", sc->warnings[i]);
}

int hr_cli_parse_id(const char *opt, const char *text, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || text[0] < '1' || text[0] > '9' || *end || v <= 0)
        return hr_cli_fail(HR_EXIT_USAGE, "%s expects an id (a positive integer), got '%s'", opt, text);
    *id = v;
    return HR_EXIT_OK;
}

int hr_cli_seed_option(const char *val, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (*end || errno || val[0] < '0' || val[0] > '9')
        return hr_cli_fail(HR_EXIT_USAGE, "--seed expects an integer, got '%s'", val);
    *out = v;
    return HR_EXIT_OK;
}

bool hr_cli_duration_fits(const hr_scenario *sc, double d)
{
    char want[32], has[32];
    hr_duration_format(d, want, sizeof want);
    hr_duration_format(sc->duration_s, has, sizeof has);
    if (d > sc->duration_s) {
        hr_cli_fail(HR_EXIT_USAGE, "--duration %s is longer than the scenario (%s)", want, has);
        return false;
    }
    double ticks = d / sc->tick_s;
    if (fabs(ticks - nearbyint(ticks)) > 1e-9 * ticks) {
        hr_duration_format(sc->tick_s, has, sizeof has);
        hr_cli_fail(HR_EXIT_USAGE, "--duration %s is not a multiple of the tick (%s)", want, has);
        return false;
    }
    return true;
}

int hr_cli_flush_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return hr_cli_fail(HR_EXIT_FAILED, "cannot write the results to stdout: %s", strerror(errno));
    return HR_EXIT_OK;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; we check its status codes instead. */
    gsl_set_error_handler_off();

    /* help and version go to stdout, and fail like any output that
     * cannot be written (a closed pipe, a full disk) */
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(main_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HR_EXIT_USAGE : hr_cli_flush_stdout();
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("headroom %s\n", HEADROOM_VERSION);
        return hr_cli_flush_stdout();
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            fputs(main_help, stdout);
            return hr_cli_flush_stdout();
        }
        const hr_command *cmd = find_command(argv[2]);
        if (!cmd)
            return hr_cli_fail(HR_EXIT_USAGE, "no command '%s'; see 'headroom help'", argv[2]);
        fputs(cmd->help, stdout);
        return hr_cli_flush_stdout();
    }
    const hr_command *cmd = find_command(argv[1]);
    if (!cmd)
        return hr_cli_fail(HR_EXIT_USAGE, "'%s' is not a command; see 'headroom help'", argv[1]);
    if (hr_cli_wants_help(argc - 1, argv + 1)) {
        fputs(cmd->help, stdout);
        return hr_cli_flush_stdout();
    }
    return cmd->main(argc - 1, argv + 1);
}
