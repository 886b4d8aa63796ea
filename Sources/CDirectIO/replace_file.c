// See include/replace_file.h for what this is for.
#define _GNU_SOURCE
#include "replace_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void *release(void *argument) {
    close((int)(intptr_t)argument);
    return NULL;
}

// Closes `fd` on a detached thread; at once when no thread can be started.
static void release_in_background(int fd) {
    pthread_attr_t attributes;
    pthread_t thread;
    if (pthread_attr_init(&attributes) != 0) {
        close(fd);
        return;
    }
    int started = pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED) == 0
        && pthread_attr_setstacksize(&attributes, 64 << 10) == 0
        && pthread_create(&thread, &attributes, release, (void *)(intptr_t)fd) == 0;
    pthread_attr_destroy(&attributes);
    if (!started) close(fd);
}

int downlink_rename_replacing(const char *from, const char *to) {
    int earlier = -1;
#ifdef O_PATH
    earlier = open(to, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (earlier >= 0) {
        struct stat info;
        if (fstat(earlier, &info) != 0 || !S_ISREG(info.st_mode) || info.st_nlink != 1
            || (long long)info.st_blocks * 512 < DOWNLINK_REPLACE_BACKGROUND_BYTES) {
            close(earlier);
            earlier = -1;
        }
    }
#endif
    int renamed = rename(from, to);
    int saved = errno;
    if (earlier >= 0) {
        if (renamed == 0) release_in_background(earlier); else close(earlier);
    }
    errno = saved;
    return renamed;
}
