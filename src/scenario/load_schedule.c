/* load_schedule.c - a policy's schedule: scheduled actions as AWS EC2 Auto
 * Scaling's PutScheduledUpdateGroupAction takes them (MinSize, MaxSize,
 * DesiredCapacity at a Time, or by a Recurrence in a TimeZone between a
 * StartTime and an EndTime), written
 *
 *   schedule:
 *     - {at: "08:00", days: weekdays, min: 12, max: 40, desired: 12}
 *     - {at: "2026-11-27T06:00", min: 30}
 *     - {cron: "0 20 * * fri", time_zone: Europe/Berlin, max: 10}
 *
 * Every date and time is wall-clock time in the action's time zone (its
 * time_zone, else the calendar's); dates need a dated calendar. */
#include "loader.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const keyspec action_keys[] = {
    {"name", NULL}, {"at", NULL}, {"cron", NULL}, {"days", NULL}, {"time_zone", NULL},
    {"start", NULL}, {"end", NULL}, {"min", NULL}, {"max", NULL}, {"desired", NULL},
    {NULL, NULL}
};

static const char *const short_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* "HH:MM" or "HH:MM:SS" into seconds of the day. */
static bool parse_time_of_day(const char *s, int *out)
{
    size_t len = strlen(s);
    if ((len != 5 && len != 8) || s[2] != ':' || (len == 8 && s[5] != ':'))
        return false;
    for (size_t i = 0; i < len; i++)
        if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
            return false;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    int sec = len == 8 ? (s[6] - '0') * 10 + s[7] - '0' : 0;
    if (h > 23 || m > 59 || sec > 59)
        return false;
    *out = h * 3600 + m * 60 + sec;
    return true;
}

/* The days as the log names them: "" (every day), "weekdays", "weekends"
 * or "mon,wed". */
static void days_text(unsigned days, char *buf, size_t len)
{
    buf[0] = '\0';
    if (days == 0x7Fu)
        return;
    if (days == 0x1Fu || days == 0x60u) {
        snprintf(buf, len, " %s", days == 0x1Fu ? "weekdays" : "weekends");
        return;
    }
    size_t used = 0;
    for (int d = 0; d < 7; d++)
        if (days & (1u << d))
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                     used ? "," : " ", short_days[d]);
}

/* A date or date-time at key in n (wall clock in tz, or UTC with a Z) into
 * UTC seconds; *local the wall clock. */
static int read_instant(loader *L, const yaml_node_t *n, const char *path, const char *key,
                        const hr_tz *tz, int64_t *utc_s, int64_t *local_s)
{
    char kp[KEYPATH_MAX], g[64];
    yaml_node_t *v = ld_get(L, n, key, NULL);
    int64_t t;
    bool has_time, utc;
    ld_join(kp, path, key);
    if (!ld_is_scalar(v) || !hr_civil_parse(ld_sval(v), &t, &has_time, &utc))
        return ld_fail(L, v, HR_EINVAL, kp,
                       "expected a date like 2026-11-27 or a date and time like "
                       "\"2026-11-27T08:00\" (a trailing Z for UTC), got %s",
                       ld_got(v, g, sizeof g));
    *utc_s = utc ? t : hr_tz_utc(tz, t);
    *local_s = utc ? t + hr_tz_offset(tz, t) : t;
    return HR_OK;
}

/* What needs a date (a one-off, a cron restricting months or days of the
 * month, a time zone, start or end) without a dated calendar: an error at
 * the key that asks for it. */
static int need_date(loader *L, const yaml_node_t *at, const char *path, const char *what)
{
    return ld_fail(L, at, HR_EINVAL, path,
                   "%s needs a dated calendar (without one, t = 0 is midnight of an undated "
                   "week); add calendar: {start: 2026-11-26} at the top level",
                   what);
}

/* When the action runs: at (a time of day, with days, or a one-off date)
 * or cron; fills once/cron and the when-part of the label. */
