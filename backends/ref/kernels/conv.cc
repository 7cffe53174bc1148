// Conv (any number of spatial dims, groups, dilations, auto_pad, fused bias
// and activation, and a residual added before the activation) and ConvTranspose.
#include <cstring>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

template <typename T>
Status convTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &w = c.input(1), &y = c.output(0);
  const Attributes& a = c.attrs();
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) return invalidArgument("unknown fused activation");
  const int64_t N = x.shape[0], C = x.shape[1], M = w.shape[0], G = a.getInt("group", 1);
  const std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end()), k_sp(w.shape.begin() + 2, w.shape.end());
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, in_sp, k_sp, false, &g));
  const size_t nd = in_sp.size();
  const int64_t Cg = C / G, Mg = M / G;
  const int64_t K = numElements(k_sp), P = numElements(g.out), IS = numElements(in_sp);
  const int64_t rows = Cg * K;
  const T* xp = x.as<T>();
  const T* wp = w.as<T>();
  const T* bias = c.hasInput(2) ? c.input(2).as<T>() : nullptr;
  const T* residual = c.hasInput(3) ? c.input(3).as<T>() : nullptr;  // fused Add, before the activation
  T* yp = y.as<T>();
  // im2col of kernel positions [qb, qe):
  //   col[(ci*K + q), p] = x[ci, p*stride - pad + q*dilation], or 0 in the padding.
  auto im2col = [&](const T* xg, T* col, int64_t qb, int64_t qe) {
    std::vector<int64_t> qi(nd), pi(nd);
    for (int64_t q = qb; q < qe; ++q) {
      unravel(q, k_sp, qi.data());
      for (int64_t p = 0; p < P; ++p) {
        unravel(p, g.out, pi.data());
        int64_t off = 0;
        bool inside = true;
        for (size_t d = 0; d < nd && inside; ++d) {
          int64_t pos = pi[d] * g.strides[d] - g.pad_begin[d] + qi[d] * g.dilations[d];
          inside = pos >= 0 && pos < in_sp[d];
          off = off * in_sp[d] + pos;
        }
        for (int64_t ci = 0; ci < Cg; ++ci) col[(ci * K + q) * P + p] = inside ? xg[ci * IS + off] : T(0);
      }
    }
  };
  // Output channels [mb, me) of one group: y[m, p] = bias[m] + sum_r w[m, r] * col[r, p].
  auto gemm = [&](int64_t n, const T* col, int64_t mb, int64_t me) {
    for (int64_t m = mb; m < me; ++m) {
      T* yrow = yp + (n * M + m) * P;
      const T init = bias ? bias[m] : T(0);
      for (int64_t p = 0; p < P; ++p) yrow[p] = init;
      const T* wrow = wp + m * rows;
      for (int64_t r = 0; r < rows; ++r) {
        const T wv = wrow[r];
        const T* crow = col + r * P;
        for (int64_t p = 0; p < P; ++p) yrow[p] += wv * crow[p];
      }
      if (residual)
        for (int64_t p = 0; p < P; ++p) yrow[p] += residual[(n * M + m) * P + p];
      if (act.kind != FusedActivation::None)
        for (int64_t p = 0; p < P; ++p) yrow[p] = static_cast<T>(act.apply(static_cast<float>(yrow[p])));
    }
  };
  if (G > 1) {
    // Grouped and depthwise: whole groups per task, each with its own buffer.
    c.parallelFor(static_cast<size_t>(N * G), 1, [&](size_t b, size_t e) {
      std::vector<T> col(static_cast<size_t>(rows * P));
      for (size_t t = b; t < e; ++t) {
        const int64_t n = static_cast<int64_t>(t) / G, grp = static_cast<int64_t>(t) % G;
        im2col(xp + (n * C + grp * Cg) * IS, col.data(), 0, K);
        gemm(n, col.data(), grp * Mg, (grp + 1) * Mg);
      }
    });
    return Status::OK();
  }
  // One group: kernel positions, then output channels, split across tasks.
  std::vector<T> col(static_cast<size_t>(rows * P));
  for (int64_t n = 0; n < N; ++n) {
    c.parallelFor(static_cast<size_t>(K), 1, [&](size_t b, size_t e) {
      im2col(xp + n * C * IS, col.data(), static_cast<int64_t>(b), static_cast<int64_t>(e));
    });
    c.parallelFor(static_cast<size_t>(M), 1, [&](size_t b, size_t e) {
      gemm(n, col.data(), static_cast<int64_t>(b), static_cast<int64_t>(e));
    });
  }
  return Status::OK();
}

Status conv(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return convTyped<decltype(t)>(c); });
}

template <typename T>
Status convTransposeTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &w = c.input(1), &y = c.output(0);
  const Attributes& a = c.attrs();
  const int64_t N = x.shape[0], C = x.shape[1], G = a.getInt("group", 1);
  const int64_t Mg = w.shape[1], M = Mg * G, Cg = C / G;
  const std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end()), k_sp(w.shape.begin() + 2, w.shape.end());
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeConvTransposeWindow(a, in_sp, k_sp, &g));
  const size_t nd = in_sp.size();
  const int64_t K = numElements(k_sp), IS = numElements(in_sp), OS = numElements(g.out);
  const T* xp = x.as<T>();
  const T* wp = w.as<T>();
  const T* bias = c.hasInput(2) ? c.input(2).as<T>() : nullptr;
  T* yp = y.as<T>();
  std::vector<int64_t> qi(nd), pi(nd);
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t m = 0; m < M; ++m) {
      T* yrow = yp + (n * M + m) * OS;
      for (int64_t o = 0; o < OS; ++o) yrow[o] = bias ? bias[m] : T(0);
    }
    for (int64_t grp = 0; grp < G; ++grp) {
      for (int64_t ci = 0; ci < Cg; ++ci) {
        const int64_t cin = grp * Cg + ci;
        const T* xrow = xp + (n * C + cin) * IS;
        for (int64_t p = 0; p < IS; ++p) {
          unravel(p, in_sp, pi.data());
          for (int64_t q = 0; q < K; ++q) {
            unravel(q, k_sp, qi.data());
            int64_t off = 0;
            bool inside = true;
            for (size_t d = 0; d < nd && inside; ++d) {
              int64_t pos = pi[d] * g.strides[d] - g.pad_begin[d] + qi[d] * g.dilations[d];
              inside = pos >= 0 && pos < g.out[d];
              off = off * g.out[d] + pos;
            }
            if (!inside) continue;
            for (int64_t mo = 0; mo < Mg; ++mo)
              yp[(n * M + grp * Mg + mo) * OS + off] += xrow[p] * wp[(cin * Mg + mo) * K + q];
          }
        }
      }
    }
  }
  return Status::OK();
}

Status convTranspose(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return convTransposeTyped<decltype(t)>(c); });
}

}  // namespace

void registerConvKernels(KernelRegistry& r) {
  r["Conv"] = {conv, floatTypes()};
  r["ConvTranspose"] = {convTranspose, floatTypes()};
}

}  // namespace ref
}  // namespace zy
