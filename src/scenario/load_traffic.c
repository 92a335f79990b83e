/* load_traffic.c - the traffic section: base rate (or a replayed trace,
 * load_replay.c), diurnal and weekly profiles, growth (compound, linear,
 * logistic, steps), noise and events (one-off, or recurring and expanded
 * here into one event per occurrence within the run), into
 * L->sc->traffic. */
#include "loader.h"

#include <stdlib.h>
#include <string.h>

static const keyspec traffic_keys[] = {
    {"base_rps", NULL}, {"diurnal", NULL}, {"weekly", NULL}, {"start_day", NULL},
    {"growth", NULL}, {"noise", NULL}, {"events", NULL},
    {"tenants", NULL}, {"replay", NULL}, {NULL, NULL}
};

static const keyspec weekly_keys[] = {
    {"mon", NULL}, {"tue", NULL}, {"wed", NULL}, {"thu", NULL}, {"fri", NULL}, {"sat", NULL},
    {"sun", NULL}, {NULL, NULL}
};

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static const keyspec growth_keys[] = {
    {"model", NULL}, {"monthly", NULL}, {"ceiling", NULL}, {"steps", NULL}, {NULL, NULL}
};
static const char *const growth_names[] = {"compound", "linear", "logistic", "steps", NULL};
static const keyspec growth_step_keys[] = {{"at", NULL}, {"multiplier", NULL}, {NULL, NULL}};
static const keyspec noise_keys[] = {{"sigma", NULL}, {"correlation", NULL}, {NULL, NULL}};

static const keyspec event_keys[] = {
    {"name", NULL}, {"start", NULL}, {"duration", NULL}, {"multiplier", NULL}, {"ramp", NULL},
    {"shape", NULL}, {"decay", NULL}, {"every", NULL}, {"at", NULL}, {NULL, NULL}
};

static const keyspec tenant_keys[] = {
    {"name", NULL}, {"tier", NULL}, {"onboard", NULL}, {"ramp", NULL}, {"base_rps", NULL},
    {"classes", NULL}, {"slo", NULL}, {NULL, NULL}
};
static const keyspec tenant_slo_keys[] = {
    {"latency_p95", NULL}, {"latency_p99", NULL}, {"error_rate", NULL}, {NULL, NULL}
};

/* every: which days a recurring event fires (a day name, or a list of them). */
static const char *const every_names[] = {"day", "weekdays", "weekends", NULL};

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
            rc = ld_check_range(L, item, kp, t->diurnal[h], 0, false, LD_MAX_FACTOR, false);
        if (rc != HR_OK)
            return rc;
        sum += t->diurnal[h];
    }
    if (sum <= 0)
        return ld_fail(L, n, HR_EINVAL, path, "all 24 multipliers are 0; at least one hour needs traffic");
    return HR_OK;
}

/* A recurring event's days and time of day. */
typedef struct recurrence {
    bool on;
    unsigned days;   /* bit d: day of week d (0 = Monday) */
    double at_s;     /* time of day */
} recurrence;

/* Two digits at s. */
static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Exactly "HH:MM" or "HH:MM:SS", 00:00 to 23:59:59. */
static bool parse_clock(const char *s, double *out)
{
    size_t len = strlen(s);
    if ((len != 5 && len != 8) || s[2] != ':' || (len == 8 && s[5] != ':'))
        return false;
    int h = two_digits(s), m = two_digits(s + 3), sec = len == 8 ? two_digits(s + 6) : 0;
    if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
        return false;
    *out = h * 3600.0 + m * 60.0 + sec;
    return true;
}

