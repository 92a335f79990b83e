/* merge.c - one results database into another (`headroom merge`): the
 * shards of a sweep run by a batch scheduler, gathered in one file.
 *
 * The source is ATTACHed and copied with INSERT ... SELECT in a single
 * transaction. Rows get new ids in the target; the old-to-new maps of
 * scenarios, batches and runs live in TEMP tables, so the tables hanging
 * off a run (series, decisions, run_tenants, slo_violations, run_params,
 * and any later table with a run_id column) are each copied by one
 * statement. Column lists are read from the schema, and both files must
 * have the same schema version, so a column added by a later migration is
 * copied without a change here. What makes a merge idempotent: a batch is
 * the same batch when its scenario text, seed, replications, command,
 * start time and run length are; a run is the same when its batch, policy
 * and replication are (the runs table's UNIQUE key). */
#include "headroom/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Run sql (no rows expected) on the target; on failure the error says
 * doing. */
static int exec(hr_store *st, const char *sql, const char *doing, hr_error *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return st_db_error(st, err, doing);
    return HR_OK;
}

/* The columns of table in schema db ("main" or "src") but skip, quoted and
 * comma-separated, into buf; prefix goes before each ("x." or ""). */
static int columns(hr_store *st, const char *db, const char *table, const char *skip,
                   const char *prefix, char *buf, size_t size, hr_error *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA %s.table_info(\"%s\")", db, table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot read the schema");
    size_t used = 0;
    buf[0] = '\0';
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        if (!name || strcmp(name, skip) == 0)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s\"%s\"", used ? ", " : "", prefix, name);
        if (w < 0 || (size_t)w >= size - used) {
            sqlite3_finalize(s);
            return hr_error_set(err, HR_EDB, "%s: table %s has too many columns to merge",
                                st->path, table);
        }
        used += (size_t)w;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return st_db_error(st, err, "cannot read the schema");
    return HR_OK;
}

/* The first integer of a one-row query with up to two integer parameters
 * (?1 = a, ?2 = b), or 0 when there is no row. */
static int query_id(hr_store *st, const char *sql, int64_t a, int64_t b, int64_t *out,
                    hr_error *err)
{
    sqlite3_stmt *s;
    *out = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot merge");
    if (sqlite3_bind_parameter_count(s) >= 1)
        sqlite3_bind_int64(s, 1, a);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, b);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return st_db_error(st, err, "cannot merge");
    return HR_OK;
}

/* Run a prepared statement with two integer parameters to its end. */
static int run2(hr_store *st, const char *sql, int64_t a, int64_t b, hr_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot merge");
    sqlite3_bind_int64(s, 1, a);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, b);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return st_db_error(st, err, "cannot merge");
    return HR_OK;
}

/* The ids of a source table (one query, read before anything is
 * inserted), malloc'd into *ids. */
static int source_ids(hr_store *st, const char *table, int64_t **ids, size_t *n, hr_error *err)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT id FROM src.%s ORDER BY id", table);
    sqlite3_stmt *s;
    *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot read the database to merge");
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *grown = realloc(*ids, cap * sizeof **ids);
            if (!grown) {
                sqlite3_finalize(s);
                return hr_error_set(err, HR_ENOMEM, "out of memory merging %s", st->path);
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return st_db_error(st, err, "cannot read the database to merge");
    return HR_OK;
}

/* Copy the row id of src.table into main.table (every column but id, fk
 * replaced by fk_value when fk is set); *new_id is its id there. */
static int copy_row(hr_store *st, const char *table, int64_t id, const char *fk, int64_t fk_value,
                    int64_t *new_id, hr_error *err)
{
    char cols[2048], sel[2048], sql[4400];
    int rc = columns(st, "main", table, "id", "", cols, sizeof cols, err);
    if (!rc)
        rc = columns(st, "main", table, "id", "x.", sel, sizeof sel, err);
    if (rc)
        return rc;
    if (fk) {
        /* the foreign key's column selected as the parameter instead */
        char quoted[64], *at;
        snprintf(quoted, sizeof quoted, "x.\"%s\"", fk);
        if ((at = strstr(sel, quoted)) != NULL) {
            char rest[2048];
            snprintf(rest, sizeof rest, "%s", at + strlen(quoted));
            snprintf(at, sizeof sel - (size_t)(at - sel), "?2%s", rest);
        }
    }
    snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" (%s) SELECT %s FROM src.\"%s\" x WHERE x.id = ?1",
             table, cols, sel, table);
    rc = run2(st, sql, id, fk_value, err);
    *new_id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

