/* lb.h - the load balancer's choice among instances that accept work.
 *
 *   round_robin        the next instance in turn
 *   random             uniformly at random
 *   least_outstanding  fewest requests in flight (queued + in service); ties
 *                      go to the first found scanning from a rotating start,
 *                      so equal instances share the load
 *   two_choices        two distinct instances at random, the one with fewer
 *                      outstanding (the "power of two choices")
 */
#ifndef HEADROOM_LB_H
#define HEADROOM_LB_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "headroom/scenario.h"

typedef struct hr_lb {
    hr_lb_kind kind;
    size_t next;    /* round-robin / rotating start position */
    gsl_rng *rng;   /* the routing stream, borrowed */
} hr_lb;

/* Pick an index in [0, n) given each candidate's outstanding requests
 * (n >= 1). */
size_t hr_lb_pick(hr_lb *lb, const int *outstanding, size_t n);

#endif
