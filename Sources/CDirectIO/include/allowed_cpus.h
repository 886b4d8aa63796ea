// The CPUs this process may run on, for Swift: sched_getaffinity and CPU_COUNT are behind
// _GNU_SOURCE, which Glibc's Swift module leaves out (as O_DIRECT, the reason for this target).
#ifndef DOWNLINK_ALLOWED_CPUS_H
#define DOWNLINK_ALLOWED_CPUS_H

/// CPUs in this process's affinity mask (as taskset, Slurm and container cpusets set it); 0 when
/// the system cannot say.
int downlink_allowed_cpus(void);

#endif
