// Evaluates one op on the reference backend, outside any session. Used by the
// compiler's constant folding and by tests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "ops/op_helpers.h"

namespace zy {

// inputs carry dtype, shape and data (dtype Undefined = omitted optional
// input). Output shapes come from shape inference; results are returned as
// raw little-endian bytes, one vector per output.
Status evaluateOp(const std::string& type, const Attributes& attrs, const std::vector<ValueInfo>& inputs,
                  size_t num_outputs, std::vector<ValueInfo>* out_info, std::vector<std::vector<uint8_t>>* out_data);

}  // namespace zy
