/* load_fleet.c - the fleet section: the instance type, boot, warm-up,
 * drain, failures, billing, sizes, load balancer and purchase options
 * (spot, reserved), into L->sc->fleet. */
#include "loader.h"

#include <limits.h>
#include <string.h>

static const keyspec fleet_keys[] = {
    {"instance", NULL}, {"boot", NULL}, {"warmup", NULL}, {"drain", NULL}, {"failures", NULL},
    {"billing", NULL}, {"initial", NULL}, {"min", NULL}, {"max", NULL},
    {"load_balancer", NULL}, {"spot", NULL}, {"reserved", NULL}, {"zones", NULL},
    {"outages", NULL}, {"provisioning", NULL}, {"slow_boots", NULL}, {"warm_pool", NULL},
    {NULL, NULL}
};
static const keyspec instance_keys[] = {
    {"type", NULL}, {"vcpu", NULL}, {"memory_gb", NULL}, {"memory_base_gb", NULL},
    {"memory_per_request_mb", NULL}, {"concurrency", NULL}, {"price_per_hour", NULL}, {NULL, NULL}
};
static const keyspec warmup_keys[] = {{"duration", NULL}, {"initial_speed", NULL}, {NULL, NULL}};
static const keyspec failure_keys[] = {{"mtbf", NULL}, {"detect", NULL}, {NULL, NULL}};
static const keyspec billing_keys[] = {{"granularity", NULL}, {"minimum", NULL}, {NULL, NULL}};

static const keyspec spot_keys[] = {
    {"share", NULL}, {"discount", NULL}, {"interruptions_per_hour", NULL}, {"notice", NULL},
    {"unavailable", NULL}, {NULL, NULL}
};
static const keyspec reserved_keys[] = {{"count", NULL}, {"price_per_hour", NULL}, {NULL, NULL}};
static const keyspec outage_keys[] = {{"zone", NULL}, {"start", NULL}, {"duration", NULL}, {NULL, NULL}};
static const keyspec provisioning_keys[] = {
    {"failure", NULL}, {"retry", NULL}, {"quota", NULL}, {NULL, NULL}
};
static const keyspec slow_boot_keys[] = {{"share", NULL}, {"factor", NULL}, {NULL, NULL}};

static const keyspec warm_pool_keys[] = {
    {"max_prepared", NULL}, {"min_size", NULL}, {"state", NULL}, {"reuse_on_scale_in", NULL},
    {"start", NULL}, {"warmup", NULL}, {"stopped_price_per_hour", NULL}, {NULL, NULL}
};
static const char *const pool_state_names[] = {"stopped", "running", "hibernated", NULL};

static const char *const lb_names[] = {
    "round_robin", "random", "least_outstanding", "two_choices", NULL
};

static int parse_instance(loader *L, const yaml_node_t *map, hr_fleet_config *f)
{
    const char *path = "fleet.instance";
    yaml_node_t *n = ld_get(L, map, "instance", NULL);
    int rc;
    if (n == NULL)
        return ld_missing(L, map, "fleet", "instance");
    if ((rc = ld_expect_map(L, n, path, "{concurrency: 16, price_per_hour: 0.085}")) ||
        (rc = ld_check_keys(L, n, path, instance_keys)) ||
        (rc = ld_f_string(L, n, path, "type", false, "instance", &f->instance_type)) ||
        (rc = ld_f_number(L, n, path, "vcpu", false, 1, 0, true, 1e6, false, &f->vcpu)) ||
        (rc = ld_f_number(L, n, path, "memory_gb", false, 1, 0, true, 1e9, false,
                          &f->memory_gb)) ||
        (rc = ld_f_number(L, n, path, "memory_base_gb", false, 0, 0, false, f->memory_gb, true,
                          &f->memory_base_gb)) ||
        (rc = ld_f_number(L, n, path, "memory_per_request_mb", false, 0, 0, false,
                          f->memory_gb * 1024, false, &f->memory_per_request_gb)) ||
        (rc = ld_f_int(L, n, path, "concurrency", true, 0, 1, 100000, &f->concurrency)) ||
        (rc = ld_f_number(L, n, path, "price_per_hour", true, 0, 0, false, LD_MAX_PRICE, false,
                          &f->price_per_hour)))
        return rc;
    f->memory_per_request_gb /= 1024;
    return HR_OK;
}

