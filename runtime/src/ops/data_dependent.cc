#include "ops/data_dependent.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace zy {

namespace {

// Element i of a numeric tensor as double (bool as 0/1).
double elementAsDouble(const ValueInfo& v, int64_t i) {
  const char* p = static_cast<const char*>(v.data) + i * static_cast<int64_t>(dtypeSize(v.dtype));
  switch (v.dtype) {
    case DType::F32: { float x; std::memcpy(&x, p, 4); return x; }
    case DType::F64: { double x; std::memcpy(&x, p, 8); return x; }
    case DType::F16: { uint16_t h; std::memcpy(&h, p, 2); return halfToFloat(h); }
    case DType::BF16: { uint16_t h; std::memcpy(&h, p, 2); return bf16ToFloat(h); }
    case DType::I8: return static_cast<int8_t>(*p);
    case DType::U8: case DType::Bool: return static_cast<uint8_t>(*p);
    case DType::I16: { int16_t x; std::memcpy(&x, p, 2); return x; }
    case DType::U16: { uint16_t x; std::memcpy(&x, p, 2); return x; }
    case DType::I32: { int32_t x; std::memcpy(&x, p, 4); return x; }
    case DType::U32: { uint32_t x; std::memcpy(&x, p, 4); return x; }
    case DType::I64: { int64_t x; std::memcpy(&x, p, 8); return static_cast<double>(x); }
    case DType::U64: { uint64_t x; std::memcpy(&x, p, 8); return static_cast<double>(x); }
    default: return 0;
  }
}

Status needData(const ValueInfo& v) {
  if (!v.data && numElements(v.shape) > 0) return invalidArgument("value is not known at compile time");
  return Status::OK();
}

}  // namespace

Status computeNonZero(const ValueInfo& x, std::vector<std::vector<int64_t>>* coords) {
  ZY_RETURN_IF_ERROR(needData(x));
  const size_t r = std::max<size_t>(1, x.shape.size());
  coords->assign(r, {});
  const int64_t n = numElements(x.shape);
  const Shape shape = x.shape.empty() ? Shape{1} : x.shape;
  std::vector<int64_t> idx(r);
  for (int64_t i = 0; i < n; ++i) {
    if (elementAsDouble(x, i) == 0) continue;
    int64_t rem = i;
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) { idx[d] = rem % shape[d]; rem /= shape[d]; }
    for (size_t d = 0; d < r; ++d) (*coords)[d].push_back(idx[d]);
  }
  if (x.shape.empty()) coords->assign(0, {});  // a scalar has rank 0: no coordinate rows
  return Status::OK();
}

Status computeUnique(const Attributes& attrs, const ValueInfo& x, UniqueResult* r) {
  ZY_RETURN_IF_ERROR(needData(x));
  const bool sorted = attrs.getInt("sorted", 1) != 0;
  int64_t outer = 1, len = numElements(x.shape), inner = 1;
  r->axis = -1;
  if (attrs.has("axis")) {
    ZY_RETURN_IF_ERROR(normalizeAxis(attrs.getInt("axis", 0), x.shape.size(), &r->axis));
    outerInner(x.shape, r->axis, &outer, &inner);
    len = x.shape[r->axis];
  }
  // Slice j (along the axis) as a vector of values, for comparison.
  auto slice = [&](int64_t j) {
    std::vector<double> v;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) v.push_back(elementAsDouble(x, (o * len + j) * inner + in));
    return v;
  };
  std::vector<std::vector<double>> slices;
  for (int64_t j = 0; j < len; ++j) slices.push_back(slice(j));
  std::vector<int64_t> firsts;  // first occurrence of each distinct slice, in input order
  std::vector<int64_t> group(static_cast<size_t>(len));
  for (int64_t j = 0; j < len; ++j) {
    int64_t g = -1;
    for (size_t u = 0; u < firsts.size(); ++u)
      if (slices[firsts[u]] == slices[j]) { g = static_cast<int64_t>(u); break; }
    if (g < 0) { g = static_cast<int64_t>(firsts.size()); firsts.push_back(j); }
    group[j] = g;
  }
  std::vector<int64_t> order(firsts.size());
  std::iota(order.begin(), order.end(), 0);
  if (sorted) std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return slices[firsts[a]] < slices[firsts[b]]; });
  std::vector<int64_t> rank(order.size());
  for (size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<int64_t>(k);
  r->first_index.clear();
  r->source.clear();
  for (int64_t u : order) { r->first_index.push_back(firsts[u]); r->source.push_back(firsts[u]); }
  r->counts.assign(order.size(), 0);
  r->inverse.clear();
  for (int64_t j = 0; j < len; ++j) { r->inverse.push_back(rank[group[j]]); ++r->counts[rank[group[j]]]; }
  if (r->axis < 0) r->y_shape = {static_cast<int64_t>(order.size())};
  else { r->y_shape = x.shape; r->y_shape[r->axis] = static_cast<int64_t>(order.size()); }
  return Status::OK();
}

