/* decide.c - `headroom decide --policy FILE --observations OBS.csv`: one
 * policy dry-run over recorded observations, one decision per row, the
 * policy's state (history, cooldowns, stabilization, scale events) kept
 * from row to row. The contract is in SCENARIO-FORMAT.md ("decide"),
 * the guide in docs/decide.md. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headroom/controller.h"
#include "headroom/duration.h"
#include "headroom/policy.h"
#include "headroom/scenario.h"

/* An observations line longer than this is refused (a CSV of numbers). */
#define DECIDE_LINE_MAX (1 << 20)
/* The most columns an observations file may have. */
#define DECIDE_COLUMNS_MAX 256

const char hr_cli_decide_help[] =
    "usage: headroom decide --policy FILE --observations OBS.csv [options]\n"
    "\n"
    "Dry-runs one policy over recorded observations: what would it have asked\n"
    "for, row by row? FILE is a Kubernetes HorizontalPodAutoscaler manifest\n"
    "(autoscaling/v2, as kept in the cluster's repository) or one headroom\n"
    "policy mapping of any kind ({name: cpu-70, kind: target_tracking, ...}).\n"
    "\n"
    "OBS.csv starts with the header time_s,replicas and one column per metric the\n"
    "policy reads: cpu or memory for those resources, otherwise the metric's own\n"
    "name, holding the value in the unit of the policy's target (utilization\n"
    "percent, average per instance, or the total for Object and External\n"
    "metrics). An optional ready_replicas column gives the replicas that were\n"
    "ready; the others count as unready. An empty cell is a missing value.\n"
    "Other columns are ignored (with a warning).\n"
    "\n"
    "Prints CSV time_s,desired_replicas to stdout, one row per observation. The\n"
    "policy keeps its state from row to row, and a row whose desired replicas\n"
    "differ from its replicas counts as a scaling action taken at that time.\n"
    "\n"
    "options:\n"
    "  --policy FILE         the policy (required)\n"
    "  --observations FILE   the observations CSV (required; - for stdin)\n"
    "  --reasons             add a third column: why, as the decision log says it\n"
    "  --min N               the group's minimum (default 0)\n"
    "  --max N               the group's maximum (default 1000000)\n"
    "  --period DURATION     the metric period a headroom policy's defaults assume\n"
    "                        (default 60s: warm-up, breach)\n"
    "  -h, --help            show this text\n"
    "\n"
    "Exit status: 0 ok, 1 stdout could not be written, 2 bad usage or input\n"
    "(with FILE:LINE: what is wrong).\n";

typedef struct decide_options {
    const char *policy_path;
    const char *obs_path;
    bool reasons;
    int min, max;
    double period_s;
} decide_options;

static int parse_count(const char *opt, const char *text, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < 0 || v > 1000000)
        return hr_cli_fail(HR_EXIT_USAGE, "%s: expected a count from 0 to 1000000, got '%s'", opt,
                           text);
    *out = (int)v;
    return HR_EXIT_OK;
}

static int parse_options(int argc, char **argv, decide_options *o)
{
    *o = (decide_options){.min = 0, .max = 1000000, .period_s = 60};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--reasons") == 0) {
            o->reasons = true;
            continue;
        }
        bool takes = strcmp(a, "--policy") == 0 || strcmp(a, "--observations") == 0 ||
                     strcmp(a, "--min") == 0 || strcmp(a, "--max") == 0 ||
                     strcmp(a, "--period") == 0;
        if (!takes)
            return hr_cli_fail(HR_EXIT_USAGE, "unknown option '%s'; see 'headroom help decide'", a);
        if (i + 1 >= argc)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help decide'", a);
        const char *val = argv[++i];
        if (strcmp(a, "--policy") == 0) {
            o->policy_path = val;
        } else if (strcmp(a, "--observations") == 0) {
            o->obs_path = val;
        } else if (strcmp(a, "--min") == 0) {
            if (parse_count(a, val, &o->min))
                return HR_EXIT_USAGE;
        } else if (strcmp(a, "--max") == 0) {
            if (parse_count(a, val, &o->max))
                return HR_EXIT_USAGE;
        } else if (hr_duration_parse(val, &o->period_s) != HR_OK || !(o->period_s > 0)) {
            return hr_cli_fail(HR_EXIT_USAGE, "--period: expected a duration like 60s, got '%s'", val);
        }
    }
    if (o->policy_path == NULL || o->obs_path == NULL)
        return hr_cli_fail(HR_EXIT_USAGE,
                           "decide needs --policy FILE and --observations OBS.csv; see 'headroom help decide'");
    if (o->max < 1 || o->min > o->max)
        return hr_cli_fail(HR_EXIT_USAGE, "--min %d and --max %d must satisfy 0 <= min <= max, max >= 1",
                           o->min, o->max);
    return HR_EXIT_OK;
}

