/* lb.c - load balancer choices; see lb.h. */
#include "headroom/lb.h"

#include "headroom/rng.h"

size_t hr_lb_pick(hr_lb *lb, const int *outstanding, size_t n)
{
    switch (lb->kind) {
    case HR_LB_ROUND_ROBIN:
        return lb->next++ % n;
    case HR_LB_RANDOM:
        return hr_rng_uniform_int(lb->rng, n);
    case HR_LB_TWO_CHOICES: {
        if (n == 1)
            return 0;
        size_t a = hr_rng_uniform_int(lb->rng, n);
        size_t b = hr_rng_uniform_int(lb->rng, n - 1);
        if (b >= a)
            b++;
        return outstanding[b] < outstanding[a] ? b : a;
    }
    case HR_LB_LEAST_OUTSTANDING:
    default: {
        size_t start = lb->next++ % n, best = start;
        for (size_t k = 1; k < n; k++) {
            size_t i = start + k < n ? start + k : start + k - n;
            if (outstanding[i] < outstanding[best])
                best = i;
        }
        return best;
    }
    }
}
