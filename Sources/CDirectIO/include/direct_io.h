// O_DIRECT for Swift: Glibc's Swift module leaves it out (it is behind _GNU_SOURCE), and its value
// differs between architectures. Writers use it to send large outputs to the device without the
// page cache (split outputs, CDF files, HDF5 columns), staging them in buffers from here.
#ifndef DOWNLINK_DIRECT_IO_H
#define DOWNLINK_DIRECT_IO_H

#include <stddef.h>

/// The `open` flag for direct I/O on this system; 0 where there is none, or when the environment
/// says `DOWNLINK_DIRECT_IO=0` (then every writer stays buffered). Callers keep the answer.
int downlink_o_direct(void);

/// A staging buffer of `bytes` for direct writes; NULL without memory; release it with `free`.
/// A whole number of 2 MiB is aligned to 2 MiB and advised as transparent huge pages, so that a
/// direct write pins a few huge pages instead of 1024 small ones per 4 MiB; other sizes are aligned
/// to 4 KiB. Every direct writer stages through this (split outputs, CDF, the HDF5/FITS stream,
/// placed HDF5 columns not aligned in memory). Measured on the 2-core VM, medians of alternating
/// runs: split of the CYGNSS replica 24.3 -> 20.2 ms CPU, 80 -> 60 ms wall; FITS write of 600 MB
/// 0.50 -> 0.37 s wall; CDF write of 600 MB 0.42 -> 0.36 s wall. With the system's THP defrag
/// setting `madvise`, a huge-page fault may compact memory first: bounded here by the few staging
/// buffers a process allocates (column memory stays unadvised for that reason).
void *downlink_staging_alloc(size_t bytes);

#endif
