/* tz.c - TZif files (RFC 8536) and POSIX TZ rules; see tz.h.
 *
 * A file holds a version 1 block (32-bit times) and, from version 2, a
 * second block with 64-bit times followed by a footer "\nTZ-STRING\n". We
 * read the 64-bit block when there is one, the 32-bit block otherwise, and
 * keep only what an offset lookup needs: transition instants and the UTC
 * offset of the type each one starts. Before the first transition the
 * first type applies (RFC 8536, 3.2); after the last, the footer's rule.
 *
 * The civil calendar functions follow Howard Hinnant's days_from_civil and
 * civil_from_days ("chrono-Compatible Low-Level Date Algorithms"). */
#include "headroom/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400

/* ---- civil calendar ------------------------------------------------------ */

int64_t hr_civil_days(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void hr_civil_date(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int hr_civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int hr_civil_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool hr_civil_parse(const char *s, int64_t *out, bool *has_time, bool *utc)
{
    size_t len = strlen(s);
    *has_time = *utc = false;
    if (len > 10 && s[len - 1] == 'Z') {
        *utc = true;
        len--;
    }
    if (len < 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > hr_civil_month_days(y, m))
        return false;
    int hh = 0, mi = 0, ss = 0;
    if (len > 10) {
        if ((s[10] != 'T' && s[10] != ' ') || (len != 16 && len != 19) || s[13] != ':' ||
            (len == 19 && s[16] != ':'))
            return false;
        hh = digits(s + 11, 2);
        mi = digits(s + 14, 2);
        ss = len == 19 ? digits(s + 17, 2) : 0;
        if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
            return false;
        *has_time = true;
    } else if (*utc) {
        return false;
    }
    *out = hr_civil_days(y, m, d) * DAY_S + hh * 3600 + mi * 60 + ss;
    return true;
}

char *hr_civil_format(int64_t local_s, char *buf, size_t len)
{
    int64_t days = local_s >= 0 ? local_s / DAY_S : -((-local_s + DAY_S - 1) / DAY_S);
    int64_t sod = local_s - days * DAY_S;
    int y, m, d;
    hr_civil_date(days, &y, &m, &d);
    int hh = (int)(sod / 3600), mi = (int)(sod / 60 % 60), ss = (int)(sod % 60);
    if (ss != 0)
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mi, ss);
    else
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mi);
    return buf;
}

/* ---- POSIX TZ rules ------------------------------------------------------ */

/* A zone abbreviation: <...> or three or more letters. */
static const char *rule_name(const char *s)
{
    if (*s == '<') {
        const char *e = strchr(s, '>');
        return e && e - s >= 4 ? e + 1 : NULL;
    }
    const char *p = s;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]h[h[h]][:mm[:ss]] into seconds; max_h bounds the hours. */
static const char *rule_hms(const char *s, int max_h, int32_t *out)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return NULL;
    long h = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9' && n < 3) {
        h = h * 10 + (*s++ - '0');
        n++;
    }
    if (h > max_h)
        return NULL;
    long v = h * 3600;
    for (int part = 0; part < 2 && *s == ':'; part++) {
        int x = digits(s + 1, 2);
        if (x < 0 || x > 59)
            return NULL;
        v += part == 0 ? x * 60 : x;
        s += 3;
    }
    *out = (int32_t)(sign * v);
    return s;
}

static const char *rule_change(const char *s, struct hr_tz_change *c)
{
    char *end;
    c->time_s = 7200;
    if (*s == 'M') {
        long m = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != '.' || m < 1 || m > 12)
            return NULL;
        s = end + 1;
        long w = strtol(s, &end, 10);
        if (end == s || *end != '.' || w < 1 || w > 5)
            return NULL;
        s = end + 1;
        long d = strtol(s, &end, 10);
        if (end == s || d < 0 || d > 6)
            return NULL;
        *c = (struct hr_tz_change){.kind = 'M', .month = (int)m, .week = (int)w,
                                   .weekday = (int)d, .time_s = 7200};
    } else {
        bool julian = *s == 'J';
        const char *p = julian ? s + 1 : s;
        if (*p < '0' || *p > '9')
            return NULL;
        long d = strtol(p, &end, 10);
        if (julian ? d < 1 || d > 365 : d < 0 || d > 365)
            return NULL;
        *c = (struct hr_tz_change){.kind = julian ? 'J' : 'D', .day = (int)d, .time_s = 7200};
    }
    s = end;
    if (*s == '/') {
        s = rule_hms(s + 1, 167, &c->time_s);
        if (s == NULL)
            return NULL;
    }
    return s;
}

