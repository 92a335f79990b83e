/* gnuplot.c - running gnuplot on a generated script (gnuplot.h). */
#include "gnuplot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether an executable named gnuplot is on PATH (what popen's shell will
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

/* Append s to buf (of size cap, holding len bytes) quoted for gnuplot
 * ('...' with ' doubled) or for sh ('...' with ' as '\''). False when it
 * does not fit. */
static bool append_quoted(char *buf, size_t cap, size_t *len, const char *s, bool for_shell)
{
    const char *esc = for_shell ? "'\\''" : "''";
    size_t esc_len = strlen(esc);
    if (*len + 1 >= cap)
        return false;
    buf[(*len)++] = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            if (*len + esc_len >= cap)
                return false;
            memcpy(buf + *len, esc, esc_len);
            *len += esc_len;
        } else {
            if (*len + 1 >= cap)
                return false;
            /* A gnuplot string cannot span lines: control characters
             * (never in a sane name or path) become spaces. */
            buf[(*len)++] = (!for_shell && (unsigned char)*s < 0x20) ? ' ' : *s;
        }
    }
    if (*len + 2 > cap)
        return false;
    buf[(*len)++] = '\'';
    buf[*len] = '\0';
    return true;
}

/* A single-quoted gnuplot string literal of s, in a malloc'd buffer. */
char *gp_quote(const char *s)
{
    size_t cap = 2 * strlen(s) + 3;
    char *q = malloc(cap);
    size_t len = 0;
    if (q && !append_quoted(q, cap, &len, s, false)) {
        free(q);
        return NULL;
    }
    return q;
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

static int run_script(const gp_session *f, const char *png_path, hr_error *err)
{
    char cmd[3 * GP_PATH_MAX];
    size_t len = 0;
    bool ok = true;
    len = (size_t)snprintf(cmd, sizeof cmd, "gnuplot ");
    ok = append_quoted(cmd, sizeof cmd, &len, f->script, true);
    if (ok && len + 4 < sizeof cmd) {
        memcpy(cmd + len, " 2>", 4);
        len += 3;
    } else {
        ok = false;
    }
    ok = ok && append_quoted(cmd, sizeof cmd, &len, f->log, true);
    if (!ok)
        return hr_error_set(err, HR_EIO, "%s: temporary directory path too long for gnuplot",
                            f->dir);

    /* Read mode, so a gnuplot that dies early cannot SIGPIPE us. */
    FILE *pp = popen(cmd, "r");
    if (!pp)
        return hr_error_set(err, HR_EIO, "cannot start gnuplot: %s", strerror(errno));
    char sink[256];
    while (fread(sink, 1, sizeof sink, pp) > 0) {
    }
    int status = pclose(pp);
    if (status == -1)
        return hr_error_set(err, HR_EIO, "gnuplot: cannot get its exit status: %s",
                            strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char line[512];
        gnuplot_log_reason(f->log, line, sizeof line);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox or drop "
                                             "--chart");
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
        return hr_error_set(err, HR_EIO, "gnuplot not found; install gnuplot-nox or drop --chart");
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
