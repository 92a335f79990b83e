/* fuzz_scenario.c - libFuzzer target: a scenario file's text through the
 * whole loader (hr_scenario_load_string). Any input must load or fail with
 * a message; never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>

#include "headroom/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_scenario sc;
    hr_error err;
    /* relative files (a trace, a manifest) resolve against the corpus folder */
    if (hr_scenario_load_string("tests/fuzz/corpus/scenario/x.yaml", (const char *)data, size, &sc,
                                &err) == 0)
        hr_scenario_free(&sc);
    return 0;
}
