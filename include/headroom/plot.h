/* plot.h - the charts of a capacity review, drawn from a stored batch with
 * the gnuplot templates in plots/ (docs/plots.md):
 *   timeline-POLICY   load against capacity, instances by state stacked,
 *                     scaling actions and scenario events, p95 with the SLO
 *   latency           p50/p95/p99 per policy as small multiples, SLO lines
 *   errors-cost       error rate, cost per hour and cumulative cost per policy
 *   cost-slo          mean cost against SLO violation with 95% intervals and
 *                     the Pareto front
 *   event-K-NAME      a zoom on each scenario event
 *   band              each policy's spread across replications
 * Time axes are in hours for runs up to two days, weekday names up to three
 * weeks, days beyond. */
#ifndef HEADROOM_PLOT_H
#define HEADROOM_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/store.h"

typedef struct hr_plot_spec {
    int64_t batch_id;
    int64_t run_id;           /* > 0: draw this run's replication; else the lowest */
    const char *out_dir;      /* must exist */
    const char *format;       /* "png", "svg" or "pdf" */
    const char *templates;    /* folder of the .gp templates */
} hr_plot_spec;

/* The charts written, as paths under out_dir (malloc'd strings). */
typedef struct hr_plot_files {
    char **paths;
    size_t n;
} hr_plot_files;

/* Draw every chart of the batch. HR_EIO when gnuplot or a file fails,
 * HR_EINVAL for a batch without runs; charts already drawn stay. */
int hr_plot_batch(hr_store *st, const hr_plot_spec *spec, hr_plot_files *out, hr_error *err);

void hr_plot_files_free(hr_plot_files *f);

/* The folder of the chart templates: $HEADROOM_PLOTS, else the source
 * tree's plots/ when it is there (a build tree), else the installed
 * share/headroom/plots. NULL when none holds timeline.gp. */
const char *hr_plot_templates(void);

#endif
