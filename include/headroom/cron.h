/* cron.h - five-field Unix cron expressions, as AWS Auto Scaling's
 * Recurrence takes them: "minute hour day-of-month month day-of-week".
 *
 * Each field is `*`, a value, a range `a-b`, a step `*\/n` or `a-b/n`, or
 * a comma-separated list of those. Months may be written jan..dec and days
 * sun..sat (any case); day of week 0 and 7 are both Sunday. As in Vixie
 * cron (and crontab(5)), when both day-of-month and day-of-week are
 * restricted a day matches if EITHER does; when one of them starts with
 * `*` (also `*\/2`), only the other one restricts the day. No seconds, no
 * years, no `?`, `L`, `W` or `#` (those belong to the six-field syntax of
 * Application Auto Scaling and EventBridge), no @daily macros. */
#ifndef HEADROOM_CRON_H
#define HEADROOM_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hr_cron {
    uint64_t minutes;     /* bit m: minute m (0..59) */
    uint32_t hours;       /* bit h: hour h (0..23) */
    uint32_t mdays;       /* bit d: day of month d (1..31) */
    uint16_t months;      /* bit m: month m (1..12) */
    uint8_t wdays;        /* bit d: day of week d, 0 = Sunday .. 6 = Saturday */
    bool mday_star;       /* the day-of-month field starts with '*' */
    bool wday_star;       /* the day-of-week field starts with '*' */
    int second;           /* second of the minute (0 from an expression; `at` sets it) */
} hr_cron;

/* Parse expr into *out. On failure returns false with a message (what is
 * wrong and what would be right) in msg. */
bool hr_cron_parse(const char *expr, hr_cron *out, char *msg, size_t msg_len);

/* The day y-m-d (weekday wday, 0 = Monday) is one the expression runs on. */
bool hr_cron_day_matches(const hr_cron *c, int y, int m, int d, int wday);

/* Some day of some year matches (false for "0 0 30 2 *"). */
bool hr_cron_can_match(const hr_cron *c);

/* The expression restricts month or day of month: it needs real dates. */
bool hr_cron_needs_date(const hr_cron *c);

/* The first local time strictly after local_s (local seconds, tz.h) the
 * expression runs at, searching at most max_days days ahead; INT64_MIN when
 * none.
 * And the last at or before local_s, searching back as far. */
int64_t hr_cron_next(const hr_cron *c, int64_t local_s, int max_days);
int64_t hr_cron_prev(const hr_cron *c, int64_t local_s, int max_days);

#endif