/* fleet.spot and fleet.reserved. */
static int parse_purchase(loader *L, const yaml_node_t *map, hr_fleet_config *f)
{
    int rc;
    yaml_node_t *n;
    f->spot_notice_s = 120;
    if ((n = ld_get(L, map, "spot", NULL)) != NULL) {
        const char *path = "fleet.spot";
        if ((rc = ld_expect_map(L, n, path, "{share: 0.5, discount: 0.65, interruptions_per_hour: 0.02}")) ||
            (rc = ld_check_keys(L, n, path, spot_keys)) ||
            (rc = ld_f_number(L, n, path, "share", true, 0, 0, false, 1, false, &f->spot_share)) ||
            (rc = ld_f_number(L, n, path, "discount", true, 0, 0, false, 1, true,
                              &f->spot_discount)) ||
            (rc = ld_f_number(L, n, path, "interruptions_per_hour", false, 0, 0, false, 3600,
                              false, &f->spot_interruptions_per_hour)) ||
            (rc = ld_f_duration(L, n, path, "notice", false, 120, false, &f->spot_notice_s)) ||
            (rc = ld_f_number(L, n, path, "unavailable", false, 0, 0, false, 1, false,
                              &f->spot_unavailable)))
            return rc;
    }
    if ((n = ld_get(L, map, "reserved", NULL)) != NULL) {
        const char *path = "fleet.reserved";
        if ((rc = ld_expect_map(L, n, path, "{count: 4, price_per_hour: 0.055}")) ||
            (rc = ld_check_keys(L, n, path, reserved_keys)) ||
            (rc = ld_f_int(L, n, path, "count", true, 0, 0, f->max, &f->reserved_count)) ||
            (rc = ld_f_number(L, n, path, "price_per_hour", true, 0, 0, false, LD_MAX_PRICE,
                              false, &f->reserved_price_per_hour)))
            return rc;
    }
    return HR_OK;
}

/* fleet.zones, outages, provisioning and slow_boots. */
static int parse_faults(loader *L, const yaml_node_t *map, hr_fleet_config *f)
{
    int rc;
    yaml_node_t *n;
    f->launch_retry_s = 30;
    f->slow_boot_factor = 1;
    if ((rc = ld_f_int(L, map, "fleet", "zones", false, 1, 1, 64, &f->zones)))
        return rc;
    if ((n = ld_get(L, map, "provisioning", NULL)) != NULL) {
        const char *path = "fleet.provisioning";
        if ((rc = ld_expect_map(L, n, path, "{failure: 0.05, retry: 30s, quota: 40}")) ||
            (rc = ld_check_keys(L, n, path, provisioning_keys)) ||
            (rc = ld_f_number(L, n, path, "failure", false, 0, 0, false, 1, true,
                              &f->launch_failure)) ||
            (rc = ld_f_duration(L, n, path, "retry", false, 30, true, &f->launch_retry_s)) ||
            (rc = ld_f_int(L, n, path, "quota", false, 0, 0, f->max, &f->quota)))
            return rc;
    }
    if ((n = ld_get(L, map, "slow_boots", NULL)) != NULL) {
        const char *path = "fleet.slow_boots";
        if ((rc = ld_expect_map(L, n, path, "{share: 0.05, factor: 4}")) ||
            (rc = ld_check_keys(L, n, path, slow_boot_keys)) ||
            (rc = ld_f_number(L, n, path, "share", true, 0, 0, false, 1, false,
                              &f->slow_boot_share)) ||
            (rc = ld_f_number(L, n, path, "factor", true, 0, 1, false, 1000, false,
                              &f->slow_boot_factor)))
            return rc;
    }
    if ((n = ld_get(L, map, "outages", NULL)) == NULL)
        return HR_OK;
    char g[64], path[KEYPATH_MAX];
    size_t count = ld_seq_len(n);
    if (n->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, n, HR_EINVAL, "fleet.outages",
                       "expected a list like [{zone: 2, start: 10h, duration: 1h}], got %s",
                       ld_got(n, g, sizeof g));
    if (count == 0)
        return HR_OK;
    if ((f->outages = calloc(count, sizeof *f->outages)) == NULL)
        return ld_nomem(L);
    f->n_outages = count;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = ld_seq_item(L, n, i);
        hr_zone_outage *o = &f->outages[i];
        int zone;
        ld_join_index(path, "fleet.outages", i, NULL);
        if ((rc = ld_expect_map(L, item, path, "{zone: 2, start: 10h, duration: 1h}")) ||
            (rc = ld_check_keys(L, item, path, outage_keys)) ||
            (rc = ld_f_int(L, item, path, "zone", true, 0, 1, f->zones, &zone)) ||
            (rc = ld_f_duration(L, item, path, "start", true, 0, false, &o->start_s)) ||
            (rc = ld_f_duration(L, item, path, "duration", true, 0, true, &o->duration_s)))
            return rc;
        o->zone = zone - 1;
        if (o->start_s >= L->sc->duration_s) {
            char e[32], d[32];
            ld_fmt_dur(o->start_s, e, sizeof e);
            ld_fmt_dur(L->sc->duration_s, d, sizeof d);
            if ((rc = ld_warn(L, item, path,
                              "starts at %s, at or after the end of the run (%s): it has no effect",
                              e, d)))
                return rc;
        }
    }
    return HR_OK;
}

