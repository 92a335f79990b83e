/* wire.c - a run result as bytes, for MPI ranks that send their runs to
 * rank 0 (sweep.h). The format is explicit and flat: each field in a fixed
 * order, arrays as a count and their elements; numbers in the machine's own
 * representation (every rank runs the same build on the same kind of
 * machine, which mpirun of one executable gives). Tenant names are not
 * sent: the receiver takes them from its copy of the scenario, as the
 * engine does. */
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

static void put(hr_wire *w, const void *p, size_t n)
{
    if (w->bad)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *grown = realloc(w->data, cap);
        if (!grown) {
            w->bad = true;
            return;
        }
        w->data = grown;
        w->cap = cap;
    }
    if (n)
        memcpy(w->data + w->len, p, n);
    w->len += n;
}

static bool get(hr_wire *w, void *p, size_t n)
{
    if (w->bad || n > w->len - w->at) {
        w->bad = true;
        return false;
    }
    if (n)
        memcpy(p, w->data + w->at, n);
    w->at += n;
    return true;
}

void hr_wire_put_u64(hr_wire *w, uint64_t v)
{
    put(w, &v, sizeof v);
}

uint64_t hr_wire_get_u64(hr_wire *w)
{
    uint64_t v = 0;
    get(w, &v, sizeof v);
    return v;
}

/* An array of n elements of size each: the count, then the bytes. */
static void put_array(hr_wire *w, const void *a, size_t n, size_t size)
{
    hr_wire_put_u64(w, n);
    put(w, a, n * size);
}

static bool get_array(hr_wire *w, void **a, size_t *n, size_t size)
{
    uint64_t count = hr_wire_get_u64(w);
    *a = NULL;
    *n = 0;
    if (w->bad || count > (w->len - w->at) / (size ? size : 1)) {
        w->bad = true;
        return false;
    }
    if (count == 0)
        return true;
    if (!(*a = malloc(count * size))) {
        w->bad = true;
        return false;
    }
    *n = count;
    return get(w, *a, count * size);
}

/* The decision log: the count, then each record's fields and its reason
 * as a counted string (a record points at its reason in the result's table
 * of reasons, which the receiver builds again). */
static void put_decisions(hr_wire *w, const hr_run_result *r)
{
    hr_wire_put_u64(w, r->n_decisions);
    for (size_t k = 0; k < r->n_decisions; k++) {
        const hr_decision_record *d = &r->decisions[k];
        put(w, &d->time_s, sizeof d->time_s);
        put(w, &d->current, sizeof d->current);
        put(w, &d->proposed, sizeof d->proposed);
        put(w, &d->desired, sizeof d->desired);
        put(w, &d->metric, sizeof d->metric);
        put_array(w, d->reason ? d->reason : "", d->reason ? strlen(d->reason) : 0, 1);
    }
}

static bool get_decisions(hr_wire *w, hr_run_result *r)
{
    uint64_t count = hr_wire_get_u64(w);
    /* each record takes at least its fields and its reason's count */
    size_t least = 2 * sizeof(double) + 3 * sizeof(int) + sizeof(uint64_t);
    if (w->bad || count > (w->len - w->at) / least) {
        w->bad = true;
        return false;
    }
    if (count == 0)
        return true;
    if (!(r->decisions = calloc(count, sizeof *r->decisions))) {
        w->bad = true;
        return false;
    }
    r->cap_decisions = count;
    char text[HR_DECISION_REASON_MAX];
    for (size_t k = 0; k < count; k++) {
        hr_decision_record *d = &r->decisions[k];
        uint64_t len = 0;
        if (!get(w, &d->time_s, sizeof d->time_s) || !get(w, &d->current, sizeof d->current) ||
            !get(w, &d->proposed, sizeof d->proposed) || !get(w, &d->desired, sizeof d->desired) ||
            !get(w, &d->metric, sizeof d->metric))
            return false;
        len = hr_wire_get_u64(w);
        if (w->bad || len >= sizeof text || !get(w, text, len)) {
            w->bad = true;
            return false;
        }
        text[len] = '\0';
        if (!(d->reason = hr_intern_add(&r->reasons, text))) {
            w->bad = true;
            return false;
        }
        r->n_decisions = k + 1;
    }
    return true;
}

void hr_wire_put_result(hr_wire *w, const hr_run_result *r)
{
    size_t name = r->policy ? strlen(r->policy) : 0;
    put_array(w, r->policy, name, 1);
    put(w, &r->replication, sizeof r->replication);
    put(w, &r->seed, sizeof r->seed);
    put(w, &r->replication_seed, sizeof r->replication_seed);
    put(w, &r->duration_s, sizeof r->duration_s);
    put(w, &r->fidelity, sizeof r->fidelity);
    put(w, &r->summary, sizeof r->summary);
    put(w, &r->series_step_s, sizeof r->series_step_s);
    put_array(w, r->series, r->n_series, sizeof *r->series);
    put_decisions(w, r);
    put_array(w, r->tenants, r->n_tenants, sizeof *r->tenants);
    put_array(w, r->violations, r->n_violations, sizeof *r->violations);
}

bool hr_wire_get_result(hr_wire *w, const hr_scenario *sc, hr_run_result *r)
{
    memset(r, 0, sizeof *r);
    void *name;
    size_t len;
    bool ok = get_array(w, &name, &len, 1);
    if (ok && (r->policy = malloc(len + 1)) != NULL) {
        if (len)
            memcpy(r->policy, name, len);
        r->policy[len] = '\0';
    } else {
        ok = false;
    }
    free(name);
    ok = ok && get(w, &r->replication, sizeof r->replication) &&
         get(w, &r->seed, sizeof r->seed) &&
         get(w, &r->replication_seed, sizeof r->replication_seed) &&
         get(w, &r->duration_s, sizeof r->duration_s) &&
         get(w, &r->fidelity, sizeof r->fidelity) && get(w, &r->summary, sizeof r->summary) &&
         get(w, &r->series_step_s, sizeof r->series_step_s);
    void *a;
    size_t n;
    if (ok && (ok = get_array(w, &a, &n, sizeof *r->series))) {
        r->series = a;
        r->n_series = n;
    }
    ok = ok && get_decisions(w, r);
    if (ok && (ok = get_array(w, &a, &n, sizeof *r->tenants))) {
        r->tenants = a;
        r->n_tenants = n;
        /* the names are the scenario's */
        for (size_t i = 0; i < n; i++)
            r->tenants[i].name = sc && i < sc->n_tenants ? sc->tenants[i].name : NULL;
    }
    if (ok && (ok = get_array(w, &a, &n, sizeof *r->violations))) {
        r->violations = a;
        r->n_violations = r->cap_violations = n;
    }
    if (!ok)
        hr_run_result_free(r);
    return ok;
}

void hr_wire_free(hr_wire *w)
{
    free(w->data);
    memset(w, 0, sizeof *w);
}
