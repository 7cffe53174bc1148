// zy-bench: latency of a .zym model (init, first run, percentiles over timed
// runs), peak memory, and with --profile a per-op table; --trace writes the
// last run as a Chrome trace (opens in Perfetto), --json writes everything.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tool_common.h"
#include "zy/zy.h"

namespace {

const char* kUsage =
    "usage: zy-bench MODEL.zym [options]\n"
    "  --threads N             intra-op threads (default 1; 0 = all cores)\n"
    "  --warmup W              untimed runs first (default 3)\n"
    "  --runs R                timed runs (default 20)\n"
    "  --backend LIST          backend order, e.g. x86, ref or x86,ref (default: every\n"
    "                          built-in backend, fastest first, each op on the first that takes it);\n"
    "                          names may be plugins\n"
    "  --backend-path P        plugin directories or files, ':'-separated (default: $ZY_BACKEND_PATH)\n"
    "  --fallback F            cpu (default) or error: what a failing plugin's ops do\n"
    "  --thread-placement P    none (default) or compact: pin the workers cluster by cluster from the caller's CPU\n"
    "  --precision P           fp32 (default), or opt-in fast math: bf16 (x86 with AMX-BF16 or AVX512-BF16) or fp16 (ARM with FP16);\n"
    "                          with bf16 the error against an fp32 run is reported\n"
    "  --input NAME=FILE.npy   input data; others get seeded random data\n"
    "  --input-shape NAME=DxD  shape of a random input with dynamic dimensions\n"
    "  --copy-inputs           set (copy) the inputs before every run; by default they are bound once\n"
    "                          and read in place (zy_session_bind_input), as a zero-copy application does\n"
    "  --profile               per-op table: op, backend, time, share, GFLOP/s\n"
    "  --trace FILE.json       Chrome trace of the last run (Perfetto)\n"
    "  --json FILE             everything above as JSON\n";

int fail(const std::string& msg) {
  std::fprintf(stderr, "zy-bench: error: %s\n", msg.c_str());
  return 1;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string jsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) { o += ' '; continue; }
    o += c;
  }
  return o;
}

struct OpStats {
  std::string name, type, backend;
  double total_us = 0, flops = 0;
  int count = 0;
  std::string note;  // the backend's line about the op (npu-sim: its estimate)
};

