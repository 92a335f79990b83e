/* sweep_mpi.c - `mpirun -np N headroom sweep ...`: the points spread over
 * the ranks (point number % N), every rank running its share in threads;
 * ranks other than 0 send each finished run to rank 0 (wire.c's format),
 * which alone opens and writes the database, and prints the table.
 *
 * Built with -DHEADROOM_MPI=ON; otherwise, and when the process was not
 * started by mpirun (no MPI launcher variables in the environment), a
 * sweep is one process (rank 0 of 1) and nothing here talks to MPI. Every
 * MPI call is made from the main thread (MPI_THREAD_FUNNELED): the worker
 * threads only simulate. */
#include "sweep.h"

#ifdef HEADROOM_MPI

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/error.h"

enum { TAG_RUN = 1, TAG_DONE = 2 };

/* MPI is process-wide state already; what this process knows of it is
 * kept beside it, touched only by the main thread. */
static struct {
    bool on;            /* MPI_Init was called */
    int size;
    int done;           /* rank 0: ranks that said they are done */
} mpi;

void hr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    /* launched by mpirun (Open MPI, or a PMI/PMIx launcher such as srun) */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK"))
        return;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return;
    mpi.on = true;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    mpi.size = *size;
}

void hr_sweep_mpi_finalize(void)
{
    if (mpi.on)
        MPI_Finalize();
    mpi.on = false;
}

void hr_sweep_mpi_share(unsigned char *flags, size_t n)
{
    /* in pieces: an MPI count is an int */
    for (size_t at = 0; at < n; at += 1 << 30) {
        size_t len = n - at < (size_t)1 << 30 ? n - at : (size_t)1 << 30;
        MPI_Bcast(flags + at, (int)len, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
    }
}

int hr_sweep_mpi_agree(int status)
{
    int all = status;
    MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

bool hr_sweep_mpi_send(size_t job, int rc, const char *msg, const hr_run_result *r)
{
    hr_wire w = {0};
    hr_wire_put_u64(&w, job);
    hr_wire_put_u64(&w, (uint64_t)(int64_t)rc);
    char text[256] = "";
    if (rc != HR_OK)
        snprintf(text, sizeof text, "%s", msg);
    for (size_t i = 0; i < sizeof text; i += 8) {
        uint64_t v;
        memcpy(&v, text + i, 8);
        hr_wire_put_u64(&w, v);
    }
    if (rc == HR_OK)
        hr_wire_put_result(&w, r);
    bool ok = !w.bad && w.len < (size_t)1 << 31;
    if (ok)
        MPI_Send(w.data, (int)w.len, MPI_BYTE, 0, TAG_RUN, MPI_COMM_WORLD);
    else
        fprintf(stderr, "headroom: out of memory sending a run to rank 0\n");
    hr_wire_free(&w);
    return ok;
}

void hr_sweep_mpi_done(bool stopped)
{
    int flag = stopped;
    MPI_Send(&flag, 1, MPI_INT, 0, TAG_DONE, MPI_COMM_WORLD);
}

bool hr_sweep_mpi_poll(bool wait, hr_sweep_receive receive, hr_sweep_scenario_of scenario_of,
                       void *ctx)
{
    bool stopped = false;
    while (mpi.on && mpi.done < mpi.size - 1) {
        MPI_Status st;
        int has = 0;
        if (wait) {
            MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            has = 1;
        } else {
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &has, &st);
        }
        if (!has)
            break;
        if (st.MPI_TAG == TAG_DONE) {
            int flag;
            MPI_Recv(&flag, 1, MPI_INT, st.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            stopped |= flag != 0;
            mpi.done++;
            continue;
        }
        int len;
        MPI_Get_count(&st, MPI_BYTE, &len);
        hr_wire w = {.data = malloc(len > 0 ? (size_t)len : 1), .len = (size_t)len};
        MPI_Recv(w.data, len, MPI_BYTE, st.MPI_SOURCE, TAG_RUN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        hr_sweep_remote run = {0};
        run.job = (size_t)hr_wire_get_u64(&w);
        run.rc = (int)(int64_t)hr_wire_get_u64(&w);
        for (size_t i = 0; i < sizeof run.msg; i += 8) {
            uint64_t v = hr_wire_get_u64(&w);
            memcpy(run.msg + i, &v, 8);
        }
        run.msg[sizeof run.msg - 1] = '\0';
        const hr_scenario *sc = w.data ? scenario_of(ctx, run.job) : NULL;
        if (!sc || w.bad || (run.rc == HR_OK && !hr_wire_get_result(&w, sc, &run.result))) {
            run.rc = HR_EINVAL;
            snprintf(run.msg, sizeof run.msg, "a run from rank %d could not be read",
                     st.MPI_SOURCE);
        }
        receive(ctx, &run);
        hr_run_result_free(&run.result);
        hr_wire_free(&w);
    }
    return stopped;
}

#else /* one process */

void hr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    (void)argc;
    (void)argv;
    *rank = 0;
    *size = 1;
}

void hr_sweep_mpi_finalize(void) {}
void hr_sweep_mpi_share(unsigned char *flags, size_t n)
{
    (void)flags;
    (void)n;
}
int hr_sweep_mpi_agree(int status)
{
    return status;
}
bool hr_sweep_mpi_send(size_t job, int rc, const char *msg, const hr_run_result *r)
{
    (void)job;
    (void)rc;
    (void)msg;
    (void)r;
    return false;
}
void hr_sweep_mpi_done(bool stopped)
{
    (void)stopped;
}
bool hr_sweep_mpi_poll(bool wait, hr_sweep_receive receive, hr_sweep_scenario_of scenario_of,
                       void *ctx)
{
    (void)wait;
    (void)receive;
    (void)scenario_of;
    (void)ctx;
    return false;
}

#endif
