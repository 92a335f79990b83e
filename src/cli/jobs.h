/* jobs.h - runs in parallel worker threads, handed back in a fixed order
 * (internal to src/cli): what `headroom run` and `headroom sweep` share.
 *
 * The caller lists the runs to do (hr_job, each with its hr_run_spec);
 * worker threads take them in list order and the calling thread gets each
 * finished run back through a callback in list order, so what it stores
 * and prints does not depend on which thread finished first. Ctrl-C (or
 * SIGTERM) asks the runs in flight to stop at their next tick; a second
 * one ends the process. */
#ifndef HEADROOM_CLI_JOBS_H
#define HEADROOM_CLI_JOBS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "headroom/engine.h"

/* One run to do, and what came of it. */
typedef struct hr_job {
    hr_run_spec spec;           /* spec.progress and spec.cancel are set by hr_jobs_run */
    hr_run_progress progress;
    hr_run_result result;
    hr_error err;
    int rc;                     /* hr_engine_run's */
    bool done;
    size_t tag;                 /* the caller's (an index into its own tables) */
    size_t index;               /* the caller's (the job's number in its own list) */
    int64_t stored_id;          /* the caller's: > 0 when the run is already stored */
} hr_job;

/* Called in the calling thread for each finished job, in list order (a job
 * that failed too: job->rc says). Returns 0 to go on, non-zero to start no
 * more jobs. The job's result is freed after it returns. */
typedef int (*hr_job_consume)(void *ctx, hr_job *job);

/* Called in the calling thread about every 20 ms while it waits (NULL:
 * never): a place to do other work, such as receiving another process's
 * results. */
typedef void (*hr_job_idle)(void *ctx);

typedef struct hr_jobs_options {
    int threads;                /* at most this many runs at once */
    bool show_progress;         /* a progress line with an ETA on stderr */
    const char *unit;           /* what the progress line counts ("runs") */
    hr_job_consume consume;
    hr_job_idle idle;
    void *ctx;
} hr_jobs_options;

/* Run jobs[0..n) and hand each back through o->consume in order. Stops
 * starting jobs when one fails, when consume asks, or on a stop signal
 * (hr_jobs_catch_signals must be in effect for that). Returns the number of
 * jobs handed back, or (size_t)-1 when no thread could be started. */
size_t hr_jobs_run(hr_job *jobs, size_t n, const hr_jobs_options *o);

/* Catch SIGINT and SIGTERM for hr_jobs_run (the previous handlers saved in
 * *saved), with no stop asked yet; hr_jobs_release_signals puts the saved
 * ones back. */
typedef struct hr_jobs_signals {
    struct sigaction old_int, old_term;
} hr_jobs_signals;
void hr_jobs_catch_signals(hr_jobs_signals *saved);
void hr_jobs_release_signals(const hr_jobs_signals *saved);

/* The signal that asked the runs to stop (SIGINT, SIGTERM), or 0. */
int hr_jobs_stop_signal(void);

#endif
