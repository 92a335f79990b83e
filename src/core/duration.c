/* duration.c - parse and format durations (see headroom/duration.h).
 *
 * Grammar (no spaces, no sign, no exponent):
 *   duration  = number | component+
 *   component = number unit
 *   number    = digit+ ["." digit+]
 *   unit      = "d" | "h" | "m" | "s" | "ms"
 * Units must appear in strictly decreasing size ("1h30m", never "30m1h" or
 * "1m1m"). A bare number is seconds and cannot be combined with units.
 *
 * Numbers are converted without strtod so the result does not depend on the
 * process locale (a "," decimal point would otherwise break "0.25"). */
#include "headroom/duration.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "headroom/error.h"

typedef struct unit_def {
    const char *name;
    size_t len;
    double seconds;  /* multiplier; ms divides by 1000 instead (exact) */
} unit_def;

/* Ordered largest first; the index is the unit's rank (lower = larger). */
static const unit_def units[] = {
    {"d", 1, 86400.0},
    {"h", 1, 3600.0},
    {"m", 1, 60.0},
    {"s", 1, 1.0},
    {"ms", 2, 0.001},
};
enum { UNIT_COUNT = sizeof units / sizeof units[0], UNIT_MS = 4 };

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A scanned number: digits as an integer with a decimal exponent when they
 * fit in 53 bits (exact), and always an approximate double value. */
typedef struct number {
    uint64_t mant;  /* the digits without the point, if exact */
    int decimals;   /* digits after the point */
    bool exact;     /* mant holds every digit */
    double approx;  /* value, accumulated in double */
} number;

static const double pow10_exact[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}; /* every entry is exact in double */

#define EXACT_LIMIT (UINT64_C(1) << 53)

/* Scan a number at *p, advancing *p past it. Returns 0, or -1 if *p does not
 * start a well-formed number. */
static int scan_number(const char **p, number *out)
{
    const char *s = *p;
    bool in_fraction = false;

    out->mant = 0;
    out->decimals = 0;
    out->exact = true;
    out->approx = 0.0;
    if (!is_digit(*s))
        return -1;
    for (;; s++) {
        if (*s == '.' && !in_fraction) {
            if (!is_digit(s[1]))
                return -1;
            in_fraction = true;
            continue;
        }
        if (!is_digit(*s))
            break;
        int d = *s - '0';
        if (out->exact && out->mant < EXACT_LIMIT / 10)
            out->mant = out->mant * 10 + (uint64_t)d; /* stays below 2^53 */
        else
            out->exact = false;
        out->approx = out->approx * 10.0 + d;
        if (in_fraction)
            out->decimals++;
    }
    if (out->decimals > 0)
        out->approx /= pow(10.0, out->decimals);
    *p = s;
    return 0;
}

/* Match a unit at s; returns its rank or -1. "ms" is tried before "m". */
static int match_unit(const char *s)
{
    if (s[0] == 'm' && s[1] == 's')
        return UNIT_MS;
    for (int i = 0; i < UNIT_COUNT; i++)
        if (i != UNIT_MS && s[0] == units[i].name[0])
            return i;
    return -1;
}

/* The exact value of sum(num[i] * unit_ms[i]) / 1000 as one correctly
 * rounded division N / 10^(D+3), where D is the most decimals of any
 * component and N the integer sum scaled by 10^D. Returns false when N or
 * the power of ten leaves the exactly representable range. */
static bool exact_total(const number *num, const int *rank, int n, double *out_s)
{
    static const uint64_t unit_ms[] = {86400000, 3600000, 60000, 1000, 1};
    int dmax = 0;
    for (int i = 0; i < n; i++) {
        if (!num[i].exact)
            return false;
        if (num[i].decimals > dmax)
            dmax = num[i].decimals;
    }
    if (dmax + 3 > 22)
        return false;
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        uint64_t scale = unit_ms[rank[i]];
        for (int k = num[i].decimals; k < dmax; k++) {
            if (scale > EXACT_LIMIT / 10)
                return false;
            scale *= 10;
        }
        if (num[i].mant != 0 && scale > EXACT_LIMIT / num[i].mant)
            return false;
        uint64_t term = num[i].mant * scale;
        if (term >= EXACT_LIMIT - total)
            return false;
        total += term;
    }
    *out_s = (double)total / pow10_exact[dmax + 3];
    return true;
}

