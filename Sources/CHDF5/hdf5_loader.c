// libhdf5 and libhdf5_hl opened with dlopen on first use (see CLibraryLoading for why). Every libhdf5
// function Downlink calls is defined here with the header's prototype and forwards to the library;
// the library's global ids (H5T_STD_I8LE_g, ...), which the header's macros read right after
// H5open(), are copied from the library after each H5open().
#include "hdf5_library.h"
#include "library_loading.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// Sonames of the 1.10 series: Debian's serial build first, then the upstream names.
static const char *const hdf5_names[] = {"libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so", "libhdf5.so"};
static const char *const hdf5_hl_names[] = {"libhdf5_serial_hl.so.100", "libhdf5_hl.so.100", "libhdf5_serial_hl.so",
                                            "libhdf5_hl.so"};

#define HDF5_FUNCTIONS(F)                                                                                     \
    F(herr_t, H5Aclose, (hid_t attr_id), (attr_id))                                                           \
    F(hid_t, H5Acreate2, (hid_t loc_id, const char *attr_name, hid_t type_id, hid_t space_id, hid_t acpl_id, \
                          hid_t aapl_id), (loc_id, attr_name, type_id, space_id, acpl_id, aapl_id))           \
    F(herr_t, H5Awrite, (hid_t attr_id, hid_t type_id, const void *buf), (attr_id, type_id, buf))            \
    F(herr_t, H5Dclose, (hid_t dset_id), (dset_id))                                                           \
    F(hid_t, H5Dcreate2, (hid_t loc_id, const char *name, hid_t type_id, hid_t space_id, hid_t lcpl_id,      \
                          hid_t dcpl_id, hid_t dapl_id), (loc_id, name, type_id, space_id, lcpl_id, dcpl_id, dapl_id)) \
    F(haddr_t, H5Dget_offset, (hid_t dset_id), (dset_id))                                                     \
    F(hid_t, H5Dopen2, (hid_t loc_id, const char *name, hid_t dapl_id), (loc_id, name, dapl_id))             \
    F(herr_t, H5Dread, (hid_t dset_id, hid_t mem_type_id, hid_t mem_space_id, hid_t file_space_id,           \
                        hid_t dxpl_id, void *buf), (dset_id, mem_type_id, mem_space_id, file_space_id, dxpl_id, buf)) \
    F(herr_t, H5Dread_chunk, (hid_t dset_id, hid_t dxpl_id, const hsize_t *offset, uint32_t *filters,        \
                              void *buf), (dset_id, dxpl_id, offset, filters, buf))                          \
    F(herr_t, H5Dwrite, (hid_t dset_id, hid_t mem_type_id, hid_t mem_space_id, hid_t file_space_id,          \
                         hid_t dxpl_id, const void *buf), (dset_id, mem_type_id, mem_space_id, file_space_id, dxpl_id, buf)) \
    F(herr_t, H5Dwrite_chunk, (hid_t dset_id, hid_t dxpl_id, uint32_t filters, const hsize_t *offset,        \
                               size_t data_size, const void *buf), (dset_id, dxpl_id, filters, offset, data_size, buf)) \
    F(herr_t, H5Eclear2, (hid_t err_stack), (err_stack))                                                      \
    F(herr_t, H5Eset_auto2, (hid_t estack_id, H5E_auto2_t func, void *client_data), (estack_id, func, client_data)) \
    F(herr_t, H5Ewalk2, (hid_t err_stack, H5E_direction_t direction, H5E_walk2_t func, void *client_data),   \
      (err_stack, direction, func, client_data))                                                              \
    F(hid_t, H5FDregister, (const H5FD_class_t *cls), (cls))                                                  \
    F(herr_t, H5Fclose, (hid_t file_id), (file_id))                                                           \
    F(hid_t, H5Fcreate, (const char *filename, unsigned flags, hid_t fcpl_id, hid_t fapl_id),                 \
      (filename, flags, fcpl_id, fapl_id))                                                                    \
    F(hid_t, H5Fopen, (const char *filename, unsigned flags, hid_t fapl_id), (filename, flags, fapl_id))     \
    F(herr_t, H5Gclose, (hid_t group_id), (group_id))                                                         \
    F(hid_t, H5Gcreate2, (hid_t loc_id, const char *name, hid_t lcpl_id, hid_t gcpl_id, hid_t gapl_id),      \
      (loc_id, name, lcpl_id, gcpl_id, gapl_id))                                                              \
    F(herr_t, H5Pclose, (hid_t plist_id), (plist_id))                                                         \
    F(hid_t, H5Pcreate, (hid_t cls_id), (cls_id))                                                             \
    F(herr_t, H5Pset_alignment, (hid_t fapl_id, hsize_t threshold, hsize_t alignment),                        \
      (fapl_id, threshold, alignment))                                                                        \
    F(herr_t, H5Pset_alloc_time, (hid_t plist_id, H5D_alloc_time_t alloc_time), (plist_id, alloc_time))      \
    F(herr_t, H5Pset_chunk, (hid_t plist_id, int ndims, const hsize_t dim[]), (plist_id, ndims, dim))        \
    F(herr_t, H5Pset_deflate, (hid_t plist_id, unsigned level), (plist_id, level))                           \
    F(herr_t, H5Pset_driver, (hid_t plist_id, hid_t driver_id, const void *driver_info),                     \
      (plist_id, driver_id, driver_info))                                                                     \
    F(herr_t, H5Pset_fill_time, (hid_t plist_id, H5D_fill_time_t fill_time), (plist_id, fill_time))          \
    F(herr_t, H5Pset_filter, (hid_t plist_id, H5Z_filter_t filter, unsigned int flags, size_t cd_nelmts,     \
                              const unsigned int c_values[]), (plist_id, filter, flags, cd_nelmts, c_values)) \
    F(herr_t, H5Pset_shuffle, (hid_t plist_id), (plist_id))                                                   \
    F(herr_t, H5Sclose, (hid_t space_id), (space_id))                                                         \
    F(hid_t, H5Screate, (H5S_class_t type), (type))                                                           \
    F(hid_t, H5Screate_simple, (int rank, const hsize_t dims[], const hsize_t maxdims[]), (rank, dims, maxdims)) \
    F(herr_t, H5Tclose, (hid_t type_id), (type_id))                                                           \
    F(hid_t, H5Tcopy, (hid_t type_id), (type_id))                                                             \
    F(hid_t, H5Tcreate, (H5T_class_t type, size_t size), (type, size))                                        \
    F(herr_t, H5Tset_cset, (hid_t type_id, H5T_cset_t cset), (type_id, cset))                                 \
    F(herr_t, H5Tset_size, (hid_t type_id, size_t size), (type_id, size))                                     \
    F(herr_t, H5Tset_strpad, (hid_t type_id, H5T_str_t strpad), (type_id, strpad))                            \
    F(herr_t, H5Zregister, (const void *cls), (cls))                                                          \
    F(herr_t, H5check_version, (unsigned majnum, unsigned minnum, unsigned relnum), (majnum, minnum, relnum)) \
    F(herr_t, H5dont_atexit, (void), ())                                                                      \
    F(herr_t, H5get_libversion, (unsigned *majnum, unsigned *minnum, unsigned *relnum), (majnum, minnum, relnum))

