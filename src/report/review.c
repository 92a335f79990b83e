/* review.c - report.md and a self-contained report.html for a stored batch
 * (review.h). Both are written from the same blocks (headings, paragraphs,
 * preformatted text, images, tables), so they say the same thing. */
#include "headroom/review.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/compare.h"
#include "headroom/duration.h"
#include "headroom/plot.h"

/* Decision-log lines shown around a worst window. */
#define REVIEW_DECISION_LINES 16

typedef struct doc {
    FILE *md, *html;
    const char *dir;
} doc;

/* ---- the two renderers -------------------------------------------------- */

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* Markdown: characters that would start emphasis, code or a link are
 * escaped, so a name prints as written. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void heading(doc *d, int level, const char *text)
{
    fprintf(d->md, "\n%.*s ", level, "######");
    md_text(d->md, text);
    fputs("\n\n", d->md);
    fprintf(d->html, "<h%d>", level);
    html_text(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

static void __attribute__((format(printf, 2, 3))) para(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    md_text(d->md, buf);
    fputs("\n\n", d->md);
    fputs("<p>", d->html);
    html_text(d->html, buf);
    fputs("</p>\n", d->html);
}

static void pre(doc *d, const char *text)
{
    fprintf(d->md, "```\n%s```\n\n", text);
    fputs("<pre>", d->html);
    html_text(d->html, text);
    fputs("</pre>\n", d->html);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* An image: linked from the markdown, embedded in the HTML as base64. */
static int image(doc *d, const char *path, const char *alt, hr_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    fputs("![", d->md);
    md_text(d->md, alt);
    fprintf(d->md, "](%s)\n\n", base);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return hr_error_set(err, HR_EIO, "%s: cannot read the chart: %s", path, strerror(errno));
    fputs("<figure><img alt=\"", d->html);
    html_text(d->html, alt);
    fputs("\" src=\"data:image/png;base64,", d->html);
    unsigned char in[3];
    size_t n;
    while ((n = fread(in, 1, 3, fp)) > 0) {
        unsigned v = (unsigned)in[0] << 16 | (n > 1 ? (unsigned)in[1] << 8 : 0) | (n > 2 ? in[2] : 0);
        fputc(b64[v >> 18 & 63], d->html);
        fputc(b64[v >> 12 & 63], d->html);
        fputc(n > 1 ? b64[v >> 6 & 63] : '=', d->html);
        fputc(n > 2 ? b64[v & 63] : '=', d->html);
    }
    bool bad = ferror(fp) != 0;
    fclose(fp);
    if (bad)
        return hr_error_set(err, HR_EIO, "%s: cannot read the chart", path);
    fputs("\"><figcaption>", d->html);
    html_text(d->html, alt);
    fputs("</figcaption></figure>\n", d->html);
    return HR_OK;
}

/* A table row; header rows get a markdown rule under them. */
static void row(doc *d, bool header, size_t ncols, const char *const *cells)
{
    fputs("|", d->md);
    fputs("<tr>", d->html);
    for (size_t i = 0; i < ncols; i++) {
        fputc(' ', d->md);
        md_text(d->md, cells[i]);
        fputs(" |", d->md);
        fputs(header ? "<th>" : "<td>", d->html);
        html_text(d->html, cells[i]);
        fputs(header ? "</th>" : "</td>", d->html);
    }
    fputs("\n", d->md);
    fputs("</tr>\n", d->html);
    if (header) {
        fputs("|", d->md);
        for (size_t i = 0; i < ncols; i++)
            fputs("---|", d->md);
        fputs("\n", d->md);
    }
}

/* ---- content ------------------------------------------------------------ */

/* "Fri 14:05" from t seconds after the start of a run that starts on
 * start_day, with the offset from the start: "Fri 14:05 (t = 1d14h5m)". */
static void when(double t, int start_day, char *buf, size_t size)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    long s = lround(t);
    char off[32];
    hr_duration_format((double)s, off, sizeof off);
    snprintf(buf, size, "%s %02ld:%02ld (t = %s)", days[((s / 86400) + start_day) % 7],
             (s % 86400) / 3600, (s % 3600) / 60, off);
}

/* How far past the SLO a window went: the largest ratio of a figure to its
 * threshold among what broke. */
static double excess(const hr_stored_batch *b, const hr_stored_window *w)
{
    double x = 0;
    if (strstr(w->broke, "p95") && b->slo_latency_p95_ms > 0)
        x = fmax(x, w->latency_p95_ms / b->slo_latency_p95_ms);
    if (strstr(w->broke, "p99") && b->slo_latency_p99_ms > 0)
        x = fmax(x, w->latency_p99_ms / b->slo_latency_p99_ms);
    if (strstr(w->broke, "errors"))
        x = fmax(x, b->slo_error_rate_pct > 0 ? w->error_rate_pct / b->slo_error_rate_pct
                                              : 1 + w->error_rate_pct);
    return x;
}

static int recommendation(doc *d, const hr_comparison *c)
{
    heading(d, 2, "Recommendation");
    if (c->recommended < 0) {
        int best = -1;
        for (size_t i = 0; i < c->n_policies; i++)
            if (c->policies[i].rank == 1)
                best = (int)i;
        para(d, "No policy met the SLO in every run. The closest, %s, met it in %d of %d runs with "
                "%.1f minutes of violation on average; see the worst windows below for what broke.",
             best >= 0 ? c->policies[best].name : "none", best >= 0 ? c->policies[best].slo_met_runs : 0,
             best >= 0 ? c->policies[best].runs : 0,
             best >= 0 ? c->policies[best].fig[HR_FIG_SLO_VIOLATION].mean : 0.0);
        return HR_OK;
    }
    const hr_compare_policy *p = &c->policies[c->recommended];
    const hr_estimate *cost = &p->fig[HR_FIG_COST];
    char ci[96] = "";
    if (isfinite(cost->lo))
        snprintf(ci, sizeof ci, " (95%% CI %.2f to %.2f)", cost->lo, cost->hi);
    para(d, "%s is the cheapest policy that met the SLO in all %d runs: mean cost %.2f%s, p95 %.1f ms, "
            "%.1f minutes of SLO violation.",
         p->name, p->runs, cost->mean, ci, p->fig[HR_FIG_P95].mean, p->fig[HR_FIG_SLO_VIOLATION].mean);
    for (size_t i = 0; i < c->n_policies; i++) {
        const hr_compare_policy *o = &c->policies[i];
        double oc = o->fig[HR_FIG_COST].mean;
        if (!o->oracle || !(oc > 0))
            continue;
        para(d, "Against the perfect-foresight bound (%s, kind oracle: the least capacity that "
                "holds the SLO for the true load, launched a boot and a warm-up ahead; mean cost "
                "%.2f), it costs %.2fx: no policy could save more than %.2f here, and the bound "
                "itself is approximate (docs/policies.md).",
             o->name, oc, cost->mean / oc, cost->mean - oc);
        break;
    }
    if (c->runner_up < 0)
        return HR_OK;
    const hr_compare_policy *q = &c->policies[c->runner_up];
    const hr_compare_diff *df = hr_comparison_diff(c, (size_t)c->recommended, (size_t)c->runner_up);
    const hr_estimate *e = &df->fig[HR_FIG_COST];
    double sgn = df->a == (size_t)c->recommended ? 1 : -1, lo = sgn > 0 ? e->lo : -e->hi,
           hi = sgn > 0 ? e->hi : -e->lo;
    if (!isfinite(lo))
        para(d, "Its margin over the next, %s, is %.2f in cost from one replication; run more "
                "replications for an interval.",
             q->name, sgn * e->mean);
    else if (lo > 0)
        para(d, "Its margin over the next, %s, is %.2f in cost (95%% CI %.2f to %.2f, paired by "
                "replication): a margin the replications support.",
             q->name, sgn * e->mean, lo, hi);
    else
        para(d, "Its margin over the next, %s, is %.2f in cost (95%% CI %.2f to %.2f, paired by "
                "replication): the interval includes 0, so the replications do not yet separate "
                "the two on cost; run more replications, or choose on the other figures.",
             q->name, sgn * e->mean, lo, hi);
    return HR_OK;
}

static int worst_windows(doc *d, hr_store *st, const hr_stored_batch *b, const hr_comparison *c,
                         hr_error *err)
{
    heading(d, 2, "Worst SLO window per policy");
    para(d, "For each policy, the violated SLO window (of the service's SLO, over every replication) "
            "that went furthest past its threshold, and the decision-log lines from ten minutes "
            "before it to five after: every decision that changed or proposed a change, and the first "
            "reading of each minute when it differs from the line before.");
    hr_stored_run *runs;
    size_t n;
    int rc = hr_store_runs(st, b->id, &runs, &n, err);
    for (size_t p = 0; !rc && p < c->n_policies; p++) {
        heading(d, 3, c->policies[p].name);
        hr_stored_window best = {0};
        int64_t best_run = 0;
        uint32_t best_rep = 0;
        double best_x = -1;
        for (size_t i = 0; !rc && i < n; i++) {
            if (strcmp(runs[i].policy, c->policies[p].name) != 0)
                continue;
            hr_stored_window *w;
            size_t nw;
            if ((rc = hr_store_windows(st, runs[i].id, &w, &nw, err)))
                break;
            for (size_t k = 0; k < nw; k++)
                if (w[k].tenant[0] == '\0' && excess(b, &w[k]) > best_x) {
                    best_x = excess(b, &w[k]);
                    best = w[k];
                    best_run = runs[i].id;
                    best_rep = runs[i].replication;
                }
            free(w);
        }
        if (rc)
            break;
        if (best_run == 0) {
            para(d, "No window violated the SLO in any replication.");
            continue;
        }
        char from[64], to[64];
        when(best.start_s, b->start_day, from, sizeof from);
        when(best.end_s, b->start_day, to, sizeof to);
        para(d, "Replication %" PRIu32 " (run %" PRId64 "), %s to %s: broke %s; p95 %.0f ms, p99 %.0f ms, "
                "errors %.3g%% of %" PRIu64 " requests.",
             best_rep, best_run, from, to, best.broke, best.latency_p95_ms, best.latency_p99_ms,
             best.error_rate_pct, best.finished);
        hr_stored_decision *dec;
        size_t nd;
        if ((rc = hr_store_decisions(st, best_run, best.start_s - 600, best.end_s + 300, 5000, &dec,
                                     &nd, err)))
            break;
        static const char *const head[] = {"time", "current", "proposed", "desired", "metric", "reason"};
        fputs("<table>\n", d->html);
        row(d, true, 6, head);
        size_t shown = 0;
        long last_minute = -1;
        const char *last_reason = "";
        for (size_t k = 0; k < nd && shown < REVIEW_DECISION_LINES; k++) {
            /* every decision that moved, and the first reading of each
             * minute unless it says what the last line said */
            long minute = lround(floor(dec[k].time_s / 60));
            bool acts = dec[k].desired != dec[k].current || dec[k].proposed != dec[k].current;
            if (!acts && (minute == last_minute || strcmp(dec[k].reason, last_reason) == 0))
                continue;
            last_minute = minute;
            last_reason = dec[k].reason;
            char t[64], cur[16], prop[16], des[16], met[32];
            when(dec[k].time_s, b->start_day, t, sizeof t);
            snprintf(cur, sizeof cur, "%d", dec[k].current);
            snprintf(prop, sizeof prop, "%d", dec[k].proposed);
            snprintf(des, sizeof des, "%d", dec[k].desired);
            if (isfinite(dec[k].metric))
                snprintf(met, sizeof met, "%.4g", dec[k].metric);
            else
                snprintf(met, sizeof met, "-");
            const char *cells[] = {t, cur, prop, des, met, dec[k].reason};
            row(d, false, 6, cells);
            shown++;
        }
        fputs("</table>\n", d->html);
        fputs("\n", d->md);
        if (nd == 0)
            para(d, "No decisions in that interval (a static policy decides nothing).");
        free(dec);
    }
    hr_stored_runs_free(runs, n);
    return rc;
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>";
static const char html_style[] =
    "</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}\n"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}\n"
    "table{border-collapse:collapse;font-size:13px;margin-bottom:1em}\n"
    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}\n"
    "img{max-width:100%;border:1px solid #eee}\nfigure{margin:1em 0}\n"
    "figcaption{color:#555;font-size:13px}\n</style></head><body>\n";

int hr_review_write(hr_store *st, int64_t batch_id, const char *out_dir, const char *templates,
                    hr_error *err)
{
    hr_stored_batch *b = NULL;
    hr_comparison c = {0};
    hr_plot_files charts = {0};
    doc d = {.dir = out_dir};
    char md_path[4096], html_path[4096];
    snprintf(md_path, sizeof md_path, "%s/report.md", out_dir);
    snprintf(html_path, sizeof html_path, "%s/report.html", out_dir);
    hr_plot_spec spec = {.batch_id = batch_id, .out_dir = out_dir, .format = "png",
                         .templates = templates};
    int rc = hr_store_batch(st, batch_id, &b, err);
    if (!rc)
        rc = hr_compare_batch(st, batch_id, &c, err);
    if (!rc)
        rc = hr_plot_batch(st, &spec, &charts, err);
    if (!rc && !(d.md = fopen(md_path, "w")))
        rc = hr_error_set(err, HR_EIO, "%s: cannot write: %s", md_path, strerror(errno));
    if (!rc && !(d.html = fopen(html_path, "w")))
        rc = hr_error_set(err, HR_EIO, "%s: cannot write: %s", html_path, strerror(errno));
    if (!rc) {
        char title[512];
        snprintf(title, sizeof title, "Capacity review: %s, batch %" PRId64, b->scenario ? b->scenario : "?",
                 b->id);
        fputs(html_head, d.html);
        html_text(d.html, title);
        fputs(html_style, d.html);
        fputs("# ", d.md);
        md_text(d.md, title);
        fputs("\n\n", d.md);
        fputs("<h1>", d.html);
        html_text(d.html, title);
        fputs("</h1>\n", d.html);
        para(&d, "Scenario %s (%s), seed %" PRIu64 ", %d replications of %d policies, started %s; "
                 "made by: %s",
             b->scenario ? b->scenario : "?", b->scenario_path ? b->scenario_path : "?", b->seed,
             c.replications, (int)c.n_policies, b->started_at ? b->started_at : "?",
             b->command ? b->command : "?");
        rc = recommendation(&d, &c);
    }
    if (!rc) {
        heading(&d, 2, "Comparison");
        para(&d, "Means over replications with the half-width of their 95%% confidence interval "
                 "(Student t); paired differences replication by replication; elasticity against "
                 "demand (docs/compare.md).");
        char *table = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&table, &len);
        if (!mem) {
            rc = hr_error_set(err, HR_ENOMEM, "out of memory writing the report");
        } else {
            hr_compare_print_table(&c, mem);
            fclose(mem);
            pre(&d, table);
            free(table);
        }
    }
    if (!rc) {
        heading(&d, 2, "Charts");
        for (size_t i = 0; !rc && i < charts.n; i++) {
            const char *base = strrchr(charts.paths[i], '/');
            rc = image(&d, charts.paths[i], base ? base + 1 : charts.paths[i], err);
        }
    }
    if (!rc)
        rc = worst_windows(&d, st, b, &c, err);
    if (d.html) {
        fputs("</body></html>\n", d.html);
        if ((ferror(d.html) | fclose(d.html)) && !rc)
            rc = hr_error_set(err, HR_EIO, "%s: cannot write", html_path);
    }
    if (d.md && (ferror(d.md) | fclose(d.md)) && !rc)
        rc = hr_error_set(err, HR_EIO, "%s: cannot write", md_path);
    hr_plot_files_free(&charts);
    hr_comparison_free(&c);
    hr_stored_batches_free(b, b ? 1 : 0);
    return rc;
}
