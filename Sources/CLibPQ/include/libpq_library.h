// libpq (the PostgreSQL client) for Swift, opened on first use, not at process start (libpq_loader.c).
#ifndef DOWNLINK_LIBPQ_LIBRARY_H
#define DOWNLINK_LIBPQ_LIBRARY_H
// Debian keeps libpq-fe.h in postgresql/.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif
#include <stddef.h>

/// Opens libpq (once per process; later calls return the first result). Returns 0, or -1 with why in
/// `message`. `$DOWNLINK_LIBPQ` names the file when set.
int dl_libpq_load(char *message, size_t capacity);

#endif
