// The AMX tile unit for bf16-gemm/amx-32x32 (bf16_gemm_tiles.h). Inline
// assembly rather than GCC's intrinsics: those are macros that spell the
// tile number into the mnemonic, so they cannot take a template argument.
#include "bf16_gemm_tiles.h"

namespace zy {
namespace x86 {

namespace {

struct AmxTiles {
  static void configure(const AmxTileConfig& config) { __asm__ volatile("ldtilecfg %0" ::"m"(config)); }
  static void release() { __asm__ volatile("tilerelease" ::); }
  template <int T>
  static void zero() {
    __asm__ volatile("tilezero %%tmm%c0" ::"i"(T));
  }
  template <int T>
  static void load(const void* p, int64_t stride) {
    __asm__ volatile("tileloadd (%0,%1,1), %%tmm%c2" ::"r"(p), "r"(stride), "i"(T) : "memory");
  }
  template <int T>
  static void store(void* p, int64_t stride) {
    __asm__ volatile("tilestored %%tmm%c0, (%1,%2,1)" ::"i"(T), "r"(p), "r"(stride) : "memory");
  }
  // C += A * B (AT&T operand order: B, A, C).
  template <int C, int A, int B>
  static void dpbf16ps() {
    __asm__ volatile("tdpbf16ps %%tmm%c2, %%tmm%c1, %%tmm%c0" ::"i"(C), "i"(A), "i"(B));
  }
};

}  // namespace

void bf16GemmAmx_32x32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr, int64_t nr, bool accumulate,
                       const TileEpilogue* last) {
  bf16GemmTiles32x32<AmxTiles>(kc, a, b, c, ldc, mr, nr, accumulate, last);
}

}  // namespace x86
}  // namespace zy
