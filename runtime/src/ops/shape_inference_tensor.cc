// Shape inference: tensor building and indexing (Expand, Tile,
// ConstantOfShape, Range, Gather/ScatterElements, GatherND, ScatterND, OneHot,
// Trilu, CumSum, TopK), layout (DepthToSpace, SpaceToDepth) and the
// normalizations (InstanceNormalization, LayerNormalization).
#include <algorithm>
#include <cmath>

#include "ops/data_dependent.h"
#include "ops/infer_common.h"

namespace zy {
namespace {

using namespace infer;

Status expand(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::vector<int64_t> shape;
  ZY_RETURN_IF_ERROR(readInts(i[1], &shape));
  for (int64_t d : shape)
    if (d < 0) return invalidArgument("shape has a negative dimension");
  Shape s;
  ZY_RETURN_IF_ERROR(broadcastShapes(i[0].shape, shape, &s));
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status tile(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::vector<int64_t> rep;
  ZY_RETURN_IF_ERROR(readInts(i[1], &rep));
  if (rep.size() != i[0].shape.size()) return invalidArgument("repeats must have one value per input axis");
  Shape s = i[0].shape;
  for (size_t k = 0; k < s.size(); ++k) {
    if (rep[k] < 0) return invalidArgument("repeats must be non-negative");
    s[k] *= rep[k];
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

// The importer turns the `value` tensor into `dtype` (zy dtype) and
// `value_float` / `value_int` attributes.
Status constantOfShape(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  std::vector<int64_t> shape;
  ZY_RETURN_IF_ERROR(readInts(i[0], &shape));
  for (int64_t d : shape)
    if (d < 0) return invalidArgument("shape has a negative dimension");
  int64_t dt = a.getInt("dtype", static_cast<int64_t>(DType::F32));
  if (!isValidDType(static_cast<int>(dt))) return invalidArgument("invalid dtype");
  o[0] = {static_cast<DType>(dt), shape};
  return Status::OK();
}

Status range(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  double v[3];
  for (int k = 0; k < 3; ++k) {
    if (numElements(i[k].shape) != 1) return invalidArgument("start, limit and delta must be scalars");
    if (!i[k].data) return invalidArgument("value is not known at compile time");
    if (isFloat(i[k].dtype)) {
      std::vector<float> f;
      ZY_RETURN_IF_ERROR(readFloats(i[k], &f));
      v[k] = f[0];
    } else {
      std::vector<int64_t> n;
      ZY_RETURN_IF_ERROR(readInts(i[k], &n));
      v[k] = static_cast<double>(n[0]);
    }
  }
  if (v[2] == 0) return invalidArgument("delta must not be 0");
  int64_t n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((v[1] - v[0]) / v[2])));
  o[0] = {i[0].dtype, {n}};
  return Status::OK();
}

Status indicesLike(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (i[1].dtype != DType::I64 && i[1].dtype != DType::I32) return invalidArgument("indices must be i32 or i64");
  if (i[0].shape.size() != i[1].shape.size()) return invalidArgument("data and indices differ in rank");
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), i[0].shape.size(), &axis));
  o[0] = {i[0].dtype, i[1].shape};
  return Status::OK();
}

Status scatterElements(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  ZY_RETURN_IF_ERROR(indicesLike(a, i, o));
  if (i[1].shape != i[2].shape) return invalidArgument("indices and updates differ in shape");
  o[0] = {i[0].dtype, i[0].shape};
  return Status::OK();
}

