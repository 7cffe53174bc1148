// Tensor building and indexing: Expand, Tile, ConstantOfShape, Range,
// GatherElements, ScatterElements, GatherND, ScatterND, OneHot, Trilu, CumSum,
// TopK, DepthToSpace, SpaceToDepth, Size, EyeLike. Indices are checked: an
// index out of range is an error, never an out-of-bounds access.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/data_dependent.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

void copyElem(const TensorArg& dst, int64_t di, const TensorArg& src, int64_t si) {
  const size_t es = elemSize(dst);
  std::memcpy(static_cast<char*>(dst.data) + di * static_cast<int64_t>(es),
              static_cast<const char*>(src.data) + si * static_cast<int64_t>(es), es);
}

// Index i of an indices tensor, made non-negative against `dim`, or an error.
Status indexAt(const TensorArg& ind, int64_t i, int64_t dim, int64_t* out) {
  int64_t v = readIndex(ind, i);
  if (v < -dim || v >= dim)
    return invalidArgument(strFormat("index %lld is out of range for a dimension of %lld", (long long)v, (long long)dim));
  *out = v < 0 ? v + dim : v;
  return Status::OK();
}

Status expand(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(x.shape, y.shape)};
  broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) { copyElem(y, o, x, off[0]); });
  return Status::OK();
}

Status tile(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const std::vector<int64_t> xst = stridesOf(x.shape);
  std::vector<int64_t> idx(y.shape.size());
  for (int64_t o = 0; o < y.size(); ++o) {
    unravel(o, y.shape, idx.data());
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d) src += (idx[d] % x.shape[d]) * xst[d];
    copyElem(y, o, x, src);
  }
  return Status::OK();
}

Status constantOfShape(KernelContext& c) {
  const TensorArg& y = c.output(0);
  const Attributes& a = c.attrs();
  bool ok;
  if (y.dtype == DType::Bool) {
    std::memset(y.data, a.getInt("value_int", 0) != 0, static_cast<size_t>(y.size()));
    return Status::OK();
  }
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    const T v = a.has("value_float") ? static_cast<T>(a.getFloat("value_float", 0.f)) : static_cast<T>(a.getInt("value_int", 0));
    std::fill(y.as<T>(), y.as<T>() + y.size(), v);
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

Status range(KernelContext& c) {
  const TensorArg& y = c.output(0);
  bool ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    const T start = c.input(0).as<T>()[0], delta = c.input(2).as<T>()[0];
    for (int64_t i = 0; i < y.size(); ++i) y.as<T>()[i] = static_cast<T>(start + static_cast<T>(i) * delta);
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

// The element of `data` that index tensor element i points to along `axis`.
Status elementOffset(const TensorArg& data, const TensorArg& ind, int64_t axis, int64_t i, const std::vector<int64_t>& dst,
                     std::vector<int64_t>& idx, int64_t* out) {
  unravel(i, ind.shape, idx.data());
  ZY_RETURN_IF_ERROR(indexAt(ind, i, data.shape[axis], &idx[axis]));
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * dst[d];
  *out = off;
  return Status::OK();
}

Status gatherElements(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &y = c.output(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), x.rank(), &axis));
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != axis && ind.shape[d] > x.shape[d]) return invalidArgument("indices are larger than data off the axis");
  const std::vector<int64_t> st = stridesOf(x.shape);
  std::vector<int64_t> idx(x.shape.size());
  for (int64_t i = 0; i < ind.size(); ++i) {
    int64_t off;
    ZY_RETURN_IF_ERROR(elementOffset(x, ind, axis, i, st, idx, &off));
    copyElem(y, i, x, off);
  }
  return Status::OK();
}

// reduction: none | add | mul | max | min (ScatterElements-16/18, ScatterND-16/18).
template <typename T>
void combine(T* dst, T v, const std::string& reduction) {
  if (reduction == "add") *dst = static_cast<T>(*dst + v);
  else if (reduction == "mul") *dst = static_cast<T>(*dst * v);
  else if (reduction == "max") *dst = std::max(*dst, v);
  else if (reduction == "min") *dst = std::min(*dst, v);
  else *dst = v;
}

