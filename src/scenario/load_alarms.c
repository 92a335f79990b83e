/* load_alarms.c - the kinds driven by CloudWatch alarms: step (the short
 * form `steps: [{above: 70, add: 1}]` and AWS's scale_out/scale_in alarms
 * with step bounds relative to the threshold, checked for gaps and
 * overlaps as AWS checks them) and simple; their breach, adjustments and
 * warm-up or cooldown. */
#include "loader.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const adjustment_type_names[] = {"change", "percent", "exact", NULL};

static const keyspec step_adj_keys[] = {
    {"above", NULL}, {"below", NULL}, {"add", NULL}, {"remove", NULL}, {NULL, NULL}
};
static const keyspec step_alarm_keys[] = {
    {"threshold", NULL}, {"adjustment_type", NULL}, {"min_adjustment_magnitude", NULL},
    {"steps", NULL}, {NULL, NULL}
};
static const keyspec step_interval_keys[] = {
    {"lower", NULL}, {"upper", NULL}, {"adjustment", NULL}, {NULL, NULL}
};

static int parse_step_adj(loader *L, const yaml_node_t *n, const char *path,
                          hr_step_adjustment *s)
{
    char kp[KEYPATH_MAX];
    int rc, k;
    yaml_node_t *key = NULL;
    if ((rc = ld_expect_map(L, n, path, "{above: 70, add: 1}")) ||
        (rc = ld_check_keys(L, n, path, step_adj_keys)))
        return rc;
    s->pos.line = (int)n->start_mark.line + 1;
    s->pos.column = (int)n->start_mark.column + 1;
    yaml_node_t *above = ld_get(L, n, "above", NULL), *below = ld_get(L, n, "below", NULL);
    if (above == NULL && below == NULL)
        return ld_missing(L, n, path, "above or below");
    if ((rc = ld_exclusive(L, n, path, "above", "below", "give above or below, not both")))
        return rc;
    s->has_above = above != NULL;
    s->has_below = below != NULL;
    const char *wrong = s->has_above ? "remove" : "add";
    const char *right = s->has_above ? "add" : "remove";
    if (ld_get(L, n, wrong, &key)) {
        ld_join(kp, path, wrong);
        return ld_fail(L, key, HR_EINVAL, kp, "a step with %s %s instances; write %s: N",
                       s->has_above ? "above" : "below", s->has_above ? "adds" : "removes", right);
    }
    if (s->has_above)
        rc = ld_f_number(L, n, path, "above", true, 0, NO_LO, false, NO_HI, false, &s->above);
    else
        rc = ld_f_number(L, n, path, "below", true, 0, NO_LO, false, NO_HI, false, &s->below);
    if (rc != HR_OK || (rc = ld_f_int(L, n, path, right, true, 0, 1, L->sc->fleet.max, &k)))
        return rc;
    s->change = s->has_above ? k : -k;
    return HR_OK;
}

/* Two steps must never apply at once: thresholds of the same side are
 * distinct, and every below lies under every above. */
static int check_step_overlap(loader *L, const yaml_node_t *seq, const char *path,
                              const hr_policy_config *p, size_t j)
{
    const hr_step_adjustment *b = &p->steps[j];
    char sp[KEYPATH_MAX], kp[KEYPATH_MAX];
    ld_join_index(sp, path, j, NULL);
    const yaml_node_t *item = ld_seq_item(L, seq, j);
    ld_join(kp, sp, b->has_above ? "above" : "below");
    const yaml_node_t *at = ld_get(L, item, b->has_above ? "above" : "below", NULL);
    for (size_t i = 0; i < j; i++) {
        const hr_step_adjustment *a = &p->steps[i];
        if (a->has_above == b->has_above &&
            (a->has_above ? a->above == b->above : a->below == b->below))
            return ld_fail(L, at, HR_EINVAL, kp, "same threshold as steps[%zu]; give each step its own",
                           i);
        double lo = a->has_below ? a->below : b->below;
        double hi = a->has_above ? a->above : b->above;
        if (a->has_above != b->has_above && lo >= hi)
            return ld_fail(L, at, HR_EINVAL, kp,
                           "overlaps steps[%zu] (below %g is not under above %g); every below must be lower than every above",
                           i, lo, hi);
    }
    return HR_OK;
}

