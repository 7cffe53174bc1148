// Evaluates a zy op whose operands are all constants (or Shape of a static
// tensor) with the reference backend and replaces its results by constants.
// Shared by zy-fold-constants and zy-shape-inference (which propagates small
// constants as it goes, so that shape computations resolve in one sweep).
#pragma once

#include <cstdint>

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace mlir {
namespace zy {

enum class FoldResult { NotFoldable, Folded, Error };

// On Folded, all uses of op's results are replaced; the caller erases op.
// On Error, a diagnostic naming the node has been emitted.
FoldResult foldToConstants(Operation* op, OpBuilder& b, int64_t max_elements);

}  // namespace zy
}  // namespace mlir
