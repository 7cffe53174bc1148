// Static memory planning: one arena per session, offsets from tensor liveness.
#pragma once
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace zy {

// Ops whose output is the input with another shape: the output shares the
// input's bytes (no copy, no kernel work beyond a check).
bool isAliasOp(const std::string& type);
// Elementwise ops whose kernels may write the output over an input of the
// same size when nothing reads that input later.
bool isInPlaceOp(const std::string& type);

struct MemoryPlan {
  std::vector<int64_t> offsets;   // per tensor; -1 for constants and unused tensors
  uint64_t arena_size = 0;
};

// Plans the main graph: liveness over the execution order, aliasing and
// in-place reuse, then greedy-by-size offset assignment (64-byte aligned).
// `shapes`, when given, replaces the model's tensor shapes (a dynamic model
// planned for the shapes of one run).
Status planMemory(const Model& m, MemoryPlan* plan, const std::vector<Shape>* shapes = nullptr);
// Plans and stores the offsets in the model (what the compiler exports).
Status applyMemoryPlan(Model* m);

}  // namespace zy
