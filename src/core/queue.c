/* queue.c - the event queue (see headroom/queue.h).
 *
 * An 8-ary min-heap of hr_heap_entry ordered by (time_s, seq): entry i has
 * children 8i+1 .. 8i+8. The keys are copied into the entries so sifting
 * compares inside the array and never touches the events themselves.
 *
 * Why 8-ary: a run's pending events are few (the busy workers, an arrival,
 * the tick: about 60 in an 8 x 8-worker pool), and the cost of a pop (every
 * event is popped once) is its chain of dependent levels and, per level, the
 * choice of the smallest child, which is a coin toss: a branch on it
 * mispredicts half the time. Here the children are compared in a
 * tournament whose winner is selected without branches, and the heap is a
 * third as deep as a binary one (two levels below the root hold 72). On the
 * 8 x 8 benchmark (docs/performance.md), against the binary heap of
 * 24-byte entries this replaced: 4-ary with branchless choice -4% CPU,
 * 16-byte entries -9% more, 8-ary -5% more; a bottom-up sift (Wegener) was
 * slower.
 *
 * The time is kept as an integer key with the same order: the bits of a
 * finite double, sign flipped for a positive one and all flipped for a
 * negative one, increase with its value (IEEE 754 orders magnitudes like
 * integers); -0 is made +0 first so that equal times have equal keys. An
 * integer comparison has no unordered case, and the pop order is exactly the
 * (time_s, seq) order: equal keys (rare: events at the very same time) are
 * ordered by the events' seq. An entry is 16 bytes (key, event), and the
 * array is placed so that heap[1] starts a 64-byte cache line: the eight
 * children of an entry fill two whole lines.
 *
 * Invariants:
 *   - heap[0..size) is a heap: no entry is less than its parent;
 *   - every entry's ev points to an event from q->events, with equal keys;
 *   - q->cancelled counts entries whose ev->cancelled is true;
 *   - seq values are unique, so (time_s, seq) is a total order and the pop
 *     sequence does not depend on the heap's shape: compaction or a
 *     different sift order can never change a run.
 *
 * Cancellation is lazy (a flag); pop and peek drop cancelled heads. When
 * cancelled entries outnumber live ones (and there are many) the next pop or
 * peek compacts the heap in O(n) (amortised O(1) per cancel), so a model
 * that cancels most of what it schedules (request timeouts) keeps the heap
 * within about twice its live size. */
#include "headroom/queue.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_INITIAL_CAP 256
#define QUEUE_COMPACT_MIN 4096 /* below this, lazy skipping is cheaper */

#define ARITY 8

static inline uint64_t time_key(double time_s)
{
    double t = time_s + 0.0; /* -0 + 0 is +0 */
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    uint64_t sign = bits >> 63;
    return bits ^ (UINT64_C(0x8000000000000000) | (UINT64_C(0) - sign));
}

static inline size_t entry_less(const hr_heap_entry *a, const hr_heap_entry *b)
{
    if (a->key != b->key) /* nearly always: a well predicted branch */
        return a->key < b->key;
    return a->ev->seq < b->ev->seq;
}

#define LINE 64
/* Entries before heap[0] in heap_mem: heap[1] starts a cache line. */
#define HEAP_SHIFT (LINE / sizeof(hr_heap_entry) - 1)

/* A heap array of cap entries (cap + HEAP_SHIFT rounded up to a line),
 * heap[1] on a line boundary; NULL when memory is exhausted. */
static hr_heap_entry *heap_alloc(size_t cap, void **mem)
{
    if (cap > SIZE_MAX / sizeof(hr_heap_entry) - 2 * HEAP_SHIFT)
        return NULL;
    size_t bytes = (cap + HEAP_SHIFT) * sizeof(hr_heap_entry);
    bytes = (bytes + LINE - 1) / LINE * LINE;
    *mem = aligned_alloc(LINE, bytes);
    return *mem ? (hr_heap_entry *)*mem + HEAP_SHIFT : NULL;
}

/* x if pick is 0, y if it is 1, without a branch */
static inline size_t select_index(size_t pick, size_t x, size_t y)
{
    return x ^ ((x ^ y) & (0 - pick));
}

int hr_queue_init(hr_queue *q, hr_error *err)
{
    q->size = 0;
    q->next_seq = 0;
    q->cancelled = 0;
    hr_pool_init(&q->events, sizeof(hr_event), 0);
    q->heap = heap_alloc(QUEUE_INITIAL_CAP, &q->heap_mem);
    if (q->heap == NULL) {
        q->cap = 0;
        return hr_error_set(err, HR_ENOMEM, "out of memory creating the event queue");
    }
    q->cap = QUEUE_INITIAL_CAP;
    return HR_OK;
}

void hr_queue_destroy(hr_queue *q)
{
    free(q->heap_mem);
    q->heap_mem = NULL;
    q->heap = NULL;
    q->size = q->cap = 0;
    q->cancelled = 0;
    hr_pool_destroy(&q->events);
}

