// npu-template: the skeleton a chip vendor copies to start a Zhongyuan
// backend (docs/backend-guide.md walks through it). It builds on its own
// against the installed package (find_package(zy)) into
// libzy_backend_npu_template.so, and runs two f32 ops on the CPU where a
// real port would call its driver:
//   Relu, and Add of two same-shape tensors.
// Search for "PORT:" to find what to replace.
#include <cstdio>
#include <cstring>
#include <new>

#include "zy/backend.h"

namespace {

// PORT: your device context (driver handle, queues, memory pools).
struct Device {
  int ops_prepared = 0;
};

// PORT: what prepare_op leaves for run_op (compiled kernel, device buffers).
struct OpState {
  enum Kind { kRelu, kAdd } kind;
};

void say(char* buf, size_t len, const char* text) {
  if (buf && len) std::snprintf(buf, len, "%s", text);
}

size_t elements(const zy_tensor_view_t& t) {
  size_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i) n *= static_cast<size_t>(t.dims[i] < 0 ? 0 : t.dims[i]);
  return n;
}

bool sameShape(const zy_tensor_view_t& a, const zy_tensor_view_t& b) {
  if (a.rank != b.rank) return false;
  for (int32_t i = 0; i < a.rank; ++i)
    if (a.dims[i] != b.dims[i]) return false;
  return true;
}

// PORT: open the device; on failure say why (the runtime shows it and, with
// fallback=cpu, runs the model on the CPU instead).
zy_status_code_t create(const zy_host_t* host, void** out, char* err, size_t len) {
  if (host->abi_version != ZY_BACKEND_ABI_VERSION) {
    say(err, len, "host ABI version mismatch");
    return ZY_UNSUPPORTED;
  }
  Device* d = new (std::nothrow) Device;
  if (!d) return ZY_OUT_OF_MEMORY;
  *out = d;
  return ZY_OK;
}

void destroy(void* device) { delete static_cast<Device*>(device); }

// The capability query: type, dtypes, shapes and attributes; every refusal
// says why (zy-compile --explain-placement prints it).
int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  if (op->domain && *op->domain) { say(reason, len, "only ai.onnx ops"); return 0; }
  const bool relu = std::strcmp(op->type, "Relu") == 0, add = std::strcmp(op->type, "Add") == 0;
  if (!relu && !add) { say(reason, len, "npu-template runs Relu and Add only"); return 0; }
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_F32) { say(reason, len, "f32 only"); return 0; }
  if (add && (op->num_inputs != 2 || !sameShape(op->inputs[0], op->inputs[1]))) {
    say(reason, len, "Add of two same-shape tensors only (no broadcast)");
    return 0;
  }
  return 1;
}

// PORT: compile the op for the device (or take op->blob, made by your
// compile_op at zy-compile time) and upload constants.
zy_status_code_t prepareOp(void* device, const zy_op_view_t* op, void** state, char* err, size_t len) {
  char why[128];
  if (!supportsOp(device, op, why, sizeof why)) { say(err, len, why); return ZY_UNSUPPORTED; }
  OpState* s = new (std::nothrow) OpState;
  if (!s) return ZY_OUT_OF_MEMORY;
  s->kind = std::strcmp(op->type, "Relu") == 0 ? OpState::kRelu : OpState::kAdd;
  ++static_cast<Device*>(device)->ops_prepared;
  *state = s;
  return ZY_OK;
}

// PORT: copy inputs to the device, launch, copy outputs back, wait.
zy_status_code_t runOp(void*, void* state, const zy_op_view_t* op, char* err, size_t len) {
  const OpState* s = static_cast<const OpState*>(state);
  const size_t n = elements(op->outputs[0]);
  if (op->outputs[0].byte_size < n * sizeof(float)) { say(err, len, "output buffer too small"); return ZY_INVALID_ARGUMENT; }
  const float* a = static_cast<const float*>(op->inputs[0].data);
  float* y = static_cast<float*>(op->outputs[0].data);
  if (s->kind == OpState::kRelu) {
    for (size_t i = 0; i < n; ++i) y[i] = a[i] > 0.f ? a[i] : 0.f;
  } else {
    const float* b = static_cast<const float*>(op->inputs[1].data);
    for (size_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
  }
  return ZY_OK;
}

void releaseOp(void* device, void* state) {
  --static_cast<Device*>(device)->ops_prepared;
  delete static_cast<OpState*>(state);
}

// Optional entries left out (NULL): compile_op / compile_subgraph /
// free_blob (offline models made at zy-compile time), describe_op (a line
// for profiles) and set_residency (keep tensors in device memory between
// your ops), describe_backend (a line for zy-run --list-backends).
// npu-sim implements them all.
const zy_backend_api_t kApi = {ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), "npu_template", create, destroy, supportsOp,
                               prepareOp, runOp, releaseOp, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

}  // namespace

// The one exported symbol. The runtime asks for its ABI version; answer NULL
// for versions this library was not built for.
extern "C" ZY_BACKEND_EXPORT const zy_backend_api_t* ZY_BACKEND_ENTRY(uint32_t abi_version) {
  return abi_version == ZY_BACKEND_ABI_VERSION ? &kApi : nullptr;
}
