/* scenario.c - YAML scenario file -> hr_scenario, every value checked.
 *
 * The file is parsed with libyaml's document API (a node graph with start
 * marks), then walked section by section. Each mapping has a small key table
 * (keyspec) that says which keys are valid there; the same table gives the
 * did-you-mean candidates for unknown keys. Every error names the file, the
 * 1-based line and column of the offending node (libyaml marks are 0-based),
 * the key path, what is wrong and, where possible, what would be right:
 *
 *   PATH:LINE:COL: key.path: what is wrong; what would be right
 *
 * The walk is driven by the schema, never by the graph, so anchors and
 * aliases (which libyaml may turn into cycles) cannot make it loop.
 * docs/scenario.md documents every key and message pattern; keep it in step. */
#include "headroom/scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "headroom/duration.h"

#define KEYPATH_MAX 256
#define LIST_MAX 512

typedef struct loader {
    const char *file;      /* for messages */
    const char *text;      /* the whole input, for policy source slices */
    size_t len;
    yaml_document_t *doc;
    hr_error *err;
    hr_scenario *sc;
    yaml_node_t *root;
} loader;

/* A key valid in some mapping. notsup, when set, is the HR_ENOTSUP message
 * for a contract key whose feature is not built yet. */
typedef struct keyspec {
    const char *name;
    const char *notsup;
} keyspec;

/* ---- messages ------------------------------------------------------------ */

static int fail(loader *L, const yaml_node_t *at, int code, const char *path,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(loader *L, const yaml_node_t *at, int code, const char *path,
                const char *fmt, ...)
{
    char msg[HR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = at ? (int)at->start_mark.line + 1 : 1;
    int col = at ? (int)at->start_mark.column + 1 : 1;
    if (path != NULL && path[0] != '\0')
        return hr_error_set(L->err, code, "%s:%d:%d: %s: %s", L->file, line, col, path, msg);
    return hr_error_set(L->err, code, "%s:%d:%d: %s", L->file, line, col, msg);
}

static int nomem(loader *L)
{
    return hr_error_set(L->err, HR_ENOMEM, "%s: out of memory while loading the scenario",
                        L->file);
}

/* Key paths longer than KEYPATH_MAX are cut short: they only label messages. */
static void join(char *out, const char *base, const char *key)
{
    int w = snprintf(out, KEYPATH_MAX, "%s%s%s", base, base[0] ? "." : "", key);
    if (w < 0)
        out[0] = '\0';
}

/* "base[i]" or "base[i] (name)" for list items that have a name. */
static void join_index(char *out, const char *base, size_t i, const char *name)
{
    int w;
    if (name != NULL)
        w = snprintf(out, KEYPATH_MAX, "%s[%zu] (%s)", base, i, name);
    else
        w = snprintf(out, KEYPATH_MAX, "%s[%zu]", base, i);
    if (w < 0)
        out[0] = '\0';
}

/* ---- nodes --------------------------------------------------------------- */

static yaml_node_t *node_at(loader *L, int index)
{
    return yaml_document_get_node(L->doc, index);
}

static const char *sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* A plain empty, ~ or null scalar: a key written without a value. */
static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = sval(n);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static bool is_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && !is_null(n);
}

/* The scalar as the user wrote it, shortened for messages. */
static const char *raw(const yaml_node_t *n, char *buf, size_t size)
{
    const char *s = sval(n);
    if (strlen(s) <= 40)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "%.37s...", s);
    return buf;
}

/* What a node is, for "expected X, got Y". */
static const char *got(const yaml_node_t *n, char *buf, size_t size)
{
    char r[64];
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        if (is_null(n))
            return "nothing";
        if (snprintf(buf, size, "\"%s\"", raw(n, r, sizeof r)) < 0)
            return "a value";
        return buf;
    case YAML_NO_NODE: break;
    }
    return "nothing";
}

/* The value of key in map (and the key node), or NULL. */
static yaml_node_t *get(loader *L, const yaml_node_t *map, const char *key, yaml_node_t **keynode)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(sval(k), key) == 0) {
            if (keynode != NULL)
                *keynode = k;
            return node_at(L, p->value);
        }
    }
    return NULL;
}

/* ---- did you mean -------------------------------------------------------- */

static size_t levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[lb];
}

static bool is_prefix(const char *shorter, const char *longer)
{
    size_t n = strlen(shorter);
    return n >= 3 && strncmp(shorter, longer, n) == 0;
}

/* The closest of names[0..n) to word: edit distance <= 2 (and smaller than
 * the word itself, so "xy" does not suggest "sd"), or one is a prefix of the
 * other; NULL when none is close. */
