/* load_traffic.c - the traffic section: base rate, diurnal and weekly
 * profiles, growth, noise and events, into L->sc->traffic. */
#include "loader.h"

#include <stdlib.h>
#include <string.h>

static const keyspec traffic_keys[] = {
    {"base_rps", NULL}, {"diurnal", NULL}, {"weekly", NULL}, {"start_day", NULL},
    {"growth", NULL}, {"noise", NULL}, {"events", NULL},
    {"tenants", "tenants are not available yet"},
    {"replay", "trace replay is not available yet"}, {NULL, NULL}
};

static const keyspec weekly_keys[] = {
    {"mon", NULL}, {"tue", NULL}, {"wed", NULL}, {"thu", NULL}, {"fri", NULL}, {"sat", NULL},
    {"sun", NULL}, {NULL, NULL}
};

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static const keyspec growth_keys[] = {{"monthly", NULL}, {NULL, NULL}};
static const keyspec noise_keys[] = {{"sigma", NULL}, {"correlation", NULL}, {NULL, NULL}};

static const keyspec event_keys[] = {
    {"name", NULL}, {"start", NULL}, {"duration", NULL}, {"multiplier", NULL}, {"ramp", NULL},
    {"shape", NULL}, {"decay", NULL}, {NULL, NULL}
};

static const char *const shape_names[] = {"plateau", "spike", NULL};

static int parse_diurnal(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    const char *path = "traffic.diurnal";
    char g[64], list[LIST_MAX];
    if (ld_is_scalar(n)) {
        size_t count = ld_count_names(hr_diurnal_profile_names);
        if (hr_diurnal_profile(ld_sval(n), t->diurnal) != HR_OK) {
            const char *s = ld_suggest(ld_sval(n), hr_diurnal_profile_names, count);
            if (s != NULL)
                return ld_fail(L, n, HR_EINVAL, path, "unknown profile %s; did you mean %s?",
                               ld_got(n, g, sizeof g), s);
            return ld_fail(L, n, HR_EINVAL, path,
                           "unknown profile %s; expected one of %s, or a list of 24 hourly multipliers",
                           ld_got(n, g, sizeof g),
                           ld_list_names(hr_diurnal_profile_names, count, list, sizeof list));
        }
        t->diurnal_name = strdup(ld_sval(n));
        return t->diurnal_name ? HR_OK : ld_nomem(L);
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, n, HR_EINVAL, path,
                       "expected a profile name like ecommerce or a list of 24 hourly multipliers, got %s",
                       ld_got(n, g, sizeof g));
    size_t count = ld_seq_len(n);
    if (count != 24)
        return ld_fail(L, n, HR_EINVAL, path, "expected 24 hourly multipliers, got %zu", count);
    double sum = 0;
    for (size_t h = 0; h < 24; h++) {
        char kp[KEYPATH_MAX];
        yaml_node_t *item = ld_seq_item(L, n, h);
        ld_join_index(kp, path, h, NULL);
        int rc = ld_rd_number(L, item, kp, &t->diurnal[h]);
        if (rc == HR_OK)
            rc = ld_check_range(L, item, kp, t->diurnal[h], 0, false, NO_HI, false);
        if (rc != HR_OK)
            return rc;
        sum += t->diurnal[h];
    }
    if (sum <= 0)
        return ld_fail(L, n, HR_EINVAL, path, "all 24 multipliers are 0; at least one hour needs traffic");
    return HR_OK;
}

static int parse_event(loader *L, const yaml_node_t *n, size_t i, hr_traffic_event *ev)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX];
    int rc, shape;
    ld_join_index(path, "traffic.events", i, NULL);
    if ((rc = ld_expect_map(L, n, path, "{name: black-friday, start: 1d, duration: 1d, multiplier: 5}")))
        return rc;
    yaml_node_t *name = ld_get(L, n, "name", NULL);
    if (name != NULL && ld_is_scalar(name))
        ld_join_index(path, "traffic.events", i, ld_sval(name));
    if ((rc = ld_check_keys(L, n, path, event_keys)) ||
        (rc = ld_f_string(L, n, path, "name", true, NULL, &ev->name)) ||
        (rc = ld_f_enum(L, n, path, "shape", false, HR_EVENT_PLATEAU, "shape", shape_names,
                        &shape)))
        return rc;
    ev->shape = (hr_event_shape)shape;
    yaml_node_t *k = NULL;
    if (ev->shape == HR_EVENT_SPIKE && ld_get(L, n, "duration", &k)) {
        ld_join(kp, path, "duration");
        return ld_fail(L, k, HR_EINVAL, kp,
                       "spike events take no duration; a spike rises over ramp and decays with decay");
    }
    if (ev->shape == HR_EVENT_PLATEAU && ld_get(L, n, "decay", &k)) {
        ld_join(kp, path, "decay");
        return ld_fail(L, k, HR_EINVAL, kp,
                       "plateau events take no decay; give shape: spike for a decaying event");
    }
    bool plateau = ev->shape == HR_EVENT_PLATEAU;
    if ((rc = ld_f_duration(L, n, path, "start", true, 0, false, &ev->start_s)) ||
        (plateau && (rc = ld_f_duration(L, n, path, "duration", true, 0, true, &ev->duration_s))) ||
        (rc = ld_f_number(L, n, path, "multiplier", true, 0, 0, true, NO_HI, false,
                          &ev->multiplier)) ||
        (rc = ld_f_duration(L, n, path, "ramp", false, 0, false, &ev->ramp_s)) ||
        (!plateau && (rc = ld_f_duration(L, n, path, "decay", true, 0, true, &ev->decay_s))))
        return rc;
    if (plateau && 2 * ev->ramp_s > ev->duration_s) {
        char d[32];
        ld_fmt_dur(ev->duration_s, d, sizeof d);
        ld_join(kp, path, "ramp");
        yaml_node_t *ramp = ld_get(L, n, "ramp", NULL);
        return ld_fail(L, ramp, HR_EINVAL, kp,
                       "must be at most half of duration (%s) so the ramps in and out fit, got %s",
                       d, ld_sval(ramp));
    }
    return HR_OK;
}

