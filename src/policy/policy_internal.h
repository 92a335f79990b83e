/* policy_internal.h - what the policy kinds share inside src/policy/.
 *
 * Not a public header: the engine and the CLI see only policy.h and
 * controller.h. Each kind file defines one hr_policy_ops; policy.c lists
 * them in its registration table. */
#ifndef HEADROOM_POLICY_INTERNAL_H
#define HEADROOM_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "headroom/policy.h"

extern const hr_policy_ops hr_policy_static_ops;
extern const hr_policy_ops hr_policy_step_ops;
extern const hr_policy_ops hr_policy_simple_ops;
extern const hr_policy_ops hr_policy_target_tracking_ops;
extern const hr_policy_ops hr_policy_hpa_ops;
extern const hr_policy_ops hr_policy_oracle_ops;
extern const hr_policy_ops hr_policy_scheduled_ops;
extern const hr_policy_ops hr_policy_predictive_ops;
extern const hr_policy_ops hr_policy_max_ops;
extern const hr_policy_ops hr_policy_min_ops;

/* Policies a kind runs inside itself (max and min; a predictive policy's
 * fallback), built from other policies of the scenario. Each child reads
 * its own inputs, merged into its parent's (identical ones shared). */
typedef struct hr_children {
    hr_policy **p;
    size_t n;
    size_t (*map)[HR_POLICY_MAX_INPUTS]; /* map[k][j]: the parent's input child k's j-th is */
    hr_decision *last;  /* n: each child's last proposal */
} hr_children;

/* Build the policies idx[0..n) of parent->sc as children of parent:
 * their inputs appended to parent's (after those it already declared),
 * parent's metric warm-up the longest of theirs and its sync period theirs
 * (the loader checked they share one). On failure *c is freed. */
int hr_children_new(hr_policy *parent, const size_t *idx, size_t n, hr_children *c,
                    hr_error *err);
/* Child k's proposal for the parent's observation obs. */
void hr_children_decide(hr_children *c, size_t k, const hr_observation *obs, hr_decision *out);
/* Forward hr_policy_applied to every child. */
void hr_children_applied(hr_children *c, double now, int from, int to);
/* Pool the children's forecast errors (hr_policy_ops.forecast_error). */
void hr_children_forecast_error(const hr_children *c, double *sum_pct, size_t *n);
void hr_children_free(hr_children *c);

/* Declare the policy's one input: its cfg->metric, per-instance average
 * (step and target tracking). */
void hr_policy_read_metric(hr_policy *p);

/* Write a duration the way scenarios spell it ("3m", "90s", "1h", "2.5s")
 * into buf; returns buf. */
char *hr_policy_format_duration(double seconds, char *buf, size_t len);

/* printf into out->reason, truncating at HR_REASON_MAX. */
void hr_policy_reason(hr_decision *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill out as "no opinion" (desired -1) with the INSUFFICIENT_DATA reason
 * every metric-driven kind gives when no datapoint was published. */
void hr_policy_no_data(const hr_policy *p, hr_decision *out);

/* Instances on their way that the datapoint does not show: booting,
 * warming, or serving but still inside the policy's warm-up (the desired
 * capacity less the counted instances). AWS counts them as capacity on its
 * way when scaling out and blocks scale-in until they are done. */
int hr_policy_unsettled(const hr_observation *obs);

/* v clamped to [obs->min, obs->max]: the capacity a proposal would really
 * give. Kinds use it to tell whether a proposal is a scaling activity (and
 * so starts a cooldown) without clamping the proposal itself, so that the
 * controller still reports "clamped to max". */
int hr_policy_bounded(const hr_observation *obs, int v);

#endif
