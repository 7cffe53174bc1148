// Internals of shape inference shared by its per-family files.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ops/op_helpers.h"

namespace zy {

using InferFn = std::function<Status(const Attributes&, const std::vector<ValueInfo>&, std::vector<ValueInfo>&)>;
using InferRegistry = std::map<std::string, InferFn>;

// Families register their ops (shape_inference_math.cc, shape_inference_tensor.cc).
void registerMathInference(InferRegistry& r);
void registerTensorInference(InferRegistry& r);
void registerQuantInference(InferRegistry& r);

namespace infer {

// Input i, or an absent value past the end.
const ValueInfo& in(const std::vector<ValueInfo>& v, size_t i);
Status requireInputs(const std::vector<ValueInfo>& v, size_t n);
Status requireFloat(const ValueInfo& v, const char* what);
// Output 0 = input 0's dtype and shape.
Status sameAsInput(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o);
Status floatUnary(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o);
// Output 0 = all inputs broadcast together (same dtype required).
Status broadcastN(const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o, bool numeric);

// Concat's output (also for QLinearConcat's X inputs).
Status inferConcat(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o);

// Conv's output shape (also for ConvInteger and QLinearConv).
Status convOutputShape(const Attributes& a, const Shape& x, const Shape& w, const ValueInfo& bias, Shape* out);

}  // namespace infer
}  // namespace zy