static int parse_events(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    char g[64];
    if (n->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, n, HR_EINVAL, "traffic.events",
                       "expected a list like [{name: black-friday, start: 1d, duration: 1d, multiplier: 5}], got %s",
                       ld_got(n, g, sizeof g));
    size_t count = ld_seq_len(n);
    if (count == 0)
        return HR_OK;
    t->events = calloc(count, sizeof *t->events);
    if (t->events == NULL)
        return ld_nomem(L);
    t->n_events = count;
    for (size_t i = 0; i < count; i++) {
        int rc = parse_event(L, ld_seq_item(L, n, i), i, &t->events[i]);
        if (rc != HR_OK)
            return rc;
    }
    return HR_OK;
}

int ld_parse_traffic(loader *L, const yaml_node_t *n)
{
    hr_traffic_config *t = &L->sc->traffic;
    const char *path = "traffic";
    int rc;
    yaml_node_t *sub;
    if ((rc = ld_expect_map(L, n, path, "{base_rps: 800, diurnal: ecommerce}")) ||
        (rc = ld_check_keys(L, n, path, traffic_keys)) ||
        (rc = ld_f_number(L, n, path, "base_rps", true, 0, 0, true, NO_HI, false, &t->base_rps)))
        return rc;
    for (int h = 0; h < 24; h++)
        t->diurnal[h] = 1;
    if ((sub = ld_get(L, n, "diurnal", NULL)) && (rc = parse_diurnal(L, sub, t)))
        return rc;
    for (int d = 0; d < 7; d++)
        t->weekly[d] = 1;
    if ((sub = ld_get(L, n, "weekly", NULL))) {
        if ((rc = ld_expect_map(L, sub, "traffic.weekly", "{sat: 0.7, sun: 0.6}")) ||
            (rc = ld_check_keys(L, sub, "traffic.weekly", weekly_keys)))
            return rc;
        for (int d = 0; d < 7; d++)
            if ((rc = ld_f_number(L, sub, "traffic.weekly", day_names[d], false, 1, 0, false, NO_HI,
                                  false, &t->weekly[d])))
                return rc;
    }
    if ((rc = ld_f_enum(L, n, path, "start_day", false, 0, "day", day_names, &t->start_day)))
        return rc;
    if ((sub = ld_get(L, n, "growth", NULL))) {
        if ((rc = ld_expect_map(L, sub, "traffic.growth", "{monthly: 0.25}")) ||
            (rc = ld_check_keys(L, sub, "traffic.growth", growth_keys)) ||
            (rc = ld_f_number(L, sub, "traffic.growth", "monthly", true, 0, -1, true, NO_HI, false,
                              &t->growth_monthly)))
            return rc;
    }
    t->noise_correlation_s = 300;
    if ((sub = ld_get(L, n, "noise", NULL))) {
        if ((rc = ld_expect_map(L, sub, "traffic.noise", "{sigma: 0.08, correlation: 5m}")) ||
            (rc = ld_check_keys(L, sub, "traffic.noise", noise_keys)) ||
            (rc = ld_f_number(L, sub, "traffic.noise", "sigma", true, 0, 0, false, NO_HI, false,
                              &t->noise_sigma)) ||
            (rc = ld_f_duration(L, sub, "traffic.noise", "correlation", false, 300, true,
                                &t->noise_correlation_s)))
            return rc;
    }
    if ((sub = ld_get(L, n, "events", NULL)) && (rc = parse_events(L, sub, t)))
        return rc;
    return HR_OK;
}
