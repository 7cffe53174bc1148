// The NPU's cost model: estimated cycles, MAC-array utilization and DRAM
// traffic of one op, from the op's shape and the configuration.
//   GEMM-like ops (convolutions, fully connected): output channels map to
//   the array's rows and pixels to its columns, K is streamed, so compute is
//   ceil(M / rows) * ceil(P / cols) * K cycles per group; a depthwise channel
//   occupies one row.
//   Element-wise and pooling ops run on a vector unit as wide as the array's
//   columns.
//   DMA: activations in and out plus the weights once when the op's working
//   set fits in SRAM; otherwise the weights are streamed again for each
//   SRAM-sized slice of activations. DMA overlaps compute (double
//   buffering), so an op takes the larger of the two.
#pragma once
#include <cstdint>
#include <string>

#include "npu_config.h"

namespace zy {
namespace npu {

struct OpCost {
  double macs = 0;          // multiply-accumulates (0 for vector ops)
  double compute_cycles = 0, dma_cycles = 0, cycles = 0;
  double mac_utilization = 0;  // macs / (cycles * array size)
  double dram_bytes = 0;
  bool known = false;  // estimated (shapes were known at prepare)
  std::string describe(const NpuConfig& c) const;
};

// groups of (M x K) * (K x P); activation and weight bytes as stored.
OpCost gemmCost(const NpuConfig& c, int64_t groups, int64_t M, int64_t K, int64_t P, double in_bytes, double weight_bytes,
                double out_bytes);
// `ops` vector operations over `elements` outputs.
OpCost vectorCost(const NpuConfig& c, double elements, double ops_per_element, double in_bytes, double out_bytes);

}  // namespace npu
}  // namespace zy