static const char *suggest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = levenshtein(word, names[i]);
        bool close = (d <= 2 && d < strlen(word)) || is_prefix(word, names[i]) ||
                     is_prefix(names[i], word);
        if (close && d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

static const char *list_names(const char *const *names, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

static size_t count_names(const char *const *names)
{
    size_t n = 0;
    while (names[n] != NULL)
        n++;
    return n;
}

/* Names of the supported keys of a table (those without notsup). */
static size_t spec_names(const keyspec *keys, const char **out, size_t max, bool with_notsup)
{
    size_t n = 0;
    for (; keys->name != NULL && n < max; keys++)
        if (with_notsup || keys->notsup == NULL)
            out[n++] = keys->name;
    return n;
}

static int unknown_key(loader *L, const yaml_node_t *k, const char *path,
                       const char *const *cands, size_t n_cands,
                       const char *const *valid, size_t n_valid)
{
    char kp[KEYPATH_MAX], list[LIST_MAX];
    join(kp, path, sval(k));
    const char *s = suggest(sval(k), cands, n_cands);
    if (s != NULL)
        return fail(L, k, HR_EINVAL, kp, "unknown key; did you mean %s?", s);
    return fail(L, k, HR_EINVAL, kp, "unknown key; valid keys: %s",
                list_names(valid, n_valid, list, sizeof list));
}

/* ---- mappings ------------------------------------------------------------ */

static int expect_map(loader *L, const yaml_node_t *n, const char *path, const char *example)
{
    char g[64];
    if (n->type == YAML_MAPPING_NODE)
        return HR_OK;
    return fail(L, n, HR_EINVAL, path, "expected a mapping like %s, got %s", example,
                n->type == YAML_SCALAR_NODE && !is_null(n) ? "a scalar" : got(n, g, sizeof g));
}

/* Check a mapping's keys: scalar, no duplicates and, when keys is not NULL,
 * each in the table (unknown -> did-you-mean; notsup -> HR_ENOTSUP). */
static int check_keys(loader *L, const yaml_node_t *map, const char *path, const keyspec *keys)
{
    const char *all[32], *valid[32];
    size_t n_all = keys ? spec_names(keys, all, 32, true) : 0;
    size_t n_valid = keys ? spec_names(keys, valid, 32, false) : 0;
    yaml_node_pair_t *start = map->data.mapping.pairs.start;
    for (yaml_node_pair_t *p = start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key);
        char g[64], kp[KEYPATH_MAX];
        if (k->type != YAML_SCALAR_NODE || is_null(k))
            return fail(L, k, HR_EINVAL, path, "expected a key name, got %s", got(k, g, sizeof g));
        join(kp, path, sval(k));
        for (yaml_node_pair_t *q = start; q < p; q++) {
            yaml_node_t *k0 = node_at(L, q->key);
            if (k0->type == YAML_SCALAR_NODE && strcmp(sval(k0), sval(k)) == 0)
                return fail(L, k, HR_EINVAL, kp, "duplicate key; it is already set at line %d",
                            (int)k0->start_mark.line + 1);
        }
        if (keys == NULL)
            continue;
        const keyspec *ks = keys;
        while (ks->name != NULL && strcmp(ks->name, sval(k)) != 0)
            ks++;
        if (ks->name == NULL)
            return unknown_key(L, k, path, all, n_all, valid, n_valid);
        if (ks->notsup != NULL)
            return fail(L, k, HR_ENOTSUP, kp, "%s", ks->notsup);
    }
    return HR_OK;
}

static int missing(loader *L, const yaml_node_t *map, const char *path, const char *key)
{
    return fail(L, map, HR_EINVAL, path, "missing required key %s", key);
}

/* ---- scalar readers ------------------------------------------------------ */

/* strtod accepts hex, "nan", "inf" and leading spaces; a scenario number is
 * a plain decimal. */
static bool parse_number(const char *s, double *out)
{
    if (s[0] == '\0')
        return false;
    for (const char *c = s; *c; c++)
        if (!strchr("0123456789+-.eE", *c))
            return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static int rd_string(loader *L, const yaml_node_t *n, const char *path, char **out)
{
    char g[64];
    if (!is_scalar(n))
        return fail(L, n, HR_EINVAL, path, "expected a string, got %s", got(n, g, sizeof g));
    if (sval(n)[0] == '\0')
        return fail(L, n, HR_EINVAL, path, "must not be empty");
    *out = strdup(sval(n));
    return *out ? HR_OK : nomem(L);
}

static int rd_number(loader *L, const yaml_node_t *n, const char *path, double *out)
{
    char g[64];
    if (!is_scalar(n) || !parse_number(sval(n), out))
        return fail(L, n, HR_EINVAL, path, "expected a number, got %s", got(n, g, sizeof g));
    return HR_OK;
}

static int rd_duration(loader *L, const yaml_node_t *n, const char *path, double *out)
{
    char g[64];
    if (!is_scalar(n) || hr_duration_parse(sval(n), out) != HR_OK)
        return fail(L, n, HR_EINVAL, path, "expected a duration like 90s or 250ms, got %s",
                    got(n, g, sizeof g));
    return HR_OK;
}

static int rd_bool(loader *L, const yaml_node_t *n, const char *path, bool *out)
{
    char g[64];
    if (is_scalar(n) && strcmp(sval(n), "true") == 0)
        *out = true;
    else if (is_scalar(n) && strcmp(sval(n), "false") == 0)
        *out = false;
    else
        return fail(L, n, HR_EINVAL, path, "expected true or false, got %s", got(n, g, sizeof g));
    return HR_OK;
}

/* One of names (NULL-terminated); *out is its index. */
static int rd_enum(loader *L, const yaml_node_t *n, const char *path, const char *noun,
                   const char *const *names, int *out)
{
    char g[64], list[LIST_MAX];
    size_t count = count_names(names);
    if (!is_scalar(n))
        return fail(L, n, HR_EINVAL, path, "expected one of %s, got %s",
                    list_names(names, count, list, sizeof list), got(n, g, sizeof g));
    for (size_t i = 0; i < count; i++) {
        if (strcmp(sval(n), names[i]) == 0) {
            *out = (int)i;
            return HR_OK;
        }
    }
    const char *s = suggest(sval(n), names, count);
    if (s != NULL)
        return fail(L, n, HR_EINVAL, path, "unknown %s %s; did you mean %s?", noun,
                    got(n, g, sizeof g), s);
    return fail(L, n, HR_EINVAL, path, "unknown %s %s; expected one of %s", noun,
                got(n, g, sizeof g), list_names(names, count, list, sizeof list));
}

/* "must be greater than 0 and at most 1" and friends. */
static void describe_range(char *buf, size_t size, double lo, bool lo_open, double hi, bool hi_open)
{
    if (isfinite(lo) && isfinite(hi)) {
        if (!lo_open && !hi_open)
            snprintf(buf, size, "must be from %g to %g", lo, hi);
        else if (lo_open && !hi_open)
            snprintf(buf, size, "must be greater than %g and at most %g", lo, hi);
        else if (!lo_open)
            snprintf(buf, size, "must be at least %g and less than %g", lo, hi);
        else
            snprintf(buf, size, "must be greater than %g and less than %g", lo, hi);
    } else if (isfinite(lo)) {
        snprintf(buf, size, lo_open ? "must be greater than %g" : "must be at least %g", lo);
    } else {
        snprintf(buf, size, hi_open ? "must be less than %g" : "must be at most %g", hi);
    }
}

static int check_range(loader *L, const yaml_node_t *n, const char *path, double v,
                       double lo, bool lo_open, double hi, bool hi_open)
{
    bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok)
        return HR_OK;
    char what[128], r[64];
    describe_range(what, sizeof what, lo, lo_open, hi, hi_open);
    return fail(L, n, HR_EINVAL, path, "%s, got %s", what, raw(n, r, sizeof r));
}

static void describe_int_range(char *buf, size_t size, long lo, long hi)
{
    if (hi >= INT_MAX)
        snprintf(buf, size, "an integer of at least %ld", lo);
    else
        snprintf(buf, size, "an integer from %ld to %ld", lo, hi);
}

static int rd_int(loader *L, const yaml_node_t *n, const char *path, long lo, long hi, int *out)
{
    char what[96], g[64], r[64];
    double v;
    describe_int_range(what, sizeof what, lo, hi);
    if (!is_scalar(n) || !parse_number(sval(n), &v))
        return fail(L, n, HR_EINVAL, path, "expected %s, got %s", what, got(n, g, sizeof g));
    if (v != floor(v) || v < (double)lo || v > (double)hi)
        return fail(L, n, HR_EINVAL, path, "must be %s, got %s", what, raw(n, r, sizeof r));
    *out = (int)v;
    return HR_OK;
}

/* ---- fields: look up, read, default, range ------------------------------- */

#define NO_LO (-INFINITY)
#define NO_HI INFINITY

/* Look key up in map for one of the f_* readers below: *n is the value node
 * and kp its key path when present; *n is NULL when the key is absent and
 * optional (the reader applies its default); an absent required key is the
 * missing-key error. */
static int field(loader *L, const yaml_node_t *map, const char *base, const char *key,
                 bool required, char kp[KEYPATH_MAX], yaml_node_t **n)
{
    *n = get(L, map, key, NULL);
    if (*n == NULL)
        return required ? missing(L, map, base, key) : HR_OK;
    join(kp, base, key);
    return HR_OK;
}

static int f_number(loader *L, const yaml_node_t *map, const char *base, const char *key,
                    bool required, double dflt, double lo, bool lo_open, double hi,
                    bool hi_open, double *out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK)
            *out = dflt;
        return rc;
    }
    rc = rd_number(L, n, kp, out);
    if (rc == HR_OK)
        rc = check_range(L, n, kp, *out, lo, lo_open, hi, hi_open);
    return rc;
}

/* Durations are never negative (the parser refuses them); positive asks for
 * > 0. */
static int f_duration(loader *L, const yaml_node_t *map, const char *base, const char *key,
                      bool required, double dflt, bool positive, double *out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK)
            *out = dflt;
        return rc;
    }
    rc = rd_duration(L, n, kp, out);
    if (rc == HR_OK && positive)
        rc = check_range(L, n, kp, *out, 0, true, NO_HI, false);
    return rc;
}

static int f_int(loader *L, const yaml_node_t *map, const char *base, const char *key,
                 bool required, int dflt, long lo, long hi, int *out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK)
            *out = dflt;
        return rc;
    }
    return rd_int(L, n, kp, lo, hi, out);
}

static int f_string(loader *L, const yaml_node_t *map, const char *base, const char *key,
                    bool required, const char *dflt, char **out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK && (*out = strdup(dflt)) == NULL)
            rc = nomem(L);
        return rc;
    }
    return rd_string(L, n, kp, out);
}

static int f_enum(loader *L, const yaml_node_t *map, const char *base, const char *key,
                  bool required, int dflt, const char *noun, const char *const *names, int *out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK)
            *out = dflt;
        return rc;
    }
    return rd_enum(L, n, kp, noun, names, out);
}

static int f_bool(loader *L, const yaml_node_t *map, const char *base, const char *key,
                  bool dflt, bool *out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    field(L, map, base, key, false, kp, &n); /* optional: cannot fail */
    if (n == NULL) {
        *out = dflt;
        return HR_OK;
    }
    return rd_bool(L, n, kp, out);
}

