#include "npu_cost_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace zy {
namespace npu {

namespace {

void finish(const NpuConfig& c, double in_bytes, double weight_bytes, double out_bytes, OpCost* k) {
  const double sram = static_cast<double>(c.sram_bytes);
  const double act = in_bytes + out_bytes;
  if (act + weight_bytes <= sram) {
    k->dram_bytes = act + weight_bytes;
  } else {
    // Half of SRAM holds activation slices; the weights pass once per slice.
    const double slices = std::ceil(act / std::max(1.0, sram / 2));
    k->dram_bytes = act + weight_bytes * std::max(1.0, slices);
  }
  k->dma_cycles = k->dram_bytes / c.dmaBytesPerCycle();
  k->cycles = std::max(k->compute_cycles, k->dma_cycles);
  k->mac_utilization = k->cycles > 0 ? k->macs / (k->cycles * static_cast<double>(c.macsPerCycle())) : 0;
  k->known = true;
}

}  // namespace

OpCost gemmCost(const NpuConfig& c, int64_t groups, int64_t M, int64_t K, int64_t P, double in_bytes, double weight_bytes,
                double out_bytes) {
  OpCost k;
  k.macs = static_cast<double>(groups) * M * K * P;
  const double row_tiles = std::ceil(static_cast<double>(M) / c.mac_rows), col_tiles = std::ceil(static_cast<double>(P) / c.mac_cols);
  k.compute_cycles = static_cast<double>(groups) * row_tiles * col_tiles * static_cast<double>(K);
  finish(c, in_bytes, weight_bytes, out_bytes, &k);
  return k;
}

OpCost vectorCost(const NpuConfig& c, double elements, double ops_per_element, double in_bytes, double out_bytes) {
  OpCost k;
  k.compute_cycles = std::ceil(elements * ops_per_element / static_cast<double>(c.mac_cols));
  finish(c, in_bytes, 0, out_bytes, &k);
  return k;
}

std::string OpCost::describe(const NpuConfig& c) const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "est %.0f cycles (%.1f us), MAC util %.0f%%, DRAM %.1f KB%s", cycles, cycles / c.clock_mhz,
                100 * mac_utilization, dram_bytes / 1024, dma_cycles > compute_cycles ? ", DMA-bound" : "");
  return buf;
}

}  // namespace npu
}  // namespace zy
