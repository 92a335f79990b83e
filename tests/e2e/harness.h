/* harness.h - what the end-to-end tests share: the built headroom run in a
 * temporary directory of the test program's, its output read back, and
 * counts out of a results database. */
#ifndef HEADROOM_TESTS_E2E_HARNESS_H
#define HEADROOM_TESTS_E2E_HARNESS_H

typedef struct cli_result {
    int status;
    char *out, *err;
} cli_result;

/* The test program's temporary directory (made by e2e_setup). */
extern char tmpdir[256];

/* The whole file at path, NUL-terminated ("" when it cannot be read). */
char *slurp(const char *path);

/* Run `PREFIX headroom ARGS` (a shell fragment) in tmpdir. */
cli_result cli_with(const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define cli(...) cli_with("", __VA_ARGS__)

void cli_free(cli_result *r);

/* Start `headroom ARGS` in tmpdir, send it SIGINT (Ctrl-C) a second later
 * and wait: its exit status, and its stderr in *err (free it). */
int cli_interrupted(const char *args, char **err);

/* cmocka group setup and teardown: make tmpdir, remove it. */
int e2e_setup(void **state);
int e2e_teardown(void **state);

/* The single integer sql (a SELECT count(*) ...) gives on db_path. */
long count_rows(const char *db_path, const char *sql);

#endif
