/* document.c - a YAML file as the loader reads it: the whole file into
 * memory, libyaml's syntax errors as PATH:LINE:COL messages, and the walk
 * of a file that holds exactly one document. */
#include "loader.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int ld_syntax_error(loader *L, const yaml_parser_t *p)
{
    int line, col;
    if (p->error == YAML_MEMORY_ERROR)
        return ld_nomem(L);
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

/* Before libyaml builds the document, one pass over its events (linear):
 * refuse nesting deeper than LD_MAX_DEPTH (libyaml's loader is quadratic in
 * depth) and scalars holding a NUL character (a double-quoted "\0"), which
 * every reader would cut short. A syntax error ends the pass quietly; the
 * load reports it. */
static int check_events(loader *L)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&parser))
        return ld_nomem(L);
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->text, L->len);
    int depth = 0, rc = HR_OK;
    while (rc == HR_OK && yaml_parser_parse(&parser, &ev)) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > LD_MAX_DEPTH)
                rc = hr_error_set(L->err, HR_EINVAL,
                                  "%s:%d:%d: nested more than %d levels deep; a scenario needs "
                                  "about 10",
                                  L->file, (int)ev.start_mark.line + 1,
                                  (int)ev.start_mark.column + 1, LD_MAX_DEPTH);
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (type == YAML_SCALAR_EVENT &&
                   memchr(ev.data.scalar.value, '\0', ev.data.scalar.length) != NULL) {
            rc = hr_error_set(L->err, HR_EINVAL,
                              "%s:%d:%d: a NUL character (\\0) in a value; names, words and "
                              "numbers are text",
                              L->file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1);
        }
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

int ld_load_document(loader *L, const char *what, const char *empty_hint,
                     int (*walk)(loader *L, yaml_node_t *root, void *arg), void *arg)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int rc;
    if ((rc = check_events(L)))
        return rc;
    if (!yaml_parser_initialize(&parser))
        return ld_nomem(L);
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->text, L->len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = ld_syntax_error(L, &parser);
        yaml_parser_delete(&parser);
        return rc;
    }
    L->doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
        if (empty_hint != NULL)
            rc = hr_error_set(L->err, HR_EINVAL, "%s:1:1: the file is empty; %s", L->file,
                              empty_hint);
        else
            rc = hr_error_set(L->err, HR_EINVAL, "%s:1:1: the file is empty", L->file);
    } else if (!yaml_parser_load(&parser, &extra)) {
        rc = ld_syntax_error(L, &parser);
    } else {
        yaml_node_t *second = yaml_document_get_root_node(&extra);
        if (second != NULL) {
            rc = hr_error_set(L->err, HR_EINVAL,
                              "%s:%d:%d: a second YAML document; a %s file holds exactly one (remove the '---')",
                              L->file, (int)second->start_mark.line + 1,
                              (int)second->start_mark.column + 1, what);
        } else {
            L->root = root;
            rc = walk(L, root, arg);
        }
        yaml_document_delete(&extra);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    L->doc = NULL;
    L->root = NULL;
    return rc;
}

/* The encoding a byte-order mark names (iconv's name), or NULL; *skip is
 * the mark's length. UTF-32 first: its little-endian mark starts like
 * UTF-16's. */
static const char *bom_encoding(const char *b, size_t n, size_t *skip)
{
    static const struct { const char *mark; size_t len; const char *name; } boms[] = {
        {"\xFF\xFE\x00\x00", 4, "UTF-32LE"}, {"\x00\x00\xFE\xFF", 4, "UTF-32BE"},
        {"\xFF\xFE", 2, "UTF-16LE"}, {"\xFE\xFF", 2, "UTF-16BE"},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++)
        if (n >= boms[i].len && memcmp(b, boms[i].mark, boms[i].len) == 0) {
            *skip = boms[i].len;
            return boms[i].name;
        }
    return NULL;
}

/* Text in UTF-16 or UTF-32 (with a byte-order mark) as UTF-8, in place of
 * *buf; UTF-8 text (with or without its mark) as it is. A NUL byte in what
 * should be UTF-8 means another encoding, or not text at all. */
static int as_utf8(const char *path, const char *what, char **buf, size_t *n, hr_error *err)
{
    size_t skip = 0;
    const char *enc = bom_encoding(*buf, *n, &skip);
    if (enc == NULL) {
        const char *nul = memchr(*buf, '\0', *n);
        if (nul == NULL)
            return HR_OK;
        int line = 1;
        for (const char *c = *buf; c < nul; c++)
            line += *c == '\n';
        return hr_error_set(err, HR_EINVAL,
                            "%s:%d: a NUL byte: a %s file is UTF-8 text (or UTF-16/32 with a "
                            "byte-order mark)", path, line, what);
    }
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return hr_error_set(err, HR_EIO, "%s: cannot convert %s to UTF-8: %s", path, enc,
                            strerror(errno));
    size_t cap = 2 * (*n) + 16, left_in = *n - skip, left_out = cap - 1;
    char *out = malloc(cap), *in = *buf + skip, *o = out;
    int rc = HR_OK;
    if (out == NULL)
        rc = hr_error_set(err, HR_ENOMEM, "%s: out of memory while reading the %s", path, what);
    else if (iconv(cd, &in, &left_in, &o, &left_out) == (size_t)-1)
        rc = hr_error_set(err, HR_EINVAL, "%s: not valid %s at byte %zu (its byte-order mark "
                          "says %s)", path, enc, (size_t)(in - *buf), enc);
    iconv_close(cd);
    if (rc == HR_OK && memchr(out, '\0', (size_t)(o - out)) != NULL)
        rc = hr_error_set(err, HR_EINVAL, "%s: a NUL character; a %s file is text", path, what);
    if (rc != HR_OK) {
        free(out);
        return rc;
    }
    *o = '\0';
    free(*buf);
    *buf = out;
    *n = (size_t)(o - out);
    return HR_OK;
}

int ld_read_file(const char *path, const char *what, size_t max, char **text, size_t *len,
                 hr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hr_error_set(err, HR_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got_n = fread(buf + n, 1, cap - n, f);
        n += got_n;
        if (n < cap)
            break;
        if (n > max) {
            free(buf);
            fclose(f);
            return hr_error_set(err, HR_EINVAL,
                                "%s: larger than %zu MiB; is this the %s file you meant?", path,
                                max >> 20, what);
        }
        /* grow to at most max + 1: a file that fills that is too large */
        size_t next = cap > max / 2 ? max + 1 : cap * 2;
        char *bigger = realloc(buf, next);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap = next;
    }
    if (buf == NULL) {
        fclose(f);
        return hr_error_set(err, HR_ENOMEM, "%s: out of memory while reading the %s", path, what);
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return hr_error_set(err, HR_EIO, "cannot read %s: %s", path, strerror(e));
    }
    fclose(f);
    buf[n] = '\0'; /* the loop ends with n < cap */
    int rc = as_utf8(path, what, &buf, &n, err);
    if (rc != HR_OK) {
        free(buf);
        return rc;
    }
    *text = buf;
    *len = n;
    return HR_OK;
}

char *ld_relative_path(const char *from, const char *path)
{
    const char *slash = strrchr(from, '/');
    size_t dir = path[0] == '/' || slash == NULL ? 0 : (size_t)(slash - from) + 1;
    char *out = malloc(dir + strlen(path) + 1);
    if (out != NULL) {
        memcpy(out, from, dir);
        strcpy(out + dir, path);
    }
    return out;
}
