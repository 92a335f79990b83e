/* traffic.c - the synthetic rate function; see traffic.h for the model. */
#include "headroom/traffic.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#define DAY_S 86400.0
#define HOUR_S 3600.0
#define MONTH_S (30.0 * DAY_S)

static double max2(double a, double b) { return a > b ? a : b; }

/* Where an event stops changing the rate: its end, or for a spike the
 * point where (M - 1) e^(-u / decay) no longer changes a double (60 decay
 * times: e^-60 < 1e-26). */
static double event_end(const hr_traffic_event *e)
{
    if (e->shape == HR_EVENT_SPIKE)
        return e->start_s + e->ramp_s + 60.0 * e->decay_s;
    return e->start_s + e->duration_s;
}

static int by_start(const void *a, const void *b)
{
    const hr_traffic_event *x = *(const hr_traffic_event *const *)a;
    const hr_traffic_event *y = *(const hr_traffic_event *const *)b;
    if (x->start_s != y->start_s)
        return x->start_s < y->start_s ? -1 : 1;
    return x < y ? -1 : x > y; /* stable: the scenario's order */
}

static int index_events(hr_traffic *tr, hr_error *err)
{
    const hr_traffic_config *c = tr->cfg;
    if (c->n_events == 0)
        return HR_OK;
    tr->events = malloc(c->n_events * sizeof *tr->events);
    tr->events_end_max = malloc(c->n_events * sizeof *tr->events_end_max);
    if (!tr->events || !tr->events_end_max)
        return hr_error_set(err, HR_ENOMEM, "out of memory for the traffic events");
    for (size_t i = 0; i < c->n_events; i++)
        tr->events[i] = &c->events[i];
    qsort(tr->events, c->n_events, sizeof *tr->events, by_start);
    double m = -INFINITY;
    for (size_t i = 0; i < c->n_events; i++) {
        m = max2(m, event_end(tr->events[i]));
        tr->events_end_max[i] = m;
    }
    return HR_OK;
}

/* ---- the noise path ---------------------------------------------------- */

/* The path x' = a x + innovation N(0,1), each point's multiplier
 * exp(x - sigma^2/2), is drawn in chunks of NOISE_CHUNK points. For each
 * chunk the path keeps x at its first point and the noise stream's state
 * before that point's draw, so the chunk can be drawn again, the same draws
 * in the same order giving the same doubles. NOISE_SLOTS chunks are held
 * (the least recently used is drawn over): the run reads near its clock,
 * the oracle's foresight a few hours ahead, the series' demand a row
 * behind. A path of one chunk is held whole, sized to it. Memory: the slots
 * (512 KiB at most) and a stream state per chunk (5 KB for GSL's MT19937
 * per 8192 points): 110 KB of states for 30 days on the 15 s grid of a 5m
 * correlation, 1.6 MB on a 1 s grid, against 1.4 MB and 21 MB for the
 * whole path. */
#define NOISE_CHUNK_LOG2 13
#define NOISE_CHUNK ((size_t)1 << NOISE_CHUNK_LOG2)
#define NOISE_SLOTS 8

typedef struct noise_slot {
    size_t chunk;      /* SIZE_MAX: empty */
    uint64_t used;     /* when last read (the path's clock) */
    double *v;         /* in the path's slab */
} noise_slot;

struct hr_noise_path {
    size_t n, n_chunks;
    double a, innovation, half_var;
    double *x0;               /* x at each chunk's first point */
    unsigned char *states;    /* the stream's state there, state_size bytes each */
    size_t state_size;
    gsl_rng *scratch;         /* draws chunks again (NULL for a path of one chunk) */
    double *slab;             /* the slots' points, one block */
    size_t slab_len;
    noise_slot slots[NOISE_SLOTS];
    size_t last;              /* the slot read last */
    const double *cur;        /* its points, cur_from to cur_from + cur_len - 1 */
    size_t cur_from, cur_len;
    uint64_t clock;
};

