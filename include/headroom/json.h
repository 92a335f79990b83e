/* json.h - writing JSON values: the one way headroom prints numbers and
 * strings in every JSON it emits (results contract, compare, export). */
#ifndef HEADROOM_JSON_H
#define HEADROOM_JSON_H

#include <stdio.h>

/* Non-finite -> null; integral values below 1e15 as integers; others with
 * ten significant digits (%.10g); -0 as 0; the decimal point always '.'. */
void hr_json_number(FILE *out, double v);

/* A JSON string (RFC 8259): quote, backslash and control characters
 * escaped, other bytes (UTF-8) passed through; NULL prints null. */
void hr_json_string(FILE *out, const char *s);

#endif
