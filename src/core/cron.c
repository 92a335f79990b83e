/* cron.c - five-field cron expressions; see cron.h. Each field becomes a
 * bit set; a day matches by the Vixie cron rule for day of month and day
 * of week, and a time by its hour and minute bits. */
#include "headroom/cron.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "headroom/tz.h"

#define DAY_S 86400

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

typedef struct field {
    const char *what;     /* "minute", ... for messages */
    int lo, hi;           /* values allowed (day of week: 0..7) */
    const char *const *names; /* 3-letter names, value = lo + index (months) or index */
    int n_names;
    int name_base;
} field;

static const field fields[5] = {
    {"minute", 0, 59, NULL, 0, 0},
    {"hour", 0, 23, NULL, 0, 0},
    {"day of month", 1, 31, NULL, 0, 0},
    {"month", 1, 12, month_names, 12, 1},
    {"day of week", 0, 7, day_names, 7, 0},
};

static bool fail(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return false;
}

/* A number or (for months and days) a name at *s; advances *s. */
static bool value(const field *f, const char **s, int *out)
{
    const char *p = *s;
    if (*p >= '0' && *p <= '9') {
        int v = 0;
        while (*p >= '0' && *p <= '9' && v < 1000)
            v = v * 10 + (*p++ - '0');
        *out = v;
        *s = p;
        return true;
    }
    for (int i = 0; i < f->n_names; i++) {
        if (strncasecmp(p, f->names[i], 3) == 0) {
            char next = p[3];
            if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z'))
                return false;
            *out = f->name_base + i;
            *s = p + 3;
            return true;
        }
    }
    return false;
}

/* One field's text (a token of the expression) into bits; *star when it
 * starts with '*'. */
static bool parse_field(const field *f, const char *text, uint64_t *bits, bool *star, char *msg,
                        size_t len)
{
    const char *s = text;
    *bits = 0;
    *star = *s == '*';
    const char *hint = f->names ? (f->n_names == 12 ? " or jan..dec" : " or sun..sat") : "";
    for (;;) {
        int a, b, step = 1;
        bool ranged = *s == '*';
        if (*s == '*') {
            a = f->lo;
            b = f->hi == 7 ? 6 : f->hi;
            s++;
        } else {
            if (!value(f, &s, &a))
                return fail(msg, len, "%s field \"%s\": expected a number from %d to %d%s, "
                            "a range a-b, a step */n or a list a,b", f->what, text, f->lo, f->hi,
                            hint);
            b = a;
            if (*s == '-') {
                ranged = true;
                s++;
                if (!value(f, &s, &b))
                    return fail(msg, len, "%s field \"%s\": a range needs an end, like %d-%d",
                                f->what, text, f->lo, f->hi);
            }
            if (a < f->lo || a > f->hi || b < f->lo || b > f->hi)
                return fail(msg, len, "%s field \"%s\": values run from %d to %d", f->what, text,
                            f->lo, f->hi);
            if (b < a)
                return fail(msg, len, "%s field \"%s\": range %d-%d runs backwards; write it "
                            "as two ranges in a list", f->what, text, a, b);
        }
        if (*s == '/') {
            s++;
            if (*s < '0' || *s > '9')
                return fail(msg, len, "%s field \"%s\": a step needs a number, like */5",
                            f->what, text);
            step = 0;
            while (*s >= '0' && *s <= '9' && step < 1000)
                step = step * 10 + (*s++ - '0');
            if (step == 0)
                return fail(msg, len, "%s field \"%s\": a step must be at least 1", f->what,
                            text);
            if (!ranged) /* "5/15": as cronie reads it, from 5 to the end by 15 */
                b = f->hi == 7 ? 6 : f->hi;
        }
        for (int v = a; v <= b; v += step)
            *bits |= 1ull << (f->hi == 7 && v == 7 ? 0 : v);
        if (*s == '\0')
            return true;
        if (*s != ',')
            return fail(msg, len, "%s field \"%s\": unexpected '%c'", f->what, text, *s);
        s++;
    }
}

