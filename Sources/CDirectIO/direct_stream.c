// See include/direct_stream.h for what a stream is for.
#define _GNU_SOURCE
#include "direct_stream.h"
#include "direct_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    BLOCK = 4096,             // direct I/O granule: file offsets, lengths and buffers are multiples
    STAGE_BYTES = 4 << 20,    // one staging buffer
    STAGES = 4,               // buffers per stream: one filling, the others on their way to the device
};

enum { FREE, FILLING, QUEUED };

// A staging buffer and the file range it holds.
typedef struct {
    unsigned char *memory;
    off_t at;       // file offset of memory[0] (a multiple of BLOCK)
    size_t length;  // bytes held
    int state;      // FREE, FILLING or QUEUED (queued or being written by the I/O thread)
} stage;

// Invariants, under `lock`: a QUEUED stage is only read by the I/O thread; FILLING and FREE stages
// only by the caller's thread; `queue` lists QUEUED stages in file order of submission.
struct downlink_stream {
    int fd;          // buffered, read-write
    int direct;      // the same file opened with O_DIRECT; -1 when not available
    off_t eof;       // end of the file as written, staged bytes included
    stage stages[STAGES];
    int filling;     // index of the FILLING stage, -1 when no stream is open
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int queue[STAGES];
    int queued;
    int io_started, stopping;
    pthread_t io;
    int held;        // tests: the I/O thread starts no write until the caller has to wait for it
    int refused;     // the file system refused a direct write: the I/O thread writes buffered
    int io_errno;    // first failure of the I/O thread, reported by the next settle
    off_t io_error_at;
};

static _Atomic unsigned long long direct_bytes = 0;

unsigned long long downlink_stream_direct_bytes(void) { return atomic_load(&direct_bytes); }

void downlink_stream_hold(downlink_stream *s) {
    pthread_mutex_lock(&s->lock);
    s->held = 1;
    pthread_mutex_unlock(&s->lock);
}

/// Writes all `size` bytes at `at`; returns 0, or the errno of the failure.
static int write_all(int fd, const unsigned char *p, size_t size, off_t at) {
    while (size > 0) {
        ssize_t n = pwrite(fd, p, size > (1u << 30) ? (1u << 30) : size, at);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n; at += n; size -= (size_t)n;
    }
    return 0;
}

