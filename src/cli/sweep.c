/* sweep.c - `headroom sweep SCENARIO --param KEY=LO:HI:STEP ...`: the
 * scenario run at every point of a grid (or at N random points) of some of
 * its values, every point's runs stored with the values that made it.
 *
 * A point is the scenario text with the values set (hr_override), loaded by
 * the loader like any file, so a value the loader refuses is refused before
 * anything runs. Each point is a batch of its own (its text, its events and
 * SLO), created when its first run is stored; its runs carry the values in
 * run_params. A run already stored (the same point text, seed,
 * replications, run length, parameters, policy and replication) is not run
 * again: the same command after a Ctrl-C, a larger grid around a smaller
 * one, or another shard's file merged in, all skip what is done.
 *
 * The points are numbered in a fixed order (the grid's, or the order they
 * were drawn), which --shard I/N and MPI ranks split by point number, so
 * every process agrees on which point is whose. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jobs.h"
#include "sweep.h"
#include "headroom/duration.h"
#include "headroom/engine.h"
#include "headroom/json.h"
#include "headroom/override.h"
#include "headroom/scenario.h"
#include "headroom/store.h"

const char hr_cli_sweep_help[] =
    "usage: headroom sweep SCENARIO --param KEY=VALUES [--param ...] [options]\n"
    "\n"
    "Runs the scenario at every point of a grid of some of its values (or at N\n"
    "random points with --samples N) and stores every run with the values that\n"
    "made it (table run_params). KEY is the value's YAML path: mapping keys by\n"
    "name, list items by their name or 0-based index, e.g. fleet.max,\n"
    "traffic.events.black-friday.multiplier, policies.cpu-60.target. VALUES is\n"
    "LO:HI:STEP (LO, LO+STEP, ... up to HI; with a unit where the value has one:\n"
    "30s:2m:30s), or a list V1,V2,... (any values, e.g. random,two_choices).\n"
    "Every point is checked by the loader before anything runs.\n"
    "\n"
    "Each point runs the policies named with --policy; without --policy, the\n"
    "policies the keys belong to when every key is a policy's\n"
    "(policies.NAME....), else every policy; each over the scenario's\n"
    "replications. A run already in the database (the same point, seed,\n"
    "replications, run length, values, policy and replication) is not run again,\n"
    "so the same command resumes an interrupted sweep. The table (or --json)\n"
    "goes to stdout: a row per point and policy, means over the replications.\n"
    "\n"
    "options:\n"
    "  --param KEY=VALUES  a value to vary (repeatable; the first varies slowest)\n"
    "  --samples N         N random points instead of the grid: uniform in\n"
    "                      [LO, HI], snapped to STEP when given; drawn from --seed\n"
    "                      (or the scenario's seed), so the same command draws the\n"
    "                      same points\n"
    "  --policy NAME       run this policy at every point (repeatable)\n"
    "  --seed N            base seed of the runs (and of --samples)\n"
    "  --replications N    replications instead of the scenario's\n"
    "  --duration D        run only the first D of each point\n"
    "  --shard I/N         run only the points whose number %% N is I (0 <= I < N):\n"
    "                      one of N processes of a batch scheduler; `headroom\n"
    "                      merge` gathers their databases\n"
    "  --db FILE           results database (default results.db)\n"
    "  --jobs N            runs in parallel (default: the number of CPUs)\n"
    "  --json              the table as JSON\n"
    "  -q, --quiet         no progress line (there is none when stderr is not a\n"
    "                      terminal either)\n"
    "  -h, --help          show this text\n"
    "\n"
    "Built with -DHEADROOM_MPI=ON, `mpirun -np N headroom sweep ...` spreads the\n"
    "points over the ranks; rank 0 alone writes the database. See docs/sweep.md.\n"
    "\n"
    "Ctrl-C (or SIGTERM) abandons the runs in flight, marks the open batches\n"
    "interrupted and exits 130 (143); the same command again completes the sweep.\n"
    "\n"
    "Exit status: 0 ok, 1 a run or the database failed, 2 bad usage or input,\n"
    "130/143 interrupted.\n";

/* The most points a sweep may have. */
#define MAX_POINTS 1000000

typedef enum value_kind { VALUE_NUMBER, VALUE_DURATION, VALUE_SUFFIXED, VALUE_LIST } value_kind;

/* One --param. */
typedef struct param {
    const char *arg;            /* KEY=VALUES as given */
    char *key;
    value_kind kind;
    double lo, hi, step;        /* step 0: none given */
    char suffix[16];            /* VALUE_SUFFIXED: the unit after the number (40%, 512Mi) */
    char **list;                /* VALUE_LIST */
    size_t n_list;
} param;

typedef struct point {
    char **values;              /* one per param */
    hr_scenario sc;
    bool loaded;
    bool mine;                  /* in this shard */
    size_t ordinal;             /* its number among the shard's points (MPI ranks split by it) */
    uint64_t seed;
    int reps;
    int64_t batch;              /* where its runs are stored (0: none yet) */
    bool reopened;              /* an existing batch this process added runs to */
    size_t pending;             /* its jobs not yet stored */
} point;

/* A row of the table: one point and policy, sums over its replications. */
typedef struct row {
    int runs, met;
    double cost, p95_ms, error_pct;
} row;

