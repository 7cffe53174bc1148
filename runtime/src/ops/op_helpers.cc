#include "ops/op_helpers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cctype>
#include <limits>
#include <map>

namespace zy {

Status broadcastShapes(const Shape& a, const Shape& b, Shape* out) {
  // Computed aside: `out` may alias `a` or `b`.
  size_t r = std::max(a.size(), b.size());
  Shape s(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == db || db == 1) s[i] = da;
    else if (da == 1) s[i] = db;
    else
      return invalidArgument("shapes " + shapeToString(a) + " and " + shapeToString(b) +
                             " cannot be broadcast together");
  }
  *out = std::move(s);
  return Status::OK();
}

Status normalizeAxis(int64_t axis, int64_t rank, int64_t* out) {
  if (axis < -rank || axis >= rank)
    return invalidArgument(strFormat("axis %lld is out of range for rank %lld", (long long)axis, (long long)rank));
  *out = axis < 0 ? axis + rank : axis;
  return Status::OK();
}

Status readInts(const ValueInfo& v, std::vector<int64_t>* out) {
  if (numElements(v.shape) == 0) { out->clear(); return Status::OK(); }  // empty: no data needed
  if (!v.data) return invalidArgument("value is not known at compile time");
  int64_t n = numElements(v.shape);
  if (n < 0) return invalidArgument("value has an unknown shape");
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (v.dtype == DType::I64) { int64_t x; std::memcpy(&x, static_cast<const int64_t*>(v.data) + i, 8); (*out)[i] = x; }
    else if (v.dtype == DType::I32) { int32_t x; std::memcpy(&x, static_cast<const int32_t*>(v.data) + i, 4); (*out)[i] = x; }
    else return invalidArgument(std::string("expected an integer tensor, got ") + dtypeName(v.dtype));
  }
  return Status::OK();
}

Status readFloats(const ValueInfo& v, std::vector<float>* out) {
  if (numElements(v.shape) == 0) { out->clear(); return Status::OK(); }  // empty: no data needed
  if (!v.data) return invalidArgument("value is not known at compile time");
  int64_t n = numElements(v.shape);
  if (n < 0) return invalidArgument("value has an unknown shape");
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (v.dtype == DType::F32) std::memcpy(&(*out)[i], static_cast<const float*>(v.data) + i, 4);
    else if (v.dtype == DType::F64) { double d; std::memcpy(&d, static_cast<const double*>(v.data) + i, 8); (*out)[i] = static_cast<float>(d); }
    else if (v.dtype == DType::F16) { uint16_t h; std::memcpy(&h, static_cast<const uint16_t*>(v.data) + i, 2); (*out)[i] = halfToFloat(h); }
    else return invalidArgument(std::string("expected a float tensor, got ") + dtypeName(v.dtype));
  }
  return Status::OK();
}

static Status windowVectors(const Attributes& attrs, size_t n, const std::vector<int64_t>& kernel,
                            WindowGeometry* g) {
  g->kernel = kernel;
  g->strides = attrs.getInts("strides");
  g->dilations = attrs.getInts("dilations");
  if (g->strides.empty()) g->strides.assign(n, 1);
  if (g->dilations.empty()) g->dilations.assign(n, 1);
  if (g->strides.size() != n) return invalidArgument(strFormat("strides has %zu values, expected %zu", g->strides.size(), n));
  if (g->dilations.size() != n) return invalidArgument(strFormat("dilations has %zu values, expected %zu", g->dilations.size(), n));
  for (size_t i = 0; i < n; ++i) {
    if (g->strides[i] <= 0) return invalidArgument("strides must be positive");
    if (g->dilations[i] <= 0) return invalidArgument("dilations must be positive");
    if (kernel[i] <= 0) return invalidArgument("kernel dimensions must be positive");
  }
  return Status::OK();
}

