// zy-run: runs a .zym model once and writes its outputs as .npy files.
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "npy.h"
#include "tool_common.h"
#include "zy/zy.h"

namespace {

const char* kUsage =
    "usage: zy-run MODEL.zym [options]\n"
    "  --input NAME=FILE.npy   input data (repeatable); inputs not given get seeded random data\n"
    "  --input-shape NAME=DxD  the shape of a random input whose model shape has dynamic dimensions\n"
    "  --output-dir DIR        write each output as DIR/output_<i>.npy\n"
    "  --threads N             intra-op threads (0 = all cores, default 1)\n"
    "  --backend LIST          backend order, e.g. x86,ref (default: plugins in the backend path, then every\n"
    "                          built-in backend, fastest first); names may be plugins\n"
    "  --backend-path P        plugin directories or libzy_backend_<name>.so files, ':'-separated\n"
    "                          (default: $ZY_BACKEND_PATH)\n"
    "  --fallback F            cpu (default): a plugin that fails moves its ops to the CPU, with a warning;\n"
    "                          error: fail instead\n"
    "  --list-backends         list the backends (built-in and plugins) and why any cannot start, then exit\n"
    "  --thread-placement P    none (default) or compact: pin the workers cluster by cluster from the caller's CPU\n"
    "  --precision P           fp32 (default), or opt-in fast math: bf16 (x86 with AMX-BF16 or AVX512-BF16) or fp16 (ARM with FP16)\n"
    "  --seed S                seed for random inputs (default 0)\n"
    "  --quiet                 print nothing but errors\n";

int fail(const std::string& msg) {
  std::fprintf(stderr, "zy-run: error: %s\n", msg.c_str());
  return 1;
}

int failStatus(zy_status_t s) {
  std::string msg = zy_status_message(s);
  zy_status_free(s);
  return fail(msg);
}

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zy::tools;
  std::string model_path, out_dir, backend, precision = "fp32", placement = "none", backend_path, fallback = "cpu";
  bool list_backends = false;
  std::map<std::string, std::string> input_files, input_shapes;
  int64_t threads = 1, seed = 0;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= argc) return false;
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "-h" || a == "--help") { std::printf("%s", kUsage); return 0; }
    else if (a == "--input") {
      if (!value(&v)) return fail("--input needs NAME=FILE.npy");
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return fail("--input needs NAME=FILE.npy, got '" + v + "'");
      input_files[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a == "--input-shape") {
      if (!value(&v)) return fail("--input-shape needs NAME=DxDx...");
      size_t eq = v.rfind('=');
      if (eq == std::string::npos || eq == 0) return fail("--input-shape needs NAME=DxDx..., got '" + v + "'");
      input_shapes[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a == "--output-dir") { if (!value(&out_dir)) return fail("--output-dir needs a directory"); }
    else if (a == "--threads") { if (!value(&v) || !parseInt(v, &threads) || threads > 1024) return fail("--threads needs a number"); }
    else if (a == "--seed") { if (!value(&v) || !parseInt(v, &seed)) return fail("--seed needs a number"); }
    else if (a == "--backend") { if (!value(&backend)) return fail("--backend needs a list"); }
    else if (a == "--backend-path") { if (!value(&backend_path)) return fail("--backend-path needs directories or files"); }
    else if (a == "--fallback") {
      if (!value(&fallback) || (fallback != "cpu" && fallback != "error")) return fail("--fallback needs cpu or error");
    }
    else if (a == "--list-backends") list_backends = true;
    else if (a == "--thread-placement") {
      if (!value(&placement) || (placement != "none" && placement != "compact")) return fail("--thread-placement needs none or compact");
    } else if (a == "--precision") {
      if (!value(&precision) || (precision != "fp32" && precision != "bf16" && precision != "fp16"))
        return fail("--precision needs fp32, bf16 or fp16");
    }
    else if (a == "--quiet") quiet = true;
    else if (!a.empty() && a[0] == '-') return fail("unknown option '" + a + "'\n" + kUsage);
    else if (model_path.empty()) model_path = a;
    else return fail("more than one model given");
  }
  if (list_backends) return printBackends(backend_path) ? 0 : 1;
  if (model_path.empty()) { std::fprintf(stderr, "%s", kUsage); return 2; }

  auto t0 = std::chrono::steady_clock::now();
  zy_model_t* model = nullptr;
  if (zy_status_t s = zy_model_load_file(model_path.c_str(), &model)) return failStatus(s);
  double load_ms = msSince(t0);
  zy_session_options_t opts;
  zy_session_options_init(&opts);
  opts.num_threads = static_cast<int32_t>(threads);
  opts.backend_order = backend.empty() ? nullptr : backend.c_str();
  opts.precision = precision.c_str();
  opts.thread_placement = placement.c_str();
  opts.backend_path = backend_path.empty() ? nullptr : backend_path.c_str();
  opts.fallback = fallback.c_str();
  t0 = std::chrono::steady_clock::now();
  zy_session_t* session = nullptr;
  if (zy_status_t s = zy_session_create(model, &opts, &session)) { zy_model_release(model); return failStatus(s); }
  double init_ms = msSince(t0);
  auto cleanup = [&] { zy_session_release(session); zy_model_release(model); };

  if (!quiet) std::printf("model    %s (from %s, opset %lld)\n", model_path.c_str(), zy_model_producer(model), (long long)zy_model_source_opset(model));
  std::vector<ToolInput> inputs;
  std::string err;
  if (!makeInputs(model, input_files, input_shapes, static_cast<uint64_t>(seed), &inputs, &err)) { cleanup(); return fail(err); }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ToolInput& in = inputs[i];
    if (zy_status_t s = zy_session_set_input(session, i, in.dtype, in.dims.data(), static_cast<int32_t>(in.dims.size()),
                                             in.data.data(), in.data.size())) {
      cleanup();
      return failStatus(s);
    }
    zy_tensor_info_t shown{};
    shown.rank = static_cast<int32_t>(in.dims.size());
    for (size_t d = 0; d < in.dims.size() && d < ZY_MAX_RANK; ++d) shown.dims[d] = in.dims[d];
    if (!quiet) std::printf("input    %-20s %-4s %-18s %s\n", in.name.c_str(), zy_dtype_name(in.dtype), dimsToString(shown).c_str(), in.source.c_str());
  }
  t0 = std::chrono::steady_clock::now();
  if (zy_status_t s = zy_session_run(session)) { cleanup(); return failStatus(s); }
  double run_ms = msSince(t0);
  printWarnings(session, "zy-run");
  if (!quiet) std::printf("backends %s\n", opsPerBackend(session).c_str());
  if (!out_dir.empty()) {
    struct stat st;
    if (stat(out_dir.c_str(), &st) != 0 && mkdir(out_dir.c_str(), 0755) != 0) { cleanup(); return fail("cannot create directory '" + out_dir + "'"); }
  }
  for (size_t i = 0; i < zy_model_output_count(model); ++i) {
    zy_tensor_info_t info;
    const void* data;
    size_t bytes;
    if (zy_status_t s = zy_session_get_output(session, i, &info, &data, &bytes)) { cleanup(); return failStatus(s); }
    std::string stats;
    if (info.dtype == ZY_DTYPE_F32 && bytes >= 4) {
      const float* f = static_cast<const float*>(data);
      size_t n = bytes / 4;
      double lo = f[0], hi = f[0], sum = 0;
      for (size_t k = 0; k < n; ++k) { lo = std::fmin(lo, f[k]); hi = std::fmax(hi, f[k]); sum += f[k]; }
      char buf[128];
      std::snprintf(buf, sizeof buf, "min %.4g max %.4g mean %.4g", lo, hi, sum / static_cast<double>(n));
      stats = buf;
    }
    if (!out_dir.empty()) {
      std::string path = out_dir + "/output_" + std::to_string(i) + ".npy";
      zy::Status st = zy::writeNpy(path, static_cast<zy::DType>(info.dtype), std::vector<int64_t>(info.dims, info.dims + info.rank), data, bytes);
      if (!st.ok()) { cleanup(); return fail(st.message()); }
    }
    if (!quiet) std::printf("output   %-20s %-4s %-18s %s\n", info.name, zy_dtype_name(info.dtype), dimsToString(info).c_str(), stats.c_str());
  }
  if (!quiet)
    std::printf("time     load %.2f ms, session %.2f ms, run %.2f ms (%lld thread%s, arena %.2f MiB)\n", load_ms, init_ms, run_ms,
                (long long)threads, threads == 1 ? "" : "s", zy_session_arena_bytes(session) / 1048576.0);
  cleanup();
  return 0;
}
