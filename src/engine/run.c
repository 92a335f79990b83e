/* run.c - one run in request mode: every request is simulated.
 *
 * The run owns an event queue, the replication's random streams, the
 * traffic rate function, the fleet of instances and the policy with its
 * controller. Everything hangs off one `sim`; nothing is global.
 *
 * Flow of a request: an arrival (thinning from lambda(t)) draws its class and
 * service demand from the service stream, so every policy sees the same
 * requests; the load balancer picks a routable instance; the instance starts
 * it on a free worker, queues it (FIFO, bounded by queue_limit) or rejects
 * it. Service time = demand / speed, speed ramping during warm-up and fixed
 * at the start of service. A request that would finish after its deadline
 * (arrival + timeout) frees its worker at the deadline as a timeout; queued
 * requests past their deadline leave the queue as timeouts. Because the
 * queue is FIFO and the timeout is the same for every request, the expired
 * requests are always a prefix of the queue: they are removed lazily, before
 * the queue is read (no timer event per request), and counted at that time.
 *
 * Instances: PENDING (boot) -> WARMING (speed ramp) -> IN_SERVICE ->
 * DRAINING -> TERMINATED, or FAILED at a crash (in-flight work fails; the
 * load balancer keeps routing to it, and those requests fail, until health
 * checks detect it `detect` later; it is then terminated and replaced).
 *
 * A warm pool (fleet.warm_pool) keeps instances in a list of its own,
 * outside the group: not capacity, not routable, in no gauge, billed at the
 * pool's rate. Launched into the pool they boot (POOL_INIT) and then wait
 * (POOL_READY, stopped or running); a scale-out takes them before it
 * launches, and they start in `start` instead of booting. See "warm pool"
 * below.
 *
 * Each tick (k * tick) closes, as due, a time-series row, a metrics period
 * (its datapoint is published `delay` later, when the policy is asked) and
 * an SLO window.
 */
#include "headroom/engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "headroom/controller.h"
#include "headroom/cost.h"
#include "headroom/duration.h"
#include "headroom/fluid.h"
#include "headroom/histogram.h"
#include "headroom/lb.h"
#include "headroom/metrics.h"
#include "headroom/policy.h"
#include "headroom/pool.h"
#include "headroom/queue.h"
#include "headroom/queueing.h"
#include "headroom/rng.h"
#include "headroom/schedule.h"
#include "headroom/traffic.h"

#include "foresight.h"

enum event_type {
    EV_ARRIVAL,
    EV_COMPLETE,
    EV_BOOTED,
    EV_WARMED,
    EV_COUNTED,
    EV_CRASH,
    EV_DETECTED,
    EV_DRAIN_DEADLINE,
    EV_TICK,
    EV_PUBLISH,
    EV_SYNC,
    EV_SPOT_NOTICE,
    EV_ZONE_DOWN,
    EV_ZONE_UP,
    EV_RETRY_LAUNCH,
    EV_POOL_READY,  /* a pool instance's boot is done: it stops (or keeps running) in the pool */
    EV_SCHEDULE     /* a scheduled action's occurrence (arg: its index in sim.sched.events) */
};

/* Where an instance is with respect to the warm pool. */
enum pool_phase {
    POOL_NONE = 0,  /* in the group (alive[]) */
    POOL_INIT,      /* in the pool, booting (billed at the full price) */
    POOL_READY      /* in the pool, initialized, stopped/hibernated or running */
};

/* Start draws of pool instances come from the boot stream at indices with
 * the top bit set (launch ordinals, the boot draws' indices, never reach
 * it): the k-th start of a run draws alike under every policy. */
#define POOL_START_KEY (UINT64_C(1) << 63)

enum error_kind { ERR_REJECTED, ERR_TIMED_OUT, ERR_FAILED };

/* Fluid mode: the quantile points of latencies, and how many a queue's
 * requests of a tick take at most per stream; a backlog under
 * FLUID_EMPTY requests is none (a draining instance is done). */
#define FLUID_POINTS 1024
#define FLUID_SAMPLES 64
#define FLUID_EMPTY 0.5

typedef struct instance instance;

typedef struct request {
    struct request *next; /* queue link */
    instance *inst;
    double arrival_s;
    double demand_s;
    hr_event *done;       /* completion, while in service */
    uint32_t slot;
    uint32_t tenant;      /* 0 the base stream, k + 1 tenant k */
    bool times_out;       /* its completion is a timeout */
} request;

struct instance {
    uint64_t ordinal;     /* launch number: keys its boot and failure draws */
    hr_instance_state state;
    double launched_s, state_since_s, ready_s;
    int busy, queued;
    request *qhead, *qtail;
    request **slots;      /* concurrency workers; NULL = free */
    uint32_t *free_slots;
    int n_free;
    hr_event *ev_state;   /* boot, warm-up end or drain deadline */
    hr_event *ev_crash;
    hr_event *ev_counted;
    hr_event *ev_spot;    /* the spot interruption notice */
    hr_purchase option;
    double option_since_s; /* billed under `option` since */
    int zone;
    enum pool_phase pool; /* POOL_NONE: in the group */
    size_t pool_index;    /* in sim.pool while in the pool */
    bool initialized;     /* has booted once (or was there at t = 0) */
    bool from_pool;       /* entered the group from the warm pool */
    bool to_pool;         /* leaving the group at a scale-in, back to the pool */
    bool serving;         /* in the fleet gauge (WARMING or IN_SERVICE) */
    bool counted;         /* in the policy's gauge */
    size_t alive_index;
    size_t lb_index;      /* SIZE_MAX when not routable */
    double fluid_backlog; /* fluid mode: requests waiting behind a backlog */
    double fluid_inflight; /* fluid mode: its requests in flight at the last tick */
};

typedef struct publication {
    double start_s, end_s;
    double published_s;
    bool has;
    int counted;  /* mean number of counted instances over the period */
    int serving;  /* mean number of serving instances over the period */
    double metric[HR_METRIC_COUNT]; /* per counted instance */
    double total[HR_METRIC_COUNT];  /* the whole serving fleet */
} publication;

/* Counters and latencies over one interval (row, period or window). The
 * period counts only arrivals at instances the policy counts (its
 * request_rate); the window does not use arrivals. */
typedef struct interval {
    uint64_t arrivals, completed, errors;
    hr_histogram *latency;
} interval;

/* What a tenant's requests met, and its SLO windows. */
typedef struct tenant_stats {
    uint64_t requests, completed, errors;
    hr_histogram *latency;        /* the whole run */
    hr_histogram *window_latency; /* the current SLO window */
    uint64_t window_completed, window_errors;
    int windows, windows_violated;
    double violation_minutes;
    double demand_s;              /* service demand of its requests that started */
} tenant_stats;

/* Fluid mode's state (see "fluid mode" below). */
enum fluid_count { FC_ARRIVED, FC_SERVED, FC_WAITED, FC_REJECTED, FC_EXPIRED, FC_FAILED, FC_KINDS };

typedef struct fluid_group {
    hr_fluid_flow flow;
    double lambda_rps, speed, backlog0; /* its key (with the workers): stations
                                           alike flow alike */
    int workers;
    double served;                      /* its stations' requests served */
} fluid_group;

typedef struct fluid_state {
    size_t n_streams;         /* the base stream and each tenant's */
    double *stream_mean_s;    /* E[S] of each stream's requests */
    double *stream_m2;        /* E[S^2] */
    double *service_s;        /* n_streams x FLUID_POINTS: service times at full speed */
    double *wait_e;           /* FLUID_POINTS: -ln(1 - u) of the wait's quantile points */
    size_t *cursor;           /* per stream: the next point */
    double *rates, *scratch;  /* per stream, the tick's mean rates */
    double *carry;            /* n_streams x FC_KINDS: fractions of requests not yet counted */
    double carry_counted;     /* arrivals at counted instances, the period's */
    double service_scv;       /* cs^2 of the workload's service time (for the noise) */
    fluid_group *groups;
    size_t n_groups, cap_groups;
    double jsq_backlog;       /* least outstanding / two choices: one pooled backlog */
    double noise, work;       /* the stretch's sampling noise: of the counts, of the work */
    double last_s;            /* the flow is advanced to here */
    uint64_t rates_tick;      /* rates hold tick rates_tick - 1's (0: none yet) */
} fluid_state;

typedef struct sim {
    const hr_scenario *sc;
    hr_run_progress *progress;  /* optional */
    const _Atomic int *cancel;  /* optional: stop at the next tick */
    double mean_service_s;      /* the workload's, classes weighted by share (for demand) */
    const hr_fleet_config *fleet;
    const hr_workload_config *wl;
    hr_run_result *out;
    hr_error *err;
    int status;             /* first failure inside an event handler */

    hr_queue q;
    hr_rng rng;
    hr_traffic traffic;
    hr_lb lb;
    hr_pool requests;
    hr_policy *policy;
    hr_controller ctl;
    bool has_ctl;
    hr_schedule sched;      /* the policy's scheduled actions, when it has any */
    int initial;            /* the capacity at t = 0 */

    double now, end_s;
    double *class_cdf;

    /* arrivals by thinning, segment by segment */
    double seg_t0, seg_t1, seg_len, seg_bound;

    /* the fleet */
    instance **alive;
    size_t n_alive, cap_alive;
    instance **routable;
    int *outstanding;       /* parallel to routable: queued + busy */
    size_t n_routable, cap_routable;
    int count[HR_INSTANCE_STATE_COUNT];
    int n_option[HR_PURCHASE_COUNT]; /* instances not terminated, by purchase option */
    int *zone_alive;        /* instances not terminated, by zone */
    int *zone_down;         /* outages in force, by zone */
    instance **pool;        /* the warm pool (fleet.warm_pool), apart from alive */
    size_t n_pool, cap_pool;
    int n_pool_init;        /* of them, still booting */
    int n_returning;        /* group instances draining back into the pool */
    uint64_t pool_starts;   /* starts from the pool: keys their start draws */
    uint64_t attempts;      /* launch attempts: keys the launch-failure draws */
    bool retry_pending;     /* an EV_RETRY_LAUNCH is scheduled */
    int desired;
    uint64_t launches;
    double metric_warmup_s;
    const hr_policy_input *inputs;
    size_t n_inputs;
    double sync_s;          /* > 0: the policy is evaluated every sync_s */
    bool has_foresight;     /* the oracle: it reads the true future load */
    hr_foresight foresight;
    int *future;            /* its observation's future_need */
    size_t n_future;

    hr_gauge fleet_gauge;   /* serving instances: the time series */
    hr_gauge policy_gauge;  /* counted instances: the policy's datapoints */
    hr_gauge period_fleet;  /* the fleet gauge's areas of the period not yet in
                               fleet_gauge (rows and periods close independently) */
    uint64_t period_offered; /* every arrival of the period */

    interval row, period, window;
    hr_histogram *all_latency;
    tenant_stats *tenants;  /* one per scenario tenant */
    size_t n_tenants;
    double demand_s;        /* service demand of every request that started */
    uint64_t started, waited;
    double wait_sum_s;
    double cost;

    long ticks_per_row, ticks_per_period, ticks_per_window;
    double row_start_s, window_start_s, period_start_s;

    publication *pubs;      /* ring of datapoints awaiting publication */
    size_t n_pubs;
    publication latest, previous; /* the two newest published, for sync policies */

    bool fluid;             /* fidelity: fluid (or auto chose it) */
    fluid_state fl;
} sim;

/* ---- small helpers ----------------------------------------------------- */

static void fail(sim *s, int code, const char *what)
{
    if (s->status == HR_OK)
        s->status = hr_error_set(s->err, code, "%s", what);
}

static hr_event *schedule(sim *s, double t, int type, void *obj, uint64_t arg)
{
    hr_event *ev = hr_queue_push(&s->q, t, type, obj, arg);
    if (!ev)
        fail(s, HR_ENOMEM, "out of memory for simulation events");
    return ev;
}

static void cancel(sim *s, hr_event **ev)
{
    if (*ev) {
        hr_queue_cancel(&s->q, *ev);
        *ev = NULL;
    }
}

/* n requests of stream `tenant` were errors of this kind (fluid mode
 * counts many at once). */
static void count_errors(sim *s, enum error_kind kind, uint32_t tenant, uint64_t n)
{
    if (n == 0)
        return;
    hr_summary *sum = &s->out->summary;
    if (tenant > 0) {
        s->tenants[tenant - 1].errors += n;
        s->tenants[tenant - 1].window_errors += n;
    }
    if (kind == ERR_TIMED_OUT) {
        /* a timed-out request was slower than the timeout: it counts in
         * every latency figure as censored there (a latency SLO below the
         * timeout is broken by it, not left unjudged) */
        double at = s->wl->timeout_s;
        hr_histogram_add_n(s->all_latency, at, n);
        hr_histogram_add_n(s->row.latency, at, n);
        hr_histogram_add_n(s->period.latency, at, n);
        hr_histogram_add_n(s->window.latency, at, n);
        if (tenant > 0) {
            hr_histogram_add_n(s->tenants[tenant - 1].latency, at, n);
            hr_histogram_add_n(s->tenants[tenant - 1].window_latency, at, n);
        }
    }
    sum->errors += n;
    if (kind == ERR_REJECTED)
        sum->rejected += n;
    else if (kind == ERR_TIMED_OUT)
        sum->timed_out += n;
    else
        sum->failed += n;
    s->row.errors += n;
    s->period.errors += n;
    s->window.errors += n;
}

static void count_error(sim *s, enum error_kind kind, uint32_t tenant)
{
    count_errors(s, kind, tenant, 1);
}

/* n requests of stream `tenant` completed in latency_s. */
static void count_completions(sim *s, double latency_s, uint32_t tenant, uint64_t n)
{
    if (n == 0)
        return;
    /* one bucket for the four (or six) histograms the latency goes into */
    size_t bucket = hr_histogram_bucket(&latency_s);
    if (tenant > 0) {
        tenant_stats *ts = &s->tenants[tenant - 1];
        ts->completed += n;
        ts->window_completed += n;
        hr_histogram_add_at(ts->latency, bucket, latency_s, n);
        hr_histogram_add_at(ts->window_latency, bucket, latency_s, n);
    }
    s->out->summary.completed += n;
    s->row.completed += n;
    s->period.completed += n;
    s->window.completed += n;
    hr_histogram_add_at(s->all_latency, bucket, latency_s, n);
    hr_histogram_add_at(s->row.latency, bucket, latency_s, n);
    hr_histogram_add_at(s->period.latency, bucket, latency_s, n);
    hr_histogram_add_at(s->window.latency, bucket, latency_s, n);
}

