// The ops the simulated NPU takes: int8 only, following docs/int8.md to the
// bit (the integer arithmetic of ops/requantize.h, as backends/ref).
//   QLinearConv (any group: dense, grouped, depthwise), QGemm and
//   QLinearMatMul (fully connected), int8 MaxPool, QLinearGlobalAveragePool,
//   QLinearAdd, QLinearMul, QLinearConcat, QLinearLookup (a 256-entry
//   table: SiLU, Sigmoid, ...), nearest Resize, Flatten and Reshape of
//   8-bit data. The Relu family comes fused into the
//   convolutions and Add, or as a lookup table (zy-fold-qdq makes both).
// Each kernel is built at prepare time (its "firmware" descriptor: requant
// constants, packed weights to upload) and runs on the device thread against
// device memory. Its cost comes from npu_cost_model.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "npu_config.h"
#include "npu_cost_model.h"
#include "zy/backend.h"

namespace zy {
namespace npu {

class NpuKernel {
 public:
  virtual ~NpuKernel() = default;
  // On the device: every data pointer of `op` is in device memory; the
  // uploaded `weights` at device_weights.
  virtual zy_status_code_t run(const zy_op_view_t* op, std::string* err) = 0;

  std::vector<uint8_t> weights;            // to upload once at prepare (may be empty)
  const uint8_t* device_weights = nullptr;  // where they are, set before each run
  OpCost cost;
};

// Whether the NPU takes the op; *why says why not.
bool npuSupports(const zy_op_view_t* op, std::string* why);

// The kernel for a supported op (shapes as prepared), with its cost.
std::unique_ptr<NpuKernel> makeNpuKernel(const zy_op_view_t* op, const NpuConfig& config);

}  // namespace npu
}  // namespace zy
