// See include/fits_direct_driver.h for what this driver is for.
#define _GNU_SOURCE
#include "fits_direct_driver.h"
#include "direct_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <fitsio2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { MAX_FILES = 256 };

// Open files: cfitsio names them by small integers. Invariant: `table_lock` guards the slots'
// allocation; a slot in use belongs to one cfitsio file, which one thread at a time drives.
static struct {
    downlink_stream *stream;
    off_t position;
} files[MAX_FILES];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static void report(const char *what, int e) {
    char message[FLEN_ERRMSG];
    snprintf(message, sizeof message, "downlink:// %s: %s", what, strerror(e));
    ffpmsg(message);
}

static int dd_init(void) { return 0; }
static int dd_shutdown(void) { return 0; }
static int dd_setoptions(int options) { (void)options; return 0; }
static int dd_getoptions(int *options) { *options = 0; return 0; }
static int dd_getversion(int *version) { *version = 1; return 0; }
static int dd_checkfile(char *urltype, char *infile, char *outfile) { (void)urltype; (void)infile; (void)outfile; return 0; }

static int claim(downlink_stream *s, int *handle) {
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < MAX_FILES; i++) {
        if (files[i].stream != NULL) continue;
        files[i].stream = s;
        files[i].position = 0;
        pthread_mutex_unlock(&table_lock);
        *handle = i;
        return 0;
    }
    pthread_mutex_unlock(&table_lock);
    return TOO_MANY_FILES;
}

/// Opens `filename` as a stream with `flags` and gives it a handle; `failure` is cfitsio's status
/// for a file that cannot be opened.
static int open_stream(char *filename, int flags, int *handle, int failure) {
    downlink_stream *s = downlink_stream_open(filename, flags);
    if (s == NULL) {
        report(filename, errno);
        return failure;
    }
    int status = claim(s, handle);
    if (status != 0) downlink_stream_close(s, NULL);
    return status;
}

static int dd_create(char *filename, int *handle) {
    return open_stream(filename, O_CREAT | O_EXCL, handle, FILE_NOT_CREATED);
}

static int dd_open(char *filename, int rwmode, int *handle) {
    if (rwmode != READWRITE) {
        ffpmsg("downlink:// files are only opened for writing");
        return FILE_NOT_OPENED;
    }
    return open_stream(filename, 0, handle, FILE_NOT_OPENED);
}

static int dd_close(int handle) {
    off_t at = -1;
    int e = downlink_stream_close(files[handle].stream, &at);
    pthread_mutex_lock(&table_lock);
    files[handle].stream = NULL;
    pthread_mutex_unlock(&table_lock);
    if (e != 0) {
        report("closing the file", e);
        return FILE_NOT_CLOSED;
    }
    return 0;
}

static int dd_remove(char *filename) { return unlink(filename) == 0 ? 0 : FILE_NOT_OPENED; }

static int dd_truncate(int handle, LONGLONG size) {
    int e = downlink_stream_truncate(files[handle].stream, (off_t)size);
    if (e != 0) {
        report("setting the file's length", e);
        return WRITE_ERROR;
    }
    return 0;
}

static int dd_size(int handle, LONGLONG *size) {
    *size = (LONGLONG)downlink_stream_length(files[handle].stream);
    return 0;
}

static int dd_flush(int handle) {
    off_t at = -1;
    int e = downlink_stream_settle(files[handle].stream, &at);
    if (e != 0) {
        report("a staged write", e);
        return WRITE_ERROR;
    }
    return 0;
}

static int dd_seek(int handle, LONGLONG offset) {
    files[handle].position = (off_t)offset;
    return 0;
}

static int dd_read(int handle, void *buffer, long nbytes) {
    downlink_stream *s = files[handle].stream;
    off_t at = files[handle].position;
    // As cfitsio's own file driver: a read past the end of the file is END_OF_FILE.
    if (at + (off_t)nbytes > downlink_stream_length(s)) return END_OF_FILE;
    int e = downlink_stream_read(s, buffer, (size_t)nbytes, at);
    if (e != 0) {
        report("read", e);
        return READ_ERROR;
    }
    files[handle].position = at + nbytes;
    return 0;
}

static int dd_write(int handle, void *buffer, long nbytes) {
    off_t at = files[handle].position;
    // Every write may stream: cfitsio writes a file front to back (rows in large sequential
    // writes), and rewrites only headers, which the stream writes buffered after settling.
    int e = downlink_stream_write(files[handle].stream, buffer, (size_t)nbytes, at, 1);
    if (e != 0) {
        report("write", e);
        return WRITE_ERROR;
    }
    files[handle].position = at + nbytes;
    return 0;
}

static int registration_status = 0;
static pthread_once_t registration = PTHREAD_ONCE_INIT;

static void register_driver(void) {
    // cfitsio registers its own drivers on first use unless done; after ours they would come second.
    registration_status = fits_init_cfitsio();
    if (registration_status != 0) return;
    registration_status = fits_register_driver("downlink://", dd_init, dd_shutdown, dd_setoptions, dd_getoptions,
                                               dd_getversion, dd_checkfile, dd_open, dd_create, dd_truncate, dd_close,
                                               dd_remove, dd_size, dd_flush, dd_seek, dd_read, dd_write);
}

int dl_fits_direct_driver_register(void) {
    pthread_once(&registration, register_driver);
    return registration_status;
}

const char *dl_fits_direct_driver_prefix(void) { return "downlink://"; }