int hr_tz_parse_rule(const char *s, hr_tz_rule *out)
{
    int32_t v;
    memset(out, 0, sizeof *out);
    if ((s = rule_name(s)) == NULL || (s = rule_hms(s, 24, &v)) == NULL)
        return HR_EINVAL;
    out->std_offset_s = -v; /* POSIX offsets count west */
    if (*s == '\0')
        return HR_OK;
    if ((s = rule_name(s)) == NULL)
        return HR_EINVAL;
    out->has_dst = true;
    out->dst_offset_s = out->std_offset_s + 3600;
    if (*s != ',' && *s != '\0') {
        if ((s = rule_hms(s, 24, &v)) == NULL)
            return HR_EINVAL;
        out->dst_offset_s = -v;
    }
    if (*s != ',') /* the POSIX default rule is not used by TZif footers */
        return HR_EINVAL;
    if ((s = rule_change(s + 1, &out->start)) == NULL || *s != ',' ||
        (s = rule_change(s + 1, &out->end)) == NULL || *s != '\0')
        return HR_EINVAL;
    return HR_OK;
}

/* The UTC instant of change c in year y, the offset before it being off. */
static int64_t change_utc(const struct hr_tz_change *c, int y, int32_t off)
{
    int64_t day;
    if (c->kind == 'J') {
        /* 1..365, February 29 never counted */
        day = hr_civil_days(y, 1, 1) + c->day - 1 + (is_leap(y) && c->day >= 60);
    } else if (c->kind == 'D') {
        day = hr_civil_days(y, 1, 1) + c->day;
    } else {
        int64_t first = hr_civil_days(y, c->month, 1);
        int wd = (hr_civil_weekday(first) + 1) % 7; /* 0 = Sunday */
        int d = 1 + (c->weekday - wd + 7) % 7 + (c->week - 1) * 7;
        while (d > hr_civil_month_days(y, c->month))
            d -= 7;
        day = first + d - 1;
    }
    return day * DAY_S + c->time_s - off;
}

static int year_of(int64_t local_s)
{
    int64_t days = local_s >= 0 ? local_s / DAY_S : -((-local_s + DAY_S - 1) / DAY_S);
    int y, m, d;
    hr_civil_date(days, &y, &m, &d);
    return y;
}

static int32_t rule_offset(const hr_tz_rule *r, int64_t utc)
{
    if (!r->has_dst)
        return r->std_offset_s;
    int y = year_of(utc + r->std_offset_s);
    int64_t s = change_utc(&r->start, y, r->std_offset_s);
    int64_t e = change_utc(&r->end, y, r->dst_offset_s);
    bool dst = s < e ? utc >= s && utc < e : !(utc >= e && utc < s);
    return dst ? r->dst_offset_s : r->std_offset_s;
}

static int64_t rule_next(const hr_tz_rule *r, int64_t utc)
{
    if (!r->has_dst)
        return INT64_MAX;
    int y = year_of(utc + r->std_offset_s);
    int64_t best = INT64_MAX;
    for (int k = -1; k <= 1; k++) {
        int64_t s = change_utc(&r->start, y + k, r->std_offset_s);
        int64_t e = change_utc(&r->end, y + k, r->dst_offset_s);
        if (s > utc && s < best)
            best = s;
        if (e > utc && e < best)
            best = e;
    }
    return best;
}