int hr_duration_parse(const char *text, double *out_s)
{
    if (text == NULL || *text == '\0' || out_s == NULL)
        return HR_EINVAL;

    const char *p = text;
    number num[UNIT_COUNT];
    int rank[UNIT_COUNT];
    int n = 0;

    while (*p != '\0') {
        number v;
        if (scan_number(&p, &v) != 0)
            return HR_EINVAL;
        if (*p == '\0') {
            /* A bare number: seconds, and only on its own. */
            if (n > 0)
                return HR_EINVAL;
            double s = v.approx;
            if (v.exact && v.decimals <= 22)
                s = (double)v.mant / pow10_exact[v.decimals];
            if (!isfinite(s))
                return HR_EINVAL;
            *out_s = s;
            return HR_OK;
        }
        int r = match_unit(p);
        /* Ranks grow as units shrink, so they must strictly increase. */
        if (r < 0 || (n > 0 && r <= rank[n - 1]))
            return HR_EINVAL;
        p += units[r].len;
        num[n] = v;
        rank[n] = r;
        n++;
    }

    double total_s;
    if (!exact_total(num, rank, n, &total_s)) {
        total_s = 0.0;
        for (int i = 0; i < n; i++)
            total_s += rank[i] == UNIT_MS ? num[i].approx / 1000.0
                                          : num[i].approx * units[rank[i]].seconds;
    }
    if (!isfinite(total_s))
        return HR_EINVAL;
    *out_s = total_s;
    return HR_OK;
}

/* Copy src into buf (size n), truncating; n == 0 writes nothing. */
static void copy_out(char *buf, size_t n, const char *src)
{
    if (buf == NULL || n == 0)
        return;
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(buf, src, len);
    buf[len] = '\0';
}

/* Write whole milliseconds as d/h/m/s/ms components, largest first, leaving
 * out zero components ("0s" for zero). */
static void format_ms(uint64_t total_ms, char *out, size_t n)
{
    static const uint64_t unit_ms[] = {86400000, 3600000, 60000, 1000, 1};
    size_t used = 0;

    out[0] = '\0';
    if (total_ms == 0) {
        snprintf(out, n, "0s");
        return;
    }
    for (int i = 0; i < UNIT_COUNT; i++) {
        uint64_t k = total_ms / unit_ms[i];
        if (k == 0)
            continue;
        total_ms -= k * unit_ms[i];
        int w = snprintf(out + used, n - used, "%llu%s", (unsigned long long)k,
                         units[i].name);
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
    }
}

void hr_duration_format(double seconds, char *buf, size_t n)
{
    char tmp[340];
    const char *sign = "";

    if (isnan(seconds)) {
        copy_out(buf, n, "nan");
        return;
    }
    if (seconds < 0) {
        /* Not parseable, but readable in messages about bad values. */
        sign = "-";
        seconds = -seconds;
    }
    if (isinf(seconds)) {
        snprintf(tmp, sizeof tmp, "%sinf", sign);
        copy_out(buf, n, tmp);
        return;
    }

    /* Exact combination form when seconds is a whole number of ms that the
     * parser gives back bit for bit. 2^53 ms bounds the exact integer range. */
    double ms = seconds * 1000.0;
    if (ms < 9007199254740992.0) {
        double whole = nearbyint(ms);
        if (fabs(ms - whole) <= 1e-6 * (whole > 1.0 ? whole : 1.0)) {
            char combo[80];
            double back;
            format_ms((uint64_t)whole, combo, sizeof combo);
            if (hr_duration_parse(combo, &back) == HR_OK && back == seconds) {
                snprintf(tmp, sizeof tmp, "%s%s", sign, combo);
                copy_out(buf, n, tmp);
                return;
            }
        }
    }

    /* Fallback: seconds with up to 6 decimals, trailing zeros dropped.
     * Written by hand, not with %f, so the decimal point is always '.'. */
    char num[330]; /* DBL_MAX has 309 digits */
    double micro = nearbyint(seconds * 1e6);
    if (micro < 9.2e18) {
        uint64_t u = (uint64_t)micro;
        int len = snprintf(num, sizeof num, "%llu.%06llu",
                           (unsigned long long)(u / 1000000),
                           (unsigned long long)(u % 1000000));
        char *end = num + len - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    } else {
        snprintf(num, sizeof num, "%.0f", seconds); /* > 292000 years */
    }
    snprintf(tmp, sizeof tmp, "%s%ss", sign, num);
    copy_out(buf, n, tmp);
}