Status gatherND(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  const Shape &d = i[0].shape, &ind = i[1].shape;
  const int64_t b = a.getInt("batch_dims", 0);
  if (ind.empty()) return invalidArgument("indices must have rank 1 or more");
  const int64_t last = ind.back();
  if (b < 0 || b >= static_cast<int64_t>(std::min(d.size(), ind.size())) || last < 1 ||
      b + last > static_cast<int64_t>(d.size()))
    return invalidArgument("indices " + shapeToString(ind) + " do not fit data " + shapeToString(d));
  for (int64_t k = 0; k < b; ++k)
    if (d[k] != ind[k]) return invalidArgument("batch dimensions of data and indices differ");
  Shape s(ind.begin(), ind.end() - 1);
  s.insert(s.end(), d.begin() + b + last, d.end());
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status scatterND(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  const Shape &d = i[0].shape, &ind = i[1].shape, &u = i[2].shape;
  if (ind.empty() || ind.back() < 1 || ind.back() > static_cast<int64_t>(d.size()))
    return invalidArgument("indices " + shapeToString(ind) + " do not fit data " + shapeToString(d));
  Shape want(ind.begin(), ind.end() - 1);
  want.insert(want.end(), d.begin() + ind.back(), d.end());
  if (u != want) return invalidArgument("updates " + shapeToString(u) + " should be " + shapeToString(want));
  o[0] = {i[0].dtype, d};
  return Status::OK();
}

Status oneHot(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  std::vector<int64_t> depth;
  if (isFloat(i[1].dtype)) {
    std::vector<float> f;
    ZY_RETURN_IF_ERROR(readFloats(i[1], &f));
    for (float x : f) depth.push_back(static_cast<int64_t>(x));
  } else {
    ZY_RETURN_IF_ERROR(readInts(i[1], &depth));
  }
  if (depth.size() != 1 || depth[0] < 1) return invalidArgument("depth must be a positive scalar");
  if (numElements(i[2].shape) != 2) return invalidArgument("values must have two elements");
  const int64_t r = static_cast<int64_t>(i[0].shape.size()) + 1;
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", -1), r, &axis));
  Shape s = i[0].shape;
  s.insert(s.begin() + axis, depth[0]);
  o[0] = {i[2].dtype, s};
  return Status::OK();
}

Status trilu(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (i[0].shape.size() < 2) return invalidArgument("input must have rank 2 or more");
  return sameAsInput(a, i, o);
}

Status cumSum(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (numElements(i[1].shape) != 1) return invalidArgument("axis must be a scalar");
  return sameAsInput(a, i, o);
}

Status depthToSpace(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  const Shape& x = i[0].shape;
  const int64_t b = a.getInt("blocksize", 0);
  if (x.size() != 4 || b < 1 || x[1] % (b * b) != 0) return invalidArgument("input " + shapeToString(x) + " does not fit blocksize " + std::to_string(b));
  o[0] = {i[0].dtype, {x[0], x[1] / (b * b), x[2] * b, x[3] * b}};
  return Status::OK();
}

Status spaceToDepth(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  const Shape& x = i[0].shape;
  const int64_t b = a.getInt("blocksize", 0);
  if (x.size() != 4 || b < 1 || x[2] % b != 0 || x[3] % b != 0) return invalidArgument("input " + shapeToString(x) + " does not fit blocksize " + std::to_string(b));
  o[0] = {i[0].dtype, {x[0], x[1] * b * b, x[2] / b, x[3] / b}};
  return Status::OK();
}

Status topK(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::vector<int64_t> k;
  ZY_RETURN_IF_ERROR(readInts(i[1], &k));
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", -1), i[0].shape.size(), &axis));
  if (k.size() != 1 || k[0] < 0 || k[0] > i[0].shape[axis]) return invalidArgument("k is out of range");
  Shape s = i[0].shape;
  s[axis] = k[0];
  o[0] = {i[0].dtype, s};
  if (o.size() > 1) o[1] = {DType::I64, s};
  return Status::OK();
}

Status instanceNorm(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  if (i[0].shape.size() < 3) return invalidArgument("input must have rank 3 or more");
  const Shape c = {i[0].shape[1]};
  if (i[1].shape != c || i[2].shape != c) return invalidArgument("scale and B must have shape [C]");
  return sameAsInput(a, i, o);
}

Status layerNorm(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const int64_t r = static_cast<int64_t>(i[0].shape.size());
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", -1), r, &axis));
  const Shape norm(i[0].shape.begin() + axis, i[0].shape.end());
  for (size_t k = 1; k < 3; ++k) {
    if (!in(i, k).present()) continue;
    Shape s;
    ZY_RETURN_IF_ERROR(broadcastShapes(norm, i[k].shape, &s));
    if (s != norm) return invalidArgument("scale/B " + shapeToString(i[k].shape) + " do not broadcast to " + shapeToString(norm));
  }
  o[0] = {i[0].dtype, i[0].shape};
  Shape stat = i[0].shape;
  for (int64_t k = axis; k < r; ++k) stat[k] = 1;
  for (size_t k = 1; k < o.size(); ++k) o[k] = {DType::F32, stat};
  return Status::OK();
}

Status size(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  o[0] = {DType::I64, {}};
  return Status::OK();
}

Status eyeLike(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (i[0].shape.size() != 2) return invalidArgument("input must be 2-D");
  DType t = a.has("dtype") ? dtypeFromOnnx(static_cast<int>(a.getInt("dtype", 1))) : i[0].dtype;
  if (t == DType::Undefined) return unsupported("dtype is not supported");
  o[0] = {t, i[0].shape};
  return Status::OK();
}

// Compress: the kept count depends on the condition's values.
Status compress(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (i[1].dtype != DType::Bool || i[1].shape.size() != 1) return invalidArgument("condition must be a 1-D bool tensor");
  if (!i[1].data && numElements(i[1].shape) > 0) return invalidArgument("value is not known at compile time");
  const uint8_t* cond = static_cast<const uint8_t*>(i[1].data);
  int64_t kept = 0;
  for (int64_t k = 0; k < i[1].shape[0]; ++k) kept += cond[k] != 0;
  if (!a.has("axis")) {
    if (i[1].shape[0] > numElements(i[0].shape)) return invalidArgument("condition is longer than the input");
    o[0] = {i[0].dtype, {kept}};
    return Status::OK();
  }
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), i[0].shape.size(), &axis));
  if (i[1].shape[0] > i[0].shape[axis]) return invalidArgument("condition is longer than the axis");
  o[0] = {i[0].dtype, i[0].shape};
  o[0].shape[axis] = kept;
  return Status::OK();
}