int ld_need_memory_model(loader *L, const yaml_node_t *at, const char *path)
{
    const hr_fleet_config *f = &L->sc->fleet;
    if (f->memory_base_gb > 0 || f->memory_per_request_gb > 0)
        return HR_OK;
    return ld_fail(L, at, HR_EINVAL, path,
                   "reads memory, but the fleet has no memory model; give fleet.instance.memory_base_gb "
                   "(GiB in use when idle) and memory_per_request_mb (MiB per request in flight)");
}

static int parse_fleet_sizes(loader *L, const yaml_node_t *n, hr_fleet_config *f)
{
    char r[64];
    int rc;
    if ((rc = ld_f_int(L, n, "fleet", "min", false, 1, 0, INT_MAX, &f->min)) ||
        (rc = ld_f_int(L, n, "fleet", "max", true, 0, 1, INT_MAX, &f->max)))
        return rc;
    if (f->max < f->min) {
        yaml_node_t *max = ld_get(L, n, "max", NULL);
        return ld_fail(L, max, HR_EINVAL, "fleet.max", "must be at least fleet.min (%d), got %s",
                       f->min, ld_raw(max, r, sizeof r));
    }
    /* Request mode keeps a slot per worker: bound the whole fleet's workers
     * so memory and the engine's int gauges stay in range. */
    if ((long long)f->max * f->concurrency > HR_FLEET_MAX_WORKERS) {
        yaml_node_t *max = ld_get(L, n, "max", NULL);
        return ld_fail(L, max, HR_EINVAL, "fleet.max",
                       "max x concurrency must be at most %d workers, got %d x %d; lower fleet.max",
                       HR_FLEET_MAX_WORKERS, f->max, f->concurrency);
    }
    if ((rc = ld_f_int(L, n, "fleet", "initial", false, f->min, 0, INT_MAX, &f->initial)))
        return rc;
    if (f->initial < f->min || f->initial > f->max) {
        yaml_node_t *init = ld_get(L, n, "initial", NULL);
        return ld_fail(L, init, HR_EINVAL, "fleet.initial",
                       "must be from fleet.min (%d) to fleet.max (%d), got %s", f->min, f->max,
                       ld_raw(init, r, sizeof r));
    }
    return HR_OK;
}

/* fleet.warm_pool.start: a duration (constant) or a distribution like
 * fleet.boot; required unless the pool runs (then 0s). */
