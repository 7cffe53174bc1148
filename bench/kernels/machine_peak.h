// This machine's ceilings, measured once per bench run (the clock of a
// shared VM wanders, so fixed numbers from elsewhere would mislead): the
// FMA peak of one core for AVX-512 and AVX2, and the streaming memory
// bandwidth of one core (read + write).
#pragma once

namespace zy {
namespace bench {

double fmaPeakGflops(bool avx512);  // best of several runs, GFLOP/s
double memoryBandwidthGBs();        // bytes read + written per second / 1e9
double vnniPeakGops();              // AVX-512 VNNI (vpdpbusd), int8 ops (2 per multiply-add) per second / 1e9

}  // namespace bench
}  // namespace zy
