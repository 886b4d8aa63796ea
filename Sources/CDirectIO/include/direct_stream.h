// A file written through C libraries' I/O hooks (libhdf5's file driver, cfitsio's I/O driver) with
// its bulk data going to the device by direct I/O.
//
// Consecutive writes are copied into 4 MiB page-aligned staging buffers; a full buffer is written
// with O_DIRECT by the stream's own I/O thread while the next fills. The partial blocks at a
// stream's two ends, writes smaller than a block that start no stream, and everything when direct
// I/O is unavailable (tmpfs, DOWNLINK_DIRECT_IO=0) or refused, are written buffered. A read or write
// that meets staged bytes waits for them first, so the file always reads back as written.
//
// Why: copying hundreds of MB into fresh page-cache pages cost the 2-core VM more CPU than
// compressing them; a copy into a warm buffer is a small part of that, and the device's writes
// overlap the producer's work. Costs: up to 16 MiB of staging and one thread per stream, from its
// first staged write to its close.
//
// Not thread-safe: one thread at a time calls a stream's functions (the libraries serialise their
// calls per file); the I/O thread is internal.
#ifndef DOWNLINK_DIRECT_STREAM_H
#define DOWNLINK_DIRECT_STREAM_H

#include <stddef.h>
#include <sys/types.h>

typedef struct downlink_stream downlink_stream;

/// Opens `path` read-write (`flags`: extra open flags such as O_CREAT | O_TRUNC | O_EXCL) and, when
/// allowed, a second descriptor with O_DIRECT. NULL with errno set on failure.
downlink_stream *downlink_stream_open(const char *path, int flags);

/// The buffered descriptor (for fstat, locks and the like: settle first to see every byte).
int downlink_stream_fd(const downlink_stream *s);

/// Writes `size` bytes at `at`. `bulk`: the bytes are data that may open a stream (raw data, table
/// rows); otherwise they continue an open stream when contiguous with it, else are written buffered.
/// Returns 0 or an errno.
int downlink_stream_write(downlink_stream *s, const void *bytes, size_t size, off_t at, int bulk);

/// Reads `size` bytes at `at` (after the staged bytes it meets are written); bytes past the end of
/// the file read as zeros. Returns 0 or an errno.
int downlink_stream_read(downlink_stream *s, void *bytes, size_t size, off_t at);

/// Ends the open stream and waits until every staged byte is written. Returns 0 or the first errno
/// of any write so far, with its file offset in `*at` when `at` is not NULL.
int downlink_stream_settle(downlink_stream *s, off_t *at);

/// Settles, then sets the file's length. Returns 0 or an errno.
int downlink_stream_truncate(downlink_stream *s, off_t length);

/// The file's length as written so far, staged bytes included.
off_t downlink_stream_length(const downlink_stream *s);

/// Settles, stops the I/O thread, closes both descriptors and frees the stream. Returns 0 or the
/// first errno (of a write, or of close).
int downlink_stream_close(downlink_stream *s, off_t *at);

/// For tests: the I/O thread starts no write until the caller has to wait for it (a stage is needed,
/// or a settle), so that staged bytes stay staged as long as they can.
void downlink_stream_hold(downlink_stream *s);

/// Bytes written with direct I/O by every stream of this process (for tests and diagnostics).
unsigned long long downlink_stream_direct_bytes(void);

#endif
