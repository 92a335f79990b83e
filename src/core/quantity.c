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
    double v = strtod(num, NULL);
    const char *sfx = text + n;

    double factor = NAN;
    int exp10;
    if (strlen(sfx) > 1 && parse_exponent(sfx, &exp10)) {
        factor = pow(10.0, exp10);
    } else {
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (strcmp(sfx, suffixes[i].text) == 0)
                factor = suffixes[i].factor;
    }
    if (isnan(factor))
        return HR_EINVAL;
    v *= factor;
    if (!isfinite(v))
        return HR_EINVAL;
    *out = v == 0 ? 0.0 : v; /* no -0 */
    return HR_OK;
}
