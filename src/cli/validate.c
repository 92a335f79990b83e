/* validate.c - `headroom validate FILE...`: load and check scenarios. */
#include <stdio.h>

#include "cli.h"
#include "headroom/scenario.h"

const char hr_cli_validate_help[] =
    "usage: headroom validate FILE...\n"
    "\n"
    "Checks each scenario file without running it: YAML syntax, every key and\n"
    "value, cross-references. Prints 'FILE: ok (N policies)' on stdout for a\n"
    "good file and 'FILE:LINE:COLUMN: key: what is wrong; what would be right'\n"
    "on stderr for a bad one. All files are checked. What is valid but likely\n"
    "a mistake (an event after the end of the run) is a warning on stderr,\n"
    "'FILE:LINE:COLUMN: key: warning: ...', and does not fail the file.\n"
    "\n"
    "Exit status: 0 all files are valid, 2 at least one is not, 1 out of memory\n"
    "or stdout could not be written.\n";

int hr_cli_validate(int argc, char **argv)
{
    if (argc < 2)
        return hr_cli_fail(HR_EXIT_USAGE, "validate needs at least one scenario file; see 'headroom help validate'");
    int status = HR_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        hr_scenario sc;
        hr_error err;
        int rc = hr_scenario_load(argv[i], &sc, &err);
        if (rc != HR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            if (status == HR_EXIT_OK || rc == HR_ENOMEM)
                status = rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
            continue;
        }
        hr_cli_print_warnings(&sc);
        printf("%s: ok (%zu %s)\n", argv[i], sc.n_policies, sc.n_policies == 1 ? "policy" : "policies");
        hr_scenario_free(&sc);
    }
    if (hr_cli_flush_stdout() != HR_EXIT_OK)
        status = HR_EXIT_FAILED;
    return status;
}
