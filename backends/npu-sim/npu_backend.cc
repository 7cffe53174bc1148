// backends/npu-sim as a plugin (libzy_backend_npu-sim.so): the ABI glue over
// the simulated device. prepare_op builds the op's kernel, uploads its
// weights and constants to device memory and estimates its cost; run_op
// copies the activations in, launches the kernel, copies the outputs back
// and waits on the fence. compile_subgraph keeps a whole subgraph's weights
// as one blob in the model (an "offline model"; compile_op does it per op),
// which prepare_op checks and uploads.
// With set_residency, tensors made and read only by npu-sim ops stay in
// device memory: only the subgraphs' boundary tensors cross the bus.
// ZY_NPU_SIM_STATS=1 prints the bytes that crossed when the backend closes.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "npu_config.h"
#include "npu_device.h"
#include "npu_ops.h"
#include "zy/backend.h"

namespace zy {
namespace npu {
namespace {

// Offline blobs: one op's weights ("ZYNPUSM1", u64 size, bytes), or a whole
// subgraph's ("ZYNPUSG1", u32 count, then per op u32 name size, name, u64
// size, weights).
constexpr char kBlobMagic[8] = {'Z', 'Y', 'N', 'P', 'U', 'S', 'M', '1'};
constexpr char kSubgraphMagic[8] = {'Z', 'Y', 'N', 'P', 'U', 'S', 'G', '1'};

// The weights recorded for op `name` in a subgraph blob: true with *w (empty
// if the op has none), false if the blob is malformed or lacks the op.
bool findInSubgraphBlob(const uint8_t* p, size_t size, const std::string& name, std::vector<uint8_t>* w) {
  size_t at = sizeof kSubgraphMagic;
  auto take = [&](void* dst, size_t n) {
    if (size - at < n) return false;
    std::memcpy(dst, p + at, n);
    at += n;
    return true;
  };
  uint32_t count = 0;
  if (size < at || !take(&count, 4)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t name_size = 0;
    uint64_t n = 0;
    if (!take(&name_size, 4) || size - at < name_size) return false;
    const std::string op(reinterpret_cast<const char*>(p + at), name_size);
    at += name_size;
    if (!take(&n, 8) || size - at < n) return false;
    if (op == name) {
      w->assign(p + at, p + at + n);
      return true;
    }
    at += static_cast<size_t>(n);
  }
  return false;
}

void message(char* buf, size_t len, const std::string& s) {
  if (buf && len) std::snprintf(buf, len, "%s", s.c_str());
}

struct Backend {
  NpuConfig config;
  std::unique_ptr<NpuDevice> device;
  std::map<std::string, DeviceBuffer> resident;  // tensor name -> the device buffer its producer wrote
  uint64_t activations_in = 0, activations_out = 0, weights_in = 0;  // bytes over the bus
  ~Backend();
};

struct OpState {
  std::unique_ptr<NpuKernel> kernel;
  DeviceBuffer weights;
  std::vector<DeviceBuffer> constants;  // per input (id 0: not a constant)
  std::vector<DeviceBuffer> inputs, outputs;
  std::vector<uint8_t> input_local, output_host;  // set_residency's answer (default: everything through the host)
};

Backend::~Backend() {
  if (std::getenv("ZY_NPU_SIM_STATS"))
    std::fprintf(stderr, "npu-sim: bytes over the bus: activations in %llu, activations out %llu, weights and constants %llu\n",
                 (unsigned long long)activations_in, (unsigned long long)activations_out, (unsigned long long)weights_in);
}

void releaseBuffers(NpuDevice& d, OpState* s) {
  d.release(s->weights);
  for (auto* list : {&s->constants, &s->inputs, &s->outputs})
    for (DeviceBuffer& b : *list) d.release(b);
}

// A device buffer of at least `bytes` in *b (kept across runs while it fits).
bool ensure(NpuDevice& d, DeviceBuffer* b, size_t bytes, std::string* err) {
  if (b->id && b->bytes >= bytes) return true;
  d.release(*b);
  *b = {};
  return d.allocate(bytes, b, err);
}

zy_status_code_t create(const zy_host_t*, void** out, char* err, size_t len) {
  auto b = std::unique_ptr<Backend>(new (std::nothrow) Backend);
  if (!b) return ZY_OUT_OF_MEMORY;
  const char* spec = std::getenv("ZY_NPU_SIM_CONFIG");
  std::string why;
  if (spec && !parseNpuConfig(spec, &b->config, &why)) {
    message(err, len, "ZY_NPU_SIM_CONFIG: " + why);
    return ZY_INVALID_ARGUMENT;
  }
  b->device.reset(new (std::nothrow) NpuDevice(b->config));
  if (!b->device) return ZY_OUT_OF_MEMORY;
  *out = b.release();
  return ZY_OK;
}

void destroy(void* b) { delete static_cast<Backend*>(b); }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  std::string why;
  if (op->domain && *op->domain && std::strcmp(op->domain, "com.microsoft") != 0) why = std::string("domain ") + op->domain;
  else if (npuSupports(op, &why)) return 1;
  message(reason, len, why);
  return 0;
}

// Uploads bytes into *b and waits for the copy.
bool upload(Backend& be, const void* data, size_t bytes, DeviceBuffer* b, std::string* err) {
  NpuDevice& d = *be.device;
  if (!d.allocate(bytes, b, err)) return false;
  be.weights_in += bytes;
  *err = d.wait(d.copyToDevice(*b, data, bytes));
  return err->empty();
}

zy_status_code_t prepareOp(void* backend, const zy_op_view_t* op, void** out_state, char* err, size_t len) {
  Backend& be = *static_cast<Backend*>(backend);
  std::string why;
  if (!npuSupports(op, &why)) { message(err, len, why); return ZY_UNSUPPORTED; }
  try {
    auto s = std::make_unique<OpState>();
    s->kernel = makeNpuKernel(op, be.config);
    if (!s->kernel) { message(err, len, "no NPU kernel for " + std::string(op->type)); return ZY_UNSUPPORTED; }
    // The offline model's weights, when zy-compile made one for this op.
    const std::vector<uint8_t>* w = &s->kernel->weights;
    std::vector<uint8_t> from_blob;
    if (op->blob) {
      const uint8_t* p = static_cast<const uint8_t*>(op->blob);
      uint64_t n = 0;
      bool ok;
      if (op->blob_size >= sizeof kSubgraphMagic && std::memcmp(p, kSubgraphMagic, sizeof kSubgraphMagic) == 0) {
        ok = findInSubgraphBlob(p, op->blob_size, op->name ? op->name : "", &from_blob);
      } else {
        ok = op->blob_size >= sizeof kBlobMagic + 8 && std::memcmp(p, kBlobMagic, sizeof kBlobMagic) == 0 &&
             (std::memcpy(&n, p + sizeof kBlobMagic, 8), n == op->blob_size - sizeof kBlobMagic - 8);
        if (ok) from_blob.assign(p + sizeof kBlobMagic + 8, p + op->blob_size);
      }
      if (!ok || from_blob.size() != w->size()) {
        message(err, len, "the model's npu-sim blob is corrupt or does not match the op");
        return ZY_INVALID_ARGUMENT;
      }
      w = &from_blob;
    }
    if (!w->empty() && !upload(be, w->data(), w->size(), &s->weights, &why)) {
      releaseBuffers(*be.device, s.get());
      message(err, len, why);
      return ZY_OUT_OF_MEMORY;
    }
    std::vector<uint8_t>().swap(s->kernel->weights);  // they live on the device now
    s->constants.resize(op->num_inputs);
    s->inputs.resize(op->num_inputs);
    s->outputs.resize(op->num_outputs);
    s->input_local.assign(op->num_inputs, 0);
    s->output_host.assign(op->num_outputs, 1);
    for (size_t i = 0; i < op->num_inputs; ++i) {
      const zy_tensor_view_t& t = op->inputs[i];
      if (!t.is_constant || t.dtype == ZY_DTYPE_UNDEFINED || !t.data) continue;
      if (!upload(be, t.data, t.byte_size, &s->constants[i], &why)) {
        releaseBuffers(*be.device, s.get());
        message(err, len, why);
        return ZY_OUT_OF_MEMORY;
      }
    }
    *out_state = s.release();
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    message(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

zy_status_code_t runOp(void* backend, void* state, const zy_op_view_t* op, char* err, size_t len) {
  Backend& be = *static_cast<Backend*>(backend);
  NpuDevice& d = *be.device;
  OpState& s = *static_cast<OpState*>(state);
  std::string why;
  Fence last = 0;
  auto fail = [&](const std::string& e, zy_status_code_t code) {
    d.wait(last);  // copies already queued read the session's buffers
    message(err, len, e);
    return code;
  };
  // Each input: a constant uploaded at prepare, the buffer its npu-sim producer
  // left on the device, or a copy from the host.
  std::vector<DeviceBuffer> source(op->num_inputs);
  for (size_t i = 0; i < op->num_inputs; ++i) {
    const zy_tensor_view_t& t = op->inputs[i];
    if (s.constants[i].id || t.dtype == ZY_DTYPE_UNDEFINED || !t.data) { source[i] = s.constants[i]; continue; }
    auto kept = s.input_local[i] && t.name ? be.resident.find(t.name) : be.resident.end();
    if (kept != be.resident.end() && kept->second.bytes >= t.byte_size) { source[i] = kept->second; continue; }
    if (!ensure(d, &s.inputs[i], t.byte_size, &why)) return fail(why, ZY_OUT_OF_MEMORY);
    last = d.copyToDevice(s.inputs[i], t.data, t.byte_size);
    be.activations_in += t.byte_size;
    source[i] = s.inputs[i];
  }
  for (size_t o = 0; o < op->num_outputs; ++o) {
    if (!ensure(d, &s.outputs[o], op->outputs[o].byte_size, &why)) return fail(why, ZY_OUT_OF_MEMORY);
    if (op->outputs[o].name) be.resident[op->outputs[o].name] = s.outputs[o];
  }
  // The kernel sees the op with every tensor in device memory.
  std::vector<zy_tensor_view_t> ins(op->inputs, op->inputs + op->num_inputs), outs(op->outputs, op->outputs + op->num_outputs);
  zy_op_view_t view = *op;
  NpuKernel* kernel = s.kernel.get();
  last = d.launch([&](const NpuDevice::Resolve& resolve) -> std::string {
    for (size_t i = 0; i < ins.size(); ++i)
      if (source[i].id) ins[i].data = resolve(source[i]);
    for (size_t o = 0; o < outs.size(); ++o) outs[o].data = resolve(s.outputs[o]);
    view.inputs = ins.data();
    view.outputs = outs.data();
    kernel->device_weights = s.weights.id ? resolve(s.weights) : nullptr;
    std::string e;
    return kernel->run(&view, &e) == ZY_OK ? std::string() : (e.empty() ? "kernel failed" : e);
  });
  for (size_t o = 0; o < op->num_outputs; ++o) {
    if (!s.output_host[o]) continue;
    last = d.copyToHost(op->outputs[o].data, s.outputs[o], op->outputs[o].byte_size);
    be.activations_out += op->outputs[o].byte_size;
  }
  why = d.wait(last);
  if (!why.empty()) { message(err, len, "npu-sim: " + why); return ZY_BACKEND_ERROR; }
  return ZY_OK;
}

void setResidency(void*, void* state, const zy_op_view_t* op, const uint8_t* input_local, const uint8_t* output_host) {
  OpState& s = *static_cast<OpState*>(state);
  s.input_local.assign(input_local, input_local + op->num_inputs);
  s.output_host.assign(output_host, output_host + op->num_outputs);
}

void releaseOp(void* backend, void* state) {
  Backend& be = *static_cast<Backend*>(backend);
  OpState* s = static_cast<OpState*>(state);
  for (auto it = be.resident.begin(); it != be.resident.end();)  // its outputs are gone with it
    it = std::any_of(s->outputs.begin(), s->outputs.end(), [&](const DeviceBuffer& b) { return b.id == it->second.id; }) ? be.resident.erase(it)
                                                                                                                       : std::next(it);
  releaseBuffers(*be.device, s);
  delete s;
}

zy_status_code_t compileOp(void* backend, const zy_op_view_t* op, void** out_blob, size_t* out_size, char* err, size_t len) {
  *out_blob = nullptr;
  *out_size = 0;
  std::unique_ptr<NpuKernel> k = makeNpuKernel(op, static_cast<Backend*>(backend)->config);
  if (!k) { message(err, len, "no NPU kernel for " + std::string(op->type)); return ZY_UNSUPPORTED; }
  if (k->weights.empty()) return ZY_OK;
  const uint64_t n = k->weights.size();
  uint8_t* blob = static_cast<uint8_t*>(std::malloc(sizeof kBlobMagic + 8 + n));
  if (!blob) return ZY_OUT_OF_MEMORY;
  std::memcpy(blob, kBlobMagic, sizeof kBlobMagic);
  std::memcpy(blob + sizeof kBlobMagic, &n, 8);
  std::memcpy(blob + sizeof kBlobMagic + 8, k->weights.data(), n);
  *out_blob = blob;
  *out_size = sizeof kBlobMagic + 8 + n;
  return ZY_OK;
}

// One blob for a whole subgraph: every op's weights, found again by name at prepare.
zy_status_code_t compileSubgraph(void* backend, const zy_op_view_t* ops, size_t num_ops, void** out_blob, size_t* out_size, char* err,
                                 size_t len) {
  *out_blob = nullptr;
  *out_size = 0;
  std::vector<uint8_t> blob(kSubgraphMagic, kSubgraphMagic + sizeof kSubgraphMagic);
  auto put = [&](const void* p, size_t n) { blob.insert(blob.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n); };
  const uint32_t count = static_cast<uint32_t>(num_ops);
  put(&count, 4);
  for (size_t i = 0; i < num_ops; ++i) {
    std::unique_ptr<NpuKernel> k = makeNpuKernel(&ops[i], static_cast<Backend*>(backend)->config);
    if (!k) { message(err, len, "no NPU kernel for " + std::string(ops[i].type)); return ZY_UNSUPPORTED; }
    const std::string name = ops[i].name ? ops[i].name : "";
    const uint32_t name_size = static_cast<uint32_t>(name.size());
    const uint64_t n = k->weights.size();
    put(&name_size, 4);
    put(name.data(), name.size());
    put(&n, 8);
    put(k->weights.data(), k->weights.size());
  }
  uint8_t* out = static_cast<uint8_t*>(std::malloc(blob.size()));
  if (!out) return ZY_OUT_OF_MEMORY;
  std::memcpy(out, blob.data(), blob.size());
  *out_blob = out;
  *out_size = blob.size();
  return ZY_OK;
}

void freeBlob(void*, void* blob) { std::free(blob); }

void describeOp(void* backend, void* state, char* buf, size_t len) {
  const NpuKernel& k = *static_cast<OpState*>(state)->kernel;
  message(buf, len, k.cost.known ? k.cost.describe(static_cast<Backend*>(backend)->config) : "no estimate: shapes unknown at prepare");
}

void describeBackend(void* backend, char* buf, size_t len) {
  message(buf, len, "simulated int8 NPU: " + static_cast<Backend*>(backend)->config.describe() + " (ZY_NPU_SIM_CONFIG)");
}

const zy_backend_api_t kApi = {ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), "npu-sim", create, destroy, supportsOp, prepareOp, runOp,
                               releaseOp, compileOp, freeBlob, describeOp, setResidency, compileSubgraph, describeBackend};

}  // namespace
}  // namespace npu
}  // namespace zy

extern "C" ZY_BACKEND_EXPORT const zy_backend_api_t* ZY_BACKEND_ENTRY(uint32_t abi_version) {
  return abi_version == ZY_BACKEND_ABI_VERSION ? &zy::npu::kApi : nullptr;
}