static int parse_pool_start(loader *L, const yaml_node_t *map, hr_warm_pool_config *w)
{
    const char *path = "fleet.warm_pool.start";
    yaml_node_t *n = ld_get(L, map, "start", NULL);
    memset(&w->start, 0, sizeof w->start);
    w->start.kind = HR_DIST_CONSTANT;
    if (n == NULL && w->state != HR_POOL_RUNNING)
        return ld_fail(L, map, HR_EINVAL, "fleet.warm_pool",
                       "missing required key start: how long a %s pool instance takes to start "
                       "and take traffic, like 20s or {dist: normal, mean: 20s, sd: 5s}",
                       pool_state_names[w->state]);
    if (n != NULL && n->type == YAML_MAPPING_NODE)
        return ld_parse_dist(L, n, path, false, &w->start);
    if (n != NULL) {
        int rc = ld_f_duration(L, map, "fleet.warm_pool", "start", true, 0, false, &w->start.mean_s);
        if (rc != HR_OK)
            return rc;
    }
    hr_error e;
    hr_error_clear(&e);
    if (hr_dist_prepare(&w->start, &e) != HR_OK)
        return ld_fail(L, n, HR_EINVAL, path, "%s", e.msg);
    return HR_OK;
}

/* fleet.warm_pool (AWS PutWarmPool): needs fleet.max and the instance. */
static int parse_warm_pool(loader *L, const yaml_node_t *map, hr_fleet_config *f)
{
    const char *path = "fleet.warm_pool";
    hr_warm_pool_config *w = &f->warm_pool;
    yaml_node_t *n = ld_get(L, map, "warm_pool", NULL), *k;
    char r[64];
    int rc, state;
    if (n == NULL)
        return HR_OK;
    w->enabled = true;
    if ((rc = ld_expect_map(L, n, path, "{state: stopped, start: 20s, stopped_price_per_hour: 0.008}")) ||
        (rc = ld_check_keys(L, n, path, warm_pool_keys)) ||
        (rc = ld_f_int(L, n, path, "max_prepared", false, f->max, 0, INT_MAX, &w->max_prepared)) ||
        (rc = ld_f_int(L, n, path, "min_size", false, 0, 0, INT_MAX, &w->min_size)) ||
        (rc = ld_f_enum(L, n, path, "state", false, HR_POOL_STOPPED, "pool state",
                        pool_state_names, &state)) ||
        (rc = ld_f_bool(L, n, path, "reuse_on_scale_in", false, &w->reuse_on_scale_in)) ||
        (rc = ld_f_bool(L, n, path, "warmup", true, &w->warmup)) ||
        (rc = ld_f_number(L, n, path, "stopped_price_per_hour", false, 0, 0, false, LD_MAX_PRICE,
                          false, &w->stopped_price_per_hour)))
        return rc;
    w->state = (hr_pool_state)state;
    w->max_prepared_given = ld_get(L, n, "max_prepared", NULL) != NULL;
    if (w->min_size > w->max_prepared) {
        k = ld_get(L, n, "min_size", NULL);
        return ld_fail(L, k, HR_EINVAL, "fleet.warm_pool.min_size",
                       "must be at most fleet.warm_pool.max_prepared (%d%s), got %s",
                       w->max_prepared, ld_get(L, n, "max_prepared", NULL) ? "" : ", the default: fleet.max",
                       ld_raw(k, r, sizeof r));
    }
    /* the group and its pool together hold at most max + max_prepared
     * instances: the same bound on workers as fleet.max */
    if (((long long)f->max + w->max_prepared) * f->concurrency > HR_FLEET_MAX_WORKERS) {
        k = ld_get(L, n, "max_prepared", NULL);
        return ld_fail(L, k ? k : n, HR_EINVAL, k ? "fleet.warm_pool.max_prepared" : path,
                       "(fleet.max + max_prepared) x concurrency must be at most %d workers, "
                       "got (%d + %d) x %d; lower max_prepared",
                       HR_FLEET_MAX_WORKERS, f->max, w->max_prepared, f->concurrency);
    }
    if ((rc = parse_pool_start(L, n, w)))
        return rc;
    k = ld_get(L, n, "stopped_price_per_hour", NULL);
    if (w->state == HR_POOL_RUNNING && k != NULL)
        return ld_warn(L, k, "fleet.warm_pool.stopped_price_per_hour",
                       "has no effect with state: running (running pool instances are billed at "
                       "fleet.instance.price_per_hour)");
    if (w->state != HR_POOL_RUNNING && k == NULL)
        return ld_warn(L, n, path,
                       "no stopped_price_per_hour: %s pool instances cost nothing; set what one "
                       "costs while %s (its EBS volumes and Elastic IPs), like 0.008",
                       pool_state_names[w->state], pool_state_names[w->state]);
    return HR_OK;
}