Status computeWindow(const Attributes& attrs, const std::vector<int64_t>& in,
                     const std::vector<int64_t>& kernel, bool ceil_mode, WindowGeometry* g) {
  size_t n = in.size();
  if (kernel.size() != n)
    return invalidArgument(strFormat("kernel has %zu spatial dims, input has %zu", kernel.size(), n));
  ZY_RETURN_IF_ERROR(windowVectors(attrs, n, kernel, g));
  std::string auto_pad = attrs.getString("auto_pad", "NOTSET");
  std::vector<int64_t> pads = attrs.getInts("pads");
  g->pad_begin.assign(n, 0);
  g->pad_end.assign(n, 0);
  g->out.assign(n, 0);
  if (auto_pad == "NOTSET") {
    if (!pads.empty() && pads.size() != 2 * n)
      return invalidArgument(strFormat("pads has %zu values, expected %zu", pads.size(), 2 * n));
    for (size_t i = 0; i < pads.size() / 2; ++i) {
      g->pad_begin[i] = pads[i];
      g->pad_end[i] = pads[i + n];
      if (pads[i] < 0 || pads[i + n] < 0) return invalidArgument("pads must be non-negative");
    }
  } else if (auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    return invalidArgument("unknown auto_pad '" + auto_pad + "'");
  }
  for (size_t i = 0; i < n; ++i) {
    int64_t dk = (kernel[i] - 1) * g->dilations[i] + 1;
    int64_t s = g->strides[i];
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      int64_t out = (in[i] + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + dk - in[i]);
      g->pad_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g->pad_end[i] = total - g->pad_begin[i];
      g->out[i] = out;
      continue;
    }
    int64_t span = in[i] + g->pad_begin[i] + g->pad_end[i] - dk;
    if (span < 0)
      return invalidArgument(strFormat("window %lld (dilated) is larger than the padded input %lld",
                                       (long long)dk, (long long)(in[i] + g->pad_begin[i] + g->pad_end[i])));
    int64_t out = ceil_mode ? (span + s - 1) / s + 1 : span / s + 1;
    // With ceil_mode the last window must start inside the input or its left padding.
    if (ceil_mode && (out - 1) * s >= in[i] + g->pad_begin[i]) --out;
    g->out[i] = out;
  }
  return Status::OK();
}

Status computeConvTransposeWindow(const Attributes& attrs, const std::vector<int64_t>& in,
                                  const std::vector<int64_t>& kernel, WindowGeometry* g) {
  size_t n = in.size();
  if (kernel.size() != n)
    return invalidArgument(strFormat("kernel has %zu spatial dims, input has %zu", kernel.size(), n));
  ZY_RETURN_IF_ERROR(windowVectors(attrs, n, kernel, g));
  std::vector<int64_t> out_pad = attrs.getInts("output_padding");
  if (out_pad.empty()) out_pad.assign(n, 0);
  if (out_pad.size() != n) return invalidArgument("output_padding has the wrong length");
  std::vector<int64_t> out_shape = attrs.getInts("output_shape");
  if (out_shape.size() == n + 2) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
  if (!out_shape.empty() && out_shape.size() != n) return invalidArgument("output_shape has the wrong length");
  std::string auto_pad = attrs.getString("auto_pad", "NOTSET");
  std::vector<int64_t> pads = attrs.getInts("pads");
  if (!pads.empty() && pads.size() != 2 * n) return invalidArgument("pads has the wrong length");
  g->pad_begin.assign(n, 0);
  g->pad_end.assign(n, 0);
  g->out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t dk = (kernel[i] - 1) * g->dilations[i] + 1;
    int64_t full = g->strides[i] * (in[i] - 1) + out_pad[i] + dk;
    int64_t target = -1;
    if (!out_shape.empty()) target = out_shape[i];
    else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") target = in[i] * g->strides[i];
    if (target >= 0) {
      int64_t total = full - target;
      if (total < 0) total = 0;  // output larger than the full result: zero-extended below
      if (auto_pad == "SAME_UPPER") { g->pad_begin[i] = total / 2; g->pad_end[i] = total - total / 2; }
      else { g->pad_begin[i] = total - total / 2; g->pad_end[i] = total / 2; }
      g->out[i] = target;
    } else {
      if (!pads.empty() && auto_pad != "VALID") { g->pad_begin[i] = pads[i]; g->pad_end[i] = pads[i + n]; }
      g->out[i] = full - g->pad_begin[i] - g->pad_end[i];
    }
    if (g->out[i] <= 0) return invalidArgument("ConvTranspose output would be empty");
  }
  return Status::OK();
}

