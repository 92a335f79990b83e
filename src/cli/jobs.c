/* jobs.c - runs in parallel worker threads, handed back in list order
 * (jobs.h). */
#include "jobs.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "headroom/duration.h"

/* The signal that asked the runs to stop (SIGINT, SIGTERM), or 0. A signal
 * handler can only reach a static; the runs read it through their spec's
 * cancel pointer, the workers and the collector directly. Lock-free (see
 * the static assertion), so the handler may store to it and every thread
 * read it. */
static _Atomic int stop_signal;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");

/* The first Ctrl-C (or SIGTERM) asks the runs to stop at their next tick;
 * a second one ends the process at once, as the default action would. */
static void on_stop_signal(int sig)
{
    if (atomic_load(&stop_signal)) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    atomic_store(&stop_signal, sig);
}

void hr_jobs_catch_signals(hr_jobs_signals *saved)
{
    atomic_store(&stop_signal, 0);
    struct sigaction stop = {.sa_handler = on_stop_signal};
    sigemptyset(&stop.sa_mask);
    sigaction(SIGINT, &stop, &saved->old_int);
    sigaction(SIGTERM, &stop, &saved->old_term);
}

void hr_jobs_release_signals(const hr_jobs_signals *saved)
{
    sigaction(SIGINT, &saved->old_int, NULL);
    sigaction(SIGTERM, &saved->old_term, NULL);
}

int hr_jobs_stop_signal(void)
{
    return atomic_load(&stop_signal);
}

typedef struct work {
    pthread_mutex_t lock;
    pthread_cond_t finished;    /* an item is done */
    pthread_cond_t collected;   /* the collector moved on */
    hr_job *items;
    size_t n_items;
    size_t next;        /* next item to start */
    size_t written;     /* items the collector is done with */
    size_t ahead;       /* how far past `written` workers may start */
    bool stop;          /* a run failed: start no more */
    const hr_jobs_options *o;
    struct timespec started;
    double simulated_s; /* of every run together */
} work;

static void *worker(void *arg)
{
    work *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        /* Results wait in memory until handed back in order: do not run
         * far ahead of the collector (one slow run would let the others
         * pile up whole time series). */
        while (!w->stop && w->next < w->n_items && w->next >= w->written + w->ahead)
            pthread_cond_wait(&w->collected, &w->lock);
        if (atomic_load(&stop_signal) && !w->stop) {
            /* start nothing more, and wake the collector: it may be
             * waiting for an item no worker will start now */
            w->stop = true;
            pthread_cond_broadcast(&w->finished);
        }
        if (w->stop || w->next >= w->n_items) {
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        hr_job *it = &w->items[w->next++];
        pthread_mutex_unlock(&w->lock);

        it->rc = hr_engine_run(&it->spec, &it->result, &it->err);

        pthread_mutex_lock(&w->lock);
        it->done = true;
        if (it->rc != HR_OK)
            w->stop = true;
        pthread_cond_broadcast(&w->finished);
        pthread_mutex_unlock(&w->lock);
    }
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

/* The progress line: runs done, simulated time reached over all runs,
 * events per second and an estimate of the time left. Called with w->lock
 * held (it reads the items' done flags). */
static void show_progress(work *w, bool last)
{
    if (!w->o->show_progress)
        return;
    size_t done = 0;
    double simulated = 0, events = 0;
    for (size_t i = 0; i < w->n_items; i++) {
        const hr_job *it = &w->items[i];
        done += it->done;
        simulated += 1e-3 * (double)atomic_load_explicit(&it->progress.simulated_ms, memory_order_relaxed);
        events += (double)atomic_load_explicit(&it->progress.events, memory_order_relaxed);
    }
    double wall = seconds_since(&w->started), share = w->simulated_s > 0 ? simulated / w->simulated_s : 0;
    char sim[32], eta[32] = "?";
    hr_duration_format(simulated, sim, sizeof sim);
    if (share > 0.01 && !last)
        hr_duration_format(nearbyint(wall * (1 - share) / share), eta, sizeof eta);
    fprintf(stderr, "\r\033[K[%zu/%zu %s] %s simulated, %.3g events/s, %s",
            done, w->n_items, w->o->unit ? w->o->unit : "runs", sim, wall > 0 ? events / wall : 0.0,
            last ? "done\n" : "");
    if (!last)
        fprintf(stderr, "ETA %s", eta);
    fflush(stderr);
}

/* Hand every item back in order as it completes. Returns the number handed
 * back. */
static size_t collect(work *w)
{
    const hr_jobs_options *o = w->o;
    bool timed = o->show_progress || o->idle;
    size_t i = 0;
    for (; i < w->n_items; i++) {
        hr_job *it = &w->items[i];
        pthread_mutex_lock(&w->lock);
        struct timespec redrawn;
        clock_gettime(CLOCK_MONOTONIC, &redrawn);
        while (!it->done && !(w->stop && i >= w->next)) {
            if (!timed) {
                pthread_cond_wait(&w->finished, &w->lock);
                continue;
            }
            /* wake every 20 ms for the idle work, redraw the progress line
             * twice a second */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += o->idle ? 20000000L : 500000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&w->finished, &w->lock, &until);
            if (o->idle) {
                pthread_mutex_unlock(&w->lock);
                o->idle(o->ctx);
                pthread_mutex_lock(&w->lock);
            }
            if (seconds_since(&redrawn) >= 0.45) {
                show_progress(w, false);
                clock_gettime(CLOCK_MONOTONIC, &redrawn);
            }
        }
        bool done = it->done;
        pthread_mutex_unlock(&w->lock);
        if (!done || it->rc == HR_ECANCELED)
            break; /* never started (an earlier run failed, or a signal came), or abandoned */
        bool stop = o->consume(o->ctx, it) != 0;
        hr_run_result_free(&it->result);
        pthread_mutex_lock(&w->lock);
        w->written = i + 1;
        if (stop)
            w->stop = true;
        pthread_cond_broadcast(&w->collected);
        pthread_mutex_unlock(&w->lock);
    }
    pthread_mutex_lock(&w->lock);
    show_progress(w, true);
    w->stop = true; /* release workers waiting to run ahead */
    pthread_cond_broadcast(&w->collected);
    pthread_mutex_unlock(&w->lock);
    return i;
}

size_t hr_jobs_run(hr_job *jobs, size_t n, const hr_jobs_options *o)
{
    if (n == 0)
        return 0;
    work w = {.items = jobs, .n_items = n, .o = o};
    for (size_t i = 0; i < n; i++) {
        jobs[i].spec.progress = &jobs[i].progress;
        jobs[i].spec.cancel = &stop_signal;
        w.simulated_s += jobs[i].spec.scenario->duration_s;
    }
    clock_gettime(CLOCK_MONOTONIC, &w.started);
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.finished, NULL);
    pthread_cond_init(&w.collected, NULL);
    int threads = o->threads < 1 ? 1 : o->threads;
    if ((size_t)threads > n)
        threads = (int)n;
    w.ahead = 2 * (size_t)threads;
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int started = 0;
    for (; tid && started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, &w) != 0)
            break;
    size_t handed = started == 0 ? (size_t)-1 : collect(&w);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    free(tid);
    /* results of runs finished but not handed back (after a failure or a
     * signal) */
    for (size_t i = 0; i < n; i++)
        hr_run_result_free(&jobs[i].result);
    pthread_cond_destroy(&w.finished);
    pthread_cond_destroy(&w.collected);
    pthread_mutex_destroy(&w.lock);
    return handed;
}
