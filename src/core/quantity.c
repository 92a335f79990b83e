/* quantity.c - Kubernetes quantities; the grammar is in quantity.h. */
#include "headroom/quantity.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/error.h"

typedef struct suffix {
    const char *text;
    double factor;
} suffix;

static const suffix suffixes[] = {
    {"", 1},     {"n", 1e-9},   {"u", 1e-6},  {"m", 1e-3},  {"k", 1e3},
    {"M", 1e6},  {"G", 1e9},    {"T", 1e12},  {"P", 1e15},  {"E", 1e18},
    {"Ki", 0x1p10}, {"Mi", 0x1p20}, {"Gi", 0x1p30}, {"Ti", 0x1p40}, {"Pi", 0x1p50},
    {"Ei", 0x1p60},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the number at s (sign, digits, one point), 0 when there is no
 * digit in it. */
static size_t number_length(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (is_digit(s[i])) {
        i++;
        digits++;
    }
    if (s[i] == '.') {
        i++;
        while (is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    return digits > 0 ? i : 0;
}

/* "e3", "E-2", "e+9": the power of ten, or false. */
static bool parse_exponent(const char *s, int *out)
{
    if (s[0] != 'e' && s[0] != 'E')
        return false;
    s++;
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (!is_digit(s[i]))
        return false;
    long v = 0;
    for (; is_digit(s[i]); i++) {
        v = v * 10 + (s[i] - '0');
        if (v > 10000)
            return false;
    }
    if (s[i] != '\0')
        return false;
    *out = (int)(s[0] == '-' ? -v : v);
    return true;
}

/* The decimal exponent of a decimal suffix ("m" -3, "k" 3, "e3" 3), or
 * false for a binary one. */
static bool decimal_exponent(const char *sfx, int *out)
{
    static const char *const names[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    static const int exps[] = {-9, -6, -3, 0, 3, 6, 9, 12, 15, 18};
    if (strlen(sfx) > 1 && parse_exponent(sfx, out))
        return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(sfx, names[i]) == 0) {
            *out = exps[i];
            return true;
        }
    return false;
}

/* AsApproximateFloat64 for a quantity kept as an int64 mantissa and a
 * decimal scale: mantissa x math.Pow10(scale), where Pow10 of a negative n
 * is 1 / 10^-n. So "0.7" is 7 x 0.1 = 0.7000000000000001, as the
 * controller reads it. false when the quantity would not be an int64
 * amount (more than 18 digits, finer than 1n) or 10^|scale| is not exact. */
static bool approximate_float(const char *num, size_t len, int exp10, double *out)
{
    long long mantissa = 0;
    int digits = 0, frac = 0;
    bool point = false;
    size_t i = (num[0] == '+' || num[0] == '-') ? 1 : 0;
    for (; i < len; i++) {
        if (num[i] == '.') {
            point = true;
            continue;
        }
        if (digits == 0 && num[i] == '0' && !point)
            continue; /* leading zeros */
        if (++digits > 18)
            return false;
        mantissa = mantissa * 10 + (num[i] - '0');
        frac += point;
    }
    int scale = exp10 - frac;
    if (scale < -9 || scale > 22)
        return false;
    double p = 1;
    for (int k = 0; k < (scale < 0 ? -scale : scale); k++)
        p *= 10; /* exact up to 10^22 */
    double v = scale >= 0 ? (double)mantissa * p : (double)mantissa * (1.0 / p);
    *out = num[0] == '-' ? -v : v;
    return true;
}

int hr_quantity_parse(const char *text, double *out)
{
    if (text == NULL)
        return HR_EINVAL;
    size_t n = number_length(text);
    if (n == 0)
        return HR_EINVAL;
    char num[64];
    if (n >= sizeof num)
        return HR_EINVAL;
    memcpy(num, text, n);
    num[n] = '\0';
    const char *sfx = text + n;

    int exp10;
    double v;
    if (decimal_exponent(sfx, &exp10) && approximate_float(num, n, exp10, &v)) {
        *out = v == 0 ? 0.0 : v;
        return HR_OK;
    }
    double factor = NAN;
    if (strlen(sfx) > 1 && parse_exponent(sfx, &exp10)) {
        factor = pow(10.0, exp10);
    } else {
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (strcmp(sfx, suffixes[i].text) == 0)
                factor = suffixes[i].factor;
    }
    if (isnan(factor))
        return HR_EINVAL;
    v = strtod(num, NULL) * factor;
    if (!isfinite(v))
        return HR_EINVAL;
    *out = v == 0 ? 0.0 : v; /* no -0 */
    return HR_OK;
}