/* A name used in results, charts and on the command line. */
static bool valid_name(const char *s)
{
    if (s[0] == '\0')
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static int check_name(loader *L, const yaml_node_t *map, const char *base, const char *key,
                      const char *value)
{
    char kp[KEYPATH_MAX], r[64];
    if (valid_name(value))
        return HR_OK;
    join(kp, base, key);
    yaml_node_t *n = get(L, map, key, NULL);
    return fail(L, n, HR_EINVAL, kp,
                "must contain only letters, digits, '.', '_' and '-', got \"%s\"",
                raw(n, r, sizeof r));
}

/* d is a multiple of tick_s, to 1e-9 relative. */
static bool is_multiple(double d, double tick_s)
{
    double r = d / tick_s;
    return r >= 1 - 1e-9 && fabs(r - nearbyint(r)) <= 1e-9 * r;
}

static void fmt_dur(double s, char *buf, size_t size)
{
    hr_duration_format(s, buf, size);
}

/* A duration key that must be a multiple of the tick; when absent the
 * default is checked and the error points at the enclosing mapping. */
static int check_tick_multiple(loader *L, const yaml_node_t *map, const char *base,
                               const char *key, double v)
{
    char kp[KEYPATH_MAX], t[32], d[32];
    if (is_multiple(v, L->sc->tick_s))
        return HR_OK;
    join(kp, base, key);
    fmt_dur(L->sc->tick_s, t, sizeof t);
    yaml_node_t *n = map ? get(L, map, key, NULL) : NULL;
    if (n != NULL)
        return fail(L, n, HR_EINVAL, kp, "must be a multiple of tick (%s), got %s", t, sval(n));
    fmt_dur(v, d, sizeof d);
    return fail(L, map ? map : L->root, HR_EINVAL, kp,
                "must be a multiple of tick (%s), got %s (the default); set %s explicitly", t, d,
                kp);
}

/* ---- distributions ------------------------------------------------------- */

static const char *const dist_names[] = {
    "constant", "exponential", "normal", "lognormal", "gamma", NULL
};

static const keyspec dist_keys[] = {
    {"dist", NULL}, {"mean", NULL}, {"sd", NULL}, {"sigma", NULL}, {"p99", NULL}, {"cv", NULL},
    {NULL, NULL}
};

/* Which distribution each parameter key belongs to. */
static int param_owner(const char *key)
{
    if (strcmp(key, "sd") == 0)
        return HR_DIST_NORMAL;
    if (strcmp(key, "sigma") == 0 || strcmp(key, "p99") == 0)
        return HR_DIST_LOGNORMAL;
    if (strcmp(key, "cv") == 0)
        return HR_DIST_GAMMA;
    return -1;
}

static const char *dist_takes(int kind)
{
    switch (kind) {
    case HR_DIST_NORMAL: return "mean and sd";
    case HR_DIST_LOGNORMAL: return "mean and sigma or p99";
    case HR_DIST_GAMMA: return "mean and cv";
    default: return "mean only";
    }
}

/* {dist: NAME, mean: DURATION, ...}; mean_positive asks for mean > 0 even
 * for constant (service demand cannot be zero). */
static int parse_dist(loader *L, const yaml_node_t *n, const char *path, bool mean_positive,
                      hr_dist *d)
{
    int rc, kind;
    memset(d, 0, sizeof *d);
    if ((rc = expect_map(L, n, path, "{dist: lognormal, mean: 40ms, p99: 300ms}")) ||
        (rc = check_keys(L, n, path, dist_keys)) ||
        (rc = f_enum(L, n, path, "dist", true, 0, "distribution", dist_names, &kind)))
        return rc;
    d->kind = (hr_dist_kind)kind;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key);
        int owner = param_owner(sval(k));
        if (owner >= 0 && owner != kind) {
            char kp[KEYPATH_MAX];
            join(kp, path, sval(k));
            return fail(L, k, HR_EINVAL, kp, "%s applies to %s only; %s takes %s", sval(k),
                        dist_names[owner], dist_names[kind], dist_takes(kind));
        }
    }
    if ((rc = f_duration(L, n, path, "mean", true, 0, mean_positive, &d->mean_s)))
        return rc;
    switch (d->kind) {
    case HR_DIST_NORMAL:
        rc = f_duration(L, n, path, "sd", true, 0, false, &d->sd_s);
        break;
    case HR_DIST_LOGNORMAL: {
        yaml_node_t *sigma = get(L, n, "sigma", NULL), *p99k = NULL;
        yaml_node_t *p99 = get(L, n, "p99", &p99k);
        if (sigma == NULL && p99 == NULL)
            return missing(L, n, path, "sigma or p99");
        if (sigma != NULL && p99 != NULL) {
            char kp[KEYPATH_MAX];
            join(kp, path, "p99");
            return fail(L, p99k, HR_EINVAL, kp, "give sigma or p99, not both");
        }
        if (sigma != NULL)
            rc = f_number(L, n, path, "sigma", true, 0, 0, true, NO_HI, false, &d->sigma);
        else
            rc = f_duration(L, n, path, "p99", true, 0, true, &d->p99_s);
        break;
    }
    case HR_DIST_GAMMA:
        rc = f_number(L, n, path, "cv", true, 0, 0, true, NO_HI, false, &d->cv);
        break;
    default:
        break;
    }
    if (rc != HR_OK)
        return rc;
    hr_error e;
    hr_error_clear(&e);
    rc = hr_dist_prepare(d, &e);
    if (rc != HR_OK)
        return fail(L, n, rc, path, "%s", e.msg);
    return HR_OK;
}

/* ---- top level ------------------------------------------------------------ */

static const keyspec top_keys[] = {
    {"scenario", NULL}, {"description", NULL}, {"duration", NULL}, {"tick", NULL},
    {"fidelity", NULL}, {"seed", NULL}, {"replications", NULL}, {"traffic", NULL},
    {"workload", NULL}, {"fleet", NULL}, {"metrics", NULL}, {"slo", NULL},
    {"policies", NULL}, {"limits", NULL}, {NULL, NULL}
};

static const char *const fidelity_names[] = {"auto", "request", "fluid", NULL};

static int parse_seed(loader *L, const yaml_node_t *root, uint64_t *out)
{
    char r[64], g[64];
    yaml_node_t *n = get(L, root, "seed", NULL);
    *out = 1;
    if (n == NULL)
        return HR_OK;
    const char *s = is_scalar(n) ? sval(n) : "";
    bool digits = s[0] != '\0';
    for (const char *c = s; *c; c++)
        digits = digits && *c >= '0' && *c <= '9';
    if (digits) {
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 10);
        if (errno == 0) {
            *out = (uint64_t)v;
            return HR_OK;
        }
    }
    if (!is_scalar(n))
        return fail(L, n, HR_EINVAL, "seed",
                    "expected an integer from 0 to 18446744073709551615, got %s",
                    got(n, g, sizeof g));
    return fail(L, n, HR_EINVAL, "seed", "must be an integer from 0 to 18446744073709551615, got %s",
                raw(n, r, sizeof r));
}

static int parse_header(loader *L, const yaml_node_t *root)
{
    hr_scenario *sc = L->sc;
    int rc, fid;
    if ((rc = f_string(L, root, "", "scenario", true, NULL, &sc->name)) ||
        (rc = check_name(L, root, "", "scenario", sc->name)) ||
        (rc = f_string(L, root, "", "description", false, "", &sc->description)) ||
        (rc = f_duration(L, root, "", "duration", true, 0, true, &sc->duration_s)) ||
        (rc = f_duration(L, root, "", "tick", false, 1, true, &sc->tick_s)))
        return rc;
    if (sc->tick_s > sc->duration_s) {
        char t[32], d[32];
        fmt_dur(sc->tick_s, t, sizeof t);
        fmt_dur(sc->duration_s, d, sizeof d);
        yaml_node_t *tick = get(L, root, "tick", NULL);
        if (tick != NULL)
            return fail(L, tick, HR_EINVAL, "tick", "must be at most duration (%s), got %s", d,
                        sval(tick));
        return fail(L, get(L, root, "duration", NULL), HR_EINVAL, "duration",
                    "must be at least tick (%s, the default), got %s", t, d);
    }
    if ((rc = f_enum(L, root, "", "fidelity", false, HR_FIDELITY_AUTO, "fidelity",
                     fidelity_names, &fid)))
        return rc;
    if (fid == HR_FIDELITY_FLUID)
        return fail(L, get(L, root, "fidelity", NULL), HR_ENOTSUP, "fidelity",
                    "fluid mode is not available yet; use request or auto");
    sc->fidelity = (hr_fidelity)fid;
    if ((rc = parse_seed(L, root, &sc->seed)) ||
        (rc = f_int(L, root, "", "replications", false, 1, 1, 1000, &sc->replications)))
        return rc;
    return HR_OK;
}

/* ---- limits --------------------------------------------------------------- */

static const keyspec limit_keys[] = {
    {"max_scale_out_per_hour", NULL}, {"max_scale_in_per_hour", NULL},
    {"budget_per_hour", NULL}, {NULL, NULL}
};

/* Set the fields present in n (leaving the others as they are), so a
 * policy's limits overlay the scenario's field by field. */
static int parse_limits(loader *L, const yaml_node_t *n, const char *path, hr_limits *lim)
{
    int rc;
    if ((rc = expect_map(L, n, path, "{max_scale_out_per_hour: 10, budget_per_hour: 40}")) ||
        (rc = check_keys(L, n, path, limit_keys)))
        return rc;
    if (get(L, n, "max_scale_out_per_hour", NULL)) {
        lim->has_max_scale_out_per_hour = true;
        if ((rc = f_int(L, n, path, "max_scale_out_per_hour", true, 0, 1, INT_MAX,
                        &lim->max_scale_out_per_hour)))
            return rc;
    }
    if (get(L, n, "max_scale_in_per_hour", NULL)) {
        lim->has_max_scale_in_per_hour = true;
        if ((rc = f_int(L, n, path, "max_scale_in_per_hour", true, 0, 1, INT_MAX,
                        &lim->max_scale_in_per_hour)))
            return rc;
    }
    if (get(L, n, "budget_per_hour", NULL)) {
        lim->has_budget_per_hour = true;
        if ((rc = f_number(L, n, path, "budget_per_hour", true, 0, 0, true, NO_HI, false,
                           &lim->budget_per_hour)))
            return rc;
    }
    return HR_OK;
}

