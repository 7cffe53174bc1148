// LSTM on x86 (f32, the default activations; forward, reverse or
// bidirectional; either layout; optional bias and initial states): per
// direction, the input's contribution to every gate of every step is one
// GEMM (X against W^T, packed once per session); then the recurrence, step by
// step: R h (dot products over R's rows), the gates' sigmoids and tanh over
// whole vectors, the cell and hidden updates. Peepholes, clip, input_forget,
// other activations and sequence lengths stay on ref (its double loops
// took all of a 2-layer speech LSTM's time).
#include <algorithm>
#include <memory>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemv.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

bool present(const zy_op_view_t* op, size_t i) { return i < op->num_inputs && op->inputs[i].dtype != ZY_DTYPE_UNDEFINED; }

bool lstmSupported(const zy_op_view_t* op, std::string* why) {
  const Attributes a = attributesFromView(op);
  if (op->num_inputs < 3 || !allF32(op) || op->inputs[0].rank != 3 || op->inputs[1].rank != 3 || op->inputs[2].rank != 3) {
    *why = "only f32 LSTM with 3-D X, W and R";
    return false;
  }
  if (!op->inputs[1].is_constant || !op->inputs[2].is_constant || (present(op, 3) && !op->inputs[3].is_constant)) {
    *why = "W, R and B must be constants";
    return false;
  }
  if (present(op, 4) || present(op, 7) || a.has("activations") || a.getFloat("clip", 0.f) != 0.f || a.getInt("input_forget", 0) != 0) {
    *why = "sequence lengths, peepholes, clip, input_forget and other activations are not implemented for x86";
    return false;
  }
  for (size_t o = 0; o < op->num_outputs; ++o)
    if (op->outputs[o].dtype != ZY_DTYPE_F32 && op->outputs[o].dtype != ZY_DTYPE_UNDEFINED) { *why = "only f32 LSTM"; return false; }
  return true;
}

const FusedActivation& sigmoid() {
  static const FusedActivation a = [] {
    FusedActivation s;
    s.kind = FusedActivation::Sigmoid;
    return s;
  }();
  return a;
}

// v = tanh(v) as 2 sigmoid(2v) - 1, on the vectorized sigmoid.
void tanhInPlace(float* v, int64_t n) {
  for (int64_t j = 0; j < n; ++j) v[j] *= 2.f;
  applyActivation(v, n, sigmoid());
  for (int64_t j = 0; j < n; ++j) v[j] = 2.f * v[j] - 1.f;
}

