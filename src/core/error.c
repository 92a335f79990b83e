/* error.c - error values and user-facing messages (see headroom/error.h).
 *
 * Messages are truncated to HR_ERROR_MAX - 1 bytes; truncation never cuts a
 * UTF-8 sequence in half, so a long scenario value quoted in a message still
 * prints cleanly. */
#include "headroom/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Drop a trailing incomplete UTF-8 sequence from s (length len), which
 * vsnprintf may have produced by truncating. Returns the new length. */
static size_t trim_partial_utf8(char *s, size_t len)
{
    size_t i = len;
    size_t back = 0;

    /* Walk back over continuation bytes (10xxxxxx) to the lead byte. */
    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return len;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need;
    if (lead < 0x80)
        return len; /* ASCII: nothing dangling */
    else if ((lead & 0xE0) == 0xC0)
        need = 1;
    else if ((lead & 0xF0) == 0xE0)
        need = 2;
    else if ((lead & 0xF8) == 0xF0)
        need = 3;
    else
        return len; /* not UTF-8 at all: leave it alone */
    if (back < need) {
        s[i - 1] = '\0';
        return i - 1;
    }
    return len;
}

/* Format into buf (size HR_ERROR_MAX), truncating safely. */
static void format_msg(char *buf, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, HR_ERROR_MAX, fmt, ap);
    if (n < 0) {
        buf[0] = '\0';
        return;
    }
    if ((size_t)n >= HR_ERROR_MAX)
        trim_partial_utf8(buf, HR_ERROR_MAX - 1);
}

int hr_error_set(hr_error *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    format_msg(err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int hr_error_prefix(hr_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return HR_EINTERNAL;

    char context[HR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    format_msg(context, fmt, ap);
    va_end(ap);

    /* The old message is copied first: err->msg is the destination. */
    char old[HR_ERROR_MAX];
    memcpy(old, err->msg, sizeof old);
    old[HR_ERROR_MAX - 1] = '\0';

    int n = snprintf(err->msg, HR_ERROR_MAX, "%s: %s", context, old);
    if (n < 0)
        err->msg[0] = '\0';
    else if ((size_t)n >= HR_ERROR_MAX)
        trim_partial_utf8(err->msg, HR_ERROR_MAX - 1);
    return err->code;
}

void hr_error_clear(hr_error *err)
{
    if (err == NULL)
        return;
    err->code = HR_OK;
    err->msg[0] = '\0';
}

const char *hr_error_name(int code)
{
    switch (code) {
    case HR_OK: return "ok";
    case HR_ENOMEM: return "out of memory";
    case HR_EINVAL: return "invalid input";
    case HR_EIO: return "input/output error";
    case HR_EDB: return "results database error";
    case HR_ENOTSUP: return "not supported";
    case HR_EINTERNAL: return "internal error";
    case HR_ECANCELED: return "interrupted";
    default: return "unknown error";
    }
}

int hr_error_exit_status(int code)
{
    switch (code) {
    case HR_OK: return 0;
    case HR_EINVAL:
    case HR_ENOTSUP: return 2;
    default: return 1;
    }
}