/* ---- traffic -------------------------------------------------------------- */

static const keyspec traffic_keys[] = {
    {"base_rps", NULL}, {"diurnal", NULL}, {"weekly", NULL}, {"start_day", NULL},
    {"growth", NULL}, {"noise", NULL}, {"events", NULL},
    {"tenants", "tenants are not available yet"},
    {"replay", "trace replay is not available yet"}, {NULL, NULL}
};

static const keyspec weekly_keys[] = {
    {"mon", NULL}, {"tue", NULL}, {"wed", NULL}, {"thu", NULL}, {"fri", NULL}, {"sat", NULL},
    {"sun", NULL}, {NULL, NULL}
};

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static const keyspec growth_keys[] = {{"monthly", NULL}, {NULL, NULL}};
static const keyspec noise_keys[] = {{"sigma", NULL}, {"correlation", NULL}, {NULL, NULL}};

static const keyspec event_keys[] = {
    {"name", NULL}, {"start", NULL}, {"duration", NULL}, {"multiplier", NULL}, {"ramp", NULL},
    {"shape", NULL}, {"decay", NULL}, {NULL, NULL}
};

static const char *const shape_names[] = {"plateau", "spike", NULL};

static int parse_diurnal(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    const char *path = "traffic.diurnal";
    char g[64], list[LIST_MAX];
    if (is_scalar(n)) {
        size_t count = count_names(hr_diurnal_profile_names);
        if (hr_diurnal_profile(sval(n), t->diurnal) != HR_OK) {
            const char *s = suggest(sval(n), hr_diurnal_profile_names, count);
            if (s != NULL)
                return fail(L, n, HR_EINVAL, path, "unknown profile %s; did you mean %s?",
                            got(n, g, sizeof g), s);
            return fail(L, n, HR_EINVAL, path,
                        "unknown profile %s; expected one of %s, or a list of 24 hourly multipliers",
                        got(n, g, sizeof g),
                        list_names(hr_diurnal_profile_names, count, list, sizeof list));
        }
        t->diurnal_name = strdup(sval(n));
        return t->diurnal_name ? HR_OK : nomem(L);
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(L, n, HR_EINVAL, path,
                    "expected a profile name like ecommerce or a list of 24 hourly multipliers, got %s",
                    got(n, g, sizeof g));
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count != 24)
        return fail(L, n, HR_EINVAL, path, "expected 24 hourly multipliers, got %zu", count);
    double sum = 0;
    for (size_t h = 0; h < 24; h++) {
        char kp[KEYPATH_MAX];
        yaml_node_t *item = node_at(L, n->data.sequence.items.start[h]);
        join_index(kp, path, h, NULL);
        int rc = rd_number(L, item, kp, &t->diurnal[h]);
        if (rc == HR_OK)
            rc = check_range(L, item, kp, t->diurnal[h], 0, false, NO_HI, false);
        if (rc != HR_OK)
            return rc;
        sum += t->diurnal[h];
    }
    if (sum <= 0)
        return fail(L, n, HR_EINVAL, path, "all 24 multipliers are 0; at least one hour needs traffic");
    return HR_OK;
}

static int parse_event(loader *L, const yaml_node_t *n, size_t i, hr_traffic_event *ev)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX];
    int rc, shape;
    join_index(path, "traffic.events", i, NULL);
    if ((rc = expect_map(L, n, path, "{name: black-friday, start: 1d, duration: 1d, multiplier: 5}")))
        return rc;
    yaml_node_t *name = get(L, n, "name", NULL);
    if (name != NULL && is_scalar(name))
        join_index(path, "traffic.events", i, sval(name));
    if ((rc = check_keys(L, n, path, event_keys)) ||
        (rc = f_string(L, n, path, "name", true, NULL, &ev->name)) ||
        (rc = f_enum(L, n, path, "shape", false, HR_EVENT_PLATEAU, "shape", shape_names, &shape)))
        return rc;
    ev->shape = (hr_event_shape)shape;
    yaml_node_t *k = NULL;
    if (ev->shape == HR_EVENT_SPIKE && get(L, n, "duration", &k)) {
        join(kp, path, "duration");
        return fail(L, k, HR_EINVAL, kp,
                    "spike events take no duration; a spike rises over ramp and decays with decay");
    }
    if (ev->shape == HR_EVENT_PLATEAU && get(L, n, "decay", &k)) {
        join(kp, path, "decay");
        return fail(L, k, HR_EINVAL, kp,
                    "plateau events take no decay; give shape: spike for a decaying event");
    }
    bool plateau = ev->shape == HR_EVENT_PLATEAU;
    if ((rc = f_duration(L, n, path, "start", true, 0, false, &ev->start_s)) ||
        (plateau && (rc = f_duration(L, n, path, "duration", true, 0, true, &ev->duration_s))) ||
        (rc = f_number(L, n, path, "multiplier", true, 0, 0, true, NO_HI, false, &ev->multiplier)) ||
        (rc = f_duration(L, n, path, "ramp", false, 0, false, &ev->ramp_s)) ||
        (!plateau && (rc = f_duration(L, n, path, "decay", true, 0, true, &ev->decay_s))))
        return rc;
    if (plateau && 2 * ev->ramp_s > ev->duration_s) {
        char d[32];
        fmt_dur(ev->duration_s, d, sizeof d);
        join(kp, path, "ramp");
        yaml_node_t *ramp = get(L, n, "ramp", NULL);
        return fail(L, ramp, HR_EINVAL, kp,
                    "must be at most half of duration (%s) so the ramps in and out fit, got %s",
                    d, sval(ramp));
    }
    return HR_OK;
}

static int parse_events(loader *L, const yaml_node_t *n, hr_traffic_config *t)
{
    char g[64];
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(L, n, HR_EINVAL, "traffic.events",
                    "expected a list like [{name: black-friday, start: 1d, duration: 1d, multiplier: 5}], got %s",
                    got(n, g, sizeof g));
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count == 0)
        return HR_OK;
    t->events = calloc(count, sizeof *t->events);
    if (t->events == NULL)
        return nomem(L);
    t->n_events = count;
    for (size_t i = 0; i < count; i++) {
        int rc = parse_event(L, node_at(L, n->data.sequence.items.start[i]), i, &t->events[i]);
        if (rc != HR_OK)
            return rc;
    }
    return HR_OK;
}

static int parse_traffic(loader *L, const yaml_node_t *n)
{
    hr_traffic_config *t = &L->sc->traffic;
    const char *path = "traffic";
    int rc;
    yaml_node_t *sub;
    if ((rc = expect_map(L, n, path, "{base_rps: 800, diurnal: ecommerce}")) ||
        (rc = check_keys(L, n, path, traffic_keys)) ||
        (rc = f_number(L, n, path, "base_rps", true, 0, 0, true, NO_HI, false, &t->base_rps)))
        return rc;
    for (int h = 0; h < 24; h++)
        t->diurnal[h] = 1;
    if ((sub = get(L, n, "diurnal", NULL)) && (rc = parse_diurnal(L, sub, t)))
        return rc;
    for (int d = 0; d < 7; d++)
        t->weekly[d] = 1;
    if ((sub = get(L, n, "weekly", NULL))) {
        if ((rc = expect_map(L, sub, "traffic.weekly", "{sat: 0.7, sun: 0.6}")) ||
            (rc = check_keys(L, sub, "traffic.weekly", weekly_keys)))
            return rc;
        for (int d = 0; d < 7; d++)
            if ((rc = f_number(L, sub, "traffic.weekly", day_names[d], false, 1, 0, false, NO_HI,
                               false, &t->weekly[d])))
                return rc;
    }
    if ((rc = f_enum(L, n, path, "start_day", false, 0, "day", day_names, &t->start_day)))
        return rc;
    if ((sub = get(L, n, "growth", NULL))) {
        if ((rc = expect_map(L, sub, "traffic.growth", "{monthly: 0.25}")) ||
            (rc = check_keys(L, sub, "traffic.growth", growth_keys)) ||
            (rc = f_number(L, sub, "traffic.growth", "monthly", true, 0, -1, true, NO_HI, false,
                           &t->growth_monthly)))
            return rc;
    }
    t->noise_correlation_s = 300;
    if ((sub = get(L, n, "noise", NULL))) {
        if ((rc = expect_map(L, sub, "traffic.noise", "{sigma: 0.08, correlation: 5m}")) ||
            (rc = check_keys(L, sub, "traffic.noise", noise_keys)) ||
            (rc = f_number(L, sub, "traffic.noise", "sigma", true, 0, 0, false, NO_HI, false,
                           &t->noise_sigma)) ||
            (rc = f_duration(L, sub, "traffic.noise", "correlation", false, 300, true,
                             &t->noise_correlation_s)))
            return rc;
    }
    if ((sub = get(L, n, "events", NULL)) && (rc = parse_events(L, sub, t)))
        return rc;
    return HR_OK;
}

