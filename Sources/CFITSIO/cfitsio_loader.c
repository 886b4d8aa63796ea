// cfitsio opened with dlopen on first use (see CLibraryLoading for why). Every cfitsio function
// Downlink calls is defined here with the header's prototype and forwards to the library.
#include "cfitsio_library.h"
#include "library_loading.h"

#include <fitsio2.h>
#include <pthread.h>
#include <stdio.h>

// The soname of the headers' release, then the development link (checked for the same major version).
#define SONAME_TEXT(n) #n
#define SONAME(n) "libcfitsio.so." SONAME_TEXT(n)
static const char *const cfitsio_names[] = {SONAME(CFITSIO_SONAME), "libcfitsio.so"};

#define CFITSIO_FUNCTIONS(F)                                                                                  \
    F(int, ffclos, (fitsfile * fptr, int *status), (fptr, status))                                            \
    F(int, ffcopy, (fitsfile * infptr, fitsfile *outfptr, int morekeys, int *status), (infptr, outfptr, morekeys, status)) \
    F(int, ffcrim, (fitsfile * fptr, int bitpix, int naxis, long *naxes, int *status), (fptr, bitpix, naxis, naxes, status)) \
    F(int, ffcrtb, (fitsfile * fptr, int tbltype, LONGLONG naxis2, int tfields, char **ttype, char **tform,    \
                    char **tunit, const char *extname, int *status),                                          \
      (fptr, tbltype, naxis2, tfields, ttype, tform, tunit, extname, status))                                 \
    F(int, ffgmsg, (char *err_message), (err_message))                                                        \
    F(int, ffinit, (fitsfile * *fptr, const char *filename, int *status), (fptr, filename, status))           \
    F(int, ffmahd, (fitsfile * fptr, int hdunum, int *exttype, int *status), (fptr, hdunum, exttype, status)) \
    F(int, ffmcom, (fitsfile * fptr, const char *keyname, const char *comm, int *status), (fptr, keyname, comm, status)) \
    F(int, ffmkys, (fitsfile * fptr, const char *keyname, const char *value, const char *comm, int *status),  \
      (fptr, keyname, value, comm, status))                                                                   \
    F(int, ffopen, (fitsfile * *fptr, const char *filename, int iomode, int *status), (fptr, filename, iomode, status)) \
    F(int, ffpcks, (fitsfile * fptr, int *status), (fptr, status))                                            \
    F(int, ffpcom, (fitsfile * fptr, const char *comm, int *status), (fptr, comm, status))                    \
    F(int, ffphis, (fitsfile * fptr, const char *history, int *status), (fptr, history, status))              \
    F(int, ffpkls, (fitsfile * fptr, const char *keyname, const char *value, const char *comm, int *status),  \
      (fptr, keyname, value, comm, status))                                                                   \
    F(int, ffpkyd, (fitsfile * fptr, const char *keyname, double value, int decim, const char *comm, int *status), \
      (fptr, keyname, value, decim, comm, status))                                                            \
    F(int, ffpkye, (fitsfile * fptr, const char *keyname, float value, int decim, const char *comm, int *status), \
      (fptr, keyname, value, decim, comm, status))                                                            \
    F(int, ffpkyj, (fitsfile * fptr, const char *keyname, LONGLONG value, const char *comm, int *status),     \
      (fptr, keyname, value, comm, status))                                                                   \
    F(int, ffpkys, (fitsfile * fptr, const char *keyname, const char *value, const char *comm, int *status),  \
      (fptr, keyname, value, comm, status))                                                                   \
    F(int, ffpkyuj, (fitsfile * fptr, const char *keyname, ULONGLONG value, const char *comm, int *status),   \
      (fptr, keyname, value, comm, status))                                                                   \
    F(int, ffplsw, (fitsfile * fptr, int *status), (fptr, status))                                            \
    F(int, ffppr, (fitsfile * fptr, int datatype, LONGLONG firstelem, LONGLONG nelem, void *array, int *status), \
      (fptr, datatype, firstelem, nelem, array, status))                                                      \
    F(int, ffptbb, (fitsfile * fptr, LONGLONG firstrow, LONGLONG firstchar, LONGLONG nchars, unsigned char *values, \
                    int *status), (fptr, firstrow, firstchar, nchars, values, status))                        \
    F(int, ffptdmll, (fitsfile * fptr, int colnum, int naxis, LONGLONG naxes[], int *status),                 \
      (fptr, colnum, naxis, naxes, status))                                                                   \
    F(int, ffthdu, (fitsfile * fptr, int *nhdu, int *status), (fptr, nhdu, status))                           \
    F(int, ffupck, (fitsfile * fptr, int *status), (fptr, status))                                            \
    F(int, fits_compress_table, (fitsfile * infptr, fitsfile *outfptr, int *status), (infptr, outfptr, status)) \
    F(int, fits_init_cfitsio, (void), ())                                                                     \
    F(float, ffvers, (float *version), (version))                                                             \
    F(int, fits_register_driver,                                                                              \
      (char *prefix, int (*init)(void), int (*fitsshutdown)(void), int (*setoptions)(int option),             \
       int (*getoptions)(int *options), int (*getversion)(int *version),                                      \
       int (*checkfile)(char *urltype, char *infile, char *outfile),                                          \
       int (*fitsopen)(char *filename, int rwmode, int *driverhandle),                                        \
       int (*fitscreate)(char *filename, int *driverhandle), int (*fitstruncate)(int driverhandle, LONGLONG filesize), \
       int (*fitsclose)(int driverhandle), int (*fremove)(char *filename),                                    \
       int (*size)(int driverhandle, LONGLONG *sizex), int (*flush)(int driverhandle),                        \
       int (*seek)(int driverhandle, LONGLONG offset), int (*fitsread)(int driverhandle, void *buffer, long nbytes), \
       int (*fitswrite)(int driverhandle, void *buffer, long nbytes)),                                        \
      (prefix, init, fitsshutdown, setoptions, getoptions, getversion, checkfile, fitsopen, fitscreate,       \
       fitstruncate, fitsclose, fremove, size, flush, seek, fitsread, fitswrite))

