// The x86 backend: convolutions and Gemm as packed GEMM with AVX-512 or AVX2
// microkernels (chosen from the CPU's features), depthwise convolutions
// directly, bias and activation fused into the store. Ops it does not take
// fall back to the next backend (ref).
#include <immintrin.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/backend_helpers.h"
#include "cpu_features.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_gemm.h"
#include "ops/fused_activation.h"
#include "ops/op_helpers.h"
#include "zy/backend.h"

namespace zy {
namespace x86 {
namespace {

struct Backend {
  const zy_host_t* host;
  const GemmKernel* gemm;
  ParallelFor parallel;
};

struct ConvState {
  bool gemm = false;        // a Gemm op: weights packed as [N, K]
  std::vector<float> rows;  // Gemm: the weights as [N, K] rows too, for batch-1 dot products
  bool depthwise = false;
  std::vector<float> dw_weights;  // depthwise: [C][KH*KW]
  PackedA weights;
  std::vector<float> bias;
  FusedActivation act;
  Attributes attrs;
  std::vector<float> col;  // im2col buffer, reused across runs
};

void message(char* buf, size_t len, const std::string& s) {
  if (buf && len) std::snprintf(buf, len, "%s", s.c_str());
}

// Gemm with constant weights (the fully connected layers of CNN heads and
// transformers): Y = act(A * op(B) + C), C per output column.
bool gemmSupported(const zy_op_view_t* op, std::string* why) {
  const Attributes a = attributesFromView(op);
  if (op->num_inputs < 2 || op->inputs[0].dtype != ZY_DTYPE_F32 || op->inputs[1].dtype != ZY_DTYPE_F32) { *why = "only f32 Gemm"; return false; }
  if (!op->inputs[1].is_constant) { *why = "B must be a constant"; return false; }
  if (a.getInt("transA", 0) != 0 || a.getFloat("alpha", 1.f) != 1.f || a.getFloat("beta", 1.f) != 1.f) {
    *why = "transA, alpha and beta other than 0, 1, 1 are not implemented for x86 yet";
    return false;
  }
  const int64_t n = a.getInt("transB", 0) ? op->inputs[1].dims[0] : op->inputs[1].dims[1];
  if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
    const zy_tensor_view_t& c = op->inputs[2];
    const bool per_column = c.is_constant && c.dtype == ZY_DTYPE_F32 &&
                            ((c.rank == 1 && c.dims[0] == n) || (c.rank == 2 && c.dims[0] == 1 && c.dims[1] == n));
    if (!per_column) { *why = "C must be a constant row of N values"; return false; }
  }
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) { *why = "unknown fused activation"; return false; }
  return true;
}

// The ops this backend takes, with the reason when it does not.
bool supported(const zy_op_view_t* op, std::string* why) {
  if (std::strcmp(op->type, "Gemm") == 0) return gemmSupported(op, why);
  if (std::strcmp(op->type, "Conv") != 0) { *why = std::string(op->type) + " is not implemented for x86 yet"; return false; }
  if (op->num_inputs < 2 || op->inputs[0].dtype != ZY_DTYPE_F32 || op->inputs[1].dtype != ZY_DTYPE_F32) { *why = "only f32 Conv"; return false; }
  if (op->inputs[0].rank != 4) { *why = "only 2-D convolutions"; return false; }
  if (!op->inputs[1].is_constant || (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED && !op->inputs[2].is_constant)) {
    *why = "weights and bias must be constants";
    return false;
  }
  const Attributes a = attributesFromView(op);
  const int64_t group = a.getInt("group", 1);
  const bool depthwise = group == op->inputs[0].dims[1] && op->inputs[1].dims[0] == group && op->inputs[1].dims[1] == 1;
  if (group != 1 && !depthwise) { *why = "grouped convolutions other than depthwise are not implemented for x86 yet"; return false; }
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) { *why = "unknown fused activation"; return false; }
  return true;
}

