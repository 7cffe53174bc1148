// NumPy .npy files (format versions 1-3, little-endian, C order).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"

namespace zy {

struct NpyArray {
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

Status readNpy(const std::string& path, NpyArray* out);
Status parseNpy(const uint8_t* bytes, size_t size, NpyArray* out);
Status writeNpy(const std::string& path, DType dtype, const std::vector<int64_t>& shape, const void* data, size_t bytes);

}  // namespace zy
