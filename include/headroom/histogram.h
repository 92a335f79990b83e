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

#include <stdint.h>

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

/* Add every value of src to dst. */
void hr_histogram_merge(hr_histogram *dst, const hr_histogram *src);

/* The q-quantile (0 <= q <= 1): the midpoint of the bucket holding the
 * ceil(q*count)-th smallest value, clamped to [min, max]; 0 when empty. */
double hr_histogram_quantile(const hr_histogram *h, double q);

/* Mean of the recorded values; 0 when empty. */
double hr_histogram_mean(const hr_histogram *h);

#endif