/* ---- workload ------------------------------------------------------------- */

static const keyspec workload_keys[] = {
    {"classes", NULL}, {"timeout", NULL}, {"queue_limit", NULL}, {NULL, NULL}
};
static const keyspec class_keys[] = {
    {"name", NULL}, {"share", NULL}, {"service", NULL}, {NULL, NULL}
};

static int parse_class(loader *L, const yaml_node_t *n, size_t i, hr_request_class *cl)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX];
    int rc;
    join_index(path, "workload.classes", i, NULL);
    if ((rc = expect_map(L, n, path,
                         "{name: api, share: 1, service: {dist: exponential, mean: 50ms}}")))
        return rc;
    yaml_node_t *name = get(L, n, "name", NULL);
    if (name != NULL && is_scalar(name))
        join_index(path, "workload.classes", i, sval(name));
    if ((rc = check_keys(L, n, path, class_keys)) ||
        (rc = f_string(L, n, path, "name", true, NULL, &cl->name)) ||
        (rc = f_number(L, n, path, "share", true, 0, 0, true, 1, false, &cl->share)))
        return rc;
    yaml_node_t *svc = get(L, n, "service", NULL);
    if (svc == NULL)
        return missing(L, n, path, "service");
    join(kp, path, "service");
    return parse_dist(L, svc, kp, true, &cl->service);
}

static int parse_workload(loader *L, const yaml_node_t *n)
{
    hr_workload_config *w = &L->sc->workload;
    const char *path = "workload";
    char g[64];
    int rc;
    if ((rc = expect_map(L, n, path, "{classes: [...], timeout: 2s}")) ||
        (rc = check_keys(L, n, path, workload_keys)))
        return rc;
    yaml_node_t *classes = get(L, n, "classes", NULL);
    if (classes == NULL)
        return missing(L, n, path, "classes");
    size_t count = classes->type == YAML_SEQUENCE_NODE
                       ? (size_t)(classes->data.sequence.items.top - classes->data.sequence.items.start)
                       : 0;
    if (count == 0)
        return fail(L, classes, HR_EINVAL, "workload.classes",
                    "expected a non-empty list like [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}], got %s",
                    classes->type == YAML_SEQUENCE_NODE ? "an empty list" : got(classes, g, sizeof g));
    w->classes = calloc(count, sizeof *w->classes);
    if (w->classes == NULL)
        return nomem(L);
    w->n_classes = count;
    double sum = 0;
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = node_at(L, classes->data.sequence.items.start[i]);
        if ((rc = parse_class(L, item, i, &w->classes[i])))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(w->classes[j].name, w->classes[i].name) == 0) {
                char cp[KEYPATH_MAX], kp[KEYPATH_MAX];
                join_index(cp, "workload.classes", i, w->classes[i].name);
                join(kp, cp, "name");
                return fail(L, get(L, item, "name", NULL), HR_EINVAL, kp,
                            "duplicate class name; workload.classes[%zu] is already called %s", j,
                            w->classes[i].name);
            }
        }
        sum += w->classes[i].share;
    }
    if (fabs(sum - 1) > 1e-6)
        return fail(L, classes, HR_EINVAL, "workload.classes",
                    "shares must sum to 1, got %.10g", sum);
    if ((rc = f_duration(L, n, path, "timeout", false, 0, false, &w->timeout_s)) ||
        (rc = f_int(L, n, path, "queue_limit", false, -1, 0, INT_MAX, &w->queue_limit)))
        return rc;
    return HR_OK;
}

/* ---- fleet ---------------------------------------------------------------- */

static const keyspec fleet_keys[] = {
    {"instance", NULL}, {"boot", NULL}, {"warmup", NULL}, {"drain", NULL}, {"failures", NULL},
    {"billing", NULL}, {"initial", NULL}, {"min", NULL}, {"max", NULL},
    {"load_balancer", NULL},
    {"spot", "spot instances are not available yet"},
    {"reserved", "reserved instances are not available yet"}, {NULL, NULL}
};
static const keyspec instance_keys[] = {
    {"type", NULL}, {"vcpu", NULL}, {"memory_gb", NULL}, {"concurrency", NULL},
    {"price_per_hour", NULL}, {NULL, NULL}
};
static const keyspec warmup_keys[] = {{"duration", NULL}, {"initial_speed", NULL}, {NULL, NULL}};
static const keyspec failure_keys[] = {{"mtbf", NULL}, {"detect", NULL}, {NULL, NULL}};
static const keyspec billing_keys[] = {{"granularity", NULL}, {"minimum", NULL}, {NULL, NULL}};

static const char *const lb_names[] = {
    "round_robin", "random", "least_outstanding", "two_choices", NULL
};

static int parse_instance(loader *L, const yaml_node_t *map, hr_fleet_config *f)
{
    const char *path = "fleet.instance";
    yaml_node_t *n = get(L, map, "instance", NULL);
    int rc;
    if (n == NULL)
        return missing(L, map, "fleet", "instance");
    if ((rc = expect_map(L, n, path, "{concurrency: 16, price_per_hour: 0.085}")) ||
        (rc = check_keys(L, n, path, instance_keys)) ||
        (rc = f_string(L, n, path, "type", false, "instance", &f->instance_type)) ||
        (rc = f_number(L, n, path, "vcpu", false, 1, 0, true, NO_HI, false, &f->vcpu)) ||
        (rc = f_number(L, n, path, "memory_gb", false, 1, 0, true, NO_HI, false, &f->memory_gb)) ||
        (rc = f_int(L, n, path, "concurrency", true, 0, 1, 100000, &f->concurrency)) ||
        (rc = f_number(L, n, path, "price_per_hour", true, 0, 0, false, NO_HI, false,
                       &f->price_per_hour)))
        return rc;
    return HR_OK;
}

static int parse_fleet_sizes(loader *L, const yaml_node_t *n, hr_fleet_config *f)
{
    char r[64];
    int rc;
    if ((rc = f_int(L, n, "fleet", "min", false, 1, 0, INT_MAX, &f->min)) ||
        (rc = f_int(L, n, "fleet", "max", true, 0, 1, INT_MAX, &f->max)))
        return rc;
    if (f->max < f->min) {
        yaml_node_t *max = get(L, n, "max", NULL);
        return fail(L, max, HR_EINVAL, "fleet.max", "must be at least fleet.min (%d), got %s",
                    f->min, raw(max, r, sizeof r));
    }
    /* Request mode keeps a slot per worker: bound the whole fleet's workers
     * so memory and the engine's int gauges stay in range. */
    if ((long long)f->max * f->concurrency > HR_FLEET_MAX_WORKERS) {
        yaml_node_t *max = get(L, n, "max", NULL);
        return fail(L, max, HR_EINVAL, "fleet.max",
                    "max x concurrency must be at most %d workers, got %d x %d; lower fleet.max",
                    HR_FLEET_MAX_WORKERS, f->max, f->concurrency);
    }
    if ((rc = f_int(L, n, "fleet", "initial", false, f->min, 0, INT_MAX, &f->initial)))
        return rc;
    if (f->initial < f->min || f->initial > f->max) {
        yaml_node_t *init = get(L, n, "initial", NULL);
        return fail(L, init, HR_EINVAL, "fleet.initial",
                    "must be from fleet.min (%d) to fleet.max (%d), got %s", f->min, f->max,
                    raw(init, r, sizeof r));
    }
    return HR_OK;
}

