/* duration.h - durations as users write them: 250ms, 90s, 15m, 6h, 4d,
 * combinations in decreasing unit order like 1d6h or 2m30s, or a bare
 * (possibly fractional) number of seconds. Time everywhere else is double
 * seconds. */
#ifndef HEADROOM_DURATION_H
#define HEADROOM_DURATION_H

#include <stddef.h>

/* Parse text into seconds. Returns HR_OK, or HR_EINVAL for anything that is
 * not a duration (empty, unknown unit, units out of order or repeated,
 * negative, not finite). Leading/trailing spaces are not accepted. */
int hr_duration_parse(const char *text, double *out_s);

/* Format seconds in the shortest exact form the parser accepts back
 * ("1d6h", "90s", "250ms", "0s"); fractional milliseconds fall back to
 * seconds with up to 6 decimals. Writes at most n bytes including the NUL. */
void hr_duration_format(double seconds, char *buf, size_t n);

#endif