Status scatterElements(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &upd = c.input(2), &y = c.output(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), x.rank(), &axis));
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != axis && ind.shape[d] > x.shape[d]) return invalidArgument("indices are larger than data off the axis");
  const std::string reduction = c.attrs().getString("reduction", "none");
  if (x.data != y.data) std::memcpy(y.data, x.data, static_cast<size_t>(x.size()) * elemSize(x));
  const std::vector<int64_t> st = stridesOf(x.shape);
  std::vector<int64_t> idx(x.shape.size());
  Status s;
  bool ok;
  ZY_DISPATCH_NUMERIC(x.dtype, ok, {
    for (int64_t i = 0; i < ind.size() && s.ok(); ++i) {
      int64_t off;
      s = elementOffset(x, ind, axis, i, st, idx, &off);
      if (s.ok()) combine(y.as<T>() + off, upd.as<T>()[i], reduction);
    }
  });
  if (!ok) {  // other dtypes: plain replacement
    for (int64_t i = 0; i < ind.size(); ++i) {
      int64_t off;
      ZY_RETURN_IF_ERROR(elementOffset(x, ind, axis, i, st, idx, &off));
      copyElem(y, off, upd, i);
    }
  }
  return s;
}

// GatherND / ScatterND: each index tuple of length `last` selects a slice of
// `slice` elements; batch_dims leading dimensions are shared.
struct NdGeometry {
  int64_t batch = 1, tuples = 1, last = 0, slice = 1, data_batch_stride = 0;
};

NdGeometry ndGeometry(const Shape& data, const Shape& ind, int64_t b) {
  NdGeometry g;
  g.last = ind.back();
  for (int64_t d = 0; d < b; ++d) g.batch *= ind[d];
  for (size_t d = b; d + 1 < ind.size(); ++d) g.tuples *= ind[d];
  for (size_t d = b + g.last; d < data.size(); ++d) g.slice *= data[d];
  g.data_batch_stride = 1;
  for (size_t d = b; d < data.size(); ++d) g.data_batch_stride *= data[d];
  return g;
}

// Element offset in data of tuple t of batch n.
Status tupleOffset(const TensorArg& data, const TensorArg& ind, const NdGeometry& g, int64_t b, int64_t n, int64_t t,
                   int64_t* out) {
  const std::vector<int64_t> st = stridesOf(data.shape);
  int64_t off = n * g.data_batch_stride;
  const int64_t base = (n * g.tuples + t) * g.last;
  for (int64_t k = 0; k < g.last; ++k) {
    int64_t v;
    ZY_RETURN_IF_ERROR(indexAt(ind, base + k, data.shape[b + k], &v));
    off += v * st[b + k];
  }
  *out = off;
  return Status::OK();
}

Status gatherND(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &y = c.output(0);
  const int64_t b = c.attrs().getInt("batch_dims", 0);
  const NdGeometry g = ndGeometry(x.shape, ind.shape, b);
  const size_t es = elemSize(x);
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t t = 0; t < g.tuples; ++t) {
      int64_t off;
      ZY_RETURN_IF_ERROR(tupleOffset(x, ind, g, b, n, t, &off));
      std::memcpy(static_cast<char*>(y.data) + (n * g.tuples + t) * g.slice * static_cast<int64_t>(es),
                  static_cast<const char*>(x.data) + off * static_cast<int64_t>(es), static_cast<size_t>(g.slice) * es);
    }
  return Status::OK();
}

Status scatterND(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &upd = c.input(2), &y = c.output(0);
  const NdGeometry g = ndGeometry(x.shape, ind.shape, 0);
  const std::string reduction = c.attrs().getString("reduction", "none");
  if (x.data != y.data) std::memcpy(y.data, x.data, static_cast<size_t>(x.size()) * elemSize(x));
  for (int64_t t = 0; t < g.tuples; ++t) {
    int64_t off;
    ZY_RETURN_IF_ERROR(tupleOffset(x, ind, g, 0, 0, t, &off));
    bool ok;
    ZY_DISPATCH_NUMERIC(x.dtype, ok, {
      for (int64_t k = 0; k < g.slice; ++k) combine(y.as<T>() + off + k, upd.as<T>()[t * g.slice + k], reduction);
    });
    if (!ok)
      for (int64_t k = 0; k < g.slice; ++k) copyElem(y, off + k, upd, t * g.slice + k);
  }
  return Status::OK();
}

