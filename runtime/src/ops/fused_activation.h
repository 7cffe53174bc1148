// An activation fused into Conv / Gemm by the compiler, applied in the
// kernel's store. Stored on the op as attributes:
//   activation = "Relu" | "Clip" | "LeakyRelu" | "HardSigmoid" | "HardSwish" | "Sigmoid" | "Silu"
//   activation_alpha, activation_beta (Clip: min/max; LeakyRelu: alpha; HardSigmoid: alpha/beta)
#pragma once
#include <algorithm>
#include <cmath>
#include <string>

#include "core/attributes.h"

namespace zy {

struct FusedActivation {
  enum Kind { None, Relu, Clip, LeakyRelu, HardSigmoid, HardSwish, Sigmoid, Silu } kind = None;
  float alpha = 0.f, beta = 0.f;

  static bool parse(const Attributes& a, FusedActivation* out) {
    std::string k = a.getString("activation", "");
    out->alpha = a.getFloat("activation_alpha", 0.f);
    out->beta = a.getFloat("activation_beta", 0.f);
    if (k.empty()) out->kind = None;
    else if (k == "Relu") out->kind = Relu;
    else if (k == "Clip") out->kind = Clip;
    else if (k == "LeakyRelu") out->kind = LeakyRelu;
    else if (k == "HardSigmoid") out->kind = HardSigmoid;
    else if (k == "HardSwish") out->kind = HardSwish;
    else if (k == "Sigmoid") out->kind = Sigmoid;
    else if (k == "Silu") out->kind = Silu;
    else return false;
    return true;
  }

  static float sigmoid(float x) { return x >= 0.f ? 1.f / (1.f + std::exp(-x)) : std::exp(x) / (1.f + std::exp(x)); }

  float apply(float x) const {
    switch (kind) {
      case None: return x;
      case Relu: return x > 0.f ? x : 0.f;
      case Clip: return std::min(beta, std::max(alpha, x));
      case LeakyRelu: return x >= 0.f ? x : alpha * x;
      case HardSigmoid: return std::max(0.f, std::min(1.f, alpha * x + beta));
      case HardSwish: return x * std::max(0.f, std::min(1.f, x / 6.f + 0.5f));
      case Sigmoid: return sigmoid(x);
      case Silu: return x * sigmoid(x);
    }
    return x;
  }
};

}  // namespace zy
