// Conversions between MLIR (types, attributes, constants) and the runtime's
// model (zy::DType, zy::Attributes, raw bytes). The compiler reuses the
// runtime's shape inference, kernels and planner through these.
#pragma once

#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/dtype.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "ops/op_helpers.h"

namespace mlir {
namespace zy {

::zy::DType dtypeOf(Type elementType);
Type elementTypeOf(MLIRContext* ctx, ::zy::DType dtype);

// The value's dtype and shape when it is a ranked tensor; absent for none.
::zy::ValueInfo valueInfo(Value v);

// Raw little-endian bytes of a constant (splats expanded, bools as bytes).
std::vector<uint8_t> elementsToBytes(ElementsAttr attr);
// A dense constant of `type` holding `bytes`.
DenseElementsAttr bytesToElements(RankedTensorType type, const uint8_t* bytes, size_t size);

// The op's ONNX attributes as runtime attributes (internal attributes such as
// arena_offsets are left out).
::zy::Attributes attributesOf(Operation* op);
// An MLIR attribute for a runtime attribute value.
Attribute toMlirAttribute(MLIRContext* ctx, const ::zy::Attribute& a);

// Attribute names the compiler adds that are not ONNX attributes.
bool isInternalAttribute(StringRef name);

}  // namespace zy
}  // namespace mlir
