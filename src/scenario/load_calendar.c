/* load_calendar.c - the calendar key: where t = 0 sits on the wall clock
 * (a date and time in a time zone), the weekday it gives traffic, and the
 * local clock the traffic's daily and weekly shapes follow; plus the time
 * zones the calendar and scheduled actions name.
 *
 *   calendar: {start: "2026-11-26T06:00", time_zone: America/New_York}
 *
 * start is a date (midnight), a date and time, or a weekday name (an
 * undated week, as traffic.start_day); time_zone an IANA name read from
 * HR_TZ_DIR. Without the key t = 0 is midnight of traffic.start_day, UTC,
 * and nothing else changes. */
#include "loader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const keyspec calendar_keys[] = {{"start", NULL}, {"time_zone", NULL}, {NULL, NULL}};

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

/* 1970-01-05 was a Monday: the undated week's day 0 is it + start_day. */
#define UNDATED_MONDAY_DAYS 4

double hr_calendar_sim_s(const hr_calendar *cal, int64_t utc_s)
{
    return (double)(utc_s - cal->start_utc_s);
}

/* The UTC zone every calendar without a time_zone uses: no file needed. */
static int utc_zone(loader *L, hr_tz *tz)
{
    memset(tz, 0, sizeof *tz);
    tz->name = strdup("UTC");
    tz->at = malloc(sizeof *tz->at);
    tz->offset_s = malloc(sizeof *tz->offset_s);
    if (!tz->name || !tz->at || !tz->offset_s) {
        hr_tz_free(tz);
        return ld_nomem(L);
    }
    return HR_OK;
}

int ld_parse_time_zone(loader *L, const yaml_node_t *n, const char *path, hr_tz *tz)
{
    char g[64];
    if (!ld_is_scalar(n))
        return ld_fail(L, n, HR_EINVAL, path,
                       "expected an IANA time zone name like Europe/Berlin, got %s",
                       ld_got(n, g, sizeof g));
    hr_error e;
    int rc = hr_tz_load(tz, NULL, ld_sval(n), &e);
    if (rc == HR_ENOMEM)
        return ld_nomem(L);
    if (rc != HR_OK)
        return ld_fail(L, n, HR_EINVAL, path,
                       "unknown time zone %s; expected an IANA name like Europe/Berlin, "
                       "America/New_York, Asia/Tokyo or UTC (a file under %s; install the "
                       "tzdata package if that folder is empty)",
                       ld_got(n, g, sizeof g), HR_TZ_DIR);
    return HR_OK;
}

int ld_parse_calendar(loader *L, const yaml_node_t *root)
{
    hr_calendar *cal = &L->sc->calendar;
    char g[64], r[64];
    int rc;
    yaml_node_t *n = ld_get(L, root, "calendar", NULL);
    if (n == NULL)
        return utc_zone(L, &cal->tz);
    cal->given = true;
    if ((rc = ld_expect_map(L, n, "calendar",
                            "{start: \"2026-11-26T00:00\", time_zone: America/New_York}")) ||
        (rc = ld_check_keys(L, n, "calendar", calendar_keys)))
        return rc;
    yaml_node_t *tzn = ld_get(L, n, "time_zone", NULL);
    if (tzn != NULL)
        rc = ld_parse_time_zone(L, tzn, "calendar.time_zone", &cal->tz);
    else
        rc = utc_zone(L, &cal->tz);
    if (rc != HR_OK)
        return rc;
    yaml_node_t *start = ld_get(L, n, "start", NULL);
    if (start == NULL)
        return ld_missing(L, n, "calendar", "start");
    const char *s = ld_is_scalar(start) ? ld_sval(start) : "";
    int64_t local;
    bool has_time, utc;
    for (int d = 0; day_names[d]; d++) {
        if (strcmp(s, day_names[d]) == 0) {
            if (tzn != NULL)
                return ld_fail(L, tzn, HR_EINVAL, "calendar.time_zone",
                               "a time zone needs a dated start (its offset depends on the "
                               "date); give start as a date like 2026-11-26");
            return HR_OK; /* the undated week: ld_finish_calendar takes the day */
        }
    }
    if (!ld_is_scalar(start) || !hr_civil_parse(s, &local, &has_time, &utc))
        return ld_fail(L, start, HR_EINVAL, "calendar.start",
                       "expected a date like 2026-11-26, a date and time like "
                       "\"2026-11-26T06:00\", or a weekday like mon, got %s",
                       ld_is_scalar(start) ? ld_raw(start, r, sizeof r) : ld_got(start, g, sizeof g));
    cal->dated = true;
    cal->start_utc_s = utc ? local : hr_tz_utc(&cal->tz, local);
    return HR_OK;
}