typedef struct sweep {
    const char *scenario_path;
    param *params;
    size_t n_params;
    hr_run_param *run_params;   /* n_params, for one run's write */
    const char **policies;      /* --policy */
    size_t n_policies;
    uint64_t samples;
    bool has_seed, has_replications, json, quiet;
    uint64_t seed;
    int replications;
    double duration_s;
    const char *db_path;
    int jobs;
    uint64_t shard, shards;     /* --shard I/N; shards 0: none */
    char command[2048];

    int rank, size;             /* MPI (0 and 1 without) */
    point *points;
    size_t n_points;
    const char **pol;           /* the policies each point runs */
    size_t n_pol;
    row *rows;                  /* n_points x n_pol */
    hr_job *jobs_list;          /* every job of this shard, in order */
    size_t n_jobs;
    unsigned char *stored;      /* n_jobs flags: already in the database */
    hr_store *st;
    int status;
    size_t recorded;            /* runs stored by this process */
} sweep;

static void free_sweep(sweep *S)
{
    for (size_t i = 0; i < S->n_params; i++) {
        free(S->params[i].key);
        for (size_t k = 0; k < S->params[i].n_list; k++)
            free(S->params[i].list[k]);
        free(S->params[i].list);
    }
    free(S->params);
    free(S->run_params);
    for (size_t p = 0; S->points && p < S->n_points; p++) {
        for (size_t i = 0; S->points[p].values && i < S->n_params; i++)
            free(S->points[p].values[i]);
        free(S->points[p].values);
        if (S->points[p].loaded)
            hr_scenario_free(&S->points[p].sc);
    }
    free(S->points);
    free(S->policies);
    free(S->pol);
    free(S->rows);
    free(S->jobs_list);
    free(S->stored);
    hr_store_close(S->st);
}

/* ---- options ------------------------------------------------------------- */

static int parse_count(const char *opt, const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || !isdigit((unsigned char)text[0]) || *end || v < lo || v > hi)
        return hr_cli_fail(HR_EXIT_USAGE, "%s expects an integer from %" PRIu64 " to %" PRIu64
                           ", got '%s'", opt, lo, hi, text);
    *out = v;
    return HR_EXIT_OK;
}

/* One bound of LO:HI:STEP: a number, a duration, or a number with a unit. */
static bool read_bound(const char *text, value_kind *kind, double *v, char suffix[16])
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (end != text && *end == '\0' && !errno && isfinite(*v)) {
        *kind = VALUE_NUMBER;
        return true;
    }
    if (hr_duration_parse(text, v) == HR_OK) {
        *kind = VALUE_DURATION;
        return true;
    }
    if (end != text && !errno && isfinite(*v) && strlen(end) < 16 && !strpbrk(end, " \t")) {
        *kind = VALUE_SUFFIXED;
        strcpy(suffix, end);
        return true;
    }
    return false;
}

/* --param KEY=VALUES into p. */
static int parse_param(const char *arg, param *p)
{
    *p = (param){.arg = arg};
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return hr_cli_fail(HR_EXIT_USAGE, "--param expects KEY=LO:HI:STEP or KEY=V1,V2,..., got "
                           "'%s'", arg);
    p->key = strndup(arg, (size_t)(eq - arg));
    if (!p->key)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    const char *vals = eq + 1;
    if (!strchr(vals, ':')) {
        /* a list (or one value) */
        const char *c = vals;
        for (;;) {
            size_t len = strcspn(c, ",");
            if (len == 0)
                return hr_cli_fail(HR_EXIT_USAGE, "--param %s: an empty value in the list '%s'",
                                   p->key, vals);
            char **grown = realloc(p->list, (p->n_list + 1) * sizeof *grown);
            if (!grown || !(grown[p->n_list] = strndup(c, len))) {
                if (grown)
                    p->list = grown;
                return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
            }
            p->list = grown;
            p->n_list++;
            if (!c[len])
                break;
            c += len + 1;
        }
        p->kind = VALUE_LIST;
        return HR_EXIT_OK;
    }
    char parts[3][64];
    int n = 0;
    for (const char *c = vals; n < 3;) {
        size_t len = strcspn(c, ":");
        if (len == 0 || len >= sizeof parts[0])
            break;
        snprintf(parts[n++], sizeof parts[0], "%.*s", (int)len, c);
        if (!c[len] || n == 3) {
            if (c[len])
                n = 4; /* more than three parts */
            break;
        }
        c += len + 1;
    }
    if (n < 2 || n > 3)
        return hr_cli_fail(HR_EXIT_USAGE, "--param %s: expected LO:HI:STEP (or LO:HI with "
                           "--samples), got '%s'", p->key, vals);
    value_kind kinds[3];
    double v[3] = {0, 0, 0};
    char suffixes[3][16] = {"", "", ""};
    for (int i = 0; i < n; i++)
        if (!read_bound(parts[i], &kinds[i], &v[i], suffixes[i]))
            return hr_cli_fail(HR_EXIT_USAGE, "--param %s: '%s' is not a number or a duration",
                               p->key, parts[i]);
    for (int i = 1; i < n; i++) {
        /* a bare 0 goes with any unit */
        bool zero = kinds[i] == VALUE_NUMBER && v[i] == 0;
        if (zero)
            kinds[i] = kinds[0], strcpy(suffixes[i], suffixes[0]);
        if (kinds[0] == VALUE_NUMBER && v[0] == 0 && i == 1)
            kinds[0] = kinds[1], strcpy(suffixes[0], suffixes[1]);
    }
    for (int i = 1; i < n; i++)
        if (kinds[i] != kinds[0] || strcmp(suffixes[i], suffixes[0]) != 0)
            return hr_cli_fail(HR_EXIT_USAGE, "--param %s: '%s' and '%s' have different units; "
                               "write LO, HI and STEP alike (30s:2m:30s, 40:80:10)",
                               p->key, parts[0], parts[i]);
    p->kind = kinds[0];
    strcpy(p->suffix, suffixes[0]);
    p->lo = v[0];
    p->hi = v[1];
    p->step = n == 3 ? v[2] : 0;
    if (p->hi < p->lo)
        return hr_cli_fail(HR_EXIT_USAGE, "--param %s: HI (%s) is below LO (%s)", p->key,
                           parts[1], parts[0]);
    if (n == 3 && !(p->step > 0))
        return hr_cli_fail(HR_EXIT_USAGE, "--param %s: STEP must be above 0, got '%s'", p->key,
                           parts[2]);
    return HR_EXIT_OK;
}