class LstmOp : public X86Op {
 public:
  LstmOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {
    const zy_tensor_view_t &W = op->inputs[1], &R = op->inputs[2];
    dirs_ = W.dims[0];
    H_ = R.dims[2];
    in_ = W.dims[2];
    kernel_ = ctx.gemm;
    const int64_t G = 4 * H_;
    for (int64_t d = 0; d < dirs_; ++d) {
      // W_d [4H][in] as B = W_d^T [in][4H].
      const float* w = static_cast<const float*>(W.data) + d * G * in_;
      std::vector<float> wt(static_cast<size_t>(in_ * G));
      for (int64_t q = 0; q < G; ++q)
        for (int64_t k = 0; k < in_; ++k) wt[static_cast<size_t>(k * G + q)] = w[q * in_ + k];
      wt_.push_back(std::make_unique<PrepackedB>(wt.data(), in_, G, kernel_->nr));
      const float* r = static_cast<const float*>(R.data) + d * G * H_;
      r_.emplace_back(r, r + G * H_);
      std::vector<float> bias(static_cast<size_t>(G), 0.f);  // Wb + Rb
      if (present(op, 3)) {
        const float* b = static_cast<const float*>(op->inputs[3].data) + d * 2 * G;
        for (int64_t q = 0; q < G; ++q) bias[static_cast<size_t>(q)] = b[q] + b[G + q];
      }
      bias_.push_back(std::move(bias));
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t& x = op->inputs[0];
    const bool batch_first = attrs_.getInt("layout", 0) != 0;
    const int64_t seq = batch_first ? x.dims[1] : x.dims[0], batch = batch_first ? x.dims[0] : x.dims[1], G = 4 * H_;
    if (x.dims[2] != in_) { *err = "LSTM: X's input size does not match W"; return ZY_INVALID_ARGUMENT; }
    const bool reverse_only = attrs_.getString("direction", "forward") == "reverse";
    auto output = [&](size_t k) {
      return k < op->num_outputs && op->outputs[k].dtype != ZY_DTYPE_UNDEFINED ? static_cast<float*>(op->outputs[k].data) : nullptr;
    };
    float *Y = output(0), *Yh = output(1), *Yc = output(2);
    const float* h0 = present(op, 5) ? static_cast<const float*>(op->inputs[5].data) : nullptr;
    const float* c0 = present(op, 6) ? static_cast<const float*>(op->inputs[6].data) : nullptr;
    // Row of X (and of the gate matrix) for step t of batch item b; state and output indices as ONNX lays them out.
    auto xRow = [&](int64_t t, int64_t b) { return batch_first ? b * seq + t : t * batch + b; };
    auto stateAt = [&](int64_t d, int64_t b) { return (batch_first ? b * dirs_ + d : d * batch + b) * H_; };
    auto yAt = [&](int64_t t, int64_t d, int64_t b) { return (batch_first ? (b * seq + t) * dirs_ + d : (t * dirs_ + d) * batch + b) * H_; };
    float* gates = ctx_.workspace->output.reserve(static_cast<size_t>(seq * batch * G + packedAFloats(kernel_, seq * batch, in_) + 16 + 2 * H_ + G));
    float* packed = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(gates + seq * batch * G) + 63) & ~uintptr_t(63));
    float* h = packed + packedAFloats(kernel_, seq * batch, in_);
    float* c = h + H_;
    float* g = c + H_;
    // X's rows are in xRow order already: one packed A for every direction.
    const PackedA pa = packAInto(kernel_, static_cast<const float*>(x.data), seq * batch, in_, in_, packed);
    for (int64_t d = 0; d < dirs_; ++d) {
      gemm(pa, *wt_[static_cast<size_t>(d)], G, gates, G, nullptr, FusedActivation{}, ctx_.parallel);
      const bool reverse = reverse_only || d == 1;
      const float* r = r_[static_cast<size_t>(d)].data();
      const float* bias = bias_[static_cast<size_t>(d)].data();
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t j = 0; j < H_; ++j) {
          h[j] = h0 ? h0[stateAt(d, b) + j] : 0.f;
          c[j] = c0 ? c0[stateAt(d, b) + j] : 0.f;
        }
        for (int64_t s = 0; s < seq; ++s) {
          const int64_t t = reverse ? seq - 1 - s : s;
          // Gates i, o, f, c: W x_t (the GEMM) + Wb + Rb + R h.
          gemvRows(r, h, H_, bias, g, 0, G);
          const float* wx = gates + xRow(t, b) * G;
          for (int64_t q = 0; q < G; ++q) g[q] += wx[q];
          applyActivation(g, 3 * H_, sigmoid());
          tanhInPlace(g + 3 * H_, H_);
          for (int64_t j = 0; j < H_; ++j) c[j] = g[2 * H_ + j] * c[j] + g[j] * g[3 * H_ + j];
          for (int64_t j = 0; j < H_; ++j) h[j] = c[j];
          tanhInPlace(h, H_);
          for (int64_t j = 0; j < H_; ++j) h[j] *= g[H_ + j];
          if (Y) std::copy(h, h + H_, Y + yAt(t, d, b));
        }
        if (Yh) std::copy(h, h + H_, Yh + stateAt(d, b));
        if (Yc) std::copy(c, c + H_, Yc + stateAt(d, b));
      }
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
  int64_t dirs_ = 1, H_ = 0, in_ = 0;
  const GemmKernel* kernel_ = nullptr;
  std::vector<std::unique_ptr<PrepackedB>> wt_;  // per direction: W^T, packed
  std::vector<std::vector<float>> r_, bias_;     // per direction: R's rows, Wb + Rb
};

std::unique_ptr<X86Op> prepareLstm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<LstmOp>(ctx, op); }

}  // namespace

const OpKind kRecurrentOps[] = {{"LSTM", lstmSupported, prepareLstm}};
const size_t kNumRecurrentOps = 1;

}  // namespace x86
}  // namespace zy
