// CPU topology from sysfs and the compact placement order, on a fake sysfs
// tree shaped like a Kunpeng 920 slice: 16 CPUs, clusters of 4, two NUMA
// nodes of 8; and on a tree without topology files (a VM).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "exec/cpu_topology.h"

namespace zy {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text << "\n";
}

fs::path fakeSysfs(const std::string& name, bool topology) {
  const fs::path root = fs::path(testing::TempDir()) / name;
  fs::remove_all(root);
  write(root / "cpu/online", "0-15");
  for (int c = 0; c < 16 && topology; ++c) {
    const fs::path t = root / ("cpu/cpu" + std::to_string(c)) / "topology";
    write(t / "physical_package_id", "0");
    write(t / "cluster_id", std::to_string(c / 4));
  }
  if (topology) {
    write(root / "node/node0/cpulist", "0-7");
    write(root / "node/node1/cpulist", "8-15");
  }
  return root;
}

TEST(CpuTopology, ReadsClustersAndNodes) {
  const std::vector<CpuPlace> cpus = readCpuTopology(fakeSysfs("kunpeng", true).string());
  ASSERT_EQ(cpus.size(), 16u);
  EXPECT_EQ(cpus[5].cluster, 1);
  EXPECT_EQ(cpus[5].node, 0);
  EXPECT_EQ(cpus[13].cluster, 3);
  EXPECT_EQ(cpus[13].node, 1);
}

TEST(CpuTopology, CompactOrderFillsTheCallersClusterThenItsNode) {
  const std::vector<CpuPlace> cpus = readCpuTopology(fakeSysfs("kunpeng2", true).string());
  // From CPU 9: itself, its cluster (8, 10, 11), node 1's other cluster, then node 0 cluster by cluster.
  EXPECT_EQ(compactOrder(cpus, 9), (std::vector<int>{9, 8, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(CpuTopology, WithoutTopologyEveryCpuIsItsOwnCluster) {
  const std::vector<CpuPlace> cpus = readCpuTopology(fakeSysfs("vm", false).string());
  ASSERT_EQ(cpus.size(), 16u);
  EXPECT_EQ(compactOrder(cpus, 3), (std::vector<int>{3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
}

TEST(CpuTopology, MissingSysfsGivesNoCpus) { EXPECT_TRUE(readCpuTopology("/nonexistent/zy").empty()); }

}  // namespace
}  // namespace zy
