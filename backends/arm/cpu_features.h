// ARM CPU features from the kernel's HWCAP words (getauxval), read once.
#pragma once

namespace zy {
namespace arm {

struct CpuFeatures {
  bool neon = false;     // ASIMD: every ARMv8-A core
  bool dotprod = false;  // SDOT/UDOT (ARMv8.2 dotprod: Cortex-A55/A75+, Kunpeng 920)
  bool fp16 = false;     // half-precision arithmetic (FMLA .8h)
  bool i8mm = false;     // SMMLA/USDOT (ARMv8.6 I8MM)
};

// ZY_ARM_ISA=neon hides dotprod, fp16 and i8mm (tests the ARMv8.0 paths on any core).
const CpuFeatures& cpuFeatures();

}  // namespace arm
}  // namespace zy