/* Every table of the target with a column named col, except skip. */
static int tables_with(hr_store *st, const char *col, const char *skip, char names[][64],
                       size_t max, size_t *n, hr_error *err)
{
    sqlite3_stmt *s;
    *n = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT m.name FROM main.sqlite_master m WHERE m.type = 'table' AND"
                           " EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = ?1)"
                           " AND m.name <> ?2 ORDER BY m.name",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot read the schema");
    sqlite3_bind_text(s, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, skip, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && *n < max)
        snprintf(names[(*n)++], 64, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return st_db_error(st, err, "cannot read the schema");
    return HR_OK;
}

/* Copy the rows of src.table whose col is mapped in temp.map (src -> dst)
 * with col set to the new id. */
static int copy_children(hr_store *st, const char *table, const char *col, const char *map,
                         hr_error *err)
{
    char cols[2048], sel[2048], sql[4400];
    int rc = columns(st, "main", table, col, "", cols, sizeof cols, err);
    if (!rc)
        rc = columns(st, "main", table, col, "x.", sel, sizeof sel, err);
    if (rc)
        return rc;
    snprintf(sql, sizeof sql,
             "INSERT INTO main.\"%s\" (\"%s\", %s) SELECT m.dst, %s FROM src.\"%s\" x"
             " JOIN temp.%s m ON m.src = x.\"%s\"",
             table, col, cols, sel, table, map, col);
    return exec(st, sql, "cannot copy rows", err);
}

static int merge_scenarios(hr_store *st, hr_error *err)
{
    int64_t *ids;
    size_t n;
    int rc = source_ids(st, "scenarios", &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t dst;
        rc = query_id(st,
                      "SELECT m.id FROM main.scenarios m JOIN src.scenarios x ON x.id = ?1"
                      " WHERE m.text_fnv1a64 = x.text_fnv1a64 AND m.text = x.text"
                      " ORDER BY m.id LIMIT 1",
                      ids[i], 0, &dst, err);
        if (!rc && dst == 0)
            rc = copy_row(st, "scenarios", ids[i], NULL, 0, &dst, err);
        if (!rc)
            rc = run2(st, "INSERT INTO temp.merge_scenarios (src, dst) VALUES (?1, ?2)", ids[i],
                      dst, err);
    }
    free(ids);
    return rc;
}

static int merge_batches(hr_store *st, hr_merge_counts *c, hr_error *err)
{
    int64_t *ids;
    size_t n;
    int rc = source_ids(st, "batches", &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t scen, dst;
        rc = query_id(st, "SELECT dst FROM temp.merge_scenarios m JOIN src.batches x"
                          " ON x.scenario_id = m.src WHERE x.id = ?1",
                      ids[i], 0, &scen, err);
        if (!rc)
            rc = query_id(st,
                          "SELECT b.id FROM main.batches b JOIN src.batches x ON x.id = ?1"
                          " WHERE b.scenario_id = ?2 AND b.seed = x.seed"
                          " AND b.replications = x.replications AND b.command IS x.command"
                          " AND b.started_at = x.started_at AND b.duration_s IS x.duration_s"
                          " ORDER BY b.id LIMIT 1",
                          ids[i], scen, &dst, err);
        if (rc)
            break;
        if (dst) {
            c->batches_kept++;
            /* a shard merged while interrupted, then completed: the later
             * status wins */
            rc = run2(st,
                      "UPDATE main.batches SET status = (SELECT status FROM src.batches WHERE"
                      " id = ?1), finished_at = (SELECT finished_at FROM src.batches WHERE"
                      " id = ?1) WHERE id = ?2 AND (SELECT finished_at FROM src.batches WHERE"
                      " id = ?1) > coalesce(finished_at, '')",
                      ids[i], dst, err);
        } else {
            c->batches++;
            rc = copy_row(st, "batches", ids[i], "scenario_id", scen, &dst, err);
            if (!rc)
                rc = run2(st, "INSERT INTO temp.merge_new_batches (src, dst) VALUES (?1, ?2)",
                          ids[i], dst, err);
        }
        if (!rc)
            rc = run2(st, "INSERT INTO temp.merge_batches (src, dst) VALUES (?1, ?2)", ids[i],
                      dst, err);
    }
    free(ids);
    return rc;
}

static int merge_runs(hr_store *st, hr_merge_counts *c, hr_error *err)
{
    int64_t *ids;
    size_t n;
    int rc = source_ids(st, "runs", &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t batch, dst;
        rc = query_id(st, "SELECT dst FROM temp.merge_batches m JOIN src.runs x"
                          " ON x.batch_id = m.src WHERE x.id = ?1",
                      ids[i], 0, &batch, err);
        if (!rc)
            rc = query_id(st,
                          "SELECT r.id FROM main.runs r JOIN src.runs x ON x.id = ?1"
                          " WHERE r.batch_id = ?2 AND r.policy = x.policy"
                          " AND r.replication = x.replication",
                          ids[i], batch, &dst, err);
        if (rc)
            break;
        if (dst) {
            c->runs_kept++;
            continue;
        }
        c->runs++;
        rc = copy_row(st, "runs", ids[i], "batch_id", batch, &dst, err);
        if (!rc)
            rc = run2(st, "INSERT INTO temp.merge_runs (src, dst) VALUES (?1, ?2)", ids[i], dst,
                      err);
    }
    free(ids);
    return rc;
}

/* The schema version of the attached source. */
static int source_version(hr_store *st, const char *src_path, hr_error *err)
{
    int64_t version = 0, tables = 0;
    int rc = query_id(st, "PRAGMA src.user_version", 0, 0,
                      &version, err);
    if (!rc)
        rc = query_id(st, "SELECT count(*) FROM src.sqlite_master WHERE name = 'runs'",
                      0, 0, &tables, err);
    if (rc)
        return hr_error_set(err, HR_EDB, "%s: cannot read it as a results database (%s)",
                            src_path, err->msg);
    if (tables == 0)
        return hr_error_set(err, HR_EDB, "%s: not a headroom results database (no runs table)",
                            src_path);
    if (version != HR_STORE_SCHEMA_VERSION)
        return hr_error_set(err, HR_EDB,
                            "%s has schema version %lld, %s has %d: both must have the same "
                            "version; %s",
                            src_path, (long long)version, st->path, HR_STORE_SCHEMA_VERSION,
                            version < HR_STORE_SCHEMA_VERSION
                                ? "`headroom runs --db FILE` with this headroom migrates the "
                                  "older file, then merge again"
                                : "merge with the newer headroom that wrote it");
    return HR_OK;
}

static int merge_attached(hr_store *st, const char *src_path, hr_merge_counts *c, hr_error *err)
{
    int rc = source_version(st, src_path, err);
    if (rc)
        return rc;
    rc = exec(st,
              "CREATE TEMP TABLE IF NOT EXISTS merge_scenarios (src INTEGER PRIMARY KEY, dst INTEGER);"
              "CREATE TEMP TABLE IF NOT EXISTS merge_batches (src INTEGER PRIMARY KEY, dst INTEGER);"
              "CREATE TEMP TABLE IF NOT EXISTS merge_new_batches (src INTEGER PRIMARY KEY, dst INTEGER);"
              "CREATE TEMP TABLE IF NOT EXISTS merge_runs (src INTEGER PRIMARY KEY, dst INTEGER);"
              "DELETE FROM temp.merge_scenarios; DELETE FROM temp.merge_batches;"
              "DELETE FROM temp.merge_new_batches; DELETE FROM temp.merge_runs;",
              "cannot prepare the merge", err);
    if (!rc)
        rc = exec(st, "BEGIN IMMEDIATE", "cannot start the merge's transaction", err);
    if (rc)
        return rc;
    char names[32][64];
    size_t n = 0;
    rc = merge_scenarios(st, err);
    if (!rc)
        rc = merge_batches(st, c, err);
    /* what hangs off a new batch (batch_events), not off a kept one */
    if (!rc)
        rc = tables_with(st, "batch_id", "runs", names, 32, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = copy_children(st, names[i], "batch_id", "merge_new_batches", err);
    if (!rc)
        rc = merge_runs(st, c, err);
    if (!rc)
        rc = tables_with(st, "run_id", "", names, 32, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = copy_children(st, names[i], "run_id", "merge_runs", err);
    if (!rc)
        rc = exec(st, "COMMIT", "cannot commit the merge", err);
    if (rc)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int hr_store_merge(hr_store *st, const char *src_path, hr_merge_counts *counts, hr_error *err)
{
    hr_merge_counts c = {0};
    if (access(src_path, R_OK) != 0)
        return hr_error_set(err, HR_EIO, "%s: no such results database (or not readable)",
                            src_path);
    struct stat a, b;
    if (stat(src_path, &a) == 0 && stat(st->path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return hr_error_set(err, HR_EINVAL, "%s: is the database merged into; name another file",
                            src_path);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "ATTACH ?1 AS src", -1, &s, NULL) != SQLITE_OK)
        return st_db_error(st, err, "cannot open the database to merge");
    sqlite3_bind_text(s, 1, src_path, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        hr_error_set(err, HR_EDB, "%s: cannot open it to merge: %s", src_path,
                     sqlite3_errmsg(st->db));
        return HR_EDB;
    }
    int rc = merge_attached(st, src_path, &c, err);
    sqlite3_exec(st->db, "DETACH src", NULL, NULL, NULL);
    if (!rc && counts)
        *counts = c;
    return rc;
}