static void noise_free(struct hr_noise_path *p)
{
    if (p == NULL)
        return;
    free(p->slab);
    free(p->x0);
    free(p->states);
    if (p->scratch)
        gsl_rng_free(p->scratch);
    free(p);
}

/* Points in chunk c. */
static size_t chunk_len(const struct hr_noise_path *p, size_t c)
{
    size_t from = c << NOISE_CHUNK_LOG2;
    return p->n - from < NOISE_CHUNK ? p->n - from : NOISE_CHUNK;
}

/* Draw chunk c's points into out from x, with r at the chunk's state;
 * returns x after them. */
static double noise_run(const struct hr_noise_path *p, gsl_rng *r, double x, size_t len,
                        double *out)
{
    for (size_t k = 0; k < len; k++) {
        out[k] = exp(x - p->half_var);
        x = p->a * x + gsl_ran_gaussian(r, p->innovation);
    }
    return x;
}

/* Draw the whole path once from r: the first chunk into slot 0, the start
 * of every chunk into x0 and states. */
static int noise_draw(hr_traffic *tr, gsl_rng *r, double a, double innovation, double sigma)
{
    struct hr_noise_path *p = calloc(1, sizeof *p);
    if (p == NULL)
        return HR_ENOMEM;
    tr->noise = p;
    p->n = tr->n_noise;
    p->n_chunks = (p->n + NOISE_CHUNK - 1) >> NOISE_CHUNK_LOG2;
    p->a = a;
    p->innovation = innovation;
    p->half_var = 0.5 * sigma * sigma;
    for (size_t i = 0; i < NOISE_SLOTS; i++)
        p->slots[i].chunk = SIZE_MAX;
    /* one block for the slots: a long path's is large enough that the
     * allocator maps it apart, and unmaps it when the run ends */
    p->slab_len = p->n_chunks == 1 ? p->n : NOISE_SLOTS * NOISE_CHUNK;
    if ((p->slab = malloc(p->slab_len * sizeof *p->slab)) == NULL)
        return HR_ENOMEM;
    for (size_t i = 0; i < (p->n_chunks == 1 ? 1 : NOISE_SLOTS); i++)
        p->slots[i].v = p->slab + i * NOISE_CHUNK;
    double x = gsl_ran_gaussian(r, sigma); /* start in the stationary law */
    if (p->n_chunks > 1) {
        p->state_size = gsl_rng_size(r);
        p->x0 = malloc(p->n_chunks * sizeof *p->x0);
        p->states = malloc(p->n_chunks * p->state_size);
        p->scratch = gsl_rng_clone(r);
        if (!p->x0 || !p->states || !p->scratch)
            return HR_ENOMEM;
    }
    for (size_t c = 0; c < p->n_chunks; c++) {
        if (p->n_chunks > 1) {
            p->x0[c] = x;
            memcpy(p->states + c * p->state_size, gsl_rng_state(r), p->state_size);
        }
        /* chunk 0 stays in slot 0; the others are drawn to move the
         * stream on, into slot 1, which they leave empty */
        noise_slot *s = &p->slots[c == 0 ? 0 : 1];
        x = noise_run(p, r, x, chunk_len(p, c), s->v);
    }
    p->slots[0].chunk = 0;
    p->cur = p->slots[0].v;
    p->cur_from = 0;
    p->cur_len = chunk_len(p, 0);
    return HR_OK;
}

/* The slot holding chunk c (of a path of several), drawn again into the
 * least recently used slot when no slot holds it. */
static noise_slot *noise_chunk(struct hr_noise_path *p, size_t c)
{
    size_t at = 0;
    while (at < NOISE_SLOTS && p->slots[at].chunk != c)
        at++;
    if (at == NOISE_SLOTS) {
        at = 0;
        for (size_t i = 1; i < NOISE_SLOTS; i++)
            if (p->slots[i].used < p->slots[at].used)
                at = i;
        noise_slot *s = &p->slots[at];
        memcpy(gsl_rng_state(p->scratch), p->states + c * p->state_size, p->state_size);
        noise_run(p, p->scratch, p->x0[c], chunk_len(p, c), s->v);
        s->chunk = c;
    }
    p->last = at;
    p->slots[at].used = ++p->clock;
    p->cur = p->slots[at].v;
    p->cur_from = c << NOISE_CHUNK_LOG2;
    p->cur_len = chunk_len(p, c);
    return &p->slots[at];
}

