#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/mman.h>
#endif
#include "page_mapping.h"

void *downlink_remap(void *old_address, size_t old_size, size_t new_size) {
#if defined(__linux__)
    void *p = mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
#else
    (void)old_address; (void)old_size; (void)new_size;
    return NULL;
#endif
}

void *downlink_remap_to(void *old_address, size_t size, void *new_address) {
#if defined(__linux__)
    void *p = mremap(old_address, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, new_address);
    return p == MAP_FAILED ? NULL : p;
#else
    (void)old_address; (void)size; (void)new_address;
    return NULL;
#endif
}
