// The ARM backend (aarch64): the ABI glue over the op kinds of ops/*.cc.
// Kernels pick their ISA at run time from HWCAP (cpu_features): NEON for
// every ARMv8-A core, SDOT where the core has dotprod; ops it does not take
// fall back to the next backend in the session's order (ref), with the reason.
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "arm_backend.h"
#include "arm_op.h"
#include "backend_glue.h"
#include "core/backend_helpers.h"
#include "cpu_features.h"

namespace zy {
namespace arm {
namespace {

struct Backend {
  OpContext ctx;
};

// The first op kind of this type that takes the op; why says what the last refused.
const OpKind* findKind(const zy_op_view_t* op, std::string* why) {
  struct Table {
    const OpKind* kinds;
    size_t count;
  };
  static const Table tables[] = {
      {kConvOps, kNumConvOps}, {kConvTransposeOps, kNumConvTransposeOps}, {kGemmOps, kNumGemmOps}, {kNormalizationOps, kNumNormalizationOps}, {kElementwiseOps, kNumElementwiseOps},
      {kPoolOps, kNumPoolOps},       {kQuantizedPoolOps, kNumQuantizedPoolOps}, {kQuantizedElementwiseOps, kNumQuantizedElementwiseOps},
      {kQuantizedGemmOps, kNumQuantizedGemmOps}};
  bool known = false;
  for (const Table& t : tables)
    for (size_t i = 0; i < t.count; ++i)
      if (std::strcmp(t.kinds[i].type, op->type) == 0) {
        known = true;
        if (t.kinds[i].supported(op, why)) return &t.kinds[i];
      }
  if (!known) *why = std::string(op->type) + " is not implemented for ARM yet";
  return nullptr;
}

zy_status_code_t create(const zy_host_t* host, void** out, char* err, size_t len) {
  static const CacheSizes caches = cpuCacheSizes();
  return createArmBackend(host, caches, out, err, len);
}

void destroy(void* b) { delete static_cast<Backend*>(b); }

int supportsOp(void*, const zy_op_view_t* op, char* reason, size_t len) {
  std::string why;
  if (op->domain && *op->domain) why = std::string("domain ") + op->domain + " is not implemented for ARM";
  else if (findKind(op, &why)) return 1;
  copyMessage(reason, len, why);
  return 0;
}

zy_status_code_t prepareOp(void* backend, const zy_op_view_t* op, void** out_state, char* err, size_t len) {
  std::string why;
  const OpKind* kind = findKind(op, &why);
  if (!kind) { copyMessage(err, len, why); return ZY_UNSUPPORTED; }
  return prepareState([&] { return kind->prepare(static_cast<Backend*>(backend)->ctx, op); }, out_state, err, len);
}

// HWCAP's extensions, the int8 GEMM they select and the f32 GEMM's cache blocking.
void describeBackend(void* backend, char* buf, size_t len) {
  const CpuFeatures& f = cpuFeatures();
  std::string isa = "NEON";
  if (f.dotprod) isa += ", dotprod";
  if (f.fp16) isa += ", fp16";
  if (f.i8mm) isa += ", i8mm";
  const char* int8 = f.i8mm ? "qs8-gemm/neoni8mm-8x8" : f.dotprod ? "qs8-gemm/neondot-8x12" : "qs8-gemm/neon-4x4";
  const F32GemmBlocking& b = static_cast<Backend*>(backend)->ctx.blocking;
  char line[256];
  std::snprintf(line, sizeof line, "%s; int8 %s; f32-gemm/neon-8x8 blocked kc %lld, mc %lld, %lld panels", isa.c_str(), int8, (long long)b.kc,
                (long long)b.mc, (long long)b.group);
  copyMessage(buf, len, line);
}

}  // namespace

zy_status_code_t createArmBackend(const zy_host_t* host, const CacheSizes& caches, void** out, char* err, size_t len) {
  if (!cpuFeatures().neon) { copyMessage(err, len, "needs NEON (ASIMD)"); return ZY_UNSUPPORTED; }
  Backend* b = new (std::nothrow) Backend;
  if (!b) return ZY_OUT_OF_MEMORY;
  b->ctx.parallel = [host](size_t n, const std::function<void(size_t, size_t)>& fn) { hostParallelFor(host, n, 1, fn); };
  b->ctx.threads = host->num_threads > 0 ? host->num_threads : 1;
  b->ctx.blocking = F32GemmBlocking::forCaches(caches);
  // Opt-in fast math: fp16 convolutions where the core has FP16 arithmetic (else f32).
  b->ctx.fp16 = host->precision && std::strcmp(host->precision, "fp16") == 0 && cpuFeatures().fp16;
  *out = b;
  return ZY_OK;
}

zy_backend_api_t armBackendApi(const char* name, zy_status_code_t (*create_fn)(const zy_host_t*, void**, char*, size_t)) {
  return {ZY_BACKEND_ABI_VERSION, sizeof(zy_backend_api_t), name, create_fn, destroy, supportsOp, prepareOp, runState<ArmOp>,
          releaseState<ArmOp>, nullptr, nullptr, nullptr, nullptr, nullptr, describeBackend};
}

}  // namespace arm
}  // namespace zy

extern "C" const zy_backend_api_t* zy_backend_arm_get_api(uint32_t abi_version) {
  static const zy_backend_api_t api = zy::arm::armBackendApi("arm", zy::arm::create);
  return abi_version == ZY_BACKEND_ABI_VERSION ? &api : nullptr;
}