static int parse_shard(const char *text, sweep *S)
{
    char *end;
    errno = 0;
    unsigned long long i = strtoull(text, &end, 10), n = 0;
    bool ok = isdigit((unsigned char)text[0]) && *end == '/' && !errno;
    if (ok) {
        const char *b = end + 1;
        n = strtoull(b, &end, 10);
        ok = isdigit((unsigned char)b[0]) && !*end && !errno && n >= 1 && n <= 1000000 && i < n;
    }
    if (!ok)
        return hr_cli_fail(HR_EXIT_USAGE, "--shard expects I/N with 0 <= I < N (this process's "
                           "share of N), got '%s'", text);
    S->shard = i;
    S->shards = n;
    return HR_EXIT_OK;
}

static int parse_options(int argc, char **argv, sweep *S)
{
    S->db_path = "results.db";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    S->jobs = cpus > 0 ? (int)cpus : 1;
    S->policies = calloc((size_t)argc, sizeof *S->policies);
    S->params = calloc((size_t)argc, sizeof *S->params);
    S->run_params = calloc((size_t)argc, sizeof *S->run_params);
    if (!S->policies || !S->params || !S->run_params)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--param") == 0 || strcmp(a, "--samples") == 0 ||
                     strcmp(a, "--policy") == 0 || strcmp(a, "--seed") == 0 ||
                     strcmp(a, "--replications") == 0 || strcmp(a, "--duration") == 0 ||
                     strcmp(a, "--shard") == 0 || strcmp(a, "--db") == 0 ||
                     strcmp(a, "--jobs") == 0;
        if (takes && !val)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help sweep'", a);
        uint64_t v;
        int rc = HR_EXIT_OK;
        if (strcmp(a, "--param") == 0) {
            rc = parse_param(val, &S->params[S->n_params++]);
        } else if (strcmp(a, "--samples") == 0) {
            rc = parse_count(a, val, 1, MAX_POINTS, &S->samples);
        } else if (strcmp(a, "--policy") == 0) {
            S->policies[S->n_policies++] = val;
        } else if (strcmp(a, "--seed") == 0) {
            rc = hr_cli_seed_option(val, &S->seed);
            S->has_seed = true;
        } else if (strcmp(a, "--replications") == 0) {
            rc = parse_count(a, val, 1, 1000, &v);
            S->replications = (int)v;
            S->has_replications = true;
        } else if (strcmp(a, "--duration") == 0) {
            if (hr_duration_parse(val, &S->duration_s) != HR_OK || !(S->duration_s > 0))
                rc = hr_cli_fail(HR_EXIT_USAGE, "--duration expects a duration like 2h, got '%s'",
                                 val);
        } else if (strcmp(a, "--shard") == 0) {
            rc = parse_shard(val, S);
        } else if (strcmp(a, "--db") == 0) {
            S->db_path = val;
        } else if (strcmp(a, "--jobs") == 0) {
            rc = parse_count(a, val, 0, 256, &v);
            S->jobs = v > 0 ? (int)v : 1;
        } else if (strcmp(a, "--json") == 0) {
            S->json = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            S->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            rc = hr_cli_fail(HR_EXIT_USAGE, "unknown option %s; see 'headroom help sweep'", a);
        } else if (!S->scenario_path) {
            S->scenario_path = a;
        } else {
            rc = hr_cli_fail(HR_EXIT_USAGE, "sweep takes one scenario, got '%s' and '%s'",
                             S->scenario_path, a);
        }
        if (rc)
            return rc;
        if (takes)
            i++;
    }
    if (!S->scenario_path)
        return hr_cli_fail(HR_EXIT_USAGE, "sweep needs a scenario file; see 'headroom help sweep'");
    if (S->n_params == 0)
        return hr_cli_fail(HR_EXIT_USAGE, "sweep needs at least one --param KEY=LO:HI:STEP; see "
                           "'headroom help sweep'");
    for (size_t i = 0; i < S->n_params; i++) {
        if (!S->samples && S->params[i].kind != VALUE_LIST && S->params[i].step == 0)
            return hr_cli_fail(HR_EXIT_USAGE, "--param %s: a grid needs a step (LO:HI:STEP); "
                               "LO:HI alone is for --samples", S->params[i].arg);
        for (size_t j = 0; j < i; j++)
            if (strcmp(S->params[i].key, S->params[j].key) == 0)
                return hr_cli_fail(HR_EXIT_USAGE, "--param %s is given twice", S->params[i].key);
    }
    int n = 0;
    for (int i = 0; i < argc && n < (int)sizeof S->command - 1; i++)
        n += snprintf(S->command + n, sizeof S->command - (size_t)n, "%s%s", i ? " " : "headroom ",
                      argv[i]);
    return HR_EXIT_OK;
}

/* ---- points -------------------------------------------------------------- */

