/* loader.h - internals of the YAML scenario loader (src/scenario/), shared
 * by its files; not a public header.
 *
 * A file is parsed with libyaml's document API (a node graph with start
 * marks), then walked section by section. Each mapping has a small key table
 * (keyspec) that says which keys are valid there; the same table gives the
 * did-you-mean candidates for unknown keys. Every error names the file, the
 * 1-based line and column of the offending node (libyaml marks are 0-based),
 * the key path, what is wrong and, where possible, what would be right:
 *
 *   PATH:LINE:COL: key.path: what is wrong; what would be right
 *
 * The walk is driven by the schema, never by the graph, so anchors and
 * aliases (which libyaml may turn into cycles) cannot make it loop.
 * docs/scenario.md documents every key and message pattern; keep it in step.
 *
 * The files: reader.c holds the positioned typed readers every section uses
 * (ld_fail, ld_get, ld_f_number, ...); document.c reads a file and its YAML;
 * load_root.c the header keys, metrics, slo and the public entry points;
 * load_dist.c,
 * load_traffic.c, load_workload.c, load_fleet.c and load_policies.c one
 * section each, with one entry point declared here (profiles.c, apart, holds
 * the named diurnal profiles and metric names). Every reader returns HR_OK
 * or the (negative) code of the error it has set in L->err. */
#ifndef HEADROOM_SCENARIO_LOADER_H
#define HEADROOM_SCENARIO_LOADER_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

#define KEYPATH_MAX 256
#define LIST_MAX 512

/* Bounds for ld_f_number when a side is open-ended. */
#define NO_LO (-INFINITY)
#define NO_HI INFINITY

/* The bounds every scenario is held to (docs/scenario.md, Limits): large
 * enough for any real study, small enough that no arithmetic in the engine
 * can overflow and no run can take forever. */
#define LD_MAX_DURATION_S (36500.0 * 86400) /* any duration: a hundred years */
#define LD_MAX_RUN_S (400.0 * 86400)        /* the scenario's duration */
#define LD_MIN_TICK_S 0.001                 /* 1ms */
#define LD_MAX_TICKS 1e8                    /* duration / tick */
#define LD_MAX_DELAY_PERIODS 100            /* metrics.delay / metrics.period */
#define LD_MAX_BREACH_S 86400.0             /* an alarm's evaluation range, CloudWatch's day */
#define LD_MAX_RATE 1e8                     /* requests per second of a base rate */
#define LD_MAX_FACTOR 1000.0                /* a multiplier of the rate (event, hour, day) */
#define LD_MAX_PRICE 1e6                    /* an instance's price per hour */

/* One YAML file being read. file and text name and hold the input; doc and
 * root are set by ld_load_document while the walk runs; err and sc are the
 * caller's. A second file (one a policy refers to) gets a loader of its own
 * with the same err and sc, so its messages name that file. */
typedef struct loader {
    const char *file;      /* for messages */
    const char *text;      /* the whole input, for policy source slices */
    size_t len;
    yaml_document_t *doc;
    hr_error *err;
    hr_scenario *sc;
    yaml_node_t *root;
    bool standalone;       /* a policy file of its own (decide): nothing is simulated */
    size_t mark_char, mark_byte; /* the last character index turned into a byte offset, so
                                    offsets asked for in file order cost linear time */
    size_t *names;         /* while policies are read: a hash set of their indices by name
                              (SIZE_MAX: empty slot), n_names slots, a power of 2 */
    size_t n_names;
} loader;

/* A key valid in some mapping. notsup, when set, is the HR_ENOTSUP message
 * for a contract key whose feature is not built yet. */
typedef struct keyspec {
    const char *name;
    const char *notsup;
} keyspec;

/* ---- documents (document.c) ---------------------------------------------- */

/* The largest file each reader takes: a scenario, a policy file or a
 * manifest is a few kilobytes, a trace a few megabytes per month of
 * seconds. */
