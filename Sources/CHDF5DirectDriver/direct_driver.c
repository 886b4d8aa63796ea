// See include/hdf5_direct_driver.h for what this driver is for.
#define _GNU_SOURCE
#include "hdf5_direct_driver.h"
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

static _Atomic unsigned long long direct_bytes = 0;

unsigned long long dl_direct_driver_direct_bytes(void) { return atomic_load(&direct_bytes); }

#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10

enum {
    BLOCK = 4096,             // direct I/O granule: file offsets, lengths and buffers are multiples
    STAGE_BYTES = 4 << 20,    // one staging buffer
    STAGES = 4,               // buffers per file: one filling, the others on their way to the device
    STREAM_MINIMUM = BLOCK,   // smaller raw writes are not worth a stream
};

// A staging buffer and the file range it holds.
typedef struct {
    unsigned char *memory;
    off_t at;       // file offset of memory[0] (a multiple of BLOCK)
    size_t length;  // bytes held
    int state;      // FREE, FILLING or QUEUED (queued or being written by the I/O thread)
} stage;

enum { FREE, FILLING, QUEUED };

// What libhdf5 asks of a driver's file: its public part first (libhdf5 fills it in), then ours.
//
// The stream: consecutive raw-data writes are copied into `stages[filling]`; a full stage goes to the
// I/O thread, which writes it with direct I/O while the next one fills. Invariants, under `lock`:
// a QUEUED stage is only read by the I/O thread; FILLING and FREE stages only by the libhdf5 thread
// (libhdf5 calls the driver from one thread at a time); `queue` lists QUEUED stages in order.
typedef struct {
    H5FD_t pub;
    int fd;          // buffered, read-write
    int direct;      // the same file opened with O_DIRECT; -1 when not available or refused
    haddr_t eoa;     // end of the address space libhdf5 has allocated
    haddr_t eof;     // end of the file as written (staged bytes included)
    dev_t device;
    ino_t inode;

    stage stages[STAGES];
    int filling;     // index of the FILLING stage, -1 when no stream is open
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int queue[STAGES];
    int queued;
    int io_started, stopping;
    pthread_t io;
    int refused;     // the file system refused a direct write: the I/O thread writes buffered
    int io_errno;    // first failure of the I/O thread, reported by the next driver call
    off_t io_error_at;
} direct_file;

#define MAX_ADDRESS ((haddr_t)INT64_MAX)

#define FAIL_WITH(major, minor, ...)                                                            \
    do {                                                                                        \
        H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, major, minor, __VA_ARGS__); \
    } while (0)

static H5FD_t *dd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr);
static herr_t dd_close(H5FD_t *file);
static int dd_cmp(const H5FD_t *a, const H5FD_t *b);
static herr_t dd_query(const H5FD_t *file, unsigned long *flags);
static haddr_t dd_get_eoa(const H5FD_t *file, H5FD_mem_t type);
static herr_t dd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr);
static haddr_t dd_get_eof(const H5FD_t *file, H5FD_mem_t type);
static herr_t dd_get_handle(H5FD_t *file, hid_t fapl, void **handle);
static herr_t dd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buf);
static herr_t dd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buf);
static herr_t dd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing);

