/* policy_fixture.h - hand-built scenarios and observations for the policy
 * tests (they do not go through the YAML loader). */
#ifndef HEADROOM_TEST_POLICY_FIXTURE_H
#define HEADROOM_TEST_POLICY_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/policy.h"
#include "headroom/scenario.h"

/* A scenario with one policy: metrics every 60s, fleet 1..100. */
typedef struct policy_fixture {
    hr_scenario sc;
    hr_policy_config cfg;
    hr_step_adjustment steps[8];
    hr_policy *p;
} policy_fixture;

static inline void fixture_init(policy_fixture *f, hr_policy_kind kind)
{
    memset(f, 0, sizeof *f);
    f->sc.metrics.period_s = 60;
    f->sc.metrics.delay_s = 60;
    f->sc.fleet.min = 1;
    f->sc.fleet.max = 100;
    f->sc.fleet.initial = 6;
    f->sc.policies = &f->cfg;
    f->sc.n_policies = 1;
    f->cfg.name = (char *)"under-test";
    f->cfg.kind = kind;
    f->cfg.metric = HR_METRIC_CPU;
}

static inline void fixture_add_above(policy_fixture *f, double above, int change)
{
    hr_step_adjustment *s = &f->steps[f->cfg.n_steps++];
    s->has_above = true;
    s->above = above;
    s->change = change;
    f->cfg.steps = f->steps;
}

static inline void fixture_add_below(policy_fixture *f, double below, int change)
{
    hr_step_adjustment *s = &f->steps[f->cfg.n_steps++];
    s->has_below = true;
    s->below = below;
    s->change = change;
    f->cfg.steps = f->steps;
}

static inline void fixture_start(policy_fixture *f)
{
    hr_error err = {0};
    int rc = hr_policy_new(&f->cfg, &f->sc, &f->p, &err);
    if (rc != HR_OK)
        fail_msg("hr_policy_new: %s", err.msg);
}

static inline void fixture_stop(policy_fixture *f)
{
    hr_policy_free(f->p);
    f->p = NULL;
}

/* A settled fleet: every one of `desired` instances serving and counted. */
static inline hr_observation obs_settled(double t, int desired, double cpu)
{
    hr_observation o;
    memset(&o, 0, sizeof o);
    o.time_s = t;
    o.desired = desired;
    o.in_service = desired;
    o.counted = desired;
    o.has_datapoint = true;
    o.datapoint_start_s = t - 120;
    o.datapoint_end_s = t - 60;
    o.input[0] = cpu;
    o.min = 1;
    o.max = 100;
    return o;
}

static inline hr_decision decide(policy_fixture *f, const hr_observation *o)
{
    hr_decision d;
    hr_policy_decide(f->p, o, &d);
    return d;
}

#endif
