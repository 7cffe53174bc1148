#include "zy/Dialect/ZyDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;
using namespace mlir::zy;

#include "zy/Dialect/ZyOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "zy/Dialect/ZyOps.cpp.inc"

void ZyDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "zy/Dialect/ZyOps.cpp.inc"
      >();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

namespace mlir {
namespace zy {

StringRef onnxOpType(Operation* op) {
  if (!op || op->getDialect() == nullptr || op->getDialect()->getNamespace() != "zy") return {};
  if (isa<ConstantOp, NoneOp, YieldOp>(op)) return {};
  return op->getName().stripDialect();
}

static std::string nameFromLoc(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc)) return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (auto s = nameFromLoc(l); !s.empty()) return s;
  return "";
}

std::string nodeName(Operation* op) { return nameFromLoc(op->getLoc()); }

std::string nodeLabel(Operation* op) {
  return "node '" + nodeName(op) + "' (" + onnxOpType(op).str() + ")";
}

}  // namespace zy
}  // namespace mlir
