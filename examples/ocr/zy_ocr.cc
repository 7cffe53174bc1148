// zy-ocr: prints the text lines of an image with PP-OCRv4 (detector +
// recognizer) compiled to .zym. Detection is DB: a probability map,
// thresholded into connected regions, each box grown by the "unclip" ratio;
// recognition is CTC: the best class per time step, repeats merged, blanks
// dropped, classes mapped through the model's character list.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "image.h"
#include "zy/zy.hpp"

namespace {

const char* kUsage =
    "usage: zy-ocr IMAGE.png --det DET.zym --rec REC.zym --keys ppocr_keys_v1.txt [--threads N]\n"
    "Prints each text line found in the image, top to bottom.\n";

int fail(const std::string& msg) {
  std::fprintf(stderr, "zy-ocr: error: %s\n", msg.c_str());
  return 1;
}

// Bilinear resize of an image region into a w x h float CHW tensor, in BGR
// order (as PaddleOCR reads images), normalized per channel.
std::vector<float> toTensor(const zy::examples::Image& img, int x0, int y0, int x1, int y1, int w, int h, int pad_w,
                            const float mean[3], const float stdev[3]) {
  std::vector<float> t(static_cast<size_t>(3) * h * pad_w, 0.f);
  const float sx = static_cast<float>(x1 - x0) / w, sy = static_cast<float>(y1 - y0) / h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float fx = std::clamp(x0 + (x + 0.5f) * sx - 0.5f, 0.f, img.width - 1.f);
      const float fy = std::clamp(y0 + (y + 0.5f) * sy - 0.5f, 0.f, img.height - 1.f);
      const int ix = static_cast<int>(fx), iy = static_cast<int>(fy);
      const int ix1 = std::min(ix + 1, img.width - 1), iy1 = std::min(iy + 1, img.height - 1);
      const float wx = fx - ix, wy = fy - iy;
      for (int c = 0; c < 3; ++c) {
        const int rgb = 2 - c;  // BGR
        const float v = (1 - wy) * ((1 - wx) * img.at(ix, iy, rgb) + wx * img.at(ix1, iy, rgb)) +
                        wy * ((1 - wx) * img.at(ix, iy1, rgb) + wx * img.at(ix1, iy1, rgb));
        t[(static_cast<size_t>(c) * h + y) * pad_w + x] = (v / 255.f - mean[c]) / stdev[c];
      }
    }
  return t;
}

struct Box {
  int x0, y0, x1, y1;
  float score;
};

// DB post-processing: regions of prob > 0.3 with mean prob >= 0.6, grown by
// area * 1.5 / perimeter on every side, in original image coordinates.
std::vector<Box> findBoxes(const float* prob, int w, int h, float scale_x, float scale_y, int img_w, int img_h) {
  std::vector<uint8_t> seen(static_cast<size_t>(w) * h, 0);
  std::vector<Box> boxes;
  std::vector<int> stack;
  for (int start = 0; start < w * h; ++start) {
    if (seen[start] || prob[start] <= 0.3f) continue;
    int x0 = w, y0 = h, x1 = -1, y1 = -1, n = 0;
    double sum = 0;
    stack.assign(1, start);
    seen[start] = 1;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      const int x = p % w, y = p / w;
      x0 = std::min(x0, x); x1 = std::max(x1, x); y0 = std::min(y0, y); y1 = std::max(y1, y);
      sum += prob[p];
      ++n;
      const int nb[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1};
      for (int q : nb)
        if (q >= 0 && !seen[q] && prob[q] > 0.3f) { seen[q] = 1; stack.push_back(q); }
    }
    const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    if (bw < 3 || bh < 3 || sum / n < 0.6) continue;
    const float d = static_cast<float>(bw) * bh * 1.5f / (2.f * (bw + bh));
    Box b;
    b.x0 = std::max(0, static_cast<int>(std::floor((x0 - d) * scale_x)));
    b.y0 = std::max(0, static_cast<int>(std::floor((y0 - d) * scale_y)));
    b.x1 = std::min(img_w, static_cast<int>(std::ceil((x1 + 1 + d) * scale_x)));
    b.y1 = std::min(img_h, static_cast<int>(std::ceil((y1 + 1 + d) * scale_y)));
    b.score = static_cast<float>(sum / n);
    boxes.push_back(b);
  }
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) {
    return std::abs(a.y0 - b.y0) > 10 ? a.y0 < b.y0 : a.x0 < b.x0;
  });
  return boxes;
}

