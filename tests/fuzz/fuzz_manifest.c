/* fuzz_manifest.c - libFuzzer target: a policy file (a Kubernetes
 * HorizontalPodAutoscaler manifest or a headroom policy mapping) through
 * hr_scenario_load_policy_file, as `headroom decide --policy` reads it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "headroom/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".yaml");
    if (path == NULL)
        return 0;
    hr_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.tick_s = 1;
    sc.metrics.period_s = 15;
    sc.fleet.min = 1;
    sc.fleet.max = 100;
    sc.fleet.initial = 1;
    sc.fleet.concurrency = 1;
    hr_error err;
    hr_scenario_load_policy_file(path, &sc, &err);
    hr_scenario_free(&sc);
    return 0;
}
