// O_DIRECT for Swift: Glibc's Swift module leaves it out (it is behind _GNU_SOURCE), and its value
// differs between architectures. Writers use it to send large outputs to the device without the
// page cache (split outputs, CDF files, HDF5 columns).
#ifndef DOWNLINK_DIRECT_IO_H
#define DOWNLINK_DIRECT_IO_H

/// The `open` flag for direct I/O on this system; 0 where there is none, or when the environment
/// says `DOWNLINK_DIRECT_IO=0` (then every writer stays buffered). Callers keep the answer.
int downlink_o_direct(void);

#endif
