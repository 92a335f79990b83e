/* reader.c - the positioned typed readers every section of the loader
 * shares: messages with file:line:col and key path, node access,
 * did-you-mean, mapping key checks, scalar and field readers with defaults
 * and ranges, names and tick multiples. loader.h says what the loader is and
 * the form of its messages. */
#include "loader.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/duration.h"

/* ---- messages ------------------------------------------------------------ */

int ld_fail(loader *L, const yaml_node_t *at, int code, const char *path,
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

int ld_warn(loader *L, const yaml_node_t *at, const char *path, const char *fmt, ...)
{
    char msg[HR_ERROR_MAX], line[HR_ERROR_MAX + 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s:%d:%d: %s%swarning: %s", L->file,
             at ? (int)at->start_mark.line + 1 : 1, at ? (int)at->start_mark.column + 1 : 1,
             path ? path : "", path && path[0] ? ": " : "", msg);
    hr_scenario *sc = L->sc;
    char **w = realloc(sc->warnings, (sc->n_warnings + 1) * sizeof *w);
    if (w == NULL)
        return ld_nomem(L);
    sc->warnings = w;
    if ((w[sc->n_warnings] = strdup(line)) == NULL)
        return ld_nomem(L);
    sc->n_warnings++;
    return HR_OK;
}

int ld_nomem(loader *L)
{
    return hr_error_set(L->err, HR_ENOMEM, "%s: out of memory while loading the scenario",
                        L->file);
}

/* Key paths longer than KEYPATH_MAX are cut short: they only label messages. */
void ld_join(char *out, const char *base, const char *key)
{
    int w = snprintf(out, KEYPATH_MAX, "%s%s%s", base, base[0] ? "." : "", key);
    if (w < 0)
        out[0] = '\0';
}

/* "base[i]" or "base[i] (name)" for list items that have a name. */
void ld_join_index(char *out, const char *base, size_t i, const char *name)
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

yaml_node_t *ld_node_at(loader *L, int index)
{
    return yaml_document_get_node(L->doc, index);
}

const char *ld_sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* A plain empty, ~ or null scalar: a key written without a value. */
static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = ld_sval(n);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

bool ld_is_null(const yaml_node_t *n)
{
    return is_null(n);
}

bool ld_is_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && !is_null(n);
}

/* The scalar as the user wrote it, shortened for messages. */
const char *ld_raw(const yaml_node_t *n, char *buf, size_t size)
{
    const char *s = ld_sval(n);
    if (strlen(s) <= 40)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "%.37s...", s);
    return buf;
}

/* What a node is, for "expected X, got Y". */
const char *ld_got(const yaml_node_t *n, char *buf, size_t size)
{
    char r[64];
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        if (is_null(n))
            return "nothing";
        if (snprintf(buf, size, "\"%s\"", ld_raw(n, r, sizeof r)) < 0)
            return "a value";
        return buf;
    case YAML_NO_NODE: break;
    }
    return "nothing";
}

/* The value of key in map (and the key node), or NULL. */
yaml_node_t *ld_get(loader *L, const yaml_node_t *map, const char *key, yaml_node_t **keynode)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ld_node_at(L, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(ld_sval(k), key) == 0) {
            if (keynode != NULL)
                *keynode = k;
            return ld_node_at(L, p->value);
        }
    }
    return NULL;
}