/* A value as the scenario would have it written. */
static char *format_value(const param *p, double v)
{
    char buf[64];
    /* values that are multiples of the step come out of arithmetic with
     * rounding noise (0.30000000000000004): ten digits are plenty */
    if (p->kind == VALUE_DURATION) {
        hr_duration_format(v, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, "%.10g%s", fabs(v) < 1e-12 ? 0.0 : v,
                 p->kind == VALUE_SUFFIXED ? p->suffix : "");
    }
    return strdup(buf);
}

/* The values of a grid axis (how many; the k-th). */
static size_t axis_len(const param *p)
{
    if (p->kind == VALUE_LIST)
        return p->n_list;
    double n = floor((p->hi - p->lo) / p->step * (1 + 1e-12) + 1e-9) + 1;
    return n > MAX_POINTS ? MAX_POINTS + 1 : (size_t)n;
}

static char *axis_value(const param *p, size_t k)
{
    if (p->kind == VALUE_LIST)
        return strdup(p->list[k]);
    return format_value(p, p->lo + (double)k * p->step);
}

/* splitmix64 (Steele, Lea, Flood 2014): the sampler of --samples, seeded
 * from the sweep's seed; its own state, so points do not depend on runs. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform01(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

static char *sample_value(const param *p, uint64_t *rng)
{
    double u = uniform01(rng);
    if (p->kind == VALUE_LIST)
        return strdup(p->list[(size_t)(u * (double)p->n_list)]);
    double v = p->lo + u * (p->hi - p->lo);
    if (p->step > 0) {
        double k = nearbyint((v - p->lo) / p->step);
        v = p->lo + k * p->step;
        if (v > p->hi * (1 + 1e-12) + 1e-12)
            v -= p->step;
    }
    return format_value(p, v);
}

/* The points: the grid (the first --param varies slowest) or the samples. */
static int make_points(sweep *S, uint64_t seed)
{
    size_t n = 1;
    if (S->samples) {
        n = (size_t)S->samples;
    } else {
        for (size_t i = 0; i < S->n_params; i++) {
            size_t len = axis_len(&S->params[i]);
            if (len > MAX_POINTS || n * len > MAX_POINTS)
                return hr_cli_fail(HR_EXIT_USAGE, "the grid has more than %d points; use larger "
                                   "steps, or --samples N", MAX_POINTS);
            n *= len;
        }
    }
    S->points = calloc(n, sizeof *S->points);
    if (!S->points)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    S->n_points = n;
    uint64_t rng = seed ^ 0x5357454550ULL; /* "SWEEP" */
    for (size_t p = 0; p < n; p++) {
        point *pt = &S->points[p];
        pt->values = calloc(S->n_params, sizeof *pt->values);
        if (!pt->values)
            return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
        size_t rest = p;
        for (size_t i = S->n_params; i-- > 0;) {
            const param *pa = &S->params[i];
            if (S->samples) {
                continue;
            }
            size_t len = axis_len(pa);
            pt->values[i] = axis_value(pa, rest % len);
            rest /= len;
        }
        for (size_t i = 0; S->samples && i < S->n_params; i++)
            pt->values[i] = sample_value(&S->params[i], &rng);
        for (size_t i = 0; i < S->n_params; i++)
            if (!pt->values[i])
                return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    }
    return HR_EXIT_OK;
}

/* "KEY=V KEY=V" of point p, in buf. */
static const char *point_text(const sweep *S, size_t p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < S->n_params && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", i ? " " : "",
                                 S->params[i].key, S->points[p].values[i]);
    return buf;
}

/* --duration D must fit the point's scenario (as `headroom run` checks). */
static int fit_duration(const sweep *S, hr_scenario *sc)
{
    if (!(S->duration_s > 0))
        return HR_EXIT_OK;
    if (!hr_cli_duration_fits(sc, S->duration_s))
        return HR_EXIT_USAGE;
    sc->duration_s = S->duration_s;
    return HR_EXIT_OK;
}

/* Every point's text, loaded and checked by the loader (all of them, in
 * every process, so every shard and rank refuses the same sweep). Points
 * of other shards are freed again. */
static int load_points(sweep *S, const hr_override *ov, const char *base_path)
{
    char where[1024];
    bool warned = false;
    for (size_t p = 0; p < S->n_points; p++) {
        point *pt = &S->points[p];
        char *text;
        size_t len;
        hr_error err;
        int rc = hr_override_apply(ov, (const char *const *)pt->values, &text, &len, &err);
        if (rc == HR_OK) {
            rc = hr_scenario_load_string(base_path, text, len, &pt->sc, &err);
            free(text);
        }
        if (rc != HR_OK) {
            if (S->rank == 0)
                fprintf(stderr, "headroom: --param %s: %s\n",
                        point_text(S, p, where, sizeof where), err.msg);
            return rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
        }
        pt->loaded = true;
        double requests, effort;
        hr_fidelity fidelity = HR_FIDELITY_REQUEST;
        /* the checks print their refusal: rank 0 alone makes them (the
         * other ranks learn the status from it) */
        if (S->rank > 0 && S->duration_s > 0)
            pt->sc.duration_s = S->duration_s;
        else if (S->rank == 0 && (fit_duration(S, &pt->sc) ||
                                  hr_cli_run_size(&pt->sc, &requests, &effort, &fidelity) !=
                                      HR_EXIT_OK)) {
            fprintf(stderr, "headroom: (the point --param %s)\n",
                    point_text(S, p, where, sizeof where));
            return HR_EXIT_USAGE;
        }
        /* where fluid mode is known not to agree with request mode: said
         * once, for the first point it concerns */
        char caveat[512];
        if (S->rank == 0 && !warned && fidelity == HR_FIDELITY_FLUID &&
            hr_engine_fluid_caveat(&pt->sc, caveat, sizeof caveat)) {
            fprintf(stderr, "headroom: warning: %s: fluid mode: %s (at --param %s; other points "
                    "may be alike)\n", S->scenario_path, caveat,
                    point_text(S, p, where, sizeof where));
            warned = true;
        }
        pt->seed = S->has_seed ? S->seed : pt->sc.seed;
        pt->reps = S->has_replications ? S->replications : pt->sc.replications;
        pt->mine = !S->shards || p % S->shards == S->shard;
        pt->ordinal = S->shards ? p / S->shards : p;
        for (size_t k = 0; k < S->n_pol; k++)
            if (hr_scenario_find_policy(&pt->sc, S->pol[k]) < 0) {
                if (S->rank == 0)
                    fprintf(stderr, "headroom: --param %s: the point has no policy '%s'\n",
                            point_text(S, p, where, sizeof where), S->pol[k]);
                return HR_EXIT_USAGE;
            }
        if (!pt->mine) {
            hr_scenario_free(&pt->sc);
            pt->loaded = false;
        }
    }
    return HR_EXIT_OK;
}

