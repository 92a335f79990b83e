/* gnuplot.c - running gnuplot on a generated script (gnuplot.h). */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* POSIX: the process environment, passed on to gnuplot. */
extern char **environ;

/* Whether an executable named gnuplot is on PATH (what posix_spawnp will
 * run). Checked first so a missing gnuplot gets a clear message rather than
 * the shell's "not found". */
static bool gnuplot_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return false;
    char dir[GP_PATH_MAX];
    while (*path) {
        size_t n = strcspn(path, ":");
        const char *d = n ? path : ".";
        size_t dn = n ? n : 1;
        if (dn + sizeof "/gnuplot" <= sizeof dir) {
            memcpy(dir, d, dn);
            memcpy(dir + dn, "/gnuplot", sizeof "/gnuplot");
            if (access(dir, X_OK) == 0)
                return true;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return false;
}

/* A gnuplot string expression for s, in a malloc'd buffer: 'text' in
 * single quotes, where gnuplot expands neither backquotes (commands) nor
 * @macros and reads no backslash escapes. A quote in s splits it:
 * ('it'."'".'s'), the quote alone in double quotes (gnuplot's lexer
 * mis-reads runs of doubled quotes, '' '' ..., inside single quotes).
 * A string cannot span lines, so control characters (never in a sane
 * name or path) become spaces. */
char *gp_quote(const char *s)
{
    size_t quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '\'';
    char *q = malloc(strlen(s) + 8 * quotes + 5);
    if (!q)
        return NULL;
    size_t len = 0;
    if (quotes)
        q[len++] = '(';
    q[len++] = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            memcpy(q + len, "'.\"'\".'", 7);
            len += 7;
        } else {
            q[len++] = (unsigned char)*s < 0x20 ? ' ' : *s;
        }
    }
    q[len++] = '\'';
    if (quotes)
        q[len++] = ')';
    q[len] = '\0';
    return q;
}

gp_format gp_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strchr(dot, '/') == NULL) {
        if (strcasecmp(dot, ".svg") == 0)
            return GP_SVG;
        if (strcasecmp(dot, ".pdf") == 0)
            return GP_PDF;
    }
    return GP_PNG;
}

void gp_terminal(FILE *fp, const char *out_path, int width, int height)
{
    /* pngcairo draws anti-aliased; the plain png terminal (libgd) is the
     * fallback on gnuplot builds without cairo. noenhanced keeps names
     * like cpu_70 literal. PDF sizes are in inches (100 pixels each). */
    switch (gp_format_of(out_path)) {
    case GP_SVG:
        fprintf(fp, "set terminal svg noenhanced size %d,%d font 'sans,10' background rgb 'white'\n",
                width, height);
        break;
    case GP_PDF:
        fprintf(fp, "set terminal pdfcairo noenhanced size %.2fin,%.2fin font ',8'\n",
                width / 100.0, height / 100.0);
        break;
    case GP_PNG:
        fprintf(fp,
                "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
                "    set terminal pngcairo noenhanced size %d,%d font ',10'\n"
                "} else {\n"
                "    set terminal png noenhanced size %d,%d\n"
                "}\n",
                width, height, width, height);
        break;
    }
}

/* gnuplot's error from its stderr log, for the message: gnuplot echoes the
 * failing command and a caret, then '"script" line N: what', sometimes
 * followed by "system error: ...". Keep "line N: what" and what follows,
 * since the script's temporary path means nothing to a user; without such
 * a line, keep the last line with content. */
static void gnuplot_log_reason(const char *log, char *out, size_t n)
{
    out[0] = '\0';
    FILE *fp = fopen(log, "r");
    if (!fp)
        return;
    char line[512];
    bool found = false;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t skip = strspn(line, " \t^");
        if (!line[skip])
            continue;
        const char *at = strstr(line, "\" line ");
        if (at) {
            snprintf(out, n, "%s", at + 2);
            found = true;
        } else if (found) {
            size_t len = strlen(out);
            snprintf(out + len, n - len, "; %s", line + skip);
        } else {
            snprintf(out, n, "%s", line + skip);
        }
    }
    fclose(fp);
}

/* Run gnuplot SCRIPT directly (no shell), its stderr to the log, and wait
 * for it. */
static int run_script(const gp_session *f, const char *png_path, hr_error *err)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return hr_error_set(err, HR_ENOMEM, "out of memory starting gnuplot");
    int rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 2, f->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    char *argv[] = {"gnuplot", (char *)f->script, NULL};
    if (rc == 0)
        rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc == ENOENT)
        return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox");
    if (rc != 0)
        return hr_error_set(err, HR_EIO, "cannot start gnuplot: %s", strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return hr_error_set(err, HR_EIO, "gnuplot: cannot get its exit status: %s",
                                strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char line[512];
        gnuplot_log_reason(f->log, line, sizeof line);
        return hr_error_set(err, HR_EIO, "%s: gnuplot failed (%s %d)%s%s; the chart was not drawn",
                            png_path, WIFEXITED(status) ? "exit status" : "signal",
                            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                            line[0] ? ": " : "", line);
    }
    return HR_OK;
}

int gp_open(gp_session *g, const char *script_name, hr_error *err)
{
    memset(g, 0, sizeof *g);
    if (!gnuplot_on_path())
        return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox");
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(g->dir, sizeof g->dir, "%s/headroom-chart-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof g->dir)
        return hr_error_set(err, HR_EIO, "TMPDIR %s is too long for the chart's temporary files",
                            tmp);
    if (!mkdtemp(g->dir)) {
        int rc = hr_error_set(err, HR_EIO,
                              "%s: cannot create a temporary directory for the chart: %s; "
                              "set TMPDIR to a writable directory",
                              g->dir, strerror(errno));
        g->dir[0] = '\0';
        return rc;
    }
    snprintf(g->script, sizeof g->script, "%s/%s", g->dir, script_name);
    snprintf(g->log, sizeof g->log, "%s/gnuplot.log", g->dir);
    return HR_OK;
}

int gp_data_path(gp_session *g, const char *name, const char **path, hr_error *err)
{
    char buf[GP_PATH_MAX];
    snprintf(buf, sizeof buf, "%s/%s", g->dir, name);
    char **files = realloc(g->files, (g->n_files + 1) * sizeof *files);
    if (files == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
    g->files = files;
    if ((files[g->n_files] = strdup(buf)) == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory preparing the chart");
    *path = files[g->n_files++];
    return HR_OK;
}

int gp_run(const gp_session *g, const char *png_path, hr_error *err)
{
    int rc = run_script(g, png_path, err);
    if (rc != HR_OK)
        return rc;
    struct stat sb;
    if (stat(png_path, &sb) != 0 || sb.st_size == 0)
        return hr_error_set(err, HR_EIO, "%s: gnuplot finished but wrote no chart; check that "
                                         "the directory exists and is writable",
                            png_path);
    return HR_OK;
}

void gp_close(gp_session *g)
{
    for (size_t i = 0; i < g->n_files; i++) {
        unlink(g->files[i]);
        free(g->files[i]);
    }
    free(g->files);
    if (g->script[0])
        unlink(g->script);
    if (g->log[0])
        unlink(g->log);
    if (g->dir[0])
        rmdir(g->dir);
    memset(g, 0, sizeof *g);
}