int ld_parse_fleet(loader *L, const yaml_node_t *n)
{
    hr_fleet_config *f = &L->sc->fleet;
    const char *path = "fleet";
    int rc, lb;
    yaml_node_t *sub;
    if ((rc = ld_expect_map(L, n, path, "{instance: {...}, max: 20}")) ||
        (rc = ld_check_keys(L, n, path, fleet_keys)) || (rc = parse_instance(L, n, f)))
        return rc;
    if ((sub = ld_get(L, n, "boot", NULL))) {
        if ((rc = ld_parse_dist(L, sub, "fleet.boot", false, &f->boot)))
            return rc;
    } else {
        memset(&f->boot, 0, sizeof f->boot);
        f->boot.kind = HR_DIST_CONSTANT;
        if ((rc = hr_dist_prepare(&f->boot, L->err)))
            return rc;
    }
    f->warmup_initial_speed = 1;
    if ((sub = ld_get(L, n, "warmup", NULL))) {
        if ((rc = ld_expect_map(L, sub, "fleet.warmup", "{duration: 120s, initial_speed: 0.4}")) ||
            (rc = ld_check_keys(L, sub, "fleet.warmup", warmup_keys)) ||
            (rc = ld_f_duration(L, sub, "fleet.warmup", "duration", false, 0, false,
                                &f->warmup_s)) ||
            (rc = ld_f_number(L, sub, "fleet.warmup", "initial_speed", false, 1, 0, true, 1, false,
                              &f->warmup_initial_speed)))
            return rc;
    }
    if ((rc = ld_f_duration(L, n, path, "drain", false, 0, false, &f->drain_s)))
        return rc;
    f->detect_s = 30;
    if ((sub = ld_get(L, n, "failures", NULL))) {
        if ((rc = ld_expect_map(L, sub, "fleet.failures", "{mtbf: 72h, detect: 30s}")) ||
            (rc = ld_check_keys(L, sub, "fleet.failures", failure_keys)) ||
            (rc = ld_f_duration(L, sub, "fleet.failures", "mtbf", true, 0, true, &f->mtbf_s)) ||
            (rc = ld_f_duration(L, sub, "fleet.failures", "detect", false, 30, false,
                                &f->detect_s)))
            return rc;
    }
    f->billing_granularity_s = 1;
    f->billing_minimum_s = 60;
    if ((sub = ld_get(L, n, "billing", NULL))) {
        if ((rc = ld_expect_map(L, sub, "fleet.billing", "{granularity: 1s, minimum: 60s}")) ||
            (rc = ld_check_keys(L, sub, "fleet.billing", billing_keys)) ||
            (rc = ld_f_duration(L, sub, "fleet.billing", "granularity", false, 1, true,
                                &f->billing_granularity_s)) ||
            (rc = ld_f_duration(L, sub, "fleet.billing", "minimum", false, 60, false,
                                &f->billing_minimum_s)))
            return rc;
    }
    if ((rc = parse_fleet_sizes(L, n, f)) ||
        (rc = ld_f_enum(L, n, path, "load_balancer", false, HR_LB_LEAST_OUTSTANDING,
                        "load balancer", lb_names, &lb)))
        return rc;
    f->load_balancer = (hr_lb_kind)lb;
    if ((rc = parse_purchase(L, n, f)) || (rc = parse_faults(L, n, f)))
        return rc;
    return parse_warm_pool(L, n, f);
}