static void count_completion(sim *s, double latency_s, uint32_t tenant)
{
    count_completions(s, latency_s, tenant, 1);
}

/* Apply a change of busy workers / queued requests of inst to the gauges it
 * belongs to and to the load balancer's view. */
static void inst_levels(sim *s, instance *inst, int dbusy, int dqueued)
{
    if (inst->serving) {
        hr_gauge_advance(&s->fleet_gauge, s->now);
        s->fleet_gauge.busy += dbusy;
        s->fleet_gauge.queued += dqueued;
    }
    if (inst->counted) {
        hr_gauge_advance(&s->policy_gauge, s->now);
        s->policy_gauge.busy += dbusy;
        s->policy_gauge.queued += dqueued;
    }
    inst->busy += dbusy;
    inst->queued += dqueued;
    if (inst->lb_index != SIZE_MAX)
        s->outstanding[inst->lb_index] = inst->busy + inst->queued;
}

/* Add (sign +1) or remove (-1) inst from a gauge. */
static void gauge_member(sim *s, hr_gauge *g, const instance *inst, int sign)
{
    hr_gauge_advance(g, s->now);
    g->instances += sign;
    g->workers += sign * s->fleet->concurrency;
    g->busy += sign * inst->busy;
    g->queued += sign * inst->queued;
}

static void fluid_advance(sim *s);

static void set_serving(sim *s, instance *inst, bool on)
{
    if (inst->serving != on) {
        fluid_advance(s);
        gauge_member(s, &s->fleet_gauge, inst, on ? 1 : -1);
        inst->serving = on;
    }
}

static void set_counted(sim *s, instance *inst, bool on)
{
    if (inst->counted != on) {
        fluid_advance(s);
        gauge_member(s, &s->policy_gauge, inst, on ? 1 : -1);
        inst->counted = on;
    }
}

static void set_state(sim *s, instance *inst, hr_instance_state st)
{
    hr_summary *sum = &s->out->summary;
    sum->instance_hours_by_state[inst->state] += (s->now - inst->state_since_s) / 3600.0;
    s->count[inst->state]--;
    s->count[st]++;
    inst->state = st;
    inst->state_since_s = s->now;
}

static int ensure_cap(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return HR_OK;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return HR_ENOMEM;
    *arr = p;
    *cap = ncap;
    return HR_OK;
}

/* ---- routing set ------------------------------------------------------- */

static int lb_add(sim *s, instance *inst)
{
    fluid_advance(s);
    size_t cap = s->cap_routable;
    if (ensure_cap((void **)&s->routable, &cap, s->n_routable + 1, sizeof *s->routable) ||
        ensure_cap((void **)&s->outstanding, &s->cap_routable, s->n_routable + 1,
                   sizeof *s->outstanding)) {
        fail(s, HR_ENOMEM, "out of memory for the load balancer");
        return HR_ENOMEM;
    }
    inst->lb_index = s->n_routable;
    s->routable[s->n_routable] = inst;
    s->outstanding[s->n_routable] = inst->busy + inst->queued;
    s->n_routable++;
    return HR_OK;
}

static void lb_remove(sim *s, instance *inst)
{
    size_t i = inst->lb_index;
    if (i == SIZE_MAX)
        return;
    fluid_advance(s);
    /* its share of a pooled backlog leaves with it (to be worked off) */
    s->fl.jsq_backlog = fmax(0.0, s->fl.jsq_backlog - inst->fluid_backlog);
    size_t last = --s->n_routable;
    s->routable[i] = s->routable[last];
    s->outstanding[i] = s->outstanding[last];
    s->routable[i]->lb_index = i;
    inst->lb_index = SIZE_MAX;
}

/* ---- requests on an instance ------------------------------------------- */

/* inst's service speed at time t (warming instances ramp up). */
static double speed_at(const sim *s, const instance *inst, double t)
{
    if (inst->state != HR_INSTANCE_WARMING || s->fleet->warmup_s <= 0)
        return 1.0;
    double f = fmax(0.0, (t - inst->ready_s) / s->fleet->warmup_s);
    double v0 = s->fleet->warmup_initial_speed;
    return f >= 1.0 ? 1.0 : v0 + (1.0 - v0) * f;
}

static void start_service(sim *s, instance *inst, request *req)
{
    double wait_s = s->now - req->arrival_s;
    s->started++;
    s->demand_s += req->demand_s;
    if (req->tenant > 0)
        s->tenants[req->tenant - 1].demand_s += req->demand_s;
    if (wait_s > 0) {
        s->waited++;
        s->wait_sum_s += wait_s;
    }
    double end_s = s->now + req->demand_s / speed_at(s, inst, s->now);
    double deadline_s = req->arrival_s + s->wl->timeout_s;
    req->times_out = s->wl->timeout_s > 0 && end_s > deadline_s;
    if (req->times_out)
        end_s = deadline_s;
    req->slot = inst->free_slots[--inst->n_free];
    inst->slots[req->slot] = req;
    req->done = schedule(s, end_s, EV_COMPLETE, req, 0);
    inst_levels(s, inst, +1, 0);
}

/* Drop the queued requests whose deadline has passed (a prefix: FIFO and
 * one timeout for all). */
static void purge_expired(sim *s, instance *inst)
{
    if (s->wl->timeout_s <= 0)
        return;
    while (inst->qhead && s->now - inst->qhead->arrival_s >= s->wl->timeout_s) {
        request *req = inst->qhead;
        inst->qhead = req->next;
        if (!inst->qhead)
            inst->qtail = NULL;
        inst_levels(s, inst, 0, -1);
        count_error(s, ERR_TIMED_OUT, req->tenant);
        hr_pool_release(&s->requests, req);
    }
}

static void start_next(sim *s, instance *inst)
{
    purge_expired(s, inst);
    while (inst->qhead && inst->n_free > 0) {
        request *req = inst->qhead;
        inst->qhead = req->next;
        if (!inst->qhead)
            inst->qtail = NULL;
        inst_levels(s, inst, 0, -1);
        start_service(s, inst, req);
    }
}

static void accept_request(sim *s, instance *inst, request *req)
{
    req->inst = inst;
    purge_expired(s, inst);
    if (inst->n_free > 0) {
        start_service(s, inst, req);
        return;
    }
    if (s->wl->queue_limit >= 0 && inst->queued >= s->wl->queue_limit) {
        count_error(s, ERR_REJECTED, req->tenant);
        hr_pool_release(&s->requests, req);
        return;
    }
    req->next = NULL;
    if (inst->qtail)
        inst->qtail->next = req;
    else
        inst->qhead = req;
    inst->qtail = req;
    inst_levels(s, inst, 0, +1);
}

static void fluid_fail(sim *s, instance *inst);

/* Every request on inst fails (crash, or drain deadline). */
static void fail_in_flight(sim *s, instance *inst)
{
    fluid_advance(s);
    for (int k = 0; k < s->fleet->concurrency; k++) {
        request *req = inst->slots[k];
        if (!req)
            continue;
        cancel(s, &req->done);
        inst->slots[k] = NULL;
        inst->free_slots[inst->n_free++] = (uint32_t)k;
        inst_levels(s, inst, -1, 0);
        count_error(s, ERR_FAILED, req->tenant);
        hr_pool_release(&s->requests, req);
    }
    while (inst->qhead) {
        request *req = inst->qhead;
        inst->qhead = req->next;
        inst_levels(s, inst, 0, -1);
        count_error(s, ERR_FAILED, req->tenant);
        hr_pool_release(&s->requests, req);
    }
    inst->qtail = NULL;
    if (s->fluid)
        fluid_fail(s, inst);
}

/* ---- the decision log -------------------------------------------------- */

/* A new record at the end of the decision log, zeroed (padding too) at the
 * current time with no metric and an empty reason; NULL when memory runs
 * out (the run fails). */
static hr_decision_record *log_record(sim *s)
{
    hr_run_result *out = s->out;
    if (ensure_cap((void **)&out->decisions, &out->cap_decisions, out->n_decisions + 1,
                   sizeof *out->decisions)) {
        fail(s, HR_ENOMEM, "out of memory for the decision log");
        return NULL;
    }
    hr_decision_record *rec = &out->decisions[out->n_decisions++];
    memset(rec, 0, sizeof *rec);
    rec->time_s = s->now;
    rec->metric = NAN;
    rec->reason = "";
    return rec;
}

/* Keep text as rec's reason: the result stores each distinct reason once
 * (a long run repeats the same few hundred), and rec points at that copy. */
static void log_reason(sim *s, hr_decision_record *rec, const char *text)
{
    const char *kept = hr_intern_add(&s->out->reasons, text);
    if (kept == NULL) {
        rec->reason = "";
        fail(s, HR_ENOMEM, "out of memory for the decision log's reasons");
        return;
    }
    rec->reason = kept;
}

/* A line in the decision log for a fault: the capacity as it stands, no
 * proposal, and what happened. */