static int parse_when(loader *L, const yaml_node_t *n, const char *path, hr_scheduled_action *a,
                      const hr_tz *tz, char *when, size_t when_len)
{
    char kp[KEYPATH_MAX], g[64], msg[256];
    const hr_calendar *cal = &L->sc->calendar;
    yaml_node_t *daysk = NULL;
    yaml_node_t *at = ld_get(L, n, "at", NULL), *cron = ld_get(L, n, "cron", NULL);
    yaml_node_t *days = ld_get(L, n, "days", &daysk);
    int rc;
    if (at == NULL && cron == NULL)
        return ld_missing(L, n, path, "at or cron (when the action runs)");
    if ((rc = ld_exclusive(L, n, path, "at", "cron", "give at or cron, not both")))
        return rc;
    if (cron != NULL) {
        ld_join(kp, path, "cron");
        if (!ld_is_scalar(cron))
            return ld_fail(L, cron, HR_EINVAL, kp,
                           "expected a cron expression like \"0 8 * * mon-fri\", got %s",
                           ld_got(cron, g, sizeof g));
        if (!hr_cron_parse(ld_sval(cron), &a->cron, msg, sizeof msg))
            return ld_fail(L, cron, HR_EINVAL, kp, "%s", msg);
        if (!hr_cron_can_match(&a->cron))
            return ld_fail(L, cron, HR_EINVAL, kp,
                           "\"%s\" never runs (no month has that day); check the day of "
                           "month and month fields", ld_sval(cron));
        if (hr_cron_needs_date(&a->cron) && !cal->dated)
            return need_date(L, cron, kp, "a cron restricting the month or the day of the month");
        if (days != NULL) {
            ld_join(kp, path, "days");
            return ld_fail(L, daysk, HR_EINVAL, kp,
                           "days goes with at; a cron gives its days in its fifth field");
        }
        snprintf(when, when_len, "cron %s", ld_sval(cron));
        return HR_OK;
    }
    ld_join(kp, path, "at");
    const char *s = ld_is_scalar(at) ? ld_sval(at) : "";
    int sod;
    if (ld_is_scalar(at) && parse_time_of_day(s, &sod)) {
        unsigned bits = 0x7Fu;
        if (days != NULL) {
            char dp[KEYPATH_MAX];
            ld_join(dp, path, "days");
            if ((rc = ld_parse_days(L, days, dp, &bits)))
                return rc;
        }
        a->cron = (hr_cron){.minutes = 1ull << (sod / 60 % 60), .hours = 1u << (sod / 3600),
                            .mdays = 0xFFFFFFFEu, .months = 0x1FFE, .mday_star = true,
                            .wday_star = days == NULL, .second = sod % 60};
        for (int d = 0; d < 7; d++)
            if (bits & (1u << d))
                a->cron.wdays |= (uint8_t)(1u << ((d + 1) % 7));
        char dt[64];
        days_text(bits, dt, sizeof dt);
        snprintf(when, when_len, "%s%s", s, dt);
        return HR_OK;
    }
    int64_t t;
    bool has_time, utc;
    if (!ld_is_scalar(at) || !hr_civil_parse(s, &t, &has_time, &utc))
        return ld_fail(L, at, HR_EINVAL, kp,
                       "expected a time of day like \"08:00\" (every day, or on days), a date "
                       "and time like \"2026-11-27T08:00\" or a date (once), got %s",
                       ld_got(at, g, sizeof g));
    if (!cal->dated)
        return need_date(L, at, kp, "a one-off date");
    if (days != NULL) {
        ld_join(kp, path, "days");
        return ld_fail(L, daysk, HR_EINVAL, kp,
                       "days goes with a time of day like \"08:00\", not with a date");
    }
    a->once = true;
    a->once_local_s = utc ? t + hr_tz_offset(tz, t) : t;
    char buf[40];
    hr_civil_format(a->once_local_s, buf, sizeof buf);
    snprintf(when, when_len, "%s", buf);
    return HR_OK;
}

/* min, max, desired: at least one; min <= max and desired between them
 * (among those given), as AWS validates an action. */
static int parse_sizes(loader *L, const yaml_node_t *n, const char *path, hr_scheduled_action *a)
{
    char kp[KEYPATH_MAX];
    const hr_fleet_config *f = &L->sc->fleet;
    long cap = f->concurrency > 0 ? HR_FLEET_MAX_WORKERS / f->concurrency : INT_MAX;
    int rc;
    if ((rc = ld_f_int(L, n, path, "min", false, -1, 0, cap, &a->min)) ||
        (rc = ld_f_int(L, n, path, "max", false, -1, 0, cap, &a->max)) ||
        (rc = ld_f_int(L, n, path, "desired", false, -1, 0, cap, &a->desired)))
        return rc;
    if (a->min < 0 && a->max < 0 && a->desired < 0)
        return ld_missing(L, n, path, "min, max or desired (what the action sets)");
    if (a->min >= 0 && a->max >= 0 && a->min > a->max) {
        ld_join(kp, path, "max");
        return ld_fail(L, ld_get(L, n, "max", NULL), HR_EINVAL, kp,
                       "must be at least min (%d), got %d", a->min, a->max);
    }
    if (a->desired >= 0 && a->min >= 0 && a->desired < a->min) {
        ld_join(kp, path, "desired");
        return ld_fail(L, ld_get(L, n, "desired", NULL), HR_EINVAL, kp,
                       "must be at least min (%d), got %d", a->min, a->desired);
    }
    if (a->desired >= 0 && a->max >= 0 && a->desired > a->max) {
        ld_join(kp, path, "desired");
        return ld_fail(L, ld_get(L, n, "desired", NULL), HR_EINVAL, kp,
                       "must be at most max (%d), got %d", a->max, a->desired);
    }
    return HR_OK;
}

