// Runs a zy function on concrete inputs with the reference kernels, op by op,
// and shows every op result to an observer. The quantizer calibrates with it
// and measures the error of what it made; no session or memory plan needed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "llvm/ADT/DenseMap.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "ops/op_helpers.h"

namespace mlir {
namespace zy {

using TensorBytes = std::vector<uint8_t>;

class Interpreter {
 public:
  // Called with each op result (and each function argument) while it is alive.
  using Observer = std::function<void(Value, const ::zy::ValueInfo&)>;

  explicit Interpreter(func::FuncOp f) : func_(f) {}

  // inputs: one tensor per function argument, in order. On failure, *error
  // names the node.
  LogicalResult run(const std::vector<TensorBytes>& inputs, const Observer& observe, std::vector<TensorBytes>* outputs,
                    std::string* error);

 private:
  func::FuncOp func_;
  llvm::DenseMap<Operation*, TensorBytes> constants_;  // converted once, reused across runs
};

}  // namespace zy
}  // namespace mlir