// The last run's ops in run order, grouped into subgraphs (consecutive ops on
// one backend): measured time, and the backend's estimate where its
// describe_op line starts "est <cycles> cycles (<us> us)" (npu-sim).
void printSubgraphs(const zy_session_t* session) {
  struct Group {
    std::string backend;
    size_t first = 0, last = 0;
    double measured_us = 0, estimated_us = 0;
    bool estimated = false;
  };
  std::vector<Group> groups;
  for (size_t k = 0; k < zy_session_profile_count(session); ++k) {
    zy_op_profile_t p;
    zy_status_free(zy_session_profile_entry(session, k, &p));
    if (groups.empty() || groups.back().backend != p.backend) groups.push_back({p.backend, k, k});
    Group& g = groups.back();
    g.last = k;
    g.measured_us += p.duration_us;
    double cycles = 0, us = 0;
    if (std::sscanf(zy_session_profile_note(session, k), "est %lf cycles (%lf us)", &cycles, &us) == 2) {
      g.estimated_us += us;
      g.estimated = true;
    }
  }
  std::printf("\n%-9s %-10s %-10s %12s %14s\n", "subgraph", "backend", "ops", "measured ms", "estimated ms");
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    const std::string ops = std::to_string(g.first) + "-" + std::to_string(g.last);
    std::printf("%-9zu %-10s %-10s %12.3f ", i + 1, g.backend.c_str(), ops.c_str(), g.measured_us / 1000);
    if (g.estimated) std::printf("%14.3f\n", g.estimated_us / 1000);
    else std::printf("%14s\n", "-");
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zy::tools;
  std::string model_path, backend, json_path, trace_path, precision = "fp32", placement = "none", backend_path, fallback = "cpu";
  std::map<std::string, std::string> files, shapes;
  int64_t threads = 1, warmup = 3, runs = 20;
  bool profile = false, copy_inputs = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    auto value = [&](std::string* out) { if (i + 1 >= argc) return false; *out = argv[++i]; return true; };
    auto kv = [&](std::map<std::string, std::string>* m) {
      if (!value(&v)) return false;
      size_t eq = v.rfind('=');
      if (eq == std::string::npos || eq == 0) return false;
      (*m)[v.substr(0, eq)] = v.substr(eq + 1);
      return true;
    };
    if (a == "-h" || a == "--help") { std::printf("%s", kUsage); return 0; }
    else if (a == "--threads") { if (!value(&v) || !parseInt(v, &threads) || threads > 1024) return fail("--threads needs a number"); }
    else if (a == "--warmup") { if (!value(&v) || !parseInt(v, &warmup)) return fail("--warmup needs a number"); }
    else if (a == "--runs") { if (!value(&v) || !parseInt(v, &runs) || runs < 1) return fail("--runs needs a positive number"); }
    else if (a == "--backend") { if (!value(&backend)) return fail("--backend needs a list"); }
    else if (a == "--backend-path") { if (!value(&backend_path)) return fail("--backend-path needs directories or files"); }
    else if (a == "--fallback") {
      if (!value(&fallback) || (fallback != "cpu" && fallback != "error")) return fail("--fallback needs cpu or error");
    }
    else if (a == "--thread-placement") {
      if (!value(&placement) || (placement != "none" && placement != "compact")) return fail("--thread-placement needs none or compact");
    } else if (a == "--precision") {
      if (!value(&precision) || (precision != "fp32" && precision != "bf16" && precision != "fp16"))
        return fail("--precision needs fp32, bf16 or fp16");
    }
    else if (a == "--input") { if (!kv(&files)) return fail("--input needs NAME=FILE.npy"); }
    else if (a == "--input-shape") { if (!kv(&shapes)) return fail("--input-shape needs NAME=DxD..."); }
    else if (a == "--profile") profile = true;
    else if (a == "--copy-inputs") copy_inputs = true;
    else if (a == "--trace") { if (!value(&trace_path)) return fail("--trace needs a file"); profile = true; }
    else if (a == "--json") { if (!value(&json_path)) return fail("--json needs a file"); }
    else if (!a.empty() && a[0] == '-') return fail("unknown option '" + a + "'\n" + kUsage);
    else if (model_path.empty()) model_path = a;
    else return fail("more than one model given");
  }
  if (model_path.empty()) { std::fprintf(stderr, "%s", kUsage); return 2; }

  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  auto t0 = clock::now();
  zy_model_t* model = nullptr;
  if (zy_status_t s = zy_model_load_file(model_path.c_str(), &model)) {
    std::string m = zy_status_message(s);
    zy_status_free(s);
    return fail(m);
  }
  const double load_ms = ms(t0, clock::now());
  zy_session_options_t opts;
  zy_session_options_init(&opts);
  opts.num_threads = static_cast<int32_t>(threads);
  opts.backend_order = backend.empty() ? nullptr : backend.c_str();
  opts.enable_profiling = profile ? 1 : 0;
  opts.precision = precision.c_str();
  opts.thread_placement = placement.c_str();
  opts.backend_path = backend_path.empty() ? nullptr : backend_path.c_str();
  opts.fallback = fallback.c_str();
  zy_session_t* session = nullptr;
  t0 = clock::now();
  zy_status_t st = zy_session_create(model, &opts, &session);
  const double session_ms = ms(t0, clock::now());
  std::string err;
  std::vector<ToolInput> inputs;
  if (!st && !makeInputs(model, files, shapes, 0, &inputs, &err)) st = nullptr;
  auto done = [&](int rc) { zy_session_release(session); zy_model_release(model); return rc; };
  if (st) { err = zy_status_message(st); zy_status_free(st); zy_model_release(model); return fail(err); }
  if (!err.empty()) return done(fail(err));
  // Inputs are bound once from 64-byte aligned copies and read in place by
  // every run (an application that hands the runtime its camera frame), or
  // with --copy-inputs set before every run, the copy timed.
  std::vector<std::unique_ptr<uint8_t, decltype(&std::free)>> bound;
  int in_place = 1;
  for (size_t i = 0; i < inputs.size() && !copy_inputs; ++i) {
    const ToolInput& in = inputs[i];
    bound.emplace_back(static_cast<uint8_t*>(std::aligned_alloc(64, (in.data.size() + 64) / 64 * 64)), &std::free);
    if (!bound.back()) return done(fail("out of memory for input '" + in.name + "'"));
    if (!in.data.empty()) std::memcpy(bound.back().get(), in.data.data(), in.data.size());
    int here = 0;
    if (zy_status_t s = zy_session_bind_input(session, i, in.dtype, in.dims.data(), static_cast<int32_t>(in.dims.size()), bound.back().get(),
                                              in.data.size(), &here)) {
      err = zy_status_message(s);
      zy_status_free(s);
      return done(fail(err));
    }
    in_place &= here;
  }
  auto runOnce = [&](double* out_ms) -> bool {
    const auto a = clock::now();
    for (size_t i = 0; i < inputs.size() && copy_inputs; ++i) {
      const ToolInput& in = inputs[i];
      if (zy_status_t s = zy_session_set_input(session, i, in.dtype, in.dims.data(), static_cast<int32_t>(in.dims.size()),
                                               in.data.data(), in.data.size())) {
        err = zy_status_message(s);
        zy_status_free(s);
        return false;
      }
    }
    if (zy_status_t s = zy_session_run(session)) {
      err = zy_status_message(s);
      zy_status_free(s);
      return false;
    }
    *out_ms = ms(a, clock::now());
    return true;
  };
  double first_ms = 0, t = 0;
  if (!runOnce(&first_ms)) return done(fail(err));
  for (int64_t w = 0; w < warmup; ++w)
    if (!runOnce(&t)) return done(fail(err));
  std::vector<double> lat;
  std::map<std::string, OpStats> ops;  // by node name, in first-seen order below
  std::vector<std::string> order;
  for (int64_t r = 0; r < runs; ++r) {
    if (!runOnce(&t)) return done(fail(err));
    lat.push_back(t);
    for (size_t k = 0; k < zy_session_profile_count(session); ++k) {
      zy_op_profile_t p;
      zy_status_free(zy_session_profile_entry(session, k, &p));
      auto [it, fresh] = ops.try_emplace(p.name);
      if (fresh) {
        order.push_back(p.name);
        it->second = OpStats{};
        it->second.name = p.name;
        it->second.type = p.type;
        it->second.backend = p.backend;
        it->second.note = zy_session_profile_note(session, k);
      }
      it->second.total_us += p.duration_us;
      it->second.flops = p.flops;
      ++it->second.count;
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  const double arena_mib = static_cast<double>(zy_session_arena_bytes(session)) / 1048576.0;
  const double mn = *std::min_element(lat.begin(), lat.end()), med = percentile(lat, 0.5), p90 = percentile(lat, 0.9),
               p99 = percentile(lat, 0.99);
  // The backends that ran ops, in the order the session tried them.
  std::string be = backend.empty() ? "default order" : backend;
  std::printf("model      %s (from %s, opset %lld)\n", model_path.c_str(), zy_model_producer(model), (long long)zy_model_source_opset(model));
  std::map<std::string, int> used;
  for (const auto& [_, o] : ops) ++used[o.backend];
  std::string ran;
  for (const auto& [name, count] : used) ran += (ran.empty() ? "" : ", ") + name + " " + std::to_string(count) + " ops";
  std::printf("backend    %s%s, %lld thread%s\n", be.c_str(), ran.empty() ? "" : (" (" + ran + ")").c_str(), (long long)threads,
              threads == 1 ? "" : "s");
  std::printf("init       load %.2f ms, session %.2f ms\n", load_ms, session_ms);
  std::printf("first run  %.2f ms\n", first_ms);
  std::printf("inputs     %s\n", copy_inputs ? "copied before every run (--copy-inputs), the copy timed"
                                 : in_place ? "bound once, read in place"
                                            : "bound once, copied by the session (unaligned or aliased)");
  std::printf("latency    min %.2f  median %.2f  p90 %.2f  p99 %.2f ms  (%lld runs after %lld warm-up)\n", mn, med, p90, p99,
              (long long)runs, (long long)warmup);
  std::printf("memory     peak RSS %.1f MiB, arena %.2f MiB\n", rss_mib, arena_mib);
  // Fast math's price: the same inputs through an fp32 session, every f32
  // output compared, relative to the fp32 output's largest magnitude.
  double fast_error = -1;
  if (precision != "fp32") {
    zy_session_options_t fo = opts;
    fo.precision = "fp32";
    fo.enable_profiling = 0;
    zy_session_t* ref = nullptr;
    if (zy_status_t s = zy_session_create(model, &fo, &ref)) { err = zy_status_message(s); zy_status_free(s); return done(fail(err)); }
    bool ok = true;
    for (size_t i = 0; i < inputs.size() && ok; ++i) {
      const ToolInput& in = inputs[i];
      zy_status_t s = zy_session_set_input(ref, i, in.dtype, in.dims.data(), static_cast<int32_t>(in.dims.size()), in.data.data(), in.data.size());
      ok = !s;
      zy_status_free(s);
    }
    if (ok) { zy_status_t s = zy_session_run(ref); ok = !s; zy_status_free(s); }
    double diff = 0, top = 0;
    for (size_t o = 0; ok && o < zy_model_output_count(model); ++o) {
      zy_tensor_info_t ia, ib;
      const void *pa, *pb;
      size_t na, nb;
      zy_status_t s1 = zy_session_get_output(session, o, &ia, &pa, &na), s2 = zy_session_get_output(ref, o, &ib, &pb, &nb);
      ok = !s1 && !s2 && na == nb;
      zy_status_free(s1);
      zy_status_free(s2);
      if (!ok || ia.dtype != ZY_DTYPE_F32) continue;
      const float *fa = static_cast<const float*>(pa), *fb = static_cast<const float*>(pb);
      for (size_t k = 0; k < na / sizeof(float); ++k) {
        diff = std::max(diff, static_cast<double>(std::fabs(fa[k] - fb[k])));
        top = std::max(top, static_cast<double>(std::fabs(fb[k])));
      }
    }
    zy_session_release(ref);
    if (!ok) return done(fail("the fp32 comparison run failed"));
    fast_error = top > 0 ? diff / top : diff;
    std::printf("precision  %s: max |%s - fp32| / max |fp32| = %.2e over the outputs\n", precision.c_str(), precision.c_str(), fast_error);
  }

  double op_total = 0;
  for (const auto& [_, o] : ops) op_total += o.total_us;
  std::vector<const OpStats*> sorted;
  for (const auto& n : order) sorted.push_back(&ops[n]);
  std::stable_sort(sorted.begin(), sorted.end(), [](const OpStats* a, const OpStats* b) { return a->total_us > b->total_us; });
  if (profile && !sorted.empty()) {
    std::printf("\n%-36s %-18s %-8s %10s %7s %9s\n", "op", "type", "backend", "time ms", "share", "GFLOP/s");
    for (size_t k = 0; k < sorted.size() && k < 25; ++k) {
      const OpStats& o = *sorted[k];
      const double mean_us = o.total_us / std::max(1, o.count);
      std::string name = o.name.size() > 35 ? o.name.substr(0, 32) + "..." : o.name;
      std::printf("%-36s %-18s %-8s %10.3f %6.1f%% ", name.c_str(), o.type.c_str(), o.backend.c_str(), mean_us / 1000,
                  100 * o.total_us / std::max(1e-9, op_total));
      if (o.flops > 0) std::printf("%9.2f", o.flops / (mean_us * 1e3));
      else std::printf("%9s", "-");
      std::printf("%s%s\n", o.note.empty() ? "" : "  ", o.note.c_str());
    }
    if (sorted.size() > 25) std::printf("(%zu more ops)\n", sorted.size() - 25);
    printSubgraphs(session);
  }
  if (!trace_path.empty()) {
    FILE* f = std::fopen(trace_path.c_str(), "w");
    if (!f) return done(fail("cannot write '" + trace_path + "'"));
    std::fprintf(f, "{\"traceEvents\":[");
    for (size_t k = 0; k < zy_session_profile_count(session); ++k) {
      zy_op_profile_t p;
      zy_status_free(zy_session_profile_entry(session, k, &p));
      std::fprintf(f, "%s{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":1,\"tid\":1,\"args\":{\"backend\":\"%s\",\"flops\":%.0f}}",
                   k ? "," : "", jsonEscape(p.name).c_str(), jsonEscape(p.type).c_str(), p.start_us, p.duration_us, p.backend, p.flops);
    }
    std::fprintf(f, "],\"displayTimeUnit\":\"ms\"}\n");
    std::fclose(f);
    std::printf("trace      %s (last run; open in https://ui.perfetto.dev)\n", trace_path.c_str());
  }
  if (!json_path.empty()) {
    FILE* f = std::fopen(json_path.c_str(), "w");
    if (!f) return done(fail("cannot write '" + json_path + "'"));
    std::fprintf(f, "{\"model\":\"%s\",\"backend\":\"%s\",\"threads\":%lld,\"init_ms\":{\"load\":%.3f,\"session\":%.3f},"
                    "\"first_run_ms\":%.3f,\"latency_ms\":{\"min\":%.3f,\"median\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"runs\":[",
                 jsonEscape(model_path).c_str(), jsonEscape(be).c_str(), (long long)threads, load_ms, session_ms, first_ms, mn, med, p90, p99);
    for (size_t k = 0; k < lat.size(); ++k) std::fprintf(f, "%s%.3f", k ? "," : "", lat[k]);
    std::fprintf(f, "]},\"inputs\":\"%s\",\"precision\":\"%s\",", copy_inputs ? "copied" : in_place ? "in place" : "bound, copied",
                 precision.c_str());
    if (fast_error >= 0) std::fprintf(f, "\"max_rel_error_vs_fp32\":%.3e,", fast_error);
    std::fprintf(f, "\"peak_rss_mib\":%.2f,\"arena_bytes\":%zu,\"ops\":[", rss_mib, zy_session_arena_bytes(session));
    for (size_t k = 0; k < sorted.size(); ++k) {
      const OpStats& o = *sorted[k];
      const double mean_us = o.total_us / std::max(1, o.count);
      std::fprintf(f, "%s{\"name\":\"%s\",\"type\":\"%s\",\"backend\":\"%s\",\"mean_ms\":%.4f,\"share\":%.4f,\"gflops\":%.3f,\"note\":\"%s\"}",
                   k ? "," : "", jsonEscape(o.name).c_str(), jsonEscape(o.type).c_str(), jsonEscape(o.backend).c_str(), mean_us / 1000,
                   o.total_us / std::max(1e-9, op_total), o.flops > 0 ? o.flops / (mean_us * 1e3) : 0.0, jsonEscape(o.note).c_str());
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
  }
  return done(0);
}