Status reverseSequence(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  const int64_t b = a.getInt("batch_axis", 1), t = a.getInt("time_axis", 0);
  if (i[0].shape.size() < 2 || (b != 0 && b != 1) || (t != 0 && t != 1) || b == t) return invalidArgument("batch_axis and time_axis must be 0 and 1");
  if (i[1].shape != Shape{i[0].shape[b]}) return invalidArgument("sequence_lens must have one value per batch");
  return sameAsInput(a, i, o);
}

Status maxUnpool(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  const Shape& x = i[0].shape;
  if (x.size() < 3 || i[1].shape != x) return invalidArgument("X and I must have the same shape, rank 3 or more");
  if (in(i, 2).present()) {
    std::vector<int64_t> shape;
    ZY_RETURN_IF_ERROR(readInts(i[2], &shape));
    if (shape.size() != x.size()) return invalidArgument("output_shape has the wrong rank");
    o[0] = {i[0].dtype, shape};
    return Status::OK();
  }
  const std::vector<int64_t> k = a.getInts("kernel_shape");
  const size_t n = x.size() - 2;
  std::vector<int64_t> st = a.getInts("strides"), pads = a.getInts("pads");
  if (k.size() != n) return invalidArgument("kernel_shape is required");
  if (st.empty()) st.assign(n, 1);
  if (pads.empty()) pads.assign(2 * n, 0);
  Shape s = {x[0], x[1]};
  for (size_t d = 0; d < n; ++d) s.push_back((x[d + 2] - 1) * st[d] + k[d] - pads[d] - pads[d + n]);
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status lrn(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  if (a.getInt("size", 0) < 1) return invalidArgument("size must be positive");
  if (i[0].shape.size() < 2) return invalidArgument("X must have rank 2 or more");
  return sameAsInput(a, i, o);
}

Status nonZero(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  std::vector<std::vector<int64_t>> coords;
  ZY_RETURN_IF_ERROR(computeNonZero(i[0], &coords));
  o[0] = {DType::I64, {static_cast<int64_t>(i[0].shape.size()), coords.empty() ? 0 : static_cast<int64_t>(coords[0].size())}};
  return Status::OK();
}

Status unique(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  UniqueResult r;
  ZY_RETURN_IF_ERROR(computeUnique(a, i[0], &r));
  o[0] = {i[0].dtype, r.y_shape};
  const int64_t u = static_cast<int64_t>(r.counts.size());
  if (o.size() > 1) o[1] = {DType::I64, {u}};
  if (o.size() > 2) o[2] = {DType::I64, {static_cast<int64_t>(r.inverse.size())}};
  if (o.size() > 3) o[3] = {DType::I64, {u}};
  return Status::OK();
}

Status nms(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  std::vector<int64_t> sel;
  ZY_RETURN_IF_ERROR(computeNms(a, i, &sel));
  o[0] = {DType::I64, {static_cast<int64_t>(sel.size() / 3), 3}};
  return Status::OK();
}

// RNN, GRU, LSTM: X [seq, batch, input] (layout 0) or [batch, seq, input].
Status recurrent(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o, int gates) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const Shape &x = i[0].shape, &w = i[1].shape, &r = i[2].shape;
  const std::string dir = a.getString("direction", "forward");
  if (dir != "forward" && dir != "reverse" && dir != "bidirectional") return invalidArgument("unknown direction '" + dir + "'");
  const int64_t dirs = dir == "bidirectional" ? 2 : 1;
  const bool batch_first = a.getInt("layout", 0) != 0;
  if (x.size() != 3 || w.size() != 3 || r.size() != 3) return invalidArgument("X, W and R must be 3-D");
  const int64_t seq = batch_first ? x[1] : x[0], batch = batch_first ? x[0] : x[1];
  const int64_t hidden = a.getInt("hidden_size", r[2]);
  if (w[0] != dirs || w[1] != gates * hidden || w[2] != x[2])
    return invalidArgument("W " + shapeToString(w) + " does not match " + std::to_string(dirs) + " direction(s), " +
                           std::to_string(gates) + " gates of hidden size " + std::to_string(hidden));
  if (r != Shape{dirs, gates * hidden, hidden}) return invalidArgument("R " + shapeToString(r) + " does not match W");
  if (in(i, 3).present() && i[3].shape != Shape{dirs, 2 * gates * hidden}) return invalidArgument("B has the wrong shape");
  if (in(i, 4).present() && i[4].shape != Shape{batch}) return invalidArgument("sequence_lens must be [batch]");
  const Shape state = batch_first ? Shape{batch, dirs, hidden} : Shape{dirs, batch, hidden};
  for (size_t k = 5; k < 7 && k < i.size(); ++k)
    if (in(i, k).present() && i[k].shape != state) return invalidArgument("initial state " + shapeToString(i[k].shape) + " should be " + shapeToString(state));
  if (gates == 4 && in(i, 7).present() && i[7].shape != Shape{dirs, 3 * hidden}) return invalidArgument("P must be [dirs, 3*hidden]");
  o[0] = {i[0].dtype, batch_first ? Shape{batch, seq, dirs, hidden} : Shape{seq, dirs, batch, hidden}};
  for (size_t k = 1; k < o.size(); ++k) o[k] = {i[0].dtype, state};
  return Status::OK();
}

