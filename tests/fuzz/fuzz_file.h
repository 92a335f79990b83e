/* fuzz_file.h - the fuzz input as a file, for readers that take a path. */
#ifndef HEADROOM_FUZZ_FILE_H
#define HEADROOM_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Write data to a file of this process's own and return its path. */
static const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/headroom-fuzz-%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return NULL;
    fwrite(data, 1, size, f);
    fclose(f);
    return path;
}

#endif
