#include "ops/shape_inference.h"

#include "ops/infer_common.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

namespace zy {
namespace infer {

const ValueInfo& in(const std::vector<ValueInfo>& v, size_t i) {
  static const ValueInfo kAbsent;
  return i < v.size() ? v[i] : kAbsent;
}

Status requireInputs(const std::vector<ValueInfo>& v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (i >= v.size() || !v[i].present()) return invalidArgument(strFormat("input %zu is missing", i));
  return Status::OK();
}

Status requireFloat(const ValueInfo& v, const char* what) {
  if (v.dtype != DType::F32 && v.dtype != DType::F64 && v.dtype != DType::F16)
    return unsupported(std::string(what) + " has dtype " + dtypeName(v.dtype) + "; only float types are supported");
  return Status::OK();
}

Status sameAsInput(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  o[0].dtype = i[0].dtype;
  o[0].shape = i[0].shape;
  return Status::OK();
}

Status floatUnary(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  return sameAsInput(a, i, o);
}

Status broadcastN(const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o, bool numeric) {
  if (i.empty()) return invalidArgument("needs at least one input");
  ZY_RETURN_IF_ERROR(requireInputs(i, i.size()));
  Shape s = i[0].shape;
  for (size_t k = 1; k < i.size(); ++k) {
    if (i[k].dtype != i[0].dtype)
      return invalidArgument(std::string("input dtypes differ: ") + dtypeName(i[0].dtype) + " and " + dtypeName(i[k].dtype));
    ZY_RETURN_IF_ERROR(broadcastShapes(s, i[k].shape, &s));
  }
  if (numeric && i[0].dtype == DType::Bool) return unsupported("bool inputs are not supported");
  o[0].dtype = i[0].dtype;
  o[0].shape = s;
  return Status::OK();
}

}  // namespace infer

namespace {

using namespace infer;

Status binary(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  return broadcastN(i, o, true);
}

Status variadic(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  return broadcastN(i, o, true);
}

Status prelu(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  Shape s;
  ZY_RETURN_IF_ERROR(broadcastShapes(i[0].shape, i[1].shape, &s));
  if (s != i[0].shape) return invalidArgument("slope " + shapeToString(i[1].shape) + " does not broadcast to X " + shapeToString(i[0].shape));
  o[0] = {i[0].dtype, i[0].shape};
  return Status::OK();
}

Status clip(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  for (size_t k = 1; k < 3; ++k)
    if (in(i, k).present() && numElements(i[k].shape) != 1) return invalidArgument("min and max must be scalars");
  return sameAsInput(a, i, o);
}

}  // namespace

namespace infer {

Status convOutputShape(const Attributes& a, const Shape& x, const Shape& w, const ValueInfo& bias, Shape* out) {
  if (x.size() < 3) return invalidArgument("X must have rank 3 or more, got " + shapeToString(x));
  if (w.size() != x.size()) return invalidArgument("weight " + shapeToString(w) + " and input " + shapeToString(x) + " differ in rank");
  int64_t group = a.getInt("group", 1);
  if (group <= 0) return invalidArgument("group must be positive");
  if (x[1] != w[1] * group)
    return invalidArgument(strFormat("input has %lld channels but weight %s with group %lld expects %lld",
                                     (long long)x[1], shapeToString(w).c_str(), (long long)group, (long long)(w[1] * group)));
  if (w[0] % group != 0) return invalidArgument("output channels are not divisible by group");
  std::vector<int64_t> kernel(w.begin() + 2, w.end());
  std::vector<int64_t> ks = a.getInts("kernel_shape");
  if (!ks.empty() && ks != kernel)
    return invalidArgument("kernel_shape " + shapeToString(ks) + " does not match weight shape " + shapeToString(w));
  if (bias.present() && (bias.shape.size() != 1 || bias.shape[0] != w[0]))
    return invalidArgument("bias " + shapeToString(bias.shape) + " does not match " + std::to_string(w[0]) + " output channels");
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, std::vector<int64_t>(x.begin() + 2, x.end()), kernel, false, &g));
  *out = {x[0], w[0]};
  out->insert(out->end(), g.out.begin(), g.out.end());
  return Status::OK();
}

}  // namespace infer

