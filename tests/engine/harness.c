/* harness.c - see harness.h. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

void load(const char *yaml, hr_scenario *sc)
{
    hr_error err;
    if (hr_scenario_load_string("test.yaml", yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
}

void run(const hr_scenario *sc, size_t policy, uint32_t rep, hr_run_result *out)
{
    hr_run_spec spec = {.scenario = sc, .policy_index = policy, .seed = sc->seed, .replication = rep};
    hr_error err;
    if (hr_engine_run(&spec, out, &err))
        fail_msg("%s", err.msg);
}
