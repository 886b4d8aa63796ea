// See include/hdf5_direct_driver.h for what this driver is for.
#define _GNU_SOURCE
#include "hdf5_direct_driver.h"
#include "direct_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned long long dl_direct_driver_direct_bytes(void) { return downlink_stream_direct_bytes(); }

#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10

// What libhdf5 asks of a driver's file: its public part first (libhdf5 fills it in), then ours.
typedef struct {
    H5FD_t pub;
    downlink_stream *stream;
    int fd;          // the stream's buffered descriptor (get_handle hands out its address)
    haddr_t eoa;     // end of the address space libhdf5 has allocated
    dev_t device;
    ino_t inode;
} direct_file;

// Largest address: the largest file offset (off_t is signed 64-bit).
#define MAX_ADDRESS ((haddr_t)INT64_MAX)

#define FAIL_WITH(major, minor, ...)                                                                 \
    do {                                                                                             \
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

/// Pushes a libhdf5 error for a failed settle (a staged write that failed) and returns -1.
static herr_t settle(direct_file *f) {
    off_t at = -1;
    int e = downlink_stream_settle(f->stream, &at);
    if (e == 0) return 0;
    FAIL_WITH(H5E_IO, H5E_WRITEERROR, "write at offset %lld failed: %s", (long long)at, strerror(e));
    return -1;
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
    if (!(flags & H5F_ACC_RDWR)) {
        FAIL_WITH(H5E_ARGS, H5E_BADVALUE, "'%s': this driver only writes files", name);
        return NULL;
    }
    int o = 0;
    if (flags & H5F_ACC_TRUNC) o |= O_TRUNC;
    if (flags & H5F_ACC_CREAT) o |= O_CREAT;
    if (flags & H5F_ACC_EXCL) o |= O_EXCL;
    direct_file *f = calloc(1, sizeof *f);
    if (f == NULL) {
        FAIL_WITH(H5E_RESOURCE, H5E_NOSPACE, "no memory for the driver's state of '%s'", name);
        return NULL;
    }
    f->stream = downlink_stream_open(name, o);
    struct stat st;
    if (f->stream == NULL || fstat(downlink_stream_fd(f->stream), &st) != 0) {
        int e = errno;
        if (f->stream) downlink_stream_close(f->stream, NULL);
        free(f);
        FAIL_WITH(H5E_FILE, H5E_CANTOPENFILE, "cannot open '%s': %s", name, strerror(e));
        return NULL;
    }
    f->fd = downlink_stream_fd(f->stream);
    f->device = st.st_dev;
    f->inode = st.st_ino;
    return &f->pub;
}

static herr_t dd_close(H5FD_t *file) {
    direct_file *f = (direct_file *)file;
    off_t at = -1;
    int e = downlink_stream_close(f->stream, &at);
    free(f);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_CANTCLOSEFILE, "closing the file failed (offset %lld): %s", (long long)at, strerror(e));
        return -1;
    }
    return 0;
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
    return (haddr_t)downlink_stream_length(((const direct_file *)file)->stream);
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
    int e = downlink_stream_read(f->stream, buf, size, (off_t)addr);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_READERROR, "read of %zu bytes at offset %llu failed: %s", size, (unsigned long long)addr,
                  strerror(e));
        return -1;
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
    // Raw data (the chunks, one after the other) streams; metadata, small and rewritten, never does.
    int e = downlink_stream_write(f->stream, buf, size, (off_t)addr, type == H5FD_MEM_DRAW);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_WRITEERROR, "write of %zu bytes at offset %llu failed: %s", size, (unsigned long long)addr,
                  strerror(e));
        return -1;
    }
    return 0;
}

static herr_t dd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing) {
    (void)dxpl; (void)closing;
    direct_file *f = (direct_file *)file;
    if (settle(f) < 0) return -1;
    if ((haddr_t)downlink_stream_length(f->stream) == f->eoa) return 0;
    int e = downlink_stream_truncate(f->stream, (off_t)f->eoa);
    if (e != 0) {
        FAIL_WITH(H5E_IO, H5E_SEEKERROR, "cannot set the file's length to %llu: %s", (unsigned long long)f->eoa,
                  strerror(e));
        return -1;
    }
    return 0;
}

#else

hid_t dl_direct_driver_id(void) { return -1; }
herr_t dl_set_fapl_direct_driver(hid_t fapl) { (void)fapl; return -1; }

#endif