static void log_fault(sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_fault(sim *s, const char *fmt, ...)
{
    hr_decision_record *rec = log_record(s);
    if (rec == NULL)
        return;
    rec->current = rec->proposed = rec->desired = s->desired;
    char text[HR_DECISION_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    log_reason(s, rec, text);
}

/* ---- instance lifecycle ------------------------------------------------ */

static void schedule_crash(sim *s, instance *inst)
{
    if (s->fleet->mtbf_s <= 0)
        return;
    double u = hr_rng_uniform_at(&s->rng, HR_STREAM_FAILURES, inst->ordinal);
    inst->ev_crash = schedule(s, s->now - s->fleet->mtbf_s * log(u), EV_CRASH, inst, 0);
}

/* The instance starts taking traffic (boot done, or present at t = 0).
 * Like an AWS instance warm-up, the policy's warm-up counts from here (the
 * group's InService); instances present at the start are warm already. */
static void become_ready(sim *s, instance *inst, hr_instance_state st, bool at_start)
{
    set_state(s, inst, st);
    inst->ready_s = s->now;
    if (st == HR_INSTANCE_WARMING)
        inst->ev_state = schedule(s, s->now + s->fleet->warmup_s, EV_WARMED, inst, 0);
    set_serving(s, inst, true);
    lb_add(s, inst);
    double counted_at = s->now + s->metric_warmup_s;
    if (at_start || counted_at <= s->now)
        set_counted(s, inst, true);
    else
        inst->ev_counted = schedule(s, counted_at, EV_COUNTED, inst, 0);
    schedule_crash(s, inst);
}

/* The available zone with the fewest instances (the lowest on a tie), or
 * -1 when every zone is down. */
static int choose_zone(const sim *s)
{
    int best = -1;
    for (int z = 0; z < s->fleet->zones; z++)
        if (!s->zone_down[z] && (best < 0 || s->zone_alive[z] < s->zone_alive[best]))
            best = z;
    return best;
}

/* Bill inst's time under its current option up to now. */
static void bill(sim *s, instance *inst)
{
    hr_summary *sum = &s->out->summary;
    double life_s = s->now - inst->option_since_s;
    double cost = 0;
    if (inst->option == HR_PURCHASE_ON_DEMAND)
        cost = hr_cost_instance(s->fleet, life_s);
    else if (inst->option == HR_PURCHASE_SPOT)
        cost = hr_cost_instance(s->fleet, life_s) * (1.0 - s->fleet->spot_discount);
    /* reserved: paid by the commitment (finish) */
    s->cost += cost;
    sum->cost_by_option[inst->option] += cost;
    sum->instance_hours_by_option[inst->option] += life_s / 3600.0;
    inst->option_since_s = s->now;
}

/* How launch number `ordinal` is paid for: on the reservation while fewer
 * than fleet.reserved.count instances use it; otherwise spot for the
 * spot share of the rest (the spot count is kept at the share of the
 * instances not reserved, rounded), unless spot capacity is refused; else
 * on demand. */
static hr_purchase choose_option(sim *s, uint64_t ordinal)
{
    const hr_fleet_config *f = s->fleet;
    if (s->n_option[HR_PURCHASE_RESERVED] < f->reserved_count)
        return HR_PURCHASE_RESERVED;
    if (f->spot_share <= 0)
        return HR_PURCHASE_ON_DEMAND;
    int rest = s->n_option[HR_PURCHASE_ON_DEMAND] + s->n_option[HR_PURCHASE_SPOT] + 1;
    if (s->n_option[HR_PURCHASE_SPOT] + 1 > (int)floor(f->spot_share * rest + 0.5))
        return HR_PURCHASE_ON_DEMAND;
    if (f->spot_unavailable > 0 &&
        hr_rng_uniform_at(&s->rng, HR_STREAM_SPOT, 2 * ordinal + 1) < f->spot_unavailable) {
        s->out->summary.spot_unavailable++;
        return HR_PURCHASE_ON_DEMAND;
    }
    return HR_PURCHASE_SPOT;
}

/* A spot instance's interruption: exponential at the fleet's rate, keyed
 * by launch number (every policy's launch k is reclaimed alike); its
 * notice comes spot_notice_s before, or at once. */
static void schedule_spot_notice(sim *s, instance *inst)
{
    double rate_per_s = s->fleet->spot_interruptions_per_hour / 3600.0;
    if (inst->option != HR_PURCHASE_SPOT || !(rate_per_s > 0))
        return;
    double u = hr_rng_uniform_at(&s->rng, HR_STREAM_SPOT, 2 * inst->ordinal);
    double at = s->now - log(u) / rate_per_s - s->fleet->spot_notice_s;
    inst->ev_spot = schedule(s, at > s->now ? at : s->now, EV_SPOT_NOTICE, inst, 0);
}

static void free_instance(instance *inst)
{
    free(inst->slots);
    free(inst->free_slots);
    free(inst);
}

/* A new instance, launched now, with every worker free, in no list yet;
 * NULL when out of memory (the run fails). */
static instance *new_instance(sim *s)
{
    instance *inst = calloc(1, sizeof *inst);
    if (inst) {
        inst->slots = calloc((size_t)s->fleet->concurrency, sizeof *inst->slots);
        inst->free_slots = malloc((size_t)s->fleet->concurrency * sizeof *inst->free_slots);
    }
    if (!inst || !inst->slots || !inst->free_slots) {
        if (inst)
            free_instance(inst);
        fail(s, HR_ENOMEM, "out of memory for instances");
        return NULL;
    }
    /* workers are taken from the top of the free stack: lowest slot first */
    for (int k = 0; k < s->fleet->concurrency; k++)
        inst->free_slots[k] = (uint32_t)(s->fleet->concurrency - 1 - k);
    inst->n_free = s->fleet->concurrency;
    inst->ordinal = s->launches++;
    inst->state = HR_INSTANCE_PENDING;
    inst->launched_s = inst->state_since_s = inst->option_since_s = s->now;
    inst->lb_index = SIZE_MAX;
    s->out->summary.launches++;
    return inst;
}

/* Launch number inst->ordinal's boot time: a draw of fleet.boot, stretched
 * for a slow boot. */
static double boot_delay(sim *s, const instance *inst)
{
    double u = hr_rng_uniform_at(&s->rng, HR_STREAM_BOOT, inst->ordinal);
    double boot_s = hr_dist_quantile(&s->fleet->boot, u);
    if (s->fleet->slow_boot_share > 0 &&
        hr_rng_uniform_at(&s->rng, HR_STREAM_FAULTS, 2 * inst->ordinal) < s->fleet->slow_boot_share)
        boot_s *= s->fleet->slow_boot_factor;
    return boot_s;
}

/* Put inst (PENDING, its option chosen) into the group's list. */
static void join_group(sim *s, instance *inst)
{
    s->n_option[inst->option]++;
    inst->alive_index = s->n_alive;
    s->alive[s->n_alive++] = inst;
    s->count[HR_INSTANCE_PENDING]++;
    int alive = (int)s->n_alive;
    if (alive > s->out->summary.peak_instances)
        s->out->summary.peak_instances = alive;
}

static instance *launch(sim *s, bool at_start)
{
    if (ensure_cap((void **)&s->alive, &s->cap_alive, s->n_alive + 1, sizeof *s->alive)) {
        fail(s, HR_ENOMEM, "out of memory for instances");
        return NULL;
    }
    instance *inst = new_instance(s);
    if (!inst)
        return NULL;
    inst->option = choose_option(s, inst->ordinal);
    inst->zone = choose_zone(s);
    s->zone_alive[inst->zone]++;
    join_group(s, inst);

    schedule_spot_notice(s, inst);
    if (at_start) {
        inst->initialized = true;
        become_ready(s, inst, HR_INSTANCE_IN_SERVICE, true);
        return inst;
    }
    inst->ev_state = schedule(s, s->now + boot_delay(s, inst), EV_BOOTED, inst, 0);
    return inst;
}

/* A reservation freed: the oldest instance on demand moves onto it, as a
 * reservation's discount applies to whatever matching instance runs. */
static void reassign_reservation(sim *s)
{
    instance *oldest = NULL;
    for (size_t i = 0; i < s->n_alive; i++) {
        instance *x = s->alive[i];
        if (x->option == HR_PURCHASE_ON_DEMAND && (!oldest || x->ordinal < oldest->ordinal))
            oldest = x;
    }
    if (!oldest)
        return;
    bill(s, oldest);
    s->n_option[HR_PURCHASE_ON_DEMAND]--;
    s->n_option[HR_PURCHASE_RESERVED]++;
    oldest->option = HR_PURCHASE_RESERVED;
}

/* inst leaves the group (terminated, or back into the warm pool): out of
 * rotation and every gauge, its group time billed, out of alive[]. Returns
 * whether it freed a reservation (the caller reassigns it once inst is
 * settled). */
static bool leave_group(sim *s, instance *inst)
{
    cancel(s, &inst->ev_state);
    cancel(s, &inst->ev_crash);
    cancel(s, &inst->ev_counted);
    cancel(s, &inst->ev_spot);
    set_serving(s, inst, false);
    set_counted(s, inst, false);
    lb_remove(s, inst);
    set_state(s, inst, HR_INSTANCE_TERMINATED);
    s->count[HR_INSTANCE_TERMINATED]--; /* terminated instances are not kept */
    bill(s, inst);
    s->n_option[inst->option]--;
    if (inst->to_pool) {
        inst->to_pool = false;
        s->n_returning--;
    }
    size_t i = inst->alive_index, last = --s->n_alive;
    s->alive[i] = s->alive[last];
    s->alive[i]->alive_index = i;
    return inst->option == HR_PURCHASE_RESERVED;
}

static void terminate(sim *s, instance *inst)
{
    s->zone_alive[inst->zone]--;
    bool freed_reservation = leave_group(s, inst);
    free_instance(inst);
    if (freed_reservation)
        reassign_reservation(s);
}

/* ---- warm pool ----------------------------------------------------------
 *
 * As AWS EC2 Auto Scaling warm pools (docs/model.md, Warm pool). The pool's
 * size is max(min_size, max_prepared - desired); instances a scale-in is
 * returning count toward it. After every change the pool is brought to its
 * size: new instances launch into it (on demand, never spot) and boot, then
 * wait stopped, hibernated or running; extra ones are terminated (those
 * still booting first, newest first). A scale-out takes ready pool
 * instances first (the oldest), then booting ones, and only then launches;
 * an instance taken from the pool starts in `start` (one still booting
 * enters when its boot ends). With reuse_on_scale_in, a scale-in sends its
 * instances back into the pool while it has room: a serving one once
 * drained, a pending one at once. Pool instances count toward the quota,
 * never crash, and are lost with their zone. */

/* Bill a pool instance's time since option_since_s at the pool's rate:
 * the full price (its billing granularity and minimum) while it boots or
 * runs, stopped_price_per_hour by the second while stopped or hibernated. */
static void bill_pool(sim *s, instance *inst)
{
    const hr_warm_pool_config *w = &s->fleet->warm_pool;
    hr_summary *sum = &s->out->summary;
    double life_s = s->now - inst->option_since_s;
    double cost = inst->pool == POOL_INIT || w->state == HR_POOL_RUNNING
                      ? hr_cost_instance(s->fleet, life_s)
                      : life_s / 3600.0 * w->stopped_price_per_hour;
    s->cost += cost;
    sum->warm_pool_cost += cost;
    sum->warm_pool_hours += life_s / 3600.0;
    inst->option_since_s = s->now;
}

/* The pool's size: max(min_size, max_prepared - desired); 0 without one. */
static int pool_target(const sim *s)
{
    const hr_warm_pool_config *w = &s->fleet->warm_pool;
    if (!w->enabled)
        return 0;
    /* without max_prepared, AWS sizes the pool from the group's maximum as
     * it stands: a scheduled action that moves max moves the pool */
    int max_prepared = w->max_prepared_given ? w->max_prepared : s->ctl.max;
    int t = max_prepared - s->desired;
    return t > w->min_size ? t : w->min_size;
}

/* Put inst (in no list) into the pool in phase ph; one still booting
 * becomes ready at ready_s. Frees it and fails the run when out of memory. */
static void pool_add(sim *s, instance *inst, enum pool_phase ph, double ready_s)
{
    if (ensure_cap((void **)&s->pool, &s->cap_pool, s->n_pool + 1, sizeof *s->pool)) {
        s->zone_alive[inst->zone]--;
        free_instance(inst);
        fail(s, HR_ENOMEM, "out of memory for the warm pool");
        return;
    }
    inst->pool = ph;
    inst->option = HR_PURCHASE_ON_DEMAND;
    inst->option_since_s = s->now;
    inst->from_pool = false;
    inst->pool_index = s->n_pool;
    s->pool[s->n_pool++] = inst;
    if (ph == POOL_INIT) {
        s->n_pool_init++;
        inst->ev_state = schedule(s, ready_s, EV_POOL_READY, inst, 0);
    }
}

/* Take inst out of the pool's list, its pool time billed. */
static void pool_remove(sim *s, instance *inst)
{
    bill_pool(s, inst);
    cancel(s, &inst->ev_state);
    if (inst->pool == POOL_INIT)
        s->n_pool_init--;
    size_t i = inst->pool_index, last = --s->n_pool;
    s->pool[i] = s->pool[last];
    s->pool[i]->pool_index = i;
    inst->pool = POOL_NONE;
}

static void pool_discard(sim *s, instance *inst)
{
    pool_remove(s, inst);
    s->zone_alive[inst->zone]--;
    free_instance(inst);
}

/* Launch one instance into the pool: at t = 0 it is there ready (as the
 * initial fleet is in service), else it boots first. */
static void pool_launch(sim *s, bool at_start)
{
    instance *inst = new_instance(s);
    if (!inst)
        return;
    inst->zone = choose_zone(s);
    s->zone_alive[inst->zone]++;
    if (at_start) {
        inst->initialized = true;
        pool_add(s, inst, POOL_READY, s->now);
    } else {
        pool_add(s, inst, POOL_INIT, s->now + boot_delay(s, inst));
    }
}

/* A pool instance's boot is done: it stops (or keeps running, one billing
 * stretch from its launch) and waits. */
static void on_pool_ready(sim *s, instance *inst)
{
    inst->ev_state = NULL;
    if (s->fleet->warm_pool.state != HR_POOL_RUNNING)
        bill_pool(s, inst); /* the boot, at the full price */
    inst->pool = POOL_READY;
    inst->initialized = true;
    s->n_pool_init--;
}

/* The pool instance a scale-out takes: the oldest ready one, else the one
 * booting that is ready soonest; NULL when the pool is empty. */
static instance *pool_pick(const sim *s)
{
    instance *best = NULL;
    for (size_t i = 0; i < s->n_pool; i++) {
        instance *x = s->pool[i];
        if (!best || (x->pool == POOL_READY && best->pool != POOL_READY))
            best = x;
        else if (x->pool == best->pool &&
                 (x->pool == POOL_READY ? x->ordinal < best->ordinal
                                        : x->ev_state->time_s < best->ev_state->time_s ||
                                              (x->ev_state->time_s == best->ev_state->time_s &&
                                               x->ordinal < best->ordinal)))
            best = x;
    }
    return best;
}

/* A scale-out takes one instance from the pool into the group, PENDING
 * until it has started (a draw of `start`) or, still booting, until its
 * boot ends. On demand, or on a free reservation; never spot. false when
 * the pool is empty. */
static bool pool_take(sim *s)
{
    instance *inst = pool_pick(s);
    if (!inst)
        return false;
    if (ensure_cap((void **)&s->alive, &s->cap_alive, s->n_alive + 1, sizeof *s->alive)) {
        fail(s, HR_ENOMEM, "out of memory for instances");
        return false;
    }
    bool booting = inst->pool == POOL_INIT;
    double ready_s = booting ? inst->ev_state->time_s : s->now;
    pool_remove(s, inst);
    if (!booting) {
        double u = hr_rng_uniform_at(&s->rng, HR_STREAM_BOOT, POOL_START_KEY | s->pool_starts++);
        ready_s = s->now + hr_dist_quantile(&s->fleet->warm_pool.start, u);
    }
    inst->from_pool = true;
    inst->option = s->n_option[HR_PURCHASE_RESERVED] < s->fleet->reserved_count
                       ? HR_PURCHASE_RESERVED
                       : HR_PURCHASE_ON_DEMAND;
    inst->option_since_s = s->now;
    inst->state = HR_INSTANCE_PENDING;
    inst->state_since_s = s->now;
    join_group(s, inst);
    s->out->summary.starts_from_pool++;
    inst->ev_state = schedule(s, ready_s, EV_BOOTED, inst, 0);
    return true;
}

/* A group instance leaves for the pool (drained, or pending at a scale-in):
 * ready when it has booted once, else it goes on booting there. */
static void return_to_pool(sim *s, instance *inst)
{
    bool booting = !inst->initialized;
    double ready_s = booting && inst->ev_state ? inst->ev_state->time_s : s->now;
    bool freed_reservation = leave_group(s, inst);
    s->out->summary.returns_to_pool++;
    pool_add(s, inst, booting ? POOL_INIT : POOL_READY, ready_s);
    if (freed_reservation)
        reassign_reservation(s);
}

/* May a scale-in send inst back to the pool? With reuse_on_scale_in, when
 * it is not spot and the pool has room for it. */
static bool pool_has_room_for(const sim *s, const instance *inst)
{
    return s->fleet->warm_pool.reuse_on_scale_in && inst->option != HR_PURCHASE_SPOT &&
           (int)s->n_pool + s->n_returning < pool_target(s);
}

/* A drained instance (or one a drain gave up on) is done: back into the
 * pool when a scale-in meant it so, else terminated. Callers outside
 * reconcile() then call pool_reconcile() (a termination may free room
 * under the quota). */
static void retire(sim *s, instance *inst)
{
    if (inst->to_pool)
        return_to_pool(s, inst);
    else
        terminate(s, inst);
}

/* Take a serving instance out of rotation; it finishes its work within
 * limit_s (the deregistration delay, or a spot notice). */
static void drain_within(sim *s, instance *inst, double limit_s)
{
    cancel(s, &inst->ev_state);
    cancel(s, &inst->ev_counted);
    set_serving(s, inst, false);
    set_counted(s, inst, false);
    lb_remove(s, inst);
    set_state(s, inst, HR_INSTANCE_DRAINING);
    if (inst->busy == 0 && inst->queued == 0 && !(inst->fluid_backlog >= FLUID_EMPTY)) {
        retire(s, inst);
    } else if (limit_s <= 0) {
        fail_in_flight(s, inst);
        retire(s, inst);
    } else if (s->fluid) {
        /* its backlog takes backlog / K at full speed; done before the
         * deadline, it leaves then with nothing lost (arg 1) */
        double drained_s = inst->fluid_backlog * s->mean_service_s / s->fleet->concurrency;
        bool in_time = drained_s < limit_s;
        inst->ev_state = schedule(s, s->now + (in_time ? drained_s : limit_s), EV_DRAIN_DEADLINE,
                                  inst, in_time);
    } else {
        inst->ev_state = schedule(s, s->now + limit_s, EV_DRAIN_DEADLINE, inst, 0);
    }
}

static void drain(sim *s, instance *inst)
{
    drain_within(s, inst, s->fleet->drain_s);
}



/* The newest instance in state st, or NULL. */
static instance *newest_in(const sim *s, hr_instance_state st)
{
    instance *best = NULL;
    for (size_t i = 0; i < s->n_alive; i++) {
        instance *inst = s->alive[i];
        if (inst->state == st && (!best || inst->ordinal > best->ordinal))
            best = inst;
    }
    return best;
}

/* Capacity as the autoscaling group sees it: everything launched and not
 * leaving; a crashed instance counts until health checks notice it. */
static int capacity(const sim *s)
{
    return s->count[HR_INSTANCE_PENDING] + s->count[HR_INSTANCE_WARMING] +
           s->count[HR_INSTANCE_IN_SERVICE] + s->count[HR_INSTANCE_FAILED];
}

/* Launch or remove instances until capacity equals the desired capacity.
 * Scale-in removes the newest instances first, pending before warming
 * before in service (the least sunk boot and warm-up time). */
static void schedule_retry(sim *s)
{
    if (!s->retry_pending) {
        s->retry_pending = true;
        schedule(s, s->now + s->fleet->launch_retry_s, EV_RETRY_LAUNCH, NULL, 0);
    }
}

/* Does this launch attempt fail (fleet.launch_failure)? A failure is
 * counted, logged as WHAT failed and retried launch_retry_s later. */
static bool launch_fails(sim *s, const char *what)
{
    const hr_fleet_config *f = s->fleet;
    if (!(f->launch_failure > 0) ||
        hr_rng_uniform_at(&s->rng, HR_STREAM_FAULTS, 2 * s->attempts++ + 1) >= f->launch_failure)
        return false;
    s->out->summary.launch_failures++;
    log_fault(s, "fault: %s failed (insufficient capacity), retry in %gs", what, f->launch_retry_s);
    schedule_retry(s);
    return true;
}

/* May the group launch one more instance now? A refusal (quota, every
 * zone down, a failed launch) is counted, logged and retried later. */
static bool may_launch(sim *s)
{
    const hr_fleet_config *f = s->fleet;
    if (f->quota > 0 && (int)(s->n_alive + s->n_pool) >= f->quota) {
        int refused = s->desired - capacity(s);
        s->out->summary.quota_refusals += refused;
        log_fault(s, "fault: quota of %d instances reached: %d launch%s refused, retry in %gs",
                  f->quota, refused, refused == 1 ? "" : "es", f->launch_retry_s);
        schedule_retry(s);
        return false;
    }
    if (choose_zone(s) < 0) {
        log_fault(s, "fault: every zone is down: no launch, retry in %gs", f->launch_retry_s);
        schedule_retry(s);
        return false;
    }
    return !launch_fails(s, "launch");
}

/* The group's side of reconcile(): a scale-out takes from the warm pool
 * before it launches; a scale-in sends instances back to the pool when
 * reuse_on_scale_in says so and it has room. */
static void reconcile_group(sim *s)
{
    while (s->status == HR_OK && capacity(s) < s->desired)
        if (!pool_take(s) && (!may_launch(s) || !launch(s, false)))
            return;
    static const hr_instance_state order[] = {HR_INSTANCE_PENDING, HR_INSTANCE_WARMING,
                                              HR_INSTANCE_IN_SERVICE};
    for (size_t k = 0; k < 3 && capacity(s) > s->desired; k++) {
        instance *inst;
        while (capacity(s) > s->desired && (inst = newest_in(s, order[k]))) {
            bool reuse = pool_has_room_for(s, inst);
            if (order[k] == HR_INSTANCE_PENDING && reuse) {
                return_to_pool(s, inst);
            } else if (order[k] == HR_INSTANCE_PENDING) {
                terminate(s, inst);
            } else {
                if (reuse) {
                    inst->to_pool = true;
                    s->n_returning++;
                }
                drain(s, inst);
            }
        }
    }
}

/* May the pool launch one more instance now? Silently not when the quota
 * (which counts the pool) is reached or every zone is down: a later
 * reconcile tries again. A failed launch is counted, logged and retried as
 * the group's are. */
static bool pool_may_launch(sim *s)
{
    const hr_fleet_config *f = s->fleet;
    if (f->quota > 0 && (int)(s->n_alive + s->n_pool) >= f->quota)
        return false;
    if (choose_zone(s) < 0)
        return false;
    return !launch_fails(s, "warm pool launch");
}

/* The newest pool instance in phase ph, or NULL. */
static instance *pool_newest(const sim *s, enum pool_phase ph)
{
    instance *best = NULL;
    for (size_t i = 0; i < s->n_pool; i++)
        if (s->pool[i]->pool == ph && (!best || s->pool[i]->ordinal > best->ordinal))
            best = s->pool[i];
    return best;
}

/* The newest instance draining back into the pool, or NULL. */
static instance *newest_returning(const sim *s)
{
    instance *best = NULL;
    for (size_t i = 0; i < s->n_alive; i++)
        if (s->alive[i]->to_pool && (!best || s->alive[i]->ordinal > best->ordinal))
            best = s->alive[i];
    return best;
}

/* Bring the pool (with the instances returning to it) to its size: launch
 * into it, or shed the surplus (returning instances terminate after their
 * drain instead; then pool instances still booting, then ready ones, the
 * newest first). */
static void pool_reconcile(sim *s)
{
    if (!s->fleet->warm_pool.enabled)
        return;
    int target = pool_target(s);
    while (s->status == HR_OK && (int)s->n_pool + s->n_returning > target) {
        instance *inst = newest_returning(s);
        if (inst) {
            inst->to_pool = false;
            s->n_returning--;
            continue;
        }
        inst = pool_newest(s, POOL_INIT);
        pool_discard(s, inst ? inst : pool_newest(s, POOL_READY));
    }
    while (s->status == HR_OK && (int)s->n_pool + s->n_returning < target && pool_may_launch(s))
        pool_launch(s, false);
}

static void reconcile(sim *s)
{
    reconcile_group(s);
    pool_reconcile(s);
}

/* ---- arrivals ---------------------------------------------------------- */

static void next_segment(sim *s)
{
    s->seg_t0 = s->seg_t1;
    s->seg_t1 = s->seg_t0 + s->seg_len;
    s->seg_bound = hr_traffic_bound(&s->traffic, s->seg_t0, fmin(s->seg_t1, s->end_s));
}

/* The next arrival after `from` of the non-homogeneous Poisson process
 * lambda(t), by thinning (Lewis and Shedler 1979) against a per-segment
 * bound; restarting at a segment edge is exact because the exponential is
 * memoryless. INFINITY when there is none before the end. */
static double next_arrival(sim *s, double from)
{
    gsl_rng *r = hr_rng_stream(&s->rng, HR_STREAM_ARRIVALS);
    double t = from;
    for (;;) {
        if (t >= s->end_s)
            return INFINITY;
        if (s->seg_bound <= 0) {
            t = s->seg_t1;
            next_segment(s);
            continue;
        }
        t += hr_exponential(r, 1.0 / s->seg_bound);
        if (t >= s->seg_t1) {
            t = s->seg_t1;
            next_segment(s);
            continue;
        }
        if (t >= s->end_s)
            return INFINITY;
        double rate = hr_traffic_rate(&s->traffic, t);
        if (rate >= s->seg_bound || hr_rng_uniform(r) * s->seg_bound < rate)
            return t;
    }
}

static void schedule_arrival(sim *s)
{
    double t = next_arrival(s, s->now);
    if (t < s->end_s)
        schedule(s, t, EV_ARRIVAL, NULL, 0);
}

static void on_arrival(sim *s)
{
    schedule_arrival(s);
    /* class and demand come from the service stream in arrival order, the
     * same for every policy */
    gsl_rng *r = hr_rng_stream(&s->rng, HR_STREAM_SERVICE);
    uint32_t tenant = 0;
    const hr_request_class *classes = s->wl->classes;
    size_t n_classes = s->wl->n_classes;
    if (s->n_tenants > 0) {
        /* which stream, drawn first (only when there are tenants) */
        tenant = (uint32_t)hr_traffic_pick(&s->traffic, s->now, hr_rng_uniform(r));
        if (tenant > 0 && s->sc->tenants[tenant - 1].n_classes > 0) {
            classes = s->sc->tenants[tenant - 1].classes;
            n_classes = s->sc->tenants[tenant - 1].n_classes;
        }
        if (tenant > 0)
            s->tenants[tenant - 1].requests++;
    }
    size_t c = 0;
    if (n_classes > 1) {
        double u = hr_rng_uniform(r), acc = 0;
        if (classes == s->wl->classes) {
            while (c + 1 < n_classes && u >= s->class_cdf[c])
                c++;
        } else {
            while (c + 1 < n_classes && u >= (acc += classes[c].share))
                c++;
        }
    }
    double demand_s = hr_dist_sample(&classes[c].service, r);

    s->out->summary.requests++;
    s->row.arrivals++;
    s->period_offered++;
    if (s->n_routable == 0) {
        count_error(s, ERR_REJECTED, tenant);
        return;
    }
    size_t i = s->n_routable == 1 ? 0 : hr_lb_pick(&s->lb, s->outstanding, s->n_routable);
    instance *inst = s->routable[i];
    if (inst->state == HR_INSTANCE_FAILED) {
        count_error(s, ERR_FAILED, tenant);
        return;
    }
    if (inst->counted)
        s->period.arrivals++;
    request *req = hr_pool_alloc(&s->requests);
    if (!req) {
        fail(s, HR_ENOMEM, "out of memory for requests");
        return;
    }
    req->arrival_s = s->now;
    req->demand_s = demand_s;
    req->tenant = tenant;
    req->done = NULL;
    accept_request(s, inst, req);
}

static void on_complete(sim *s, request *req)
{
    instance *inst = req->inst;
    inst->slots[req->slot] = NULL;
    inst->free_slots[inst->n_free++] = req->slot;
    inst_levels(s, inst, -1, 0);
    if (req->times_out)
        count_error(s, ERR_TIMED_OUT, req->tenant);
    else
        count_completion(s, s->now - req->arrival_s, req->tenant);
    hr_pool_release(&s->requests, req);
    start_next(s, inst);
    if (inst->state == HR_INSTANCE_DRAINING && inst->busy == 0 && inst->queued == 0) {
        retire(s, inst);
        pool_reconcile(s);
    }
}

/* ---- lifecycle events -------------------------------------------------- */

static void on_crash(sim *s, instance *inst)
{
    inst->ev_crash = NULL;
    s->out->summary.failures++;
    purge_expired(s, inst);
    fail_in_flight(s, inst);
    if (inst->state == HR_INSTANCE_DRAINING) {
        terminate(s, inst);
        return;
    }
    cancel(s, &inst->ev_state);
    cancel(s, &inst->ev_counted);
    set_serving(s, inst, false);
    set_counted(s, inst, false);
    set_state(s, inst, HR_INSTANCE_FAILED);
    inst->ev_state = schedule(s, s->now + s->fleet->detect_s, EV_DETECTED, inst, 0);
}

/* A zone goes down: every instance in it is lost as a crash is (health
 * checks notice it `detect` later and the group replaces it elsewhere), and
 * the zone takes no launch until it comes back. */
static void on_zone_down(sim *s, const hr_zone_outage *o)
{
    s->zone_down[o->zone]++;
    int lost = 0;
    for (size_t i = 0; i < s->n_alive;) {
        instance *inst = s->alive[i];
        bool hit = inst->zone == o->zone && inst->state != HR_INSTANCE_FAILED;
        size_t before = s->n_alive;
        if (hit) {
            lost++;
            cancel(s, &inst->ev_crash);
            on_crash(s, inst); /* may terminate it (draining): the array shrinks */
        }
        if (s->n_alive == before)
            i++;
    }
    /* warm-pool instances in the zone are lost too; the pool refills
     * elsewhere at once (nothing serves from them, so no detection) */
    int pool_lost = 0;
    for (size_t i = 0; i < s->n_pool;) {
        if (s->pool[i]->zone == o->zone) {
            pool_discard(s, s->pool[i]);
            pool_lost++;
        } else {
            i++;
        }
    }
    s->out->summary.outage_losses += lost + pool_lost;
    s->out->summary.failures -= lost; /* counted as outage losses, not crashes */
    char d[32];
    hr_duration_format(o->duration_s, d, sizeof d);
    if (pool_lost == 0)
        log_fault(s, "fault: zone %d down for %s: %d instance%s lost", o->zone + 1, d, lost,
                  lost == 1 ? "" : "s");
    else
        log_fault(s, "fault: zone %d down for %s: %d instance%s lost, and %d from the warm pool",
                  o->zone + 1, d, lost, lost == 1 ? "" : "s", pool_lost);
    pool_reconcile(s);
}

static void on_zone_up(sim *s, const hr_zone_outage *o)
{
    s->zone_down[o->zone]--;
    log_fault(s, "fault: zone %d back", o->zone + 1);
    reconcile(s);
}

/* A spot instance's interruption notice: it leaves rotation and finishes
 * what it can before it is reclaimed spot_notice_s later (one still
 * booting, or crashed, goes at once), and the group launches a
 * replacement. */
static void on_spot_notice(sim *s, instance *inst)
{
    double notice_s = s->fleet->spot_notice_s;
    inst->ev_spot = NULL;
    s->out->summary.spot_interruptions++;
    switch (inst->state) {
    case HR_INSTANCE_PENDING:
    case HR_INSTANCE_FAILED:
        terminate(s, inst);
        break;
    case HR_INSTANCE_DRAINING:
        if (notice_s <= 0) {
            purge_expired(s, inst);
            fail_in_flight(s, inst);
            terminate(s, inst);
        } else if (!inst->ev_state || inst->ev_state->time_s > s->now + notice_s) {
            cancel(s, &inst->ev_state);
            inst->ev_state = schedule(s, s->now + notice_s, EV_DRAIN_DEADLINE, inst, 0);
        }
        break;
    default:
        drain_within(s, inst, notice_s);
        break;
    }
    reconcile(s);
}

static void on_detected(sim *s, instance *inst)
{
    inst->ev_state = NULL;
    terminate(s, inst);
    reconcile(s); /* the group replaces it */
}

/* ---- fluid mode --------------------------------------------------------- */

/* At each tick and fleet change, every routable instance's queue advances
 * as a flow (hr_fluid_step): arrivals are the stretch's expected requests,
 * split among the instances as the balancer splits them (random and round
 * robin: equally, each its own queue; least outstanding and two choices:
 * one pooled queue, as a join-the-shortest-queue system behaves; see
 * docs/model.md, Fluid mode). Counts are whole requests: each kind of count
 * carries its fraction to the next stretch, so totals are exact over a run. Latencies
 * are FLUID_POINTS points (u_s, u_w) of the R2 low-discrepancy sequence
 * (Roberts 2018), service time at quantile u_s and wait at quantile u_w,
 * taken in sequence, at most FLUID_SAMPLES per queue and stream per tick
 * sharing its requests; any run of the sequence covers the square evenly,
 * so a tick of few requests still samples both distributions fairly. */
static size_t fluid_take(double *carry, double x)
{
    *carry += x > 0 ? x : 0;
    double n = floor(*carry);
    *carry -= n;
    return (size_t)n;
}

static double *fluid_carry(sim *s, size_t stream, enum fluid_count kind)
{
    return &s->fl.carry[stream * FC_KINDS + kind];
}

static int fluid_setup(sim *s)
{
    fluid_state *fl = &s->fl;
    const hr_scenario *sc = s->sc;
    fl->n_streams = 1 + sc->n_tenants;
    fl->stream_mean_s = calloc(fl->n_streams, sizeof *fl->stream_mean_s);
    fl->stream_m2 = calloc(fl->n_streams, sizeof *fl->stream_m2);
    fl->service_s = malloc(fl->n_streams * FLUID_POINTS * sizeof *fl->service_s);
    fl->wait_e = malloc(FLUID_POINTS * sizeof *fl->wait_e);
    fl->cursor = calloc(fl->n_streams, sizeof *fl->cursor);
    fl->rates = calloc(fl->n_streams, sizeof *fl->rates);
    fl->scratch = calloc(fl->n_streams, sizeof *fl->scratch);
    fl->carry = calloc(fl->n_streams * FC_KINDS, sizeof *fl->carry);
    if (!fl->stream_mean_s || !fl->stream_m2 || !fl->service_s || !fl->wait_e || !fl->cursor ||
        !fl->rates || !fl->scratch || !fl->carry)
        return hr_error_set(s->err, HR_ENOMEM, "out of memory setting up fluid mode");
    /* R2: the plastic number's powers, u_k = frac(1/2 + k / phi^d) */
    const double phi = 1.32471795724474602596;
    const double a1 = 1.0 / phi, a2 = 1.0 / (phi * phi);
    for (size_t k = 0; k < FLUID_POINTS; k++) {
        double u_w = fmod(0.5 + (double)k * a2, 1.0);
        fl->wait_e[k] = -log1p(-u_w);
    }
    double m1, m2;
    hr_classes_service_moments(s->wl->classes, s->wl->n_classes, &m1, &m2);
    fl->service_scv = m1 > 0 ? m2 / (m1 * m1) - 1.0 : 1.0;
    for (size_t j = 0; j < fl->n_streams; j++) {
        const hr_request_class *classes = s->wl->classes;
        size_t n = s->wl->n_classes;
        if (j > 0 && sc->tenants[j - 1].n_classes > 0) {
            classes = sc->tenants[j - 1].classes;
            n = sc->tenants[j - 1].n_classes;
        }
        hr_classes_service_moments(classes, n, &fl->stream_mean_s[j], &fl->stream_m2[j]);
        for (size_t k = 0; k < FLUID_POINTS; k++) {
            /* the class by where u_s falls among the shares, then the
             * class's quantile at u_s's place inside its share */
            double u = fmod(0.5 + (double)k * a1, 1.0), acc = 0;
            size_t c = 0;
            while (c + 1 < n && u >= acc + classes[c].share)
                acc += classes[c++].share;
            double inner = classes[c].share > 0 ? (u - acc) / classes[c].share : 0.5;
            inner = fmin(fmax(inner, 0.5 / FLUID_POINTS), 1.0 - 0.5 / FLUID_POINTS);
            fl->service_s[j * FLUID_POINTS + k] = hr_dist_quantile(&classes[c].service, inner);
        }
    }
    return HR_OK;
}

static void fluid_free(fluid_state *fl)
{
    free(fl->stream_mean_s);
    free(fl->stream_m2);
    free(fl->service_s);
    free(fl->wait_e);
    free(fl->cursor);
    free(fl->rates);
    free(fl->scratch);
    free(fl->carry);
    free(fl->groups);
}

/* The share of the tick's requests each stream has (fl->rates as shares). */
static double fluid_share(const sim *s, size_t stream, double total)
{
    return total > 0 ? s->fl.rates[stream] / total : (stream == 0 ? 1.0 : 0.0);
}

/* inst's requests in flight are lost (a crash, a drain deadline). */
static void fluid_fail(sim *s, instance *inst)
{
    double lost = inst->fluid_inflight + inst->fluid_backlog, total = 0;
    if (inst->lb_index != SIZE_MAX)
        s->fl.jsq_backlog = fmax(0.0, s->fl.jsq_backlog - inst->fluid_backlog);
    for (size_t j = 0; j < s->fl.n_streams; j++)
        total += s->fl.rates[j];
    for (size_t j = 0; j < s->fl.n_streams; j++)
        count_errors(s, ERR_FAILED, (uint32_t)j,
                     fluid_take(fluid_carry(s, j, FC_FAILED), lost * fluid_share(s, j, total)));
    inst->fluid_inflight = inst->fluid_backlog = 0;
}

/* The group of stations alike (same arrival rate, speed and backlog) for
 * this flow; stations alike take one flow and share its latency samples. */
static fluid_group *fluid_group_for(sim *s, const hr_fluid_station *st, double lambda_rps,
                                    double dt, double backlog0)
{
    fluid_state *fl = &s->fl;
    for (size_t g = fl->n_groups; g-- > 0;) {
        fluid_group *gr = &fl->groups[g];
        if (gr->lambda_rps == lambda_rps && gr->speed == st->speed && gr->backlog0 == backlog0 &&
            gr->workers == st->workers)
            return gr;
    }
    if (ensure_cap((void **)&fl->groups, &fl->cap_groups, fl->n_groups + 1, sizeof *fl->groups)) {
        fail(s, HR_ENOMEM, "out of memory for fluid mode");
        return NULL;
    }
    fluid_group *gr = &fl->groups[fl->n_groups++];
    *gr = (fluid_group){.lambda_rps = lambda_rps, .speed = st->speed, .backlog0 = backlog0,
                        .workers = st->workers};
    hr_fluid_step(st, lambda_rps, dt, backlog0, &gr->flow);
    return gr;
}

/* The latencies of a group's served requests: stream by stream, whole
 * requests at the stream's next sample points. */
static void fluid_sample(sim *s, const fluid_group *gr, double total_rps)
{
    fluid_state *fl = &s->fl;
    const hr_fluid_flow *f = &gr->flow;
    double log_p = f->wait_p > 0 ? log(f->wait_p) : -INFINITY;
    double mean_wait_s = f->backlog_wait_s + (f->theta > 0 ? f->wait_p / f->theta : 0);
    double p_wait = f->backlog_wait_s > 0 ? 1.0 : f->wait_p;
    double timeout_s = s->wl->timeout_s;
    for (size_t j = 0; j < fl->n_streams; j++) {
        double share = fluid_share(s, j, total_rps);
        size_t n = fluid_take(fluid_carry(s, j, FC_SERVED), gr->served * share * fl->noise);
        if (n == 0)
            continue;
        s->started += n;
        s->waited += fluid_take(fluid_carry(s, j, FC_WAITED), (double)n * p_wait);
        s->wait_sum_s += (double)n * mean_wait_s;
        double demand_s = (double)n * fl->stream_mean_s[j];
        s->demand_s += demand_s;
        if (j > 0)
            s->tenants[j - 1].demand_s += demand_s;
        size_t m = n < FLUID_SAMPLES ? n : FLUID_SAMPLES;
        uint64_t each = n / m, extra = n % m;
        const double *service_s = &fl->service_s[j * FLUID_POINTS];
        for (size_t i = 0; i < m; i++) {
            size_t k = fl->cursor[j];
            fl->cursor[j] = (k + 1) % FLUID_POINTS;
            uint64_t w = each + (i < extra ? 1 : 0);
            double latency_s = hr_fluid_wait_at(f, log_p, fl->wait_e[k]) + service_s[k] / gr->speed;
            if (f->saturated && latency_s >= timeout_s)
                latency_s = timeout_s * (1 - 1e-9);
            if (timeout_s > 0 && latency_s >= timeout_s)
                count_errors(s, ERR_TIMED_OUT, (uint32_t)j, w);
            else
                count_completions(s, latency_s, (uint32_t)j, w);
        }
    }
}

/* The sampling noise of tick k, at total_rps: the queues
 * flow at the traffic's intensity (queueing theory has Poisson arrivals
 * and varied service times in it already), but what is counted (requests,
 * errors, completions) varies from tick to tick as a Poisson count does,
 * sd 1/sqrt(N) of the tick's N requests, and the work they bring (the
 * busy workers) as a compound Poisson sum does, sd sqrt(cs^2 / N) more, so
 * a policy reads metrics as noisy as in request mode. The draws are keyed
 * by the tick's number: every policy of a replication sees the same. */
static void fluid_noise(sim *s, uint64_t k, double total_rps)
{
    fluid_state *fl = &s->fl;
    double n = total_rps * s->sc->tick_s;
    fl->noise = fl->work = 1.0;
    if (!(n > 0))
        return;
    double u = hr_rng_uniform_at(&s->rng, HR_STREAM_ARRIVALS, k);
    double v = hr_rng_uniform_at(&s->rng, HR_STREAM_SERVICE, k);
    u = fmin(fmax(u, 1e-12), 1 - 1e-12);
    v = fmin(fmax(v, 1e-12), 1 - 1e-12);
    fl->noise = fmax(0.0, 1.0 + gsl_cdf_ugaussian_Pinv(u) / sqrt(n));
    fl->work = fmax(0.0, 1.0 + gsl_cdf_ugaussian_Pinv(v) * sqrt(fl->service_scv / n));
}

/* A station's part of the gauges over the tick. */
static void fluid_gauges(sim *s, const instance *inst, double busy, double queued, double dt)
{
    busy = fmin(busy * s->fl.noise * s->fl.work, (double)s->fleet->concurrency);
    if (inst->serving) {
        s->fleet_gauge.busy_area += busy * dt;
        s->fleet_gauge.queued_area += queued * dt;
    }
    if (inst->counted) {
        s->policy_gauge.busy_area += busy * dt;
        s->policy_gauge.queued_area += queued * dt;
    }
}

/* Requests of a flow lost before service (rejected, expired in the
 * backlog), by stream. */
static void fluid_lost(sim *s, const hr_fluid_flow *f, double total_rps)
{
    fluid_state *fl = &s->fl;
    for (size_t j = 0; j < fl->n_streams; j++) {
        double share = fluid_share(s, j, total_rps) * fl->noise;
        count_errors(s, ERR_REJECTED, (uint32_t)j,
                     fluid_take(fluid_carry(s, j, FC_REJECTED), f->rejected * share));
        count_errors(s, ERR_TIMED_OUT, (uint32_t)j,
                     fluid_take(fluid_carry(s, j, FC_EXPIRED), f->expired * share));
    }
}

/* The stretch [t0, t0 + dt]'s traffic: each stream's mean rate over the
 * tick the stretch lies in (fl->rates; by tick, so that every policy, however
 * its fleet changes cut the ticks, is offered the same requests), the noise
 * of its counts, its arrivals counted (rejected without an instance to
 * take them), and the station template with the service mix; returns the
 * total rate. */
static double fluid_traffic(sim *s, double t0, double dt, hr_fluid_station *st)
{
    fluid_state *fl = &s->fl;
    double tick_s = s->sc->tick_s, total = 0, mean_s = 0, m2 = 0;
    uint64_t k = (uint64_t)floor((t0 + dt / 2) / tick_s);
    if (k + 1 != fl->rates_tick) {
        fl->rates_tick = k + 1;
        for (size_t j = 0; j < fl->n_streams; j++)
            fl->rates[j] = 0;
        for (int q = 0; q < 4; q++) {
            hr_traffic_streams(&s->traffic, ((double)k + (q + 0.5) / 4) * tick_s, fl->scratch);
            for (size_t j = 0; j < fl->n_streams; j++)
                fl->rates[j] += fl->scratch[j] / 4;
        }
        for (size_t j = 0; j < fl->n_streams; j++)
            total += fl->rates[j];
        fluid_noise(s, k, total);
    }
    total = 0;
    for (size_t j = 0; j < fl->n_streams; j++)
        total += fl->rates[j];
    for (size_t j = 0; j < fl->n_streams; j++) {
        double share = fluid_share(s, j, total);
        mean_s += share * fl->stream_mean_s[j];
        m2 += share * fl->stream_m2[j];
        size_t n = fluid_take(fluid_carry(s, j, FC_ARRIVED), fl->rates[j] * dt * fl->noise);
        s->out->summary.requests += n;
        s->row.arrivals += n;
        s->period_offered += n;
        if (j > 0)
            s->tenants[j - 1].requests += n;
        if (s->n_routable == 0)
            count_errors(s, ERR_REJECTED, (uint32_t)j, n);
    }
    bool rr = s->fleet->load_balancer == HR_LB_ROUND_ROBIN && s->n_routable > 0;
    *st = (hr_fluid_station){
        .workers = s->fleet->concurrency,
        .speed = 1.0,
        .mean_service_s = mean_s,
        .service_scv = mean_s > 0 ? m2 / (mean_s * mean_s) - 1.0 : 1.0,
        .arrival_scv = rr ? 1.0 / (double)s->n_routable : 1.0,
        .queue_limit = s->wl->queue_limit,
        .timeout_s = s->wl->timeout_s,
    };
    return total;
}

/* Least outstanding and two choices: one queue of the healthy instances'
 * workers at their mean speed, taking healthy_rps; each instance's part. */
static void fluid_pooled(sim *s, const hr_fluid_station *st, double healthy_rps, int healthy,
                         double speed_sum, double dt, double total_rps)
{
    fluid_state *fl = &s->fl;
    hr_fluid_station ps = *st;
    double mean_speed = speed_sum / healthy;
    ps.workers = healthy * s->fleet->concurrency;
    ps.speed = mean_speed;
    ps.queue_limit = st->queue_limit >= 0 ? healthy * st->queue_limit : -1;
    fluid_group *pool = fluid_group_for(s, &ps, healthy_rps, dt, fl->jsq_backlog);
    if (!pool)
        return;
    const hr_fluid_flow *f = &pool->flow;
    pool->served = f->served;
    fl->jsq_backlog = f->backlog;
    fluid_lost(s, f, total_rps);
    /* The shortest queue evens the outstanding out, so a busy pool sends
     * each instance requests in proportion to its speed; an idle one has
     * most instances at none outstanding, a tie that goes round evenly:
     * between the two by the pool's utilisation. A slow (warming) instance
     * works longer on each of its requests; the waiting are evened out. */
    double rho = fmin(1.0, healthy_rps * st->mean_service_s /
                               (mean_speed * s->fleet->concurrency * healthy));
    for (size_t i = 0; i < s->n_routable; i++) {
        instance *inst = s->routable[i];
        if (inst->state == HR_INSTANCE_FAILED)
            continue;
        double speed = speed_at(s, inst, s->now - dt / 2);
        double lambda_rps = healthy_rps / healthy *
                            ((1 - rho) + (mean_speed > 0 ? rho * speed / mean_speed : rho));
        double busy = fmin((double)s->fleet->concurrency,
                           f->served / dt / healthy * st->mean_service_s / fmax(speed, 1e-9));
        double queued = f->queued / healthy;
        inst->fluid_backlog = f->backlog / healthy;
        inst->fluid_inflight = busy + queued - inst->fluid_backlog;
        if (inst->counted)
            s->period.arrivals += fluid_take(&fl->carry_counted, lambda_rps * dt * fl->noise);
        fluid_gauges(s, inst, busy, queued, dt);
    }
}

/* Random and round robin: each healthy instance its own queue at per_rps. */
static void fluid_split(sim *s, hr_fluid_station *st, double per_rps, double dt,
                        double total_rps)
{
    fluid_state *fl = &s->fl;
    for (size_t i = 0; i < s->n_routable && s->status == HR_OK; i++) {
        instance *inst = s->routable[i];
        if (inst->state == HR_INSTANCE_FAILED)
            continue;
        st->speed = speed_at(s, inst, s->now - dt / 2);
        fluid_group *gr = fluid_group_for(s, st, per_rps, dt, inst->fluid_backlog);
        if (!gr)
            return;
        const hr_fluid_flow *f = &gr->flow;
        gr->served += f->served;
        fluid_lost(s, f, total_rps);
        inst->fluid_backlog = f->backlog;
        inst->fluid_inflight = f->busy + f->queued - f->backlog;
        if (inst->counted)
            s->period.arrivals += fluid_take(&fl->carry_counted, per_rps * dt * fl->noise);
        fluid_gauges(s, inst, f->busy, f->queued, dt);
    }
}

/* Fluid mode: the queues' flow from the last advance to now, the fleet
 * as it is (every change of the fleet's routing, serving or counted set
 * advances the flow first, so each stretch has one fleet). */
static void fluid_advance(sim *s)
{
    fluid_state *fl = &s->fl;
    if (!s->fluid || !(s->now > fl->last_s))
        return;
    double t0 = fl->last_s, dt = s->now - t0;
    fl->last_s = s->now;
    hr_fluid_station st;
    double total = fluid_traffic(s, t0, dt, &st);

    /* a crashed instance not yet detected takes its share and fails it */
    double per_rps = s->n_routable > 0 ? total / (double)s->n_routable : 0;
    double failed_rps = 0, speed_sum = 0;
    int healthy = 0;
    for (size_t i = 0; i < s->n_routable; i++) {
        instance *inst = s->routable[i];
        if (inst->state == HR_INSTANCE_FAILED) {
            failed_rps += per_rps;
        } else {
            healthy++;
            speed_sum += speed_at(s, inst, s->now - dt / 2);
        }
    }
    for (size_t j = 0; j < fl->n_streams; j++) {
        double lost = failed_rps * dt * fl->noise * fluid_share(s, j, total);
        count_errors(s, ERR_FAILED, (uint32_t)j, fluid_take(fluid_carry(s, j, FC_FAILED), lost));
    }

    fl->n_groups = 0;
    hr_lb_kind lb = s->fleet->load_balancer;
    if (lb == HR_LB_LEAST_OUTSTANDING || lb == HR_LB_TWO_CHOICES) {
        if (healthy > 0)
            fluid_pooled(s, &st, total - failed_rps, healthy, speed_sum, dt, total);
    } else {
        fluid_split(s, &st, per_rps, dt, total);
    }

    /* draining instances work off their backlog at full speed (and leave
     * when it is done: drain_within) */
    st.arrival_scv = 1.0;
    st.speed = 1.0;
    for (size_t i = 0; i < s->n_alive && s->status == HR_OK; i++) {
        instance *inst = s->alive[i];
        if (inst->state != HR_INSTANCE_DRAINING || !(inst->fluid_backlog > 0))
            continue;
        fluid_group *gr = fluid_group_for(s, &st, 0, dt, inst->fluid_backlog);
        if (!gr)
            return;
        gr->served += gr->flow.served;
        inst->fluid_backlog = gr->flow.backlog;
        inst->fluid_inflight = 0;
    }
    for (size_t g = 0; g < fl->n_groups && s->status == HR_OK; g++)
        fluid_sample(s, &fl->groups[g], total);
}

/* ---- ticks: series rows, metric periods, SLO windows ------------------- */

static void interval_reset(interval *iv)
{
    iv->arrivals = iv->completed = iv->errors = 0;
    hr_histogram_reset(iv->latency);
}

/* The instances a load of rate_rps demands (hr_sample.demand; docs/results.md):
 * the fewest whose workers, as an M/M/c queue with the workload's mean
 * service time, keep the share of requests waiting longer than the latency
 * SLO minus that mean under 5% (p95) and 1% (p99); without a latency SLO,
 * the fewest that are not overloaded. */
static int demand_instances(const sim *s, double rate_rps)
{
    double mean_s = s->mean_service_s;
    if (!(rate_rps > 0) || !(mean_s > 0))
        return 0;
    const hr_slo_config *slo = &s->sc->slo;
    int workers = 0;
    if (slo->latency_p95_s > 0)
        workers = hr_mmc_servers_for_wait(rate_rps, mean_s, slo->latency_p95_s - mean_s, 0.05);
    if (slo->latency_p99_s > 0) {
        int w99 = hr_mmc_servers_for_wait(rate_rps, mean_s, slo->latency_p99_s - mean_s, 0.01);
        workers = w99 > workers ? w99 : workers;
    }
    if (workers == 0)
        workers = (int)floor(rate_rps * mean_s) + 1;
    return (workers + s->fleet->concurrency - 1) / s->fleet->concurrency;
}

static void emit_row(sim *s, double len_s)
{
    hr_gauge *g = &s->fleet_gauge;
    hr_gauge_advance(g, s->now);
    hr_sample *row = &s->out->series[s->out->n_series++];
    row->time_s = s->row_start_s;
    row->offered_rps = (double)s->row.arrivals / len_s;
    row->completed_rps = (double)s->row.completed / len_s;
    row->error_rps = (double)s->row.errors / len_s;
    const hr_histogram *lat = s->row.latency;
    row->latency_p50_ms = lat->count ? 1000.0 * hr_histogram_quantile(lat, 0.50) : NAN;
    row->latency_p95_ms = lat->count ? 1000.0 * hr_histogram_quantile(lat, 0.95) : NAN;
    row->latency_p99_ms = lat->count ? 1000.0 * hr_histogram_quantile(lat, 0.99) : NAN;
    row->cpu_pct = g->worker_area > 0 ? 100.0 * g->busy_area / g->worker_area : 0;
    row->queue_depth = g->instance_area > 0 ? g->queued_area / g->instance_area : 0;
    row->desired = s->desired;
    /* demand from the traffic's intensity over the row, not the arrivals
     * drawn from it: Poisson sampling noise is not demand */
    double intensity = 0;
    for (int k = 0; k < 4; k++)
        intensity += hr_traffic_rate(&s->traffic, s->row_start_s + (k + 0.5) * len_s / 4) / 4;
    row->demand = demand_instances(s, intensity);
    row->pending = s->count[HR_INSTANCE_PENDING];
    row->warming = s->count[HR_INSTANCE_WARMING];
    row->in_service = s->count[HR_INSTANCE_IN_SERVICE];
    row->draining = s->count[HR_INSTANCE_DRAINING];
    row->failed = s->count[HR_INSTANCE_FAILED];
    const hr_fleet_config *f = s->fleet;
    row->cost_per_hour = s->n_option[HR_PURCHASE_ON_DEMAND] * f->price_per_hour +
                         s->n_option[HR_PURCHASE_SPOT] * f->price_per_hour * (1 - f->spot_discount) +
                         f->reserved_count * f->reserved_price_per_hour;
    if (f->warm_pool.enabled) {
        int ready = (int)s->n_pool - s->n_pool_init;
        bool running = f->warm_pool.state == HR_POOL_RUNNING;
        row->cost_per_hour += (s->n_pool_init + (running ? ready : 0)) * f->price_per_hour +
                              (running ? 0 : ready) * f->warm_pool.stopped_price_per_hour;
        row->pool = (int)s->n_pool;
    }
    s->period_fleet.instance_area += g->instance_area;
    s->period_fleet.worker_area += g->worker_area;
    s->period_fleet.busy_area += g->busy_area;
    s->period_fleet.queued_area += g->queued_area;
    hr_gauge_reset(g, s->now);
    interval_reset(&s->row);
    s->row_start_s = s->now;
}

static void close_period(sim *s)
{
    hr_gauge_advance(&s->policy_gauge, s->now);
    publication *p = &s->pubs[(size_t)(s->period_start_s / s->sc->metrics.period_s + 0.5) % s->n_pubs];
    p->start_s = s->period_start_s;
    p->end_s = s->now;
    hr_period_counts counts = {s->period.arrivals, s->period.completed, s->period.errors};
    p->has = hr_metrics_datapoint(s->fleet, &s->policy_gauge, &counts, s->period.latency, p->metric);
    p->counted = (int)lround(s->policy_gauge.instance_area / (p->end_s - p->start_s));

    /* The fleet's areas over the period: what rows already took, plus the
     * fleet gauge since the last row; that part is then owed back. */
    hr_gauge *g = &s->fleet_gauge, *pf = &s->period_fleet;
    hr_gauge_advance(g, s->now);
    hr_gauge total = {
        .instance_area = pf->instance_area + g->instance_area,
        .worker_area = pf->worker_area + g->worker_area,
        .busy_area = pf->busy_area + g->busy_area,
        .queued_area = pf->queued_area + g->queued_area,
    };
    p->serving = (int)lround(total.instance_area / (p->end_s - p->start_s));
    if (p->has)
        hr_metrics_totals(s->fleet, &total, p->end_s - p->start_s, s->period_offered, p->metric,
                          p->total);
    pf->instance_area = -g->instance_area;
    pf->worker_area = -g->worker_area;
    pf->busy_area = -g->busy_area;
    pf->queued_area = -g->queued_area;
    s->period_offered = 0;

    schedule(s, s->now + s->sc->metrics.delay_s, EV_PUBLISH, p, 0);
    hr_gauge_reset(&s->policy_gauge, s->now);
    interval_reset(&s->period);
    s->period_start_s = s->now;
}

/* What of slo a window with these counts breaks (HR_SLO_BROKE_* bits,
 * 0: none), filled into *w. Latency is judged when the window holds at
 * least slo.min_requests latencies (completed or timed out; and at least
 * one), an error rate when a request finished. */
static unsigned window_broke(const hr_slo_config *slo, uint64_t completed, uint64_t errors,
                             const hr_histogram *latency, hr_slo_window *w)
{
    uint64_t finished = completed + errors;
    *w = (hr_slo_window){.finished = finished, .errors = errors, .latency_p95_ms = NAN,
                         .latency_p99_ms = NAN};
    if (latency->count > 0 && latency->count >= (uint64_t)slo->min_requests) {
        double p95 = hr_histogram_quantile(latency, 0.95), p99 = hr_histogram_quantile(latency, 0.99);
        w->latency_p95_ms = 1000.0 * p95;
        w->latency_p99_ms = 1000.0 * p99;
        if (slo->latency_p95_s > 0 && p95 > slo->latency_p95_s)
            w->broke |= HR_SLO_BROKE_P95;
        if (slo->latency_p99_s > 0 && p99 > slo->latency_p99_s)
            w->broke |= HR_SLO_BROKE_P99;
    }
    if (finished > 0 && slo->error_rate_pct >= 0 &&
        100.0 * (double)errors / (double)finished > slo->error_rate_pct)
        w->broke |= HR_SLO_BROKE_ERRORS;
    return w->broke;
}

/* Judge the window that ends now under slo; record it when violated.
 * Returns whether it was. */
static bool judge_window(sim *s, const hr_slo_config *slo, int tenant, uint64_t completed,
                         uint64_t errors, const hr_histogram *latency)
{
    hr_slo_window w;
    if (!window_broke(slo, completed, errors, latency, &w))
        return false;
    hr_run_result *out = s->out;
    if (ensure_cap((void **)&out->violations, &out->cap_violations, out->n_violations + 1,
                   sizeof *out->violations)) {
        fail(s, HR_ENOMEM, "out of memory for the SLO windows");
        return true;
    }
    w.start_s = s->window_start_s;
    w.end_s = s->now;
    w.tenant = tenant;
    out->violations[out->n_violations++] = w;
    return true;
}

static void close_window(sim *s, double len_s)
{
    hr_summary *sum = &s->out->summary;
    sum->slo_windows++;
    if (judge_window(s, &s->sc->slo, -1, s->window.completed, s->window.errors, s->window.latency)) {
        sum->slo_windows_violated++;
        sum->slo_violation_minutes += len_s / 60.0;
    }
    for (size_t k = 0; k < s->n_tenants; k++) {
        tenant_stats *ts = &s->tenants[k];
        ts->windows++;
        if (judge_window(s, &s->sc->tenants[k].slo, (int)k, ts->window_completed, ts->window_errors,
                         ts->window_latency)) {
            ts->windows_violated++;
            ts->violation_minutes += len_s / 60.0;
        }
        ts->window_completed = ts->window_errors = 0;
        hr_histogram_reset(ts->window_latency);
    }
    interval_reset(&s->window);
    s->window_start_s = s->now;
}

static void on_tick(sim *s, uint64_t k)
{
    if (s->fluid) {
        fluid_advance(s);
        if (s->status != HR_OK)
            return;
    }
    /* Queued requests past their deadline leave the queue at the latest
     * here, so rows, periods and windows count them on time and the
     * gauges and the load balancer never see a dead request for longer
     * than a tick. */
    if (s->wl->timeout_s > 0)
        for (size_t i = 0; i < s->n_alive; i++)
            purge_expired(s, s->alive[i]);
    if (k % (uint64_t)s->ticks_per_row == 0)
        emit_row(s, s->now - s->row_start_s);
    if (k % (uint64_t)s->ticks_per_period == 0)
        close_period(s);
    if (k % (uint64_t)s->ticks_per_window == 0)
        close_window(s, s->now - s->window_start_s);
    if (s->cancel != NULL && atomic_load_explicit(s->cancel, memory_order_relaxed)) {
        fail(s, HR_ECANCELED, "interrupted");
        return;
    }
    if (s->progress) {
        atomic_store_explicit(&s->progress->simulated_ms, (uint64_t)(s->now * 1000.0),
                              memory_order_relaxed);
        atomic_store_explicit(&s->progress->events, s->out->summary.events, memory_order_relaxed);
    }
    double next = (double)(k + 1) * s->sc->tick_s;
    if (next <= s->end_s * (1 + 1e-12))
        schedule(s, next, EV_TICK, NULL, k + 1);
}

/* The oracle's foresight at now (a sync time, so a whole number of its
 * steps): the need of each step ahead over its horizon. Every other policy
 * gets none. */
static void foresee(sim *s, hr_observation *obs)
{
    if (!s->has_foresight)
        return;
    size_t k0 = (size_t)lround(s->now / s->foresight.step_s);
    for (size_t k = 0; k < s->n_future; k++)
        s->future[k] = hr_foresight_need(&s->foresight, k0 + k);
    obs->future_need = s->future;
    obs->n_future = s->n_future;
    obs->future_step_s = s->foresight.step_s;
}

/* Ask the policy about datapoint p (NULL: none published yet) and apply
 * what the controller allows. */
static void evaluate(sim *s, const publication *p)
{
    static const publication none = {.has = false};
    if (p == NULL)
        p = &none;
    hr_observation obs = {
        .time_s = s->now,
        .desired = s->desired,
        .pending = s->count[HR_INSTANCE_PENDING],
        .warming = s->count[HR_INSTANCE_WARMING],
        .in_service = s->count[HR_INSTANCE_IN_SERVICE],
        .draining = s->count[HR_INSTANCE_DRAINING],
        .failed = s->count[HR_INSTANCE_FAILED],
        .counted = p->counted,
        .serving = p->serving,
        .has_datapoint = p->has,
        .datapoint_start_s = p->start_s,
        .datapoint_end_s = p->end_s,
        .min = s->ctl.min,
        .max = s->ctl.max,
    };
    for (size_t i = 0; i < s->n_inputs; i++) {
        const hr_policy_input *in = &s->inputs[i];
        double v = NAN;
        if (p->has && in->metric < HR_METRIC_COUNT)
            v = in->scale * (in->scope == HR_SCOPE_TOTAL ? p->total : p->metric)[in->metric];
        obs.input[i] = v;
    }
    foresee(s, &obs);
    hr_decision proposal = {.desired = -1};
    hr_policy_decide(s->policy, &obs, &proposal);

    hr_run_result *out = s->out;
    hr_decision_record *rec = log_record(s);
    if (rec == NULL)
        return;
    int max_before = s->ctl.max;
    int desired = hr_controller_apply(&s->ctl, s->now, s->desired, &proposal, rec);
    if (desired < 0) {
        rec->reason = "";
        fail(s, HR_ENOMEM, "out of memory for the controller's history");
        return;
    }
    log_reason(s, rec, s->ctl.reason);
    if (s->status != HR_OK)
        return;
    rec->metric = s->n_inputs > 0 ? obs.input[0] : NAN;
    hr_policy_applied(s->policy, s->now, s->desired, desired);
    if (desired != s->desired) {
        out->summary.scaling_actions++;
        s->desired = desired;
        reconcile(s);
    } else if (s->fleet->warm_pool.enabled && s->ctl.max != max_before) {
        reconcile(s); /* a raised max (predictive's buffer) resizes the pool */
    }
}

/* A datapoint is published: the policy reads it now, or, when it syncs on
 * its own clock, at its next sync. */
static void on_publish(sim *s, const publication *p)
{
    if (s->sync_s <= 0) {
        evaluate(s, p);
        return;
    }
    s->previous = s->latest;
    s->latest = *p;
    s->latest.published_s = s->now;
}

/* A sync policy's reconcile: it reads the newest datapoint published
 * before now (one published at this very instant waits for the next sync,
 * whatever the order of the two events). */
static void on_sync(sim *s, uint64_t k)
{
    const publication *p = NULL;
    if (s->latest.end_s > 0 && s->latest.published_s < s->now)
        p = &s->latest;
    else if (s->previous.end_s > 0)
        p = &s->previous;
    evaluate(s, p);
    double next = (double)(k + 1) * s->sync_s;
    if (next <= s->end_s)
        schedule(s, next, EV_SYNC, NULL, k + 1);
}

/* ---- scheduled actions ------------------------------------------------- */

/* Run scheduled action ev on the group g, logging it (the policy had no
 * part in it); the group's new desired capacity is returned in g. */
static void run_action(sim *s, const hr_schedule_event *ev, hr_group_size *g)
{
    const hr_policy_config *pc = s->policy->cfg;
    const hr_scheduled_action *a = &pc->schedule[ev->action];
    hr_decision_record *rec = log_record(s);
    if (rec == NULL)
        return;
    rec->current = g->desired;
    rec->proposed = a->desired >= 0 ? a->desired : g->desired;
    char text[HR_DECISION_REASON_MAX];
    hr_schedule_apply(a, ev, &s->sc->calendar, g, text, sizeof text);
    rec->desired = g->desired;
    log_reason(s, rec, text);
}

/* Occurrence k of the schedule: set the group's bounds and desired
 * capacity as the action says, then wait for the next one. Scheduled
 * changes bypass the controller's hourly caps and budget guard (they are
 * the operator's, not a policy's), as AWS runs a scheduled action whatever
 * the scaling policies do. */
static void on_schedule(sim *s, uint64_t k)
{
    hr_group_size g = {.min = s->ctl.min, .max = s->ctl.max, .desired = s->desired};
    run_action(s, &s->sched.events[k], &g);
    bool pool_moves = s->fleet->warm_pool.enabled && g.max != s->ctl.max;
    hr_controller_set_bounds(&s->ctl, g.min, g.max);
    if (g.desired != s->desired) {
        s->out->summary.scaling_actions++;
        s->desired = g.desired;
        reconcile(s);
    } else if (pool_moves) {
        reconcile(s);
    }
    if (k + 1 < s->sched.n_events)
        schedule(s, s->sched.events[k + 1].time_s, EV_SCHEDULE, NULL, k + 1);
}

/* The group at t = 0: the fleet's bounds and initial capacity (a static
 * policy's instances), then each action's latest occurrence before the
 * run, replayed in time order, as a group that had the schedule would
 * have run them (and as if no policy had scaled since). Each replayed
 * action is logged at t = 0. */
static int setup_schedule(sim *s, const hr_policy_config *pc)
{
    int rc = hr_schedule_build(&s->sched, pc, &s->sc->calendar, s->end_s, s->err);
    if (rc != HR_OK)
        return rc;
    hr_group_size g = {.min = s->fleet->min, .max = s->fleet->max, .desired = s->initial};
    for (size_t i = 0; i < s->sched.n_before && s->status == HR_OK; i++)
        run_action(s, &s->sched.before[i], &g);
    hr_controller_set_bounds(&s->ctl, g.min, g.max);
    s->initial = g.desired;
    if (s->sched.n_events > 0)
        schedule(s, s->sched.events[0].time_s, EV_SCHEDULE, NULL, 0);
    return s->status;
}

/* ---- setup, loop, teardown --------------------------------------------- */

/* The oracle's fleet at t = 0: its decision then, within the fleet's
 * bounds (fallback when it has no opinion). */
static int foreseen_initial(sim *s, int fallback)
{
    hr_observation obs = {.time_s = 0, .desired = fallback, .min = s->fleet->min,
                          .max = s->fleet->max};
    foresee(s, &obs);
    hr_decision d = {.desired = -1};
    hr_policy_decide(s->policy, &obs, &d);
    if (d.desired < 0)
        return fallback;
    if (d.desired < s->fleet->min)
        return s->fleet->min;
    return d.desired > s->fleet->max ? s->fleet->max : d.desired;
}

static int setup(sim *s, const hr_run_spec *spec)
{
    const hr_scenario *sc = spec->scenario;
    const hr_policy_config *pc = &sc->policies[spec->policy_index];
    hr_error *err = s->err;
    int rc;

    s->end_s = sc->duration_s;
    if ((rc = hr_queue_init(&s->q, err)) || (rc = hr_rng_init(&s->rng, spec->seed, spec->replication, err)))
        return rc;
    if ((rc = hr_traffic_init(&s->traffic, &sc->traffic, sc->duration_s,
                              hr_rng_stream(&s->rng, HR_STREAM_NOISE), err)))
        return rc;
    hr_traffic_add_tenants(&s->traffic, sc->tenants, sc->n_tenants);
    if (sc->n_tenants > 0) {
        s->tenants = calloc(sc->n_tenants, sizeof *s->tenants);
        if (!s->tenants)
            return hr_error_set(err, HR_ENOMEM, "out of memory setting up the run");
        s->n_tenants = sc->n_tenants;
        for (size_t k = 0; k < sc->n_tenants; k++) {
            s->tenants[k].latency = malloc(sizeof *s->tenants[k].latency);
            s->tenants[k].window_latency = malloc(sizeof *s->tenants[k].window_latency);
            if (!s->tenants[k].latency || !s->tenants[k].window_latency)
                return hr_error_set(err, HR_ENOMEM, "out of memory setting up the run");
            hr_histogram_reset(s->tenants[k].latency);
            hr_histogram_reset(s->tenants[k].window_latency);
        }
    }
    hr_pool_init(&s->requests, sizeof(request), 4096);
    s->lb = (hr_lb){.kind = s->fleet->load_balancer, .rng = hr_rng_stream(&s->rng, HR_STREAM_ROUTING)};
    if ((rc = hr_policy_new(pc, sc, &s->policy, err)))
        return rc;
    if ((rc = hr_controller_init(&s->ctl, s->fleet, &pc->limits, err)))
        return rc;
    s->has_ctl = true;
    /* A static fleet is provisioned before the traffic starts. */
    s->initial = pc->kind == HR_POLICY_STATIC ? pc->instances : s->fleet->initial;
    if (pc->n_schedule > 0 && (rc = setup_schedule(s, pc)))
        return rc;
    s->metric_warmup_s = hr_policy_metric_warmup_s(s->policy);
    s->n_inputs = hr_policy_inputs(s->policy, &s->inputs);
    s->sync_s = hr_policy_sync_period_s(s->policy);
    double foresight_s = hr_policy_foresight_s(s->policy);
    if (foresight_s > 0) {
        if (!(s->sync_s > 0))
            return hr_error_set(err, HR_EINTERNAL, "policy %s reads the future but has no sync period",
                                pc->name);
        if ((rc = hr_foresight_init(&s->foresight, sc, &s->traffic, s->sync_s, err)))
            return rc;
        s->has_foresight = true;
        s->n_future = (size_t)ceil(foresight_s / s->sync_s - 1e-9);
        s->future = calloc(s->n_future, sizeof *s->future);
        if (!s->future)
            return hr_error_set(err, HR_ENOMEM, "out of memory setting up the run");
    }

    s->zone_alive = calloc((size_t)(s->fleet->zones > 0 ? s->fleet->zones : 1), sizeof *s->zone_alive);
    s->zone_down = calloc((size_t)(s->fleet->zones > 0 ? s->fleet->zones : 1), sizeof *s->zone_down);
    if (!s->zone_alive || !s->zone_down)
        return hr_error_set(err, HR_ENOMEM, "out of memory setting up the run");
    for (size_t i = 0; i < s->fleet->n_outages; i++) {
        const hr_zone_outage *o = &s->fleet->outages[i];
        if (o->start_s <= s->end_s) {
            schedule(s, o->start_s, EV_ZONE_DOWN, (void *)o, 0);
            schedule(s, o->start_s + o->duration_s, EV_ZONE_UP, (void *)o, 0);
        }
    }
    s->class_cdf = malloc(s->wl->n_classes * sizeof *s->class_cdf);
    s->all_latency = malloc(sizeof *s->all_latency);
    s->row.latency = malloc(sizeof *s->row.latency);
    s->period.latency = malloc(sizeof *s->period.latency);
    s->window.latency = malloc(sizeof *s->window.latency);
    long ticks = (long)ceil(sc->duration_s / sc->tick_s - 1e-9);
    s->ticks_per_row = ticks > HR_SERIES_MAX_ROWS ? (ticks + HR_SERIES_MAX_ROWS - 1) / HR_SERIES_MAX_ROWS : 1;
    s->ticks_per_period = lround(sc->metrics.period_s / sc->tick_s);
    s->ticks_per_window = lround(sc->slo.window_s / sc->tick_s);
    s->n_pubs = (size_t)ceil(sc->metrics.delay_s / sc->metrics.period_s) + 2;
    s->pubs = calloc(s->n_pubs, sizeof *s->pubs);
    s->out->series = calloc((size_t)(ticks / s->ticks_per_row) + 2, sizeof *s->out->series);
    if (!s->class_cdf || !s->all_latency || !s->row.latency || !s->period.latency ||
        !s->window.latency || !s->pubs || !s->out->series)
        return hr_error_set(err, HR_ENOMEM, "out of memory setting up the run");
    s->out->series_step_s = (double)s->ticks_per_row * sc->tick_s;
    hr_histogram_reset(s->all_latency);
    interval_reset(&s->row);
    interval_reset(&s->period);
    interval_reset(&s->window);

    double acc = 0;
    for (size_t c = 0; c < s->wl->n_classes; c++)
        s->class_cdf[c] = (acc += s->wl->classes[c].share);

    if (s->fluid)
        return fluid_setup(s);
    s->seg_len = fmin(sc->tick_s, 1.0);
    s->seg_t1 = 0;
    next_segment(s);
    return HR_OK;
}

static void teardown(sim *s)
{
    for (size_t i = 0; i < s->n_alive; i++) {
        free(s->alive[i]->slots);
        free(s->alive[i]->free_slots);
        free(s->alive[i]);
    }
    free(s->alive);
    for (size_t i = 0; i < s->n_pool; i++)
        free_instance(s->pool[i]);
    free(s->pool);
    free(s->routable);
    free(s->outstanding);
    free(s->class_cdf);
    free(s->zone_alive);
    free(s->zone_down);
    for (size_t k = 0; k < s->n_tenants; k++) {
        free(s->tenants[k].latency);
        free(s->tenants[k].window_latency);
    }
    free(s->tenants);
    free(s->all_latency);
    free(s->row.latency);
    free(s->period.latency);
    free(s->window.latency);
    free(s->pubs);
    free(s->future);
    fluid_free(&s->fl);
    if (s->has_foresight)
        hr_foresight_free(&s->foresight);
    if (s->has_ctl)
        hr_controller_free(&s->ctl);
    hr_schedule_free(&s->sched);
    if (s->policy)
        hr_policy_free(s->policy);
    hr_pool_destroy(&s->requests);
    hr_traffic_free(&s->traffic);
    hr_rng_free(&s->rng);
    hr_queue_destroy(&s->q);
}

static void dispatch(sim *s, const hr_event *ev)
{
    switch (ev->type) {
    case EV_ARRIVAL:
        on_arrival(s);
        break;
    case EV_COMPLETE:
        on_complete(s, ev->obj);
        break;
    case EV_BOOTED: {
        instance *inst = ev->obj;
        inst->ev_state = NULL;
        inst->initialized = true;
        /* fleet.warm_pool.warmup: false skips the warm-up of instances
         * entering service from the pool */
        bool warm = s->fleet->warmup_s > 0 && (!inst->from_pool || s->fleet->warm_pool.warmup);
        become_ready(s, inst, warm ? HR_INSTANCE_WARMING : HR_INSTANCE_IN_SERVICE, false);
        break;
    }
    case EV_WARMED: {
        instance *inst = ev->obj;
        inst->ev_state = NULL;
        set_state(s, inst, HR_INSTANCE_IN_SERVICE);
        break;
    }
    case EV_COUNTED: {
        instance *inst = ev->obj;
        inst->ev_counted = NULL;
        set_counted(s, inst, true);
        break;
    }
    case EV_CRASH:
        on_crash(s, ev->obj);
        break;
    case EV_DETECTED:
        on_detected(s, ev->obj);
        break;
    case EV_DRAIN_DEADLINE: {
        instance *inst = ev->obj;
        inst->ev_state = NULL;
        fluid_advance(s);
        if (ev->arg == 1)
            inst->fluid_backlog = 0; /* fluid mode: worked off */
        purge_expired(s, inst);
        fail_in_flight(s, inst);
        retire(s, inst);
        pool_reconcile(s);
        break;
    }
    case EV_TICK:
        on_tick(s, ev->arg);
        break;
    case EV_PUBLISH:
        on_publish(s, ev->obj);
        break;
    case EV_SYNC:
        on_sync(s, ev->arg);
        break;
    case EV_SPOT_NOTICE:
        on_spot_notice(s, ev->obj);
        break;
    case EV_ZONE_DOWN:
        on_zone_down(s, ev->obj);
        break;
    case EV_ZONE_UP:
        on_zone_up(s, ev->obj);
        break;
    case EV_RETRY_LAUNCH:
        s->retry_pending = false;
        reconcile(s);
        break;
    case EV_POOL_READY:
        on_pool_ready(s, ev->obj);
        break;
    case EV_SCHEDULE:
        on_schedule(s, ev->arg);
        break;
    }
}

/* Each tenant's part of the summary; its cost is the run's cost split by
 * the service demand each stream's served requests took. */
static void finish_tenants(sim *s, double minutes)
{
    if (s->n_tenants == 0)
        return;
    hr_run_result *out = s->out;
    out->tenants = calloc(s->n_tenants, sizeof *out->tenants);
    if (!out->tenants) {
        fail(s, HR_ENOMEM, "out of memory for the tenants' results");
        return;
    }
    out->n_tenants = s->n_tenants;
    for (size_t k = 0; k < s->n_tenants; k++) {
        const tenant_stats *ts = &s->tenants[k];
        hr_tenant_summary *t = &out->tenants[k];
        bool done = ts->latency->count > 0;
        *t = (hr_tenant_summary){
            .name = s->sc->tenants[k].name,
            .requests = ts->requests,
            .completed = ts->completed,
            .errors = ts->errors,
            .error_rate_pct = ts->requests ? 100.0 * (double)ts->errors / (double)ts->requests : 0,
            .latency_p50_ms = done ? 1000.0 * hr_histogram_quantile(ts->latency, 0.50) : NAN,
            .latency_p95_ms = done ? 1000.0 * hr_histogram_quantile(ts->latency, 0.95) : NAN,
            .latency_p99_ms = done ? 1000.0 * hr_histogram_quantile(ts->latency, 0.99) : NAN,
            .slo_violation_minutes = ts->violation_minutes,
            .slo_met = 100.0 * (minutes - ts->violation_minutes) >=
                       s->sc->slo.objective_pct * minutes - 1e-9,
            .demand_share = s->demand_s > 0 ? ts->demand_s / s->demand_s : 0,
        };
        t->cost = out->summary.cost * t->demand_share;
    }
}

/* What is left at the end: bill the instances still alive up to the end,
 * close the last partial row and window, and derive the summary. */
static void finish(sim *s)
{
    hr_summary *sum = &s->out->summary;
    s->now = s->end_s;
    if (s->now - s->row_start_s > 1e-9 * s->sc->tick_s)
        emit_row(s, s->now - s->row_start_s);
    if (s->now - s->window_start_s > 1e-9 * s->sc->tick_s)
        close_window(s, s->now - s->window_start_s);
    for (size_t i = 0; i < s->n_alive; i++) {
        instance *inst = s->alive[i];
        sum->instance_hours_by_state[inst->state] += (s->now - inst->state_since_s) / 3600.0;
        bill(s, inst);
    }
    for (size_t i = 0; i < s->n_pool; i++)
        bill_pool(s, s->pool[i]);
    /* the reservation is paid for the whole run, used or not */
    double reserved = s->fleet->reserved_count * s->fleet->reserved_price_per_hour * s->end_s / 3600.0;
    sum->cost_by_option[HR_PURCHASE_RESERVED] += reserved;
    s->cost += reserved;
    sum->instance_hours = 0;
    for (int st = 0; st < HR_INSTANCE_TERMINATED; st++)
        sum->instance_hours += sum->instance_hours_by_state[st];
    sum->cost = s->cost;
    sum->forecast_mape_pct = hr_policy_forecast_mape_pct(s->policy);
    sum->forecasts = (int)hr_policy_forecasts_scored(s->policy);
    sum->cost_per_million_requests = sum->requests ? sum->cost / (double)sum->requests * 1e6 : 0;
    sum->error_rate_pct = sum->requests ? 100.0 * (double)sum->errors / (double)sum->requests : 0;
    /* Without a completed or timed-out (started) request there is no latency
     * (wait) to report: NaN, which the store and the JSON write as null,
     * rather than a 0 that would read as perfect. */
    bool done = s->all_latency->count > 0;
    sum->latency_p50_ms = done ? 1000.0 * hr_histogram_quantile(s->all_latency, 0.50) : NAN;
    sum->latency_p95_ms = done ? 1000.0 * hr_histogram_quantile(s->all_latency, 0.95) : NAN;
    sum->latency_p99_ms = done ? 1000.0 * hr_histogram_quantile(s->all_latency, 0.99) : NAN;
    sum->latency_mean_ms = done ? 1000.0 * hr_histogram_mean(s->all_latency) : NAN;
    sum->mean_wait_ms = s->started ? 1000.0 * s->wait_sum_s / (double)s->started : NAN;
    sum->wait_probability = s->started ? (double)s->waited / (double)s->started : NAN;
    /* Compliance by time, so a last, partial window weighs its length. */
    double minutes = s->end_s / 60.0;
    sum->slo_met = 100.0 * (minutes - sum->slo_violation_minutes) >=
                   s->sc->slo.objective_pct * minutes - 1e-9;
    finish_tenants(s, minutes);
}

hr_fidelity hr_engine_fidelity(const hr_scenario *sc, double *expected)
{
    double n = sc->fidelity == HR_FIDELITY_AUTO || expected
                   ? hr_traffic_expected_requests(&sc->traffic, sc->tenants, sc->n_tenants,
                                                  sc->duration_s)
                   : 0;
    if (expected)
        *expected = n;
    if (sc->fidelity != HR_FIDELITY_AUTO)
        return sc->fidelity;
    return n > HR_FIDELITY_AUTO_REQUESTS ? HR_FIDELITY_FLUID : HR_FIDELITY_REQUEST;
}

const char *hr_engine_fluid_caveat(const hr_scenario *sc, char *buf, size_t n)
{
    double m1, m2;
    hr_classes_service_moments(sc->workload.classes, sc->workload.n_classes, &m1, &m2);
    double cv = m1 > 0 ? sqrt(fmax(m2 / (m1 * m1) - 1.0, 0.0)) : 0;
    long workers = (long)sc->fleet.max * sc->fleet.concurrency;
    if (cv > HR_FLUID_MAX_CV)
        snprintf(buf, n,
                 "the service time varies a lot (coefficient of variation %.2g, above %.0f): "
                 "fluid mode's waits are exponential and overstate such a queue's p95 (by 2x "
                 "and more at a cv of 6; docs/validation.md); use fidelity: request for "
                 "latencies",
                 cv, HR_FLUID_MAX_CV);
    else if (workers < HR_FLUID_MIN_WORKERS)
        snprintf(buf, n,
                 "the fleet has at most %ld workers in all (fewer than %d): its queue builds "
                 "and drains slower than a tick, which fluid mode takes as steady; latencies "
                 "can differ from request mode by more than 10%% (docs/validation.md)",
                 workers, HR_FLUID_MIN_WORKERS);
    else
        return NULL;
    return buf;
}

const char *hr_fidelity_name(hr_fidelity f)
{
    return f == HR_FIDELITY_FLUID ? "fluid" : f == HR_FIDELITY_REQUEST ? "request" : "auto";
}

int hr_engine_run(const hr_run_spec *spec, hr_run_result *out, hr_error *err)
{
    const hr_scenario *sc = spec->scenario;
    *out = (hr_run_result){0};
    if (spec->policy_index >= sc->n_policies)
        return hr_error_set(err, HR_EINVAL, "no policy number %zu in scenario %s", spec->policy_index, sc->name);

    const hr_policy_config *pc = &sc->policies[spec->policy_index];
    out->policy = strdup(pc->name);
    out->replication = spec->replication;
    out->seed = spec->seed;
    out->replication_seed = hr_rng_replication_seed(spec->seed, spec->replication);
    out->duration_s = sc->duration_s;
    out->fidelity = hr_engine_fidelity(sc, NULL);
    sim s = {.sc = sc, .fleet = &sc->fleet, .wl = &sc->workload, .out = out, .err = err,
             .progress = spec->progress, .cancel = spec->cancel,
             .fluid = out->fidelity == HR_FIDELITY_FLUID};
    s.mean_service_s = hr_workload_mean_service_s(&sc->workload);
    int rc = out->policy ? setup(&s, spec) : hr_error_set(err, HR_ENOMEM, "out of memory");
    if (rc == HR_OK) {
        /* The capacity at t = 0 (setup: a static fleet's instances, and
         * where a schedule's replay left it), and the oracle's first
         * decision (it knows the load from t = 0). */
        if (s.has_foresight)
            s.initial = foreseen_initial(&s, s.initial);
        s.desired = s.initial;
        for (int i = 0; i < s.initial && s.status == HR_OK; i++)
            launch(&s, true);
        /* the warm pool is there at t = 0 too, ready (within the quota) */
        int pool = pool_target(&s);
        for (int i = 0; i < pool && s.status == HR_OK; i++)
            if (sc->fleet.quota == 0 || (int)(s.n_alive + s.n_pool) < sc->fleet.quota)
                pool_launch(&s, true);
        if (!s.fluid)
            schedule_arrival(&s);
        schedule(&s, sc->tick_s, EV_TICK, NULL, 1);
        if (s.sync_s > 0)
            schedule(&s, s.sync_s, EV_SYNC, NULL, 1);

        hr_event *ev;
        while (s.status == HR_OK && (ev = hr_queue_pop(&s.q))) {
            if (ev->time_s > s.end_s) {
                hr_queue_release(&s.q, ev);
                break;
            }
            s.now = ev->time_s;
            out->summary.events++;
            dispatch(&s, ev);
            hr_queue_release(&s.q, ev);
        }
        rc = s.status;
        if (rc == HR_OK)
            finish(&s);
    }
    teardown(&s);
    if (rc != HR_OK)
        hr_run_result_free(out);
    return rc;
}