namespace {

Status conv(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  o[0].dtype = i[0].dtype;
  ZY_RETURN_IF_ERROR(convOutputShape(a, i[0].shape, i[1].shape, in(i, 2), &o[0].shape));
  // Input 3 (a Zhongyuan extension, made by the compiler's fusion): a
  // residual added to the output before the fused activation.
  if (in(i, 3).present() && (i[3].dtype != o[0].dtype || i[3].shape != o[0].shape))
    return invalidArgument("residual (input 3) " + shapeToString(i[3].shape) + " does not match the output " + shapeToString(o[0].shape));
  return Status::OK();
}

Status convTranspose(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const Shape& x = i[0].shape;
  const Shape& w = i[1].shape;
  if (x.size() < 3 || w.size() != x.size()) return invalidArgument("X " + shapeToString(x) + " and W " + shapeToString(w) + " do not fit");
  int64_t group = a.getInt("group", 1);
  if (group <= 0 || x[1] != w[0]) return invalidArgument("input channels do not match the weight's first dimension");
  std::vector<int64_t> kernel(w.begin() + 2, w.end());
  std::vector<int64_t> ks = a.getInts("kernel_shape");
  if (!ks.empty() && ks != kernel)
    return invalidArgument("kernel_shape " + shapeToString(ks) + " does not match weight shape " + shapeToString(w));
  if (in(i, 2).present() && (i[2].shape.size() != 1 || i[2].shape[0] != w[1] * group))
    return invalidArgument("bias does not match the output channels");
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeConvTransposeWindow(a, std::vector<int64_t>(x.begin() + 2, x.end()), kernel, &g));
  o[0].dtype = i[0].dtype;
  o[0].shape = {x[0], w[1] * group};
  o[0].shape.insert(o[0].shape.end(), g.out.begin(), g.out.end());
  return Status::OK();
}

Status pool(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o, bool allow_int8) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (!(allow_int8 && (i[0].dtype == DType::I8 || i[0].dtype == DType::U8))) ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const Shape& x = i[0].shape;
  if (x.size() < 3) return invalidArgument("X must have rank 3 or more, got " + shapeToString(x));
  std::vector<int64_t> kernel = a.getInts("kernel_shape");
  if (kernel.empty()) return invalidArgument("kernel_shape is required");
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, std::vector<int64_t>(x.begin() + 2, x.end()), kernel, a.getInt("ceil_mode", 0) != 0, &g));
  Shape s = {x[0], x[1]};
  s.insert(s.end(), g.out.begin(), g.out.end());
  o[0] = {i[0].dtype, s};
  if (o.size() > 1) o[1] = {DType::I64, s};  // MaxPool Indices
  return Status::OK();
}

// MaxPool also takes 8-bit integers (opset 12); AveragePool only floats.
Status maxPool(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return pool(a, i, o, true); }
Status averagePool(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return pool(a, i, o, false); }

Status globalPool(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  if (i[0].shape.size() < 2) return invalidArgument("X must have rank 2 or more");
  Shape s = i[0].shape;
  for (size_t k = 2; k < s.size(); ++k) s[k] = 1;
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status batchNorm(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 5));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  if (i[0].shape.size() < 2) return invalidArgument("X must have rank 2 or more");
  int64_t c = i[0].shape[1];
  for (size_t k = 1; k < 5; ++k)
    if (i[k].shape != Shape{c}) return invalidArgument("scale, B, mean and var must have shape [" + std::to_string(c) + "]");
  o[0] = {i[0].dtype, i[0].shape};
  for (size_t k = 1; k < o.size(); ++k) o[k] = {i[0].dtype, {c}};
  return Status::OK();
}

