// Minimal image loading for the examples: PNG (8-bit gray, gray+alpha, RGB,
// RGBA, palette; not interlaced) through zlib, and binary PPM/PGM.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace zy {
namespace examples {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, row-major
  uint8_t at(int x, int y, int c) const { return rgb[(static_cast<size_t>(y) * width + x) * 3 + c]; }
};

bool readImage(const std::string& path, Image* out, std::string* error);

}  // namespace examples
}  // namespace zy
