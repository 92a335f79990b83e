/* rng.c - independent random streams per (seed, replication, purpose)
 * (see headroom/rng.h).
 *
 * Stream derivation: h = mix(mix(mix(seed) ^ replication') ^ stream'), where
 * mix is hr_rng_mix64 and the primes mark which input is which so that, e.g.,
 * (seed 1, replication 0) and (seed 0, replication 1) differ. The GSL seed is
 * h folded to 32 bits (gsl_rng_mt19937 uses only 32 bits of its seed), and
 * the stream's uniform_at key is a further mix of h, so the two are not
 * related by construction.
 *
 * GSL's mt19937 replaces seed 0 with its default 4357 (gsl/rng/mt.c); a
 * folded hash is 0 with probability 2^-32, and then that stream equals the
 * one of a hash folding to 4357. That is harmless for a simulation and is
 * left as is rather than remapped, which would only move the collision.
 *
 * hr_rng_mt19937 reproduces gsl/rng/mt.c (GSL 1.x and 2.x alike): the seed
 * routine of Knuth's multiplier 1812433253 (the 2002 MT reference code)
 * with 0 replaced by 4357, and the 1998 generator and tempering. GSL keeps
 * the words in unsigned long masked to 32 bits; uint32_t arithmetic is the
 * same arithmetic modulo 2^32. tests/core/test_rng.c checks the outputs
 * against gsl_rng_mt19937 across regenerations, for several seeds and 0. */
#include "headroom/rng.h"

#include <stddef.h>

/* Constants from Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators" (OOPSLA 2014), splitmix64 as in Vigna's reference C code. */
#define MIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)

uint64_t hr_rng_mix64(uint64_t x)
{
    /* splitmix64 output for state x: the golden-gamma step, then the
     * finaliser. The step keeps mix64(0) away from 0 (the bare finaliser
     * maps 0 to 0). */
    uint64_t z = x + MIX_GAMMA;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- MT19937 ---------------------------------------------------------- */

#define MT_M 397
#define MT_UPPER UINT32_C(0x80000000)
#define MT_LOWER UINT32_C(0x7fffffff)
#define MT_MAGIC(y) (((y) & 1u) ? UINT32_C(0x9908b0df) : 0u)

void hr_mt_regenerate(hr_mt *m)
{
    uint32_t *mt = m->mt;
    int kk;
    for (kk = 0; kk < HR_MT_N - MT_M; kk++) {
        uint32_t y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
        mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ MT_MAGIC(y);
    }
    for (; kk < HR_MT_N - 1; kk++) {
        uint32_t y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
        mt[kk] = mt[kk + (MT_M - HR_MT_N)] ^ (y >> 1) ^ MT_MAGIC(y);
    }
    uint32_t y = (mt[HR_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
    mt[HR_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ MT_MAGIC(y);
    m->mti = 0;
}

static void mt_set(void *state, unsigned long seed)
{
    hr_mt *m = state;
    uint32_t s = (uint32_t)seed;
    if (seed == 0)
        s = 4357; /* GSL's default seed */
    m->mt[0] = s;
    for (uint32_t i = 1; i < HR_MT_N; i++)
        m->mt[i] = UINT32_C(1812433253) * (m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) + i;
    m->mti = HR_MT_N;
}

static unsigned long mt_get(void *state)
{
    return hr_mt_next(state);
}

static double mt_get_double(void *state)
{
    return hr_mt_next(state) / 4294967296.0;
}

const gsl_rng_type hr_rng_mt19937_type = {
    .name = "hr_mt19937",
    .max = UINT32_C(0xffffffff),
    .min = 0,
    .size = sizeof(hr_mt),
    .set = mt_set,
    .get = mt_get,
    .get_double = mt_get_double,
};
const gsl_rng_type *hr_rng_mt19937 = &hr_rng_mt19937_type;

/* Tags so the three inputs land in different parts of the input space. */
#define TAG_REPLICATION UINT64_C(0x52e9a1d7c3b4f015)
#define TAG_STREAM UINT64_C(0xa3c59ac2f1d8e247)
#define TAG_KEY UINT64_C(0x6b43a9b5f0c1d2e3)

uint64_t hr_rng_replication_seed(uint64_t seed, uint32_t replication)
{
    return hr_rng_mix64(hr_rng_mix64(seed) ^ (TAG_REPLICATION + replication));
}

static uint64_t stream_hash(uint64_t seed, uint32_t replication, int stream)
{
    return hr_rng_mix64(hr_rng_replication_seed(seed, replication) ^ (TAG_STREAM + (uint64_t)stream));
}

int hr_rng_init(hr_rng *rng, uint64_t seed, uint32_t replication, hr_error *err)
{
    rng->seed = seed;
    rng->replication = replication;
    for (int s = 0; s < HR_STREAM_COUNT; s++)
        rng->streams[s] = NULL;

    for (int s = 0; s < HR_STREAM_COUNT; s++) {
        uint64_t h = stream_hash(seed, replication, s);
        rng->keys[s] = hr_rng_mix64(h ^ TAG_KEY);
        rng->streams[s] = gsl_rng_alloc(hr_rng_mt19937);
        if (rng->streams[s] == NULL) {
            hr_rng_free(rng);
            return hr_error_set(err, HR_ENOMEM,
                                "out of memory creating random stream %d", s);
        }
        gsl_rng_set(rng->streams[s], (unsigned long)(uint32_t)(h ^ (h >> 32)));
    }
    return HR_OK;
}

void hr_rng_free(hr_rng *rng)
{
    for (int s = 0; s < HR_STREAM_COUNT; s++) {
        if (rng->streams[s] != NULL)
            gsl_rng_free(rng->streams[s]);
        rng->streams[s] = NULL;
    }
}

gsl_rng *hr_rng_stream(const hr_rng *rng, hr_stream stream)
{
    return rng->streams[stream];
}

double hr_rng_uniform_at(const hr_rng *rng, hr_stream stream, uint64_t index)
{
    uint64_t x = hr_rng_mix64(rng->keys[stream] ^ hr_rng_mix64(index));
    /* The top 52 bits as k + 0.5 over 2^52: every value is exactly
     * representable, the smallest is 2^-53 and the largest 1 - 2^-53, so the
     * result is strictly inside (0, 1). (With 53 bits, k + 0.5 needs 54 bits
     * of mantissa and the top values round to exactly 1.0.) */
    return ((double)(x >> 12) + 0.5) * (1.0 / 4503599627370496.0);
}