zy_status_code_t create(const zy_host_t* host, void** out, char* err, size_t len) {
  const GemmKernel* g = bestGemmKernel();
  if (!g) { message(err, len, "needs AVX2 and FMA"); return ZY_UNSUPPORTED; }
  Backend* b = new (std::nothrow) Backend{host, g, {}};
  if (!b) return ZY_OUT_OF_MEMORY;
  b->parallel = [host](size_t n, const std::function<void(size_t, size_t)>& fn) { hostParallelFor(host, n, 1, fn); };
  *out = b;
  return ZY_OK;
}

void destroy(void* b) { delete static_cast<Backend*>(b); }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  std::string why;
  if (supported(op, &why)) return 1;
  message(reason, len, why);
  return 0;
}

zy_status_code_t prepareOp(void* backend, const zy_op_view_t* op, void** out_state, char* err, size_t len) {
  std::string why;
  if (!supported(op, &why)) { message(err, len, why); return ZY_UNSUPPORTED; }
  try {
    Backend* b = static_cast<Backend*>(backend);
    auto st = std::make_unique<ConvState>();
    st->attrs = attributesFromView(op);
    FusedActivation::parse(st->attrs, &st->act);
    const zy_tensor_view_t& w = op->inputs[1];
    if (std::strcmp(op->type, "Gemm") == 0) {
      // Y^T[N, M] = W[N, K] * A^T[K, M]: the weights are the packed operand.
      st->gemm = true;
      const bool tb = st->attrs.getInt("transB", 0) != 0;
      const int64_t k = tb ? w.dims[1] : w.dims[0], n = tb ? w.dims[0] : w.dims[1];
      const float* wp = static_cast<const float*>(w.data);
      std::vector<float> wt;
      if (!tb) {  // B is [K, N]: transpose once to [N, K]
        wt.resize(static_cast<size_t>(n * k));
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < n; ++j) wt[j * k + i] = wp[i * n + j];
        wp = wt.data();
      }
      st->weights = packA(b->gemm, wp, n, k, k);
      st->rows.assign(wp, wp + n * k);
      if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
        const float* bias = static_cast<const float*>(op->inputs[2].data);
        st->bias.assign(bias, bias + n);
      }
      *out_state = st.release();
      return ZY_OK;
    }
    const int64_t m = w.dims[0], k = w.dims[1] * w.dims[2] * w.dims[3];
    st->depthwise = st->attrs.getInt("group", 1) != 1;
    if (st->depthwise) st->dw_weights.assign(static_cast<const float*>(w.data), static_cast<const float*>(w.data) + m * k);
    else {  // packed once per session, for the kernel that suits this output
      const zy_tensor_view_t& y = op->outputs[0];
      const int64_t p = y.rank == 4 && y.dims[2] > 0 && y.dims[3] > 0 ? y.dims[2] * y.dims[3] : 0;
      st->weights = packA(p > 0 ? selectGemmKernel(m, p) : b->gemm, static_cast<const float*>(w.data), m, k, k);
    }
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* bias = static_cast<const float*>(op->inputs[2].data);
      st->bias.assign(bias, bias + m);
    }
    *out_state = st.release();
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    message(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

// col[(c*kh + i)*kw + j][oh*OW + ow] = x[c][oh*s - pad + i*d][ow*s - pad + j*d], or 0.
void im2col(const float* x, int64_t C, int64_t H, int64_t W, const WindowGeometry& g, float* col, const ParallelFor& parallel) {
  const int64_t KH = g.kernel[0], KW = g.kernel[1], OH = g.out[0], OW = g.out[1];
  parallel(static_cast<size_t>(C * KH * KW), [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const int64_t c = static_cast<int64_t>(r) / (KH * KW), i = static_cast<int64_t>(r) / KW % KH, j = static_cast<int64_t>(r) % KW;
      float* dst = col + static_cast<int64_t>(r) * OH * OW;
      for (int64_t oh = 0; oh < OH; ++oh) {
        const int64_t ih = oh * g.strides[0] - g.pad_begin[0] + i * g.dilations[0];
        float* row = dst + oh * OW;
        if (ih < 0 || ih >= H) { std::memset(row, 0, static_cast<size_t>(OW) * sizeof(float)); continue; }
        const float* src = x + (c * H + ih) * W;
        const int64_t s = g.strides[1], off = j * g.dilations[1] - g.pad_begin[1];
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t iw = ow * s + off;
          row[ow] = iw >= 0 && iw < W ? src[iw] : 0.f;
        }
      }
    }
  });
}