static int parse_every_day(loader *L, const yaml_node_t *n, const char *path, unsigned *days)
{
    int k;
    char g[64];
    if (!ld_is_scalar(n))
        return ld_fail(L, n, HR_EINVAL, path, "expected a day like mon, weekdays or day, got %s",
                       ld_got(n, g, sizeof g));
    for (k = 0; every_names[k] && strcmp(every_names[k], ld_sval(n)) != 0; k++)
        ;
    if (every_names[k] != NULL) {
        *days |= k == 0 ? 0x7Fu : k == 1 ? 0x1Fu : 0x60u;
        return HR_OK;
    }
    for (k = 0; day_names[k] && strcmp(day_names[k], ld_sval(n)) != 0; k++)
        ;
    if (day_names[k] != NULL) {
        *days |= 1u << k;
        return HR_OK;
    }
    const char *all[11];
    size_t n_all = 0;
    for (int i = 0; every_names[i]; i++)
        all[n_all++] = every_names[i];
    for (int i = 0; day_names[i]; i++)
        all[n_all++] = day_names[i];
    char list[LIST_MAX];
    const char *sug = ld_suggest(ld_sval(n), all, n_all);
    if (sug)
        return ld_fail(L, n, HR_EINVAL, path, "unknown day %s; did you mean %s?",
                       ld_got(n, g, sizeof g), sug);
    return ld_fail(L, n, HR_EINVAL, path, "unknown day %s; expected one of %s, or a list of days",
                   ld_got(n, g, sizeof g), ld_list_names(all, n_all, list, sizeof list));
}

int ld_parse_days(loader *L, const yaml_node_t *n, const char *path, unsigned *days)
{
    int rc;
    *days = 0;
    if (n->type == YAML_SEQUENCE_NODE && ld_seq_len(n) == 0)
        return ld_fail(L, n, HR_EINVAL, path, "expected at least one day, got an empty list");
    if (n->type != YAML_SEQUENCE_NODE)
        return parse_every_day(L, n, path, days);
    for (size_t i = 0; i < ld_seq_len(n); i++) {
        char ip[KEYPATH_MAX];
        ld_join_index(ip, path, i, NULL);
        if ((rc = parse_every_day(L, ld_seq_item(L, n, i), ip, days)))
            return rc;
    }
    return HR_OK;
}

/* every: + at: of a recurring event. */
static int parse_recurrence(loader *L, const yaml_node_t *n, const char *path, recurrence *r)
{
    char kp[KEYPATH_MAX], g[64];
    int rc;
    yaml_node_t *every = ld_get(L, n, "every", NULL), *at = ld_get(L, n, "at", NULL), *k = NULL;
    if (every == NULL && at == NULL)
        return HR_OK;
    if (every == NULL)
        return ld_missing(L, n, path, "every (the days an event with at: recurs on)");
    if (at == NULL)
        return ld_missing(L, n, path, "at (the time of day, like \"09:30\")");
    if (ld_get(L, n, "start", &k)) {
        ld_join(kp, path, "start");
        return ld_fail(L, k, HR_EINVAL, kp,
                       "a recurring event takes every and at, not start");
    }
    r->on = true;
    ld_join(kp, path, "every");
    if (every->type == YAML_SEQUENCE_NODE && ld_seq_len(every) == 0)
        return ld_fail(L, every, HR_EINVAL, kp, "expected at least one day, got an empty list");
    if (every->type == YAML_SEQUENCE_NODE) {
        for (size_t i = 0; i < ld_seq_len(every); i++) {
            char ip[KEYPATH_MAX];
            ld_join_index(ip, kp, i, NULL);
            if ((rc = parse_every_day(L, ld_seq_item(L, every, i), ip, &r->days)))
                return rc;
        }
    } else if ((rc = parse_every_day(L, every, kp, &r->days))) {
        return rc;
    }
    ld_join(kp, path, "at");
    if (!ld_is_scalar(at) || !parse_clock(ld_sval(at), &r->at_s))
        return ld_fail(L, at, HR_EINVAL, kp, "expected a time of day like \"09:30\", got %s",
                       ld_got(at, g, sizeof g));
    return HR_OK;
}