/* The policies every point runs: --policy's, else those the keys belong to
 * when all keys are policies' keys, else all (as the scenario lists them). */
static int choose_policies(sweep *S, const hr_scenario *base, const hr_override *ov)
{
    S->pol = calloc(base->n_policies + S->n_policies + 1, sizeof *S->pol);
    if (!S->pol)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    const char **want = S->policies;
    size_t n_want = S->n_policies;
    bool all_policy_keys = true;
    for (size_t i = 0; i < S->n_params; i++)
        all_policy_keys &= hr_override_policy(ov, i) != NULL;
    for (size_t k = 0; k < base->n_policies; k++) {
        const char *name = base->policies[k].name;
        bool take = n_want == 0 && !all_policy_keys;
        for (size_t j = 0; j < n_want; j++)
            take |= strcmp(want[j], name) == 0;
        for (size_t i = 0; n_want == 0 && all_policy_keys && i < S->n_params; i++)
            take |= strcmp(hr_override_policy(ov, i), name) == 0;
        if (take)
            S->pol[S->n_pol++] = name;
    }
    for (size_t j = 0; j < n_want; j++)
        if (hr_scenario_find_policy(base, want[j]) < 0) {
            char names[512] = "";
            for (size_t q = 0; q < base->n_policies; q++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", q ? ", " : "",
                         base->policies[q].name);
            }
            return hr_cli_fail(HR_EXIT_USAGE, "%s has no policy '%s'; its policies are: %s",
                               base->path, want[j], names);
        }
    return HR_EXIT_OK;
}

/* ---- runs already stored ------------------------------------------------- */

/* The point's parameters as the store takes them. */
static void point_params(const sweep *S, size_t p, hr_run_param *out)
{
    for (size_t i = 0; i < S->n_params; i++)
        out[i] = (hr_run_param){.name = S->params[i].key, .value = S->points[p].values[i]};
}

/* The batch of point p's runs already stored, if any: the newest batch of
 * the point's text, seed, replications and length whose runs carry exactly
 * the point's parameters; *runs its runs. */
static int find_stored(sweep *S, size_t p, hr_stored_run **runs, size_t *n, hr_error *err)
{
    point *pt = &S->points[p];
    *runs = NULL;
    *n = 0;
    int64_t batch = 0;
    int rc = hr_store_find_batch(S->st, &pt->sc, pt->seed, pt->reps, &batch, err);
    if (rc || batch == 0)
        return rc;
    if ((rc = hr_store_runs(S->st, batch, runs, n, err)) || *n == 0)
        return rc;
    hr_run_param *have;
    size_t n_have;
    if ((rc = hr_store_run_params(S->st, (*runs)[0].id, &have, &n_have, err)))
        return rc;
    bool same = n_have == S->n_params;
    for (size_t i = 0; same && i < S->n_params; i++) {
        bool found = false;
        for (size_t j = 0; j < n_have; j++)
            found |= strcmp(have[j].name, S->params[i].key) == 0 &&
                     strcmp(have[j].value, pt->values[i]) == 0;
        same = found;
    }
    hr_run_params_free(have, n_have);
    if (same)
        pt->batch = batch;
    else {
        hr_stored_runs_free(*runs, *n);
        *runs = NULL;
        *n = 0;
    }
    return HR_OK;
}

static void add_to_row(sweep *S, size_t p, size_t k, const hr_summary *m)
{
    row *r = &S->rows[p * S->n_pol + k];
    r->runs++;
    r->met += m->slo_met;
    r->cost += m->cost;
    r->p95_ms += m->latency_p95_ms;
    r->error_pct += m->error_rate_pct;
}

/* The job list of this shard (every point, policy and replication not yet
 * stored is a job; the stored ones go straight into the table). Rank 0
 * reads the database; the flags of what is stored go to every rank. */
