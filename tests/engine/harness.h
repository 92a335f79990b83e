/* harness.h - what the engine tests share: a scenario from YAML text and
 * a run of it, failing the test with the loader's or the engine's message. */
#ifndef HEADROOM_TESTS_ENGINE_HARNESS_H
#define HEADROOM_TESTS_ENGINE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

/* Load the scenario yaml (named test.yaml in messages) into *sc. */
void load(const char *yaml, hr_scenario *sc);

/* Run policy number `policy` of sc, replication rep, at sc's seed. */
void run(const hr_scenario *sc, size_t policy, uint32_t rep, hr_run_result *out);

#endif
