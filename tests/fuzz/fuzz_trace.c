/* fuzz_trace.c - libFuzzer target: a trace CSV (time_s,requests_per_s)
 * through hr_trace_load, as traffic.replay reads it. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_file.h"
#include "headroom/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".csv");
    if (path == NULL)
        return 0;
    hr_replay_config t;
    hr_error err;
    if (hr_trace_load(path, &t, &err) == 0)
        hr_trace_free(&t);
    return 0;
}
