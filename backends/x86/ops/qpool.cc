// int8 pooling on x86: the shared ops (backends/common/qs8_pool_ops.h), the
// MaxPool planes compiled for AVX-512BW where the CPU has it.
#include "cpu_features.h"
#include "qs8_pool_ops.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

__attribute__((target("avx512f,avx512bw"))) void maxPoolPlaneAvx512(const void* x, void* y, bool u8, int64_t H, int64_t W,
                                                                    const WindowGeometry& g, void* row) {
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

void maxPoolPlaneBaseline(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row) {
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

std::unique_ptr<X86Op> prepareMaxPool(const OpContext& ctx, const zy_op_view_t* op) {
  const bool avx512 = cpuFeatures().avx512f && cpuFeatures().avx512bw;
  return std::make_unique<Qs8MaxPoolOp<X86Op, OpContext>>(ctx, op, avx512 ? maxPoolPlaneAvx512 : maxPoolPlaneBaseline);
}
std::unique_ptr<X86Op> prepareGap(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<QLinearGapOp<X86Op, OpContext>>(ctx, op);
}

}  // namespace

const OpKind kQuantizedPoolOps[] = {{"MaxPool", qs8MaxPoolSupported, prepareMaxPool},
                                    {"QLinearGlobalAveragePool", qlinearGapSupported, prepareGap}};
const size_t kNumQuantizedPoolOps = sizeof(kQuantizedPoolOps) / sizeof(kQuantizedPoolOps[0]);

}  // namespace x86
}  // namespace zy
