/* json.c - JSON numbers and strings (headroom/json.h). */
#include "headroom/json.h"

#include <math.h>

/* Numbers: non-finite -> null (JSON has no NaN); integral values below
 * 1e15 print as integers ("requests": 123456789); others with ten
 * significant digits (%.10g, shortest of fixed or exponent form). -0
 * prints as 0. The decimal point is forced to '.' whatever LC_NUMERIC
 * says. */
void hr_json_number(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    char buf[40];
    if (v == 0)
        snprintf(buf, sizeof buf, "0");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, sizeof buf, "%.0f", v);
    else
        snprintf(buf, sizeof buf, "%.10g", v);
    for (char *c = buf; *c; c++)
        if (*c == ',')
            *c = '.';
    fputs(buf, out);
}

/* A JSON string (RFC 8259 section 7): quote, backslash and control
 * characters escaped; other bytes (UTF-8) pass through. */
void hr_json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*c < 0x20)
                fprintf(out, "\\u%04x", *c);
            else
                fputc(*c, out);
        }
    }
    fputc('"', out);
}