/* Move entry e up from hole i to its place. */
static void sift_up(hr_heap_entry *heap, size_t i, hr_heap_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!entry_less(&e, &heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = e;
}

/* Move entry e down from hole i (heap of n entries) to its place. */
static void sift_down(hr_heap_entry *heap, size_t n, size_t i, hr_heap_entry e)
{
    for (;;) {
        size_t first = ARITY * i + 1, child = first;
        if (first + ARITY <= n) {
            /* all eight children: a tournament, selected without branches */
            size_t a = first + entry_less(&heap[first + 1], &heap[first]);
            size_t b = first + 2 + entry_less(&heap[first + 3], &heap[first + 2]);
            size_t c = first + 4 + entry_less(&heap[first + 5], &heap[first + 4]);
            size_t d = first + 6 + entry_less(&heap[first + 7], &heap[first + 6]);
            size_t ab = select_index(entry_less(&heap[b], &heap[a]), a, b);
            size_t cd = select_index(entry_less(&heap[d], &heap[c]), c, d);
            child = select_index(entry_less(&heap[cd], &heap[ab]), ab, cd);
        } else {
            if (first >= n)
                break;
            for (size_t k = first + 1; k < n; k++)
                if (entry_less(&heap[k], &heap[child]))
                    child = k;
        }
        if (!entry_less(&heap[child], &e))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = e;
}

/* Remove the root entry (size > 0). */
static void remove_root(hr_queue *q)
{
    size_t n = --q->size;
    if (n > 0)
        sift_down(q->heap, n, 0, q->heap[n]);
}

/* Drop every cancelled entry and rebuild the heap (Floyd's heapify). */
static void compact(hr_queue *q)
{
    size_t kept = 0;
    for (size_t i = 0; i < q->size; i++) {
        hr_heap_entry e = q->heap[i];
        if (e.ev->cancelled)
            hr_pool_release(&q->events, e.ev);
        else
            q->heap[kept++] = e;
    }
    q->size = kept;
    q->cancelled = 0;
    /* the last entry with a child is (kept - 2) / ARITY */
    for (size_t i = kept > 1 ? (kept - 2) / ARITY + 1 : 0; i-- > 0;)
        sift_down(q->heap, kept, i, q->heap[i]);
}

hr_event *hr_queue_push(hr_queue *q, double time_s, int type, void *obj, uint64_t arg)
{
    assert(isfinite(time_s)); /* a NaN key would silently break the heap */
    if (q->size == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : QUEUE_INITIAL_CAP;
        void *mem;
        hr_heap_entry *heap = cap > q->cap ? heap_alloc(cap, &mem) : NULL;
        if (heap == NULL)
            return NULL;
        if (q->size > 0)
            memcpy(heap, q->heap, q->size * sizeof *heap);
        free(q->heap_mem);
        q->heap_mem = mem;
        q->heap = heap;
        q->cap = cap;
    }
    hr_event *ev = hr_pool_alloc(&q->events);
    if (ev == NULL)
        return NULL;
    ev->time_s = time_s;
    ev->seq = q->next_seq++;
    ev->type = type;
    ev->cancelled = false;
    ev->obj = obj;
    ev->arg = arg;

    hr_heap_entry e = {time_key(time_s), ev};
    sift_up(q->heap, q->size++, e);
    return ev;
}

/* Recycle cancelled entries at the root until a live one (or nothing) is
 * there. Compaction happens here rather than in cancel so that a handle
 * stays safe to cancel again until the next pop or peek. */
static void skip_cancelled(hr_queue *q)
{
    if (q->cancelled >= QUEUE_COMPACT_MIN && q->cancelled * 2 > q->size)
        compact(q);
    while (q->size > 0 && q->heap[0].ev->cancelled) {
        hr_event *ev = q->heap[0].ev;
        remove_root(q);
        q->cancelled--;
        hr_pool_release(&q->events, ev);
    }
}

hr_event *hr_queue_pop(hr_queue *q)
{
    if (q->cancelled > 0) /* most models cancel nothing: no event to read */
        skip_cancelled(q);
    if (q->size == 0)
        return NULL;
    hr_event *ev = q->heap[0].ev;
    remove_root(q);
    return ev;
}

void hr_queue_release(hr_queue *q, hr_event *ev)
{
    hr_pool_release(&q->events, ev);
}

void hr_queue_cancel(hr_queue *q, hr_event *ev)
{
    if (ev == NULL || ev->cancelled)
        return;
    ev->cancelled = true;
    q->cancelled++;
}

double hr_queue_peek_time(hr_queue *q)
{
    if (q->cancelled > 0)
        skip_cancelled(q);
    return q->size > 0 ? q->heap[0].ev->time_s : INFINITY;
}

size_t hr_queue_size(const hr_queue *q)
{
    return q->size - q->cancelled;
}