/* ---- the observations file --------------------------------------------- */

typedef struct obs_reader {
    const char *path;
    FILE *f;
    char *line;
    size_t cap;
    long lineno;
    char *cells[DECIDE_COLUMNS_MAX];
    size_t n_cells;
} obs_reader;

/* Read the next non-blank line and split it at commas (cells point into
 * the line, trimmed of spaces). Returns 1 for a line, 0 at the end, -1 on
 * an error (reported). */
static int next_row(obs_reader *r)
{
    for (;;) {
        /* a bounded line: never more than DECIDE_LINE_MAX bytes in memory,
         * whatever the input (a file without newlines, /dev/zero) */
        if (r->line == NULL) {
            r->cap = DECIDE_LINE_MAX + 2;
            if ((r->line = malloc(r->cap)) == NULL) {
                hr_cli_fail(HR_EXIT_FAILED, "out of memory");
                return -1;
            }
        }
        errno = 0;
        size_t n = 0;
        int ch = EOF;
        while (n <= DECIDE_LINE_MAX && (ch = getc(r->f)) != EOF && ch != '\n' && ch != '\0')
            r->line[n++] = (char)ch;
        if (ch == EOF && ferror(r->f)) {
            hr_cli_fail(HR_EXIT_FAILED, "cannot read %s: %s", r->path, strerror(errno ? errno : EIO));
            return -1;
        }
        if (ch == EOF && n == 0)
            return 0;
        r->line[n] = '\0';
        r->lineno++;
        if (ch == '\0') {
            fprintf(stderr, "%s:%ld: a NUL byte; is this a CSV of observations?\n", r->path,
                    r->lineno);
            return -1;
        }
        if (n > DECIDE_LINE_MAX) {
            fprintf(stderr, "%s:%ld: line longer than %d bytes; is this a CSV of observations?\n",
                    r->path, r->lineno, DECIDE_LINE_MAX);
            return -1;
        }
        while (n > 0 && r->line[n - 1] == '\r')
            r->line[--n] = '\0';
        if (strspn(r->line, " \t") == (size_t)n)
            continue;
        r->n_cells = 0;
        char *c = r->line;
        for (;;) {
            if (r->n_cells == DECIDE_COLUMNS_MAX) {
                fprintf(stderr, "%s:%ld: more than %d columns\n", r->path, r->lineno,
                        DECIDE_COLUMNS_MAX);
                return -1;
            }
            char *comma = strchr(c, ',');
            if (comma)
                *comma = '\0';
            while (*c == ' ' || *c == '\t')
                c++;
            char *e = c + strlen(c);
            while (e > c && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            r->cells[r->n_cells++] = c;
            if (!comma)
                break;
            c = comma + 1;
        }
        return 1;
    }
}

/* A finite decimal number (strtod without hex, inf or nan). */
static bool parse_value(const char *s, double *out)
{
    if (s[0] == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool parse_replicas(const char *s, int *out)
{
    double v;
    if (!parse_value(s, &v) || v != floor(v) || v < 0 || v > 1e9)
        return false;
    *out = (int)v;
    return true;
}

/* Where each input and the optional ready_replicas column are. */
typedef struct columns {
    size_t input[HR_POLICY_MAX_INPUTS];
    bool has_ready;
    size_t ready;
    size_t n;
} columns;

static int read_header(obs_reader *r, const hr_policy *p, const char *policy_name, columns *cols)
{
    int got = next_row(r);
    if (got < 0)
        return HR_EXIT_USAGE;
    if (got == 0) {
        fprintf(stderr, "%s:1: empty; expected the header time_s,replicas,<metric columns>\n",
                r->path);
        return HR_EXIT_USAGE;
    }
    if (r->n_cells < 2 || strcmp(r->cells[0], "time_s") != 0 ||
        strcmp(r->cells[1], "replicas") != 0) {
        fprintf(stderr, "%s:%ld: the header must start with time_s,replicas, got \"%s%s%s\"\n",
                r->path, r->lineno, r->cells[0], r->n_cells > 1 ? "," : "",
                r->n_cells > 1 ? r->cells[1] : "");
        return HR_EXIT_USAGE;
    }
    cols->n = r->n_cells;
    const hr_policy_input *in;
    size_t n_in = hr_policy_inputs(p, &in);
    bool used[DECIDE_COLUMNS_MAX] = {true, true};
    for (size_t c = 2; c < r->n_cells; c++) {
        for (size_t k = 2; k < c; k++)
            if (strcmp(r->cells[k], r->cells[c]) == 0) {
                fprintf(stderr, "%s:%ld: column \"%s\" appears twice\n", r->path, r->lineno,
                        r->cells[c]);
                return HR_EXIT_USAGE;
            }
        if (strcmp(r->cells[c], "ready_replicas") == 0) {
            cols->has_ready = true;
            cols->ready = c;
            used[c] = true;
        }
    }
    for (size_t i = 0; i < n_in; i++) {
        size_t c = 2;
        while (c < r->n_cells && strcmp(r->cells[c], in[i].name) != 0)
            c++;
        if (c == r->n_cells) {
            fprintf(stderr, "%s:%ld: no column \"%s\", which policy %s reads; add it to the header\n",
                    r->path, r->lineno, in[i].name, policy_name);
            return HR_EXIT_USAGE;
        }
        cols->input[i] = c;
        used[c] = true;
    }
    for (size_t c = 2; c < r->n_cells; c++)
        if (!used[c])
            fprintf(stderr, "headroom: %s: column \"%s\" is not read by policy %s; ignored\n",
                    r->path, r->cells[c], policy_name);
    return HR_EXIT_OK;
}

/* One observation from the current row; prints file:line errors. */
static int read_observation(const obs_reader *r, const columns *cols, const hr_policy *p,
                            const decide_options *o, double last_s, hr_observation *obs)
{
    if (r->n_cells != cols->n) {
        fprintf(stderr, "%s:%ld: %zu cells, the header has %zu\n", r->path, r->lineno,
                r->n_cells, cols->n);
        return HR_EXIT_USAGE;
    }
    double t;
    int replicas, ready;
    if (!parse_value(r->cells[0], &t) || t < 0) {
        fprintf(stderr, "%s:%ld: time_s: expected seconds >= 0, got \"%s\"\n", r->path, r->lineno,
                r->cells[0]);
        return HR_EXIT_USAGE;
    }
    if (t < last_s) {
        fprintf(stderr, "%s:%ld: time_s %s goes backwards (the row before is at %g); sort the rows by time\n",
                r->path, r->lineno, r->cells[0], last_s);
        return HR_EXIT_USAGE;
    }
    if (!parse_replicas(r->cells[1], &replicas)) {
        fprintf(stderr, "%s:%ld: replicas: expected a whole number >= 0, got \"%s\"\n", r->path,
                r->lineno, r->cells[1]);
        return HR_EXIT_USAGE;
    }
    ready = replicas;
    if (cols->has_ready && (!parse_replicas(r->cells[cols->ready], &ready) || ready > replicas)) {
        fprintf(stderr, "%s:%ld: ready_replicas: expected a whole number from 0 to replicas (%d), got \"%s\"\n",
                r->path, r->lineno, replicas, r->cells[cols->ready]);
        return HR_EXIT_USAGE;
    }
    *obs = (hr_observation){
        .time_s = t,
        .desired = replicas,
        .pending = replicas - ready,
        .in_service = ready,
        .counted = ready,
        .has_datapoint = true,
        .datapoint_end_s = t,
        .datapoint_start_s = t - o->period_s,
        .min = o->min,
        .max = o->max,
    };
    const hr_policy_input *in;
    size_t n_in = hr_policy_inputs(p, &in);
    for (size_t i = 0; i < n_in; i++) {
        const char *cell = r->cells[cols->input[i]];
        obs->input[i] = NAN;
        if (cell[0] != '\0' && !parse_value(cell, &obs->input[i])) {
            fprintf(stderr, "%s:%ld: %s: expected a number (or an empty cell for a missing value), got \"%s\"\n",
                    r->path, r->lineno, in[i].name, cell);
            return HR_EXIT_USAGE;
        }
    }
    return HR_EXIT_OK;
}

/* CSV-quote a reason (it may hold commas). */
static void print_quoted(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static int replay(obs_reader *r, hr_policy *p, hr_controller *ctl, const decide_options *o,
                  const char *name)
{
    columns cols = {0};
    int status = read_header(r, p, name, &cols);
    if (status != HR_EXIT_OK)
        return status;
    printf(o->reasons ? "time_s,desired_replicas,reason\n" : "time_s,desired_replicas\n");
    double last_s = 0;
    int got;
    while ((got = next_row(r)) > 0) {
        hr_observation obs;
        if ((status = read_observation(r, &cols, p, o, last_s, &obs)) != HR_EXIT_OK)
            return status;
        last_s = obs.time_s;
        hr_decision proposal;
        hr_policy_decide(p, &obs, &proposal);
        hr_decision_record rec = {.metric = NAN};
        int desired = hr_controller_apply(ctl, obs.time_s, obs.desired, &proposal, &rec);
        if (desired < 0)
            return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
        hr_policy_applied(p, obs.time_s, obs.desired, desired);
        printf("%s,%d", r->cells[0], desired);
        if (o->reasons) {
            putchar(',');
            print_quoted(rec.reason);
        }
        putchar('\n');
    }
    return got < 0 ? HR_EXIT_USAGE : HR_EXIT_OK;
}

int hr_cli_decide(int argc, char **argv)
{
    decide_options o;
    if (parse_options(argc, argv, &o) != HR_EXIT_OK)
        return HR_EXIT_USAGE;

    /* The context a headroom policy's defaults come from. */
    hr_scenario sc = {0};
    sc.tick_s = 1;
    sc.duration_s = INFINITY;
    sc.metrics.period_s = o.period_s;
    sc.fleet.min = o.min;
    sc.fleet.max = o.max;
    sc.fleet.initial = o.min;
    sc.fleet.concurrency = 1;
    sc.fleet.vcpu = 1;
    sc.fleet.memory_gb = 1;
    hr_error err;
    int rc = hr_scenario_load_policy_file(o.policy_path, &sc, &err);
    if (rc != HR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return hr_error_exit_status(rc);
    }
    const hr_policy_config *cfg = &sc.policies[0];
    hr_policy *p = NULL;
    hr_controller ctl;
    bool has_ctl = false;
    int status = HR_EXIT_OK;
    if ((rc = hr_policy_new(cfg, &sc, &p, &err)) != HR_OK ||
        (rc = hr_controller_init(&ctl, &sc.fleet, &cfg->limits, &err)) != HR_OK) {
        status = hr_cli_fail(hr_error_exit_status(rc), "%s", err.msg);
    } else if (hr_policy_foresight_s(p) > 0) {
        /* the oracle's input is the true future load, which only a run has */
        has_ctl = true;
        status = hr_cli_fail(HR_EXIT_USAGE,
                             "%s:%d:%d: policy.kind: an oracle reads the true future load, which "
                             "only `headroom run` simulates; decide dry-runs real policies",
                             o.policy_path, cfg->pos.line, cfg->pos.column);
    } else {
        has_ctl = true;
        obs_reader r = {.path = o.obs_path};
        r.f = strcmp(o.obs_path, "-") == 0 ? stdin : fopen(o.obs_path, "r");
        if (r.f == NULL) {
            status = hr_cli_fail(HR_EXIT_USAGE, "cannot read %s: %s", o.obs_path, strerror(errno));
        } else {
            status = replay(&r, p, &ctl, &o, cfg->name);
            if (r.f != stdin)
                fclose(r.f);
        }
        free(r.line);
    }
    if (status == HR_EXIT_OK)
        status = hr_cli_flush_stdout();
    if (has_ctl)
        hr_controller_free(&ctl);
    hr_policy_free(p);
    hr_scenario_free(&sc);
    return status;
}
