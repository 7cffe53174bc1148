// zy-vad: prints the speech segments of a WAV file, using Silero VAD compiled
// to .zym (silero_vad_legacy.onnx, v4). Frames of 512 samples at 16 kHz go
// through the model one at a time, carrying its LSTM state.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "wav.h"
#include "zy/zy.hpp"

namespace {

const char* kUsage =
    "usage: zy-vad FILE.wav --model silero_vad.zym [--threshold P] [--min-silence MS] [--min-speech MS]\n"
    "Prints the speech segments of FILE.wav (any rate; mixed to mono, resampled to 16 kHz).\n";

int fail(const std::string& msg) {
  std::fprintf(stderr, "zy-vad: error: %s\n", msg.c_str());
  return 1;
}

struct Segment {
  size_t start, end;  // samples at 16 kHz
};

}  // namespace

int main(int argc, char** argv) {
  std::string wav_path, model_path;
  float threshold = 0.5f;
  int min_silence_ms = 100, min_speech_ms = 250, pad_ms = 30;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "-h" || a == "--help") { std::printf("%s", kUsage); return 0; }
    else if (a == "--model") model_path = next();
    else if (a == "--threshold") threshold = std::stof("0" + next());
    else if (a == "--min-silence") min_silence_ms = std::stoi("0" + next());
    else if (a == "--min-speech") min_speech_ms = std::stoi("0" + next());
    else if (!a.empty() && a[0] == '-') return fail("unknown option '" + a + "'\n" + kUsage);
    else wav_path = a;
  }
  if (wav_path.empty() || model_path.empty()) { std::fprintf(stderr, "%s", kUsage); return 2; }

  zy::examples::Audio audio;
  std::string err;
  if (!zy::examples::readWav(wav_path, &audio, &err)) return fail(err);
  const int rate = 16000;
  const std::vector<float> x = zy::examples::resample(audio.samples, audio.sample_rate, rate);

  zy::api::Model model;
  zy::api::Result r = zy::api::Model::loadFile(model_path, &model);
  if (!r.ok()) return fail(r.message());
  zy::api::Session session;
  r = zy::api::Session::create(model, 1, "", &session);
  if (!r.ok()) return fail(r.message());

  const size_t frame = 512;
  std::vector<float> h(2 * 64, 0.f), c(2 * 64, 0.f);
  const int64_t sr = rate;
  std::vector<float> probs;
  for (size_t pos = 0; pos + frame <= x.size(); pos += frame) {
    const std::vector<std::pair<std::vector<int64_t>, const void*>> feeds = {
        {{1, static_cast<int64_t>(frame)}, x.data() + pos}, {{}, &sr}, {{2, 1, 64}, h.data()}, {{2, 1, 64}, c.data()}};
    const zy_dtype_t types[4] = {ZY_DTYPE_F32, ZY_DTYPE_I64, ZY_DTYPE_F32, ZY_DTYPE_F32};
    const size_t bytes[4] = {frame * 4, 8, h.size() * 4, c.size() * 4};
    for (size_t k = 0; k < 4; ++k) {
      r = session.setInput(k, types[k], feeds[k].first, feeds[k].second, bytes[k]);
      if (!r.ok()) return fail(r.message());
    }
    r = session.run();
    if (!r.ok()) return fail(r.message());
    zy_tensor_info_t info;
    const void* data;
    size_t n;
    if (!session.output(0, &info, &data, &n).ok()) return fail("the model has no probability output");
    probs.push_back(*static_cast<const float*>(data));
    if (session.output(1, &info, &data, &n).ok() && n == h.size() * 4) std::memcpy(h.data(), data, n);
    if (session.output(2, &info, &data, &n).ok() && n == c.size() * 4) std::memcpy(c.data(), data, n);
  }

  // Hysteresis over frame probabilities (as Silero's reference code does):
  // speech starts at `threshold`, ends after min_silence below threshold-0.15.
  const float neg = threshold - 0.15f;
  const size_t min_silence = static_cast<size_t>(rate) * min_silence_ms / 1000;
  const size_t min_speech = static_cast<size_t>(rate) * min_speech_ms / 1000;
  const size_t pad = static_cast<size_t>(rate) * pad_ms / 1000;
  std::vector<Segment> segs;
  bool speech = false;
  size_t start = 0, temp_end = 0;
  for (size_t i = 0; i < probs.size(); ++i) {
    const size_t at = i * frame;
    if (probs[i] >= threshold) {
      temp_end = 0;
      if (!speech) { speech = true; start = at; }
    } else if (probs[i] < neg && speech) {
      if (!temp_end) temp_end = at;
      if (at - temp_end >= min_silence) {
        if (temp_end - start >= min_speech) segs.push_back({start, temp_end});
        speech = false;
        temp_end = 0;
      }
    }
  }
  if (speech && x.size() - start >= min_speech) segs.push_back({start, x.size()});
  for (auto& s : segs) {
    s.start = s.start > pad ? s.start - pad : 0;
    s.end = std::min(x.size(), s.end + pad);
  }
  std::printf("%s: %.2f s of audio, %zu frames, %zu speech segment%s\n", wav_path.c_str(),
              static_cast<double>(x.size()) / rate, probs.size(), segs.size(), segs.size() == 1 ? "" : "s");
  for (const auto& s : segs)
    std::printf("speech %7.2f s - %7.2f s\n", static_cast<double>(s.start) / rate, static_cast<double>(s.end) / rate);
  return 0;
}
