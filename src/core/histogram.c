/* histogram.c - log-bucketed histogram (see headroom/histogram.h).
 *
 * For a positive normal double v = (1 + f) 2^e, its bits read as an unsigned
 * integer are (e + 1023) << 52 | f << 52 and increase with v. Shifting right
 * by 52 - HR_HIST_SUB_BITS keeps the exponent and the top SUB_BITS of the
 * mantissa, so
 *     index = (bits >> (52 - SUB_BITS)) - ((1023 + MIN_EXP) << SUB_BITS)
 * numbers buckets from [2^MIN_EXP, ...) upward, 2^SUB_BITS per octave. Bucket
 * (e, k) covers [2^e (1 + k/64), 2^e (1 + (k+1)/64)). No log(), no loop. */
#include "headroom/histogram.h"

#include <math.h>
#include <string.h>

#define MANT_BITS 52
#define INDEX_SHIFT (MANT_BITS - HR_HIST_SUB_BITS)
#define INDEX_BASE ((uint64_t)(1023 + HR_HIST_MIN_EXP) << HR_HIST_SUB_BITS)

void hr_histogram_reset(hr_histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = INFINITY;   /* so the first add sets both */
    h->max = -INFINITY;
}

/* The bucket of *value, which becomes 0 when negative or NaN. */
static size_t bucket_of(double *value)
{
    if (!(*value >= HR_HIST_MIN_S)) {
        if (!(*value >= 0.0))
            *value = 0.0; /* negative or NaN */
        return 0;
    }
    if (*value >= HR_HIST_MAX_S)
        return HR_HIST_BUCKETS - 1;
    uint64_t bits;
    memcpy(&bits, value, sizeof bits);
    return (size_t)((bits >> INDEX_SHIFT) - INDEX_BASE);
}

void hr_histogram_add(hr_histogram *h, double value)
{
    size_t index = bucket_of(&value);
    h->buckets[index]++;
    h->count++;
    h->sum += value;
    h->min = value < h->min ? value : h->min;
    h->max = value > h->max ? value : h->max;
}

void hr_histogram_add_n(hr_histogram *h, double value, uint64_t n)
{
    if (n == 0)
        return;
    size_t index = bucket_of(&value);
    h->buckets[index] += n;
    h->count += n;
    h->sum += value * (double)n;
    h->min = value < h->min ? value : h->min;
    h->max = value > h->max ? value : h->max;
}

void hr_histogram_merge(hr_histogram *dst, const hr_histogram *src)
{
    for (size_t i = 0; i < HR_HIST_BUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

/* Midpoint of bucket i: lower edge 2^e (1 + k/64), width 2^e / 64. */
static double bucket_mid(size_t i)
{
    int e = (int)(i >> HR_HIST_SUB_BITS) + HR_HIST_MIN_EXP;
    double k = (double)(i & ((1u << HR_HIST_SUB_BITS) - 1));
    return ldexp(1.0 + (k + 0.5) / (double)(1u << HR_HIST_SUB_BITS), e);
}

double hr_histogram_quantile(const hr_histogram *h, double q)
{
    if (h->count == 0)
        return 0.0;
    if (!(q >= 0.0))
        q = 0.0;
    if (q > 1.0)
        q = 1.0;

    /* The rank-th smallest value, 1-based: ceil(q n), at least 1. */
    double r = ceil(q * (double)h->count);
    uint64_t rank = r < 1.0 ? 1 : (uint64_t)r;
    if (rank > h->count)
        rank = h->count;

    uint64_t seen = 0;
    size_t i = 0;
    for (; i < HR_HIST_BUCKETS - 1; i++) {
        seen += h->buckets[i];
        if (seen >= rank)
            break;
    }
    double mid = bucket_mid(i);
    if (mid < h->min)
        mid = h->min;
    if (mid > h->max)
        mid = h->max;
    return mid;
}

double hr_histogram_mean(const hr_histogram *h)
{
    return h->count > 0 ? h->sum / (double)h->count : 0.0;
}
