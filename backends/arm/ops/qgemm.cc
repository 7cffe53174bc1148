// QGemm and QLinearMatMul on ARM (constant int8 B): A's rows are the GEMM's
// pixels (A^T as [K][rows] bytes), B's columns its output channels; SDOT or
// smull/sadalp as for the convolutions, bit-exact with ref.
#include <algorithm>
#include <vector>

#include "arm_op.h"
#include "cpu_features.h"
#include "kernels/qs8_gemm_neon.h"
#include "qs8_gemm_ops.h"

namespace zy {
namespace arm {
namespace {

class QGemmOp : public ArmOp {
 public:
  QGemmOp(const OpContext& ctx, const zy_op_view_t* op, bool matmul)
      : ctx_(ctx),
        weights_(packGemmWeights(op, !matmul && attributesFromView(op).getInt("transB", 0) != 0)),
        params_(op, attributesFromView(op), weights_.row_sums, /*gemm_u8=*/false, matmul ? 6 : 7, matmul ? 100 : 6) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &A = op->inputs[0], &y = op->outputs[0];
    const int64_t K = weights_.k, rows = elementCountOf(A) / std::max<int64_t>(1, K), N = weights_.m;
    std::vector<uint8_t> at(static_cast<size_t>(K * rows)), out(static_cast<size_t>(N * rows));
    const uint8_t* a = static_cast<const uint8_t*>(A.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < K; ++k) at[k * rows + r] = a[r * K + k];
    const int64_t panels = (rows + kQs8Nr - 1) / kQs8Nr;
    ctx_.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
      std::vector<int8_t> panel(static_cast<size_t>(weights_.kgroups * kQs8Nr * 4));
      for (size_t t = b; t < e; ++t) {
        const int64_t p0 = static_cast<int64_t>(t) * kQs8Nr, np = std::min<int64_t>(kQs8Nr, rows - p0);
        packQs8Panel(at.data(), rows, K, p0, np, params_.pad, params_.flip, panel.data());
        if (dot_) qs8GemmPanelDot(weights_, panel.data(), np, params_.rq, out.data() + p0, rows);
        else qs8GemmPanelNeon(weights_, panel.data(), np, params_.rq, out.data() + p0, rows);
      }
    });
    uint8_t* yp = static_cast<uint8_t*>(y.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < N; ++n) yp[r * N + n] = out[n * rows + r];
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Qs8PackedWeights weights_;
  Qs8ConvParams params_;
  bool dot_ = cpuFeatures().dotprod;
};

std::unique_ptr<ArmOp> prepareQGemm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, false); }
std::unique_ptr<ArmOp> prepareQMatMul(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, true); }

}  // namespace

const OpKind kQuantizedGemmOps[] = {{"QGemm", qgemmShapeSupported, prepareQGemm}, {"QLinearMatMul", qmatmulShapeSupported, prepareQMatMul}};
const size_t kNumQuantizedGemmOps = sizeof(kQuantizedGemmOps) / sizeof(kQuantizedGemmOps[0]);

}  // namespace arm
}  // namespace zy
