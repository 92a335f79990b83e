/* intern.c - distinct strings in chunks that never move, found again through
 * an open-addressing hash table (FNV-1a, linear probing, at most half full). */
#include "headroom/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of one chunk allocation; a longer string gets a chunk of its own. */
#define INTERN_CHUNK_BYTES 4096
#define INTERN_FIRST_SLOTS 64

struct hr_intern_chunk {
    hr_intern_chunk *next;
    size_t used, size;  /* bytes of data */
    char data[];
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* The slot holding s, or the empty slot where it would go. */
static size_t find(const hr_intern *t, const char *s, size_t len)
{
    size_t mask = t->n_slots - 1;
    size_t i = (size_t)hash(s, len) & mask;
    while (t->slots[i] != NULL && strcmp(t->slots[i], s) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Double the table (or make the first one). */
static int grow(hr_intern *t)
{
    size_t n = t->n_slots ? 2 * t->n_slots : INTERN_FIRST_SLOTS;
    const char **slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    hr_intern old = *t;
    t->slots = slots;
    t->n_slots = n;
    for (size_t k = 0; k < old.n_slots; k++)
        if (old.slots[k] != NULL)
            t->slots[find(t, old.slots[k], strlen(old.slots[k]))] = old.slots[k];
    free(old.slots);
    t->bytes += (n - old.n_slots) * sizeof *slots;
    return 0;
}

/* Room for len bytes in the newest chunk, or a new chunk. */
static char *reserve(hr_intern *t, size_t len)
{
    hr_intern_chunk *c = t->chunks;
    if (c == NULL || c->size - c->used < len) {
        size_t size = INTERN_CHUNK_BYTES - sizeof *c;
        if (len > size)
            size = len;
        c = malloc(sizeof *c + size);
        if (c == NULL)
            return NULL;
        *c = (hr_intern_chunk){.next = t->chunks, .used = 0, .size = size};
        t->chunks = c;
        t->bytes += sizeof *c + size;
    }
    char *at = c->data + c->used;
    c->used += len;
    return at;
}

const char *hr_intern_add(hr_intern *t, const char *s)
{
    if (2 * (t->n_strings + 1) > t->n_slots && grow(t) != 0)
        return NULL;
    size_t len = strlen(s);
    size_t i = find(t, s, len);
    if (t->slots[i] != NULL)
        return t->slots[i];
    char *copy = reserve(t, len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, len + 1);
    t->slots[i] = copy;
    t->n_strings++;
    return copy;
}

size_t hr_intern_bytes(const hr_intern *t)
{
    return t->bytes;
}

void hr_intern_free(hr_intern *t)
{
    hr_intern_chunk *c = t->chunks;
    while (c != NULL) {
        hr_intern_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(t->slots);
    *t = (hr_intern){0};
}