/* ---- TZif ---------------------------------------------------------------- */

static int64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    if (n == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

typedef struct tzif_header {
    int version;
    size_t isut, isstd, leap, time, type, chars;
} tzif_header;

static bool read_header(const unsigned char *p, size_t len, tzif_header *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    h->version = p[4] == 0 ? 1 : p[4] - '0';
    size_t *f[6] = {&h->isut, &h->isstd, &h->leap, &h->time, &h->type, &h->chars};
    for (int i = 0; i < 6; i++) {
        int64_t v = be(p + 20 + 4 * i, 4);
        if (v < 0)
            return false;
        *f[i] = (size_t)v;
    }
    return h->type >= 1;
}

/* Bytes of a data block after its header, with times of tsize bytes. */
static size_t block_size(const tzif_header *h, size_t tsize)
{
    return h->time * tsize + h->time + h->type * 6 + h->chars + h->leap * (tsize + 4) +
           h->isstd + h->isut;
}

static int bad_file(hr_tz *tz, const char *name, hr_error *err)
{
    hr_tz_free(tz);
    return hr_error_set(err, HR_EINVAL, "time zone %s: not a valid TZif file", name);
}

int hr_tz_parse(hr_tz *tz, const char *name, const unsigned char *data, size_t len,
                hr_error *err)
{
    tzif_header h;
    memset(tz, 0, sizeof *tz);
    if (!read_header(data, len, &h) || 44 + block_size(&h, 4) > len)
        return bad_file(tz, name, err);
    const unsigned char *p = data + 44;
    size_t tsize = 4, rest = len - 44;
    const char *footer = NULL;
    size_t footer_len = 0;
    if (h.version >= 2) {
        size_t skip = block_size(&h, 4);
        if (!read_header(p + skip, rest - skip, &h) || skip + 44 + block_size(&h, 8) > rest)
            return bad_file(tz, name, err);
        p += skip + 44;
        tsize = 8;
        const char *f = (const char *)p + block_size(&h, 8);
        size_t flen = (size_t)((const char *)data + len - f);
        if (flen >= 2 && f[0] == '\n') {
            const char *nl = memchr(f + 1, '\n', flen - 1);
            if (nl == NULL)
                return bad_file(tz, name, err);
            footer = f + 1;
            footer_len = (size_t)(nl - footer);
        }
    }
    tz->name = strdup(name);
    tz->at = malloc((h.time ? h.time : 1) * sizeof *tz->at);
    tz->offset_s = malloc((h.time ? h.time : 1) * sizeof *tz->offset_s);
    if (!tz->name || !tz->at || !tz->offset_s) {
        hr_tz_free(tz);
        return hr_error_set(err, HR_ENOMEM, "time zone %s: out of memory", name);
    }
    const unsigned char *times = p, *idx = p + h.time * tsize, *types = idx + h.time;
    for (size_t i = 0; i < h.time; i++) {
        if (idx[i] >= h.type)
            return bad_file(tz, name, err);
        tz->at[i] = be(times + i * tsize, (int)tsize);
        tz->offset_s[i] = (int32_t)be(types + 6 * idx[i], 4);
        if (i > 0 && tz->at[i] <= tz->at[i - 1])
            return bad_file(tz, name, err);
    }
    tz->n = h.time;
    tz->first_offset_s = (int32_t)be(types, 4);
    if (footer_len > 0) {
        char rule[128];
        if (footer_len >= sizeof rule)
            return bad_file(tz, name, err);
        memcpy(rule, footer, footer_len);
        rule[footer_len] = '\0';
        if (hr_tz_parse_rule(rule, &tz->rule) != HR_OK)
            return bad_file(tz, name, err);
        tz->has_rule = true;
    }
    return HR_OK;
}

/* A name is a relative path of letters, digits and - _ + inside the
 * zone folder: no "..", no leading '/'. */
static bool valid_name(const char *name)
{
    if (name[0] == '\0' || name[0] == '/' || strlen(name) > 128)
        return false;
    for (const char *c = name; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '+' || *c == '/';
        if (!ok || (*c == '/' && c[1] == '/'))
            return false;
    }
    return strstr(name, "..") == NULL && name[strlen(name) - 1] != '/';
}

int hr_tz_load(hr_tz *tz, const char *dir, const char *name, hr_error *err)
{
    memset(tz, 0, sizeof *tz);
    if (dir == NULL)
        dir = HR_TZ_DIR;
    if (!valid_name(name))
        return hr_error_set(err, HR_EINVAL, "time zone %s: not an IANA zone name", name);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hr_error_set(err, HR_EINVAL, "time zone %s: no such zone in %s (%s)", name, dir,
                            strerror(errno));
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= (1u << 22)) { /* no zone file is megabytes long */
            free(buf);
            buf = NULL;
            break;
        }
        unsigned char *nb = realloc(buf, cap *= 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
    }
    bool io_error = ferror(f);
    fclose(f);
    if (buf == NULL)
        return hr_error_set(err, HR_EINVAL, "time zone %s: %s is not a zone file", name, path);
    int rc = io_error ? hr_error_set(err, HR_EINVAL, "time zone %s: cannot read %s", name, path)
                      : hr_tz_parse(tz, name, buf, len, err);
    free(buf);
    return rc;
}