Status oneHot(KernelContext& c) {
  const TensorArg &ind = c.input(0), &vals = c.input(2), &y = c.output(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", -1), y.rank(), &axis));
  const int64_t depth = y.shape[axis];
  int64_t outer, inner;
  outerInner(y.shape, axis, &outer, &inner);
  for (int64_t o = 0; o < y.size(); ++o) copyElem(y, o, vals, 0);  // off value
  bool ok;
  ZY_DISPATCH_NUMERIC(ind.dtype, ok, {
    for (int64_t i = 0; i < ind.size(); ++i) {
      int64_t v = static_cast<int64_t>(ind.as<T>()[i]);
      if (v < 0) v += depth;
      if (v < 0 || v >= depth) continue;  // out of range: all off
      const int64_t o = i / inner, in = i % inner;
      copyElem(y, (o * depth + v) * inner + in, vals, 1);
    }
  });
  return ok ? Status::OK() : unsupported("unsupported indices dtype");
}

Status trilu(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t k = c.hasInput(1) ? readIndex(c.input(1), 0) : 0;
  const bool upper = c.attrs().getInt("upper", 1) != 0;
  const int64_t rows = x.shape[x.rank() - 2], cols = x.shape[x.rank() - 1];
  const size_t es = elemSize(x);
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t col = i % cols, row = (i / cols) % rows;
    const bool keep = upper ? col - row >= k : col - row <= k;
    if (keep) copyElem(y, i, x, i);
    else std::memset(static_cast<char*>(y.data) + i * static_cast<int64_t>(es), 0, es);
  }
  return Status::OK();
}

Status cumSum(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(readIndex(c.input(1), 0), x.rank(), &axis));
  const bool exclusive = c.attrs().getInt("exclusive", 0) != 0, reverse = c.attrs().getInt("reverse", 0) != 0;
  int64_t outer, inner;
  outerInner(x.shape, axis, &outer, &inner);
  const int64_t len = x.shape[axis];
  bool ok;
  ZY_DISPATCH_NUMERIC(x.dtype, ok, {
    const T* xp = x.as<T>();
    T* yp = y.as<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        T acc = T(0);
        for (int64_t s = 0; s < len; ++s) {
          const int64_t k = reverse ? len - 1 - s : s;
          const int64_t at = (o * len + k) * inner + in;
          const T v = xp[at];
          if (exclusive) { yp[at] = acc; acc = static_cast<T>(acc + v); }
          else { acc = static_cast<T>(acc + v); yp[at] = acc; }
        }
      }
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

Status topK(KernelContext& c) {
  const TensorArg &x = c.input(0), &vals = c.output(0), &idx = c.output(1);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", -1), x.rank(), &axis));
  const bool largest = c.attrs().getInt("largest", 1) != 0;
  const int64_t k = vals.shape[axis], len = x.shape[axis];
  int64_t outer, inner;
  outerInner(x.shape, axis, &outer, &inner);
  bool ok;
  ZY_DISPATCH_NUMERIC(x.dtype, ok, {
    const T* xp = x.as<T>();
    std::vector<int64_t> order(static_cast<size_t>(len));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        auto at = [&](int64_t j) { return xp[(o * len + j) * inner + in]; };
        std::iota(order.begin(), order.end(), 0);
        // Ties keep the lower index first, as ONNX requires.
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return largest ? at(a) > at(b) : at(a) < at(b); });
        for (int64_t j = 0; j < k; ++j) {
          const int64_t out = (o * k + j) * inner + in;
          vals.as<T>()[out] = at(order[j]);
          if (idx.present()) idx.as<int64_t>()[out] = order[j];
        }
      }
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

// DepthToSpace (DCR or CRD) and SpaceToDepth, on NCHW.
Status depthSpace(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t b = c.attrs().getInt("blocksize", 1);
  const bool to_space = c.opType() == "DepthToSpace";
  const bool crd = c.attrs().getString("mode", "DCR") == "CRD";
  const Shape& big = to_space ? y.shape : x.shape;  // the spatial (H*b, W*b) side
  const int64_t N = big[0], C = big[1], H = big[2] / b, W = big[3] / b;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t bh = 0; bh < b; ++bh)
          for (int64_t w = 0; w < W; ++w)
            for (int64_t bw = 0; bw < b; ++bw) {
              const int64_t space = ((n * C + ch) * H * b + h * b + bh) * W * b + w * b + bw;
              const int64_t dc = crd ? ch * b * b + bh * b + bw : (bh * b + bw) * C + ch;
              const int64_t depth = ((n * C * b * b + dc) * H + h) * W + w;
              if (to_space) copyElem(y, space, x, depth);
              else copyElem(y, depth, x, space);
            }
  return Status::OK();
}

