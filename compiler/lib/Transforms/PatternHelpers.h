// Small helpers shared by the graph rewriting passes.
#pragma once

#include <cstring>
#include <vector>

#include "mlir/IR/Builders.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"

namespace mlir {
namespace zy {

// The op defining v if it is the zy op `type`.
inline Operation* definingOnnxOp(Value v, StringRef type) {
  Operation* op = v.getDefiningOp();
  return op && onnxOpType(op) == type ? op : nullptr;
}

// The f32 values of a constant operand, or false.
inline bool constantF32(Value v, std::vector<float>* out) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c || !cast<ShapedType>(c.getValue().getType()).getElementType().isF32()) return false;
  std::vector<uint8_t> bytes = elementsToBytes(c.getValue());
  out->resize(bytes.size() / 4);
  if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  return true;
}

inline Value makeF32Constant(OpBuilder& b, Location loc, ArrayRef<int64_t> shape, const std::vector<float>& v) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return b.create<ConstantOp>(loc, DenseElementsAttr::get(type, ArrayRef<float>(v))).getResult();
}

inline bool isNone(Value v) { return isa<NoneType>(v.getType()); }

}  // namespace zy
}  // namespace mlir
