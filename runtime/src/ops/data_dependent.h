// Ops whose output shapes depend on input values (NonZero, Unique,
// NonMaxSuppression). The whole computation lives here so that shape
// inference (which needs the result's size) and the kernels (which write the
// result) cannot disagree.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/op_helpers.h"

namespace zy {

// Coordinates of the non-zero elements, row-major: [rank][count].
Status computeNonZero(const ValueInfo& x, std::vector<std::vector<int64_t>>* coords);

struct UniqueResult {
  Shape y_shape;
  std::vector<int64_t> first_index;   // per unique element / slice
  std::vector<int64_t> inverse;       // per input element / slice
  std::vector<int64_t> counts;
  std::vector<int64_t> source;        // for each output slot, the input slice it copies
  int64_t axis = -1;                  // -1: flattened
};
Status computeUnique(const Attributes& attrs, const ValueInfo& x, UniqueResult* r);

// Selected (batch, class, box) triples, in ONNX order.
Status computeNms(const Attributes& attrs, const std::vector<ValueInfo>& inputs, std::vector<int64_t>* selected);

}  // namespace zy