/* The weekday of the local date at t = 0. */
static int start_weekday(const hr_calendar *cal)
{
    int64_t local = cal->start_utc_s + hr_tz_offset(&cal->tz, cal->start_utc_s);
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return hr_civil_weekday(day);
}

static const char *const day_words[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

/* The local clock of the traffic (see hr_traffic_config): the time of day
 * at t = 0 and a new shift at each change of the zone's offset. */
static int build_clock(loader *L, hr_traffic_config *t)
{
    const hr_calendar *cal = &L->sc->calendar;
    int64_t u0 = cal->start_utc_s, u1 = u0 + (int64_t)ceil(L->sc->duration_s);
    int32_t off0 = hr_tz_offset(&cal->tz, u0);
    int64_t local0 = u0 + off0;
    int64_t day0 = local0 >= 0 ? local0 / 86400 : -((-local0 + 86399) / 86400);
    double shift0 = (double)(local0 - day0 * 86400);
    size_t cap = 8;
    t->clock_at_s = malloc(cap * sizeof *t->clock_at_s);
    t->clock_shift_s = malloc(cap * sizeof *t->clock_shift_s);
    if (!t->clock_at_s || !t->clock_shift_s)
        return ld_nomem(L);
    t->clock_at_s[0] = 0;
    t->clock_shift_s[0] = shift0;
    t->n_clock = 1;
    int32_t prev = off0;
    for (int64_t c = hr_tz_next_change(&cal->tz, u0); c <= u1; c = hr_tz_next_change(&cal->tz, c)) {
        int32_t off = hr_tz_offset(&cal->tz, c);
        if (off == prev)
            continue;
        prev = off;
        if (t->n_clock == cap) {
            cap *= 2;
            double *a = realloc(t->clock_at_s, cap * sizeof *a);
            if (a)
                t->clock_at_s = a;
            double *b = a ? realloc(t->clock_shift_s, cap * sizeof *b) : NULL;
            if (!b)
                return ld_nomem(L);
            t->clock_shift_s = b;
        }
        t->clock_at_s[t->n_clock] = (double)(c - u0);
        t->clock_shift_s[t->n_clock] = shift0 + (double)(off - off0);
        t->n_clock++;
    }
    return HR_OK;
}

int ld_finish_calendar(loader *L, const yaml_node_t *traffic)
{
    hr_calendar *cal = &L->sc->calendar;
    hr_traffic_config *t = &L->sc->traffic;
    yaml_node_t *sd = ld_get(L, traffic, "start_day", NULL);
    if (!cal->dated) {
        yaml_node_t *cs = cal->given ? ld_get(L, ld_get(L, L->root, "calendar", NULL), "start", NULL)
                                     : NULL;
        for (int d = 0; cs != NULL && day_names[d]; d++) {
            if (strcmp(ld_sval(cs), day_names[d]) != 0)
                continue;
            if (sd != NULL && t->start_day != d)
                return ld_fail(L, sd, HR_EINVAL, "traffic.start_day",
                               "%s disagrees with calendar.start (%s); give the day once, in "
                               "calendar.start", ld_sval(sd), ld_sval(cs));
            t->start_day = d;
        }
        cal->start_utc_s = (int64_t)(UNDATED_MONDAY_DAYS + t->start_day) * 86400;
        return HR_OK;
    }
    int wd = start_weekday(cal);
    if (sd != NULL && t->start_day != wd)
        return ld_fail(L, sd, HR_EINVAL, "traffic.start_day",
                       "%s disagrees with calendar.start, a %s; remove traffic.start_day (the "
                       "calendar's date gives the day)",
                       ld_sval(sd), day_words[wd]);
    t->start_day = wd;
    return build_clock(L, t);
}
