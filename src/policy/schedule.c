/* schedule.c - scheduled actions as events of a run; see schedule.h.
 *
 * Occurrences are found in local time (the cron's days, hours and minutes
 * on the wall clock of the action's zone) and turned into UTC instants by
 * hr_tz_utc: so an 08:00 action stays at 08:00 across a daylight saving
 * change (AWS: "the action automatically adjusts for DST"); a time skipped
 * when clocks go forward runs at the jump, a time repeated when they go
 * back runs once, at its first instant. */
#include "headroom/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400

static const hr_tz *action_tz(const hr_scheduled_action *a, const hr_calendar *cal)
{
    return a->has_tz ? &a->tz : &cal->tz;
}

typedef struct event_list {
    hr_schedule_event *v;
    size_t n, cap;
} event_list;

static int push(event_list *l, double t, int64_t local, size_t action)
{
    if (l->n == l->cap) {
        if (l->n >= HR_SCHEDULE_MAX_EVENTS)
            return HR_EINVAL;
        size_t cap = l->cap ? 2 * l->cap : 64;
        hr_schedule_event *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return HR_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (hr_schedule_event){.time_s = t, .local_s = local, .action = action};
    return HR_OK;
}

static bool in_bounds(const hr_scheduled_action *a, int64_t utc)
{
    return (!a->has_start || utc >= a->start_utc_s) && (!a->has_end || utc <= a->end_utc_s);
}

/* Action i's occurrences in [u0, u1] (UTC) into l. */
static int forward(const hr_scheduled_action *a, size_t i, const hr_calendar *cal, int64_t u0,
                   int64_t u1, event_list *l)
{
    const hr_tz *tz = action_tz(a, cal);
    int rc;
    if (a->once) {
        int64_t u = hr_tz_utc(tz, a->once_local_s);
        if (u >= u0 && u <= u1)
            return push(l, hr_calendar_sim_s(cal, u), a->once_local_s, i);
        return HR_OK;
    }
    if (a->has_start && a->start_utc_s >= u0 && a->start_utc_s <= u1 &&
        (rc = push(l, hr_calendar_sim_s(cal, a->start_utc_s),
                   a->start_utc_s + hr_tz_offset(tz, a->start_utc_s), i)))
        return rc;
    /* from a day before in local time: offsets are within a day of UTC */
    int64_t local = u0 + hr_tz_offset(tz, u0) - DAY_S;
    int64_t last = u1 + hr_tz_offset(tz, u1) + DAY_S;
    int span_days = (int)((last - local) / DAY_S) + 1;
    for (;;) {
        local = hr_cron_next(&a->cron, local, span_days);
        if (local == INT64_MIN || local > last)
            return HR_OK;
        int64_t u = hr_tz_utc(tz, local);
        if (u >= u0 && u <= u1 && in_bounds(a, u) && (rc = push(l, hr_calendar_sim_s(cal, u), local, i)))
            return rc;
    }
}

/* Action i's latest occurrence before u0 into l, if it has one within the
 * lookback (and within its start and end). */
static int latest_before(const hr_scheduled_action *a, size_t i, const hr_calendar *cal,
                         int64_t u0, event_list *l)
{
    const hr_tz *tz = action_tz(a, cal);
    if (a->once) {
        int64_t u = hr_tz_utc(tz, a->once_local_s);
        return u < u0 ? push(l, hr_calendar_sim_s(cal, u), a->once_local_s, i) : HR_OK;
    }
    /* the latest time the recurrence may have run: before u0 and its end */
    int64_t limit = a->has_end && a->end_utc_s < u0 ? a->end_utc_s + 1 : u0;
    int64_t best = INT64_MIN, best_local = 0;
    if (a->has_start && a->start_utc_s < limit) {
        best = a->start_utc_s; /* AWS runs it at its start too */
        best_local = a->start_utc_s + hr_tz_offset(tz, a->start_utc_s);
    }
    int64_t local = limit + hr_tz_offset(tz, limit) + DAY_S;
    int64_t stop = local - (int64_t)HR_SCHEDULE_LOOKBACK_DAYS * DAY_S;
    for (;;) {
        local = hr_cron_prev(&a->cron, local, HR_SCHEDULE_LOOKBACK_DAYS);
        if (local == INT64_MIN || local < stop)
            break;
        int64_t u = hr_tz_utc(tz, local);
        if (u < limit) { /* wall-clock order is UTC order: this is the latest */
            if (in_bounds(a, u) && u > best) {
                best = u;
                best_local = local;
            }
            break;
        }
        local--;
    }
    return best == INT64_MIN ? HR_OK : push(l, hr_calendar_sim_s(cal, best), best_local, i);
}

static int by_time(const void *x, const void *y)
{
    const hr_schedule_event *a = x, *b = y;
    if (a->time_s != b->time_s)
        return a->time_s < b->time_s ? -1 : 1;
    return a->action < b->action ? -1 : a->action > b->action;
}

/* Sort by time then file order, and drop repeats of an action at one
 * instant (two skipped wall-clock times that both run at the jump). */
static void sort_unique(event_list *l)
{
    if (l->n == 0)
        return;
    qsort(l->v, l->n, sizeof *l->v, by_time);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (k > 0 && l->v[k - 1].time_s == l->v[i].time_s && l->v[k - 1].action == l->v[i].action)
            continue;
        l->v[k++] = l->v[i];
    }
    l->n = k;
}