Status rnn(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return recurrent(a, i, o, 1); }
Status gru(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return recurrent(a, i, o, 3); }
Status lstm(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return recurrent(a, i, o, 4); }

// HannWindow, HammingWindow, BlackmanWindow: [size] of output_datatype.
Status window(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  std::vector<int64_t> size;
  ZY_RETURN_IF_ERROR(readInts(i[0], &size));
  if (size.size() != 1 || size[0] < 0) return invalidArgument("size must be a non-negative scalar");
  const DType t = dtypeFromOnnx(static_cast<int>(a.getInt("output_datatype", 1)));
  if (t == DType::Undefined) return unsupported("output_datatype is not supported");
  o[0] = {t, {size[0]}};
  return Status::OK();
}

// GridSample: X [N, C, H, W], grid [N, Ho, Wo, 2] -> [N, C, Ho, Wo].
Status gridSample(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const Shape &x = i[0].shape, &g = i[1].shape;
  if (x.size() != 4 || g.size() != 4 || g[0] != x[0] || g[3] != 2) return invalidArgument("X must be [N,C,H,W] and grid [N,Ho,Wo,2]");
  const std::string mode = a.getString("mode", "bilinear"), pad = a.getString("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic") return invalidArgument("unknown mode '" + mode + "'");
  if (pad != "zeros" && pad != "border" && pad != "reflection") return invalidArgument("unknown padding_mode '" + pad + "'");
  o[0] = {i[0].dtype, {x[0], x[1], g[1], g[2]}};
  return Status::OK();
}

}  // namespace

void registerTensorInference(InferRegistry& r) {
  r["HannWindow"] = window;
  r["HammingWindow"] = window;
  r["BlackmanWindow"] = window;
  r["GridSample"] = gridSample;
  r["RNN"] = rnn;
  r["GRU"] = gru;
  r["LSTM"] = lstm;
  r["NonZero"] = nonZero;
  r["Unique"] = unique;
  r["NonMaxSuppression"] = nms;
  r["Compress"] = compress;
  r["ReverseSequence"] = reverseSequence;
  r["MaxUnpool"] = maxUnpool;
  r["LRN"] = lrn;
  r["MeanVarianceNormalization"] = floatUnary;
  r["Expand"] = expand;
  r["Tile"] = tile;
  r["ConstantOfShape"] = constantOfShape;
  r["Range"] = range;
  r["GatherElements"] = indicesLike;
  r["ScatterElements"] = scatterElements;
  r["GatherND"] = gatherND;
  r["ScatterND"] = scatterND;
  r["OneHot"] = oneHot;
  r["Trilu"] = trilu;
  r["CumSum"] = cumSum;
  r["DepthToSpace"] = depthToSpace;
  r["SpaceToDepth"] = spaceToDepth;
  r["TopK"] = topK;
  r["InstanceNormalization"] = instanceNorm;
  r["LayerNormalization"] = layerNorm;
  r["Size"] = size;
  r["EyeLike"] = eyeLike;
}

}  // namespace zy
