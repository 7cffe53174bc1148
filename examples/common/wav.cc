#include "wav.h"

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace zy {
namespace examples {

namespace {
uint32_t u32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }
uint16_t u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
}  // namespace

bool readWav(const std::string& path, Audio* out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) { *error = "cannot open '" + path + "'"; return false; }
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0) {
    *error = "'" + path + "' is not a WAV file";
    return false;
  }
  int format = 0, channels = 0, bits = 0;
  const uint8_t* data = nullptr;
  size_t data_size = 0;
  for (size_t p = 12; p + 8 <= b.size();) {
    const uint32_t size = u32(&b[p + 4]);
    const size_t body = p + 8;
    if (size > b.size() - body) { *error = "'" + path + "' is truncated"; return false; }
    if (std::memcmp(&b[p], "fmt ", 4) == 0 && size >= 16) {
      format = u16(&b[body]);
      channels = u16(&b[body + 2]);
      out->sample_rate = static_cast<int>(u32(&b[body + 4]));
      bits = u16(&b[body + 14]);
      if (format == 0xFFFE && size >= 26) format = u16(&b[body + 24]);  // WAVE_FORMAT_EXTENSIBLE
    } else if (std::memcmp(&b[p], "data", 4) == 0) {
      data = &b[body];
      data_size = size;
    }
    p = body + size + (size & 1);
  }
  const bool pcm = format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
  const bool flt = format == 3 && bits == 32;
  if (!data || channels < 1 || out->sample_rate <= 0 || !(pcm || flt)) {
    *error = "'" + path + "' is not PCM or float WAV audio";
    return false;
  }
  const size_t bytes = static_cast<size_t>(bits / 8), frames = data_size / (bytes * channels);
  out->samples.assign(frames, 0.f);
  for (size_t i = 0; i < frames; ++i) {
    float sum = 0;
    for (int c = 0; c < channels; ++c) {
      const uint8_t* s = data + (i * channels + c) * bytes;
      float v;
      if (flt) std::memcpy(&v, s, 4);
      else if (bits == 8) v = (static_cast<float>(s[0]) - 128.f) / 128.f;
      else if (bits == 16) v = static_cast<float>(static_cast<int16_t>(u16(s))) / 32768.f;
      else if (bits == 24) v = static_cast<float>(static_cast<int32_t>((s[0] | (s[1] << 8) | (static_cast<uint32_t>(s[2]) << 16)) << 8) >> 8) / 8388608.f;
      else v = static_cast<float>(static_cast<int32_t>(u32(s))) / 2147483648.f;
      sum += v;
    }
    out->samples[i] = sum / static_cast<float>(channels);
  }
  return true;
}

std::vector<float> resample(const std::vector<float>& in, int from, int to) {
  if (from == to || in.empty()) return in;
  const size_t n = static_cast<size_t>(static_cast<double>(in.size()) * to / from);
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i) * from / to;
    const size_t i0 = static_cast<size_t>(x);
    const size_t i1 = std::min(i0 + 1, in.size() - 1);
    const double w = x - static_cast<double>(i0);
    out[i] = static_cast<float>((1 - w) * in[i0] + w * in[i1]);
  }
  return out;
}

}  // namespace examples
}  // namespace zy
