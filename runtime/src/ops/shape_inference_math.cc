// Shape inference: elementwise math, comparison and logic, Where,
// reductions, ArgMax/ArgMin and the softmax family.
#include <algorithm>

#include "ops/infer_common.h"

namespace zy {
namespace {

using namespace infer;

bool isNumeric(DType t) { return t != DType::Bool && t != DType::Undefined; }

// Same dtype and shape, any numeric dtype.
Status numericUnary(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (!isNumeric(i[0].dtype)) return unsupported(std::string("dtype ") + dtypeName(i[0].dtype) + " is not supported");
  return sameAsInput(a, i, o);
}

// Float in, bool out (IsNaN, IsInf).
Status floatPredicate(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  o[0] = {DType::Bool, i[0].shape};
  return Status::OK();
}

Status numericVariadic(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  return broadcastN(i, o, true);
}


// Pow: the exponent may have another numeric dtype; the result has the base's.
Status pow(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (!isNumeric(i[0].dtype) || !isNumeric(i[1].dtype)) return unsupported("Pow takes numeric tensors");
  Shape s;
  ZY_RETURN_IF_ERROR(broadcastShapes(i[0].shape, i[1].shape, &s));
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status mod(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (a.getInt("fmod", 0) == 0 && isFloat(i[0].dtype)) return invalidArgument("fmod must be 1 for float inputs");
  return broadcastN(i, o, true);
}

// Comparisons: same dtype in, bool out.
Status compare(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(broadcastN(i, o, false));
  o[0].dtype = DType::Bool;
  return Status::OK();
}

Status logicBinary(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (i[0].dtype != DType::Bool || i[1].dtype != DType::Bool) return invalidArgument("inputs must be bool");
  return broadcastN(i, o, false);
}

Status logicNot(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (i[0].dtype != DType::Bool) return invalidArgument("input must be bool");
  return sameAsInput(a, i, o);
}

Status where(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 3));
  if (i[0].dtype != DType::Bool) return invalidArgument("condition must be bool");
  if (i[1].dtype != i[2].dtype) return invalidArgument("X and Y differ in dtype");
  Shape s;
  ZY_RETURN_IF_ERROR(broadcastShapes(i[0].shape, i[1].shape, &s));
  ZY_RETURN_IF_ERROR(broadcastShapes(s, i[2].shape, &s));
  o[0] = {i[1].dtype, s};
  return Status::OK();
}

// Every Reduce*: axes input (normalized by the importer), keepdims,
// noop_with_empty_axes.
Status reduceAny(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  if (!isNumeric(i[0].dtype)) return unsupported(std::string("dtype ") + dtypeName(i[0].dtype) + " is not supported");
  std::vector<int64_t> axes_in, axes;
  bool given = in(i, 1).present();
  if (given) ZY_RETURN_IF_ERROR(readInts(i[1], &axes_in));
  const int64_t r = static_cast<int64_t>(i[0].shape.size());
  ZY_RETURN_IF_ERROR(computeReduceAxes(a, r, axes_in, given, &axes));
  const bool keep = a.getInt("keepdims", 1) != 0;
  Shape s;
  for (int64_t k = 0; k < r; ++k) {
    const bool red = std::find(axes.begin(), axes.end(), k) != axes.end();
    if (!red) s.push_back(i[0].shape[k]);
    else if (keep) s.push_back(1);
  }
  o[0] = {i[0].dtype, s};
  return Status::OK();
}

Status argReduce(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  const int64_t r = static_cast<int64_t>(i[0].shape.size());
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", 0), r, &axis));
  Shape s = i[0].shape;
  if (a.getInt("keepdims", 1) != 0) s[axis] = 1;
  else s.erase(s.begin() + axis);
  o[0] = {DType::I64, s};
  return Status::OK();
}

Status softmaxLike(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(a.getInt("axis", -1), std::max<size_t>(1, i[0].shape.size()), &axis));
  return sameAsInput(a, i, o);
}

Status castLike(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  o[0] = {i[1].dtype, i[0].shape};
  return Status::OK();
}

