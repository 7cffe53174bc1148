// The simulated NPU's configuration: a MAC array, a clock, on-chip SRAM, a
// DMA engine and device DRAM, in the style of domestic edge NPUs (an int8
// MAC array fed from SRAM, DRAM behind a DMA engine). Set through
// $ZY_NPU_SIM_CONFIG, e.g. "mac=32x16,clock=1000,sram=1M,dma=8,dram=512M":
//   mac     MAC array rows x columns (output channels x pixels per cycle)
//   clock   MHz
//   sram    on-chip SRAM bytes (K/M suffixes)
//   dma     DRAM <-> SRAM bandwidth, GB/s
//   dram    device memory bytes
#pragma once
#include <cstdint>
#include <string>

namespace zy {
namespace npu {

struct NpuConfig {
  int64_t mac_rows = 32, mac_cols = 16;  // 512 int8 MACs per cycle: 1 TOPS at 1 GHz
  double clock_mhz = 1000;
  int64_t sram_bytes = 1 << 20;
  double dma_gbps = 8;
  int64_t dram_bytes = int64_t{512} << 20;

  int64_t macsPerCycle() const { return mac_rows * mac_cols; }
  double dmaBytesPerCycle() const { return dma_gbps * 1e9 / (clock_mhz * 1e6); }
  std::string describe() const;
};

// Parses `spec` over the defaults; false with *error naming the bad field.
bool parseNpuConfig(const std::string& spec, NpuConfig* out, std::string* error);

}  // namespace npu
}  // namespace zy