/* The adjustment of a step or simple policy (key `adjustment` in map):
 * whole instances for change and exact, an exact capacity within the
 * fleet's bounds, never a change of nothing. */
static int parse_adjustment(loader *L, const yaml_node_t *map, const char *path,
                            hr_adjustment_type type, double *out)
{
    char kp[KEYPATH_MAX], r[64];
    int rc;
    if ((rc = ld_f_number(L, map, path, "adjustment", true, 0, -NO_HI, false, NO_HI, false, out)))
        return rc;
    yaml_node_t *adj = ld_get(L, map, "adjustment", NULL);
    ld_join(kp, path, "adjustment");
    if (type != HR_ADJUST_PERCENT && *out != floor(*out))
        return ld_fail(L, adj, HR_EINVAL, kp, "must be a whole number of instances, got %s; "
                       "for a share of the fleet use adjustment_type: percent",
                       ld_raw(adj, r, sizeof r));
    if (type == HR_ADJUST_CHANGE && fabs(*out) > L->sc->fleet.max)
        return ld_fail(L, adj, HR_EINVAL, kp, "a change of at most fleet.max (%d) instances "
                       "either way, got %s", L->sc->fleet.max, ld_raw(adj, r, sizeof r));
    if (type == HR_ADJUST_PERCENT && fabs(*out) > 1000)
        return ld_fail(L, adj, HR_EINVAL, kp, "a percentage from -1000 to 1000, got %s",
                       ld_raw(adj, r, sizeof r));
    if (type == HR_ADJUST_EXACT && (*out < L->sc->fleet.min || *out > L->sc->fleet.max))
        return ld_fail(L, adj, HR_EINVAL, kp, "an exact capacity must be from fleet.min (%d) to "
                       "fleet.max (%d), got %s", L->sc->fleet.min, L->sc->fleet.max,
                       ld_raw(adj, r, sizeof r));
    if (type != HR_ADJUST_EXACT && *out == 0)
        return ld_fail(L, adj, HR_EINVAL, kp, "must not be 0 (a change of nothing)");
    return HR_OK;
}

/* adjustment_type and min_adjustment_magnitude of map (a simple policy or
 * a step alarm). */
static int parse_adjustment_type(loader *L, const yaml_node_t *map, const char *path,
                                 hr_adjustment_type *type, int *min_magnitude)
{
    char kp[KEYPATH_MAX];
    int rc, t;
    if ((rc = ld_f_enum(L, map, path, "adjustment_type", false, HR_ADJUST_CHANGE,
                        "adjustment_type", adjustment_type_names, &t)))
        return rc;
    *type = (hr_adjustment_type)t;
    yaml_node_t *mm = ld_get(L, map, "min_adjustment_magnitude", NULL);
    if (mm != NULL && *type != HR_ADJUST_PERCENT) {
        ld_join(kp, path, "min_adjustment_magnitude");
        return ld_fail(L, mm, HR_EINVAL, kp, "applies to adjustment_type: percent only");
    }
    return ld_f_int(L, map, path, "min_adjustment_magnitude", false, 1, 1, INT_MAX,
                    min_magnitude);
}

/* One step of an AWS-shaped alarm: {lower: 0, upper: 15, adjustment: 1},
 * bounds relative to the threshold. */