static int make_jobs(sweep *S)
{
    size_t n = 0;
    for (size_t p = 0; p < S->n_points; p++)
        if (S->points[p].mine)
            n += (size_t)S->points[p].reps * S->n_pol;
    S->jobs_list = calloc(n ? n : 1, sizeof *S->jobs_list);
    S->stored = calloc(n ? n : 1, 1);
    S->rows = calloc(S->n_points * S->n_pol + 1, sizeof *S->rows);
    if (!S->jobs_list || !S->stored || !S->rows)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (size_t p = 0; p < S->n_points; p++) {
        point *pt = &S->points[p];
        if (!pt->mine)
            continue;
        hr_stored_run *runs = NULL;
        size_t n_runs = 0;
        hr_error err;
        if (S->rank == 0 && find_stored(S, p, &runs, &n_runs, &err))
            return hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
        for (int r = 0; r < pt->reps; r++)
            for (size_t k = 0; k < S->n_pol; k++) {
                hr_job *j = &S->jobs_list[S->n_jobs];
                j->spec = (hr_run_spec){.scenario = &pt->sc,
                                        .policy_index = (size_t)hr_scenario_find_policy(&pt->sc, S->pol[k]),
                                        .seed = pt->seed, .replication = (uint32_t)r};
                j->tag = p;
                for (size_t q = 0; q < n_runs; q++)
                    if (runs[q].replication == (uint32_t)r && strcmp(runs[q].policy, S->pol[k]) == 0) {
                        S->stored[S->n_jobs] = 1;
                        add_to_row(S, p, k, &runs[q].summary);
                    }
                S->n_jobs++;
            }
        hr_stored_runs_free(runs, n_runs);
    }
    if (S->size > 1)
        hr_sweep_mpi_share(S->stored, S->n_jobs);
    for (size_t j = 0; j < S->n_jobs; j++)
        if (!S->stored[j])
            S->points[S->jobs_list[j].tag].pending++;
    return HR_EXIT_OK;
}

/* ---- storing runs -------------------------------------------------------- */

static size_t policy_slot(const sweep *S, const char *name)
{
    for (size_t k = 0; k < S->n_pol; k++)
        if (strcmp(S->pol[k], name) == 0)
            return k;
    return 0;
}

/* Store one finished run of point p (from this process or another rank):
 * the point's batch made (or reopened) first, ended with its last run. */
static int record(sweep *S, size_t p, const hr_run_result *res)
{
    point *pt = &S->points[p];
    hr_error err;
    int rc = HR_OK;
    if (pt->batch == 0)
        rc = hr_store_begin_batch(S->st, &pt->sc, pt->seed, pt->reps, S->command, &pt->batch, &err);
    else if (!pt->reopened && (rc = hr_store_reopen_batch(S->st, pt->batch, &err)) == HR_OK)
        pt->reopened = true;
    point_params(S, p, S->run_params);
    if (rc == HR_OK)
        rc = hr_store_write_run_params(S->st, pt->batch, &pt->sc, res, S->run_params, S->n_params,
                                       NULL, &err);
    if (rc == HR_OK && --pt->pending == 0)
        rc = hr_store_end_batch(S->st, pt->batch, "ok", &err);
    if (rc != HR_OK) {
        fprintf(stderr, "headroom: %s\n", err.msg);
        S->status = HR_EXIT_FAILED;
        return 1;
    }
    S->recorded++;
    add_to_row(S, p, policy_slot(S, res->policy), &res->summary);
    /* the point's scenario is no longer needed once its runs are stored */
    if (pt->pending == 0 && S->size == 1) {
        hr_scenario_free(&pt->sc);
        pt->loaded = false;
    }
    return 0;
}

static void run_failed(sweep *S, size_t p, const char *policy, uint32_t rep, const char *msg)
{
    char where[1024];
    fprintf(stderr, "headroom: run of policy %s, replication %u at %s failed: %s\n", policy,
            rep + 1, point_text(S, p, where, sizeof where), msg);
    S->status = HR_EXIT_FAILED;
}

/* hr_job_consume: store it here, or (another rank) send it to rank 0. */
static int consume(void *ctx, hr_job *job)
{
    sweep *S = ctx;
    size_t p = job->tag;
    if (S->rank > 0) {
        if (!hr_sweep_mpi_send(job->index, job->rc, job->err.msg, &job->result)) {
            S->status = HR_EXIT_FAILED;
            return 1;
        }
        return job->rc != HR_OK;
    }
    if (job->rc != HR_OK) {
        run_failed(S, p, S->points[p].sc.policies[job->spec.policy_index].name,
                   job->spec.replication, job->err.msg);
        return 0;
    }
    if (S->status != HR_EXIT_OK)
        return 1;
    return record(S, p, &job->result);
}

/* hr_sweep_receive: a run another rank finished. */
static int receive(void *ctx, hr_sweep_remote *run)
{
    sweep *S = ctx;
    const hr_job *job = &S->jobs_list[run->job];
    if (run->rc != HR_OK) {
        run_failed(S, job->tag, S->points[job->tag].sc.policies[job->spec.policy_index].name,
                   job->spec.replication, run->msg);
        return 0;
    }
    if (S->status != HR_EXIT_OK)
        return 1;
    return record(S, job->tag, &run->result);
}

static const hr_scenario *scenario_of(void *ctx, size_t job)
{
    sweep *S = ctx;
    return job < S->n_jobs ? S->jobs_list[job].spec.scenario : NULL;
}

static void idle(void *ctx)
{
    hr_sweep_mpi_poll(false, receive, scenario_of, ctx);
}

/* ---- output -------------------------------------------------------------- */

/* A point to sort, with the sweep it belongs to (qsort passes no context). */
typedef struct sorted {
    const sweep *S;
    size_t p;
} sorted;

/* Points in order of their values (numerically where both are numbers or
 * both durations, else as text), then by number: a grid reads row by row,
 * samples sorted. */