static int parse_event(loader *L, const yaml_node_t *n, size_t i, hr_traffic_event *ev,
                       recurrence *rec)
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
                        &shape)) ||
        (rc = parse_recurrence(L, n, path, rec)))
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
    if ((!rec->on && (rc = ld_f_duration(L, n, path, "start", true, 0, false, &ev->start_s))) ||
        (plateau && (rc = ld_f_duration(L, n, path, "duration", true, 0, true, &ev->duration_s))) ||
        (rc = ld_f_number(L, n, path, "multiplier", true, 0, 0, true, LD_MAX_FACTOR, false,
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
    if (rec->on && plateau && ev->duration_s > 86400) {
        ld_join(kp, path, "duration");
        return ld_fail(L, ld_get(L, n, "duration", NULL), HR_EINVAL, kp,
                       "a recurring event lasts at most a day, got %s",
                       ld_sval(ld_get(L, n, "duration", NULL)));
    }
    return HR_OK;
}

/* The days of the run on which rec fires, from day 0 (traffic.start_day at
 * 00:00, or with a dated calendar the local date at t = 0, each occurrence
 * at its local time of day, so it follows the zone's daylight saving
 * time); writes each occurrence from the template when out is not NULL.
 * Returns how many start within the run. */
static size_t occurrences(const hr_scenario *sc, const recurrence *rec, hr_traffic_event *out,
                          const hr_traffic_event *tmpl)
{
    const hr_calendar *cal = &sc->calendar;
    double duration_s = sc->duration_s;
    size_t count = 0;
    long days = (long)ceil(duration_s / 86400.0);
    int64_t day0 = 0;
    if (cal->dated) {
        int64_t local0 = cal->start_utc_s + hr_tz_offset(&cal->tz, cal->start_utc_s);
        day0 = local0 >= 0 ? local0 / 86400 : -((-local0 + 86399) / 86400);
        days++; /* the run may end on the day after its last whole one */
    }
    for (long d = 0; d < days; d++) {
        double start = (double)d * 86400.0 + rec->at_s;
        if (cal->dated)
            start = hr_calendar_sim_s(cal, hr_tz_utc(&cal->tz, (day0 + d) * 86400 +
                                                                  (int64_t)rec->at_s));
        if (start >= duration_s)
            break;
        if (start < 0 || !(rec->days & (1u << ((sc->traffic.start_day + d) % 7))))
            continue;
        if (out != NULL) {
            out[count] = *tmpl;
            out[count].start_s = start;
        }
        count++;
    }
    return count;
}

static int parse_events(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    char g[64], path[KEYPATH_MAX], d[32], e[32];
    if (n->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, n, HR_EINVAL, "traffic.events",
                       "expected a list like [{name: black-friday, start: 1d, duration: 1d, multiplier: 5}], got %s",
                       ld_got(n, g, sizeof g));
    size_t count = ld_seq_len(n);
    if (count == 0)
        return HR_OK;
    hr_traffic_event *tmpl = calloc(count, sizeof *tmpl);
    recurrence *rec = calloc(count, sizeof *rec);
    int rc = tmpl && rec ? HR_OK : ld_nomem(L);
    size_t total = 0;
    double duration_s = L->sc->duration_s;
    for (size_t i = 0; i < count && rc == HR_OK; i++) {
        const yaml_node_t *item = ld_seq_item(L, n, i);
        rc = parse_event(L, item, i, &tmpl[i], &rec[i]);
        if (rc != HR_OK)
            break;
        size_t k = rec[i].on ? occurrences(L->sc, &rec[i], NULL, NULL) : 1;
        ld_join_index(path, "traffic.events", i, tmpl[i].name);
        ld_fmt_dur(duration_s, d, sizeof d);
        if (rec[i].on && k == 0)
            rc = ld_warn(L, item, path, "never fires within the run (%s)", d);
        else if (!rec[i].on && tmpl[i].start_s >= duration_s) {
            ld_fmt_dur(tmpl[i].start_s, e, sizeof e);
            rc = ld_warn(L, item, path,
                         "starts at %s, at or after the end of the run (%s): it has no effect", e,
                         d);
        }
        total += k;
    }
    if (rc == HR_OK && total > 0) {
        t->events = calloc(total, sizeof *t->events);
        if (t->events == NULL)
            rc = ld_nomem(L);
    }
    /* Every occurrence owns a copy of its name (hr_scenario_free frees each). */
    /* no occurrence at all (recurring events that never fall in the run):
     * t->events is NULL and there is nothing to copy */
    for (size_t i = 0; i < count && rc == HR_OK && t->events != NULL; i++) {
        hr_traffic_event *at = t->events + t->n_events;
        size_t k = rec[i].on ? occurrences(L->sc, &rec[i], at, &tmpl[i]) : 1;
        if (!rec[i].on)
            *at = tmpl[i];
        for (size_t j = 0; j < k && rc == HR_OK; j++) {
            at[j].name = strdup(tmpl[i].name);
            if (at[j].name == NULL)
                rc = ld_nomem(L);
            else
                t->n_events++;
        }
    }
    for (size_t i = 0; i < count && tmpl; i++)
        free(tmpl[i].name);
    free(tmpl);
    free(rec);
    return rc;
}

/* growth: {monthly} (compound), or {model, monthly, ceiling, steps}. */
static int parse_growth(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    const char *path = "traffic.growth";
    char kp[KEYPATH_MAX], g[64];
    int rc, model;
    if ((rc = ld_expect_map(L, n, path, "{monthly: 0.25}")) ||
        (rc = ld_check_keys(L, n, path, growth_keys)) ||
        (rc = ld_f_enum(L, n, path, "model", false, HR_GROWTH_COMPOUND, "growth model",
                        growth_names, &model)))
        return rc;
    t->growth_model = (hr_growth_model)model;
    yaml_node_t *k;
    const char *wrong = NULL;
    if (model != HR_GROWTH_LOGISTIC && (k = ld_get(L, n, "ceiling", NULL)))
        wrong = "ceiling";
    else if (model != HR_GROWTH_STEPS && (k = ld_get(L, n, "steps", NULL)))
        wrong = "steps";
    else if (model == HR_GROWTH_STEPS && (k = ld_get(L, n, "monthly", NULL)))
        wrong = "monthly";
    if (wrong != NULL) {
        ld_join(kp, path, wrong);
        return ld_fail(L, ld_get(L, n, wrong, NULL), HR_EINVAL, kp, "%s growth takes no %s",
                       growth_names[model], wrong);
    }
    if (model == HR_GROWTH_STEPS) {
        yaml_node_t *seq = ld_get(L, n, "steps", NULL);
        if (seq == NULL)
            return ld_missing(L, n, path, "steps (like [{at: 30d, multiplier: 1.5}])");
        ld_join(kp, path, "steps");
        size_t count = ld_seq_len(seq);
        if (count == 0)
            return ld_fail(L, seq, HR_EINVAL, kp,
                           "expected a non-empty list like [{at: 30d, multiplier: 1.5}], got %s",
                           seq->type == YAML_SEQUENCE_NODE ? "an empty list" : ld_got(seq, g, sizeof g));
        if ((t->growth_steps = calloc(count, sizeof *t->growth_steps)) == NULL)
            return ld_nomem(L);
        for (size_t i = 0; i < count; i++) {
            char sp[KEYPATH_MAX];
            yaml_node_t *item = ld_seq_item(L, seq, i);
            hr_growth_step *st = &t->growth_steps[i];
            ld_join_index(sp, kp, i, NULL);
            t->n_growth_steps = i + 1;
            if ((rc = ld_expect_map(L, item, sp, "{at: 30d, multiplier: 1.5}")) ||
                (rc = ld_check_keys(L, item, sp, growth_step_keys)) ||
                (rc = ld_f_duration(L, item, sp, "at", true, 0, false, &st->at_s)) ||
                (rc = ld_f_number(L, item, sp, "multiplier", true, 0, 0, true, 1e6, false,
                                  &st->level)))
                return rc;
            char at[KEYPATH_MAX];
            ld_join(at, sp, "at");
            if (i > 0 && st->at_s <= t->growth_steps[i - 1].at_s)
                return ld_fail(L, ld_get(L, item, "at", NULL), HR_EINVAL, at,
                               "must be later than the step before; list steps in time order");
            if (st->at_s >= L->sc->duration_s) {
                char e[32], d[32];
                ld_fmt_dur(st->at_s, e, sizeof e);
                ld_fmt_dur(L->sc->duration_s, d, sizeof d);
                if ((rc = ld_warn(L, item, sp,
                                  "starts at %s, at or after the end of the run (%s): it has no effect",
                                  e, d)))
                    return rc;
            }
        }
        return HR_OK;
    }
    if ((rc = ld_f_number(L, n, path, "monthly", true, 0, -1, true, 100, false,
                          &t->growth_monthly)))
        return rc;
    if (model == HR_GROWTH_LOGISTIC) {
        if ((rc = ld_f_number(L, n, path, "ceiling", true, 0, 0, true, 1e6, false,
                              &t->growth_ceiling)))
            return rc;
        if (t->growth_monthly <= 0) {
            ld_join(kp, path, "monthly");
            return ld_fail(L, ld_get(L, n, "monthly", NULL), HR_EINVAL, kp,
                           "logistic growth needs a rate > 0 (the early monthly growth), got %g",
                           t->growth_monthly);
        }
    }
    return HR_OK;
}

/* Unset marks in a tenant's SLO until ld_finish_tenants fills them in. */
#define TENANT_SLO_UNSET (-2.0)

static int parse_tenant(loader *L, const yaml_node_t *n, size_t i, hr_tenant *t)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX];
    int rc;
    ld_join_index(path, "traffic.tenants", i, NULL);
    if ((rc = ld_expect_map(L, n, path, "{name: acme, onboard: 2d, base_rps: 300, ramp: 1d}")))
        return rc;
    yaml_node_t *name = ld_get(L, n, "name", NULL);
    if (name != NULL && ld_is_scalar(name))
        ld_join_index(path, "traffic.tenants", i, ld_sval(name));
    if ((rc = ld_check_keys(L, n, path, tenant_keys)) ||
        (rc = ld_f_string(L, n, path, "name", true, NULL, &t->name)) ||
        (rc = ld_check_name(L, n, path, "name", t->name)) ||
        (rc = ld_f_string(L, n, path, "tier", false, "", &t->tier)) ||
        (rc = ld_f_duration(L, n, path, "onboard", false, 0, false, &t->onboard_s)) ||
        (rc = ld_f_duration(L, n, path, "ramp", false, 0, false, &t->ramp_s)) ||
        (rc = ld_f_number(L, n, path, "base_rps", true, 0, 0, true, LD_MAX_RATE, false,
                          &t->base_rps)))
        return rc;
    yaml_node_t *classes = ld_get(L, n, "classes", NULL);
    ld_join(kp, path, "classes");
    if (classes != NULL && (rc = ld_parse_classes(L, classes, kp, &t->classes, &t->n_classes)))
        return rc;
    t->slo.latency_p95_s = t->slo.latency_p99_s = t->slo.error_rate_pct = TENANT_SLO_UNSET;
    yaml_node_t *slo = ld_get(L, n, "slo", NULL);
    if (slo != NULL) {
        ld_join(kp, path, "slo");
        if ((rc = ld_expect_map(L, slo, kp, "{latency_p95: 200ms}")) ||
            (rc = ld_check_keys(L, slo, kp, tenant_slo_keys)) ||
            (rc = ld_f_duration(L, slo, kp, "latency_p95", false, TENANT_SLO_UNSET, true,
                                &t->slo.latency_p95_s)) ||
            (rc = ld_f_duration(L, slo, kp, "latency_p99", false, TENANT_SLO_UNSET, true,
                                &t->slo.latency_p99_s)) ||
            (rc = ld_f_number(L, slo, kp, "error_rate", false, TENANT_SLO_UNSET, 0, false, 100,
                              false, &t->slo.error_rate_pct)))
            return rc;
    }
    if (t->onboard_s >= L->sc->duration_s) {
        char e[32], d[32];
        ld_fmt_dur(t->onboard_s, e, sizeof e);
        ld_fmt_dur(L->sc->duration_s, d, sizeof d);
        return ld_warn(L, n, path, "onboards at %s, at or after the end of the run (%s): it sends nothing",
                       e, d);
    }
    return HR_OK;
}