static const H5FD_class_t direct_class = {
    .name = "downlink-direct",
    .maxaddr = MAX_ADDRESS,
    .fc_degree = H5F_CLOSE_WEAK,
    .open = dd_open,
    .close = dd_close,
    .cmp = dd_cmp,
    .query = dd_query,
    .get_eoa = dd_get_eoa,
    .set_eoa = dd_set_eoa,
    .get_eof = dd_get_eof,
    .get_handle = dd_get_handle,
    .read = dd_read,
    .write = dd_write,
    .truncate = dd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

static hid_t driver_id = -1;
static pthread_once_t registration = PTHREAD_ONCE_INIT;

static void register_driver(void) {
    unsigned major = 0, minor = 0, release = 0;
    if (H5get_libversion(&major, &minor, &release) < 0 || major != 1 || minor != 10) return;
    driver_id = H5FDregister(&direct_class);
}

hid_t dl_direct_driver_id(void) {
    pthread_once(&registration, register_driver);
    return driver_id;
}

herr_t dl_set_fapl_direct_driver(hid_t fapl) {
    hid_t id = dl_direct_driver_id();
    if (id < 0) return -1;
    return H5Pset_driver(fapl, id, NULL);
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
    direct_file *f = arg;
    pthread_mutex_lock(&f->lock);
    for (;;) {
        while (f->queued == 0 && !f->stopping) pthread_cond_wait(&f->changed, &f->lock);
        if (f->queued == 0) break;
        stage *s = &f->stages[f->queue[0]];
        int direct = f->refused ? -1 : f->direct;
        pthread_mutex_unlock(&f->lock);

        int e = direct >= 0 ? write_all(direct, s->memory, s->length, s->at) : 0;
        int refused = e == EINVAL;
        if (direct >= 0 && e == 0) atomic_fetch_add(&direct_bytes, s->length);
        if (direct < 0 || refused) e = write_all(f->fd, s->memory, s->length, s->at);

        pthread_mutex_lock(&f->lock);
        if (refused) f->refused = 1;
        if (e != 0 && f->io_errno == 0) { f->io_errno = e; f->io_error_at = s->at; }
        s->state = FREE;
        memmove(f->queue, f->queue + 1, (size_t)(f->queued - 1) * sizeof f->queue[0]);
        f->queued -= 1;
        pthread_cond_broadcast(&f->changed);
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/// Hands the FILLING stage (a whole number of blocks) to the I/O thread, starting it on first use.
/// Returns 0 or an errno.
static int submit(direct_file *f, int index) {
    pthread_mutex_lock(&f->lock);
    if (!f->io_started) {
        int e = pthread_create(&f->io, NULL, io_thread, f);
        if (e != 0) {
            pthread_mutex_unlock(&f->lock);
            return e;
        }
        f->io_started = 1;
    }
    f->stages[index].state = QUEUED;
    f->queue[f->queued++] = index;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
    return 0;
}

/// A FREE stage, waiting for the I/O thread to finish one when none is; -1 without memory.
static int take_stage(direct_file *f) {
    pthread_mutex_lock(&f->lock);
    int i = -1;
    while (i < 0) {
        for (int k = 0; k < STAGES && i < 0; k++) {
            if (f->stages[k].state == FREE) i = k;
        }
        if (i < 0) pthread_cond_wait(&f->changed, &f->lock);
    }
    f->stages[i].state = FILLING;
    f->stages[i].length = 0;
    pthread_mutex_unlock(&f->lock);
    if (f->stages[i].memory == NULL) {
        void *m = NULL;
        if (posix_memalign(&m, BLOCK, STAGE_BYTES) != 0) {
            pthread_mutex_lock(&f->lock);
            f->stages[i].state = FREE;
            pthread_mutex_unlock(&f->lock);
            return -1;
        }
        f->stages[i].memory = m;
    }
    return i;
}

/// Ends the open stream: its whole blocks go to the I/O thread, the last partial block is written
/// buffered now. Returns 0 or an errno.
static int end_stream(direct_file *f) {
    if (f->filling < 0) return 0;
    int i = f->filling;
    stage *s = &f->stages[i];
    f->filling = -1;
    size_t whole = s->length / BLOCK * BLOCK;
    size_t tail = s->length - whole;
    int e = tail > 0 ? write_all(f->fd, s->memory + whole, tail, s->at + (off_t)whole) : 0;
    if (whole > 0 && e == 0) {
        s->length = whole;
        return submit(f, i);
    }
    pthread_mutex_lock(&f->lock);
    s->state = FREE;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
    return e;
}

/// Waits until the I/O thread has written every queued stage; returns its first failure (errno),
/// with the offset in `at`, or 0.
static int drain(direct_file *f, off_t *at) {
    pthread_mutex_lock(&f->lock);
    while (f->queued > 0) pthread_cond_wait(&f->changed, &f->lock);
    int e = f->io_errno;
    *at = f->io_error_at;
    pthread_mutex_unlock(&f->lock);
    return e;
}

/// Ends the stream and waits for the device; pushes an error and returns -1 on any failure.
static herr_t settle(direct_file *f) {
    int e = end_stream(f);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_WRITEERROR, "write of staged data failed: %s", strerror(e));
        return -1;
    }
    off_t at = 0;
    e = drain(f, &at);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_WRITEERROR, "direct write at offset %lld failed: %s", (long long)at, strerror(e));
        return -1;
    }
    return 0;
}

