// Output dtypes and shapes of every supported op, with full ONNX semantics.
// Used by the compiler (shape inference pass) and by the loader (to check that
// the shapes stored in a .zym are consistent before any kernel runs).
#pragma once
#include <string>
#include <vector>

#include "ops/op_helpers.h"

namespace zy {

// inputs: one per op input (dtype Undefined = omitted optional input).
// outputs: resized to num_outputs and filled with dtype and shape.
// Errors say what is wrong without the node name; callers add it.
Status inferOutputs(const std::string& type, const Attributes& attrs,
                    const std::vector<ValueInfo>& inputs, size_t num_outputs,
                    std::vector<ValueInfo>* outputs);

// True if the op type is known to shape inference (and so to the runtime).
bool isSupportedOpType(const std::string& type);
std::vector<std::string> supportedOpTypes();

// True when a failed inference was only missing a value that is computed at
// run time (e.g. a Reshape target that is not a constant).
bool isValueNotKnown(const Status& s);

}  // namespace zy