// y[n] = W[n, :] . x + bias[n] for a batch of one (GEMM packing would use
// one lane of each NR-wide panel).
__attribute__((target("avx2,fma"))) float dot(const float* __restrict row, const float* __restrict x, int64_t k) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= k; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + i), _mm256_loadu_ps(x + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + i + 8), _mm256_loadu_ps(x + i + 8), acc1);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(acc0, acc1));
  float sum = 0.f;
  for (float v : lanes) sum += v;
  for (; i < k; ++i) sum += row[i] * x[i];
  return sum;
}

void gemv(const float* w, const float* x, int64_t n, int64_t k, const float* bias, float* y, const ParallelFor& parallel) {
  parallel(static_cast<size_t>(n), [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) y[r] = dot(w + static_cast<int64_t>(r) * k, x, k) + (bias ? bias[r] : 0.f);
  });
}

// Depthwise convolution, one channel plane per task: for every kernel tap the
// valid span of an output row is one multiply-add over a (strided) input row.
__attribute__((target("avx2,fma"))) void depthwiseConv(const float* x, const float* w, const float* bias, float* y, int64_t NC,
                                                        int64_t C, int64_t H, int64_t W, const WindowGeometry& g,
                                                        const FusedActivation& act, const ParallelFor& parallel) {
  const int64_t KH = g.kernel[0], KW = g.kernel[1], OH = g.out[0], OW = g.out[1];
  const int64_t sh = g.strides[0], sw = g.strides[1], dh = g.dilations[0], dw = g.dilations[1];
  parallel(static_cast<size_t>(NC), [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      const int64_t c = static_cast<int64_t>(p) % C;
      const float* xc = x + static_cast<int64_t>(p) * H * W;
      const float* wc = w + c * KH * KW;
      float* yc = y + static_cast<int64_t>(p) * OH * OW;
      for (int64_t oh = 0; oh < OH; ++oh) {
        float* __restrict row = yc + oh * OW;
        const float b0 = bias ? bias[c] : 0.f;
        for (int64_t ow = 0; ow < OW; ++ow) row[ow] = b0;
        for (int64_t i = 0; i < KH; ++i) {
          const int64_t ih = oh * sh - g.pad_begin[0] + i * dh;
          if (ih < 0 || ih >= H) continue;
          const float* __restrict src = xc + ih * W;
          for (int64_t j = 0; j < KW; ++j) {
            const int64_t off = j * dw - g.pad_begin[1];  // input column = ow * sw + off
            const int64_t lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
            const int64_t hi = std::min<int64_t>(OW, W - off <= 0 ? 0 : (W - off + sw - 1) / sw);
            const float wv = wc[i * KW + j];
            if (sw == 1)
              for (int64_t ow = lo; ow < hi; ++ow) row[ow] += wv * src[ow + off];
            else
              for (int64_t ow = lo; ow < hi; ++ow) row[ow] += wv * src[ow * sw + off];
          }
        }
        if (act.kind == FusedActivation::Relu)
          for (int64_t ow = 0; ow < OW; ++ow) row[ow] = row[ow] > 0.f ? row[ow] : 0.f;
        else if (act.kind == FusedActivation::Clip)
          for (int64_t ow = 0; ow < OW; ++ow) row[ow] = std::min(act.beta, std::max(act.alpha, row[ow]));
        else if (act.kind != FusedActivation::None)
          applyActivation(row, OW, act);
      }
    }
  });
}

