/* load_replay.c - traffic.replay: a recorded trace played back as the base
 * rate. The mapping says where the CSV is (relative to the scenario file)
 * and how to play it (scale, speed, start, loop, interpolation); the CSV is
 * the format of shared/traces: a header time_s,requests_per_s, then one row
 * per interval, time from 0 and strictly increasing, rates >= 0. Every
 * defect of the CSV is reported as FILE:LINE: what is wrong. */
#include "loader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A trace with more rows than this is refused (a year at one row a second
 * is 31.5M; this is a simulator's input, not an archive). */
#define REPLAY_MAX_ROWS 50000000

static const keyspec replay_keys[] = {
    {"file", NULL}, {"scale", NULL}, {"speed", NULL}, {"start", NULL}, {"loop", NULL},
    {"interpolation", NULL}, {NULL, NULL}
};

static const char *const interp_names[] = {"step", "linear", NULL};

/* A decimal number filling the whole cell. */
static bool cell_number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strspn(buf, "0123456789+-.eE") != len)
        return false;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int csv_fail(hr_error *err, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int csv_fail(hr_error *err, const char *file, long line, const char *fmt, ...)
{
    char msg[HR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hr_error_set(err, HR_EINVAL, "%s:%ld: %s", file, line, msg);
}

/* Parse text (len bytes) into r->time_s, r->rate, r->n and r->end_s. */
static int parse_csv(const char *file, const char *text, size_t len, hr_replay_config *r,
                     hr_error *err)
{
    size_t cap = 0;
    long line = 0;
    const char *p = text, *end = text + len;
    bool header = false;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        line++;
        const char *q = stop;
        if (q > p && q[-1] == '\r')
            q--;
        const char *row = p;
        p = eol ? eol + 1 : end;
        if (q == row)
            continue; /* a blank line */
        if (!header) {
            if ((size_t)(q - row) != strlen("time_s,requests_per_s") ||
                memcmp(row, "time_s,requests_per_s", (size_t)(q - row)) != 0)
                return csv_fail(err, file, line,
                                "expected the header time_s,requests_per_s (the format of shared/traces)");
            header = true;
            continue;
        }
        const char *comma = memchr(row, ',', (size_t)(q - row));
        if (comma == NULL)
            return csv_fail(err, file, line, "expected time_s,requests_per_s, got one cell");
        if (memchr(comma + 1, ',', (size_t)(q - comma - 1)) != NULL)
            return csv_fail(err, file, line, "expected 2 cells, got more");
        double t, v;
        if (!cell_number(row, (size_t)(comma - row), &t) || t < 0)
            return csv_fail(err, file, line, "time_s: expected seconds >= 0, got \"%.*s\"",
                            (int)(comma - row < 40 ? comma - row : 40), row);
        if (comma + 1 == q)
            return csv_fail(err, file, line,
                            "requests_per_s is empty: a gap cannot be replayed; write 0 for no traffic");
        if (!cell_number(comma + 1, (size_t)(q - comma - 1), &v) || v < 0)
            return csv_fail(err, file, line, "requests_per_s: expected a rate >= 0, got \"%.*s\"",
                            (int)(q - comma - 1 < 40 ? q - comma - 1 : 40), comma + 1);
        if (r->n == 0 && t != 0)
            return csv_fail(err, file, line, "the first row must be at time_s 0, got %g", t);
        if (r->n > 0 && t <= r->time_s[r->n - 1])
            return csv_fail(err, file, line,
                            "time_s %g is not after the row before (%g); rows must be in time order",
                            t, r->time_s[r->n - 1]);
        if (r->n == REPLAY_MAX_ROWS)
            return csv_fail(err, file, line, "more than %d rows; aggregate the trace to coarser rows",
                            REPLAY_MAX_ROWS);
        if (r->n == cap) {
            cap = cap ? 2 * cap : 1024;
            double *ts = realloc(r->time_s, cap * sizeof *ts);
            if (ts != NULL)
                r->time_s = ts;
            double *rs = realloc(r->rate, cap * sizeof *rs);
            if (rs != NULL)
                r->rate = rs;
            if (ts == NULL || rs == NULL)
                return hr_error_set(err, HR_ENOMEM, "%s: out of memory reading the trace", file);
        }
        r->time_s[r->n] = t;
        r->rate[r->n] = v;
        r->n++;
    }
    if (!header)
        return csv_fail(err, file, 1, "empty; expected the header time_s,requests_per_s and rows");
    if (r->n == 0)
        return csv_fail(err, file, line, "no rows after the header");
    /* The last row lasts as long as the interval before it (one second for
     * a single row). */
    double last = r->n > 1 ? r->time_s[r->n - 1] - r->time_s[r->n - 2] : 1.0;
    r->end_s = r->time_s[r->n - 1] + last;
    return HR_OK;
}

int hr_trace_load(const char *path, hr_replay_config *out, hr_error *err)
{
    *out = (hr_replay_config){.scale = 1, .speed = 1};
    char *text;
    size_t len;
    int rc = ld_read_file(path, "trace", LD_MAX_TRACE_BYTES, &text, &len, err);
    if (rc != HR_OK)
        return rc;
    if ((out->file = strdup(path)) == NULL)
        rc = hr_error_set(err, HR_ENOMEM, "%s: out of memory reading the trace", path);
    else
        rc = parse_csv(path, text, len, out, err);
    free(text);
    if (rc != HR_OK)
        hr_trace_free(out);
    return rc;
}

void hr_trace_free(hr_replay_config *t)
{
    free(t->file);
    free(t->time_s);
    free(t->rate);
    *t = (hr_replay_config){0};
}

int ld_parse_replay(loader *L, const yaml_node_t *n, const char *path)
{
    hr_replay_config *r = &L->sc->traffic.replay;
    char kp[KEYPATH_MAX], g[64], d[32], e[32];
    int rc, interp;
    if ((rc = ld_expect_map(L, n, path, "{file: traces/worldcup98.csv, scale: 2}")) ||
        (rc = ld_check_keys(L, n, path, replay_keys)) ||
        (rc = ld_f_number(L, n, path, "scale", false, 1, 0, true, 1e9, false, &r->scale)) ||
        (rc = ld_f_number(L, n, path, "speed", false, 1, 0, true, 1e6, false, &r->speed)) ||
        (rc = ld_f_duration(L, n, path, "start", false, 0, false, &r->start_s)) ||
        (rc = ld_f_bool(L, n, path, "loop", false, &r->loop)) ||
        (rc = ld_f_enum(L, n, path, "interpolation", false, HR_REPLAY_STEP, "interpolation",
                        interp_names, &interp)))
        return rc;
    r->interp = (hr_replay_interp)interp;
    yaml_node_t *file = ld_get(L, n, "file", NULL);
    if (file == NULL)
        return ld_missing(L, n, path, "file");
    ld_join(kp, path, "file");
    if (!ld_is_scalar(file))
        return ld_fail(L, file, HR_EINVAL, kp, "expected the path of a CSV trace, got %s",
                       ld_got(file, g, sizeof g));
    if ((r->file = ld_relative_path(L->file, ld_sval(file))) == NULL)
        return ld_nomem(L);

    char *text;
    size_t len;
    rc = ld_read_file(r->file, "trace", LD_MAX_TRACE_BYTES, &text, &len, L->err);
    if (rc == HR_EIO)
        return ld_fail(L, file, HR_EINVAL, kp, "%s (a trace path is relative to the scenario file)",
                       L->err->msg);
    if (rc != HR_OK)
        return rc;
    rc = parse_csv(r->file, text, len, r, L->err);
    free(text);
    if (rc != HR_OK)
        return rc;

    yaml_node_t *start = ld_get(L, n, "start", NULL);
    if (r->start_s >= r->end_s) {
        ld_join(kp, path, "start");
        ld_fmt_dur(r->end_s, e, sizeof e);
        return ld_fail(L, start, HR_EINVAL, kp, "must be before the trace ends (%s), got %s", e,
                       ld_sval(start));
    }
    double needed_s = r->start_s + L->sc->duration_s * r->speed;
    if (!r->loop && needed_s > r->end_s * (1 + 1e-12)) {
        ld_fmt_dur(needed_s, d, sizeof d);
        ld_fmt_dur(r->end_s, e, sizeof e);
        return ld_fail(L, n, HR_EINVAL, path,
                       "the run plays the trace up to %s, but it ends at %s; set loop: true, a "
                       "smaller start or speed, or a shorter duration",
                       d, e);
    }
    L->sc->traffic.has_replay = true;
    return HR_OK;
}
