// QGemm and QLinearMatMul on ARM (constant int8 B): A's rows are the GEMM's
// pixels (A^T as [K][rows] bytes), B's columns its output channels; the
// convolutions' Qs8ArmGemm (I8MM, SDOT or smull/sadalp), bit-exact with ref.
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
        gemm_(rowsOfB(op, !matmul && attributesFromView(op).getInt("transB", 0) != 0)),
        params_(op, attributesFromView(op), gemm_.weights().row_sums, /*gemm_u8=*/false, matmul ? 6 : 7, matmul ? 100 : 6) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &A = op->inputs[0], &y = op->outputs[0];
    const int64_t K = gemm_.weights().k, rows = elementCountOf(A) / std::max<int64_t>(1, K), N = gemm_.weights().m;
    std::vector<uint8_t> at(static_cast<size_t>(K * rows)), out(static_cast<size_t>(N * rows));
    const uint8_t* a = static_cast<const uint8_t*>(A.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < K; ++k) at[k * rows + r] = a[r * K + k];
    const int64_t nr = gemm_.panelWidth(), panels = (rows + nr - 1) / nr;
    ctx_.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
      std::vector<int8_t> scratch(gemm_.scratchBytes());
      for (size_t t = b; t < e; ++t) {
        const int64_t p0 = static_cast<int64_t>(t) * nr;
        gemm_.panel(at.data(), rows, p0, std::min(nr, rows - p0), params_.pad, params_.flip, params_.rq, scratch.data(), out.data(), rows);
      }
    });
    uint8_t* yp = static_cast<uint8_t*>(y.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < N; ++n) yp[r * N + n] = out[n * rows + r];
    return ZY_OK;
  }

 private:
  // B as N rows of K (what the GEMM takes as weights), kept only while packing.
  static Qs8ArmGemm rowsOfB(const zy_op_view_t* op, bool trans_b) {
    const zy_tensor_view_t& B = op->inputs[3];
    const int8_t* b = static_cast<const int8_t*>(B.data);
    if (trans_b) return Qs8ArmGemm(b, B.dims[0], B.dims[1]);
    const int64_t K = B.dims[0], N = B.dims[1];
    std::vector<int8_t> rows(static_cast<size_t>(K * N));
    for (int64_t k = 0; k < K; ++k)
      for (int64_t n = 0; n < N; ++n) rows[n * K + k] = b[k * N + n];
    return Qs8ArmGemm(rows.data(), N, K);
  }

  OpContext ctx_;
  Qs8ArmGemm gemm_;
  Qs8ConvParams params_;
};

std::unique_ptr<ArmOp> prepareQGemm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, false); }
std::unique_ptr<ArmOp> prepareQMatMul(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, true); }

}  // namespace

const OpKind kQuantizedGemmOps[] = {{"QGemm", qgemmShapeSupported, prepareQGemm}, {"QLinearMatMul", qmatmulShapeSupported, prepareQMatMul}};
const size_t kNumQuantizedGemmOps = sizeof(kQuantizedGemmOps) / sizeof(kQuantizedGemmOps[0]);

}  // namespace arm
}  // namespace zy