static int parse_fleet(loader *L, const yaml_node_t *n)
{
    hr_fleet_config *f = &L->sc->fleet;
    const char *path = "fleet";
    int rc, lb;
    yaml_node_t *sub;
    if ((rc = expect_map(L, n, path, "{instance: {...}, max: 20}")) ||
        (rc = check_keys(L, n, path, fleet_keys)) || (rc = parse_instance(L, n, f)))
        return rc;
    if ((sub = get(L, n, "boot", NULL))) {
        if ((rc = parse_dist(L, sub, "fleet.boot", false, &f->boot)))
            return rc;
    } else {
        memset(&f->boot, 0, sizeof f->boot);
        f->boot.kind = HR_DIST_CONSTANT;
        if ((rc = hr_dist_prepare(&f->boot, L->err)))
            return rc;
    }
    f->warmup_initial_speed = 1;
    if ((sub = get(L, n, "warmup", NULL))) {
        if ((rc = expect_map(L, sub, "fleet.warmup", "{duration: 120s, initial_speed: 0.4}")) ||
            (rc = check_keys(L, sub, "fleet.warmup", warmup_keys)) ||
            (rc = f_duration(L, sub, "fleet.warmup", "duration", false, 0, false, &f->warmup_s)) ||
            (rc = f_number(L, sub, "fleet.warmup", "initial_speed", false, 1, 0, true, 1, false,
                           &f->warmup_initial_speed)))
            return rc;
    }
    if ((rc = f_duration(L, n, path, "drain", false, 0, false, &f->drain_s)))
        return rc;
    f->detect_s = 30;
    if ((sub = get(L, n, "failures", NULL))) {
        if ((rc = expect_map(L, sub, "fleet.failures", "{mtbf: 72h, detect: 30s}")) ||
            (rc = check_keys(L, sub, "fleet.failures", failure_keys)) ||
            (rc = f_duration(L, sub, "fleet.failures", "mtbf", true, 0, true, &f->mtbf_s)) ||
            (rc = f_duration(L, sub, "fleet.failures", "detect", false, 30, false, &f->detect_s)))
            return rc;
    }
    f->billing_granularity_s = 1;
    f->billing_minimum_s = 60;
    if ((sub = get(L, n, "billing", NULL))) {
        if ((rc = expect_map(L, sub, "fleet.billing", "{granularity: 1s, minimum: 60s}")) ||
            (rc = check_keys(L, sub, "fleet.billing", billing_keys)) ||
            (rc = f_duration(L, sub, "fleet.billing", "granularity", false, 1, true,
                             &f->billing_granularity_s)) ||
            (rc = f_duration(L, sub, "fleet.billing", "minimum", false, 60, false,
                             &f->billing_minimum_s)))
            return rc;
    }
    if ((rc = parse_fleet_sizes(L, n, f)) ||
        (rc = f_enum(L, n, path, "load_balancer", false, HR_LB_LEAST_OUTSTANDING,
                     "load balancer", lb_names, &lb)))
        return rc;
    f->load_balancer = (hr_lb_kind)lb;
    return HR_OK;
}

/* ---- metrics and slo ------------------------------------------------------ */

static const keyspec metrics_keys[] = {{"period", NULL}, {"delay", NULL}, {NULL, NULL}};
static const keyspec slo_keys[] = {
    {"latency_p95", NULL}, {"latency_p99", NULL}, {"error_rate", NULL}, {"window", NULL},
    {"objective", NULL}, {NULL, NULL}
};

static int parse_metrics(loader *L, const yaml_node_t *n)
{
    hr_metrics_config *m = &L->sc->metrics;
    int rc;
    m->period_s = 60;
    m->delay_s = 60;
    if (n != NULL) {
        if ((rc = expect_map(L, n, "metrics", "{period: 60s, delay: 60s}")) ||
            (rc = check_keys(L, n, "metrics", metrics_keys)) ||
            (rc = f_duration(L, n, "metrics", "period", false, 60, true, &m->period_s)) ||
            (rc = f_duration(L, n, "metrics", "delay", false, 60, false, &m->delay_s)))
            return rc;
    }
    return check_tick_multiple(L, n, "metrics", "period", m->period_s);
}

static int parse_slo(loader *L, const yaml_node_t *n)
{
    hr_slo_config *s = &L->sc->slo;
    int rc;
    s->error_rate_pct = -1;
    s->window_s = 300;
    s->objective_pct = 99.9;
    if (n != NULL) {
        if ((rc = expect_map(L, n, "slo", "{latency_p95: 300ms, error_rate: 0.1}")) ||
            (rc = check_keys(L, n, "slo", slo_keys)) ||
            (rc = f_duration(L, n, "slo", "latency_p95", false, 0, true, &s->latency_p95_s)) ||
            (rc = f_duration(L, n, "slo", "latency_p99", false, 0, true, &s->latency_p99_s)) ||
            (rc = f_number(L, n, "slo", "error_rate", false, -1, 0, false, 100, false,
                           &s->error_rate_pct)) ||
            (rc = f_duration(L, n, "slo", "window", false, 300, true, &s->window_s)) ||
            (rc = f_number(L, n, "slo", "objective", false, 99.9, 0, true, 100, false,
                           &s->objective_pct)))
            return rc;
    }
    return check_tick_multiple(L, n, "slo", "window", s->window_s);
}

/* ---- policies ------------------------------------------------------------- */

static const char *const kind_names[] = {
    "static", "step", "target_tracking", "hpa", "scheduled", "predictive", NULL
};
#define N_BUILT_KINDS 3

/* hr_metric order, then the contract metric that is not modelled. */
static const char *const metric_names[] = {
    "cpu", "request_rate", "concurrency", "queue_depth", "latency_p95", "error_rate", "memory",
    NULL
};

static const char *const static_keys[] = {"name", "kind", "instances", "limits", NULL};
static const char *const step_keys[] = {
    "name", "kind", "metric", "breach", "steps", "cooldown", "limits", NULL
};
static const char *const tt_keys[] = {
    "name", "kind", "metric", "target", "warmup", "scale_in_cooldown", "scale_out_cooldown",
    "disable_scale_in", "limits", NULL
};
/* Every key any policy kind of the contract takes. */
static const char *const any_policy_keys[] = {
    "name", "kind", "instances", "metric", "target", "warmup", "scale_in_cooldown",
    "scale_out_cooldown", "disable_scale_in", "breach", "steps", "cooldown", "limits",
    "manifest", "spec", "schedule", "forecaster", "season", "lead", "fallback", NULL
};

static const keyspec step_adj_keys[] = {
    {"above", NULL}, {"below", NULL}, {"add", NULL}, {"remove", NULL}, {NULL, NULL}
};

static bool in_list(const char *const *names, const char *s)
{
    for (; *names; names++)
        if (strcmp(*names, s) == 0)
            return true;
    return false;
}

/* Keys must belong to this kind; keys of another kind get a message saying
 * so, others a did-you-mean among this kind's keys. */
static int check_policy_keys(loader *L, const yaml_node_t *n, const char *path, int kind)
{
    const char *const *valid = kind == HR_POLICY_STATIC ? static_keys
                               : kind == HR_POLICY_STEP ? step_keys
                                                        : tt_keys;
    size_t n_valid = count_names(valid);
    char list[LIST_MAX], kp[KEYPATH_MAX];
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key);
        if (in_list(valid, sval(k)))
            continue;
        if (!in_list(any_policy_keys, sval(k)))
            return unknown_key(L, k, path, valid, n_valid, valid, n_valid);
        join(kp, path, sval(k));
        return fail(L, k, HR_EINVAL, kp, "%s policies take no %s; valid keys: %s",
                    kind_names[kind], sval(k), list_names(valid, n_valid, list, sizeof list));
    }
    return HR_OK;
}

static int parse_metric(loader *L, const yaml_node_t *n, const char *path, hr_metric *out)
{
    int m, rc;
    char list[LIST_MAX];
    if ((rc = f_enum(L, n, path, "metric", true, 0, "metric", metric_names, &m)))
        return rc;
    if (m >= HR_METRIC_COUNT) {
        char kp[KEYPATH_MAX];
        join(kp, path, "metric");
        return fail(L, get(L, n, "metric", NULL), HR_ENOTSUP, kp,
                    "memory is not modelled yet; available metrics: %s",
                    list_names(metric_names, HR_METRIC_COUNT, list, sizeof list));
    }
    *out = (hr_metric)m;
    return HR_OK;
}

static int parse_target_tracking(loader *L, const yaml_node_t *n, const char *path,
                                 hr_policy_config *p)
{
    int rc;
    if ((rc = parse_metric(L, n, path, &p->metric)))
        return rc;
    /* cpu and error_rate are percentages. */
    bool pct = p->metric == HR_METRIC_CPU || p->metric == HR_METRIC_ERROR_RATE;
    if ((rc = f_number(L, n, path, "target", true, 0, 0, true, pct ? 100 : NO_HI, false,
                       &p->target)) ||
        (rc = f_duration(L, n, path, "warmup", false, L->sc->metrics.period_s, false,
                         &p->warmup_s)) ||
        (rc = f_duration(L, n, path, "scale_in_cooldown", false, 300, false,
                         &p->scale_in_cooldown_s)) ||
        (rc = f_duration(L, n, path, "scale_out_cooldown", false, 60, false,
                         &p->scale_out_cooldown_s)) ||
        (rc = f_bool(L, n, path, "disable_scale_in", false, &p->disable_scale_in)))
        return rc;
    return HR_OK;
}