#define LD_MAX_TEXT_BYTES ((size_t)16 << 20)
#define LD_MAX_TRACE_BYTES ((size_t)1 << 30)
/* The deepest nesting of mappings and lists a YAML file may have. */
#define LD_MAX_DEPTH 64

/* Read the whole file at path, at most max bytes, into *text (malloc'd,
 * NUL-terminated, the caller frees it) and its length into *len. Fails with
 * HR_EIO "cannot read PATH: <system error>", HR_EINVAL "PATH: larger than
 * N MiB, ..." or HR_ENOMEM "PATH: out of memory while reading the WHAT"
 * (what is "scenario" for a scenario file). Reads special files (a pipe,
 * /dev/zero) the same way: never more than max. */
int ld_read_file(const char *path, const char *what, size_t max, char **text, size_t *len,
                 hr_error *err);

/* Parse L->text (L->len bytes) as a single YAML document and call walk on
 * its root with L->doc and L->root set; the document is freed and both reset
 * afterwards. Syntax errors are "PATH:LINE:COL: YAML syntax error: ...". An
 * empty file is "PATH:1:1: the file is empty; EMPTY_HINT" (just "the file is
 * empty" when empty_hint is NULL); a second document is "a second YAML
 * document; a WHAT file holds exactly one (remove the '---')". Returns walk's
 * result or the error's code. */
int ld_load_document(loader *L, const char *what, const char *empty_hint,
                     int (*walk)(loader *L, yaml_node_t *root, void *arg), void *arg);

/* path as seen from the folder of the file `from` (an absolute path as it
 * is): a manifest or a trace named in a scenario. malloc'd, NULL when out
 * of memory. */
char *ld_relative_path(const char *from, const char *path);

/* The error for a libyaml parser that failed: "PATH:LINE:COL: YAML syntax
 * error: ..." (or out of memory). */
int ld_syntax_error(loader *L, const yaml_parser_t *p);

/* The byte offset of libyaml's mark index (which counts characters, a BOM
 * not counted) in L->text; fastest asked in file order (load_policies.c). */
size_t ld_byte_offset(loader *L, size_t char_index);

/* ---- messages ------------------------------------------------------------ */

/* Set L->err to "FILE:LINE:COL: PATH: MSG" (no "PATH: " when path is empty)
 * at node at (1:1 when NULL) and return code. */
