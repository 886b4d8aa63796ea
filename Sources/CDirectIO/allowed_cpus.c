#define _GNU_SOURCE
#include "allowed_cpus.h"

#if defined(__linux__)
#include <sched.h>

int downlink_allowed_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return CPU_COUNT(&set);
}
#else
int downlink_allowed_cpus(void) { return 0; }
#endif
