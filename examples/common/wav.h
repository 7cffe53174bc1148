// Minimal WAV reading for the examples: PCM 8/16/24/32-bit or IEEE float,
// any channel count (mixed to mono), resampled to a requested rate.
#pragma once
#include <string>
#include <vector>

namespace zy {
namespace examples {

struct Audio {
  int sample_rate = 0;
  std::vector<float> samples;  // mono, in [-1, 1]
};

// Returns false with *error set on a missing or malformed file.
bool readWav(const std::string& path, Audio* out, std::string* error);
// Linear-interpolation resampling (good enough for speech detection).
std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate);

}  // namespace examples
}  // namespace zy
