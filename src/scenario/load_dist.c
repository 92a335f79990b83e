/* load_dist.c - distributions: {dist: NAME, mean: DURATION, ...} as written
 * for service demand (workload.classes[].service) and boot time
 * (fleet.boot), each parameter checked against its distribution and the
 * whole prepared with hr_dist_prepare. */
#include "loader.h"

#include <string.h>

static const char *const dist_names[] = {
    "constant", "exponential", "normal", "lognormal", "gamma", NULL
};

static const keyspec dist_keys[] = {
    {"dist", NULL}, {"mean", NULL}, {"sd", NULL}, {"sigma", NULL}, {"p99", NULL}, {"cv", NULL},
    {NULL, NULL}
};

/* Which distribution each parameter key belongs to. */
static int param_owner(const char *key)
{
    if (strcmp(key, "sd") == 0)
        return HR_DIST_NORMAL;
    if (strcmp(key, "sigma") == 0 || strcmp(key, "p99") == 0)
        return HR_DIST_LOGNORMAL;
    if (strcmp(key, "cv") == 0)
        return HR_DIST_GAMMA;
    return -1;
}

static const char *dist_takes(int kind)
{
    switch (kind) {
    case HR_DIST_NORMAL: return "mean and sd";
    case HR_DIST_LOGNORMAL: return "mean and sigma or p99";
    case HR_DIST_GAMMA: return "mean and cv";
    default: return "mean only";
    }
}

/* {dist: NAME, mean: DURATION, ...}; mean_positive asks for mean > 0 even
 * for constant (service demand cannot be zero). */
int ld_parse_dist(loader *L, const yaml_node_t *n, const char *path, bool mean_positive,
                  hr_dist *d)
{
    int rc, kind;
    memset(d, 0, sizeof *d);
    if ((rc = ld_expect_map(L, n, path, "{dist: lognormal, mean: 40ms, p99: 300ms}")) ||
        (rc = ld_check_keys(L, n, path, dist_keys)) ||
        (rc = ld_f_enum(L, n, path, "dist", true, 0, "distribution", dist_names, &kind)))
        return rc;
    d->kind = (hr_dist_kind)kind;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ld_node_at(L, p->key);
        int owner = param_owner(ld_sval(k));
        if (owner >= 0 && owner != kind) {
            char kp[KEYPATH_MAX];
            ld_join(kp, path, ld_sval(k));
            return ld_fail(L, k, HR_EINVAL, kp, "%s applies to %s only; %s takes %s", ld_sval(k),
                           dist_names[owner], dist_names[kind], dist_takes(kind));
        }
    }
    if ((rc = ld_f_duration(L, n, path, "mean", true, 0, mean_positive, &d->mean_s)))
        return rc;
    switch (d->kind) {
    case HR_DIST_NORMAL:
        rc = ld_f_duration(L, n, path, "sd", true, 0, false, &d->sd_s);
        break;
    case HR_DIST_LOGNORMAL: {
        yaml_node_t *sigma = ld_get(L, n, "sigma", NULL), *p99k = NULL;
        yaml_node_t *p99 = ld_get(L, n, "p99", &p99k);
        if (sigma == NULL && p99 == NULL)
            return ld_missing(L, n, path, "sigma or p99");
        if (sigma != NULL && p99 != NULL) {
            char kp[KEYPATH_MAX];
            ld_join(kp, path, "p99");
            return ld_fail(L, p99k, HR_EINVAL, kp, "give sigma or p99, not both");
        }
        if (sigma != NULL)
            rc = ld_f_number(L, n, path, "sigma", true, 0, 0, true, NO_HI, false, &d->sigma);
        else
            rc = ld_f_duration(L, n, path, "p99", true, 0, true, &d->p99_s);
        break;
    }
    case HR_DIST_GAMMA:
        rc = ld_f_number(L, n, path, "cv", true, 0, 0, true, NO_HI, false, &d->cv);
        break;
    default:
        break;
    }
    if (rc != HR_OK)
        return rc;
    hr_error e;
    hr_error_clear(&e);
    rc = hr_dist_prepare(d, &e);
    if (rc != HR_OK)
        return ld_fail(L, n, rc, path, "%s", e.msg);
    return HR_OK;
}
