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

void hr_wire_put_result(hr_wire *w, const hr_run_result *r)
{
    size_t name = r->policy ? strlen(r->policy) : 0;
    put_array(w, r->policy, name, 1);
    put(w, &r->replication, sizeof r->replication);
    put(w, &r->seed, sizeof r->seed);
    put(w, &r->replication_seed, sizeof r->replication_seed);
    put(w, &r->duration_s, sizeof r->duration_s);
    put(w, &r->summary, sizeof r->summary);
    put(w, &r->series_step_s, sizeof r->series_step_s);
    put_array(w, r->series, r->n_series, sizeof *r->series);
    put_array(w, r->decisions, r->n_decisions, sizeof *r->decisions);
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
         get(w, &r->duration_s, sizeof r->duration_s) && get(w, &r->summary, sizeof r->summary) &&
         get(w, &r->series_step_s, sizeof r->series_step_s);
    void *a;
    size_t n;
    if (ok && (ok = get_array(w, &a, &n, sizeof *r->series))) {
        r->series = a;
        r->n_series = n;
    }
    if (ok && (ok = get_array(w, &a, &n, sizeof *r->decisions))) {
        r->decisions = a;
        r->n_decisions = r->cap_decisions = n;
    }
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