#define CFITSIO_VOID_FUNCTIONS(F)                                                                             \
    F(void, ffcmsg, (void), ())                                                                               \
    F(void, ffgerr, (int status, char *errtext), (status, errtext))                                           \
    F(void, ffpmsg, (const char *err_message), (err_message))

CFITSIO_FUNCTIONS(DOWNLINK_FORWARD_POINTER)
CFITSIO_VOID_FUNCTIONS(DOWNLINK_FORWARD_POINTER)

static const struct downlink_library_symbol cfitsio_symbols[] = {
    CFITSIO_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL) CFITSIO_VOID_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL)};

DOWNLINK_LIBRARY_STATE(dl_cfitsio_load)

static int open_library(char *message, size_t capacity) {
    if (!downlink_library_load("cfitsio (for FITS products)", "cfitsio", "DOWNLINK_LIBCFITSIO", cfitsio_names,
                               DOWNLINK_COUNT(cfitsio_names), cfitsio_symbols, DOWNLINK_COUNT(cfitsio_symbols), message,
                               capacity))
        return -1;
    // The driver table and fitsfile layout Downlink relies on are those of the headers' major version.
    float version = 0;
    forward_ffvers(&version);
    if ((int)version != CFITSIO_MAJOR) {
        snprintf(message, capacity, "cfitsio %.3f was loaded, but Downlink was built for cfitsio %d.%d",
                 version, CFITSIO_MAJOR, CFITSIO_MINOR);
        return -1;
    }
    return 0;
}

#define DOWNLINK_REQUIRE() require_library()
CFITSIO_FUNCTIONS(DOWNLINK_FORWARD)
CFITSIO_VOID_FUNCTIONS(DOWNLINK_FORWARD_VOID)
