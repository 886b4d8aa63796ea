// A libhdf5 file driver (virtual file driver) for writing products: the default POSIX driver's
// behaviour, except that raw data (the compressed chunks the HDF5 writer stores with
// H5Dwrite_chunk, one after the other at the end of the file) goes through a direct stream
// (CDirectIO's direct_stream.h): staged, and written with direct I/O by the stream's I/O thread.
// Metadata is always written buffered.
//
// Why: through the page cache, copying the chunks into fresh cache pages cost the 2-core VM more
// CPU than compressing them (HDF5 zstd-3, 600 MB product: 1.9-2.5 s wall with the default driver,
// about 1.1 s without its writes at all). Costs: those of the stream (16 MiB, one thread).
//
// Files written with it are ordinary HDF5 files: the driver stores nothing in the superblock.
// libhdf5 1.10's driver interface only; elsewhere `dl_direct_driver_id` returns -1 and the writer
// keeps libhdf5's default driver.
#ifndef DOWNLINK_HDF5_DIRECT_DRIVER_H
#define DOWNLINK_HDF5_DIRECT_DRIVER_H

#include "hdf5_library.h"

/// The driver's id, registered with libhdf5 on first call (thread-safe); -1 when this libhdf5's
/// driver interface is not the one the driver was written for, or registration failed.
hid_t dl_direct_driver_id(void);

/// Sets `fapl` (a file-access property list) to use the driver; negative on failure.
herr_t dl_set_fapl_direct_driver(hid_t fapl);

/// Bytes the driver has written with direct I/O in this process (for tests and diagnostics).
unsigned long long dl_direct_driver_direct_bytes(void);

#endif
