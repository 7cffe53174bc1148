// Element types and their properties.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "zy/types.h"

namespace zy {

enum class DType : uint8_t {
  Undefined = ZY_DTYPE_UNDEFINED,
  F32 = ZY_DTYPE_F32, F16 = ZY_DTYPE_F16, BF16 = ZY_DTYPE_BF16,
  I8 = ZY_DTYPE_I8, U8 = ZY_DTYPE_U8, I16 = ZY_DTYPE_I16, I32 = ZY_DTYPE_I32,
  I64 = ZY_DTYPE_I64, Bool = ZY_DTYPE_BOOL, F64 = ZY_DTYPE_F64,
  U16 = ZY_DTYPE_U16, U32 = ZY_DTYPE_U32, U64 = ZY_DTYPE_U64,
};
constexpr int kMaxDType = ZY_DTYPE_U64;

size_t dtypeSize(DType t);
const char* dtypeName(DType t);
bool isFloat(DType t);    // f32, f64, f16, bf16
bool isValidDType(int v);

// ONNX TensorProto.DataType <-> DType (Undefined when there is no match).
DType dtypeFromOnnx(int onnx_type);
int dtypeToOnnx(DType t);

// IEEE half and bfloat16 conversions.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
inline float bf16ToFloat(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
uint16_t floatToBf16(float f);

}  // namespace zy