int ld_parse_tenants(loader *L, const yaml_node_t *n)
{
    char g[64];
    hr_scenario *sc = L->sc;
    if (n->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, n, HR_EINVAL, "traffic.tenants",
                       "expected a list like [{name: acme, onboard: 2d, base_rps: 300}], got %s",
                       ld_got(n, g, sizeof g));
    size_t count = ld_seq_len(n);
    if (count == 0)
        return HR_OK;
    if (count > HR_MAX_TENANTS)
        return ld_fail(L, n, HR_EINVAL, "traffic.tenants", "at most %d tenants, got %zu",
                       HR_MAX_TENANTS, count);
    if ((sc->tenants = calloc(count, sizeof *sc->tenants)) == NULL)
        return ld_nomem(L);
    for (size_t i = 0; i < count; i++) {
        sc->n_tenants = i + 1; /* counts the entries to free */
        const yaml_node_t *item = ld_seq_item(L, n, i);
        int rc = parse_tenant(L, item, i, &sc->tenants[i]);
        if (rc != HR_OK)
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(sc->tenants[j].name, sc->tenants[i].name) == 0) {
                char path[KEYPATH_MAX], kp[KEYPATH_MAX];
                ld_join_index(path, "traffic.tenants", i, sc->tenants[i].name);
                ld_join(kp, path, "name");
                return ld_fail(L, ld_get(L, item, "name", NULL), HR_EINVAL, kp,
                               "duplicate tenant name; traffic.tenants[%zu] is already called %s",
                               j, sc->tenants[i].name);
            }
        }
    }
    return HR_OK;
}

