/* cli.h - the subcommands of the headroom command (internal to src/cli). */
#ifndef HEADROOM_CLI_H
#define HEADROOM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "headroom/scenario.h"

/* Exit statuses: 0 ok, 1 the run failed, 2 bad usage or input. */
enum { HR_EXIT_OK = 0, HR_EXIT_FAILED = 1, HR_EXIT_USAGE = 2 };

typedef struct hr_command {
    const char *name;
    const char *summary;
    const char *help;   /* the full text of `headroom help NAME` */
    int (*main)(int argc, char **argv);
} hr_command;

int hr_cli_run(int argc, char **argv);
int hr_cli_validate(int argc, char **argv);
int hr_cli_decide(int argc, char **argv);
int hr_cli_curve(int argc, char **argv);
int hr_cli_plan(int argc, char **argv);
int hr_cli_runs(int argc, char **argv);
int hr_cli_export(int argc, char **argv);
int hr_cli_compare(int argc, char **argv);
int hr_cli_plot(int argc, char **argv);
int hr_cli_report(int argc, char **argv);
int hr_cli_sweep(int argc, char **argv);
int hr_cli_merge(int argc, char **argv);

extern const char hr_cli_run_help[];
extern const char hr_cli_validate_help[];
extern const char hr_cli_decide_help[];
extern const char hr_cli_curve_help[];
extern const char hr_cli_plan_help[];
extern const char hr_cli_runs_help[];
extern const char hr_cli_export_help[];
extern const char hr_cli_compare_help[];
extern const char hr_cli_plot_help[];
extern const char hr_cli_report_help[];
extern const char hr_cli_sweep_help[];
extern const char hr_cli_merge_help[];

/* Parse a database id (a positive integer) given to option opt; prints the
 * error and returns HR_EXIT_USAGE when it is not one. */
int hr_cli_parse_id(const char *opt, const char *text, int64_t *id);

/* True when argv holds -h or --help. */
int hr_cli_wants_help(int argc, char **argv);

/* Flush stdout and report a write error (a full disk, a closed pipe): the
 * results a script reads must not be silently cut short. Returns
 * HR_EXIT_OK or HR_EXIT_FAILED. */
int hr_cli_flush_stdout(void);

/* Print the scenario's warnings to stderr, one a line. */
struct hr_scenario;
void hr_cli_print_warnings(const struct hr_scenario *sc);

/* Print "headroom: " and the message to stderr; returns status. */
int hr_cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --duration D shortens a run: D must not exceed sc's duration and must be
 * a whole number of ticks; else the usage error is printed and false
 * returned. */
bool hr_cli_duration_fits(const struct hr_scenario *sc, double d);

/* How large one run of sc is (run.c): its fidelity (auto resolved), the
 * requests it is expected to simulate and its work in requests' worth;
 * HR_EXIT_USAGE, with the message printed, for a run beyond reason (hours
 * of request mode). */
int hr_cli_run_size(const hr_scenario *sc, double *requests, double *effort,
                    hr_fidelity *fidelity);

/* --seed N: digits only, into *out; else the usage error (HR_EXIT_USAGE). */
int hr_cli_seed_option(const char *val, uint64_t *out);

#endif