int hr_tz_copy(hr_tz *dst, const hr_tz *src)
{
    *dst = *src;
    dst->name = src->name ? strdup(src->name) : NULL;
    dst->at = malloc((src->n ? src->n : 1) * sizeof *dst->at);
    dst->offset_s = malloc((src->n ? src->n : 1) * sizeof *dst->offset_s);
    if ((src->name && !dst->name) || !dst->at || !dst->offset_s) {
        hr_tz_free(dst);
        return HR_ENOMEM;
    }
    if (src->n) {
        memcpy(dst->at, src->at, src->n * sizeof *dst->at);
        memcpy(dst->offset_s, src->offset_s, src->n * sizeof *dst->offset_s);
    }
    return HR_OK;
}

void hr_tz_free(hr_tz *tz)
{
    if (tz == NULL)
        return;
    free(tz->name);
    free(tz->at);
    free(tz->offset_s);
    memset(tz, 0, sizeof *tz);
}

/* ---- lookups ------------------------------------------------------------- */

/* Index of the last transition at or before utc, or -1. */
static long last_at_or_before(const hr_tz *tz, int64_t utc)
{
    size_t lo = 0, hi = tz->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->at[mid] <= utc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

int32_t hr_tz_offset(const hr_tz *tz, int64_t utc_s)
{
    long i = last_at_or_before(tz, utc_s);
    if (tz->has_rule && (tz->n == 0 || i == (long)tz->n - 1))
        return rule_offset(&tz->rule, utc_s);
    return i < 0 ? tz->first_offset_s : tz->offset_s[i];
}

int64_t hr_tz_next_change(const hr_tz *tz, int64_t utc_s)
{
    long i = last_at_or_before(tz, utc_s);
    if (i + 1 < (long)tz->n)
        return tz->at[i + 1];
    return tz->has_rule ? rule_next(&tz->rule, utc_s) : INT64_MAX;
}

int64_t hr_tz_utc(const hr_tz *tz, int64_t local_s)
{
    /* The offsets in force a day either side cover any change near
     * local_s (zones change offset at most every few weeks). */
    int32_t before = hr_tz_offset(tz, local_s - DAY_S), after = hr_tz_offset(tz, local_s + DAY_S);
    int64_t a = local_s - before, b = local_s - after;
    bool a_ok = hr_tz_offset(tz, a) == before, b_ok = hr_tz_offset(tz, b) == after;
    if (a_ok && b_ok)
        return a < b ? a : b;
    if (a_ok)
        return a;
    if (b_ok)
        return b;
    /* skipped: the instant the clocks jumped over it */
    return hr_tz_next_change(tz, (a < b ? a : b) - 1);
}
