// The x86 backend: the ABI glue over the op kinds of ops/*.cc. Kernels pick
// AVX-512 or AVX2 at run time; ops the backend does not take fall back to the
// next backend in the session's order (ref), with the reason.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "backend_glue.h"
#include "cpu_features.h"
#include "kernels/qs8_gemm.h"
#include "core/backend_helpers.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

struct Backend {
  OpContext ctx;
  Workspace workspace;
};

struct OpTable {
  const OpKind* kinds;
  size_t count;
};

// The first op kind of this type that takes the op (an op type may have
// kinds per dtype, e.g. f32 and int8 MaxPool); why says what the last refused.
const OpKind* findKind(const zy_op_view_t* op, std::string* why) {
  static const OpTable tables[] = {
      {kConvOps, kNumConvOps}, {kConvTransposeOps, kNumConvTransposeOps}, {kGemmOps, kNumGemmOps}, {kPoolOps, kNumPoolOps}, {kElementwiseOps, kNumElementwiseOps},
      {kNormalizationOps, kNumNormalizationOps}, {kMatMulOps, kNumMatMulOps}, {kQuantizedOps, kNumQuantizedOps},
      {kQuantizedElementwiseOps, kNumQuantizedElementwiseOps}, {kQuantizedPoolOps, kNumQuantizedPoolOps},
      {kDataMovementOps, kNumDataMovementOps}, {kRecurrentOps, kNumRecurrentOps}};
  bool known = false;
  for (const OpTable& t : tables)
    for (size_t i = 0; i < t.count; ++i)
      if (std::strcmp(t.kinds[i].type, op->type) == 0) {
        known = true;
        if (t.kinds[i].supported(op, why)) return &t.kinds[i];
      }
  if (!known) *why = std::string(op->type) + " is not implemented for x86 yet";
  return nullptr;
}

// ZY_X86_DISABLE=Conv,Softmax leaves those op types to the next backend: a
// debugging aid for narrowing a wrong result down to one kernel.
bool disabledByEnvironment(const char* type) {
  const char* list = std::getenv("ZY_X86_DISABLE");
  if (!list) return false;
  const std::string l = std::string(",") + list + ",";
  return l.find(std::string(",") + type + ",") != std::string::npos;
}

bool supported(const zy_op_view_t* op, std::string* why) {
  if (op->domain && *op->domain) { *why = std::string("domain ") + op->domain + " is not implemented for x86"; return false; }
  if (disabledByEnvironment(op->type)) { *why = std::string(op->type) + " is disabled by ZY_X86_DISABLE"; return false; }
  return findKind(op, why) != nullptr;
}

zy_status_code_t create(const zy_host_t* host, void** out, char* err, size_t len) {
  const GemmKernel* g = bestGemmKernel();
  if (!g) { copyMessage(err, len, "needs AVX2 and FMA"); return ZY_UNSUPPORTED; }
  Backend* b = new (std::nothrow) Backend;
  if (!b) return ZY_OUT_OF_MEMORY;
  b->ctx.gemm = g;
  // Opt-in fast math: bf16 GEMMs on AMX tiles or AVX512-BF16 (bf16GemmKernel
  // asks Linux for the tile state and falls back when it is refused).
  if (host->precision && std::strcmp(host->precision, "bf16") == 0) b->ctx.bf16 = bf16GemmKernel();
  b->ctx.workspace = &b->workspace;
  b->ctx.parallel = ParallelFor([host](size_t n, const std::function<void(size_t, size_t)>& fn) { hostParallelFor(host, n, 1, fn); },
                                std::max(1, host->num_threads));
  *out = b;
  return ZY_OK;
}

void destroy(void* b) { delete static_cast<Backend*>(b); }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  std::string why;
  if (supported(op, &why)) return 1;
  copyMessage(reason, len, why);
  return 0;
}

zy_status_code_t prepareOp(void* backend, const zy_op_view_t* op, void** out_state, char* err, size_t len) {
  std::string why;
  const OpKind* kind = supported(op, &why) ? findKind(op, &why) : nullptr;
  if (!kind) { copyMessage(err, len, why); return ZY_UNSUPPORTED; }
  return prepareState([&] { return kind->prepare(static_cast<Backend*>(backend)->ctx, op); }, out_state, err, len);
}

// Ahead of time: prepare as a session would, keep what the op packed.
zy_status_code_t compileOp(void* backend, const zy_op_view_t* op, void** out_blob, size_t* out_size, char* err, size_t len) {
  *out_blob = nullptr;
  *out_size = 0;
  void* state = nullptr;
  const zy_status_code_t s = prepareOp(backend, op, &state, err, len);
  if (s != ZY_OK) return s;
  std::unique_ptr<X86Op> prepared(static_cast<X86Op*>(state));
  const std::vector<uint8_t> blob = prepared->compiledBlob();
  if (blob.empty()) return ZY_OK;
  void* p = std::malloc(blob.size());
  if (!p) { copyMessage(err, len, "out of memory"); return ZY_OUT_OF_MEMORY; }
  std::memcpy(p, blob.data(), blob.size());
  *out_blob = p;
  *out_size = blob.size();
  return ZY_OK;
}

void freeBlob(void*, void* blob) { std::free(blob); }

// The ISA extensions this CPU offers and the GEMM kernels picked from them.
void describeBackend(void* backend, char* buf, size_t len) {
  const CpuFeatures& f = cpuFeatures();
  std::string isa = f.avx512f ? "AVX-512" : "AVX2+FMA";
  const std::pair<bool, const char*> extensions[] = {
      {f.avx512vnni, "VNNI"}, {f.avx512vbmi, "VBMI"}, {f.avx512bf16, "BF16"}, {f.avx_vnni, "AVX-VNNI"}, {f.amx_int8, "AMX-INT8"}, {f.amx_bf16, "AMX-BF16"}};
  for (const auto& [on, name] : extensions)
    if (on) isa += std::string(", ") + name;
  const OpContext& ctx = static_cast<Backend*>(backend)->ctx;
  copyMessage(buf, len, isa + "; f32 " + ctx.gemm->name + (ctx.bf16 ? std::string(", bf16 ") + ctx.bf16->name : "") + ", int8 " + qs8GemmKernelName());
}

const zy_backend_api_t kApi = {
    ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), "x86", create, destroy, supportsOp, prepareOp, runState<X86Op>, releaseState<X86Op>,
    compileOp, freeBlob, nullptr, nullptr, nullptr, describeBackend,
};

}  // namespace
}  // namespace x86
}  // namespace zy

extern "C" const zy_backend_api_t* zy_backend_x86_get_api(uint32_t abi_version) {
  return abi_version == ZY_BACKEND_ABI_VERSION ? &zy::x86::kApi : nullptr;
}
