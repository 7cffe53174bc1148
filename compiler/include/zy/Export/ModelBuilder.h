// zy dialect -> the runtime's in-memory model (and from there to .zym).
#pragma once

#include <string>

#include "core/model.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace zy {

// Builds the model of `func` (metadata from its module). value_index, when
// given, receives the tensor index of every value. Offsets found in
// `arena_offsets` / `zy.arena_size` attributes are copied into the model.
LogicalResult buildModel(func::FuncOp func, ::zy::Model* out, DenseMap<Value, int32_t>* value_index,
                         std::string* error);

// Builds, plans memory where the IR carries no complete plan, validates with
// the runtime's own checks, and writes the .zym file.
LogicalResult exportModel(ModuleOp module, ::zy::Model* out, std::string* error);
// With a target (a backend name, e.g. "x86"), that backend compiles the ops
// it takes ahead of time and the file keeps the blobs (packed weights);
// *out_compiled, when given, counts them.
LogicalResult exportZym(ModuleOp module, const std::string& path, std::string* error, const std::string& target = "",
                        int* out_compiled = nullptr);
LogicalResult exportZym(ModuleOp module, std::vector<uint8_t>* bytes, std::string* error);

}  // namespace zy
}  // namespace mlir