Status computeNms(const Attributes& attrs, const std::vector<ValueInfo>& in, std::vector<int64_t>* selected) {
  if (in.size() < 2 || !in[0].present() || !in[1].present()) return invalidArgument("boxes and scores are required");
  const ValueInfo &boxes = in[0], &scores = in[1];
  if (boxes.shape.size() != 3 || boxes.shape[2] != 4 || scores.shape.size() != 3 || scores.shape[0] != boxes.shape[0] ||
      scores.shape[2] != boxes.shape[1])
    return invalidArgument("boxes must be [B,N,4] and scores [B,C,N]");
  ZY_RETURN_IF_ERROR(needData(boxes));
  ZY_RETURN_IF_ERROR(needData(scores));
  auto scalar = [&](size_t k, double def, double* out) -> Status {
    *out = def;
    if (k >= in.size() || !in[k].present() || numElements(in[k].shape) == 0) return Status::OK();
    ZY_RETURN_IF_ERROR(needData(in[k]));
    *out = elementAsDouble(in[k], 0);
    return Status::OK();
  };
  double max_out, iou_th, score_th;
  ZY_RETURN_IF_ERROR(scalar(2, 0, &max_out));
  ZY_RETURN_IF_ERROR(scalar(3, 0, &iou_th));
  ZY_RETURN_IF_ERROR(scalar(4, -INFINITY, &score_th));
  const bool has_score_th = in.size() > 4 && in[4].present();
  const bool center = attrs.getInt("center_point_box", 0) != 0;
  const int64_t B = boxes.shape[0], N = boxes.shape[1], C = scores.shape[1];
  // Corners (y1, x1, y2, x2) with y1 <= y2 and x1 <= x2.
  auto corners = [&](int64_t b, int64_t i, double* c) {
    double v[4];
    for (int k = 0; k < 4; ++k) v[k] = elementAsDouble(boxes, (b * N + i) * 4 + k);
    if (center) {  // [x_center, y_center, width, height]
      c[0] = v[1] - v[3] / 2; c[1] = v[0] - v[2] / 2; c[2] = v[1] + v[3] / 2; c[3] = v[0] + v[2] / 2;
    } else {
      c[0] = std::min(v[0], v[2]); c[1] = std::min(v[1], v[3]); c[2] = std::max(v[0], v[2]); c[3] = std::max(v[1], v[3]);
    }
  };
  auto iou = [&](int64_t b, int64_t i, int64_t j) {
    double a[4], c[4];
    corners(b, i, a);
    corners(b, j, c);
    const double ih = std::max(0.0, std::min(a[2], c[2]) - std::max(a[0], c[0]));
    const double iw = std::max(0.0, std::min(a[3], c[3]) - std::max(a[1], c[1]));
    const double inter = ih * iw, uni = (a[2] - a[0]) * (a[3] - a[1]) + (c[2] - c[0]) * (c[3] - c[1]) - inter;
    return uni <= 0 ? 0.0 : inter / uni;
  };
  selected->clear();
  const int64_t limit = static_cast<int64_t>(max_out);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      if (limit <= 0) continue;
      std::vector<int64_t> cand;
      for (int64_t i = 0; i < N; ++i)
        if (!has_score_th || elementAsDouble(scores, (b * C + c) * N + i) > score_th) cand.push_back(i);
      std::stable_sort(cand.begin(), cand.end(), [&](int64_t x, int64_t y) {
        return elementAsDouble(scores, (b * C + c) * N + x) > elementAsDouble(scores, (b * C + c) * N + y);
      });
      std::vector<int64_t> kept;
      for (int64_t i : cand) {
        if (static_cast<int64_t>(kept.size()) >= limit) break;
        bool keep = true;
        for (int64_t j : kept) keep = keep && !(iou(b, i, j) > iou_th);
        if (!keep) continue;
        kept.push_back(i);
        selected->insert(selected->end(), {b, c, i});
      }
    }
  return Status::OK();
}

}  // namespace zy