/// Whether [addr, addr + size) meets a byte that is staged or on its way to the device.
static int overlaps_stream(direct_file *f, haddr_t addr, size_t size) {
    pthread_mutex_lock(&f->lock);
    int hit = 0;
    for (int i = 0; i < STAGES && !hit; i++) {
        const stage *s = &f->stages[i];
        if (s->state == FREE) continue;
        haddr_t from = (haddr_t)s->at, to = from + s->length;
        hit = addr < to && addr + size > from;
    }
    pthread_mutex_unlock(&f->lock);
    return hit;
}

/// Copies raw data that continues the open stream (or opens one at `at`, a multiple of BLOCK).
/// Returns 0 or an errno.
static int stream(direct_file *f, const unsigned char *p, size_t size, off_t at) {
    while (size > 0) {
        if (f->filling < 0) {
            int i = take_stage(f);
            if (i < 0) return ENOMEM;
            f->filling = i;
            f->stages[i].at = at;
        }
        stage *s = &f->stages[f->filling];
        size_t n = STAGE_BYTES - s->length;
        if (n > size) n = size;
        memcpy(s->memory + s->length, p, n);
        s->length += n;
        p += n; at += (off_t)n; size -= n;
        if (s->length == STAGE_BYTES) {
            int i = f->filling;
            f->filling = -1;
            int e = submit(f, i);
            if (e != 0) return e;
        }
    }
    return 0;
}

static H5FD_t *dd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
    (void)fapl;
    if (name == NULL || *name == '\0') {
        FAIL_WITH(H5E_ARGS, H5E_BADVALUE, "no file name");
        return NULL;
    }
    if (maxaddr == 0 || maxaddr == HADDR_UNDEF || maxaddr > MAX_ADDRESS) {
        FAIL_WITH(H5E_ARGS, H5E_BADRANGE, "bad maximum address for '%s'", name);
        return NULL;
    }
    int o = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & H5F_ACC_TRUNC) o |= O_TRUNC;
    if (flags & H5F_ACC_CREAT) o |= O_CREAT;
    if (flags & H5F_ACC_EXCL) o |= O_EXCL;
    int fd = open(name, o | O_CLOEXEC, 0666);
    if (fd < 0) {
        FAIL_WITH(H5E_FILE, H5E_CANTOPENFILE, "cannot open '%s': %s", name, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        FAIL_WITH(H5E_FILE, H5E_BADFILE, "cannot stat '%s': %s", name, strerror(e));
        return NULL;
    }
    direct_file *f = calloc(1, sizeof *f);
    if (f == NULL) {
        close(fd);
        FAIL_WITH(H5E_RESOURCE, H5E_NOSPACE, "no memory for the driver's state of '%s'", name);
        return NULL;
    }
    f->fd = fd;
    f->direct = -1;
    f->filling = -1;
    int odirect = downlink_o_direct();
    if ((flags & H5F_ACC_RDWR) && odirect != 0 && S_ISREG(st.st_mode)) {
        // Refused (tmpfs, some network file systems): everything stays buffered.
        f->direct = open(name, O_RDWR | O_CLOEXEC | odirect);
    }
    f->eof = (haddr_t)st.st_size;
    f->device = st.st_dev;
    f->inode = st.st_ino;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
    return &f->pub;
}

static herr_t dd_close(H5FD_t *file) {
    direct_file *f = (direct_file *)file;
    herr_t status = settle(f);
    if (f->io_started) {
        pthread_mutex_lock(&f->lock);
        f->stopping = 1;
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->io, NULL);
    }
    if (close(f->fd) != 0 && status == 0) {
        FAIL_WITH(H5E_IO, H5E_CANTCLOSEFILE, "cannot close the file: %s", strerror(errno));
        status = -1;
    }
    if (f->direct >= 0) close(f->direct);
    for (int i = 0; i < STAGES; i++) free(f->stages[i].memory);
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return status;
}

static int dd_cmp(const H5FD_t *a, const H5FD_t *b) {
    const direct_file *x = (const direct_file *)a, *y = (const direct_file *)b;
    if (x->device != y->device) return x->device < y->device ? -1 : 1;
    if (x->inode != y->inode) return x->inode < y->inode ? -1 : 1;
    return 0;
}

static herr_t dd_query(const H5FD_t *file, unsigned long *flags) {
    (void)file;
    if (flags) {
        *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
                 H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
    }
    return 0;
}

static haddr_t dd_get_eoa(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const direct_file *)file)->eoa;
}