static int by_values(const void *a, const void *b)
{
    const sorted *sa = a, *sb = b;
    const sweep *S = sa->S;
    const point *x = &S->points[sa->p], *y = &S->points[sb->p];
    for (size_t i = 0; i < S->n_params; i++) {
        char *ex, *ey;
        double vx = strtod(x->values[i], &ex), vy = strtod(y->values[i], &ey);
        double dx, dy;
        if (*ex || *ey) {
            if (hr_duration_parse(x->values[i], &dx) == HR_OK &&
                hr_duration_parse(y->values[i], &dy) == HR_OK) {
                vx = dx;
                vy = dy;
            } else {
                int c = strcmp(x->values[i], y->values[i]);
                if (c)
                    return c;
                continue;
            }
        }
        if (vx != vy)
            return vx < vy ? -1 : 1;
    }
    return sa->p < sb->p ? -1 : sa->p > sb->p;
}

static void print_table(const sweep *S, const size_t *order, size_t n)
{
    int width[64];
    size_t np = S->n_params < 64 ? S->n_params : 64;
    for (size_t i = 0; i < np; i++) {
        width[i] = (int)strlen(S->params[i].key);
        for (size_t q = 0; q < n; q++) {
            int w = (int)strlen(S->points[order[q]].values[i]);
            width[i] = w > width[i] ? w : width[i];
        }
    }
    int pw = 6;
    for (size_t k = 0; k < S->n_pol; k++)
        pw = (int)strlen(S->pol[k]) > pw ? (int)strlen(S->pol[k]) : pw;
    for (size_t i = 0; i < np; i++)
        printf("%-*s  ", width[i], S->params[i].key);
    printf("%-*s  %4s %12s %10s %9s  %s\n", pw, "policy", "runs", "cost", "p95 ms", "errors %",
           "SLO");
    const row *best = NULL;
    size_t best_p = 0, best_k = 0;
    for (size_t q = 0; q < n; q++) {
        size_t p = order[q];
        for (size_t k = 0; k < S->n_pol; k++) {
            const row *r = &S->rows[p * S->n_pol + k];
            if (r->runs == 0)
                continue;
            for (size_t i = 0; i < np; i++)
                printf("%-*s  ", width[i], S->points[p].values[i]);
            char slo[32];
            snprintf(slo, sizeof slo, r->met == r->runs ? "met" : "MISSED %d/%d", r->runs - r->met,
                     r->runs);
            printf("%-*s  %4d %12.4f %10.1f %9.3f  %s\n", pw, S->pol[k], r->runs, r->cost / r->runs,
                   r->p95_ms / r->runs, r->error_pct / r->runs, slo);
            if (r->met == r->runs && (!best || r->cost / r->runs < best->cost / best->runs)) {
                best = r;
                best_p = p;
                best_k = k;
            }
        }
    }
    if (best) {
        char where[1024];
        printf("best: %s at %s (cheapest that meets the SLO in every run), cost %.4f\n",
               S->pol[best_k], point_text(S, best_p, where, sizeof where),
               best->cost / best->runs);
    } else {
        printf("best: none meets the SLO in every run\n");
    }
}

static void print_json(const sweep *S, const size_t *order, size_t n)
{
    printf("{\"scenario\": ");
    hr_json_string(stdout, S->scenario_path);
    printf(", \"points\": %zu, \"rows\": [", S->n_points);
    size_t rows = 0;
    for (size_t q = 0; q < n; q++) {
        size_t p = order[q];
        for (size_t k = 0; k < S->n_pol; k++) {
            const row *r = &S->rows[p * S->n_pol + k];
            if (r->runs == 0)
                continue;
            printf("%s\n  {\"point\": %zu, \"params\": {", rows++ ? "," : "", p);
            for (size_t i = 0; i < S->n_params; i++) {
                printf("%s", i ? ", " : "");
                hr_json_string(stdout, S->params[i].key);
                printf(": ");
                hr_json_string(stdout, S->points[p].values[i]);
            }
            printf("}, \"policy\": ");
            hr_json_string(stdout, S->pol[k]);
            printf(", \"runs\": %d, \"slo_met_runs\": %d, \"cost\": ", r->runs, r->met);
            hr_json_number(stdout, r->cost / r->runs);
            printf(", \"latency_p95_ms\": ");
            hr_json_number(stdout, r->p95_ms / r->runs);
            printf(", \"error_rate_pct\": ");
            hr_json_number(stdout, r->error_pct / r->runs);
            printf(", \"batch_id\": %" PRId64 "}", S->points[p].batch);
        }
    }
    printf("%s]}\n", rows ? "\n" : "");
}

static int print_results(sweep *S)
{
    sorted *by = malloc((S->n_points + 1) * sizeof *by);
    size_t *order = malloc((S->n_points + 1) * sizeof *order), n = 0;
    if (!order || !by) {
        free(by);
        free(order);
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    }
    for (size_t p = 0; p < S->n_points; p++)
        if (S->points[p].mine)
            by[n++] = (sorted){S, p};
    qsort(by, n, sizeof *by, by_values);
    for (size_t q = 0; q < n; q++)
        order[q] = by[q].p;
    free(by);
    if (S->json)
        print_json(S, order, n);
    else
        print_table(S, order, n);
    free(order);
    return hr_cli_flush_stdout();
}

/* ---- the command --------------------------------------------------------- */

/* End the batches this process left open: interrupted (a signal) or
 * failed. */