/* The multiplier at grid point k < n. */
static inline double noise_point(const hr_traffic *tr, size_t k)
{
    struct hr_noise_path *p = tr->noise;
    size_t c = k >> NOISE_CHUNK_LOG2;
    noise_slot *s = &p->slots[p->last];
    if (s->chunk != c)
        s = noise_chunk(p, c);
    return s->v[k & (NOISE_CHUNK - 1)];
}

int hr_traffic_init(hr_traffic *tr, const hr_traffic_config *cfg, double duration_s, gsl_rng *r,
                    hr_error *err)
{
    *tr = (hr_traffic){.cfg = cfg};
    tr->growth_per_s = log1p(cfg->growth_monthly) / MONTH_S;
    tr->growth_flat = cfg->growth_model == HR_GROWTH_STEPS ? cfg->n_growth_steps == 0
                                                           : cfg->growth_monthly == 0;
    int rc = index_events(tr, err);
    if (rc != HR_OK) {
        hr_traffic_free(tr);
        return rc;
    }
    tr->diurnal_flat = tr->weekly_flat = true;
    for (int h = 0; h < 24; h++)
        tr->diurnal_flat &= cfg->diurnal[h] == 1.0;
    for (int d = 0; d < 7; d++)
        tr->weekly_flat &= cfg->weekly[d] == 1.0;
    if (cfg->noise_sigma <= 0)
        return HR_OK;

    /* A grid fine enough to follow the process (20 points per time
     * constant) but never finer than a second. */
    double tau = cfg->noise_correlation_s;
    tr->noise_step_s = fmax(1.0, tau / 20.0);
    tr->n_noise = (size_t)ceil(duration_s / tr->noise_step_s) + 2;
    double sigma = cfg->noise_sigma;
    double a = exp(-tr->noise_step_s / tau);
    rc = noise_draw(tr, r, a, sigma * sqrt(1.0 - a * a), sigma);
    if (rc != HR_OK) {
        hr_traffic_free(tr);
        return hr_error_set(err, HR_ENOMEM, "out of memory for the traffic noise path");
    }
    return HR_OK;
}

size_t hr_traffic_bytes(const hr_traffic *tr)
{
    size_t bytes = 0;
    if (tr->events)
        bytes += tr->cfg->n_events * (sizeof *tr->events + sizeof *tr->events_end_max);
    const struct hr_noise_path *p = tr->noise;
    if (p == NULL)
        return bytes;
    bytes += sizeof *p + p->slab_len * sizeof *p->slab;
    if (p->n_chunks > 1)
        bytes += p->n_chunks * (sizeof *p->x0 + p->state_size);
    return bytes;
}

void hr_traffic_free(hr_traffic *tr)
{
    noise_free(tr->noise);
    free(tr->events);
    free(tr->events_end_max);
    *tr = (hr_traffic){0};
}

/* ---- factors ----------------------------------------------------------- */

static double diurnal_at(const double d[24], double t)
{
    double x = fmod(t, DAY_S) / HOUR_S - 0.5; /* hour h sits at h + 0.5 */
    if (x < 0)
        x += 24.0;
    int i = (int)x;
    double f = x - i;
    return d[i % 24] * (1.0 - f) + d[(i + 1) % 24] * f;
}

/* Max of the piecewise-linear diurnal curve on [t0, t1]: at the ends or at
 * a knot (hh:30) inside. */
static double diurnal_max(const double d[24], double t0, double t1)
{
    double m = max2(diurnal_at(d, t0), diurnal_at(d, t1));
    if (t1 - t0 >= DAY_S) {
        for (int h = 0; h < 24; h++)
            m = max2(m, d[h]);
        return m;
    }
    double k = floor((t0 - 0.5 * HOUR_S) / HOUR_S) + 1; /* first knot index after t0 */
    for (double tk = k * HOUR_S + 0.5 * HOUR_S; tk < t1; tk += HOUR_S)
        m = max2(m, diurnal_at(d, tk));
    return m;
}

