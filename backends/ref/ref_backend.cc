// The reference backend: every op, portable C++, exact ONNX semantics. It is
// the oracle every other backend is tested against, so it favours clarity.
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include "core/backend_helpers.h"
#include "kernel_context.h"
#include "ops/shape_inference.h"

namespace zy {
namespace ref {

static TensorArg toArg(const zy_tensor_view_t& v) {
  TensorArg t;
  t.dtype = static_cast<DType>(v.dtype);
  if (v.dims && v.rank > 0) t.shape.assign(v.dims, v.dims + v.rank);
  t.data = v.data;
  return t;
}

KernelContext::KernelContext(const zy_op_view_t* op, const zy_host_t* host, const Attributes* attrs)
    : host_(host), attrs_(attrs), type_(op->type ? op->type : "") {
  for (size_t i = 0; i < op->num_inputs; ++i) inputs_.push_back(toArg(op->inputs[i]));
  for (size_t i = 0; i < op->num_outputs; ++i) outputs_.push_back(toArg(op->outputs[i]));
}

void KernelContext::parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) const {
  hostParallelFor(host_, n, grain, fn);
}

std::vector<int64_t> readIntTensor(const TensorArg& t) {
  std::vector<int64_t> v;
  if (!t.present()) return v;
  for (int64_t i = 0; i < t.size(); ++i) v.push_back(readIndex(t, i));
  return v;
}

std::vector<float> readFloatTensor(const TensorArg& t) {
  std::vector<float> v;
  if (!t.present()) return v;
  for (int64_t i = 0; i < t.size(); ++i) {
    if (t.dtype == DType::F32) v.push_back(t.as<float>()[i]);
    else if (t.dtype == DType::F64) v.push_back(static_cast<float>(t.as<double>()[i]));
    else if (t.dtype == DType::F16) v.push_back(halfToFloat(t.as<uint16_t>()[i]));
  }
  return v;
}

const KernelRegistry& kernelRegistry() {
  static const KernelRegistry r = [] {
    KernelRegistry k;
    registerElementwiseKernels(k);
    registerConvKernels(k);
    registerGemmKernels(k);
    registerPoolKernels(k);
    registerNormalizationKernels(k);
    registerTensorKernels(k);
    registerResizeKernels(k);
    registerMathKernels(k);
    registerReduceKernels(k);
    registerIndexKernels(k);
    registerRecurrentKernels(k);
    registerQuantizationKernels(k);
    return k;
  }();
  return r;
}

namespace {

struct Backend {
  const zy_host_t* host;
};

struct OpState {
  KernelFn fn;
  Attributes attrs;
};

void writeMessage(char* buf, size_t len, const std::string& msg) {
  if (!buf || len == 0) return;
  std::snprintf(buf, len, "%s", msg.c_str());
}

// The checks shared by supports_op and prepare_op: a kernel exists and takes
// the dtypes. (Shapes were checked against shape inference by the loader.)
Status check(const zy_op_view_t* op, const KernelInfo** out) {
  if (op->domain && op->domain[0] && std::strcmp(op->domain, "ai.onnx") != 0)
    return unsupported(std::string("domain '") + op->domain + "' is not supported");
  auto it = kernelRegistry().find(op->type);
  if (it == kernelRegistry().end()) return unsupported(std::string("no reference kernel for ") + op->type);
  const KernelInfo& k = it->second;
  if (!k.dtypes.empty() && op->num_inputs > 0) {
    DType t = static_cast<DType>(op->inputs[0].dtype);
    bool ok = false;
    for (DType d : k.dtypes) ok |= d == t;
    if (!ok) return unsupported(std::string(op->type) + " does not take dtype " + dtypeName(t));
  }
  *out = &k;
  return Status::OK();
}

zy_status_code_t create(const zy_host_t* host, void** out, char*, size_t) {
  *out = new (std::nothrow) Backend{host};
  return *out ? ZY_OK : ZY_OUT_OF_MEMORY;
}

void destroy(void* b) { delete static_cast<Backend*>(b); }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  const KernelInfo* k = nullptr;
  Status s = check(op, &k);
  if (!s.ok()) writeMessage(reason, len, s.message());
  return s.ok() ? 1 : 0;
}

zy_status_code_t prepareOp(void*, const zy_op_view_t* op, void** out_state, char* err, size_t len) {
  try {
    const KernelInfo* k = nullptr;
    Status s = check(op, &k);
    if (!s.ok()) { writeMessage(err, len, s.message()); return s.code(); }
    *out_state = new OpState{k->fn, attributesFromView(op)};
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    writeMessage(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

zy_status_code_t runOp(void* backend, void* state, const zy_op_view_t* op, char* err, size_t len) {
  try {
    OpState* st = static_cast<OpState*>(state);
    KernelContext ctx(op, static_cast<Backend*>(backend)->host, &st->attrs);
    Status s = st->fn(ctx);
    if (!s.ok()) { writeMessage(err, len, s.message()); return s.code(); }
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    writeMessage(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

void releaseOp(void*, void* state) { delete static_cast<OpState*>(state); }

const zy_backend_api_t kApi = {
    ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), "ref", create, destroy, supportsOp, prepareOp, runOp, releaseOp,
    nullptr, nullptr, nullptr, nullptr, nullptr,  // nothing to compile ahead of time, describe or keep resident
    [](void*, char* buf, size_t len) { std::snprintf(buf, len, "portable C++, every op (the reference the others are tested against)"); },
};

}  // namespace
}  // namespace ref
}  // namespace zy

extern "C" const zy_backend_api_t* zy_backend_ref_get_api(uint32_t abi_version) {
  return abi_version == ZY_BACKEND_ABI_VERSION ? &zy::ref::kApi : nullptr;
}
