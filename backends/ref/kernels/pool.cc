// MaxPool (with Indices, dilations, ceil_mode, storage_order), AveragePool
// (count_include_pad, ceil_mode), GlobalAveragePool, GlobalMaxPool.
#include <algorithm>
#include <limits>
#include <type_traits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

// 2-D pooling without dilation: the common case, with the window clipped per
// row and column instead of testing every tap.
template <typename T, bool kMax>
void pool2d(const T* xp, T* yp, int64_t* ip, int64_t NC, int64_t H, int64_t W, const WindowGeometry& g, bool include_pad,
            bool col_major, KernelContext& c) {
  const int64_t OH = g.out[0], OW = g.out[1], KH = g.kernel[0], KW = g.kernel[1];
  c.parallelFor(static_cast<size_t>(NC), 1, [&](size_t b, size_t e) {
    for (size_t ncu = b; ncu < e; ++ncu) {
      const int64_t nc = static_cast<int64_t>(ncu);
      const T* xc = xp + nc * H * W;
      for (int64_t oh = 0; oh < OH; ++oh) {
        const int64_t h0 = oh * g.strides[0] - g.pad_begin[0];
        const int64_t hs = std::max<int64_t>(h0, 0), he = std::min(h0 + KH, H);
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t w0 = ow * g.strides[1] - g.pad_begin[1];
          const int64_t ws = std::max<int64_t>(w0, 0), we = std::min(w0 + KW, W);
          T best = std::numeric_limits<T>::lowest(), sum = T(0);
          int64_t best_idx = -1;
          if (std::is_integral<T>::value && kMax && !ip && hs < he && ws < we) {  // integers without Indices: a branch-free max
            for (int64_t h = hs; h < he; ++h)
              for (int64_t w = ws; w < we; ++w) best = std::max(best, xc[h * W + w]);
            yp[(nc * OH + oh) * OW + ow] = best;
            continue;
          }
          for (int64_t h = hs; h < he; ++h)
            for (int64_t w = ws; w < we; ++w) {
              const T v = xc[h * W + w];
              if (kMax) {
                if (v > best || best_idx < 0) { best = v; best_idx = col_major ? h + w * H : h * W + w; }
              } else {
                sum += v;
              }
            }
          const int64_t o = (nc * OH + oh) * OW + ow;
          if (kMax) {
            yp[o] = best;
            if (ip) ip[o] = nc * H * W + best_idx;
          } else {
            // count_include_pad counts the padded window, clipped to the padded input.
            const int64_t count = include_pad ? (std::min(h0 + KH, H + g.pad_end[0]) - h0) * (std::min(w0 + KW, W + g.pad_end[1]) - w0)
                                              : (he - hs) * (we - ws);
            yp[o] = count > 0 ? sum / static_cast<T>(count) : T(0);
          }
        }
      }
    }
  });
}

template <typename T, bool kMax>
Status poolTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const Attributes& a = c.attrs();
  const std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end());
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, in_sp, a.getInts("kernel_shape"), a.getInt("ceil_mode", 0) != 0, &g));
  const bool include_pad = a.getInt("count_include_pad", 0) != 0;
  const bool col_major = a.getInt("storage_order", 0) != 0;
  if (col_major && in_sp.size() != 2) return unsupported("storage_order=1 is only defined for 2-D pooling");
  const size_t nd = in_sp.size();
  const int64_t NC = x.shape[0] * x.shape[1], IS = numElements(in_sp), OS = numElements(g.out), K = numElements(g.kernel);
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  int64_t* ip = c.numOutputs() > 1 && c.output(1).present() ? c.output(1).as<int64_t>() : nullptr;
  if (nd == 2 && g.dilations[0] == 1 && g.dilations[1] == 1) {
    pool2d<T, kMax>(xp, yp, ip, NC, in_sp[0], in_sp[1], g, include_pad, col_major, c);
    return Status::OK();
  }
  c.parallelFor(static_cast<size_t>(NC), 1, [&](size_t b, size_t e) {
    std::vector<int64_t> pi(nd), qi(nd), pos(nd);
    for (size_t ncu = b; ncu < e; ++ncu) {
      const int64_t nc = static_cast<int64_t>(ncu);
      const T* xc = xp + nc * IS;
      for (int64_t o = 0; o < OS; ++o) {
        unravel(o, g.out, pi.data());
        T best = std::numeric_limits<T>::lowest();
        int64_t best_idx = -1;
        T sum = T(0);
        int64_t count = 0;
        for (int64_t q = 0; q < K; ++q) {
          unravel(q, g.kernel, qi.data());
          bool inside = true, in_padded = true;
          int64_t off = 0;
          for (size_t d = 0; d < nd; ++d) {
            pos[d] = pi[d] * g.strides[d] - g.pad_begin[d] + qi[d] * g.dilations[d];
            inside = inside && pos[d] >= 0 && pos[d] < in_sp[d];
            in_padded = in_padded && pos[d] >= -g.pad_begin[d] && pos[d] < in_sp[d] + g.pad_end[d];
            off = off * in_sp[d] + pos[d];
          }
          if (inside) {
            T v = xc[off];
            if (kMax) {
              if (v > best || best_idx < 0) { best = v; best_idx = col_major ? pos[0] + pos[1] * in_sp[0] : off; }
            } else {
              sum += v;
              ++count;
            }
          } else if (!kMax && include_pad && in_padded) {
            ++count;
          }
        }
        if (kMax) {
          yp[nc * OS + o] = best;
          if (ip) ip[nc * OS + o] = nc * IS + best_idx;
        } else {
          yp[nc * OS + o] = count > 0 ? sum / static_cast<T>(count) : T(0);
        }
      }
    }
  });
  return Status::OK();
}

template <bool kMax>
Status pool(KernelContext& c) {
  switch (c.input(0).dtype) {
    case DType::F32: return poolTyped<float, kMax>(c);
    case DType::F64: return poolTyped<double, kMax>(c);
    case DType::I8: if (kMax) return poolTyped<int8_t, kMax>(c); break;
    case DType::U8: if (kMax) return poolTyped<uint8_t, kMax>(c); break;
    default: break;
  }
  return unsupported("unsupported dtype");
}

template <typename T, bool kMax>
Status globalPoolTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t NC = x.shape[0] * x.shape[1], S = x.size() / std::max<int64_t>(1, NC);
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  for (int64_t nc = 0; nc < NC; ++nc) {
    const T* xc = xp + nc * S;
    T acc = kMax ? std::numeric_limits<T>::lowest() : T(0);
    for (int64_t s = 0; s < S; ++s) acc = kMax ? std::max(acc, xc[s]) : acc + xc[s];
    yp[nc] = kMax ? acc : acc / static_cast<T>(S);
  }
  return Status::OK();
}

template <bool kMax>
Status globalPool(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return globalPoolTyped<decltype(t), kMax>(c); });
}

}  // namespace

void registerPoolKernels(KernelRegistry& r) {
  r["MaxPool"] = {pool<true>, {DType::F32, DType::F64, DType::I8, DType::U8}};
  r["AveragePool"] = {pool<false>, floatTypes()};
  r["GlobalMaxPool"] = {globalPool<true>, floatTypes()};
  r["GlobalAveragePool"] = {globalPool<false>, floatTypes()};
}

}  // namespace ref
}  // namespace zy
