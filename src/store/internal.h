/* internal.h - what the store's source files share (not installed). */
#ifndef HEADROOM_STORE_INTERNAL_H
#define HEADROOM_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "headroom/store.h"

struct hr_store {
    sqlite3 *db;
    char *path;                 /* for messages */
    bool told_wait;             /* said on stderr that it waits for a lock */
    sqlite3_stmt *insert_run;
    sqlite3_stmt *insert_sample;
    sqlite3_stmt *insert_decision;
    sqlite3_stmt *insert_tenant;
    sqlite3_stmt *insert_violation;
    sqlite3_stmt *insert_param;
};

/* An error from the database: names the file, what was being done and
 * SQLite's own message. Returns HR_EDB. */
int st_db_error(hr_store *st, hr_error *err, const char *doing);

#endif