Status computeSlice(const Shape& in, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                    const std::vector<int64_t>& axes_in, const std::vector<int64_t>& steps_in, SliceParams* p) {
  int64_t r = static_cast<int64_t>(in.size());
  if (starts.size() != ends.size()) return invalidArgument("starts and ends differ in length");
  std::vector<int64_t> axes = axes_in;
  if (axes.empty()) for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  std::vector<int64_t> steps = steps_in;
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    return invalidArgument("starts, ends, axes and steps differ in length");
  p->start.assign(r, 0);
  p->step.assign(r, 1);
  p->count = in;
  std::vector<bool> seen(r, false);
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t a;
    ZY_RETURN_IF_ERROR(normalizeAxis(axes[k], r, &a));
    if (seen[a]) return invalidArgument("axes has a repeated axis");
    seen[a] = true;
    int64_t dim = in[a], st = steps[k];
    if (st == 0) return invalidArgument("slice step must not be 0");
    int64_t s = starts[k], e = ends[k];
    if (s < 0) s = s < -dim ? -dim - 1 + dim : s + dim;  // avoid overflow on INT64_MIN
    if (e < 0) e = e < -dim ? -1 : e + dim;
    int64_t cnt;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      cnt = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, -1, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      cnt = s > e ? (s - e + (-st) - 1) / (-st) : 0;
    }
    p->start[a] = s;
    p->step[a] = st;
    p->count[a] = cnt;
  }
  return Status::OK();
}

