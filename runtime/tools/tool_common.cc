#include "tool_common.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/dtype.h"
#include "npy.h"

namespace zy {
namespace tools {

std::vector<uint8_t> randomTensor(zy_dtype_t dtype, int64_t count, std::mt19937_64& rng) {
  const DType t = static_cast<DType>(dtype);
  std::vector<uint8_t> out(static_cast<size_t>(count) * dtypeSize(t));
  std::uniform_real_distribution<float> real(-1.f, 1.f);
  std::uniform_int_distribution<int> small(0, 3);
  for (int64_t i = 0; i < count; ++i) {
    uint8_t* p = out.data() + i * dtypeSize(t);
    switch (t) {
      case DType::F32: { float v = real(rng); std::memcpy(p, &v, 4); break; }
      case DType::F64: { double v = real(rng); std::memcpy(p, &v, 8); break; }
      case DType::F16: { uint16_t v = floatToHalf(real(rng)); std::memcpy(p, &v, 2); break; }
      case DType::BF16: { uint16_t v = floatToBf16(real(rng)); std::memcpy(p, &v, 2); break; }
      case DType::Bool: *p = static_cast<uint8_t>(small(rng) & 1); break;
      default: {
        int64_t v = small(rng);
        std::memcpy(p, &v, dtypeSize(t));  // little-endian: low bytes first
        break;
      }
    }
  }
  return out;
}

std::string dimsToString(const zy_tensor_info_t& info) {
  std::string s = "[";
  for (int32_t i = 0; i < info.rank; ++i) s += (i ? "," : "") + (info.dims[i] < 0 ? std::string("?") : std::to_string(info.dims[i]));
  return s + "]";
}

int64_t elementCount(const zy_tensor_info_t& info) {
  int64_t n = 1;
  for (int32_t i = 0; i < info.rank; ++i) n *= info.dims[i];
  return n;
}

bool parseDims(const std::string& s, std::vector<int64_t>* out) {
  out->clear();
  std::string cur;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == 'x' || s[i] == ',') {
      int64_t v;
      if (!parseInt(cur, &v)) return false;
      out->push_back(v);
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  return !out->empty();
}

bool parseInt(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool makeInputs(const zy_model_t* model, const std::map<std::string, std::string>& files,
                const std::map<std::string, std::string>& shapes, uint64_t seed, std::vector<ToolInput>* out,
                std::string* error) {
  std::map<std::string, bool> known;
  const size_t n = zy_model_input_count(model);
  for (size_t i = 0; i < n; ++i) {
    zy_tensor_info_t info;
    zy_status_free(zy_model_input_info(model, i, &info));
    known[info.name] = true;
  }
  for (const auto* m : {&files, &shapes})
    for (const auto& [name, _] : *m)
      if (!known.count(name)) { *error = "the model has no input named '" + name + "'"; return false; }
  std::mt19937_64 rng(seed);
  out->clear();
  for (size_t i = 0; i < n; ++i) {
    zy_tensor_info_t info;
    zy_status_free(zy_model_input_info(model, i, &info));
    ToolInput in;
    in.name = info.name;
    in.dtype = info.dtype;
    in.dims.assign(info.dims, info.dims + info.rank);
    auto f = files.find(info.name);
    if (f != files.end()) {
      NpyArray arr;
      Status st = readNpy(f->second, &arr);
      if (!st.ok()) { *error = st.message(); return false; }
      in.data = std::move(arr.data);
      in.dims = arr.shape;
      in.dtype = static_cast<zy_dtype_t>(arr.dtype);
      in.source = f->second;
    } else {
      auto sh = shapes.find(info.name);
      if (sh != shapes.end()) {
        if (!parseDims(sh->second, &in.dims) || in.dims.size() != static_cast<size_t>(info.rank)) {
          *error = "--input-shape " + sh->first + "=" + sh->second + " is not a shape of rank " + std::to_string(info.rank);
          return false;
        }
      } else {
        for (int64_t d : in.dims)
          if (d < 0) {
            *error = std::string("input '") + info.name + "' has dynamic dimensions " + dimsToString(info) +
                     "; give its data with --input or its shape with --input-shape";
            return false;
          }
      }
      int64_t count = 1;
      for (int64_t d : in.dims) count *= d;
      in.data = randomTensor(info.dtype, count, rng);
      in.source = "random";
    }
    out->push_back(std::move(in));
  }
  return true;
}

bool printBackends(const std::string& backend_path) {
  size_t count = 0;
  const char* path = backend_path.empty() ? nullptr : backend_path.c_str();
  if (zy_status_t s = zy_list_backends(path, nullptr, 0, &count)) {
    std::fprintf(stderr, "error: %s\n", zy_status_message(s));
    zy_status_free(s);
    return false;
  }
  std::vector<zy_backend_info_t> infos(count);
  if (zy_status_t s = zy_list_backends(path, infos.data(), infos.size(), &count)) {
    std::fprintf(stderr, "error: %s\n", zy_status_message(s));
    zy_status_free(s);
    return false;
  }
  std::printf("%-14s %-11s %s\n", "backend", "status", "origin");
  for (const zy_backend_info_t& b : infos) {
    std::printf("%-14s %-11s %s\n", b.name, b.available ? "available" : "unavailable", b.origin);
    if (!b.available) std::printf("%-14s %-11s   %s\n", "", "", b.reason);
    else if (b.detail[0]) std::printf("%-14s %-11s   %s\n", "", "", b.detail);
  }
  return true;
}

void printWarnings(const zy_session_t* session, const char* tool) {
  for (size_t i = 0; i < zy_session_warning_count(session); ++i) std::fprintf(stderr, "%s: warning: %s\n", tool, zy_session_warning(session, i));
}

std::string opsPerBackend(const zy_session_t* session) {
  std::vector<std::pair<std::string, int>> counts;
  for (size_t i = 0;; ++i) {
    const char* b = zy_session_op_backend(session, i);
    if (!b) break;
    auto it = std::find_if(counts.begin(), counts.end(), [&](const std::pair<std::string, int>& c) { return c.first == b; });
    if (it == counts.end()) counts.emplace_back(b, 1);
    else ++it->second;
  }
  std::string out;
  for (const auto& c : counts) out += (out.empty() ? "" : ", ") + c.first + " " + std::to_string(c.second);
  return out.empty() ? "none" : out;
}

}  // namespace tools
}  // namespace zy
