/* csv.h - writing CSV fields (RFC 4180), for every CSV headroom emits. */
#ifndef HEADROOM_CSV_H
#define HEADROOM_CSV_H

#include <stdio.h>

/* The field as written when it needs no quoting, else in double quotes with
 * each quote doubled (it holds a comma, a quote or a line break). */
void hr_csv_field(FILE *out, const char *text);

#endif