Status computeResizeShape(const Attributes& attrs, const Shape& in, const std::vector<float>& scales_in,
                          const std::vector<int64_t>& sizes_in, Shape* out, std::vector<float>* eff) {
  int64_t r = static_cast<int64_t>(in.size());
  std::vector<int64_t> axes = attrs.getInts("axes");
  if (axes.empty()) for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  for (auto& a : axes) ZY_RETURN_IF_ERROR(normalizeAxis(a, r, &a));
  *out = in;
  eff->assign(r, 1.f);
  if (!sizes_in.empty()) {
    if (sizes_in.size() != axes.size()) return invalidArgument("sizes has the wrong length");
    std::string policy = attrs.getString("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") {
      for (size_t k = 0; k < axes.size(); ++k) {
        if (sizes_in[k] <= 0) return invalidArgument("sizes must be positive");
        (*out)[axes[k]] = sizes_in[k];
        (*eff)[axes[k]] = static_cast<float>(sizes_in[k]) / static_cast<float>(in[axes[k]]);
      }
    } else if (policy == "not_larger" || policy == "not_smaller") {
      float scale = policy == "not_larger" ? std::numeric_limits<float>::max() : 0.f;
      for (size_t k = 0; k < axes.size(); ++k) {
        float s = static_cast<float>(sizes_in[k]) / static_cast<float>(in[axes[k]]);
        scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (int64_t a : axes) {
        (*out)[a] = static_cast<int64_t>(std::nearbyint(scale * static_cast<float>(in[a])));
        (*eff)[a] = scale;
      }
    } else {
      return invalidArgument("unknown keep_aspect_ratio_policy '" + policy + "'");
    }
    return Status::OK();
  }
  if (scales_in.size() != axes.size())
    return invalidArgument(strFormat("scales has %zu values, expected %zu", scales_in.size(), axes.size()));
  for (size_t k = 0; k < axes.size(); ++k) {
    if (!(scales_in[k] > 0)) return invalidArgument("scales must be positive");
    (*out)[axes[k]] = static_cast<int64_t>(std::floor(static_cast<double>(in[axes[k]]) * scales_in[k]));
    (*eff)[axes[k]] = scales_in[k];
  }
  return Status::OK();
}

Status computeReduceAxes(const Attributes& attrs, int64_t rank, const std::vector<int64_t>& axes_in,
                         bool axes_given, std::vector<int64_t>* axes) {
  axes->clear();
  if (!axes_given || axes_in.empty()) {
    if (attrs.getInt("noop_with_empty_axes", 0) != 0) return Status::OK();
    for (int64_t i = 0; i < rank; ++i) axes->push_back(i);
    return Status::OK();
  }
  for (int64_t a : axes_in) {
    int64_t n;
    ZY_RETURN_IF_ERROR(normalizeAxis(a, rank, &n));
    axes->push_back(n);
  }
  std::sort(axes->begin(), axes->end());
  axes->erase(std::unique(axes->begin(), axes->end()), axes->end());
  return Status::OK();
}

Status computePads(const Shape& in, const std::vector<int64_t>& pads, const std::vector<int64_t>& axes_in,
                   bool axes_given, std::vector<int64_t>* begin, std::vector<int64_t>* end) {
  int64_t r = static_cast<int64_t>(in.size());
  std::vector<int64_t> axes;
  if (axes_given) {
    for (int64_t a : axes_in) { int64_t n; ZY_RETURN_IF_ERROR(normalizeAxis(a, r, &n)); axes.push_back(n); }
  } else {
    for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  }
  if (pads.size() != 2 * axes.size())
    return invalidArgument(strFormat("pads has %zu values, expected %zu", pads.size(), 2 * axes.size()));
  begin->assign(r, 0);
  end->assign(r, 0);
  for (size_t k = 0; k < axes.size(); ++k) {
    (*begin)[axes[k]] = pads[k];
    (*end)[axes[k]] = pads[k + axes.size()];
    if (in[axes[k]] + pads[k] + pads[k + axes.size()] < 0) return invalidArgument("pads remove more than the whole axis");
  }
  return Status::OK();
}

Status computeSplit(const Attributes& attrs, const Shape& in, int64_t axis, size_t n,
                    const std::vector<int64_t>& split, bool split_given, std::vector<int64_t>* sizes) {
  int64_t dim = in[axis];
  if (split_given && !split.empty()) {
    if (split.size() != n) return invalidArgument(strFormat("split has %zu values for %zu outputs", split.size(), n));
    int64_t sum = 0;
    for (int64_t s : split) { if (s < 0) return invalidArgument("split sizes must be non-negative"); sum += s; }
    if (sum != dim) return invalidArgument(strFormat("split sizes add up to %lld, axis has %lld", (long long)sum, (long long)dim));
    *sizes = split;
    return Status::OK();
  }
  int64_t num = attrs.getInt("num_outputs", static_cast<int64_t>(n));
  if (num != static_cast<int64_t>(n) || n == 0) return invalidArgument("num_outputs does not match the outputs");
  int64_t chunk = (dim + num - 1) / num;
  sizes->clear();
  int64_t left = dim;
  for (size_t i = 0; i < n; ++i) { int64_t s = std::min(chunk, left); sizes->push_back(s); left -= s; }
  if (!attrs.has("num_outputs") && dim % num != 0)
    return invalidArgument(strFormat("axis of size %lld does not split evenly into %zu outputs", (long long)dim, n));
  return Status::OK();
}

Status planEinsum(const std::string& eq_in, const std::vector<Shape>& inputs, EinsumPlan* plan) {
  std::string eq;
  for (char ch : eq_in) if (ch != ' ') eq += ch;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t p = 0, q; p <= lhs.size(); p = q + 1) {
    q = lhs.find(',', p);
    if (q == std::string::npos) q = lhs.size();
    terms.push_back(lhs.substr(p, q - p));
  }
  if (terms.size() != inputs.size()) return invalidArgument("equation '" + eq_in + "' does not match the inputs");
  // Label ids: letters 0..51; the ellipsis dims get ids 52+.
  std::map<int, int64_t> sizes;
  std::map<int, int> counts;
  int64_t ell_rank = -1;
  plan->input_labels.clear();
  for (size_t t = 0; t < terms.size(); ++t) {
    const std::string& term = terms[t];
    const size_t ell = term.find("...");
    const int64_t letters = static_cast<int64_t>(term.size()) - (ell == std::string::npos ? 0 : 3);
    const int64_t rank = static_cast<int64_t>(inputs[t].size());
    const int64_t er = ell == std::string::npos ? 0 : rank - letters;
    if (er < 0 || (ell == std::string::npos && letters != rank)) return invalidArgument("term '" + term + "' does not match rank " + std::to_string(rank));
    if (ell != std::string::npos) {
      if (ell_rank >= 0 && ell_rank != er) return invalidArgument("ellipses differ in rank");
      ell_rank = er;
    }
    std::vector<int> labels;
    for (size_t p = 0; p < term.size(); ++p) {
      if (term.compare(p, 3, "...") == 0) {
        for (int64_t e = 0; e < er; ++e) labels.push_back(52 + static_cast<int>(e));
        p += 2;
        continue;
      }
      const char ch = term[p];
      if (!std::isalpha(static_cast<unsigned char>(ch))) return invalidArgument("bad label in equation '" + eq_in + "'");
      labels.push_back(ch >= 'a' ? ch - 'a' : 26 + ch - 'A');
    }
    for (size_t k = 0; k < labels.size(); ++k) {
      const int64_t d = inputs[t][k];
      auto it = sizes.find(labels[k]);
      if (it != sizes.end() && it->second != d && it->second != 1 && d != 1) return invalidArgument("label sizes disagree");
      sizes[labels[k]] = it == sizes.end() ? d : std::max(it->second, d);
      ++counts[labels[k]];
    }
    plan->input_labels.push_back(labels);
  }
  plan->output_labels.clear();
  if (arrow != std::string::npos) {
    const std::string rhs = eq.substr(arrow + 2);
    for (size_t p = 0; p < rhs.size(); ++p) {
      if (rhs.compare(p, 3, "...") == 0) {
        for (int64_t e = 0; e < std::max<int64_t>(0, ell_rank); ++e) plan->output_labels.push_back(52 + static_cast<int>(e));
        p += 2;
        continue;
      }
      const char ch = rhs[p];
      const int id = ch >= 'a' ? ch - 'a' : 26 + ch - 'A';
      if (!sizes.count(id)) return invalidArgument("output label not in any input");
      plan->output_labels.push_back(id);
    }
  } else {  // implicit: ellipsis dims, then labels used once, alphabetically
    for (int64_t e = 0; e < std::max<int64_t>(0, ell_rank); ++e) plan->output_labels.push_back(52 + static_cast<int>(e));
    for (const auto& [id, n] : counts)
      if (n == 1 && id < 52) plan->output_labels.push_back(id);
  }
  plan->label_size.assign(52 + 8 + std::max<int64_t>(0, ell_rank), 1);
  for (const auto& [id, d] : sizes) plan->label_size[id] = d;
  plan->out_shape.clear();
  for (int id : plan->output_labels) plan->out_shape.push_back(plan->label_size[id]);
  return Status::OK();
}

void shapeRange(const Attributes& a, int64_t r, int64_t* start, int64_t* end) {
  int64_t s = a.getInt("start", 0), e = a.getInt("end", r);
  if (s < 0) s += r;
  if (e < 0) e += r;
  *start = std::clamp<int64_t>(s, 0, r);
  *end = std::clamp<int64_t>(e, *start, r);
}

void outerInner(const Shape& s, int64_t axis, int64_t* outer, int64_t* inner) {
  *outer = 1;
  *inner = 1;
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d) {
    if (d < axis) *outer *= s[d];
    else if (d > axis) *inner *= s[d];
  }
}

std::vector<int64_t> stridesOf(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int64_t i = static_cast<int64_t>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}

}  // namespace zy