Status gemm(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "A"));
  const Shape &A = i[0].shape, &B = i[1].shape;
  if (A.size() != 2 || B.size() != 2) return invalidArgument("A " + shapeToString(A) + " and B " + shapeToString(B) + " must be 2-D");
  bool ta = a.getInt("transA", 0) != 0, tb = a.getInt("transB", 0) != 0;
  int64_t M = ta ? A[1] : A[0], K = ta ? A[0] : A[1];
  int64_t K2 = tb ? B[1] : B[0], N = tb ? B[0] : B[1];
  if (K != K2) return invalidArgument("inner dimensions of A " + shapeToString(A) + " and B " + shapeToString(B) + " differ");
  if (in(i, 2).present()) {
    Shape s;
    ZY_RETURN_IF_ERROR(broadcastShapes({M, N}, i[2].shape, &s));
    if (s != Shape{M, N}) return invalidArgument("C " + shapeToString(i[2].shape) + " does not broadcast to [M,N]");
  }
  o[0] = {i[0].dtype, {M, N}};
  return Status::OK();
}

Status matmul(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "A"));
  Shape A = i[0].shape, B = i[1].shape;
  if (A.empty() || B.empty()) return invalidArgument("MatMul inputs must not be scalars");
  bool a1 = A.size() == 1, b1 = B.size() == 1;
  if (a1) A.insert(A.begin(), 1);
  if (b1) B.push_back(1);
  if (A.back() != B[B.size() - 2])
    return invalidArgument("inner dimensions of " + shapeToString(i[0].shape) + " and " + shapeToString(i[1].shape) + " differ");
  Shape batch;
  ZY_RETURN_IF_ERROR(broadcastShapes(Shape(A.begin(), A.end() - 2), Shape(B.begin(), B.end() - 2), &batch));
  if (!a1) batch.push_back(A[A.size() - 2]);
  if (!b1) batch.push_back(B.back());
  o[0] = {i[0].dtype, batch};
  return Status::OK();
}

Status softmax(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", -1), std::max<int64_t>(1, i[0].shape.size()), &axis));
  return sameAsInput(a, i, o);
}

Status cast(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  DType to = dtypeFromOnnx(static_cast<int>(a.getInt("to", 0)));
  if (to == DType::Undefined)
    return unsupported(strFormat("Cast to ONNX type %lld is not supported (string and complex types are not)", (long long)a.getInt("to", 0)));
  o[0] = {to, i[0].shape};
  return Status::OK();
}

Status concat(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  if (i.empty()) return invalidArgument("needs at least one input");
  ZY_RETURN_IF_ERROR(requireInputs(i, i.size()));
  int64_t r = static_cast<int64_t>(i[0].shape.size()), axis;
  if (!a.has("axis")) return invalidArgument("axis is required");
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), r, &axis));
  Shape s = i[0].shape;
  for (size_t k = 1; k < i.size(); ++k) {
    if (i[k].dtype != i[0].dtype) return invalidArgument("input dtypes differ");
    if (static_cast<int64_t>(i[k].shape.size()) != r) return invalidArgument("inputs differ in rank");
    for (int64_t d = 0; d < r; ++d) {
      if (d == axis) s[d] += i[k].shape[d];
      else if (i[k].shape[d] != s[d])
        return invalidArgument("input " + std::to_string(k) + " " + shapeToString(i[k].shape) + " does not fit " + shapeToString(i[0].shape));
    }
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status split(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), i[0].shape.size(), &axis));
  std::vector<int64_t> sp, sizes;
  bool given = in(i, 1).present();
  if (given) ZY_RETURN_IF_ERROR(readInts(i[1], &sp));
  ZY_RETURN_IF_ERROR(computeSplit(a, i[0].shape, axis, o.size(), sp, given, &sizes));
  for (size_t k = 0; k < o.size(); ++k) {
    o[k] = {i[0].dtype, i[0].shape};
    o[k].shape[axis] = sizes[k];
  }
  return Status::OK();
}

