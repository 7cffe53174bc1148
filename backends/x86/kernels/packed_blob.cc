#include "packed_blob.h"

#include <cstring>

namespace zy {
namespace x86 {
namespace {

constexpr char kMagic[8] = {'Z', 'Y', 'X', '8', '6', 'P', 'K', '1'};

struct Header {
  char magic[8];
  char kernel[64];
  int64_t m, k;
  uint64_t count, stride_floats;  // stride: one matrix, padded to 64 bytes
  uint8_t pad[128 - 8 - 64 - 4 * 8];
};
static_assert(sizeof(Header) == 128, "the header keeps the panels 64-byte aligned");

size_t strideFloats(const GemmKernel* kernel, int64_t m, int64_t k) { return (packedAFloats(kernel, m, k) + 15) / 16 * 16; }

}  // namespace

std::vector<uint8_t> serializePacked(const std::vector<PackedA>& mats) {
  if (mats.empty() || !mats[0].kernel) return {};
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  std::strncpy(h.kernel, mats[0].kernel->name, sizeof h.kernel - 1);
  h.m = mats[0].m;
  h.k = mats[0].k;
  h.count = mats.size();
  h.stride_floats = strideFloats(mats[0].kernel, h.m, h.k);
  std::vector<uint8_t> out(sizeof h + h.count * h.stride_floats * sizeof(float), 0);
  std::memcpy(out.data(), &h, sizeof h);
  const size_t used = packedAFloats(mats[0].kernel, h.m, h.k) * sizeof(float);
  for (size_t i = 0; i < mats.size(); ++i)
    std::memcpy(out.data() + sizeof h + i * h.stride_floats * sizeof(float), mats[i].data.get(), used);
  return out;
}

bool viewPacked(const void* blob, size_t size, const GemmKernel* kernel, int64_t m, int64_t k, size_t count,
                std::vector<PackedA>* out) {
  if (!blob || size < sizeof(Header) || (reinterpret_cast<uintptr_t>(blob) & 63) != 0) return false;
  Header h;
  std::memcpy(&h, blob, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || std::strncmp(h.kernel, kernel->name, sizeof h.kernel) != 0) return false;
  const size_t stride = strideFloats(kernel, m, k);
  if (h.m != m || h.k != k || h.count != count || h.stride_floats != stride || size != sizeof h + count * stride * sizeof(float))
    return false;
  float* base = reinterpret_cast<float*>(const_cast<uint8_t*>(static_cast<const uint8_t*>(blob) + sizeof h));
  out->clear();
  for (size_t i = 0; i < count; ++i) out->push_back(PackedA::borrowed(kernel, m, k, base + i * stride));  // the model owns it
  return true;
}

}  // namespace x86
}  // namespace zy
