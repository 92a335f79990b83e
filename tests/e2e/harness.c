/* harness.c - see harness.h. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

char tmpdir[256];

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

cli_result cli_with(const char *prefix, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s %s %s >out.txt 2>err.txt", tmpdir, prefix, HR_CLI, args);
    int raw = system(cmd);
    cli_result r = {.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1};
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    r.out = slurp(path);
    snprintf(path, sizeof path, "%s/err.txt", tmpdir);
    r.err = slurp(path);
    return r;
}

void cli_free(cli_result *r)
{
    free(r->out);
    free(r->err);
}

int cli_interrupted(const char *args, char **err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && (%s %s >/dev/null 2>int.txt & p=$!; sleep 1; kill -INT $p; wait $p; "
             "echo $? > rc.txt)",
             tmpdir, HR_CLI, args);
    assert_int_equal(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/rc.txt", tmpdir);
    char *rc = slurp(path);
    int status = atoi(rc);
    free(rc);
    snprintf(path, sizeof path, "%s/int.txt", tmpdir);
    *err = slurp(path);
    return status;
}

int e2e_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/headroom-e2e-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

int e2e_teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

long count_rows(const char *db_path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}
