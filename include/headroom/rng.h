/* rng.h - independent random streams, one per purpose, derived from the run
 * seed and the replication number.
 *
 * Every candidate policy of one replication is run with the same (seed,
 * replication), so the streams that do not depend on the policy (arrivals,
 * service demand, noise) produce the same traffic for every policy: common
 * random numbers. Per-instance draws (boot time, time to failure) use
 * hr_rng_uniform_at, a counter-based draw keyed by the instance's launch
 * ordinal, so launch number k boots and fails alike under every policy. */
#ifndef HEADROOM_RNG_H
#define HEADROOM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "headroom/error.h"

typedef enum hr_stream {
    HR_STREAM_ARRIVALS = 0, /* inter-arrival times and thinning */
    HR_STREAM_SERVICE,      /* request class and service demand */
    HR_STREAM_BOOT,         /* boot times (counter-based) */
    HR_STREAM_FAILURES,     /* times to failure (counter-based) */
    HR_STREAM_NOISE,        /* traffic noise */
    HR_STREAM_ROUTING,      /* load balancer random choices */
    HR_STREAM_SPOT,         /* spot interruptions and capacity (counter-based) */
    HR_STREAM_FAULTS,       /* launch failures and slow boots (counter-based) */
    HR_STREAM_COUNT
} hr_stream;

typedef struct hr_rng {
    uint64_t seed;
    uint32_t replication;
    uint64_t keys[HR_STREAM_COUNT];      /* per-stream keys for uniform_at */
    gsl_rng *streams[HR_STREAM_COUNT];   /* hr_rng_mt19937 each */
} hr_rng;

/* ---- MT19937 inline ------------------------------------------------------
 *
 * The streams are GSL generators of type hr_rng_mt19937: Matsumoto and
 * Nishimura's MT19937 with GSL's seeding, so every stream yields exactly the
 * numbers gsl_rng_mt19937 would (raw 32-bit outputs, gsl_rng_uniform as
 * output / 2^32, gsl_rng_uniform_pos, gsl_rng_uniform_int), and every GSL
 * function taking a gsl_rng (gsl_ran_gamma, ...) works on it unchanged. Its
 * state is an hr_mt that the hr_rng_uniform* functions below read inline,
 * without GSL's calls through function pointers: the hot path of a run
 * (every inter-arrival time, routing choice and exponential service time). */

#define HR_MT_N 624

typedef struct hr_mt {
    uint32_t mt[HR_MT_N];
    uint32_t mti;          /* next word of mt to temper; HR_MT_N: regenerate */
} hr_mt;

/* The GSL type (use with gsl_rng_alloc); its state is an hr_mt. */
extern const gsl_rng_type hr_rng_mt19937_type;
extern const gsl_rng_type *hr_rng_mt19937;

/* Regenerate the HR_MT_N words of m and set mti to 0. */
void hr_mt_regenerate(hr_mt *m);

/* The next raw 32-bit output. */
static inline uint32_t hr_mt_next(hr_mt *m)
{
    if (m->mti >= HR_MT_N)
        hr_mt_regenerate(m);
    uint32_t k = m->mt[m->mti++];
    k ^= k >> 11;
    k ^= (k << 7) & UINT32_C(0x9d2c5680);
    k ^= (k << 15) & UINT32_C(0xefc60000);
    k ^= k >> 18;
    return k;
}

/* gsl_rng_uniform(r): [0, 1), output / 2^32. Inline for hr_rng_mt19937
 * generators, GSL's own call for any other. */
static inline double hr_rng_uniform(gsl_rng *r)
{
    if (r->type == &hr_rng_mt19937_type)
        return hr_mt_next((hr_mt *)r->state) / 4294967296.0;
    return gsl_rng_uniform(r);
}

/* gsl_rng_uniform_pos(r): (0, 1), zeros skipped, the same draws. */
static inline double hr_rng_uniform_pos(gsl_rng *r)
{
    if (r->type == &hr_rng_mt19937_type) {
        uint32_t k;
        do
            k = hr_mt_next((hr_mt *)r->state);
        while (k == 0);
        return k / 4294967296.0;
    }
    return gsl_rng_uniform_pos(r);
}

/* gsl_rng_uniform_int(r, n): an integer in [0, n), 1 <= n <= 2^32 - 1, by
 * GSL's method (output / floor((2^32 - 1) / n), redrawn while >= n), so the
 * same draws. */
static inline unsigned long hr_rng_uniform_int(gsl_rng *r, unsigned long n)
{
    if (r->type == &hr_rng_mt19937_type && n > 0 && n <= UINT32_C(0xffffffff)) {
        uint32_t scale = UINT32_C(0xffffffff) / (uint32_t)n, k;
        do
            k = hr_mt_next((hr_mt *)r->state) / scale;
        while (k >= n);
        return k;
    }
    return gsl_rng_uniform_int(r, n);
}

/* Create the streams for (seed, replication). Each stream's GSL seed is a
 * splitmix64 hash of (seed, replication, stream), so streams are
 * independent and adding a stream never changes another. Returns HR_OK or
 * HR_ENOMEM. */
int hr_rng_init(hr_rng *rng, uint64_t seed, uint32_t replication, hr_error *err);

/* The seed replication's streams are all derived from: every stream of
 * (seed, replication) is a hash of this value and the stream number. It is
 * stored with each run (runs.replication_seed) as a record of the draws. */
uint64_t hr_rng_replication_seed(uint64_t seed, uint32_t replication);

/* Free the streams. Safe on a zeroed or already freed hr_rng. */
void hr_rng_free(hr_rng *rng);

/* The GSL generator of one stream (owned by rng). */
gsl_rng *hr_rng_stream(const hr_rng *rng, hr_stream stream);

/* A uniform draw in (0, 1), a pure function of (seed, replication, stream,
 * index): the same index always gives the same value. */
double hr_rng_uniform_at(const hr_rng *rng, hr_stream stream, uint64_t index);

/* splitmix64 finaliser, exposed for deriving keys. */
uint64_t hr_rng_mix64(uint64_t x);

#endif
