// Per-thread scratch memory for kernels that need a small working buffer
// (padded planes, packed panels): grown on demand, kept for the thread's life.
#pragma once
#include <cstddef>

namespace zy {
namespace x86 {

// At least n floats, 64-byte aligned, private to the calling thread; valid
// until the thread's next call.
float* threadScratch(size_t n);

}  // namespace x86
}  // namespace zy
