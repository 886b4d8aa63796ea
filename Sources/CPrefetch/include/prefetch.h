// A prefetch hint for Swift, which has no intrinsic for it. The scan's header walk is bound by
// memory latency: each packet header is the first touch of a new cache line (and often a new page),
// and the next header's address depends on this header's length, so the hardware prefetcher does
// not run ahead. A hint a few KiB ahead halved the walk's time on page-cached files (C test,
// 3.4 M packets of ~147 bytes: 50 -> 24 ns a packet on a fresh mapping, 36 -> 10 warm).
#ifndef DOWNLINK_PREFETCH_H
#define DOWNLINK_PREFETCH_H

/// Asks the CPU to bring the cache line at `address` in for reading; never faults.
static inline __attribute__((always_inline)) void downlink_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