static int parse_step_interval(loader *L, const yaml_node_t *n, const char *path, bool out_alarm,
                               const hr_step_alarm *a, hr_step_interval *s)
{
    char kp[KEYPATH_MAX], r[64];
    int rc;
    if ((rc = ld_expect_map(L, n, path, out_alarm ? "{lower: 0, upper: 10, adjustment: 1}"
                                                  : "{upper: 0, adjustment: -1}")) ||
        (rc = ld_check_keys(L, n, path, step_interval_keys)))
        return rc;
    s->pos.line = (int)n->start_mark.line + 1;
    s->pos.column = (int)n->start_mark.column + 1;
    s->has_lower = ld_get(L, n, "lower", NULL) != NULL;
    s->has_upper = ld_get(L, n, "upper", NULL) != NULL;
    if (!s->has_lower && !s->has_upper)
        return ld_missing(L, n, path, "lower or upper (bounds relative to the threshold)");
    if ((s->has_lower && (rc = ld_f_number(L, n, path, "lower", true, 0, -NO_HI, false, NO_HI,
                                           false, &s->lower))) ||
        (s->has_upper && (rc = ld_f_number(L, n, path, "upper", true, 0, -NO_HI, false, NO_HI,
                                           false, &s->upper))))
        return rc;
    if (s->has_lower && s->has_upper && !(s->lower < s->upper)) {
        ld_join(kp, path, "upper");
        return ld_fail(L, ld_get(L, n, "upper", NULL), HR_EINVAL, kp,
                       "must be above lower (%g), got %s", s->lower,
                       ld_raw(ld_get(L, n, "upper", NULL), r, sizeof r));
    }
    if ((rc = parse_adjustment(L, n, path, a->adjustment_type, &s->adjustment)))
        return rc;
    if (a->adjustment_type != HR_ADJUST_EXACT && (s->adjustment > 0) != out_alarm) {
        yaml_node_t *adj = ld_get(L, n, "adjustment", NULL);
        ld_join(kp, path, "adjustment");
        return ld_fail(L, adj, HR_EINVAL, kp, "a %s step %s capacity: expected %s, got %s",
                       out_alarm ? "scale_out" : "scale_in", out_alarm ? "adds" : "removes",
                       out_alarm ? "a number > 0" : "a number < 0", ld_raw(adj, r, sizeof r));
    }
    return HR_OK;
}

static int cmp_interval(const void *a, const void *b)
{
    const hr_step_interval *x = a, *y = b;
    /* an open lower end sorts first */
    if (!x->has_lower || !y->has_lower)
        return (x->has_lower ? 1 : 0) - (y->has_lower ? 1 : 0);
    return (x->lower > y->lower) - (x->lower < y->lower);
}

/* The steps of an alarm, as AWS validates them: no overlap, no gap, open
 * ends only at the ends, and every breach covered: a scale_out alarm's
 * steps reach down to the threshold (lower 0, or none) and up without end,
 * a scale_in alarm's reach up to it (upper 0, or none) and down without
 * end. Sorted by metric and made absolute. */
static int check_step_intervals(loader *L, const yaml_node_t *seq, const char *path,
                                bool out_alarm, hr_step_alarm *a)
{
    char kp[KEYPATH_MAX], sp[KEYPATH_MAX];
    hr_step_interval *v = a->steps;
    size_t n = a->n_steps;
    qsort(v, n, sizeof *v, cmp_interval);
    for (size_t i = 0; i < n; i++) {
        char why[160] = "";
        if (i > 0 && !v[i].has_lower)
            snprintf(why, sizeof why, "has no lower bound but is not the lowest step; only the "
                                      "lowest may leave it open");
        else if (i + 1 < n && !v[i].has_upper)
            snprintf(why, sizeof why, "has no upper bound but is not the highest step; only the "
                                      "highest may leave it open");
        else if (i > 0 && v[i - 1].upper != v[i].lower)
            snprintf(why, sizeof why, "%s the step under it: its lower bound %g must be that "
                                      "step's upper bound %g",
                     v[i - 1].upper < v[i].lower ? "leaves a gap above" : "overlaps",
                     v[i].lower, v[i - 1].upper);
        if (why[0] == '\0')
            continue;
        /* the file's item of the sorted step, for its index and position */
        size_t at = 0;
        for (size_t j = 0; j < n; j++) {
            const yaml_node_t *it = ld_seq_item(L, seq, j);
            if ((int)it->start_mark.line + 1 == v[i].pos.line &&
                (int)it->start_mark.column + 1 == v[i].pos.column)
                at = j;
        }
        ld_join(kp, path, "steps");
        ld_join_index(sp, kp, at, NULL);
        return ld_fail(L, ld_seq_item(L, seq, at), HR_EINVAL, sp,
                       "%s (AWS: step ranges can't overlap or have a gap)", why);
    }
    bool covered = out_alarm ? !v[0].has_lower || v[0].lower <= 0
                             : !v[n - 1].has_upper || v[n - 1].upper >= 0;
    bool endless = out_alarm ? !v[n - 1].has_upper : !v[0].has_lower;
    if (!covered || !endless) {
        ld_join(kp, path, "steps");
        return ld_fail(L, seq, HR_EINVAL, kp,
                       out_alarm ? "a scale_out alarm's steps must cover every breach: the lowest "
                                   "from lower: 0 (or no lower), the highest with no upper"
                                 : "a scale_in alarm's steps must cover every breach: the highest "
                                   "up to upper: 0 (or no upper), the lowest with no lower");
    }
    for (size_t i = 0; i < n; i++) {
        v[i].lower += a->threshold;
        v[i].upper += a->threshold;
    }
    return HR_OK;
}

