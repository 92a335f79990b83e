/* error.h - error values and user-facing messages.
 *
 * Every function that can fail returns int: 0 (HR_OK) on success or a
 * negative HR_E* code, and fills an hr_error with a message a user can act
 * on ("scenarios/bf.yaml:14:7: fleet.boot.mean: expected a duration like 90s,
 * got \"fast\""). A NULL hr_error is allowed everywhere: the code is still
 * returned, the message dropped.
 */
#ifndef HEADROOM_ERROR_H
#define HEADROOM_ERROR_H

#include <stddef.h>

enum {
    HR_OK = 0,
    HR_ENOMEM = -1,   /* allocation failed */
    HR_EINVAL = -2,   /* bad input: scenario, option, file contents */
    HR_EIO = -3,      /* a file could not be read or written */
    HR_EDB = -4,      /* the results database failed */
    HR_ENOTSUP = -5,  /* valid input asking for something not built yet */
    HR_EINTERNAL = -6, /* a bug: an invariant did not hold */
    HR_ECANCELED = -7  /* stopped on request (Ctrl-C, SIGTERM) */
};

#define HR_ERROR_MAX 1024

typedef struct hr_error {
    int code;
    char msg[HR_ERROR_MAX];
} hr_error;

/* Set err (if not NULL) to code and a printf-style message; returns code so
 * callers can write `return hr_error_set(err, HR_EINVAL, "...")`. */
int hr_error_set(hr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "context: " to err's message (if err is not NULL); returns
 * err->code (or HR_EINTERNAL when err is NULL). */
int hr_error_prefix(hr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reset err to HR_OK with an empty message. */
void hr_error_clear(hr_error *err);

/* A short name for a code ("out of memory", "invalid input", ...). */
const char *hr_error_name(int code);

/* Process exit status for a code: 0 for HR_OK, 2 for bad input (HR_EINVAL,
 * HR_ENOTSUP), 1 for everything else. */
int hr_error_exit_status(int code);

#endif
