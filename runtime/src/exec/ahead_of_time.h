// Ahead-of-time compilation for a named backend (zy-compile --target NAME):
// the backend compiles each op it takes (packed weights for x86; an NPU would
// put its offline model here), and the model keeps each blob as a backend
// entry that the op is assigned to. At load, sessions hand the blob back to
// the backend, which checks that it still fits this CPU.
#pragma once
#include <string>

#include "core/model.h"
#include "core/status.h"

namespace zy {

// Compiles the main graph's ops; *out_compiled counts the ops given a blob.
// Fails if the backend is not built in or cannot start on this machine.
Status compileAheadOfTime(Model* model, const std::string& backend, int* out_compiled);

}  // namespace zy