static int day_of_week(const hr_traffic_config *c, double t)
{
    long day = (long)floor(t / DAY_S);
    return (int)(((c->start_day + day) % 7 + 7) % 7);
}

static double weekly_max(const hr_traffic_config *c, double t0, double t1)
{
    long d0 = (long)floor(t0 / DAY_S), d1 = (long)floor(t1 / DAY_S);
    double m = 0;
    for (long d = d0; d <= d1 && d < d0 + 7; d++)
        m = max2(m, c->weekly[((c->start_day + d) % 7 + 7) % 7]);
    return m;
}

static double event_at(const hr_traffic_event *e, double t)
{
    double u = t - e->start_s;
    if (u < 0)
        return 1.0;
    double peak = e->multiplier - 1.0;
    if (e->shape == HR_EVENT_SPIKE) {
        if (u < e->ramp_s)
            return 1.0 + peak * u / e->ramp_s;
        return 1.0 + peak * exp(-(u - e->ramp_s) / e->decay_s);
    }
    if (u >= e->duration_s)
        return 1.0;
    double r = 1.0;
    if (e->ramp_s > 0) {
        if (u < e->ramp_s)
            r = u / e->ramp_s;
        else if (u > e->duration_s - e->ramp_s)
            r = (e->duration_s - u) / e->ramp_s;
    }
    return 1.0 + peak * r;
}

/* An event factor is monotone between its breakpoints (where a ramp starts
 * or ends), so its max on [t0, t1] is at an end or at a breakpoint inside,
 * taken from both sides because a ramp of 0 makes the factor jump. */
static double event_max(const hr_traffic_event *e, double t0, double t1)
{
    double m = max2(event_at(e, t0), event_at(e, t1));
    double bp[4] = {e->start_s, e->start_s + e->ramp_s, e->start_s + e->duration_s - e->ramp_s,
                    e->start_s + e->duration_s};
    for (int i = 0; i < 4; i++) {
        double sides[3] = {nextafter(bp[i], -INFINITY), bp[i], nextafter(bp[i], INFINITY)};
        for (int j = 0; j < 3; j++)
            if (sides[j] >= t0 && sides[j] <= t1)
                m = max2(m, event_at(e, sides[j]));
    }
    return m;
}

static double noise_at(const hr_traffic *tr, double t)
{
    if (!tr->noise)
        return 1.0;
    double x = t / tr->noise_step_s;
    size_t k = (size_t)x;
    if (k + 1 >= tr->n_noise)
        return noise_point(tr, tr->n_noise - 1);
    double f = x - (double)k;
    const struct hr_noise_path *p = tr->noise;
    size_t i = k - p->cur_from; /* wraps to a huge value for k before the chunk */
    if (i < p->cur_len - 1)     /* both points in the chunk read last: the usual case */
        return p->cur[i] * (1.0 - f) + p->cur[i + 1] * f;
    return noise_point(tr, k) * (1.0 - f) + noise_point(tr, k + 1) * f;
}

static double noise_max(const hr_traffic *tr, double t0, double t1)
{
    if (!tr->noise)
        return 1.0;
    double m = max2(noise_at(tr, t0), noise_at(tr, t1));
    size_t k0 = (size_t)(t0 / tr->noise_step_s) + 1;
    for (size_t k = k0; k < tr->n_noise && k * tr->noise_step_s < t1; k++)
        m = max2(m, noise_point(tr, k));
    return m;
}

/* ---- replay ------------------------------------------------------------ */