int ld_fail(loader *L, const yaml_node_t *at, int code, const char *path,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* HR_ENOMEM, "FILE: out of memory while loading the scenario". */
int ld_nomem(loader *L);
/* Record "FILE:LINE:COL: PATH: warning: MSG" in L->sc->warnings: valid, but
 * likely not what the user meant. HR_OK, or HR_ENOMEM. */
int ld_warn(loader *L, const yaml_node_t *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* out (KEYPATH_MAX bytes) = "base.key", or "key" when base is empty. */
void ld_join(char *out, const char *base, const char *key);
/* out (KEYPATH_MAX bytes) = "base[i]", or "base[i] (name)" when name is set. */
void ld_join_index(char *out, const char *base, size_t i, const char *name);

/* ---- nodes --------------------------------------------------------------- */

yaml_node_t *ld_node_at(loader *L, int index);
/* A scalar node's text. */
const char *ld_sval(const yaml_node_t *n);
/* A plain empty, ~ or null scalar: a key written without a value. */
bool ld_is_null(const yaml_node_t *n);
/* A scalar other than a plain empty, ~ or null one. */
bool ld_is_scalar(const yaml_node_t *n);
/* The scalar as written, shortened for messages, in buf. */
const char *ld_raw(const yaml_node_t *n, char *buf, size_t size);
/* What a node is, for "expected X, got Y": "a mapping", "\"abc\"", ... */
const char *ld_got(const yaml_node_t *n, char *buf, size_t size);
/* The value of key in map (and the key node), or NULL. */
yaml_node_t *ld_get(loader *L, const yaml_node_t *map, const char *key, yaml_node_t **keynode);
/* Items of a sequence node; 0 for any other node. */
size_t ld_seq_len(const yaml_node_t *n);
/* Item i (< ld_seq_len(seq)) of a sequence node. */
yaml_node_t *ld_seq_item(loader *L, const yaml_node_t *seq, size_t i);

/* ---- did you mean -------------------------------------------------------- */

/* The closest of names[0..n) to word, or NULL when none is close. */
const char *ld_suggest(const char *word, const char *const *names, size_t n);
/* "a, b, c" in buf. */
const char *ld_list_names(const char *const *names, size_t n, char *buf, size_t size);
/* Length of a NULL-terminated list. */
size_t ld_count_names(const char *const *names);
/* "PATH.KEY: unknown key; did you mean X?" (among cands) or "...; valid keys:
 * a, b" (valid) at key node k. */
int ld_unknown_key(loader *L, const yaml_node_t *k, const char *path,
                   const char *const *cands, size_t n_cands,
                   const char *const *valid, size_t n_valid);

/* ---- mappings ------------------------------------------------------------ */

/* n is a mapping, else "expected a mapping like EXAMPLE, got ...". */
int ld_expect_map(loader *L, const yaml_node_t *n, const char *path, const char *example);
/* Keys are scalars without duplicates and, when keys is not NULL, each in
 * the table (unknown -> did-you-mean; notsup -> HR_ENOTSUP). */
int ld_check_keys(loader *L, const yaml_node_t *map, const char *path, const keyspec *keys);
/* "PATH: missing required key KEY" at map. */
int ld_missing(loader *L, const yaml_node_t *map, const char *path, const char *key);
/* Keys a and b of map exclude each other: when both are there, "PATH.LATER:
 * WHY" at the one written later. */
int ld_exclusive(loader *L, const yaml_node_t *map, const char *path, const char *a,
                 const char *b, const char *why);

/* ---- values -------------------------------------------------------------- */

int ld_rd_number(loader *L, const yaml_node_t *n, const char *path, double *out);
/* v lies in lo..hi (each side open or closed), else "must be ..., got RAW". */
int ld_check_range(loader *L, const yaml_node_t *n, const char *path, double v,
                   double lo, bool lo_open, double hi, bool hi_open);

/* Field readers: the value of key in map, read and range-checked, with key
 * path base.key; when the key is absent, dflt if optional, else the
 * missing-key error at map. */
int ld_f_number(loader *L, const yaml_node_t *map, const char *base, const char *key,
                bool required, double dflt, double lo, bool lo_open, double hi,
                bool hi_open, double *out);
/* A duration in seconds (never negative); positive asks for > 0. */
int ld_f_duration(loader *L, const yaml_node_t *map, const char *base, const char *key,
                  bool required, double dflt, bool positive, double *out);
int ld_f_int(loader *L, const yaml_node_t *map, const char *base, const char *key,
             bool required, int dflt, long lo, long hi, int *out);
/* A non-empty string, strdup'd (dflt too). */
int ld_f_string(loader *L, const yaml_node_t *map, const char *base, const char *key,
                bool required, const char *dflt, char **out);
/* One of names (NULL-terminated), *out its index; noun names the thing in
 * "unknown NOUN ...". */
int ld_f_enum(loader *L, const yaml_node_t *map, const char *base, const char *key,
              bool required, int dflt, const char *noun, const char *const *names, int *out);
int ld_f_bool(loader *L, const yaml_node_t *map, const char *base, const char *key,
              bool dflt, bool *out);

/* value (read from key in map) is a name usable in results and on the
 * command line: letters, digits, '.', '_' and '-'. */
int ld_check_name(loader *L, const yaml_node_t *map, const char *base, const char *key,
                  const char *value);
/* A duration as written in messages ("90s", "1m"). */
void ld_fmt_dur(double s, char *buf, size_t size);
/* v (key in map, or its default when absent; map may be NULL) is a multiple
 * of the scenario's tick. */
int ld_check_tick_multiple(loader *L, const yaml_node_t *map, const char *base,
                           const char *key, double v);

/* ---- sections ------------------------------------------------------------ */

/* {dist: NAME, mean: DURATION, ...}, prepared (load_dist.c). */
int ld_parse_dist(loader *L, const yaml_node_t *n, const char *path, bool mean_positive,
                  hr_dist *d);
/* A limits mapping overlaid on *lim (load_policies.c). */
int ld_parse_limits(loader *L, const yaml_node_t *n, const char *path, hr_limits *lim);
/* Sections into L->sc; the root's section value n, or the root itself for
 * policies (which must be present). */
int ld_parse_traffic(loader *L, const yaml_node_t *n);
/* traffic.replay at n (load_replay.c): reads the trace into
 * L->sc->traffic.replay; needs the scenario's duration. */
int ld_parse_replay(loader *L, const yaml_node_t *n, const char *path);
int ld_parse_workload(loader *L, const yaml_node_t *n);
/* A list of request classes at path (shares summing to 1, names unique)
 * into *out (calloc'd, *n_out entries to free even on failure). */
int ld_parse_classes(loader *L, const yaml_node_t *classes, const char *path,
                     hr_request_class **out, size_t *n_out);
/* traffic.tenants (load_traffic.c), and once the slo is read, the tenants'
 * SLOs completed from it. */
int ld_parse_tenants(loader *L, const yaml_node_t *n);
void ld_finish_tenants(loader *L);
int ld_parse_fleet(loader *L, const yaml_node_t *n);
int ld_parse_policies(loader *L, const yaml_node_t *root);
/* One policy mapping as the only policy of L->sc (a policy file of its own). */
int ld_parse_one_policy(loader *L, yaml_node_t *root, void *arg);
/* The policy at key path reads memory: the fleet must give a memory model
 * (load_fleet.c), else an error at node at. */
int ld_need_memory_model(loader *L, const yaml_node_t *at, const char *path);

/* ---- calendar and schedules (load_calendar.c, load_schedule.c) ----------- */

/* The root's calendar key into L->sc->calendar (the UTC zone when absent);
 * before traffic. */
int ld_parse_calendar(loader *L, const yaml_node_t *root);
/* Once traffic.start_day is read (traffic is its mapping): check it
 * against the calendar, take the calendar's weekday, set the calendar's
 * start and the traffic's local clock. */
int ld_finish_calendar(loader *L, const yaml_node_t *traffic);
/* An IANA time zone name at n into *tz (free with hr_tz_free). */
int ld_parse_time_zone(loader *L, const yaml_node_t *n, const char *path, hr_tz *tz);
/* Days at n: day, weekdays, weekends, a day name or a list of those, into
 * bits (bit d: day d, 0 = Monday) (load_traffic.c). */
int ld_parse_days(loader *L, const yaml_node_t *n, const char *path, unsigned *days);
/* A policy's schedule key (a list of scheduled actions) at n into p. */
int ld_parse_schedule(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p);

/* ---- policy keys shared by kinds (load_policies.c) ----------------------- */

/* The metric key of a policy mapping n (memory needs the fleet's memory
 * model); missing_data as CloudWatch's TreatMissingData (step: all four
 * values, else missing or ignore). */
int ld_parse_metric(loader *L, const yaml_node_t *n, const char *path, hr_metric *out);
int ld_parse_missing_data(loader *L, const yaml_node_t *n, const char *path, bool step,
                          hr_missing_data *out);

/* ---- kinds step and simple (load_alarms.c) -------------------------------- */

int ld_parse_step(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p);
int ld_parse_simple(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p);

/* ---- kind: hpa (load_hpa.c) ---------------------------------------------- */

/* The hpa kind's keys (manifest or spec, metric_map, sync_period,
 * tolerance, downscale_stabilization) into p->hpa, reading the manifest
 * file relative to L->file. */
int ld_parse_hpa(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p);
/* Some document of L->text is a HorizontalPodAutoscaler object. */
bool ld_has_hpa_manifest(loader *L);
/* The one HorizontalPodAutoscaler among the documents of L->text as a
 * policy of its own, named after its metadata.name. */
int ld_load_hpa_manifest(loader *L, hr_policy_config *p);

#endif