#define HDF5_HL_FUNCTIONS(F)                                                                                  \
    F(herr_t, H5DSattach_scale, (hid_t did, hid_t dsid, unsigned int idx), (did, dsid, idx))                  \
    F(herr_t, H5DSset_scale, (hid_t dsid, const char *dimname), (dsid, dimname))

// The library's global ids read by the header's macros (H5T_STD_I8LE is `(H5open(), H5T_STD_I8LE_g)`).
#define HDF5_GLOBALS(G)                                                                                       \
    G(H5E_ARGS_g) G(H5E_BADRANGE_g) G(H5E_BADVALUE_g) G(H5E_CANTCLOSEFILE_g) G(H5E_CANTOPENFILE_g)            \
    G(H5E_ERR_CLS_g) G(H5E_FILE_g) G(H5E_IO_g) G(H5E_NOSPACE_g) G(H5E_OVERFLOW_g) G(H5E_READERROR_g)          \
    G(H5E_RESOURCE_g) G(H5E_SEEKERROR_g) G(H5E_WRITEERROR_g)                                                  \
    G(H5P_CLS_DATASET_CREATE_ID_g) G(H5P_CLS_FILE_ACCESS_ID_g) G(H5P_CLS_LINK_CREATE_ID_g)                   \
    G(H5T_C_S1_g) G(H5T_IEEE_F32LE_g) G(H5T_IEEE_F64LE_g) G(H5T_NATIVE_INT64_g)                               \
    G(H5T_STD_I8LE_g) G(H5T_STD_I16LE_g) G(H5T_STD_I32LE_g) G(H5T_STD_I64LE_g)                                \
    G(H5T_STD_U8LE_g) G(H5T_STD_U16LE_g) G(H5T_STD_U32LE_g) G(H5T_STD_U64LE_g)

