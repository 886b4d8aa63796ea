#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "direct_io.h"

int downlink_o_direct(void) {
#ifdef O_DIRECT
    const char *setting = getenv("DOWNLINK_DIRECT_IO");
    return (setting != NULL && strcmp(setting, "0") == 0) ? 0 : O_DIRECT;
#else
    return 0;
#endif
}

void *downlink_staging_alloc(size_t bytes) {
    enum { BLOCK = 4096, HUGE_PAGE = 2 << 20 };  // HUGE_PAGE: x86-64, and arm64 with 4 KiB pages
    int whole = bytes > 0 && bytes % HUGE_PAGE == 0;
    void *m = NULL;
    if (posix_memalign(&m, whole ? HUGE_PAGE : BLOCK, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    if (whole) madvise(m, bytes, MADV_HUGEPAGE);
#endif
    return m;
}