Status bitShift(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  const DType t = i[0].dtype;
  if (t != DType::U8 && t != DType::U16 && t != DType::U32 && t != DType::U64) return invalidArgument("BitShift takes unsigned integers");
  const std::string dir = a.getString("direction", "");
  if (dir != "LEFT" && dir != "RIGHT") return invalidArgument("direction must be LEFT or RIGHT");
  return broadcastN(i, o, true);
}

// Det: [..., M, M] -> [...].
Status det(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "X"));
  const Shape& x = i[0].shape;
  if (x.size() < 2 || x[x.size() - 1] != x[x.size() - 2]) return invalidArgument("input must be [..., M, M]");
  o[0] = {i[0].dtype, Shape(x.begin(), x.end() - 2)};
  return Status::OK();
}

// NegativeLogLikelihoodLoss: input [N, C, d...], target [N, d...].
Status nllLoss(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "input"));
  const Shape &x = i[0].shape, &t = i[1].shape;
  if (x.size() < 2 || t.size() + 1 != x.size()) return invalidArgument("input " + shapeToString(x) + " and target " + shapeToString(t) + " do not fit");
  for (size_t k = 0; k < t.size(); ++k)
    if (t[k] != x[k == 0 ? 0 : k + 1]) return invalidArgument("target " + shapeToString(t) + " does not match input " + shapeToString(x));
  if (in(i, 2).present() && i[2].shape != Shape{x[1]}) return invalidArgument("weight must have shape [C]");
  const std::string red = a.getString("reduction", "mean");
  if (red != "none" && red != "sum" && red != "mean") return invalidArgument("unknown reduction '" + red + "'");
  o[0] = {i[0].dtype, red == "none" ? t : Shape{}};
  for (size_t k = 1; k < o.size(); ++k) o[k] = {i[0].dtype, x};  // SoftmaxCrossEntropyLoss's log_prob
  return Status::OK();
}

Status einsumInfer(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  if (i.empty()) return invalidArgument("needs at least one input");
  ZY_RETURN_IF_ERROR(requireInputs(i, i.size()));
  std::vector<Shape> shapes;
  for (const auto& v : i) shapes.push_back(v.shape);
  EinsumPlan plan;
  ZY_RETURN_IF_ERROR(planEinsum(a.getString("equation", ""), shapes, &plan));
  o[0] = {i[0].dtype, plan.out_shape};
  return Status::OK();
}

// Fail: an If branch the compiler found cannot run for the compiled input
// sizes; reaching it is an error with the compiler's reason.
Status failOp(const Attributes& a, const std::vector<ValueInfo>&, std::vector<ValueInfo>&) {
  return invalidArgument(a.getString("message", "this op cannot run"));
}

}  // namespace

void registerMathInference(InferRegistry& r) {
  r["Fail"] = failOp;
  r["CastLike"] = castLike;
  r["BitShift"] = bitShift;
  r["Det"] = det;
  r["NegativeLogLikelihoodLoss"] = nllLoss;
  r["SoftmaxCrossEntropyLoss"] = nllLoss;
  r["Einsum"] = einsumInfer;
  for (const char* op : {"Erf", "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Round", "Sin", "Cos", "Tan",
                         "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softplus", "Softsign",
                         "Elu", "Selu", "Celu", "ThresholdedRelu", "Mish", "Shrink"})
    r[op] = floatUnary;
  for (const char* op : {"Abs", "Neg", "Sign"}) r[op] = numericUnary;
  for (const char* op : {"IsNaN", "IsInf"}) r[op] = floatPredicate;
  for (const char* op : {"Min", "Max", "Mean"}) r[op] = numericVariadic;
  r["Pow"] = pow;
  r["Mod"] = mod;
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) r[op] = compare;
  for (const char* op : {"And", "Or", "Xor"}) r[op] = logicBinary;
  r["Not"] = logicNot;
  r["Where"] = where;
  for (const char* op : {"ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                         "ReduceLogSumExp", "ReduceSumSquare"})
    r[op] = reduceAny;
  r["ArgMax"] = argReduce;
  r["ArgMin"] = argReduce;
  r["LogSoftmax"] = softmaxLike;
  r["Hardmax"] = softmaxLike;
}

}  // namespace zy