Status size(KernelContext& c) {
  c.output(0).as<int64_t>()[0] = c.input(0).size();
  return Status::OK();
}

Status eyeLike(KernelContext& c) {
  const TensorArg& y = c.output(0);
  const int64_t k = c.attrs().getInt("k", 0), cols = y.shape[1];
  const size_t es = elemSize(y);
  std::memset(y.data, 0, static_cast<size_t>(y.size()) * es);
  bool ok;
  for (int64_t r = 0; r < y.shape[0]; ++r) {
    const int64_t col = r + k;
    if (col < 0 || col >= cols) continue;
    if (y.dtype == DType::Bool) { y.as<uint8_t>()[r * cols + col] = 1; continue; }
    ZY_DISPATCH_NUMERIC(y.dtype, ok, (y.as<T>()[r * cols + col] = T(1)));
    if (!ok) return unsupported("unsupported dtype");
  }
  return Status::OK();
}

Status compress(KernelContext& c) {
  const TensorArg &x = c.input(0), &cond = c.input(1), &y = c.output(0);
  const uint8_t* keep = cond.as<uint8_t>();
  const int64_t clen = cond.size();
  if (!c.attrs().has("axis")) {
    int64_t o = 0;
    for (int64_t i = 0; i < clen && i < x.size(); ++i)
      if (keep[i]) copyElem(y, o++, x, i);
    return Status::OK();
  }
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), x.rank(), &axis));
  int64_t outer, inner;
  outerInner(x.shape, axis, &outer, &inner);
  const int64_t len = x.shape[axis], kept = y.shape[axis];
  for (int64_t o = 0; o < outer; ++o) {
    int64_t k = 0;
    for (int64_t j = 0; j < len && j < clen; ++j) {
      if (!keep[j]) continue;
      for (int64_t in = 0; in < inner; ++in) copyElem(y, (o * kept + k) * inner + in, x, (o * len + j) * inner + in);
      ++k;
    }
  }
  return Status::OK();
}

Status reverseSequence(KernelContext& c) {
  const TensorArg &x = c.input(0), &lens = c.input(1), &y = c.output(0);
  const int64_t b_axis = c.attrs().getInt("batch_axis", 1), t_axis = c.attrs().getInt("time_axis", 0);
  const std::vector<int64_t> st = stridesOf(x.shape);
  std::vector<int64_t> idx(x.shape.size());
  for (int64_t i = 0; i < x.size(); ++i) {
    unravel(i, x.shape, idx.data());
    const int64_t len = readIndex(lens, idx[b_axis]);
    if (len < 0 || len > x.shape[t_axis]) return invalidArgument("a sequence length is out of range");
    int64_t src = i;
    if (idx[t_axis] < len) src += (len - 1 - 2 * idx[t_axis]) * st[t_axis];
    copyElem(y, i, x, src);
  }
  return Status::OK();
}

// MaxUnpool: each value goes where its index points. Indices (as MaxPool
// makes them) are flat over the default unpooled shape; with an explicit,
// larger output_shape they are re-placed by their spatial coordinates.
Status maxUnpool(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &y = c.output(0);
  const size_t n = x.shape.size() - 2;
  std::vector<int64_t> k = c.attrs().getInts("kernel_shape"), st = c.attrs().getInts("strides"), pads = c.attrs().getInts("pads");
  if (st.empty()) st.assign(n, 1);
  if (pads.empty()) pads.assign(2 * n, 0);
  if (k.size() != n) return invalidArgument("kernel_shape is required");
  Shape dflt;  // default unpooled spatial shape
  for (size_t d = 0; d < n; ++d) dflt.push_back((x.shape[d + 2] - 1) * st[d] + k[d] - pads[d] - pads[d + n]);
  const Shape out_sp(y.shape.begin() + 2, y.shape.end());
  const int64_t NC = x.shape[0] * x.shape[1], in_per = x.size() / std::max<int64_t>(1, NC);
  const int64_t dflt_per = numElements(dflt), out_per = numElements(out_sp);
  const std::vector<int64_t> ost = stridesOf(out_sp);
  std::memset(y.data, 0, static_cast<size_t>(y.size()) * elemSize(y));
  std::vector<int64_t> coord(n);
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t nc = i / in_per, v = readIndex(ind, i) - nc * dflt_per;
    if (v < 0 || v >= dflt_per) return invalidArgument("an index is out of range");
    unravel(v, dflt, coord.data());
    int64_t o = 0;
    for (size_t d = 0; d < n; ++d) {
      if (coord[d] >= out_sp[d]) return invalidArgument("an index lies outside output_shape");
      o += coord[d] * ost[d];
    }
    copyElem(y, nc * out_per + o, x, i);
  }
  return Status::OK();
}

