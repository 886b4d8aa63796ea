// A cfitsio I/O driver ("downlink://" files) for writing products: cfitsio's writes go through a
// direct stream (CDirectIO's direct_stream.h), so that the table rows, which cfitsio writes one
// block after the other, are staged and sent to the device with direct I/O by the stream's I/O
// thread instead of being copied into the page cache; headers, small and rewritten, are written
// buffered. Files are ordinary FITS files.
//
// Why: a 600 MB table written through the page cache took the 2-core VM 0.4-1.9 s of CPU from run
// to run (fresh cache pages), 0.4-0.6 s through this driver, most of it packing the rows.
// Costs: those of the stream (16 MiB, one thread) per open file.
#ifndef DOWNLINK_FITS_DIRECT_DRIVER_H
#define DOWNLINK_FITS_DIRECT_DRIVER_H

/// Registers the driver with cfitsio once (thread-safe; cfitsio's own drivers are registered
/// first). 0, or cfitsio's status when registration failed. Call before any file is opened
/// concurrently with it: cfitsio's driver table has no lock of its own.
int dl_fits_direct_driver_register(void);

/// The URL prefix of the driver's files: "downlink://" followed by the path.
const char *dl_fits_direct_driver_prefix(void);

#endif
