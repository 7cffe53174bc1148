// int8 pooling on ARM: the shared ops (backends/common/qs8_pool_ops.h), the
// MaxPool planes compiled for NEON.
#include "arm_op.h"
#include "qs8_pool_ops.h"

namespace zy {
namespace arm {
namespace {

void maxPoolPlaneNeon(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row) {
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

std::unique_ptr<ArmOp> prepareMaxPool(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<Qs8MaxPoolOp<ArmOp, OpContext>>(ctx, op, maxPoolPlaneNeon);
}
std::unique_ptr<ArmOp> prepareGap(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<QLinearGapOp<ArmOp, OpContext>>(ctx, op);
}

}  // namespace

const OpKind kQuantizedPoolOps[] = {{"MaxPool", qs8MaxPoolSupported, prepareMaxPool},
                                    {"QLinearGlobalAveragePool", qlinearGapSupported, prepareGap}};
const size_t kNumQuantizedPoolOps = sizeof(kQuantizedPoolOps) / sizeof(kQuantizedPoolOps[0]);

}  // namespace arm
}  // namespace zy
