/* histogram.h - log-bucketed histogram of positive values (latencies in
 * seconds) with bounded relative error.
 *
 * A value's bucket is its IEEE-754 exponent and the top HR_HIST_SUB_BITS bits
 * of its mantissa, so bucket width is at most 2^-6 = 1.56% of its lower edge
 * and a quantile reported at the bucket midpoint is within 0.79% of a value
 * in that bucket (the issue asks for at most 1%). Values below
 * HR_HIST_MIN_S count in the first bucket, above HR_HIST_MAX_S in the last;
 * count, sum, min and max are exact (min is +INFINITY and max -INFINITY
 * while the histogram is empty). */
#ifndef HEADROOM_HISTOGRAM_H
#define HEADROOM_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HR_HIST_SUB_BITS 6
#define HR_HIST_MIN_EXP (-20)  /* 2^-20 s, about 1 microsecond */
#define HR_HIST_MAX_EXP 17     /* 2^17 s, about 36 hours */
#define HR_HIST_BUCKETS (((HR_HIST_MAX_EXP) - (HR_HIST_MIN_EXP)) << HR_HIST_SUB_BITS)
#define HR_HIST_MIN_S (1.0 / 1048576.0)
#define HR_HIST_MAX_S 131072.0

typedef struct hr_histogram {
    uint64_t count;
    double sum;
    double min, max;
    uint64_t buckets[HR_HIST_BUCKETS];
} hr_histogram;

/* Empty the histogram. */
void hr_histogram_reset(hr_histogram *h);

/* Record one value (seconds; negative or NaN values count as 0). */
void hr_histogram_add(hr_histogram *h, double value);

/* Record value n times (fluid mode's weighted latencies). */
void hr_histogram_add_n(hr_histogram *h, double value, uint64_t n);

/* The bucket of a value, computed once for a value recorded in several
 * histograms (a completion goes into four or six): *value is replaced by
 * what is recorded (0 for a negative or NaN value). Then
 * hr_histogram_add_at(h, bucket, value, n) for each, n >= 1, is
 * hr_histogram_add_n(h, value, n), exactly. */
static inline size_t hr_histogram_bucket(double *value)
{
    double v = *value;
    if (!(v >= HR_HIST_MIN_S)) {
        if (!(v >= 0.0))
            *value = 0.0; /* negative or NaN */
        return 0;
    }
    if (v >= HR_HIST_MAX_S)
        return HR_HIST_BUCKETS - 1;
    /* the exponent and top HR_HIST_SUB_BITS mantissa bits (histogram.c) */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (size_t)((bits >> (52 - HR_HIST_SUB_BITS)) -
                    ((uint64_t)(1023 + HR_HIST_MIN_EXP) << HR_HIST_SUB_BITS));
}

static inline void hr_histogram_add_at(hr_histogram *h, size_t bucket, double value, uint64_t n)
{
    h->buckets[bucket] += n;
    h->count += n;
    h->sum += value * (double)n;
    h->min = value < h->min ? value : h->min;
    h->max = value > h->max ? value : h->max;
}

/* Add every value of src to dst. */
void hr_histogram_merge(hr_histogram *dst, const hr_histogram *src);

/* The q-quantile (0 <= q <= 1): the midpoint of the bucket holding the
 * ceil(q*count)-th smallest value, clamped to [min, max]; 0 when empty. */
double hr_histogram_quantile(const hr_histogram *h, double q);

/* Mean of the recorded values; 0 when empty. */
double hr_histogram_mean(const hr_histogram *h);

#endif