static herr_t dd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr) {
    (void)type;
    ((direct_file *)file)->eoa = addr;
    return 0;
}

static haddr_t dd_get_eof(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const direct_file *)file)->eof;
}

static herr_t dd_get_handle(H5FD_t *file, hid_t fapl, void **handle) {
    (void)fapl;
    if (handle == NULL) return -1;
    // Whoever uses the descriptor must see every byte written so far.
    if (settle((direct_file *)file) < 0) return -1;
    *handle = &((direct_file *)file)->fd;
    return 0;
}

/// Whether [addr, addr + size) lies within the allocated address space.
static int in_range(const direct_file *f, haddr_t addr, size_t size) {
    return addr != HADDR_UNDEF && addr <= MAX_ADDRESS && (haddr_t)size <= MAX_ADDRESS - addr && addr + size <= f->eoa;
}

static herr_t dd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buf) {
    (void)type; (void)dxpl;
    direct_file *f = (direct_file *)file;
    if (!in_range(f, addr, size)) {
        FAIL_WITH(H5E_IO, H5E_OVERFLOW, "read of %zu bytes at address %llu is past the end of the allocated space",
                  size, (unsigned long long)addr);
        return -1;
    }
    if (overlaps_stream(f, addr, size) && settle(f) < 0) return -1;
    unsigned char *p = buf;
    off_t at = (off_t)addr;
    while (size > 0) {
        ssize_t n = pread(f->fd, p, size > (1u << 30) ? (1u << 30) : size, at);
        if (n < 0) {
            if (errno == EINTR) continue;
            FAIL_WITH(H5E_IO, H5E_READERROR, "read of %zu bytes at offset %lld failed: %s", size, (long long)at,
                      strerror(errno));
            return -1;
        }
        if (n == 0) {  // past the end of the file: libhdf5 expects zeros
            memset(p, 0, size);
            break;
        }
        p += n; at += n; size -= (size_t)n;
    }
    return 0;
}

static herr_t dd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buf) {
    (void)dxpl;
    direct_file *f = (direct_file *)file;
    if (!in_range(f, addr, size)) {
        FAIL_WITH(H5E_IO, H5E_OVERFLOW, "write of %zu bytes at address %llu is past the end of the allocated space",
                  size, (unsigned long long)addr);
        return -1;
    }
    const unsigned char *p = buf;
    off_t at = (off_t)addr;
    size_t left = size;
    int e = 0;
    const stage *open = f->filling >= 0 ? &f->stages[f->filling] : NULL;
    if (open && type == H5FD_MEM_DRAW && at == open->at + (off_t)open->length) {
        e = stream(f, p, left, at);
    } else if (f->direct >= 0 && type == H5FD_MEM_DRAW && left >= STREAM_MINIMUM) {
        // A new stream. Its first partial block is written buffered: the block's other bytes are
        // not this write's to give. Raw data written again waits for its earlier bytes first.
        if (overlaps_stream(f, addr, size) && settle(f) < 0) return -1;
        e = end_stream(f);
        size_t head = (size_t)((BLOCK - at % BLOCK) % BLOCK);
        if (e == 0 && head > 0) e = write_all(f->fd, p, head, at);
        if (e == 0) e = stream(f, p + head, left - head, at + (off_t)head);
    } else {
        // Metadata, small raw data: buffered, after whatever staged bytes it meets.
        if (overlaps_stream(f, addr, size) && settle(f) < 0) return -1;
        e = write_all(f->fd, p, left, at);
    }
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_WRITEERROR, "write of %zu bytes at offset %lld failed: %s", size, (long long)addr,
                  strerror(e));
        return -1;
    }
    if (addr + size > f->eof) f->eof = addr + size;
    return 0;
}

static herr_t dd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing) {
    (void)dxpl; (void)closing;
    direct_file *f = (direct_file *)file;
    if (settle(f) < 0) return -1;
    if (f->eoa == f->eof) return 0;
    if (ftruncate(f->fd, (off_t)f->eoa) != 0) {
        FAIL_WITH(H5E_IO, H5E_SEEKERROR, "cannot set the file's length to %llu: %s", (unsigned long long)f->eoa,
                  strerror(errno));
        return -1;
    }
    f->eof = f->eoa;
    return 0;
}

#else

hid_t dl_direct_driver_id(void) { return -1; }
herr_t dl_set_fapl_direct_driver(hid_t fapl) { (void)fapl; return -1; }

#endif
