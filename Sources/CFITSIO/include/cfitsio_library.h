// cfitsio for Swift. Only the short function names (ffinit, ffcrtb, ffptbb, ...) import: the long
// fits_* names are macros. Constants used by Downlink are re-exported as functions where they are
// macros that Swift cannot import. The library is opened on first use, not at process start
// (cfitsio_loader.c).
#ifndef DOWNLINK_CFITSIO_LIBRARY_H
#define DOWNLINK_CFITSIO_LIBRARY_H
#include <fitsio.h>
#include <stddef.h>

/// Opens cfitsio (once per process; later calls return the first result). Returns 0, or -1 with why
/// in `message`: not installed, or a major version other than the headers'. `$DOWNLINK_LIBCFITSIO`
/// names the file when set.
int dl_cfitsio_load(char *message, size_t capacity);

#endif
