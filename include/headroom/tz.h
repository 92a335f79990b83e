/* tz.h - IANA time zones read from the system's TZif files, and the civil
 * (proleptic Gregorian) calendar arithmetic that goes with them.
 *
 * A zone is read once (hr_tz_load) into a plain value: its transitions
 * (the UTC instants where the UTC offset changes, with the offset from
 * then on) and, for instants after the last one, the POSIX TZ rule of the
 * file's footer (RFC 8536, section 3.3), as "slim" files stop their table
 * at the last rule change and "fat" ones at 2037. Lookups are pure
 * functions of that value: no TZ variable, no localtime, no global state,
 * so threads may share a zone. Leap-second ("right/") tables are ignored:
 * times are POSIX seconds.
 *
 * Local wall-clock times are written as "local seconds": seconds since
 * 1970-01-01 00:00 as if the zone were UTC (so a local date is
 * floor(local / 86400) days after 1970-01-01). */
#ifndef HEADROOM_TZ_H
#define HEADROOM_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"

/* Where hr_tz_load looks for zone files (Debian's tzdata). */
#define HR_TZ_DIR "/usr/share/zoneinfo"

/* A POSIX TZ rule: standard time, and optionally daylight time between
 * two dates each year. */
typedef struct hr_tz_rule {
    int32_t std_offset_s;     /* UTC offset of standard time, east positive */
    bool has_dst;
    int32_t dst_offset_s;
    /* the two changes: kind 'J' (Julian day 1..365, no Feb 29), 'D' (day
     * of year 0..365) or 'M' (month, week 1..5 (5 = last), weekday 0 =
     * Sunday); at time_s local time (the offset in force before it) */
    struct hr_tz_change {
        char kind;
        int day, month, week, weekday;
        int32_t time_s;
    } start, end;
} hr_tz_rule;

typedef struct hr_tz {
    char *name;               /* as given to hr_tz_load */
    int64_t *at;              /* transitions, UTC seconds, increasing */
    int32_t *offset_s;        /* UTC offset from at[i] on */
    size_t n;
    int32_t first_offset_s;   /* before the first transition (or always, when n is 0) */
    bool has_rule;            /* the footer's rule applies after the last transition */
    hr_tz_rule rule;
} hr_tz;

/* Read zone `name` ("Europe/Berlin", "UTC") from dir (HR_TZ_DIR when NULL)
 * into *tz, which must be freed with hr_tz_free. Fails with HR_EINVAL for
 * a name that is not a zone (a path outside dir, no such file, not a
 * TZif file), HR_ENOMEM, with a message naming the zone. */
int hr_tz_load(hr_tz *tz, const char *dir, const char *name, hr_error *err);

/* Parse a TZif file's contents (for tests and hr_tz_load). */
int hr_tz_parse(hr_tz *tz, const char *name, const unsigned char *data, size_t len,
                hr_error *err);

/* Parse a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"); HR_EINVAL when
 * it is not one. */
int hr_tz_parse_rule(const char *s, hr_tz_rule *out);

/* A copy of src into *dst (free with hr_tz_free). */
int hr_tz_copy(hr_tz *dst, const hr_tz *src);

void hr_tz_free(hr_tz *tz);

/* The zone's UTC offset at UTC instant utc_s, seconds east of UTC. */
int32_t hr_tz_offset(const hr_tz *tz, int64_t utc_s);

/* The first instant after utc_s at which the offset may change, or
 * INT64_MAX when it never does again. */
int64_t hr_tz_next_change(const hr_tz *tz, int64_t utc_s);

/* The UTC instant of local wall-clock time local_s. A time that happens
 * twice (the hour repeated when clocks go back) is its first instant; a
 * time that never happens (skipped when clocks go forward) is the instant
 * of the change, as cron runs a job whose time was skipped at the jump. */
int64_t hr_tz_utc(const hr_tz *tz, int64_t local_s);

/* ---- the civil calendar ------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (month 1..12, day 1..31). */
int64_t hr_civil_days(int y, int m, int d);
/* The date of day `days` after 1970-01-01. */
void hr_civil_date(int64_t days, int *y, int *m, int *d);
/* The day of the week of day `days`, 0 = Monday. */
int hr_civil_weekday(int64_t days);
/* Days in month m of year y. */
int hr_civil_month_days(int y, int m);

/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space
 * may stand for the T; a trailing Z marks UTC) into local seconds. *has_time
 * says whether a time was given, *utc whether it ended in Z. false when s
 * is not such a date (or not a real one, like 2026-02-30). */
bool hr_civil_parse(const char *s, int64_t *out, bool *has_time, bool *utc);

/* Write local seconds as "2026-11-27 08:00" (":SS" when not 0) into buf. */
char *hr_civil_format(int64_t local_s, char *buf, size_t len);

#endif
