// The ahead-of-time form of an op's packed weights (zy-compile --target x86):
// a 128-byte header naming the microkernel, the shape and the count, then the
// packed panels, 64-byte aligned, so that a session maps them instead of
// packing. A blob packed for another microkernel (made on another CPU) does
// not match, and the op packs at session creation as usual.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "f32_gemm.h"

namespace zy {
namespace x86 {

std::vector<uint8_t> serializePacked(const std::vector<PackedA>& mats);
// `count` matrices of m x k for `kernel`, pointing into the blob; false if
// the blob is absent or was made for something else.
bool viewPacked(const void* blob, size_t size, const GemmKernel* kernel, int64_t m, int64_t k, size_t count,
                std::vector<PackedA>* out);

}  // namespace x86
}  // namespace zy