/* scale_out: / scale_in: an AWS step scaling policy with its alarm. */
static int parse_step_alarm(loader *L, const yaml_node_t *n, const char *path, bool out_alarm,
                            hr_step_alarm *a)
{
    char kp[KEYPATH_MAX], g[64];
    int rc;
    if ((rc = ld_expect_map(L, n, path, out_alarm
                                            ? "{threshold: 70, steps: [{lower: 0, upper: 15, "
                                              "adjustment: 1}, {lower: 15, adjustment: 3}]}"
                                            : "{threshold: 30, steps: [{upper: 0, adjustment: "
                                              "-1}]}")) ||
        (rc = ld_check_keys(L, n, path, step_alarm_keys)) ||
        (rc = ld_f_number(L, n, path, "threshold", true, 0, -NO_HI, false, NO_HI, false,
                          &a->threshold)) ||
        (rc = parse_adjustment_type(L, n, path, &a->adjustment_type,
                                    &a->min_adjustment_magnitude)))
        return rc;
    a->present = true;
    yaml_node_t *seq = ld_get(L, n, "steps", NULL);
    if (seq == NULL)
        return ld_missing(L, n, path, "steps");
    ld_join(kp, path, "steps");
    size_t count = ld_seq_len(seq);
    if (count == 0)
        return ld_fail(L, seq, HR_EINVAL, kp, "expected a non-empty list like %s, got %s",
                       out_alarm ? "[{lower: 0, adjustment: 1}]" : "[{upper: 0, adjustment: -1}]",
                       seq->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                       : ld_got(seq, g, sizeof g));
    a->steps = calloc(count, sizeof *a->steps);
    if (a->steps == NULL)
        return ld_nomem(L);
    a->n_steps = count;
    for (size_t j = 0; j < count; j++) {
        char sp[KEYPATH_MAX];
        ld_join_index(sp, kp, j, NULL);
        if ((rc = parse_step_interval(L, ld_seq_item(L, seq, j), sp, out_alarm, a,
                                      &a->steps[j])))
            return rc;
    }
    return check_step_intervals(L, seq, path, out_alarm, a);
}

/* The short form: steps: [{above: 70, add: 1}, {below: 30, remove: 1}]. */
static int parse_short_steps(loader *L, const yaml_node_t *seq, const char *path,
                             hr_policy_config *p)
{
    char kp[KEYPATH_MAX], g[64];
    int rc;
    ld_join(kp, path, "steps");
    size_t count = ld_seq_len(seq);
    if (count == 0)
        return ld_fail(L, seq, HR_EINVAL, kp,
                       "expected a non-empty list like [{above: 70, add: 1}, {below: 30, remove: 1}], got %s",
                       seq->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                       : ld_got(seq, g, sizeof g));
    p->steps = calloc(count, sizeof *p->steps);
    if (p->steps == NULL)
        return ld_nomem(L);
    p->n_steps = count;
    for (size_t j = 0; j < count; j++) {
        char sp[KEYPATH_MAX];
        ld_join_index(sp, kp, j, NULL);
        if ((rc = parse_step_adj(L, ld_seq_item(L, seq, j), sp, &p->steps[j])) ||
            (rc = check_step_overlap(L, seq, kp, p, j)))
            return rc;
    }
    return HR_OK;
}

/* breach: how long an alarm must breach, from one metrics period to
 * CloudWatch's limit of a day. */
static int parse_breach(loader *L, const yaml_node_t *n, const char *path, double *out)
{
    char kp[KEYPATH_MAX], d[32], r[64];
    int rc;
    if ((rc = ld_f_duration(L, n, path, "breach", false, L->sc->metrics.period_s, true, out)))
        return rc;
    yaml_node_t *b = ld_get(L, n, "breach", NULL);
    ld_join(kp, path, "breach");
    if (*out < L->sc->metrics.period_s) {
        ld_fmt_dur(L->sc->metrics.period_s, d, sizeof d);
        return ld_fail(L, b, HR_EINVAL, kp, "must be at least metrics.period (%s), got %s", d,
                       ld_raw(b, r, sizeof r));
    }
    if (*out > LD_MAX_BREACH_S)
        return ld_fail(L, b, HR_EINVAL, kp, "must be at most 1d (CloudWatch evaluates an alarm "
                       "over at most a day), got %s", ld_raw(b, r, sizeof r));
    return HR_OK;
}

