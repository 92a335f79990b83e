/* override.c - a scenario value addressed by its YAML path and replaced in
 * the text before the loader reads it (include/headroom/override.h).
 *
 * The keys are found once, in the document libyaml builds of the original
 * text; each becomes a site: a byte range of the text to replace (a
 * scalar's characters, quotes included) or a byte position where a
 * `key: value` is added (a key the mapping does not have). Applying values
 * is then only splicing strings, so a sweep of a thousand points parses the
 * text once to find the keys and once per point in the loader. */
#include "headroom/override.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* Where key i's value goes. */
typedef struct site {
    size_t start, end;      /* bytes [start, end) of the text replaced (start == end: inserted) */
    char *key;              /* an added key's name, else NULL */
    int column;             /* an added key in a block mapping: the column of its keys */
    bool flow;              /* an added key in a flow mapping ({...}) */
    bool flow_empty;        /* ... which has no key yet ({}) */
    bool pad;               /* a replaced empty value (`key:`): a space before the value */
    char *policy;           /* the policy it lies under, or NULL */
} site;

struct hr_override {
    char *text;
    size_t len;
    site *sites;
    size_t n;
};

/* The walk's state: the keys to find, and the sites found. */
typedef struct finding {
    const char *const *keys;
    size_t n_keys;
    site *sites;
} finding;

/* rest is name, or name followed by '.' and more: the length of name, else 0. */
static size_t fits(const char *rest, const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || strncmp(rest, name, n) != 0 || (rest[n] != '\0' && rest[n] != '.'))
        return 0;
    return n;
}

/* Keys of a mapping (or names of a list's items) for messages, in buf. */
static const char *list_keys(loader *L, const yaml_node_t *n, char *buf, size_t size)
{
    size_t used = 0, count = 0;
    buf[0] = '\0';
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = ld_node_at(L, p->key);
            if (k && k->type == YAML_SCALAR_NODE && used + 1 < size)
                used += (size_t)snprintf(buf + used, size - used, "%s%s", count++ ? ", " : "",
                                         ld_sval(k));
        }
    } else {
        for (size_t i = 0; i < ld_seq_len(n); i++) {
            yaml_node_t *item = ld_seq_item(L, n, i), *name;
            const char *text = item && item->type == YAML_MAPPING_NODE &&
                                       (name = ld_get(L, item, "name", NULL)) &&
                                       name->type == YAML_SCALAR_NODE
                                   ? ld_sval(name)
                                   : NULL;
            if (used + 1 < size) {
                if (text)
                    used += (size_t)snprintf(buf + used, size - used, "%s%s", count++ ? ", " : "", text);
                else
                    used += (size_t)snprintf(buf + used, size - used, "%s%zu", count++ ? ", " : "", i);
            }
        }
    }
    if (used >= size && size > 4)
        strcpy(buf + size - 4, "...");
    return buf;
}