HDF5_FUNCTIONS(DOWNLINK_FORWARD_POINTER)
HDF5_HL_FUNCTIONS(DOWNLINK_FORWARD_POINTER)
static __typeof__(H5open) *forward_H5open;
static __typeof__(H5Epush2) *forward_H5Epush2;

#define DEFINE_GLOBAL(name) hid_t name = -1; static hid_t *library_##name;
HDF5_GLOBALS(DEFINE_GLOBAL)

static const struct downlink_library_symbol hdf5_symbols[] = {
    HDF5_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL)
    {"H5open", (void **)&forward_H5open},
    {"H5Epush2", (void **)&forward_H5Epush2},
#define GLOBAL_SYMBOL(name) {#name, (void **)&library_##name},
    HDF5_GLOBALS(GLOBAL_SYMBOL)
};
static const struct downlink_library_symbol hdf5_hl_symbols[] = {HDF5_HL_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL)};

DOWNLINK_LIBRARY_STATE(dl_hdf5_load)

static int open_library(char *message, size_t capacity) {
    if (!downlink_library_load("libhdf5 (HDF5 1.10, for HDF5 products)", "libhdf5", "DOWNLINK_LIBHDF5", hdf5_names,
                               DOWNLINK_COUNT(hdf5_names), hdf5_symbols, DOWNLINK_COUNT(hdf5_symbols), message, capacity))
        return -1;
    // Before any call that initialises the library (H5get_libversion does): libhdf5 1.10 keeps a
    // file whose final flush failed (disk full, file-size limit) as a dangling id, and its exit-time
    // cleanup then crashes on it. Without that cleanup the kernel releases everything at exit.
    forward_H5dont_atexit();
    // The structures Downlink hands the library (filter and driver classes, error records) are
    // those of the headers' release series.
    unsigned major = 0, minor = 0, release = 0;
    if (forward_H5get_libversion(&major, &minor, &release) < 0 || major != H5_VERS_MAJOR || minor != H5_VERS_MINOR) {
        snprintf(message, capacity, "libhdf5 %u.%u.%u was loaded, but Downlink was built for HDF5 %d.%d", major, minor,
                 release, H5_VERS_MAJOR, H5_VERS_MINOR);
        return -1;
    }
    void *hl = downlink_library_load("libhdf5_hl (HDF5 high-level library, for dimension scales)", "libhdf5_hl",
                                     "DOWNLINK_LIBHDF5_HL", hdf5_hl_names, DOWNLINK_COUNT(hdf5_hl_names),
                                     hdf5_hl_symbols, DOWNLINK_COUNT(hdf5_hl_symbols), message, capacity);
    return hl ? 0 : -1;
}

#define DOWNLINK_REQUIRE() require_library()
HDF5_FUNCTIONS(DOWNLINK_FORWARD)
HDF5_HL_FUNCTIONS(DOWNLINK_FORWARD)

herr_t H5open(void) {
    require_library();
    herr_t status = forward_H5open();
    // The ids are assigned as the library initialises (and again should it be closed and reopened).
    // Threads calling this at once store the same values; once set, they do not change while the
    // library stays open (Downlink never closes it).
#define COPY_GLOBAL(name) name = *library_##name;
    HDF5_GLOBALS(COPY_GLOBAL)
    return status;
}

// Variadic: the message is formatted here and passed on as "%s".
herr_t H5Epush2(hid_t err_stack, const char *file, const char *func, unsigned line, hid_t cls_id, hid_t maj_id,
                hid_t min_id, const char *msg, ...) {
    require_library();
    char text[1024];
    va_list arguments;
    va_start(arguments, msg);
    vsnprintf(text, sizeof text, msg, arguments);
    va_end(arguments);
    return forward_H5Epush2(err_stack, file, func, line, cls_id, maj_id, min_id, "%s", text);
}
