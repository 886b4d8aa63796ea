// libhdf5 (Debian serial build) for Swift. Its constants are macros that expand to global ids behind
// H5open() or to casts, which Swift cannot import: each one used by Downlink is a static inline
// function here (dl_ prefix). Dimension scales come from the high-level library (hdf5_hl).
// The libraries are opened on first use, not at process start (hdf5_loader.c).
#ifndef DOWNLINK_HDF5_LIBRARY_H
#define DOWNLINK_HDF5_LIBRARY_H
// Debian keeps the serial build's headers in hdf5/serial; elsewhere they are on the include path.
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>
#include <hdf5/serial/hdf5_hl.h>
#else
#include <hdf5.h>
#include <hdf5_hl.h>
#endif
#include <stddef.h>

/// Opens libhdf5 and libhdf5_hl (once per process; later calls return the first result). Returns 0,
/// or -1 with why in `message`: not installed, or a version other than the headers' (1.10).
/// `$DOWNLINK_LIBHDF5` and `$DOWNLINK_LIBHDF5_HL` name the files when set.
int dl_hdf5_load(char *message, size_t capacity);

static inline hid_t dl_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t dl_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t dl_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline unsigned dl_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned dl_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline hid_t dl_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t dl_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t dl_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline size_t dl_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hsize_t dl_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }

static inline hid_t dl_H5T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline hid_t dl_H5T_STD_I16LE(void) { return H5T_STD_I16LE; }
static inline hid_t dl_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t dl_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t dl_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t dl_H5T_STD_U16LE(void) { return H5T_STD_U16LE; }
static inline hid_t dl_H5T_STD_U32LE(void) { return H5T_STD_U32LE; }
static inline hid_t dl_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t dl_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t dl_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t dl_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t dl_H5T_C_S1(void) { return H5T_C_S1; }

/// The zstd filter's name: a string literal, so libhdf5 may keep the pointer for the process's life.
static inline const char *dl_zstd_filter_name(void) { return "Zstandard (Downlink, libzstd)"; }

/// The class record H5Zregister takes for a filter implemented by `f` (version H5Z_CLASS_T_VERS).
static inline H5Z_class2_t dl_filter_class(H5Z_filter_t id, const char *name, H5Z_func_t f) {
    H5Z_class2_t c;
    c.version = H5Z_CLASS_T_VERS;
    c.id = id;
    c.encoder_present = 1;
    c.decoder_present = 1;
    c.name = name;
    c.can_apply = NULL;
    c.set_local = NULL;
    c.filter = f;
    return c;
}

#endif