zy_status_code_t runOp(void* backend, void* state, const zy_op_view_t* op, char* err, size_t len) {
  try {
    Backend* b = static_cast<Backend*>(backend);
    ConvState* st = static_cast<ConvState*>(state);
    if (st->gemm) {
      const zy_tensor_view_t &a = op->inputs[0], &y = op->outputs[0];
      const int64_t M = a.dims[0], K = a.dims[1], N = st->weights.m;
      if (K != st->weights.k || y.dims[0] != M || y.dims[1] != N) { message(err, len, "Gemm shapes do not match"); return ZY_INVALID_ARGUMENT; }
      const float* ap = static_cast<const float*>(a.data);
      float* yp = static_cast<float*>(y.data);
      const float* bias = st->bias.empty() ? nullptr : st->bias.data();
      if (M == 1) {  // batch 1: one dot product per output, rows split across threads
        gemv(st->rows.data(), ap, N, K, bias, yp, b->parallel);
        applyActivation(yp, N, st->act);
        return ZY_OK;
      }
      st->col.resize(static_cast<size_t>(K * M + N * M));
      float* at = st->col.data();
      float* yt = at + K * M;
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < K; ++j) at[j * M + i] = ap[i * K + j];
      gemm(st->weights, at, M, M, yt, M, bias, st->act, b->parallel);
      for (int64_t i = 0; i < N; ++i)
        for (int64_t j = 0; j < M; ++j) yp[j * N + i] = yt[i * M + j];
      return ZY_OK;
    }
    const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[1], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3], M = w.dims[0];
    WindowGeometry g;
    Status s = computeWindow(st->attrs, {H, W}, {w.dims[2], w.dims[3]}, false, &g);
    if (!s.ok()) { message(err, len, s.message()); return s.code(); }
    const int64_t P = g.out[0] * g.out[1], K = w.dims[1] * w.dims[2] * w.dims[3];
    if (st->depthwise) {
      depthwiseConv(static_cast<const float*>(x.data), st->dw_weights.data(), st->bias.empty() ? nullptr : st->bias.data(),
                    static_cast<float*>(y.data), N * C, C, H, W, g, st->act, b->parallel);
      return ZY_OK;
    }
    if (y.dims[1] != M || y.dims[2] * y.dims[3] != P) { message(err, len, "output shape does not match"); return ZY_INVALID_ARGUMENT; }
    const bool pointwise = w.dims[2] == 1 && w.dims[3] == 1 && g.strides[0] == 1 && g.strides[1] == 1 && g.pad_begin[0] == 0 &&
                           g.pad_begin[1] == 0 && g.pad_end[0] == 0 && g.pad_end[1] == 0;
    const float* xp = static_cast<const float*>(x.data);
    float* yp = static_cast<float*>(y.data);
    const float* bias = st->bias.empty() ? nullptr : st->bias.data();
    for (int64_t n = 0; n < N; ++n) {
      const float* bmat = xp + n * C * H * W;  // a 1x1 stride-1 convolution is a GEMM on the input as is
      if (!pointwise) {
        st->col.resize(static_cast<size_t>(K * P));
        im2col(bmat, C, H, W, g, st->col.data(), b->parallel);
        bmat = st->col.data();
      }
      gemm(st->weights, bmat, P, P, yp + n * M * P, P, bias, st->act, b->parallel);
    }
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    message(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

void releaseOp(void*, void* state) { delete static_cast<ConvState*>(state); }

const zy_backend_api_t kApi = {
    ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), "x86", create, destroy, supportsOp, prepareOp, runOp, releaseOp,
};

}  // namespace
}  // namespace x86
}  // namespace zy

extern "C" const zy_backend_api_t* zy_backend_x86_get_api(uint32_t abi_version) {
  return abi_version == ZY_BACKEND_ABI_VERSION ? &zy::x86::kApi : nullptr;
}