ValueInfo infoOf(const TensorArg& t) { return ValueInfo{t.dtype, t.shape, t.data}; }

Status nonZero(KernelContext& c) {
  std::vector<std::vector<int64_t>> coords;
  ZY_RETURN_IF_ERROR(computeNonZero(infoOf(c.input(0)), &coords));
  const TensorArg& y = c.output(0);
  const int64_t n = coords.empty() ? 0 : static_cast<int64_t>(coords[0].size());
  if (y.size() != static_cast<int64_t>(coords.size()) * n) return invalidArgument("NonZero result does not match the planned output");
  for (size_t d = 0; d < coords.size(); ++d) std::copy(coords[d].begin(), coords[d].end(), y.as<int64_t>() + d * n);
  return Status::OK();
}

Status unique(KernelContext& c) {
  const TensorArg& x = c.input(0);
  UniqueResult r;
  ZY_RETURN_IF_ERROR(computeUnique(c.attrs(), infoOf(x), &r));
  const TensorArg& y = c.output(0);
  if (y.shape != r.y_shape) return invalidArgument("Unique result does not match the planned output");
  int64_t outer = 1, inner = 1, len = x.size();
  if (r.axis >= 0) { outerInner(x.shape, r.axis, &outer, &inner); len = x.shape[r.axis]; }
  const int64_t u = static_cast<int64_t>(r.source.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < u; ++k)
      for (int64_t in = 0; in < inner; ++in) copyElem(y, (o * u + k) * inner + in, x, (o * len + r.source[k]) * inner + in);
  const std::vector<int64_t>* extra[3] = {&r.first_index, &r.inverse, &r.counts};
  for (size_t k = 1; k < c.numOutputs() && k < 4; ++k)
    if (c.output(k).present()) std::copy(extra[k - 1]->begin(), extra[k - 1]->end(), c.output(k).as<int64_t>());
  return Status::OK();
}

Status nms(KernelContext& c) {
  std::vector<ValueInfo> in;
  for (size_t k = 0; k < c.numInputs(); ++k) in.push_back(infoOf(c.input(k)));
  std::vector<int64_t> sel;
  ZY_RETURN_IF_ERROR(computeNms(c.attrs(), in, &sel));
  if (c.output(0).size() != static_cast<int64_t>(sel.size())) return invalidArgument("NonMaxSuppression result does not match the planned output");
  std::copy(sel.begin(), sel.end(), c.output(0).as<int64_t>());
  return Status::OK();
}

}  // namespace

void registerIndexKernels(KernelRegistry& r) {
  r["NonZero"] = {nonZero, {}};
  r["Unique"] = {unique, {}};
  r["NonMaxSuppression"] = {nms, {}};
  r["Compress"] = {compress, {}};
  r["ReverseSequence"] = {reverseSequence, {}};
  r["MaxUnpool"] = {maxUnpool, {}};
  r["Expand"] = {expand, {}};
  r["Tile"] = {tile, {}};
  r["ConstantOfShape"] = {constantOfShape, {}};
  r["Range"] = {range, {}};
  r["GatherElements"] = {gatherElements, {}};
  r["ScatterElements"] = {scatterElements, {}};
  r["GatherND"] = {gatherND, {}};
  r["ScatterND"] = {scatterND, {}};
  r["OneHot"] = {oneHot, {}};
  r["Trilu"] = {trilu, {}};
  r["CumSum"] = {cumSum, {}};
  r["TopK"] = {topK, {}};
  r["DepthToSpace"] = {depthSpace, {}};
  r["SpaceToDepth"] = {depthSpace, {}};
  r["Size"] = {size, {}};
  r["EyeLike"] = {eyeLike, {}};
}

}  // namespace ref
}  // namespace zy
