/* sweep.h - what `headroom sweep` (sweep.c) shares with its MPI transport
 * (sweep_mpi.c, built with -DHEADROOM_MPI=ON) and the wire format of a run
 * result (wire.c). Internal to src/cli. */
#ifndef HEADROOM_CLI_SWEEP_H
#define HEADROOM_CLI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/results.h"
#include "headroom/scenario.h"

/* ---- a run result as bytes (wire.c) -------------------------------------- */

/* A growing byte buffer. */
typedef struct hr_wire {
    unsigned char *data;
    size_t len, cap, at;        /* at: where reading is */
    bool bad;                   /* out of memory writing, or read past the end */
} hr_wire;

/* Append r (everything hr_store_write_run stores) to w. Numbers are written
 * in the machine's own representation: every rank runs the same build on
 * the same kind of machine. w->bad on out of memory. */
void hr_wire_put_result(hr_wire *w, const hr_run_result *r);
void hr_wire_put_u64(hr_wire *w, uint64_t v);

/* Read a result written by hr_wire_put_result into *r (the caller frees it
 * with hr_run_result_free); tenant names are borrowed from sc, as the
 * engine's are. Returns false (and frees *r) when the bytes do not hold
 * one. */
bool hr_wire_get_result(hr_wire *w, const hr_scenario *sc, hr_run_result *r);
uint64_t hr_wire_get_u64(hr_wire *w);

void hr_wire_free(hr_wire *w);

/* ---- the MPI transport (sweep_mpi.c) ------------------------------------- */

/* One finished run of another rank, as rank 0 receives it. */
typedef struct hr_sweep_remote {
    size_t job;                 /* index into the sweep's job list */
    int rc;                     /* hr_engine_run's; HR_OK: result holds the run */
    char msg[256];              /* the error when rc is not HR_OK */
    hr_run_result result;
} hr_sweep_remote;

/* The sweep's side of the transport: rank 0 stores what other ranks send. */
typedef int (*hr_sweep_receive)(void *ctx, hr_sweep_remote *run);
/* The scenario of job j (to read a result of it back). */
typedef const hr_scenario *(*hr_sweep_scenario_of)(void *ctx, size_t job);

/* Start MPI when the process was started by mpirun (*rank, *size; 0 and 1
 * without MPI or outside mpirun). */
void hr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size);
void hr_sweep_mpi_finalize(void);
/* Rank 0's flags of jobs already stored (n bytes), to every rank. */
void hr_sweep_mpi_share(unsigned char *flags, size_t n);
/* The same exit status on every rank: the largest. */
int hr_sweep_mpi_agree(int status);
/* A rank other than 0: send a finished job to rank 0. Returns false when
 * the message could not be made (out of memory). */
bool hr_sweep_mpi_send(size_t job, int rc, const char *msg, const hr_run_result *r);
/* A rank other than 0: tell rank 0 this rank is done (stopped: by a
 * signal, before its last job). */
void hr_sweep_mpi_done(bool stopped);
/* Rank 0: receive what has arrived (wait: until every other rank is done),
 * handing each run to receive. Returns true when some rank stopped early. */
bool hr_sweep_mpi_poll(bool wait, hr_sweep_receive receive, hr_sweep_scenario_of scenario_of,
                       void *ctx);

#endif