Status slice(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  std::vector<int64_t> st, en, ax, sp;
  ZY_RETURN_IF_ERROR(readInts(i[1], &st));
  ZY_RETURN_IF_ERROR(readInts(i[2], &en));
  if (in(i, 3).present()) ZY_RETURN_IF_ERROR(readInts(i[3], &ax));
  if (in(i, 4).present()) ZY_RETURN_IF_ERROR(readInts(i[4], &sp));
  SliceParams p;
  ZY_RETURN_IF_ERROR(computeSlice(i[0].shape, st, en, ax, sp, &p));
  o[0] = {i[0].dtype, p.count};
  return Status::OK();
}

Status reshape(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::vector<int64_t> target;
  ZY_RETURN_IF_ERROR(readInts(i[1], &target));
  bool allowzero = a.getInt("allowzero", 0) != 0;
  int64_t total = numElements(i[0].shape), known = 1, infer = -1;
  Shape s(target.size());
  for (size_t k = 0; k < target.size(); ++k) {
    int64_t d = target[k];
    if (d == 0 && !allowzero) {
      if (k >= i[0].shape.size()) return invalidArgument("shape has a 0 beyond the input's rank");
      d = i[0].shape[k];
    }
    if (d == -1) {
      if (infer >= 0) return invalidArgument("shape has more than one -1");
      infer = static_cast<int64_t>(k);
      continue;
    }
    if (d < 0) return invalidArgument("shape has a negative dimension");
    s[k] = d;
    known *= d;
  }
  if (infer >= 0) {
    if (known == 0 || total % known != 0)
      return invalidArgument("cannot reshape " + shapeToString(i[0].shape) + " to " + shapeToString(target));
    s[infer] = total / known;
  } else if (known != total) {
    return invalidArgument("cannot reshape " + shapeToString(i[0].shape) + " to " + shapeToString(target));
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status flatten(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  int64_t r = static_cast<int64_t>(i[0].shape.size()), axis = a.getInt("axis", 1);
  if (axis < -r || axis > r) return invalidArgument("axis is out of range");
  if (axis < 0) axis += r;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < r; ++k) (k < axis ? outer : inner) *= i[0].shape[k];
  o[0] = {i[0].dtype, {outer, inner}};
  return Status::OK();
}

Status transpose(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  int64_t r = static_cast<int64_t>(i[0].shape.size());
  std::vector<int64_t> perm = a.getInts("perm");
  if (perm.empty()) for (int64_t k = r - 1; k >= 0; --k) perm.push_back(k);
  if (static_cast<int64_t>(perm.size()) != r) return invalidArgument("perm " + shapeToString(perm) + " does not match rank " + std::to_string(r));
  std::vector<bool> seen(r, false);
  Shape s(r);
  for (int64_t k = 0; k < r; ++k) {
    int64_t p;
    ZY_RETURN_IF_ERROR(normalizeAxis(perm[k], r, &p));
    if (seen[p]) return invalidArgument("perm is not a permutation");
    seen[p] = true;
    s[k] = i[0].shape[p];
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status squeeze(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  int64_t r = static_cast<int64_t>(i[0].shape.size());
  std::vector<int64_t> axes;
  if (in(i, 1).present()) ZY_RETURN_IF_ERROR(readInts(i[1], &axes));
  std::vector<bool> drop(r, false);
  if (axes.empty()) {
    for (int64_t k = 0; k < r; ++k) drop[k] = i[0].shape[k] == 1;
  } else {
    for (int64_t ax : axes) {
      int64_t n;
      ZY_RETURN_IF_ERROR(normalizeAxis(ax, r, &n));
      if (i[0].shape[n] != 1) return invalidArgument("cannot squeeze axis " + std::to_string(ax) + " of size " + std::to_string(i[0].shape[n]));
      drop[n] = true;
    }
  }
  Shape s;
  for (int64_t k = 0; k < r; ++k) if (!drop[k]) s.push_back(i[0].shape[k]);
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status unsqueeze(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::vector<int64_t> axes;
  ZY_RETURN_IF_ERROR(readInts(i[1], &axes));
  int64_t r = static_cast<int64_t>(i[0].shape.size() + axes.size());
  std::vector<bool> add(r, false);
  for (int64_t ax : axes) {
    int64_t n;
    ZY_RETURN_IF_ERROR(normalizeAxis(ax, r, &n));
    if (add[n]) return invalidArgument("axes has a repeated axis");
    add[n] = true;
  }
  Shape s;
  size_t src = 0;
  for (int64_t k = 0; k < r; ++k) s.push_back(add[k] ? 1 : i[0].shape[src++]);
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status dropout(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(sameAsInput(a, i, o));
  if (o.size() > 1) o[1] = {DType::Bool, i[0].shape};
  return Status::OK();
}

Status shapeOp(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  int64_t start, end;
  shapeRange(a, static_cast<int64_t>(i[0].shape.size()), &start, &end);
  o[0] = {DType::I64, {end - start}};
  return Status::OK();
}

Status gather(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (i[1].dtype != DType::I64 && i[1].dtype != DType::I32) return invalidArgument("indices must be i32 or i64");
  int64_t r = static_cast<int64_t>(i[0].shape.size()), axis;
  if (r == 0) return invalidArgument("data must not be a scalar");
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), r, &axis));
  Shape s(i[0].shape.begin(), i[0].shape.begin() + axis);
  s.insert(s.end(), i[1].shape.begin(), i[1].shape.end());
  s.insert(s.end(), i[0].shape.begin() + axis + 1, i[0].shape.end());
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status pad(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  std::string mode = a.getString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return invalidArgument("unknown mode '" + mode + "'");
  std::vector<int64_t> pads, axes, b, e;
  ZY_RETURN_IF_ERROR(readInts(i[1], &pads));
  bool axes_given = in(i, 3).present();
  if (axes_given) ZY_RETURN_IF_ERROR(readInts(i[3], &axes));
  ZY_RETURN_IF_ERROR(computePads(i[0].shape, pads, axes, axes_given, &b, &e));
  Shape s = i[0].shape;
  for (size_t k = 0; k < s.size(); ++k) {
    if ((mode == "reflect" || mode == "edge" || mode == "wrap") && s[k] == 0 && (b[k] || e[k]))
      return invalidArgument("cannot pad an empty axis in mode " + mode);
    if (mode == "reflect" && (b[k] >= s[k] || e[k] >= s[k]) && (b[k] > 0 || e[k] > 0) && s[k] < 2)
      return invalidArgument("reflect padding needs an axis of at least 2");
    s[k] += b[k] + e[k];
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status resize(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  std::string mode = a.getString("mode", "nearest");
  if (i[0].dtype == DType::U8 || i[0].dtype == DType::I8) {
    // 8-bit data (int8 models) only moves: nearest picks values, the other modes would need the int8 spec's rounding.
    if (mode != "nearest") return unsupported("8-bit Resize takes mode nearest only, got '" + mode + "'");
  } else {
    ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  }
  if (mode != "nearest" && mode != "linear" && mode != "cubic") return invalidArgument("unknown mode '" + mode + "'");
  if (a.getInt("antialias", 0) != 0) return unsupported("antialias is not supported");
  std::vector<float> scales;
  std::vector<int64_t> sizes;
  if (in(i, 3).present() && numElements(i[3].shape) > 0) ZY_RETURN_IF_ERROR(readInts(i[3], &sizes));
  else if (in(i, 2).present() && numElements(i[2].shape) > 0) ZY_RETURN_IF_ERROR(readFloats(i[2], &scales));
  else return invalidArgument("one of scales and sizes is required");
  Shape s;
  std::vector<float> eff;
  ZY_RETURN_IF_ERROR(computeResizeShape(a, i[0].shape, scales, sizes, &s, &eff));
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status reduce(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  std::vector<int64_t> axes_in, axes;
  bool given = in(i, 1).present();
  if (given) ZY_RETURN_IF_ERROR(readInts(i[1], &axes_in));
  int64_t r = static_cast<int64_t>(i[0].shape.size());
  ZY_RETURN_IF_ERROR(computeReduceAxes(a, r, axes_in, given, &axes));
  bool keep = a.getInt("keepdims", 1) != 0;
  Shape s;
  for (int64_t k = 0; k < r; ++k) {
    bool red = std::find(axes.begin(), axes.end(), k) != axes.end();
    if (!red) s.push_back(i[0].shape[k]);
    else if (keep) s.push_back(1);
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

const InferRegistry& registry() {
  static const InferRegistry r = [] {
    InferRegistry r = {
      {"Conv", conv}, {"ConvTranspose", convTranspose},
      {"Gemm", gemm}, {"MatMul", matmul}, {"BatchNormalization", batchNorm},
      {"Relu", floatUnary}, {"LeakyRelu", floatUnary}, {"PRelu", prelu}, {"Clip", clip},
      {"Sigmoid", floatUnary}, {"HardSigmoid", floatUnary}, {"HardSwish", floatUnary}, {"Tanh", floatUnary},
      {"Add", binary}, {"Sub", binary}, {"Mul", binary}, {"Div", binary}, {"Sum", variadic},
      {"MaxPool", maxPool}, {"AveragePool", averagePool},
      {"GlobalAveragePool", globalPool}, {"GlobalMaxPool", globalPool},
      {"Concat", concat}, {"Split", split}, {"Slice", slice}, {"Reshape", reshape},
      {"Flatten", flatten}, {"Transpose", transpose}, {"Squeeze", squeeze}, {"Unsqueeze", unsqueeze},
      {"Identity", sameAsInput}, {"Dropout", dropout}, {"Shape", shapeOp}, {"Gather", gather},
      {"Pad", pad}, {"Resize", resize}, {"Softmax", softmax}, {"ReduceMean", reduce}, {"Cast", cast},
    };
    registerMathInference(r);
    registerTensorInference(r);
    registerQuantInference(r);
    return r;
  }();
  return r;
}

}  // namespace

Status inferOutputs(const std::string& type, const Attributes& attrs, const std::vector<ValueInfo>& inputs,
                    size_t num_outputs, std::vector<ValueInfo>* outputs) {
  auto it = registry().find(type);
  if (it == registry().end()) return unsupported("op type '" + type + "' is not supported");
  if (num_outputs == 0) return invalidArgument("op has no outputs");
  outputs->assign(num_outputs, ValueInfo{});
  for (const auto& v : inputs) {
    if (!v.present()) continue;
    if (v.shape.size() > ZY_MAX_RANK) return unsupported(strFormat("rank %zu exceeds the maximum of %d", v.shape.size(), ZY_MAX_RANK));
    for (int64_t d : v.shape)
      if (d < 0) return invalidArgument("input shape " + shapeToString(v.shape) + " is not fully known");
  }
  ZY_RETURN_IF_ERROR(it->second(attrs, inputs, *outputs));
  for (const auto& v : *outputs) {
    if (numElements(v.shape) < 0) return invalidArgument("output shape " + shapeToString(v.shape) + " is invalid");
    if (v.shape.size() > ZY_MAX_RANK) return unsupported("output rank exceeds the maximum");
  }
  return Status::OK();
}

bool isSupportedOpType(const std::string& type) { return registry().count(type) != 0; }

std::vector<std::string> supportedOpTypes() {
  std::vector<std::string> v;
  for (const auto& [k, _] : registry()) v.push_back(k);
  return v;
}

bool isValueNotKnown(const Status& s) {
  return !s.ok() && s.message().find("not known at compile time") != std::string::npos;
}

namespace infer {
Status inferConcat(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) { return concat(a, i, o); }
}  // namespace infer

}  // namespace zy
