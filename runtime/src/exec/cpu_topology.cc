#include "exec/cpu_topology.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace zy {
namespace {

bool readInt(const std::string& path, int* out) {
  std::ifstream f(path);
  return static_cast<bool>(f >> *out);
}

// "0-3,8,10-11" -> {0, 1, 2, 3, 8, 10, 11}
std::vector<int> parseList(const std::string& text) {
  std::vector<int> v;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const size_t dash = part.find('-');
    try {
      const int a = std::stoi(part.substr(0, dash)), b = dash == std::string::npos ? a : std::stoi(part.substr(dash + 1));
      for (int c = a; c <= b && c - a < 4096; ++c) v.push_back(c);
    } catch (...) {
      break;  // malformed: keep what parsed
    }
  }
  return v;
}

std::string readText(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

}  // namespace

std::vector<CpuPlace> readCpuTopology(const std::string& root) {
  std::vector<CpuPlace> cpus;
  for (int c : parseList(readText(root + "/cpu/online"))) {
    CpuPlace p;
    p.cpu = c;
    p.cluster = c;  // without sysfs topology, every CPU its own cluster
    const std::string t = root + "/cpu/cpu" + std::to_string(c) + "/topology/";
    readInt(t + "physical_package_id", &p.package);
    if (!readInt(t + "cluster_id", &p.cluster)) p.cluster = c;
    cpus.push_back(p);
  }
  // NUMA nodes list their CPUs.
  for (int node = 0; node < 1024; ++node) {
    const std::string list = readText(root + "/node/node" + std::to_string(node) + "/cpulist");
    if (list.empty()) {
      if (node > 0) break;
      continue;
    }
    for (int c : parseList(list))
      for (CpuPlace& p : cpus)
        if (p.cpu == c) p.node = node;
  }
  return cpus;
}

std::vector<int> compactOrder(const std::vector<CpuPlace>& cpus, int first) {
  CpuPlace home;
  home.cpu = first;
  for (const CpuPlace& p : cpus)
    if (p.cpu == first) home = p;
  std::vector<CpuPlace> order(cpus);
  // (another node, another package, another cluster, cluster, cpu): the home cluster first.
  auto key = [&](const CpuPlace& p) {
    return std::make_tuple(p.node != home.node, p.node, p.package != home.package, p.package,
                           !(p.package == home.package && p.cluster == home.cluster), p.cluster, p.cpu != first, p.cpu);
  };
  std::sort(order.begin(), order.end(), [&](const CpuPlace& a, const CpuPlace& b) { return key(a) < key(b); });
  std::vector<int> v;
  for (const CpuPlace& p : order) v.push_back(p.cpu);
  return v;
}

}  // namespace zy
