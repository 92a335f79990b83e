/* gnuplot.h - running gnuplot on a generated script, for the charts of
 * src/report/ (internal to it).
 *
 * A session owns a private mkdtemp directory for the script, its data files
 * and gnuplot's log; everything in it is removed when the session closes.
 * Names and paths reach gnuplot only as single-quoted string literals
 * (gp_quote; a quote as "'" between them), and gnuplot is started without a shell, so no scenario or
 * policy name can inject a command. */
#ifndef HEADROOM_REPORT_GNUPLOT_H
#define HEADROOM_REPORT_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "headroom/error.h"

enum { GP_PATH_MAX = 4096 };

typedef struct gp_session {
    char dir[GP_PATH_MAX - 64]; /* leaves room for the file names below */
    char script[GP_PATH_MAX];
    char log[GP_PATH_MAX];
    char **files;               /* data files to remove */
    size_t n_files;
} gp_session;

/* Check that gnuplot is on PATH and make the session's directory (under
 * TMPDIR), with the script at DIR/script_name. HR_EIO with a message that
 * says what to do (install gnuplot-nox, set TMPDIR). */
int gp_open(gp_session *g, const char *script_name, hr_error *err);

/* A data file DIR/name, registered for removal; *path is owned by g. */
int gp_data_path(gp_session *g, const char *name, const char **path, hr_error *err);

/* A gnuplot string expression of s: a single-quoted literal, or literals
 * joined around each quote, ('it'."'".'s') (malloc'd); NULL when memory
 * runs out. */
char *gp_quote(const char *s);

/* The chart format an output path asks for: .svg, .pdf (any case), else PNG. */
typedef enum gp_format { GP_PNG = 0, GP_SVG, GP_PDF } gp_format;

gp_format gp_format_of(const char *path);

/* Write the `set terminal` lines for out_path's format, width x height
 * pixels (PDF: 100 pixels to the inch). */
void gp_terminal(FILE *fp, const char *out_path, int width, int height);

/* Run gnuplot on the script and check that png_path was written. HR_EIO
 * with gnuplot's own complaint. */
int gp_run(const gp_session *g, const char *png_path, hr_error *err);

/* Remove every file of the session and its directory. */
void gp_close(gp_session *g);

#endif
