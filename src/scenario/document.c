/* document.c - a YAML file as the loader reads it: the whole file into
 * memory, libyaml's syntax errors as PATH:LINE:COL messages, and the walk
 * of a file that holds exactly one document. */
#include "loader.h"

#include <errno.h>
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

int ld_load_document(loader *L, const char *what, const char *empty_hint,
                     int (*walk)(loader *L, yaml_node_t *root, void *arg), void *arg)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int rc;
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
