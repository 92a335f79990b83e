/* review.h - the capacity review of a stored batch as documents:
 * report.md and a self-contained report.html (charts embedded), holding
 * the recommendation with its margin over the next policy, the comparison
 * with confidence intervals, every chart, and each policy's worst SLO
 * window with the decision-log lines around it (docs/report.md). */
#ifndef HEADROOM_REVIEW_H
#define HEADROOM_REVIEW_H

#include <stdint.h>

#include "headroom/error.h"
#include "headroom/store.h"

/* Write out_dir/report.md, out_dir/report.html and the charts (PNG) into
 * out_dir, which must exist; templates is the chart templates' folder. */
int hr_review_write(hr_store *st, int64_t batch_id, const char *out_dir, const char *templates,
                    hr_error *err);

#endif