bool hr_cron_parse(const char *expr, hr_cron *out, char *msg, size_t msg_len)
{
    char buf[256], *tok[6];
    memset(out, 0, sizeof *out);
    if (strlen(expr) >= sizeof buf)
        return fail(msg, msg_len, "a cron expression is at most %zu characters", sizeof buf - 1);
    strcpy(buf, expr);
    int n = 0;
    for (char *p = buf; *p && n < 6;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p == '\0')
            break;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (n != 5)
        return fail(msg, msg_len, "expected 5 fields (minute hour day-of-month month "
                    "day-of-week) like \"0 8 * * mon-fri\", got %d%s", n,
                    n == 6 ? " (AWS EC2 Auto Scaling takes no seconds or years field)" : "");
    uint64_t bits[5];
    bool star[5];
    for (int i = 0; i < 5; i++)
        if (!parse_field(&fields[i], tok[i], &bits[i], &star[i], msg, msg_len))
            return false;
    out->minutes = bits[0];
    out->hours = (uint32_t)bits[1];
    out->mdays = (uint32_t)bits[2];
    out->months = (uint16_t)bits[3];
    out->wdays = (uint8_t)bits[4];
    out->mday_star = star[2];
    out->wday_star = star[4];
    return true;
}

bool hr_cron_day_matches(const hr_cron *c, int y, int m, int d, int wday)
{
    (void)y;
    if (!(c->months & (1u << m)))
        return false;
    bool dom = (c->mdays >> d) & 1u;
    bool dow = (c->wdays >> ((wday + 1) % 7)) & 1u;
    if (c->mday_star || c->wday_star)
        return dom && dow;
    return dom || dow;
}

bool hr_cron_can_match(const hr_cron *c)
{
    if (!c->minutes || !c->hours || !c->months)
        return false;
    if (!c->mday_star && !c->wday_star)
        return c->mdays || c->wdays;
    if (!c->wdays)
        return false;
    /* a day of month some month in the set has (February 29 counts) */
    for (int m = 1; m <= 12; m++)
        if (c->months & (1u << m))
            for (int d = 1; d <= hr_civil_month_days(2000, m); d++)
                if (c->mdays & (1u << d))
                    return true;
    return false;
}

bool hr_cron_needs_date(const hr_cron *c)
{
    return c->months != 0x1FFE || (!c->mday_star && c->mdays != 0xFFFFFFFEu);
}

/* Minutes of the day the expression runs at, after (dir > 0) or at or
 * before (dir < 0) second-of-day sod; -1 when none that day. */
static long time_in_day(const hr_cron *c, long sod, int dir)
{
    if (dir > 0) {
        for (int h = (int)(sod / 3600); h < 24; h++) {
            if (!(c->hours & (1u << h)))
                continue;
            for (int mi = 0; mi < 60; mi++) {
                long t = h * 3600L + mi * 60L + c->second;
                if ((c->minutes >> mi & 1u) && t > sod)
                    return t;
            }
        }
        return -1;
    }
    for (int h = (int)(sod / 3600 < 23 ? sod / 3600 : 23); h >= 0; h--) {
        if (!(c->hours & (1u << h)))
            continue;
        for (int mi = 59; mi >= 0; mi--) {
            long t = h * 3600L + mi * 60L + c->second;
            if ((c->minutes >> mi & 1u) && t <= sod)
                return t;
        }
    }
    return -1;
}

static int64_t search(const hr_cron *c, int64_t local_s, int max_days, int dir)
{
    int64_t day = local_s >= 0 ? local_s / DAY_S : -((-local_s + DAY_S - 1) / DAY_S);
    long sod = (long)(local_s - day * DAY_S);
    for (int k = 0; k <= max_days; k++, day += dir) {
        int y, m, d;
        hr_civil_date(day, &y, &m, &d);
        if (!hr_cron_day_matches(c, y, m, d, hr_civil_weekday(day)))
            continue;
        long t = time_in_day(c, k == 0 ? sod : (dir > 0 ? -1 : DAY_S), dir);
        if (t >= 0)
            return day * DAY_S + t;
    }
    return INT64_MIN;
}

int64_t hr_cron_next(const hr_cron *c, int64_t local_s, int max_days)
{
    return search(c, local_s, max_days, +1);
}

int64_t hr_cron_prev(const hr_cron *c, int64_t local_s, int max_days)
{
    return search(c, local_s, max_days, -1);
}
