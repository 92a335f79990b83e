/* fuzz_observations.c - libFuzzer target: an observations CSV through
 * `headroom decide --policy <an HPA manifest> --observations FILE --reasons`
 * (the CLI's own reader, linked in with its main renamed). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_file.h"

int hr_cli_decide(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* what decide prints is not the point (its messages on stderr are left,
     * as libFuzzer reports there too; run with -close_fd_mask=2 to hide them) */
    return freopen("/dev/null", "w", stdout) == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".csv");
    if (path == NULL)
        return 0;
    char *argv[] = {"decide", "--policy", "scenarios/k8s/checkout-hpa.yaml", "--observations",
                    (char *)path, "--reasons", NULL};
    hr_cli_decide(6, argv);
    return 0;
}
