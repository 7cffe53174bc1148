// The ARM backend's ops: each op type it takes has a capability check (which
// says why not) and a prepare step that builds an ArmOp, the per-session state
// (packed weights) that runs it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/f32_gemm_neon.h"
#include "zy/backend.h"

namespace zy {
namespace arm {

using ParallelFor = std::function<void(size_t n, const std::function<void(size_t, size_t)>& fn)>;

struct OpContext {
  ParallelFor parallel;  // the session's threads
  int threads = 1;       // how many
  bool fp16 = false;     // the session asked for precision fp16 and the core has FP16 arithmetic
  F32GemmBlocking blocking;  // from the core's caches (the Kunpeng backend: Kunpeng 920's)

  // Panels per parallel task: the blocking's group, fewer when there are too
  // few panels to keep every thread busy.
  int64_t panelGroup(int64_t panels) const {
    return std::max<int64_t>(1, std::min<int64_t>(blocking.group, panels / std::max(1, 2 * threads)));
  }
};

// c = w x (+ bias, act) for x [w.k][ld] with n columns, on the session's
// threads: groups of panels per task (f32GemmColumns).
inline void f32Gemm(const OpContext& ctx, const F32PackedWeights& w, const float* x, int64_t ld, int64_t n, const float* bias,
                    const FusedActivation& act, float* c, int64_t ldc) {
  const int64_t panels = (n + kF32Nr - 1) / kF32Nr, cols = ctx.panelGroup(panels) * kF32Nr;
  ctx.parallel(static_cast<size_t>((n + cols - 1) / cols), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) {
      const int64_t n0 = static_cast<int64_t>(t) * cols;
      f32GemmColumns(w, x, ld, n0, std::min(cols, n - n0), bias, act, c, ldc, ctx.blocking);
    }
  });
}

class ArmOp {
 public:
  virtual ~ArmOp() = default;
  virtual zy_status_code_t run(const zy_op_view_t* op, std::string* err) = 0;
};

struct OpKind {
  const char* type;
  bool (*supported)(const zy_op_view_t* op, std::string* why);
  std::unique_ptr<ArmOp> (*prepare)(const OpContext& ctx, const zy_op_view_t* op);
};

// The op kinds of each ops/*.cc file (arm_backend.cc searches them in order).
extern const OpKind kConvOps[], kConvTransposeOps[], kGemmOps[], kNormalizationOps[], kElementwiseOps[], kPoolOps[], kQuantizedPoolOps[], kQuantizedElementwiseOps[],
    kQuantizedGemmOps[];
extern const size_t kNumConvOps, kNumConvTransposeOps, kNumGemmOps, kNumNormalizationOps, kNumElementwiseOps, kNumPoolOps, kNumQuantizedPoolOps, kNumQuantizedElementwiseOps,
    kNumQuantizedGemmOps;

}  // namespace arm
}  // namespace zy
