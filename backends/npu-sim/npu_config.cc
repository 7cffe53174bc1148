#include "npu_config.h"

#include <cstdio>
#include <cstdlib>

namespace zy {
namespace npu {

namespace {

bool parseBytes(const std::string& v, int64_t* out) {
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() || n <= 0) return false;
  int64_t scale = 1;
  if (*end == 'K' || *end == 'k') scale = 1024, ++end;
  else if (*end == 'M' || *end == 'm') scale = 1024 * 1024, ++end;
  else if (*end == 'G' || *end == 'g') scale = int64_t{1} << 30, ++end;
  if (*end) return false;
  *out = n * scale;
  return true;
}

bool parsePositive(const std::string& v, double* out) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end || !(d > 0)) return false;
  *out = d;
  return true;
}

}  // namespace

std::string NpuConfig::describe() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "MAC array %lldx%lld at %.0f MHz (%.2f int8 TOPS), SRAM %lld KB, DMA %.1f GB/s, DRAM %lld MB",
                (long long)mac_rows, (long long)mac_cols, clock_mhz, 2.0 * static_cast<double>(macsPerCycle()) * clock_mhz / 1e6,
                (long long)(sram_bytes >> 10), dma_gbps, (long long)(dram_bytes >> 20));
  return buf;
}

bool parseNpuConfig(const std::string& spec, NpuConfig* out, std::string* error) {
  size_t start = 0;
  while (start < spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    bool ok = false;
    if (key == "mac") {
      const size_t x = value.find('x');
      char *e1 = nullptr, *e2 = nullptr;
      if (x != std::string::npos) {
        const long long r = std::strtoll(value.substr(0, x).c_str(), &e1, 10), c = std::strtoll(value.substr(x + 1).c_str(), &e2, 10);
        ok = r > 0 && c > 0 && !*e1 && !*e2 && r <= 4096 && c <= 4096;
        if (ok) out->mac_rows = r, out->mac_cols = c;
      }
    } else if (key == "clock") {
      ok = parsePositive(value, &out->clock_mhz);
    } else if (key == "sram") {
      ok = parseBytes(value, &out->sram_bytes);
    } else if (key == "dma") {
      ok = parsePositive(value, &out->dma_gbps);
    } else if (key == "dram") {
      ok = parseBytes(value, &out->dram_bytes);
    } else {
      *error = "unknown field '" + key + "' (use mac=RxC, clock=MHz, sram=BYTES, dma=GB/s, dram=BYTES)";
      return false;
    }
    if (!ok) {
      *error = "bad value '" + value + "' for " + key;
      return false;
    }
  }
  return true;
}

}  // namespace npu
}  // namespace zy