static void end_open_batches(sweep *S, const char *status)
{
    hr_error err;
    for (size_t p = 0; p < S->n_points; p++)
        if (S->points[p].mine && S->points[p].batch > 0 && S->points[p].pending > 0 &&
            hr_store_end_batch(S->st, S->points[p].batch, status, &err))
            fprintf(stderr, "headroom: %s\n", err.msg);
}

static int run_sweep(sweep *S)
{
    size_t todo = 0, points_mine = 0;
    for (size_t j = 0; j < S->n_jobs; j++)
        todo += !S->stored[j];
    for (size_t p = 0; p < S->n_points; p++)
        points_mine += S->points[p].mine;
    if (S->rank == 0)
        fprintf(stderr,
                "headroom: sweep of %zu point%s%s x %zu polic%s: %zu runs, %zu already stored "
                "in %s, %zu to run%s\n",
                points_mine, points_mine == 1 ? "" : "s", S->shards ? " (this shard)" : "",
                S->n_pol, S->n_pol == 1 ? "y" : "ies", S->n_jobs, S->n_jobs - todo, S->db_path,
                todo, S->size > 1 ? " over the MPI ranks" : "");
    /* this rank's jobs: not stored, and (MPI) of its points; each knows
     * its number in the job list (the same in every rank) */
    hr_job *view = calloc(todo ? todo : 1, sizeof *view);
    size_t n_mine = 0;
    if (!view)
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (size_t j = 0; j < S->n_jobs; j++)
        if (!S->stored[j] &&
            S->points[S->jobs_list[j].tag].ordinal % (size_t)S->size == (size_t)S->rank) {
            view[n_mine] = S->jobs_list[j];
            view[n_mine++].index = j;
        }
    hr_jobs_options jo = {.threads = S->jobs,
                          .show_progress = !S->quiet && S->rank == 0 && isatty(STDERR_FILENO),
                          .unit = "runs", .consume = consume, .ctx = S,
                          .idle = S->size > 1 && S->rank == 0 ? idle : NULL};
    hr_jobs_signals saved;
    hr_jobs_catch_signals(&saved);
    size_t handed = hr_jobs_run(view, n_mine, &jo);
    int sig = hr_jobs_stop_signal();
    bool stopped = sig || handed != n_mine;
    if (S->size > 1) {
        if (S->rank > 0)
            hr_sweep_mpi_done(stopped);
        else
            stopped |= hr_sweep_mpi_poll(true, receive, scenario_of, S);
    }
    hr_jobs_release_signals(&saved);
    free(view);
    if (handed == (size_t)-1)
        S->status = hr_cli_fail(HR_EXIT_FAILED, "cannot start worker threads");
    if (S->rank > 0)
        return sig && S->status == HR_EXIT_OK ? 128 + sig : S->status;
    if (sig && S->status == HR_EXIT_OK) {
        end_open_batches(S, "interrupted");
        fprintf(stderr,
                "headroom: interrupted (%s): %zu of %zu runs are stored in %s, the runs in flight "
                "were abandoned; run the same command again to complete the sweep\n",
                sig == SIGINT ? "Ctrl-C" : "SIGTERM", S->n_jobs - todo + S->recorded, S->n_jobs,
                S->db_path);
        return 128 + sig;
    }
    if (S->status != HR_EXIT_OK || stopped) {
        end_open_batches(S, "failed");
        return S->status != HR_EXIT_OK ? S->status : HR_EXIT_FAILED;
    }
    return print_results(S);
}

static int sweep_main(sweep *S)
{
    hr_scenario base;
    hr_error err;
    int rc = hr_scenario_load(S->scenario_path, &base, &err);
    if (rc != HR_OK) {
        if (S->rank == 0)
            fprintf(stderr, "%s\n", err.msg);
        return rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
    }
    if (S->rank == 0)
        hr_cli_print_warnings(&base);
    const char **keys = calloc(S->n_params, sizeof *keys);
    hr_override *ov = NULL;
    int status = keys ? HR_EXIT_OK : hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    for (size_t i = 0; keys && i < S->n_params; i++)
        keys[i] = S->params[i].key;
    if (!status && (rc = hr_override_new(S->scenario_path, base.text, strlen(base.text), keys,
                                         S->n_params, &ov, &err)) != HR_OK) {
        if (S->rank == 0)
            fprintf(stderr, "headroom: --param %s\n", err.msg);
        status = rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
    }
    free(keys);
    if (!status)
        status = choose_policies(S, &base, ov);
    if (!status)
        status = make_points(S, S->has_seed ? S->seed : base.seed);
    if (!status)
        status = load_points(S, ov, S->scenario_path);
    hr_override_free(ov);
    /* the policy names point into base: keep it until the end */
    if (!status && S->rank == 0 && (rc = hr_store_open(S->db_path, &S->st, &err)) != HR_OK)
        status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
    if (S->size > 1)
        status = hr_sweep_mpi_agree(status);
    if (!status)
        status = make_jobs(S);
    if (S->size > 1)
        status = hr_sweep_mpi_agree(status);
    if (!status)
        status = run_sweep(S);
    free_sweep(S);
    hr_scenario_free(&base);
    return status;
}

int hr_cli_sweep(int argc, char **argv)
{
    sweep S = {0};
    hr_sweep_mpi_init(&argc, &argv, &S.rank, &S.size);
    int status = parse_options(argc, argv, &S);
    if (status == HR_EXIT_OK)
        status = sweep_main(&S);
    else
        free_sweep(&S);
    if (S.size > 1)
        status = hr_sweep_mpi_agree(status);
    hr_sweep_mpi_finalize();
    return status;
}
