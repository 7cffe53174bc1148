#include "image.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace zy {
namespace examples {

namespace {

uint32_t be32(const uint8_t* p) { return (static_cast<uint32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

bool readPng(const std::vector<uint8_t>& b, Image* out, std::string* error) {
  uint32_t w = 0, h = 0;
  int depth = 0, color = 0, interlace = 0;
  std::vector<uint8_t> idat, palette;
  for (size_t p = 8; p + 12 <= b.size();) {
    const uint32_t len = be32(&b[p]);
    if (len > b.size() - p - 12) { *error = "truncated PNG"; return false; }
    const uint8_t* d = &b[p + 8];
    if (std::memcmp(&b[p + 4], "IHDR", 4) == 0 && len >= 13) {
      w = be32(d);
      h = be32(d + 4);
      depth = d[8];
      color = d[9];
      interlace = d[12];
    } else if (std::memcmp(&b[p + 4], "PLTE", 4) == 0) {
      palette.assign(d, d + len);
    } else if (std::memcmp(&b[p + 4], "IDAT", 4) == 0) {
      idat.insert(idat.end(), d, d + len);
    }
    p += 12 + len;
  }
  const int channels = color == 0 ? 1 : color == 2 ? 3 : color == 3 ? 1 : color == 4 ? 2 : color == 6 ? 4 : 0;
  if (w == 0 || h == 0 || w > 20000 || h > 20000 || depth != 8 || channels == 0 || interlace != 0) {
    *error = "unsupported PNG (needs 8-bit, non-interlaced)";
    return false;
  }
  const size_t stride = static_cast<size_t>(w) * channels;
  std::vector<uint8_t> raw((stride + 1) * h);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK || raw_len != raw.size()) {
    *error = "corrupt PNG data";
    return false;
  }
  std::vector<uint8_t> px(stride * h), prev(stride, 0);
  for (uint32_t y = 0; y < h; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* src = &raw[y * (stride + 1) + 1];
    uint8_t* row = &px[y * stride];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(channels) ? row[i - channels] : 0, up = prev[i],
                c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      int v = src[i];
      if (filter == 1) v += a;
      else if (filter == 2) v += up;
      else if (filter == 3) v += (a + up) / 2;
      else if (filter == 4) v += paeth(a, up, c);
      row[i] = static_cast<uint8_t>(v);
    }
    std::memcpy(prev.data(), row, stride);
  }
  out->width = static_cast<int>(w);
  out->height = static_cast<int>(h);
  out->rgb.resize(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i) {
    const uint8_t* s = &px[i * channels];
    uint8_t r, g, bl;
    if (color == 3) {
      const size_t k = static_cast<size_t>(s[0]) * 3;
      r = k + 2 < palette.size() ? palette[k] : 0;
      g = k + 2 < palette.size() ? palette[k + 1] : 0;
      bl = k + 2 < palette.size() ? palette[k + 2] : 0;
    } else if (channels <= 2) {
      r = g = bl = s[0];
    } else {
      r = s[0]; g = s[1]; bl = s[2];
    }
    if (channels == 2 || channels == 4) {  // composite over white
      const int alpha = s[channels - 1];
      r = static_cast<uint8_t>((r * alpha + 255 * (255 - alpha)) / 255);
      g = static_cast<uint8_t>((g * alpha + 255 * (255 - alpha)) / 255);
      bl = static_cast<uint8_t>((bl * alpha + 255 * (255 - alpha)) / 255);
    }
    out->rgb[i * 3] = r;
    out->rgb[i * 3 + 1] = g;
    out->rgb[i * 3 + 2] = bl;
  }
  return true;
}

bool readPnm(const std::vector<uint8_t>& b, Image* out, std::string* error) {
  const bool color = b[1] == '6';
  size_t p = 2;
  int vals[3], k = 0;
  while (k < 3 && p < b.size()) {
    while (p < b.size() && (isspace(b[p]) || b[p] == '#')) {
      if (b[p] == '#') while (p < b.size() && b[p] != '\n') ++p;
      else ++p;
    }
    int v = 0;
    while (p < b.size() && isdigit(b[p])) v = v * 10 + (b[p++] - '0');
    vals[k++] = v;
  }
  ++p;
  const size_t ch = color ? 3 : 1, n = static_cast<size_t>(vals[0]) * vals[1];
  if (k < 3 || vals[2] != 255 || vals[0] <= 0 || vals[1] <= 0 || b.size() - p < n * ch) { *error = "unsupported PPM/PGM"; return false; }
  out->width = vals[0];
  out->height = vals[1];
  out->rgb.resize(n * 3);
  for (size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) out->rgb[i * 3 + c] = b[p + i * ch + (color ? c : 0)];
  return true;
}

}  // namespace

bool readImage(const std::string& path, Image* out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) { *error = "cannot open '" + path + "'"; return false; }
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  bool ok = false;
  if (b.size() > 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) ok = readPng(b, out, error);
  else if (b.size() > 2 && b[0] == 'P' && (b[1] == '6' || b[1] == '5')) ok = readPnm(b, out, error);
  else *error = "not a PNG or PPM/PGM image";
  if (!ok) *error = "'" + path + "': " + *error;
  return ok;
}

}  // namespace examples
}  // namespace zy