void ld_finish_tenants(loader *L)
{
    const hr_slo_config *s = &L->sc->slo;
    for (size_t i = 0; i < L->sc->n_tenants; i++) {
        hr_slo_config *t = &L->sc->tenants[i].slo;
        if (t->latency_p95_s == TENANT_SLO_UNSET)
            t->latency_p95_s = s->latency_p95_s;
        if (t->latency_p99_s == TENANT_SLO_UNSET)
            t->latency_p99_s = s->latency_p99_s;
        if (t->error_rate_pct == TENANT_SLO_UNSET)
            t->error_rate_pct = s->error_rate_pct;
        t->window_s = s->window_s;
        t->objective_pct = s->objective_pct;
        t->min_requests = s->min_requests;
    }
}

int ld_parse_traffic(loader *L, const yaml_node_t *n)
{
    hr_traffic_config *t = &L->sc->traffic;
    const char *path = "traffic";
    int rc;
    yaml_node_t *sub;
    if ((rc = ld_expect_map(L, n, path, "{base_rps: 800, diurnal: ecommerce}")) ||
        (rc = ld_check_keys(L, n, path, traffic_keys)))
        return rc;
    yaml_node_t *replay = ld_get(L, n, "replay", NULL);
    if (replay != NULL) {
        /* the trace is the base rate, its own days and weeks included */
        static const char *const instead[] = {"base_rps", "diurnal", "weekly"};
        for (size_t i = 0; i < sizeof instead / sizeof instead[0]; i++) {
            yaml_node_t *key;
            if (ld_get(L, n, instead[i], &key)) {
                char kp[KEYPATH_MAX];
                ld_join(kp, path, instead[i]);
                return ld_fail(L, key, HR_EINVAL, kp,
                               "a replay is the base rate, days and weeks included; remove %s "
                               "(scale the trace with replay.scale)",
                               instead[i]);
            }
        }
        if ((rc = ld_parse_replay(L, replay, "traffic.replay")))
            return rc;
        t->base_rps = 1;
    } else if ((rc = ld_f_number(L, n, path, "base_rps", true, 0, 0, true, LD_MAX_RATE, false,
                                 &t->base_rps))) {
        return rc;
    }
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
            if ((rc = ld_f_number(L, sub, "traffic.weekly", day_names[d], false, 1, 0, false,
                                  LD_MAX_FACTOR, false, &t->weekly[d])))
                return rc;
    }
    if ((rc = ld_f_enum(L, n, path, "start_day", false, 0, "day", day_names, &t->start_day)) ||
        (rc = ld_finish_calendar(L, n)))
        return rc;
    if ((sub = ld_get(L, n, "growth", NULL)) && (rc = parse_growth(L, sub, t)))
        return rc;
    t->noise_correlation_s = 300;
    if ((sub = ld_get(L, n, "noise", NULL))) {
        if ((rc = ld_expect_map(L, sub, "traffic.noise", "{sigma: 0.08, correlation: 5m}")) ||
            (rc = ld_check_keys(L, sub, "traffic.noise", noise_keys)) ||
            (rc = ld_f_number(L, sub, "traffic.noise", "sigma", true, 0, 0, false, 3, false,
                              &t->noise_sigma)) ||
            (rc = ld_f_duration(L, sub, "traffic.noise", "correlation", false, 300, true,
                                &t->noise_correlation_s)))
            return rc;
    }
    if ((sub = ld_get(L, n, "events", NULL)) && (rc = parse_events(L, sub, t)))
        return rc;
    if ((sub = ld_get(L, n, "tenants", NULL)) && (rc = ld_parse_tenants(L, sub)))
        return rc;
    return HR_OK;
}