int ld_parse_step(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    char kp[KEYPATH_MAX];
    int rc;
    if ((rc = ld_parse_metric(L, n, path, &p->metric)) ||
        (rc = parse_breach(L, n, path, &p->breach_s)) ||
        (rc = ld_parse_missing_data(L, n, path, true, &p->missing_data)))
        return rc;
    yaml_node_t *seq = ld_get(L, n, "steps", NULL);
    yaml_node_t *sok = NULL, *sik = NULL;
    yaml_node_t *so = ld_get(L, n, "scale_out", &sok), *si = ld_get(L, n, "scale_in", &sik);
    if (seq != NULL && (so != NULL || si != NULL)) {
        ld_join(kp, path, so != NULL ? "scale_out" : "scale_in");
        return ld_fail(L, so != NULL ? sok : sik, HR_EINVAL, kp,
                       "give steps (the short form) or scale_out/scale_in (AWS's form), not both");
    }
    if (seq == NULL && so == NULL && si == NULL)
        return ld_missing(L, n, path, "steps (or scale_out/scale_in)");
    if (seq != NULL)
        rc = parse_short_steps(L, seq, path, p);
    if (rc == HR_OK && so != NULL) {
        ld_join(kp, path, "scale_out");
        rc = parse_step_alarm(L, so, kp, true, &p->scale_out);
    }
    if (rc == HR_OK && si != NULL) {
        ld_join(kp, path, "scale_in");
        rc = parse_step_alarm(L, si, kp, false, &p->scale_in);
    }
    if (rc == HR_OK && so != NULL && si != NULL && !(p->scale_in.threshold < p->scale_out.threshold)) {
        ld_join(kp, path, "scale_in.threshold");
        return ld_fail(L, ld_get(L, si, "threshold", NULL), HR_EINVAL, kp,
                       "must be below scale_out.threshold (%g), or both alarms could fire at once",
                       p->scale_out.threshold);
    }
    if (rc != HR_OK)
        return rc;

    /* EC2 Auto Scaling gates step policies by the instance warm-up;
     * Application Auto Scaling by a cooldown. */
    if ((rc = ld_exclusive(L, n, path, "warmup", "cooldown",
                           "give warmup (EC2 Auto Scaling: new instances gate the policy) or "
                           "cooldown (Application Auto Scaling), not both")))
        return rc;
    p->step_warmup = ld_get(L, n, "cooldown", NULL) == NULL;
    if ((rc = ld_f_duration(L, n, path, "warmup", false, 300, false, &p->warmup_s)))
        return rc;
    return ld_f_duration(L, n, path, "cooldown", false, 300, false, &p->cooldown_s);
}

/* kind: simple: one alarm (above or below), one adjustment, a cooldown. */
int ld_parse_simple(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    int rc;
    if ((rc = ld_parse_metric(L, n, path, &p->metric)) ||
        (rc = parse_breach(L, n, path, &p->breach_s)) ||
        (rc = ld_f_duration(L, n, path, "cooldown", false, 300, false, &p->cooldown_s)) ||
        (rc = ld_parse_missing_data(L, n, path, true, &p->missing_data)) ||
        (rc = parse_adjustment_type(L, n, path, &p->adjustment_type,
                                    &p->min_adjustment_magnitude)))
        return rc;
    yaml_node_t *above = ld_get(L, n, "above", NULL), *below = ld_get(L, n, "below", NULL);
    if (above == NULL && below == NULL)
        return ld_missing(L, n, path, "above or below (the alarm's threshold)");
    if ((rc = ld_exclusive(L, n, path, "above", "below",
                           "a simple policy has one alarm: give above or below, not both")))
        return rc;
    p->simple_above = above != NULL;
    if ((rc = ld_f_number(L, n, path, p->simple_above ? "above" : "below", true, 0, -NO_HI, false,
                          NO_HI, false, &p->simple_threshold)))
        return rc;
    return parse_adjustment(L, n, path, p->adjustment_type, &p->adjustment);
}
