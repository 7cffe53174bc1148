#include "tool_common.h"

#include <cstring>

#include "core/dtype.h"

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

}  // namespace tools
}  // namespace zy
