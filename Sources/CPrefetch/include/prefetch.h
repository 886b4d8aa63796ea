// A prefetch hint for Swift, which has no intrinsic for it. The scan's header walk is bound by
// memory latency: each packet header is the first touch of a new cache line (and often a new page),
// and the next header's address depends on this header's length, so the hardware prefetcher does
// not run ahead. Hinting every cache line up to a page ahead cut the walk's time 3-6x on
// page-cached files (see HeaderWalk.prefetchDistance).
#ifndef DOWNLINK_PREFETCH_H
#define DOWNLINK_PREFETCH_H

/// Asks the CPU to bring the cache line at `address` in for reading; never faults.
static inline __attribute__((always_inline)) void downlink_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
