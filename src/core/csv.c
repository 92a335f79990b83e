/* csv.c - CSV fields (headroom/csv.h). */
#include "headroom/csv.h"

#include <string.h>

void hr_csv_field(FILE *out, const char *t)
{
    if (strpbrk(t, ",\"\r\n") == NULL) {
        fputs(t, out);
        return;
    }
    fputc('"', out);
    for (; *t; t++) {
        if (*t == '"')
            fputc('"', out);
        fputc(*t, out);
    }
    fputc('"', out);
}
