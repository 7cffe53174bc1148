// bf16-gemm/amx-32x32 on a software model of the AMX tile unit. This machine
// has no AMX, so the kernel's own code (tile configuration, operand layout,
// K blocking, the store) runs here against a model of the five instructions
// it uses, written from their descriptions in Intel's SDM (vol. 2: LDTILECFG,
// TILEZERO, TILELOADD, TILESTORED, TDPBF16PS); on AMX hardware the same
// template runs with each of those a single instruction (bf16_gemm_amx.cc).
#include <cmath>
#include <cstring>
#include <random>

#include "cpu_features.h"
#include "kernels/bf16_gemm_tiles.h"
#include "kernels/f32_gemm.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

float bf16ToF32(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

// Eight tiles of up to 16 rows x 64 bytes, shaped by the last LDTILECFG.
// Misuse the hardware would fault on (a tile used before configuration, a
// shape past the palette's limits, TDPBF16PS on tiles whose shapes do not
// chain) fails the test instead.
struct Tile {
  int rows = 0, colsb = 0;
  uint8_t data[16][64] = {};
};

struct EmulatedTiles {
  static inline thread_local Tile tmm[8];
  static inline thread_local bool configured = false;

  static void configure(const x86::AmxTileConfig& c) {
    EXPECT_EQ(c.palette, 1);
    for (int t = 0; t < 8; ++t) {
      EXPECT_LE(c.rows[t], 16) << "tile " << t;
      EXPECT_LE(c.colsb[t], 64) << "tile " << t;
      tmm[t] = Tile{c.rows[t], c.colsb[t], {}};
    }
    configured = true;
  }
  static void release() { configured = false; }
  template <int T>
  static Tile& tile() {
    EXPECT_TRUE(configured) << "tile " << T << " used outside LDTILECFG ... TILERELEASE";
    EXPECT_GT(tmm[T].rows, 0) << "tile " << T << " is not configured";
    return tmm[T];
  }
  template <int T>
  static void zero() {
    std::memset(tile<T>().data, 0, sizeof tmm[T].data);
  }
  template <int T>
  static void load(const void* p, int64_t stride) {
    Tile& t = tile<T>();
    std::memset(t.data, 0, sizeof t.data);
    for (int r = 0; r < t.rows; ++r) std::memcpy(t.data[r], static_cast<const uint8_t*>(p) + r * stride, t.colsb);
  }
  template <int T>
  static void store(void* p, int64_t stride) {
    const Tile& t = tile<T>();
    for (int r = 0; r < t.rows; ++r) std::memcpy(static_cast<uint8_t*>(p) + r * stride, t.data[r], t.colsb);
  }
  // C[m][n] += A[m][2k] * B[k][2n] + A[m][2k+1] * B[k][2n+1], f32 accumulation.
  template <int C, int A, int B>
  static void dpbf16ps() {
    Tile &c = tile<C>(), &a = tile<A>(), &b = tile<B>();
    EXPECT_EQ(c.rows, a.rows);
    EXPECT_EQ(a.colsb / 4, b.rows);
    EXPECT_EQ(c.colsb, b.colsb);
    for (int m = 0; m < c.rows; ++m)
      for (int n = 0; n < c.colsb / 4; ++n) {
        float acc;
        std::memcpy(&acc, &c.data[m][4 * n], 4);
        for (int k = 0; k < a.colsb / 4; ++k) {
          uint16_t a0, a1, b0, b1;
          std::memcpy(&a0, &a.data[m][4 * k], 2);
          std::memcpy(&a1, &a.data[m][4 * k + 2], 2);
          std::memcpy(&b0, &b.data[k][4 * n], 2);
          std::memcpy(&b1, &b.data[k][4 * n + 2], 2);
          acc += bf16ToF32(a0) * bf16ToF32(b0);
          acc += bf16ToF32(a1) * bf16ToF32(b1);
        }
        std::memcpy(&c.data[m][4 * n], &acc, 4);
      }
  }
};

// The whole GEMM (packing, K blocks of 512, partial tiles, the epilogue)
// against a naive GEMM of the bf16-rounded operands in double.
TEST(X86Amx, Bf16TileGemmMatchesRoundedGemm) {
  const x86::CpuFeatures& f = x86::cpuFeatures();
  if (!f.avx512f || !f.avx512bw || !f.avx512bf16)
    GTEST_SKIP() << "the tile kernel's store and B packing need AVX-512 and AVX512-BF16, which this CPU lacks";
  const x86::GemmKernel kernel = x86::bf16AmxGemmKernelOn(x86::bf16GemmTiles32x32<EmulatedTiles>);
  std::mt19937 rng(61);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const x86::ParallelFor serial = [](size_t n, const std::function<void(size_t, size_t)>& fn) { if (n) fn(0, n); };
  // Odd K (a zero-padded pair), K off the 32-wide block, K over one and two
  // blocks of 512, rows and columns off the 32 x 32 tile, and a single element.
  struct Case {
    int64_t m, n, k;
    bool residual;
    FusedActivation::Kind act;
  };
  for (const Case& t : std::vector<Case>{{1, 1, 1, false, FusedActivation::None},
                                         {32, 32, 32, false, FusedActivation::None},
                                         {13, 37, 301, true, FusedActivation::None},
                                         {33, 100, 513, false, FusedActivation::Relu},
                                         {70, 65, 1100, true, FusedActivation::Relu},
                                         {64, 17, 64, false, FusedActivation::None}}) {
    std::vector<float> a(t.m * t.k), b(t.k * t.n), bias(t.m), res(t.m * t.n), c(t.m * t.n);
    for (auto* v : {&a, &b, &bias, &res})
      for (float& x : *v) x = u(rng);
    FusedActivation act;
    act.kind = t.act;
    x86::gemm(x86::packA(&kernel, a.data(), t.m, t.k, t.k), b.data(), t.n, t.n, c.data(), t.n, bias.data(), act, serial,
              t.residual ? res.data() : nullptr);
    for (int64_t i = 0; i < t.m; ++i)
      for (int64_t j = 0; j < t.n; ++j) {
        double want = bias[i] + (t.residual ? res[i * t.n + j] : 0.f);
        for (int64_t q = 0; q < t.k; ++q) want += static_cast<double>(roundToBf16(a[i * t.k + q])) * roundToBf16(b[q * t.n + j]);
        if (t.act == FusedActivation::Relu) want = std::max(0.0, want);
        ASSERT_NEAR(c[i * t.n + j], want, 1e-4 * std::max(1.0, std::fabs(want))) << "m=" << t.m << " n=" << t.n << " k=" << t.k;
      }
  }
  EXPECT_FALSE(EmulatedTiles::configured) << "the kernel left the tiles configured";
}

// The tile kernel is chosen only where the CPU has AMX and Linux granted the
// tile state; everywhere else bf16 runs on AVX512-BF16 (or not at all).
TEST(X86Amx, TileKernelOnlyWherePermitted) {
  const x86::CpuFeatures& f = x86::cpuFeatures();
  if (!f.amx_tile || !f.amx_bf16) {
    EXPECT_FALSE(x86::amxTilesPermitted());
  }
  const x86::GemmKernel* k = x86::bf16GemmKernel();
  if (x86::amxTilesPermitted()) {
    ASSERT_NE(k, nullptr);
    EXPECT_STREQ(k->name, "bf16-gemm/amx-32x32");
  } else if (f.avx512bf16 && f.avx512bw) {
    ASSERT_NE(k, nullptr);
    EXPECT_STREQ(k->name, "bf16-gemm/avx512bf16-12x32");
  } else {
    EXPECT_EQ(k, nullptr);
  }
}

}  // namespace
}  // namespace test
}  // namespace zy
