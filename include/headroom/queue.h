/* queue.h - the event queue: an 8-ary heap ordered by (time, sequence).
 *
 * Events at the same time fire in the order they were pushed (the sequence
 * number is assigned by push), so a run is a pure function of its inputs.
 * Events come from a pool owned by the queue. Cancellation is lazy: a
 * cancelled event stays in the heap, is skipped by pop and recycled then. */
#ifndef HEADROOM_QUEUE_H
#define HEADROOM_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/pool.h"

typedef struct hr_event {
    double time_s;
    uint64_t seq;
    int type;       /* the caller's event kind */
    bool cancelled;
    void *obj;      /* the caller's object (instance, request, ...) */
    uint64_t arg;   /* the caller's extra argument */
} hr_event;

typedef struct hr_heap_entry {
    uint64_t key;   /* time_s as an integer of the same order (queue.c) */
    hr_event *ev;   /* ev->seq breaks ties */
} hr_heap_entry;

typedef struct hr_queue {
    hr_heap_entry *heap;   /* inside heap_mem, placed so that siblings share a cache line */
    void *heap_mem;
    size_t size, cap;
    uint64_t next_seq;
    uint64_t cancelled;  /* cancelled events still in the heap */
    hr_pool events;
} hr_queue;

/* Initialise an empty queue. Returns HR_OK or HR_ENOMEM. */
int hr_queue_init(hr_queue *q, hr_error *err);

/* Free the heap and every event; handles become invalid. */
void hr_queue_destroy(hr_queue *q);

/* Schedule an event; returns its handle (valid until it is popped and
 * released, or cancelled) or NULL when memory is exhausted. time_s must be
 * finite. */
hr_event *hr_queue_push(hr_queue *q, double time_s, int type, void *obj, uint64_t arg);

/* Remove and return the earliest live event, or NULL when none is left. The
 * caller hands it back with hr_queue_release once handled. */
hr_event *hr_queue_pop(hr_queue *q);

/* Return a popped event to the pool. */
void hr_queue_release(hr_queue *q, hr_event *ev);

/* Cancel a scheduled (not yet popped) event: it will never be returned by
 * pop. Cancelling twice is harmless; ev must not be used afterwards. (The
 * next pop or peek may recycle a cancelled event, so a second cancel is
 * only safe before then; clear your handle when you cancel.) */
void hr_queue_cancel(hr_queue *q, hr_event *ev);

/* Time of the earliest live event, or INFINITY when the queue is empty. */
double hr_queue_peek_time(hr_queue *q);

/* Live (scheduled, not cancelled) events. */
size_t hr_queue_size(const hr_queue *q);

#endif