static int key_fail(loader *L, const char *key, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "KEY: MESSAGE (FILE:LINE:COL)". */
static int key_fail(loader *L, const char *key, const yaml_node_t *at, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hr_error_set(L->err, HR_EINVAL, "%s: %s (%s:%d:%d)", key, msg, L->file,
                        (int)at->start_mark.line + 1, (int)at->start_mark.column + 1);
}

/* The site of a key the mapping map does not have (rest, one segment). */
static int add_key_site(loader *L, const yaml_node_t *map, const char *rest, site *s)
{
    s->key = strdup(rest);
    if (!s->key)
        return ld_nomem(L);
    yaml_node_pair_t *first = map->data.mapping.pairs.start;
    if (map->data.mapping.style == YAML_FLOW_MAPPING_STYLE) {
        /* after the '{' */
        s->start = s->end = ld_byte_offset(L, map->start_mark.index) + 1;
        s->flow = true;
        s->flow_empty = first == map->data.mapping.pairs.top;
        return HR_OK;
    }
    /* a block mapping has a first key: the new one goes before it, on a
     * line of its own at the same column */
    yaml_node_t *k = ld_node_at(L, first->key);
    s->start = s->end = ld_byte_offset(L, k->start_mark.index);
    s->column = (int)k->start_mark.column;
    return HR_OK;
}

/* Find rest (what is left of key) under node n; walked is the path so far. */
static int find(loader *L, const char *key, yaml_node_t *n, const char *rest, char *walked,
                site *s, int depth)
{
    char names[400], here[KEYPATH_MAX];
    if (depth > LD_MAX_DEPTH)
        return key_fail(L, key, n, "nested too deep");
    if (*rest == '\0') {
        if (n->type != YAML_SCALAR_NODE)
            return key_fail(L, key, n, "is a %s, not a value; address one of its %s: %s",
                            n->type == YAML_MAPPING_NODE ? "mapping" : "list",
                            n->type == YAML_MAPPING_NODE ? "keys" : "items",
                            list_keys(L, n, names, sizeof names));
        if (n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
            n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
            return key_fail(L, key, n, "is written as a block scalar (| or >); write it on one "
                            "line to set it with --param");
        s->start = ld_byte_offset(L, n->start_mark.index);
        s->end = ld_byte_offset(L, n->end_mark.index);
        s->pad = s->start == s->end;
        return HR_OK;
    }
    size_t best = 0;
    yaml_node_t *next = NULL;
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = ld_node_at(L, p->key);
            size_t len = k && k->type == YAML_SCALAR_NODE ? fits(rest, ld_sval(k)) : 0;
            if (len > best) {
                best = len;
                next = ld_node_at(L, p->value);
            }
        }
        if (!next && strchr(rest, '.') == NULL)
            return add_key_site(L, n, rest, s);
        if (!next)
            return key_fail(L, key, n, "%s has no key '%.*s'; its keys: %s",
                            *walked ? walked : "the scenario", (int)strcspn(rest, "."), rest,
                            list_keys(L, n, names, sizeof names));
    } else if (n->type == YAML_SEQUENCE_NODE) {
        size_t count = ld_seq_len(n);
        for (size_t i = 0; i < count; i++) {
            yaml_node_t *item = ld_seq_item(L, n, i), *name;
            if (item && item->type == YAML_MAPPING_NODE && (name = ld_get(L, item, "name", NULL)) &&
                name->type == YAML_SCALAR_NODE) {
                size_t len = fits(rest, ld_sval(name));
                if (len > best) {
                    best = len;
                    next = item;
                }
            }
        }
        if (!next && isdigit((unsigned char)rest[0])) {
            char *end;
            unsigned long i = strtoul(rest, &end, 10);
            if ((*end == '\0' || *end == '.') && i < count) {
                best = (size_t)(end - rest);
                next = ld_seq_item(L, n, i);
            }
        }
        if (!next)
            return key_fail(L, key, n, "%s has no item '%.*s'; its items (by name, or by index "
                            "0 to %zu): %s", walked, (int)strcspn(rest, "."), rest,
                            count ? count - 1 : 0, list_keys(L, n, names, sizeof names));
        /* a policy's key: remember its name for hr_override_policy */
        if (strcmp(walked, "policies") == 0 && !s->policy) {
            yaml_node_t *name = ld_get(L, next, "name", NULL);
            if (name && name->type == YAML_SCALAR_NODE && !(s->policy = strdup(ld_sval(name))))
                return ld_nomem(L);
        }
    } else {
        return key_fail(L, key, n, "%s is a value, it has no key '%.*s'", walked,
                        (int)strcspn(rest, "."), rest);
    }
    snprintf(here, sizeof here, "%s%s%.*s", walked, *walked ? "." : "", (int)best, rest);
    rest += best;
    if (*rest == '.')
        rest++;
    return find(L, key, next, rest, here, s, depth + 1);
}

static int find_all(loader *L, yaml_node_t *root, void *arg)
{
    finding *f = arg;
    for (size_t i = 0; i < f->n_keys; i++) {
        const char *key = f->keys[i];
        char walked[KEYPATH_MAX] = "";
        if (!*key || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, ".."))
            return hr_error_set(L->err, HR_EINVAL,
                                "%s: not a key path; write the names from the scenario's top "
                                "joined by dots, like fleet.max or policies.NAME.target",
                                key);
        int rc = find(L, key, root, key, walked, &f->sites[i], 0);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++) {
            const site *a = &f->sites[i], *b = &f->sites[j];
            bool same = a->key ? b->key && a->start == b->start && strcmp(a->key, b->key) == 0
                               : !b->key && a->start == b->start;
            if (same)
                return hr_error_set(L->err, HR_EINVAL,
                                    "%s: the same value as %s; give each value one --param",
                                    key, f->keys[j]);
        }
    }
    return HR_OK;
}

static void free_sites(site *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        free(s[i].key);
        free(s[i].policy);
    }
    free(s);
}