static int parse_step_adj(loader *L, const yaml_node_t *n, const char *path,
                          hr_step_adjustment *s)
{
    char kp[KEYPATH_MAX];
    int rc, k;
    yaml_node_t *ak = NULL, *bk = NULL, *key = NULL;
    if ((rc = expect_map(L, n, path, "{above: 70, add: 1}")) ||
        (rc = check_keys(L, n, path, step_adj_keys)))
        return rc;
    s->pos.line = (int)n->start_mark.line + 1;
    s->pos.column = (int)n->start_mark.column + 1;
    yaml_node_t *above = get(L, n, "above", &ak), *below = get(L, n, "below", &bk);
    if (above == NULL && below == NULL)
        return missing(L, n, path, "above or below");
    if (above != NULL && below != NULL) {
        join(kp, path, ak->start_mark.index < bk->start_mark.index ? "below" : "above");
        return fail(L, ak->start_mark.index < bk->start_mark.index ? bk : ak, HR_EINVAL, kp,
                    "give above or below, not both");
    }
    s->has_above = above != NULL;
    s->has_below = below != NULL;
    const char *wrong = s->has_above ? "remove" : "add";
    const char *right = s->has_above ? "add" : "remove";
    if (get(L, n, wrong, &key)) {
        join(kp, path, wrong);
        return fail(L, key, HR_EINVAL, kp, "a step with %s %s instances; write %s: N",
                    s->has_above ? "above" : "below", s->has_above ? "adds" : "removes", right);
    }
    if (s->has_above)
        rc = f_number(L, n, path, "above", true, 0, NO_LO, false, NO_HI, false, &s->above);
    else
        rc = f_number(L, n, path, "below", true, 0, NO_LO, false, NO_HI, false, &s->below);
    if (rc != HR_OK || (rc = f_int(L, n, path, right, true, 0, 1, INT_MAX, &k)))
        return rc;
    s->change = s->has_above ? k : -k;
    return HR_OK;
}

/* Two steps must never apply at once: thresholds of the same side are
 * distinct, and every below lies under every above. */
static int check_step_overlap(loader *L, const yaml_node_t *seq, const char *path,
                              const hr_policy_config *p, size_t j)
{
    const hr_step_adjustment *b = &p->steps[j];
    char sp[KEYPATH_MAX], kp[KEYPATH_MAX];
    join_index(sp, path, j, NULL);
    const yaml_node_t *item = node_at(L, seq->data.sequence.items.start[j]);
    join(kp, sp, b->has_above ? "above" : "below");
    const yaml_node_t *at = get(L, item, b->has_above ? "above" : "below", NULL);
    for (size_t i = 0; i < j; i++) {
        const hr_step_adjustment *a = &p->steps[i];
        if (a->has_above == b->has_above &&
            (a->has_above ? a->above == b->above : a->below == b->below))
            return fail(L, at, HR_EINVAL, kp, "same threshold as steps[%zu]; give each step its own",
                        i);
        double lo = a->has_below ? a->below : b->below;
        double hi = a->has_above ? a->above : b->above;
        if (a->has_above != b->has_above && lo >= hi)
            return fail(L, at, HR_EINVAL, kp,
                        "overlaps steps[%zu] (below %g is not under above %g); every below must be lower than every above",
                        i, lo, hi);
    }
    return HR_OK;
}

static int parse_step(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    char kp[KEYPATH_MAX], g[64], d[32], r[64];
    int rc;
    if ((rc = parse_metric(L, n, path, &p->metric)) ||
        (rc = f_duration(L, n, path, "breach", false, L->sc->metrics.period_s, true,
                         &p->breach_s)))
        return rc;
    if (p->breach_s < L->sc->metrics.period_s) {
        yaml_node_t *b = get(L, n, "breach", NULL);
        join(kp, path, "breach");
        fmt_dur(L->sc->metrics.period_s, d, sizeof d);
        return fail(L, b, HR_EINVAL, kp, "must be at least metrics.period (%s), got %s", d,
                    raw(b, r, sizeof r));
    }
    yaml_node_t *seq = get(L, n, "steps", NULL);
    if (seq == NULL)
        return missing(L, n, path, "steps");
    join(kp, path, "steps");
    size_t count = seq->type == YAML_SEQUENCE_NODE
                       ? (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start)
                       : 0;
    if (count == 0)
        return fail(L, seq, HR_EINVAL, kp,
                    "expected a non-empty list like [{above: 70, add: 1}, {below: 30, remove: 1}], got %s",
                    seq->type == YAML_SEQUENCE_NODE ? "an empty list" : got(seq, g, sizeof g));
    p->steps = calloc(count, sizeof *p->steps);
    if (p->steps == NULL)
        return nomem(L);
    p->n_steps = count;
    for (size_t j = 0; j < count; j++) {
        char sp[KEYPATH_MAX];
        join_index(sp, kp, j, NULL);
        if ((rc = parse_step_adj(L, node_at(L, seq->data.sequence.items.start[j]), sp,
                                 &p->steps[j])) ||
            (rc = check_step_overlap(L, seq, kp, p, j)))
            return rc;
    }
    return f_duration(L, n, path, "cooldown", false, 300, false, &p->cooldown_s);
}

static int parse_static(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    const hr_fleet_config *f = &L->sc->fleet;
    char kp[KEYPATH_MAX], r[64];
    int rc;
    if ((rc = f_int(L, n, path, "instances", true, 0, 0, INT_MAX, &p->instances)))
        return rc;
    if (p->instances < f->min || p->instances > f->max) {
        yaml_node_t *v = get(L, n, "instances", NULL);
        join(kp, path, "instances");
        return fail(L, v, HR_EINVAL, kp, "must be from fleet.min (%d) to fleet.max (%d), got %s",
                    f->min, f->max, raw(v, r, sizeof r));
    }
    return HR_OK;
}

/* Byte offset of libyaml's mark index, which counts characters. */
static size_t byte_offset(const loader *L, size_t char_index)
{
    size_t b = 0;
    if (L->len >= 3 && memcmp(L->text, "\xEF\xBB\xBF", 3) == 0)
        b = 3; /* libyaml does not count the BOM */
    for (size_t c = 0; b < L->len; b++) {
        if (((unsigned char)L->text[b] & 0xC0) == 0x80)
            continue;
        if (c == char_index)
            break;
        c++;
    }
    return b;
}

/* The policy's text as written: from its mapping's start to its end, minus
 * trailing blank and comment lines (a block mapping ends where the next
 * token starts), with continuation lines dedented by the mapping's column so
 * the result is itself a YAML mapping. */
static int policy_source(loader *L, const yaml_node_t *n, char **out)
{
    size_t b0 = byte_offset(L, n->start_mark.index);
    size_t b1 = byte_offset(L, n->end_mark.index);
    size_t col = n->start_mark.column;
    if (b1 < b0)
        b1 = b0;
    /* Drop trailing lines that are blank or comments. */
    for (;;) {
        while (b1 > b0 && strchr(" \t\r\n", L->text[b1 - 1]))
            b1--;
        size_t ls = b1;
        while (ls > b0 && L->text[ls - 1] != '\n')
            ls--;
        size_t fc = ls;
        while (fc < b1 && (L->text[fc] == ' ' || L->text[fc] == '\t'))
            fc++;
        if (ls == b0 || fc >= b1 || L->text[fc] != '#')
            break;
        b1 = ls;
    }
    char *s = malloc(b1 - b0 + 1);
    if (s == NULL)
        return nomem(L);
    size_t o = 0;
    for (size_t i = b0; i < b1; i++) {
        s[o++] = L->text[i];
        if (L->text[i] == '\n')
            for (size_t k = 0; k < col && i + 1 < b1 && L->text[i + 1] == ' '; k++)
                i++;
    }
    s[o] = '\0';
    *out = s;
    return HR_OK;
}

