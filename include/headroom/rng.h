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
    gsl_rng *streams[HR_STREAM_COUNT];   /* gsl_rng_mt19937 each */
} hr_rng;

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