int hr_schedule_build(hr_schedule *s, const hr_policy_config *pc, const hr_calendar *cal,
                      double duration_s, hr_error *err)
{
    memset(s, 0, sizeof *s);
    event_list before = {0}, events = {0};
    int64_t u0 = cal->start_utc_s, u1 = u0 + (int64_t)duration_s;
    int rc = HR_OK;
    for (size_t i = 0; i < pc->n_schedule && rc == HR_OK; i++) {
        rc = forward(&pc->schedule[i], i, cal, u0, u1, &events);
        if (rc == HR_OK)
            rc = latest_before(&pc->schedule[i], i, cal, u0, &before);
    }
    if (rc != HR_OK) {
        free(before.v);
        free(events.v);
        if (rc == HR_ENOMEM)
            return hr_error_set(err, HR_ENOMEM, "policy %s: out of memory for its schedule",
                                pc->name);
        return hr_error_set(err, rc, "policy %s: its schedule runs more than %d times in the run; "
                            "run it less often", pc->name, HR_SCHEDULE_MAX_EVENTS);
    }
    /* a whole second past the end may have come in with u1's rounding */
    size_t k = 0;
    for (size_t i = 0; i < events.n; i++)
        if (events.v[i].time_s <= duration_s)
            events.v[k++] = events.v[i];
    events.n = k;
    sort_unique(&before);
    sort_unique(&events);
    s->before = before.v;
    s->n_before = before.n;
    s->events = events.v;
    s->n_events = events.n;
    return HR_OK;
}

void hr_schedule_free(hr_schedule *s)
{
    free(s->before);
    free(s->events);
    memset(s, 0, sizeof *s);
}

/* "Thu 2026-11-26 08:00 Europe/Berlin" (dated) or "Thu 08:00" (undated). */
static void when_text(const hr_scheduled_action *a, const hr_schedule_event *ev,
                      const hr_calendar *cal, char *buf, size_t len)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int64_t day = ev->local_s >= 0 ? ev->local_s / DAY_S : -((-ev->local_s + DAY_S - 1) / DAY_S);
    char dt[40];
    hr_civil_format(ev->local_s, dt, sizeof dt);
    if (cal->dated)
        snprintf(buf, len, "%s %s %s", days[hr_civil_weekday(day)], dt,
                 action_tz(a, cal)->name);
    else
        snprintf(buf, len, "%s %s", days[hr_civil_weekday(day)], dt + 11);
}

bool hr_schedule_apply(const hr_scheduled_action *a, const hr_schedule_event *ev,
                       const hr_calendar *cal, hr_group_size *g, char *reason, size_t len)
{
    char when[96], sets[96] = "";
    size_t used = 0;
    when_text(a, ev, cal, when, sizeof when);
    if (a->min >= 0)
        used += (size_t)snprintf(sets + used, sizeof sets - used, " min %d", a->min);
    if (a->max >= 0)
        used += (size_t)snprintf(sets + used, sizeof sets - used, " max %d", a->max);
    if (a->desired >= 0)
        snprintf(sets + used, sizeof sets - used, " desired %d", a->desired);
    int n = snprintf(reason, len, "schedule: %s (%s%s):%s", a->label, when,
                     ev->time_s < 0 ? ", before the start" : "", sets);
    size_t at = n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;

    int min = a->min >= 0 ? a->min : g->min;
    int max = a->max >= 0 ? a->max : g->max;
    if (min > max) {
        snprintf(reason + at, len - at, "; not run: min %d would exceed max %d (give both)", min,
                 max);
        return false;
    }
    int d = a->desired >= 0 ? a->desired : g->desired;
    if (d < min) {
        at += (size_t)snprintf(reason + at, len - at, "; desired %d raised to min %d", d, min);
        d = min;
    } else if (d > max) {
        at += (size_t)snprintf(reason + at, len - at, "; desired %d lowered to max %d", d, max);
        d = max;
    }
    if (at < len && d != g->desired)
        snprintf(reason + at, len - at, "; capacity %d -> %d", g->desired, d);
    *g = (hr_group_size){.min = min, .max = max, .desired = d};
    return true;
}
