/* intern.h - a set of distinct strings, each stored once at its length.
 *
 * A run's decision log repeats a few hundred distinct reasons thousands of
 * times ("cpu 41.2 vs target 50: hold at 4" comes back every day), so each
 * record points at the one copy here instead of carrying a fixed buffer.
 * Strings live in chunks that never move: a pointer hr_intern_add returned
 * stays valid until hr_intern_free. Not thread-safe: each run owns its set. */
#ifndef HEADROOM_INTERN_H
#define HEADROOM_INTERN_H

#include <stddef.h>

typedef struct hr_intern_chunk hr_intern_chunk;

typedef struct hr_intern {
    hr_intern_chunk *chunks;  /* newest first; strings are never split */
    const char **slots;       /* open-addressing hash table of the strings, NULL = empty */
    size_t n_slots;           /* 0 or a power of two */
    size_t n_strings;         /* distinct strings held */
    size_t bytes;             /* heap bytes held: chunks and table */
} hr_intern;

/* A zeroed hr_intern is an empty set; so is one after hr_intern_free. */

/* The set's copy of s (NUL-terminated), added if it is new; NULL only when
 * memory runs out (the set is unchanged then). */
const char *hr_intern_add(hr_intern *t, const char *s);

/* Heap bytes the set holds (its chunks and its table). */
size_t hr_intern_bytes(const hr_intern *t);

/* Free every string; each pointer the set gave becomes invalid. */
void hr_intern_free(hr_intern *t);

#endif
