/* results.c - ownership of run results. */
#include "headroom/results.h"

#include <stdlib.h>

static const char *const state_names[HR_INSTANCE_STATE_COUNT] = {
    "pending", "warming", "in_service", "draining", "failed", "terminated",
};

const char *hr_instance_state_name(hr_instance_state s)
{
    return (unsigned)s < HR_INSTANCE_STATE_COUNT ? state_names[s] : "unknown";
}

const char *hr_purchase_name(hr_purchase p)
{
    static const char *const names[] = {"on_demand", "spot", "reserved"};
    return (unsigned)p < HR_PURCHASE_COUNT ? names[p] : "unknown";
}

void hr_run_result_free(hr_run_result *r)
{
    free(r->policy);
    free(r->series);
    free(r->decisions);
    hr_intern_free(&r->reasons);
    free(r->tenants);
    free(r->violations);
    *r = (hr_run_result){0};
}

size_t hr_run_result_decision_log_bytes(const hr_run_result *r)
{
    return r->cap_decisions * sizeof *r->decisions + hr_intern_bytes(&r->reasons);
}
