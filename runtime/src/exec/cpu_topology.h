// Where the CPUs are: NUMA node, package and cluster of each online CPU, as
// Linux's sysfs describes them, and the order in which the thread pool pins
// its workers for compact placement (Kunpeng 920: clusters of 4 cores
// sharing an L3 slice, two NUMA nodes per package). Elsewhere (no sysfs, a
// VM without topology) every CPU is its own cluster on node 0.
#pragma once
#include <string>
#include <vector>

namespace zy {

struct CpuPlace {
  int cpu = 0, node = 0, package = 0, cluster = 0;
};

// The online CPUs under `root` (normally /sys/devices/system), by CPU number.
std::vector<CpuPlace> readCpuTopology(const std::string& root = "/sys/devices/system");

// CPU numbers, nearest to `first` first: its cluster, then the rest of its
// NUMA node cluster by cluster, then the other nodes.
std::vector<int> compactOrder(const std::vector<CpuPlace>& cpus, int first);

}  // namespace zy