size_t ld_seq_len(const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *ld_seq_item(loader *L, const yaml_node_t *seq, size_t i)
{
    return ld_node_at(L, seq->data.sequence.items.start[i]);
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
const char *ld_suggest(const char *word, const char *const *names, size_t n)
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

const char *ld_list_names(const char *const *names, size_t n, char *buf, size_t size)
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

size_t ld_count_names(const char *const *names)
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

int ld_unknown_key(loader *L, const yaml_node_t *k, const char *path,
                   const char *const *cands, size_t n_cands,
                   const char *const *valid, size_t n_valid)
{
    char kp[KEYPATH_MAX], list[LIST_MAX];
    ld_join(kp, path, ld_sval(k));
    const char *s = ld_suggest(ld_sval(k), cands, n_cands);
    if (s != NULL)
        return ld_fail(L, k, HR_EINVAL, kp, "unknown key; did you mean %s?", s);
    return ld_fail(L, k, HR_EINVAL, kp, "unknown key; valid keys: %s",
                   ld_list_names(valid, n_valid, list, sizeof list));
}

/* ---- mappings ------------------------------------------------------------ */

int ld_expect_map(loader *L, const yaml_node_t *n, const char *path, const char *example)
{
    char g[64];
    if (n->type == YAML_MAPPING_NODE)
        return HR_OK;
    return ld_fail(L, n, HR_EINVAL, path, "expected a mapping like %s, got %s", example,
                   n->type == YAML_SCALAR_NODE && !is_null(n) ? "a scalar"
                                                              : ld_got(n, g, sizeof g));
}

/* Check a mapping's keys: scalar, no duplicates and, when keys is not NULL,
 * each in the table (unknown -> did-you-mean; notsup -> HR_ENOTSUP). */
int ld_check_keys(loader *L, const yaml_node_t *map, const char *path, const keyspec *keys)
{
    const char *all[32], *valid[32];
    size_t n_all = keys ? spec_names(keys, all, 32, true) : 0;
    size_t n_valid = keys ? spec_names(keys, valid, 32, false) : 0;
    yaml_node_pair_t *start = map->data.mapping.pairs.start;
    for (yaml_node_pair_t *p = start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ld_node_at(L, p->key);
        char g[64], kp[KEYPATH_MAX];
        if (k->type != YAML_SCALAR_NODE || is_null(k))
            return ld_fail(L, k, HR_EINVAL, path, "expected a key name, got %s",
                           ld_got(k, g, sizeof g));
        ld_join(kp, path, ld_sval(k));
        for (yaml_node_pair_t *q = start; q < p; q++) {
            yaml_node_t *k0 = ld_node_at(L, q->key);
            if (k0->type == YAML_SCALAR_NODE && strcmp(ld_sval(k0), ld_sval(k)) == 0)
                return ld_fail(L, k, HR_EINVAL, kp, "duplicate key; it is already set at line %d",
                               (int)k0->start_mark.line + 1);
        }
        if (keys == NULL)
            continue;
        const keyspec *ks = keys;
        while (ks->name != NULL && strcmp(ks->name, ld_sval(k)) != 0)
            ks++;
        if (ks->name == NULL)
            return ld_unknown_key(L, k, path, all, n_all, valid, n_valid);
        if (ks->notsup != NULL)
            return ld_fail(L, k, HR_ENOTSUP, kp, "%s", ks->notsup);
    }
    return HR_OK;
}

int ld_missing(loader *L, const yaml_node_t *map, const char *path, const char *key)
{
    return ld_fail(L, map, HR_EINVAL, path, "missing required key %s", key);
}

int ld_exclusive(loader *L, const yaml_node_t *map, const char *path, const char *a,
                 const char *b, const char *why)
{
    yaml_node_t *ak = NULL, *bk = NULL;
    if (ld_get(L, map, a, &ak) == NULL || ld_get(L, map, b, &bk) == NULL)
        return HR_OK;
    bool b_later = ak->start_mark.index < bk->start_mark.index;
    char kp[KEYPATH_MAX];
    ld_join(kp, path, b_later ? b : a);
    return ld_fail(L, b_later ? bk : ak, HR_EINVAL, kp, "%s", why);
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
    if (!ld_is_scalar(n))
        return ld_fail(L, n, HR_EINVAL, path, "expected a string, got %s", ld_got(n, g, sizeof g));
    if (ld_sval(n)[0] == '\0')
        return ld_fail(L, n, HR_EINVAL, path, "must not be empty");
    *out = strdup(ld_sval(n));
    return *out ? HR_OK : ld_nomem(L);
}

int ld_rd_number(loader *L, const yaml_node_t *n, const char *path, double *out)
{
    char g[64];
    if (!ld_is_scalar(n) || !parse_number(ld_sval(n), out))
        return ld_fail(L, n, HR_EINVAL, path, "expected a number, got %s", ld_got(n, g, sizeof g));
    return HR_OK;
}

static int rd_duration(loader *L, const yaml_node_t *n, const char *path, double *out)
{
    char g[64];
    if (!ld_is_scalar(n) || hr_duration_parse(ld_sval(n), out) != HR_OK)
        return ld_fail(L, n, HR_EINVAL, path, "expected a duration like 90s or 250ms, got %s",
                       ld_got(n, g, sizeof g));
    return HR_OK;
}

static int rd_bool(loader *L, const yaml_node_t *n, const char *path, bool *out)
{
    char g[64];
    if (ld_is_scalar(n) && strcmp(ld_sval(n), "true") == 0)
        *out = true;
    else if (ld_is_scalar(n) && strcmp(ld_sval(n), "false") == 0)
        *out = false;
    else
        return ld_fail(L, n, HR_EINVAL, path, "expected true or false, got %s",
                       ld_got(n, g, sizeof g));
    return HR_OK;
}

/* One of names (NULL-terminated); *out is its index. */
static int rd_enum(loader *L, const yaml_node_t *n, const char *path, const char *noun,
                   const char *const *names, int *out)
{
    char g[64], list[LIST_MAX];
    size_t count = ld_count_names(names);
    if (!ld_is_scalar(n))
        return ld_fail(L, n, HR_EINVAL, path, "expected one of %s, got %s",
                       ld_list_names(names, count, list, sizeof list), ld_got(n, g, sizeof g));
    for (size_t i = 0; i < count; i++) {
        if (strcmp(ld_sval(n), names[i]) == 0) {
            *out = (int)i;
            return HR_OK;
        }
    }
    const char *s = ld_suggest(ld_sval(n), names, count);
    if (s != NULL)
        return ld_fail(L, n, HR_EINVAL, path, "unknown %s %s; did you mean %s?", noun,
                       ld_got(n, g, sizeof g), s);
    return ld_fail(L, n, HR_EINVAL, path, "unknown %s %s; expected one of %s", noun,
                   ld_got(n, g, sizeof g), ld_list_names(names, count, list, sizeof list));
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

int ld_check_range(loader *L, const yaml_node_t *n, const char *path, double v,
                   double lo, bool lo_open, double hi, bool hi_open)
{
    bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok)
        return HR_OK;
    char what[128], r[64];
    describe_range(what, sizeof what, lo, lo_open, hi, hi_open);
    return ld_fail(L, n, HR_EINVAL, path, "%s, got %s", what, ld_raw(n, r, sizeof r));
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
    if (!ld_is_scalar(n) || !parse_number(ld_sval(n), &v))
        return ld_fail(L, n, HR_EINVAL, path, "expected %s, got %s", what, ld_got(n, g, sizeof g));
    if (v != floor(v) || v < (double)lo || v > (double)hi)
        return ld_fail(L, n, HR_EINVAL, path, "must be %s, got %s", what, ld_raw(n, r, sizeof r));
    *out = (int)v;
    return HR_OK;
}

/* ---- fields: look up, read, default, range ------------------------------- */

/* Look key up in map for one of the f_* readers below: *n is the value node
 * and kp its key path when present; *n is NULL when the key is absent and
 * optional (the reader applies its default); an absent required key is the
 * missing-key error. */
static int field(loader *L, const yaml_node_t *map, const char *base, const char *key,
                 bool required, char kp[KEYPATH_MAX], yaml_node_t **n)
{
    *n = ld_get(L, map, key, NULL);
    if (*n == NULL)
        return required ? ld_missing(L, map, base, key) : HR_OK;
    ld_join(kp, base, key);
    return HR_OK;
}

int ld_f_number(loader *L, const yaml_node_t *map, const char *base, const char *key,
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
    rc = ld_rd_number(L, n, kp, out);
    if (rc == HR_OK)
        rc = ld_check_range(L, n, kp, *out, lo, lo_open, hi, hi_open);
    return rc;
}

/* Durations are never negative (the parser refuses them); positive asks for
 * > 0. */
int ld_f_duration(loader *L, const yaml_node_t *map, const char *base, const char *key,
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
        rc = ld_check_range(L, n, kp, *out, 0, true, NO_HI, false);
    if (rc == HR_OK && *out > LD_MAX_DURATION_S) {
        char r[64];
        return ld_fail(L, n, HR_EINVAL, kp, "must be at most 36500d (a hundred years), got %s",
                       ld_raw(n, r, sizeof r));
    }
    return rc;
}

int ld_f_int(loader *L, const yaml_node_t *map, const char *base, const char *key,
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

int ld_f_string(loader *L, const yaml_node_t *map, const char *base, const char *key,
                bool required, const char *dflt, char **out)
{
    char kp[KEYPATH_MAX];
    yaml_node_t *n;
    int rc = field(L, map, base, key, required, kp, &n);
    if (rc != HR_OK || n == NULL) {
        if (rc == HR_OK && (*out = strdup(dflt)) == NULL)
            rc = ld_nomem(L);
        return rc;
    }
    return rd_string(L, n, kp, out);
}

int ld_f_enum(loader *L, const yaml_node_t *map, const char *base, const char *key,
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

int ld_f_bool(loader *L, const yaml_node_t *map, const char *base, const char *key,
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

int ld_check_name(loader *L, const yaml_node_t *map, const char *base, const char *key,
                  const char *value)
{
    char kp[KEYPATH_MAX], r[64];
    if (valid_name(value))
        return HR_OK;
    ld_join(kp, base, key);
    yaml_node_t *n = ld_get(L, map, key, NULL);
    return ld_fail(L, n, HR_EINVAL, kp,
                   "must contain only letters, digits, '.', '_' and '-', got \"%s\"",
                   ld_raw(n, r, sizeof r));
}

/* d is a multiple of tick_s, to 1e-9 relative. */
static bool is_multiple(double d, double tick_s)
{
    double r = d / tick_s;
    return r >= 1 - 1e-9 && fabs(r - nearbyint(r)) <= 1e-9 * r;
}

void ld_fmt_dur(double s, char *buf, size_t size)
{
    hr_duration_format(s, buf, size);
}

/* A duration key that must be a multiple of the tick; when absent the
 * default is checked and the error points at the enclosing mapping. */
int ld_check_tick_multiple(loader *L, const yaml_node_t *map, const char *base,
                           const char *key, double v)
{
    char kp[KEYPATH_MAX], t[32], d[32];
    if (is_multiple(v, L->sc->tick_s))
        return HR_OK;
    ld_join(kp, base, key);
    ld_fmt_dur(L->sc->tick_s, t, sizeof t);
    yaml_node_t *n = map ? ld_get(L, map, key, NULL) : NULL;
    if (n != NULL)
        return ld_fail(L, n, HR_EINVAL, kp, "must be a multiple of tick (%s), got %s", t,
                       ld_sval(n));
    ld_fmt_dur(v, d, sizeof d);
    return ld_fail(L, map ? map : L->root, HR_EINVAL, kp,
                   "must be a multiple of tick (%s), got %s (the default); set %s explicitly", t, d,
                   kp);
}