int hr_override_new(const char *path, const char *text, size_t len, const char *const *keys,
                    size_t n_keys, hr_override **out, hr_error *err)
{
    *out = NULL;
    hr_override *o = calloc(1, sizeof *o);
    finding f = {.keys = keys, .n_keys = n_keys, .sites = calloc(n_keys ? n_keys : 1, sizeof(site))};
    loader L = {.file = path ? path : "<string>", .text = text, .len = len, .err = err};
    if (!o || !f.sites || !(o->text = malloc(len + 1))) {
        free_sites(f.sites, n_keys);
        hr_override_free(o);
        return ld_nomem(&L);
    }
    memcpy(o->text, text, len);
    o->text[len] = '\0';
    o->len = len;
    int rc = ld_load_document(&L, "scenario", NULL, find_all, &f);
    if (rc) {
        free_sites(f.sites, n_keys);
        hr_override_free(o);
        return rc;
    }
    o->sites = f.sites;
    o->n = n_keys;
    *out = o;
    return HR_OK;
}

void hr_override_free(hr_override *o)
{
    if (!o)
        return;
    free_sites(o->sites, o->n);
    free(o->text);
    free(o);
}

const char *hr_override_policy(const hr_override *o, size_t i)
{
    return i < o->n ? o->sites[i].policy : NULL;
}

/* A value YAML reads back as the same text when written plain: letters,
 * digits and . _ - + % /, not starting with a character YAML treats
 * specially. */
static bool plain_ok(const char *v)
{
    if (!isalnum((unsigned char)v[0]) && v[0] != '.' && v[0] != '+' &&
        !(v[0] == '-' && v[1] != '\0' && v[1] != ' '))
        return false;
    for (const char *c = v; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-+%/", *c))
            return false;
    return true;
}

/* The value as YAML text into buf: plain, or double-quoted with " and \
 * escaped. */
static size_t yaml_value(const char *v, char *buf)
{
    if (plain_ok(v))
        return (size_t)sprintf(buf, "%s", v);
    size_t n = 0;
    buf[n++] = '"';
    for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\')
            buf[n++] = '\\';
        buf[n++] = *c;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return n;
}

/* Sites in text order (stable by index for one position). */
static int by_position(const void *a, const void *b)
{
    const site *const *x = a, *const *y = b;
    if ((*x)->start != (*y)->start)
        return (*x)->start < (*y)->start ? -1 : 1;
    return *x < *y ? -1 : *x > *y;
}

int hr_override_apply(const hr_override *o, const char *const *values, char **text, size_t *len,
                      hr_error *err)
{
    *text = NULL;
    size_t extra = 0;
    for (size_t i = 0; i < o->n; i++) {
        const char *v = values[i];
        if (!*v || strpbrk(v, "\r\n"))
            return hr_error_set(err, HR_EINVAL, "a value is one line of text, got \"%s\"", v);
        /* quoted (2 + escapes), a key, ": ", ", ", a newline and the indent */
        extra += 2 * strlen(v) + 8 + (o->sites[i].key ? strlen(o->sites[i].key) + 4 +
                                                            (size_t)o->sites[i].column : 0);
    }
    const site **order = malloc((o->n ? o->n : 1) * sizeof *order);
    char *out = malloc(o->len + extra + 1), *val = malloc(2 * 4096 + 3);
    if (!order || !out || !val) {
        free(order);
        free(out);
        free(val);
        return hr_error_set(err, HR_ENOMEM, "out of memory setting scenario values");
    }
    for (size_t i = 0; i < o->n; i++)
        order[i] = &o->sites[i];
    qsort(order, o->n, sizeof *order, by_position);
    size_t at = 0, n = 0;
    for (size_t k = 0; k < o->n; k++) {
        const site *s = order[k];
        const char *v = values[s - o->sites];
        if (strlen(v) > 4096) {
            free(order);
            free(out);
            free(val);
            return hr_error_set(err, HR_EINVAL, "a value longer than 4096 characters");
        }
        yaml_value(v, val);
        memcpy(out + n, o->text + at, s->start - at);
        n += s->start - at;
        if (!s->key)
            n += (size_t)sprintf(out + n, "%s%s", s->pad ? " " : "", val);
        else if (s->flow)
            n += (size_t)sprintf(out + n, " %s: %s%s", s->key, val, s->flow_empty ? " " : ", ");
        else
            n += (size_t)sprintf(out + n, "%s: %s\n%*s", s->key, val, s->column, "");
        at = s->end;
    }
    memcpy(out + n, o->text + at, o->len - at);
    n += o->len - at;
    out[n] = '\0';
    free(order);
    free(val);
    *text = out;
    *len = n;
    return HR_OK;
}