// The I/O thread: writes queued stages in order, direct; a file system that refuses a direct write
// (EINVAL) gets this and every later stage buffered.
static void *io_thread(void *arg) {
    downlink_stream *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while ((s->queued == 0 || s->held) && !s->stopping) pthread_cond_wait(&s->changed, &s->lock);
        if (s->queued == 0) break;
        stage *g = &s->stages[s->queue[0]];
        int direct = s->refused ? -1 : s->direct;
        pthread_mutex_unlock(&s->lock);

        int e = direct >= 0 ? write_all(direct, g->memory, g->length, g->at) : 0;
        int refused = e == EINVAL;
        if (direct >= 0 && e == 0) atomic_fetch_add(&direct_bytes, g->length);
        if (direct < 0 || refused) e = write_all(s->fd, g->memory, g->length, g->at);

        pthread_mutex_lock(&s->lock);
        if (refused) s->refused = 1;
        if (e != 0 && s->io_errno == 0) { s->io_errno = e; s->io_error_at = g->at; }
        g->state = FREE;
        memmove(s->queue, s->queue + 1, (size_t)(s->queued - 1) * sizeof s->queue[0]);
        s->queued -= 1;
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/// Hands a stage (a whole number of blocks) to the I/O thread, starting it on first use.
static int submit(downlink_stream *s, int index) {
    pthread_mutex_lock(&s->lock);
    if (!s->io_started) {
        int e = pthread_create(&s->io, NULL, io_thread, s);
        if (e != 0) {
            s->stages[index].state = FREE;
            pthread_mutex_unlock(&s->lock);
            return e;
        }
        s->io_started = 1;
    }
    s->stages[index].state = QUEUED;
    s->queue[s->queued++] = index;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/// A FREE stage made FILLING, waiting for the I/O thread to free one when none is; -1 without memory.
static int take_stage(downlink_stream *s) {
    pthread_mutex_lock(&s->lock);
    int i = -1;
    while (i < 0) {
        for (int k = 0; k < STAGES && i < 0; k++) {
            if (s->stages[k].state == FREE) i = k;
        }
        if (i < 0) {
            s->held = 0;
            pthread_cond_broadcast(&s->changed);
            pthread_cond_wait(&s->changed, &s->lock);
        }
    }
    s->stages[i].state = FILLING;
    s->stages[i].length = 0;
    pthread_mutex_unlock(&s->lock);
    if (s->stages[i].memory == NULL) {
        // Huge pages (see downlink_staging_alloc): FITS write of 600 MB (writer-bench fits,
        // medians of 10 alternating runs) 0.50 -> 0.37 s wall, 0.47 -> 0.36 s CPU; compression-bound
        // HDF5 writes unchanged.
        void *m = downlink_staging_alloc(STAGE_BYTES);
        if (m == NULL) {
            pthread_mutex_lock(&s->lock);
            s->stages[i].state = FREE;
            pthread_mutex_unlock(&s->lock);
            return -1;
        }
        s->stages[i].memory = m;
    }
    return i;
}

/// Ends the open stream: its whole blocks go to the I/O thread, the last partial block is written
/// buffered now. Returns 0 or an errno.
static int end_stream(downlink_stream *s) {
    if (s->filling < 0) return 0;
    int i = s->filling;
    stage *g = &s->stages[i];
    s->filling = -1;
    size_t whole = g->length / BLOCK * BLOCK;
    size_t tail = g->length - whole;
    int e = tail > 0 ? write_all(s->fd, g->memory + whole, tail, g->at + (off_t)whole) : 0;
    if (whole > 0 && e == 0) {
        g->length = whole;
        return submit(s, i);
    }
    pthread_mutex_lock(&s->lock);
    g->state = FREE;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return e;
}

int downlink_stream_settle(downlink_stream *s, off_t *at) {
    int e = end_stream(s);
    pthread_mutex_lock(&s->lock);
    s->held = 0;
    pthread_cond_broadcast(&s->changed);
    while (s->queued > 0) pthread_cond_wait(&s->changed, &s->lock);
    if (e == 0 && s->io_errno != 0) {
        e = s->io_errno;
        if (at) *at = s->io_error_at;
    }
    pthread_mutex_unlock(&s->lock);
    return e;
}

/// Whether [at, at + size) meets a byte that is staged or on its way to the device.
static int overlaps(downlink_stream *s, off_t at, size_t size) {
    pthread_mutex_lock(&s->lock);
    int hit = 0;
    for (int i = 0; i < STAGES && !hit; i++) {
        const stage *g = &s->stages[i];
        if (g->state == FREE) continue;
        hit = at < g->at + (off_t)g->length && at + (off_t)size > g->at;
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

/// Copies bytes that continue the open stream (or open one at `at`, a multiple of BLOCK).
static int stream(downlink_stream *s, const unsigned char *p, size_t size, off_t at) {
    while (size > 0) {
        if (s->filling < 0) {
            int i = take_stage(s);
            if (i < 0) return ENOMEM;
            s->filling = i;
            s->stages[i].at = at;
        }
        stage *g = &s->stages[s->filling];
        size_t n = STAGE_BYTES - g->length;
        if (n > size) n = size;
        memcpy(g->memory + g->length, p, n);
        g->length += n;
        p += n; at += (off_t)n; size -= n;
        if (g->length == STAGE_BYTES) {
            int i = s->filling;
            s->filling = -1;
            int e = submit(s, i);
            if (e != 0) return e;
        }
    }
    return 0;
}

downlink_stream *downlink_stream_open(const char *path, int flags) {
    int fd = open(path, O_RDWR | O_CLOEXEC | flags, 0666);
    if (fd < 0) return NULL;
    struct stat st;
    downlink_stream *s = NULL;
    if (fstat(fd, &st) != 0 || (s = calloc(1, sizeof *s)) == NULL) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    s->fd = fd;
    s->direct = -1;
    s->filling = -1;
    int odirect = downlink_o_direct();
    // Refused (some file systems): everything stays buffered.
    if (odirect != 0 && S_ISREG(st.st_mode)) s->direct = open(path, O_RDWR | O_CLOEXEC | odirect);
    s->eof = st.st_size;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    return s;
}

int downlink_stream_fd(const downlink_stream *s) { return s->fd; }

off_t downlink_stream_length(const downlink_stream *s) { return s->eof; }

int downlink_stream_write(downlink_stream *s, const void *bytes, size_t size, off_t at, int bulk) {
    const unsigned char *p = bytes;
    int e = 0;
    const stage *open = s->filling >= 0 ? &s->stages[s->filling] : NULL;
    // Continuing the open stream is safe only where no stage on its way to the device holds the
    // same bytes: the older copy would be written after this one's end block, which goes buffered.
    if (open && bulk && at == open->at + (off_t)open->length && !overlaps(s, at, size)) {
        e = stream(s, p, size, at);
    } else if (s->direct >= 0 && bulk && size >= BLOCK) {
        // A new stream. Its first partial block is written buffered: the block's other bytes are
        // not this write's to give. Bytes written again wait for their earlier copy first.
        if (overlaps(s, at, size) && (e = downlink_stream_settle(s, NULL)) != 0) return e;
        e = end_stream(s);
        size_t head = (size_t)((BLOCK - at % BLOCK) % BLOCK);
        if (e == 0 && head > 0) e = write_all(s->fd, p, head, at);
        if (e == 0) e = stream(s, p + head, size - head, at + (off_t)head);
    } else {
        if (overlaps(s, at, size) && (e = downlink_stream_settle(s, NULL)) != 0) return e;
        e = write_all(s->fd, p, size, at);
    }
    if (e == 0 && at + (off_t)size > s->eof) s->eof = at + (off_t)size;
    return e;
}

int downlink_stream_read(downlink_stream *s, void *bytes, size_t size, off_t at) {
    int e;
    if (overlaps(s, at, size) && (e = downlink_stream_settle(s, NULL)) != 0) return e;
    unsigned char *p = bytes;
    while (size > 0) {
        ssize_t n = pread(s->fd, p, size > (1u << 30) ? (1u << 30) : size, at);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) {  // past the end of the file
            memset(p, 0, size);
            break;
        }
        p += n; at += n; size -= (size_t)n;
    }
    return 0;
}

int downlink_stream_truncate(downlink_stream *s, off_t length) {
    int e = downlink_stream_settle(s, NULL);
    if (e != 0) return e;
    if (ftruncate(s->fd, length) != 0) return errno;
    s->eof = length;
    return 0;
}

int downlink_stream_close(downlink_stream *s, off_t *at) {
    int e = downlink_stream_settle(s, at);
    if (s->io_started) {
        pthread_mutex_lock(&s->lock);
        s->stopping = 1;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->io, NULL);
    }
    if (close(s->fd) != 0 && e == 0) e = errno;
    if (s->direct >= 0) close(s->direct);
    for (int i = 0; i < STAGES; i++) free(s->stages[i].memory);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return e;
}