zy::api::Result runModel(zy::api::Session& s, const std::vector<float>& input, std::vector<int64_t> dims,
                         const float** out, zy_tensor_info_t* info) {
  zy::api::Result r = s.setInput(0, ZY_DTYPE_F32, dims, input.data(), input.size() * 4);
  if (!r.ok()) return r;
  r = s.run();
  if (!r.ok()) return r;
  const void* data;
  size_t n;
  r = s.output(0, info, &data, &n);
  *out = static_cast<const float*>(data);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string image_path, det_path, rec_path, keys_path;
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "-h" || a == "--help") { std::printf("%s", kUsage); return 0; }
    else if (a == "--det") det_path = next();
    else if (a == "--rec") rec_path = next();
    else if (a == "--keys") keys_path = next();
    else if (a == "--threads") threads = std::max(0, std::atoi(next().c_str()));
    else if (!a.empty() && a[0] == '-') return fail("unknown option '" + a + "'\n" + kUsage);
    else image_path = a;
  }
  if (image_path.empty() || det_path.empty() || rec_path.empty() || keys_path.empty()) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  zy::examples::Image img;
  std::string err;
  if (!zy::examples::readImage(image_path, &img, &err)) return fail(err);
  std::vector<std::string> keys;
  {
    std::ifstream f(keys_path);
    if (!f) return fail("cannot open '" + keys_path + "'");
    std::string line;
    while (std::getline(f, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      keys.push_back(line);
    }
    keys.push_back(" ");  // the models are trained with the space character last
  }
  zy::api::Model det_model, rec_model;
  zy::api::Session det, rec;
  zy::api::Result r = zy::api::Model::loadFile(det_path, &det_model);
  if (r.ok()) r = zy::api::Model::loadFile(rec_path, &rec_model);
  if (r.ok()) r = zy::api::Session::create(det_model, threads, "", &det);
  if (r.ok()) r = zy::api::Session::create(rec_model, threads, "", &rec);
  if (!r.ok()) return fail(r.message());

  // Detection input: sides rounded to multiples of 32, the longer at most 960.
  const float ratio = std::min(1.f, 960.f / std::max(img.width, img.height));
  const int dw = std::max(32, static_cast<int>(std::round(img.width * ratio / 32)) * 32);
  const int dh = std::max(32, static_cast<int>(std::round(img.height * ratio / 32)) * 32);
  const float det_mean[3] = {0.485f, 0.456f, 0.406f}, det_std[3] = {0.229f, 0.224f, 0.225f};
  const float* prob;
  zy_tensor_info_t info;
  r = runModel(det, toTensor(img, 0, 0, img.width, img.height, dw, dh, dw, det_mean, det_std), {1, 3, dh, dw}, &prob, &info);
  if (!r.ok()) return fail(r.message());
  const std::vector<Box> boxes = findBoxes(prob, dw, dh, static_cast<float>(img.width) / dw, static_cast<float>(img.height) / dh,
                                           img.width, img.height);

  const float rec_mean[3] = {0.5f, 0.5f, 0.5f}, rec_std[3] = {0.5f, 0.5f, 0.5f};
  for (const Box& b : boxes) {
    const int bw = b.x1 - b.x0, bh = b.y1 - b.y0;
    const int w = std::clamp(static_cast<int>(std::ceil(48.f * bw / bh)), 16, 2000);
    const int padded = std::max(w, 320);
    const float* p;
    r = runModel(rec, toTensor(img, b.x0, b.y0, b.x1, b.y1, w, 48, padded, rec_mean, rec_std), {1, 3, 48, padded}, &p, &info);
    if (!r.ok()) return fail(r.message());
    const int64_t steps = info.dims[1], classes = info.dims[2];
    std::string text;
    double conf = 0;
    int kept = 0;
    int64_t last = 0;
    for (int64_t t = 0; t < steps; ++t) {
      const float* row = p + t * classes;
      const int64_t best = std::max_element(row, row + classes) - row;
      if (best != 0 && best != last && best - 1 < static_cast<int64_t>(keys.size())) {
        text += keys[best - 1];
        conf += row[best];
        ++kept;
      }
      last = best;
    }
    if (kept) std::printf("%s\t(%.2f)\n", text.c_str(), conf / kept);
  }
  return 0;
}
