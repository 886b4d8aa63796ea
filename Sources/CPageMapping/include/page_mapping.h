// mremap(2) for Swift: glibc declares it variadic (the fifth argument is optional), and Swift does
// not import variadic C functions. Linux only; elsewhere these return MAP_FAILED-like NULL.
#ifndef DOWNLINK_PAGE_MAPPING_H
#define DOWNLINK_PAGE_MAPPING_H
#include <stddef.h>

/// Grows, shrinks or moves a mapping, keeping its pages (MREMAP_MAYMOVE). Returns NULL on failure.
void *downlink_remap(void *old_address, size_t old_size, size_t new_size);

/// Moves the pages of `old_address..<+size` to exactly `new_address`, replacing what was mapped
/// there (MREMAP_MAYMOVE | MREMAP_FIXED). Returns NULL on failure; the old mapping is then untouched.
void *downlink_remap_to(void *old_address, size_t size, void *new_address);

#endif