/* The row holding trace time x (x in [0, end)): the last row at or before x. */
static size_t replay_row(const hr_replay_config *r, double x)
{
    size_t lo = 0, hi = r->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->time_s[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Trace time at simulated time t. */
static double replay_time(const hr_replay_config *r, double t)
{
    double x = r->start_s + r->speed * t;
    if (r->loop && x >= r->end_s)
        x = fmod(x, r->end_s);
    return x < r->end_s ? x : nextafter(r->end_s, 0);
}

/* The middle of row i's interval, where linear interpolation puts the
 * row's rate (a row is its interval's average). */
static double replay_mid(const hr_replay_config *r, size_t i)
{
    double next = i + 1 < r->n ? r->time_s[i + 1] : r->end_s;
    return 0.5 * (r->time_s[i] + next);
}

/* Linear interpolation between the middles of the rows: between row i and
 * row j (j after i) at x, with j's middle shifted by `wrap` when the pair
 * spans the loop's seam. */
static double between(const hr_replay_config *r, size_t i, size_t j, double x, double wrap_i,
                      double wrap_j)
{
    double a = replay_mid(r, i) + wrap_i, b = replay_mid(r, j) + wrap_j;
    double f = b > a ? (x - a) / (b - a) : 0;
    return r->rate[i] + (r->rate[j] - r->rate[i]) * f;
}

static double replay_at(const hr_replay_config *r, double t)
{
    double x = replay_time(r, t);
    size_t i = replay_row(r, x);
    double v = r->rate[i];
    if (r->interp == HR_REPLAY_LINEAR && r->n > 1) {
        size_t last = r->n - 1;
        if (x >= replay_mid(r, i)) {
            if (i < last)
                v = between(r, i, i + 1, x, 0, 0);
            else if (r->loop) /* across the seam to the first row */
                v = between(r, last, 0, x, 0, r->end_s);
        } else {
            if (i > 0)
                v = between(r, i - 1, i, x, 0, 0);
            else if (r->loop)
                v = between(r, last, 0, x, -r->end_s, 0);
        }
    }
    return r->scale * v;
}

/* Max of the rates that shape trace times [x0, x1] (no wrap inside): the
 * rows holding them and, for linear, the rows on either side (and across
 * the seam of a loop). */
static double replay_rows_max(const hr_replay_config *r, double x0, double x1)
{
    size_t i0 = replay_row(r, x0), i1 = replay_row(r, x1);
    double m = 0;
    if (r->interp == HR_REPLAY_LINEAR) {
        if (i0 > 0)
            i0--;
        if (i1 + 1 < r->n)
            i1++;
        if (r->loop && (i0 == 0 || i1 == r->n - 1))
            m = max2(r->rate[0], r->rate[r->n - 1]);
    }
    for (size_t i = i0; i <= i1; i++)
        m = max2(m, r->rate[i]);
    return m;
}

static double replay_max(const hr_replay_config *r, double t0, double t1)
{
    double x0 = r->start_s + r->speed * t0, x1 = r->start_s + r->speed * t1;
    if (r->loop && x1 - x0 >= r->end_s)
        return r->scale * replay_rows_max(r, 0, nextafter(r->end_s, 0));
    x0 = replay_time(r, t0);
    x1 = replay_time(r, t1);
    double m = x1 >= x0 ? replay_rows_max(r, x0, x1)
                        : max2(replay_rows_max(r, x0, nextafter(r->end_s, 0)),
                               replay_rows_max(r, 0, x1));
    return r->scale * m;
}

/* ---- growth ------------------------------------------------------------ */

static double growth_at(const hr_traffic *tr, double t)
{
    const hr_traffic_config *c = tr->cfg;
    switch (c->growth_model) {
    case HR_GROWTH_COMPOUND:
        return exp(tr->growth_per_s * t);
    case HR_GROWTH_LINEAR:
        return max2(0.0, 1.0 + c->growth_monthly * t / MONTH_S);
    case HR_GROWTH_LOGISTIC: {
        double cap = c->growth_ceiling;
        return cap / (1.0 + (cap - 1.0) * exp(-tr->growth_per_s * t));
    }
    case HR_GROWTH_STEPS: {
        double level = 1.0;
        for (size_t i = 0; i < c->n_growth_steps && c->growth_steps[i].at_s <= t; i++)
            level = c->growth_steps[i].level;
        return level;
    }
    }
    return 1.0;
}

/* Compound, linear and logistic are monotone: the max is at an end. Steps
 * are the levels in force anywhere in [t0, t1]. */
static double growth_max(const hr_traffic *tr, double t0, double t1)
{
    const hr_traffic_config *c = tr->cfg;
    double m = max2(growth_at(tr, t0), growth_at(tr, t1));
    if (c->growth_model == HR_GROWTH_STEPS)
        for (size_t i = 0; i < c->n_growth_steps && c->growth_steps[i].at_s <= t1; i++)
            if (c->growth_steps[i].at_s >= t0)
                m = max2(m, c->growth_steps[i].level);
    return m;
}

/* ---- the rate ---------------------------------------------------------- */

/* The first event (by start) that may still be in force at t: events before
 * it, and all they precede, ended by t. */
static size_t first_event_in_force(const hr_traffic *tr, double t)
{
    size_t lo = 0, hi = tr->cfg->n_events;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr->events_end_max[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the local clock ---------------------------------------------------- */

/* The entry of the local clock in force at t (clock_at_s[0] = 0). */
static size_t clock_entry(const hr_traffic_config *c, double t)
{
    size_t i = c->n_clock - 1;
    while (i > 0 && c->clock_at_s[i] > t)
        i--;
    return i;
}

/* Local time since midnight of day 0 at t: what the daily and weekly
 * shapes read (t itself without a calendar). */
static double local_at(const hr_traffic_config *c, double t)
{
    if (c->n_clock == 0)
        return t;
    return t + c->clock_shift_s[clock_entry(c, t)];
}

/* The max of the daily x weekly shape over [t0, t1] in simulated time:
 * over each stretch of one clock shift, the local interval it maps to (a
 * change of offset makes local time jump, forwards or back). */
static double shape_max(const hr_traffic_config *c, double t0, double t1)
{
    if (c->n_clock == 0)
        return diurnal_max(c->diurnal, t0, t1) * weekly_max(c, t0, t1);
    double m = 0;
    for (size_t i = clock_entry(c, t0); i < c->n_clock; i++) {
        double a = i == 0 || c->clock_at_s[i] < t0 ? t0 : c->clock_at_s[i];
        double b = i + 1 < c->n_clock && c->clock_at_s[i + 1] < t1 ? c->clock_at_s[i + 1] : t1;
        if (a > t1)
            break;
        double la = a + c->clock_shift_s[i], lb = b + c->clock_shift_s[i];
        m = max2(m, diurnal_max(c->diurnal, la, lb) * weekly_max(c, la, lb));
    }
    return m;
}

/* The daily and weekly shape at t (1 with a replay, which has its own). */
static double shape_at(const hr_traffic *tr, double t)
{
    const hr_traffic_config *c = tr->cfg;
    double d = 1.0;
    if (c->has_replay)
        return d;
    t = local_at(c, t);
    if (!tr->diurnal_flat)
        d *= diurnal_at(c->diurnal, t);
    if (!tr->weekly_flat)
        d *= c->weekly[day_of_week(c, t)];
    return d;
}

/* A tenant's onboarding ramp: 0 before onboard, rising linearly to 1 over
 * ramp_s, then 1 (non-decreasing, so its max on [t0, t1] is at t1). */
static double onboard_at(const hr_tenant *k, double t)
{
    double u = t - k->onboard_s;
    if (u < 0)
        return 0;
    return k->ramp_s > 0 && u < k->ramp_s ? u / k->ramp_s : 1.0;
}

/* The streams' rates before growth, events and noise: the base stream's
 * (index 0) and each tenant's (k + 1); returns their sum. parts may be NULL. */
static double streams_at(const hr_traffic *tr, double t, double *parts)
{
    const hr_traffic_config *c = tr->cfg;
    double shape = shape_at(tr, t);
    double base = c->has_replay ? replay_at(&c->replay, t) : c->base_rps * shape;
    double sum = base;
    if (parts)
        parts[0] = base;
    for (size_t k = 0; k < tr->n_tenants; k++) {
        double v = tr->tenants[k].base_rps * onboard_at(&tr->tenants[k], t) * shape;
        if (parts)
            parts[k + 1] = v;
        sum += v;
    }
    return sum;
}

/* Growth, events and noise at t: they multiply every stream. */
static double factors_at(const hr_traffic *tr, double t)
{
    const hr_traffic_config *c = tr->cfg;
    double f = 1.0;
    if (!tr->growth_flat)
        f *= growth_at(tr, t);
    for (size_t i = first_event_in_force(tr, t); i < c->n_events && tr->events[i]->start_s <= t; i++)
        f *= event_at(tr->events[i], t);
    return f * noise_at(tr, t);
}

double hr_traffic_rate(const hr_traffic *tr, double t)
{
    return streams_at(tr, t, NULL) * factors_at(tr, t);
}

double hr_traffic_streams(const hr_traffic *tr, double t, double *rates)
{
    double f = factors_at(tr, t), total = streams_at(tr, t, rates);
    for (size_t k = 0; k <= tr->n_tenants; k++)
        rates[k] *= f;
    return total * f;
}

size_t hr_traffic_pick(const hr_traffic *tr, double t, double u)
{
    if (tr->n_tenants == 0)
        return 0;
    const hr_traffic_config *c = tr->cfg;
    double shape = shape_at(tr, t);
    double base = c->has_replay ? replay_at(&c->replay, t) : c->base_rps * shape;
    double total = streams_at(tr, t, NULL);
    double x = u * total, acc = base;
    if (x < acc)
        return 0;
    for (size_t k = 0; k < tr->n_tenants; k++) {
        acc += tr->tenants[k].base_rps * onboard_at(&tr->tenants[k], t) * shape;
        if (x < acc)
            return k + 1;
    }
    /* rounding at the top end: the last stream with a rate */
    for (size_t k = tr->n_tenants; k-- > 0;)
        if (onboard_at(&tr->tenants[k], t) > 0)
            return k + 1;
    return 0;
}

double hr_traffic_bound(const hr_traffic *tr, double t0, double t1)
{
    const hr_traffic_config *c = tr->cfg;
    double shape = c->has_replay ? 1.0 : shape_max(c, t0, t1);
    double bound = c->has_replay ? replay_max(&c->replay, t0, t1) : c->base_rps * shape;
    for (size_t k = 0; k < tr->n_tenants; k++)
        bound += tr->tenants[k].base_rps * onboard_at(&tr->tenants[k], t1) * shape;
    if (!tr->growth_flat)
        bound *= growth_max(tr, t0, t1);
    for (size_t i = first_event_in_force(tr, t0); i < c->n_events && tr->events[i]->start_s <= t1; i++)
        bound *= event_max(tr->events[i], t0, t1);
    return bound * noise_max(tr, t0, t1);
}

void hr_traffic_add_tenants(hr_traffic *tr, const hr_tenant *tenants, size_t n)
{
    tr->tenants = tenants;
    tr->n_tenants = n;
}

double hr_traffic_expected_requests(const hr_traffic_config *cfg, const hr_tenant *tenants,
                                    size_t n_tenants, double duration_s)
{
    hr_traffic_config quiet = *cfg;
    quiet.noise_sigma = 0;
    hr_traffic tr;
    if (hr_traffic_init(&tr, &quiet, duration_s, NULL, NULL) != HR_OK)
        return NAN;
    hr_traffic_add_tenants(&tr, tenants, n_tenants);
    double step = fmax(1.0, duration_s / 100000.0);
    double total = 0, prev = hr_traffic_rate(&tr, 0);
    for (double t0 = 0; t0 < duration_s; t0 += step) {
        double t1 = fmin(t0 + step, duration_s);
        double next = hr_traffic_rate(&tr, t1);
        total += 0.5 * (prev + next) * (t1 - t0);
        prev = next;
    }
    hr_traffic_free(&tr);
    return total;
}
