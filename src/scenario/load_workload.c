/* load_workload.c - the workload section: request classes (share and
 * service demand), timeout and queue limit, into L->sc->workload. */
#include "loader.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const keyspec workload_keys[] = {
    {"classes", NULL}, {"timeout", NULL}, {"queue_limit", NULL}, {NULL, NULL}
};
static const keyspec class_keys[] = {
    {"name", NULL}, {"share", NULL}, {"service", NULL}, {NULL, NULL}
};

static int parse_class(loader *L, const yaml_node_t *n, const char *list, size_t i,
                       hr_request_class *cl)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX];
    int rc;
    ld_join_index(path, list, i, NULL);
    if ((rc = ld_expect_map(L, n, path,
                            "{name: api, share: 1, service: {dist: exponential, mean: 50ms}}")))
        return rc;
    yaml_node_t *name = ld_get(L, n, "name", NULL);
    if (name != NULL && ld_is_scalar(name))
        ld_join_index(path, list, i, ld_sval(name));
    if ((rc = ld_check_keys(L, n, path, class_keys)) ||
        (rc = ld_f_string(L, n, path, "name", true, NULL, &cl->name)) ||
        (rc = ld_f_number(L, n, path, "share", true, 0, 0, true, 1, false, &cl->share)))
        return rc;
    yaml_node_t *svc = ld_get(L, n, "service", NULL);
    if (svc == NULL)
        return ld_missing(L, n, path, "service");
    ld_join(kp, path, "service");
    return ld_parse_dist(L, svc, kp, true, &cl->service);
}

int ld_parse_classes(loader *L, const yaml_node_t *classes, const char *path,
                     hr_request_class **out, size_t *n_out)
{
    char g[64];
    int rc;
    size_t count = ld_seq_len(classes);
    if (count == 0)
        return ld_fail(L, classes, HR_EINVAL, path,
                       "expected a non-empty list like [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}], got %s",
                       classes->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                           : ld_got(classes, g, sizeof g));
    hr_request_class *c = calloc(count, sizeof *c);
    if (c == NULL)
        return ld_nomem(L);
    *out = c;
    *n_out = count;
    double sum = 0;
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = ld_seq_item(L, classes, i);
        if ((rc = parse_class(L, item, path, i, &c[i])))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c[j].name, c[i].name) == 0) {
                char cp[KEYPATH_MAX], kp[KEYPATH_MAX];
                ld_join_index(cp, path, i, c[i].name);
                ld_join(kp, cp, "name");
                return ld_fail(L, ld_get(L, item, "name", NULL), HR_EINVAL, kp,
                               "duplicate class name; %s[%zu] is already called %s", path, j,
                               c[i].name);
            }
        }
        sum += c[i].share;
    }
    if (fabs(sum - 1) > 1e-6)
        return ld_fail(L, classes, HR_EINVAL, path, "shares must sum to 1, got %.10g", sum);
    return HR_OK;
}

int ld_parse_workload(loader *L, const yaml_node_t *n)
{
    hr_workload_config *w = &L->sc->workload;
    const char *path = "workload";
    int rc;
    if ((rc = ld_expect_map(L, n, path, "{classes: [...], timeout: 2s}")) ||
        (rc = ld_check_keys(L, n, path, workload_keys)))
        return rc;
    yaml_node_t *classes = ld_get(L, n, "classes", NULL);
    if (classes == NULL)
        return ld_missing(L, n, path, "classes");
    if ((rc = ld_parse_classes(L, classes, "workload.classes", &w->classes, &w->n_classes)) ||
        (rc = ld_f_duration(L, n, path, "timeout", false, 0, false, &w->timeout_s)) ||
        (rc = ld_f_int(L, n, path, "queue_limit", false, -1, 0, INT_MAX, &w->queue_limit)))
        return rc;
    return HR_OK;
}
