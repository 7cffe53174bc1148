// Deliberately faulty backend plugins for the runtime's fault tests, one
// library per fault (ZY_FAULT):
//   init    create fails
//   run     takes Relu and Add, prepares them, fails every run
//   lie     claims every op, fails to prepare any
//   abi     reports ABI version 99
//   nosym   exports no entry point at all
//   good    runs Relu correctly (the control)
#include <cstdio>
#include <cstring>

#include "zy/backend.h"

#define STR2(x) #x
#define STR(x) STR2(x)

namespace {

enum class Fault { Init, Run, Lie, Abi, Nosym, Good };
constexpr Fault kFault = Fault::ZY_FAULT_KIND;

int instances = 0;  // created and not destroyed (the lifecycle tests read it through the error text)
int state_token = 0;

zy_status_code_t create(const zy_host_t*, void** out, char* err, size_t len) {
  if (kFault == Fault::Init) {
    std::snprintf(err, len, "simulated init failure (device not found)");
    return ZY_BACKEND_ERROR;
  }
  ++instances;
  *out = &instances;
  return ZY_OK;
}

void destroy(void*) { --instances; }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  if (kFault == Fault::Lie) return 1;
  const bool relu = std::strcmp(op->type, "Relu") == 0 && op->inputs[0].dtype == ZY_DTYPE_F32;
  const bool add = kFault == Fault::Run && std::strcmp(op->type, "Add") == 0;
  if (relu || add) return 1;
  std::snprintf(reason, len, "only f32 Relu");
  return 0;
}

zy_status_code_t prepareOp(void*, const zy_op_view_t*, void** state, char* err, size_t len) {
  if (kFault == Fault::Lie) {
    std::snprintf(err, len, "simulated capability lie: cannot prepare it after all");
    return ZY_UNSUPPORTED;
  }
  *state = &state_token;
  return ZY_OK;
}

zy_status_code_t runOp(void*, void*, const zy_op_view_t* op, char* err, size_t len) {
  if (kFault == Fault::Run) {
    std::snprintf(err, len, "simulated device fault (timeout)");
    return ZY_BACKEND_ERROR;
  }
  const float* x = static_cast<const float*>(op->inputs[0].data);
  float* y = static_cast<float*>(op->outputs[0].data);
  for (size_t i = 0; i < op->outputs[0].byte_size / sizeof(float); ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
  return ZY_OK;
}

void releaseOp(void*, void*) {}

const zy_backend_api_t kApi = {kFault == Fault::Abi ? 99u : ZY_BACKEND_ABI_VERSION,
                               sizeof(zy_backend_api_t),
                               STR(ZY_FAULT_NAME),
                               create,
                               destroy,
                               supportsOp,
                               prepareOp,
                               runOp,
                               releaseOp,
                               nullptr,
                               nullptr,
                               nullptr,
                               nullptr,
                               nullptr,
                               nullptr};

}  // namespace

#ifndef ZY_FAULT_NO_ENTRY
extern "C" ZY_BACKEND_EXPORT const zy_backend_api_t* ZY_BACKEND_ENTRY(uint32_t) { return &kApi; }
#else
extern "C" ZY_BACKEND_EXPORT const zy_backend_api_t* some_other_symbol(uint32_t) { return &kApi; }
#endif
