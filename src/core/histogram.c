/* histogram.c - log-bucketed histogram (see headroom/histogram.h).
 *
 * For a positive normal double v = (1 + f) 2^e, its bits read as an unsigned
 * integer are (e + 1023) << 52 | f << 52 and increase with v. Shifting right
 * by 52 - HR_HIST_SUB_BITS keeps the exponent and the top SUB_BITS of the
 * mantissa, so
 *     index = (bits >> (52 - SUB_BITS)) - ((1023 + MIN_EXP) << SUB_BITS)
 * numbers buckets from [2^MIN_EXP, ...) upward, 2^SUB_BITS per octave. Bucket
 * (e, k) covers [2^e (1 + k/64), 2^e (1 + (k+1)/64)). No log(), no loop.
 * The index is computed in the header (hr_histogram_bucket), so that the
 * engine computes it once per completion for all its histograms.
 *
 * No bucket below the one of min holds a value, so a quantile's scan starts
 * there: a row's histogram (a tick's latencies) is read three times per
 * tick, and its values sit in a few octaves well above a microsecond. */
#include "headroom/histogram.h"

#include <math.h>
#include <string.h>

void hr_histogram_reset(hr_histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = INFINITY;   /* so the first add sets both */
    h->max = -INFINITY;
}

void hr_histogram_add(hr_histogram *h, double value)
{
    size_t bucket = hr_histogram_bucket(&value);
    hr_histogram_add_at(h, bucket, value, 1);
}

void hr_histogram_add_n(hr_histogram *h, double value, uint64_t n)
{
    if (n == 0)
        return;
    size_t bucket = hr_histogram_bucket(&value);
    hr_histogram_add_at(h, bucket, value, n);
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
    double lowest = h->min;
    size_t i = hr_histogram_bucket(&lowest);
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
