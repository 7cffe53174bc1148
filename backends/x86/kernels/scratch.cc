#include "scratch.h"

#include <cstdlib>
#include <memory>
#include <new>

namespace zy {
namespace x86 {

float* threadScratch(size_t n) {
  struct Buffer {
    float* data = nullptr;
    size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buf;
  if (n > buf.size) {
    std::free(buf.data);
    const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    buf.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!buf.data) { buf.size = 0; throw std::bad_alloc(); }
    buf.size = n;
  }
  return buf.data;
}

}  // namespace x86
}  // namespace zy
