// Maps a runtime dtype to a C++ type for templated kernels.
#pragma once
#include <cstdint>

#include "core/dtype.h"
#include "core/status.h"

// Calls BODY with T bound to the C++ type of DTYPE (numeric types only);
// leaves `handled` false for any other dtype.
#define ZY_DISPATCH_NUMERIC(DTYPE, handled, ...)              \
  do {                                                       \
    handled = true;                                          \
    switch (DTYPE) {                                         \
      case ::zy::DType::F32: { using T = float; __VA_ARGS__; break; }    \
      case ::zy::DType::F64: { using T = double; __VA_ARGS__; break; }   \
      case ::zy::DType::I8: { using T = int8_t; __VA_ARGS__; break; }    \
      case ::zy::DType::U8: { using T = uint8_t; __VA_ARGS__; break; }   \
      case ::zy::DType::I16: { using T = int16_t; __VA_ARGS__; break; }  \
      case ::zy::DType::U16: { using T = uint16_t; __VA_ARGS__; break; } \
      case ::zy::DType::I32: { using T = int32_t; __VA_ARGS__; break; }  \
      case ::zy::DType::U32: { using T = uint32_t; __VA_ARGS__; break; } \
      case ::zy::DType::I64: { using T = int64_t; __VA_ARGS__; break; }  \
      case ::zy::DType::U64: { using T = uint64_t; __VA_ARGS__; break; } \
      default: handled = false; break;                       \
    }                                                        \
  } while (0)

#define ZY_DISPATCH_FLOAT(DTYPE, handled, ...)                \
  do {                                                       \
    handled = true;                                          \
    switch (DTYPE) {                                         \
      case ::zy::DType::F32: { using T = float; __VA_ARGS__; break; }  \
      case ::zy::DType::F64: { using T = double; __VA_ARGS__; break; } \
      default: handled = false; break;                       \
    }                                                        \
  } while (0)

namespace zy {
namespace ref {

// Calls fn(T{}) with T = float or double for the given dtype; any other
// dtype is unsupported. Lets each kernel write one template for both.
template <typename F>
Status withFloatType(DType t, F&& fn) {
  if (t == DType::F32) return fn(float{});
  if (t == DType::F64) return fn(double{});
  return unsupported(std::string("unsupported dtype ") + dtypeName(t));
}

}  // namespace ref
}  // namespace zy
