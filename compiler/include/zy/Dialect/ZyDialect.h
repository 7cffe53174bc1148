// The zy dialect (ODS in ZyDialect.td / ZyOps.td).
#pragma once

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "zy/Dialect/ZyOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "zy/Dialect/ZyOps.h.inc"

namespace mlir {
namespace zy {

// The ONNX op type of a zy op ("Conv" for zy.Conv); empty for zy.constant,
// zy.none and ops of other dialects.
llvm::StringRef onnxOpType(Operation* op);
// The ONNX node name recorded in the op's location ("" if none).
std::string nodeName(Operation* op);
// "node 'Conv_12' (Conv)" for diagnostics.
std::string nodeLabel(Operation* op);

}  // namespace zy
}  // namespace mlir