static int parse_policy(loader *L, const yaml_node_t *n, size_t i, hr_policy_config *p)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX], list[LIST_MAX];
    int rc, kind;
    join_index(path, "policies", i, NULL);
    if ((rc = expect_map(L, n, path, "{name: cpu-70, kind: target_tracking, metric: cpu, target: 70}")) ||
        (rc = check_keys(L, n, path, NULL)))
        return rc;
    yaml_node_t *name = get(L, n, "name", NULL);
    if (name != NULL && is_scalar(name))
        join_index(path, "policies", i, sval(name));
    if ((rc = f_string(L, n, path, "name", true, NULL, &p->name)) ||
        (rc = check_name(L, n, path, "name", p->name)))
        return rc;
    for (size_t j = 0; j < i; j++) {
        if (strcmp(L->sc->policies[j].name, p->name) == 0) {
            join(kp, path, "name");
            return fail(L, name, HR_EINVAL, kp,
                        "duplicate policy name; policies[%zu] is already called %s",
                        j, p->name);
        }
    }
    if ((rc = f_enum(L, n, path, "kind", true, 0, "kind", kind_names, &kind)))
        return rc;
    if (kind >= N_BUILT_KINDS) {
        join(kp, path, "kind");
        return fail(L, get(L, n, "kind", NULL), HR_ENOTSUP, kp,
                    "kind %s is not available yet; available kinds: %s", kind_names[kind],
                    list_names(kind_names, N_BUILT_KINDS, list, sizeof list));
    }
    p->kind = (hr_policy_kind)kind;
    p->pos.line = (int)n->start_mark.line + 1;
    p->pos.column = (int)n->start_mark.column + 1;
    if ((rc = check_policy_keys(L, n, path, kind)) || (rc = policy_source(L, n, &p->source)))
        return rc;
    switch (p->kind) {
    case HR_POLICY_STATIC: rc = parse_static(L, n, path, p); break;
    case HR_POLICY_STEP: rc = parse_step(L, n, path, p); break;
    case HR_POLICY_TARGET_TRACKING: rc = parse_target_tracking(L, n, path, p); break;
    }
    if (rc != HR_OK)
        return rc;
    p->limits = L->sc->limits;
    yaml_node_t *lim = get(L, n, "limits", NULL);
    if (lim != NULL) {
        join(kp, path, "limits");
        return parse_limits(L, lim, kp, &p->limits);
    }
    return HR_OK;
}

static int parse_policies(loader *L, const yaml_node_t *root)
{
    char g[64];
    yaml_node_t *n = get(L, root, "policies", NULL);
    if (n == NULL)
        return missing(L, root, "", "policies");
    size_t count = n->type == YAML_SEQUENCE_NODE
                       ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                       : 0;
    if (count == 0)
        return fail(L, n, HR_EINVAL, "policies",
                    "expected a non-empty list like [{name: fixed, kind: static, instances: 4}], got %s",
                    n->type == YAML_SEQUENCE_NODE ? "an empty list" : got(n, g, sizeof g));
    L->sc->policies = calloc(count, sizeof *L->sc->policies);
    if (L->sc->policies == NULL)
        return nomem(L);
    for (size_t i = 0; i < count; i++) {
        /* n_policies counts the entries to free; bump it first. */
        L->sc->n_policies = i + 1;
        int rc = parse_policy(L, node_at(L, n->data.sequence.items.start[i]), i,
                              &L->sc->policies[i]);
        if (rc != HR_OK)
            return rc;
    }
    return HR_OK;
}

/* ---- the document ---------------------------------------------------------- */

static int parse_root(loader *L, yaml_node_t *root)
{
    int rc;
    yaml_node_t *sub;
    L->root = root;
    if ((rc = expect_map(L, root, "", "{scenario: NAME, duration: 1d, traffic: {...}, ...}")) ||
        (rc = check_keys(L, root, "", top_keys)) || (rc = parse_header(L, root)))
        return rc;
    if ((sub = get(L, root, "limits", NULL)) && (rc = parse_limits(L, sub, "limits", &L->sc->limits)))
        return rc;
    if (!(sub = get(L, root, "traffic", NULL)))
        return missing(L, root, "", "traffic");
    if ((rc = parse_traffic(L, sub)))
        return rc;
    if (!(sub = get(L, root, "workload", NULL)))
        return missing(L, root, "", "workload");
    if ((rc = parse_workload(L, sub)))
        return rc;
    if (!(sub = get(L, root, "fleet", NULL)))
        return missing(L, root, "", "fleet");
    if ((rc = parse_fleet(L, sub)) || (rc = parse_metrics(L, get(L, root, "metrics", NULL))) ||
        (rc = parse_slo(L, get(L, root, "slo", NULL))) || (rc = parse_policies(L, root)))
        return rc;
    return HR_OK;
}

/* Line and column (1-based) of a byte offset, for reader errors that only
 * carry an offset. */
static void offset_position(const loader *L, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < L->len; i++) {
        if (L->text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)L->text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int syntax_error(loader *L, const yaml_parser_t *p)
{
    int line, col;
    if (p->error == YAML_MEMORY_ERROR)
        return nomem(L);
    if (p->error == YAML_READER_ERROR) {
        offset_position(L, p->problem_offset, &line, &col);
        return hr_error_set(L->err, HR_EINVAL, "%s:%d:%d: YAML syntax error: %s", L->file, line,
                            col, p->problem ? p->problem : "unreadable input");
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context != NULL)
        return hr_error_set(L->err, HR_EINVAL, "%s:%d:%d: YAML syntax error: %s (%s at %d:%d)",
                            L->file, line, col, p->problem ? p->problem : "invalid YAML",
                            p->context, (int)p->context_mark.line + 1,
                            (int)p->context_mark.column + 1);
    return hr_error_set(L->err, HR_EINVAL, "%s:%d:%d: YAML syntax error: %s", L->file, line, col,
                        p->problem ? p->problem : "invalid YAML");
}

/* Parse the single document in L->text and walk it. */
static int load_document(loader *L)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int rc;
    if (!yaml_parser_initialize(&parser))
        return nomem(L);
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->text, L->len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(L, &parser);
        yaml_parser_delete(&parser);
        return rc;
    }
    L->doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
        rc = hr_error_set(L->err, HR_EINVAL,
                          "%s:1:1: the file is empty; a scenario needs at least scenario, duration, traffic, workload, fleet and policies",
                          L->file);
    } else if (!yaml_parser_load(&parser, &extra)) {
        rc = syntax_error(L, &parser);
    } else {
        yaml_node_t *second = yaml_document_get_root_node(&extra);
        if (second != NULL)
            rc = hr_error_set(L->err, HR_EINVAL,
                              "%s:%d:%d: a second YAML document; a scenario file holds exactly one (remove the '---')",
                              L->file, (int)second->start_mark.line + 1,
                              (int)second->start_mark.column + 1);
        else
            rc = parse_root(L, root);
        yaml_document_delete(&extra);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    L->doc = NULL;
    return rc;
}

int hr_scenario_load_string(const char *path, const char *text, size_t len,
                            hr_scenario *out, hr_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "<string>";
    loader L = {.file = path, .text = text, .len = len, .err = err, .sc = out};
    out->path = strdup(path);
    out->text = malloc(len + 1);
    if (out->path == NULL || out->text == NULL) {
        hr_scenario_free(out);
        return nomem(&L);
    }
    if (len > 0)
        memcpy(out->text, text, len);
    out->text[len] = '\0';
    int rc = load_document(&L);
    if (rc != HR_OK) {
        hr_scenario_free(out);
        return rc;
    }
    hr_error_clear(err);
    return HR_OK;
}

int hr_scenario_load(const char *path, hr_scenario *out, hr_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hr_error_set(err, HR_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got_n = fread(buf + len, 1, cap - len, f);
        len += got_n;
        if (len < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf == NULL) {
        fclose(f);
        return hr_error_set(err, HR_ENOMEM, "%s: out of memory while reading the scenario", path);
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return hr_error_set(err, HR_EIO, "cannot read %s: %s", path, strerror(e));
    }
    fclose(f);
    int rc = hr_scenario_load_string(path, buf, len, out, err);
    free(buf);
    return rc;
}

void hr_scenario_free(hr_scenario *sc)
{
    if (sc == NULL)
        return;
    free(sc->path);
    free(sc->text);
    free(sc->name);
    free(sc->description);
    free(sc->traffic.diurnal_name);
    for (size_t i = 0; i < sc->traffic.n_events; i++)
        free(sc->traffic.events[i].name);
    free(sc->traffic.events);
    for (size_t i = 0; i < sc->workload.n_classes; i++)
        free(sc->workload.classes[i].name);
    free(sc->workload.classes);
    free(sc->fleet.instance_type);
    for (size_t i = 0; i < sc->n_policies; i++) {
        free(sc->policies[i].name);
        free(sc->policies[i].source);
        free(sc->policies[i].steps);
    }
    free(sc->policies);
    memset(sc, 0, sizeof *sc);
}

int hr_scenario_find_policy(const hr_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_policies; i++)
        if (sc->policies[i].name != NULL && strcmp(sc->policies[i].name, name) == 0)
            return (int)i;
    return -1;
}