static int parse_action(loader *L, const yaml_node_t *n, const char *path, hr_scheduled_action *a)
{
    char kp[KEYPATH_MAX], when[320], label[400];
    const hr_calendar *cal = &L->sc->calendar;
    int rc;
    if ((rc = ld_expect_map(L, n, path, "{at: \"08:00\", min: 12, max: 40, desired: 12}")) ||
        (rc = ld_check_keys(L, n, path, action_keys)))
        return rc;
    a->pos.line = (int)n->start_mark.line + 1;
    a->pos.column = (int)n->start_mark.column + 1;
    yaml_node_t *tzn = ld_get(L, n, "time_zone", NULL);
    if (tzn != NULL) {
        ld_join(kp, path, "time_zone");
        if (!cal->dated)
            return need_date(L, tzn, kp, "a time zone");
        if ((rc = ld_parse_time_zone(L, tzn, kp, &a->tz)))
            return rc;
        a->has_tz = true;
    }
    const hr_tz *tz = a->has_tz ? &a->tz : &cal->tz;
    if ((rc = parse_when(L, n, path, a, tz, when, sizeof when)) ||
        (rc = parse_sizes(L, n, path, a)))
        return rc;
    int64_t local;
    const char *bound[2] = {"start", "end"};
    for (int b = 0; b < 2; b++) {
        yaml_node_t *bk = NULL;
        if (!ld_get(L, n, bound[b], &bk))
            continue;
        ld_join(kp, path, bound[b]);
        if (a->once)
            return ld_fail(L, bk, HR_EINVAL, kp,
                           "%s bounds a recurrence; a one-off date runs once", bound[b]);
        if (!cal->dated)
            return need_date(L, bk, kp, b == 0 ? "start" : "end");
        if ((rc = read_instant(L, n, path, bound[b], tz, b == 0 ? &a->start_utc_s : &a->end_utc_s,
                               &local)))
            return rc;
        *(b == 0 ? &a->has_start : &a->has_end) = true;
    }
    if (a->has_start && a->has_end && a->end_utc_s <= a->start_utc_s) {
        ld_join(kp, path, "end");
        return ld_fail(L, ld_get(L, n, "end", NULL), HR_EINVAL, kp, "must be after start");
    }
    char *name = NULL;
    if (ld_get(L, n, "name", NULL) && (rc = ld_f_string(L, n, path, "name", true, NULL, &name)))
        return rc;
    if (name != NULL)
        snprintf(label, sizeof label, "%s (%s)", name, when);
    else
        snprintf(label, sizeof label, "%s", when);
    free(name);
    a->label = strdup(label);
    if (a->label == NULL)
        return ld_nomem(L);
    if (a->once && cal->dated) {
        double t = hr_calendar_sim_s(cal, hr_tz_utc(tz, a->once_local_s));
        if (t > L->sc->duration_s) {
            char d[32];
            ld_fmt_dur(L->sc->duration_s, d, sizeof d);
            return ld_warn(L, ld_get(L, n, "at", NULL), path,
                           "runs after the end of the run (%s): it has no effect", d);
        }
    }
    return HR_OK;
}

int ld_parse_schedule(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    char g[64], ip[KEYPATH_MAX];
    if (L->standalone)
        return ld_fail(L, n, HR_EINVAL, path,
                       "headroom decide replays a policy over observations and plays no "
                       "schedule; remove schedule (headroom run plays it)");
    size_t count = ld_seq_len(n);
    if (count == 0)
        return ld_fail(L, n, HR_EINVAL, path,
                       "expected a non-empty list like [{at: \"08:00\", min: 12, max: 40}], got %s",
                       n->type == YAML_SEQUENCE_NODE ? "an empty list" : ld_got(n, g, sizeof g));
    p->schedule = calloc(count, sizeof *p->schedule);
    if (p->schedule == NULL)
        return ld_nomem(L);
    for (size_t i = 0; i < count; i++) {
        p->n_schedule = i + 1; /* counts the entries to free */
        ld_join_index(ip, path, i, NULL);
        int rc = parse_action(L, ld_seq_item(L, n, i), ip, &p->schedule[i]);
        if (rc != HR_OK)
            return rc;
    }
    return HR_OK;
}
