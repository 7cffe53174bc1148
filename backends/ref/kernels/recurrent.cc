// RNN, GRU and LSTM with full ONNX semantics: every direction, layouts,
// initial states, sequence lengths, peepholes, clip, input_forget,
// linear_before_reset and the configurable activation functions.
#include <cmath>
#include <string>

#include "dispatch.h"
#include "kernel_context.h"

namespace zy {
namespace ref {
namespace {

struct Activation {
  std::string name;
  float alpha = 0.f, beta = 0.f;
  double operator()(double x) const {
    if (name == "Sigmoid") return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
    if (name == "Tanh") return std::tanh(x);
    if (name == "Relu") return x > 0 ? x : 0;
    if (name == "Affine") return alpha * x + beta;
    if (name == "LeakyRelu") return x >= 0 ? x : alpha * x;
    if (name == "ThresholdedRelu") return x > alpha ? x : 0;
    if (name == "ScaledTanh") return alpha * std::tanh(beta * x);
    if (name == "HardSigmoid") return std::max(0.0, std::min(1.0, alpha * x + beta));
    if (name == "Elu") return x >= 0 ? x : alpha * (std::exp(x) - 1);
    if (name == "Softsign") return x / (1 + std::fabs(x));
    if (name == "Softplus") return std::log1p(std::exp(x));
    return x;
  }
};

// The activation functions per direction, filling in the defaults and
// consuming activation_alpha / activation_beta in order.
Status activations(const Attributes& a, int per_dir, int dirs, const std::vector<std::string>& defaults,
                   std::vector<Activation>* out) {
  const Attribute* names = a.find("activations");
  std::vector<std::string> list = names ? names->strings : std::vector<std::string>{};
  if (list.empty())
    for (int d = 0; d < dirs; ++d) list.insert(list.end(), defaults.begin(), defaults.end());
  if (static_cast<int>(list.size()) != per_dir * dirs) return invalidArgument("activations has the wrong length");
  const Attribute* al = a.find("activation_alpha");
  const Attribute* be = a.find("activation_beta");
  size_t ai = 0, bi = 0;
  for (const std::string& n : list) {
    Activation act{n};
    static const char* known[] = {"Sigmoid", "Tanh", "Relu", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
                                  "HardSigmoid", "Elu", "Softsign", "Softplus"};
    bool ok = false;
    for (const char* k : known) ok |= n == k;
    if (!ok) return unsupported("activation '" + n + "' is not supported");
    // Defaults as ONNX lists them for each function.
    if (n == "LeakyRelu") act.alpha = 0.01f;
    if (n == "ThresholdedRelu" || n == "Elu") act.alpha = 1.f;
    if (n == "HardSigmoid") { act.alpha = 0.2f; act.beta = 0.5f; }
    const bool takes_alpha = n == "Affine" || n == "LeakyRelu" || n == "ThresholdedRelu" || n == "ScaledTanh" || n == "HardSigmoid" || n == "Elu";
    const bool takes_beta = n == "Affine" || n == "ScaledTanh" || n == "HardSigmoid";
    if (takes_alpha && al && ai < al->floats.size()) act.alpha = al->floats[ai++];
    if (takes_beta && be && bi < be->floats.size()) act.beta = be->floats[bi++];
    out->push_back(act);
  }
  return Status::OK();
}

template <typename T>
Status recurrentTyped(KernelContext& c) {
  const std::string& type = c.opType();
  const int gates = type == "LSTM" ? 4 : type == "GRU" ? 3 : 1;
  const Attributes& a = c.attrs();
  const TensorArg &x = c.input(0), &W = c.input(1), &R = c.input(2);
  const std::string dir = a.getString("direction", "forward");
  const int dirs = dir == "bidirectional" ? 2 : 1;
  const bool batch_first = a.getInt("layout", 0) != 0;
  const int64_t seq = batch_first ? x.shape[1] : x.shape[0], batch = batch_first ? x.shape[0] : x.shape[1];
  const int64_t in_size = x.shape[2], H = R.shape[2];
  const float clip = a.getFloat("clip", 0.f);
  const bool input_forget = a.getInt("input_forget", 0) != 0;
  const bool linear_before_reset = a.getInt("linear_before_reset", 0) != 0;
  const std::vector<std::string> defaults = gates == 4 ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                            : gates == 3 ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                         : std::vector<std::string>{"Tanh"};
  std::vector<Activation> acts;
  ZY_RETURN_IF_ERROR(activations(a, static_cast<int>(defaults.size()), dirs, defaults, &acts));
  const T* xp = x.as<T>();
  const T* B = c.hasInput(3) ? c.input(3).as<T>() : nullptr;
  const T* P = gates == 4 && c.hasInput(7) ? c.input(7).as<T>() : nullptr;
  const T* h0 = c.hasInput(5) ? c.input(5).as<T>() : nullptr;
  const T* c0 = gates == 4 && c.hasInput(6) ? c.input(6).as<T>() : nullptr;
  std::vector<int64_t> lens(static_cast<size_t>(batch), seq);
  if (c.hasInput(4))
    for (int64_t b = 0; b < batch; ++b) {
      lens[b] = readIndex(c.input(4), b);
      if (lens[b] < 0 || lens[b] > seq) return invalidArgument("a sequence length is out of range");
    }
  T* Y = c.numOutputs() > 0 && c.output(0).present() ? c.output(0).as<T>() : nullptr;
  T* Yh = c.numOutputs() > 1 && c.output(1).present() ? c.output(1).as<T>() : nullptr;
  T* Yc = c.numOutputs() > 2 && c.output(2).present() ? c.output(2).as<T>() : nullptr;
  if (Y) std::fill(Y, Y + c.output(0).size(), T(0));
  auto xAt = [&](int64_t t, int64_t b, int64_t k) { return xp[(batch_first ? b * seq + t : t * batch + b) * in_size + k]; };
  auto stateIdx = [&](int d, int64_t b, int64_t j) { return (batch_first ? (b * dirs + d) : (d * batch + b)) * H + j; };
  auto yIdx = [&](int64_t t, int d, int64_t b, int64_t j) {
    return (batch_first ? ((b * seq + t) * dirs + d) : ((t * dirs + d) * batch + b)) * H + j;
  };
  auto clipped = [&](double v) { return clip > 0 ? std::max<double>(-clip, std::min<double>(clip, v)) : v; };
  std::vector<double> h(static_cast<size_t>(H)), cell(static_cast<size_t>(H)), g(static_cast<size_t>(gates * H)),
      hr(static_cast<size_t>(H));
  for (int d = 0; d < dirs; ++d) {
    const bool reverse = dir == "reverse" || d == 1;
    const T* w = W.as<T>() + static_cast<int64_t>(d) * gates * H * in_size;
    const T* r = R.as<T>() + static_cast<int64_t>(d) * gates * H * H;
    const T* wb = B ? B + static_cast<int64_t>(d) * 2 * gates * H : nullptr;
    const T* rb = B ? wb + gates * H : nullptr;
    const T* p = P ? P + static_cast<int64_t>(d) * 3 * H : nullptr;
    const Activation* f = &acts[d * defaults.size()];
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t j = 0; j < H; ++j) {
        h[j] = h0 ? static_cast<double>(h0[stateIdx(d, b, j)]) : 0.0;
        cell[j] = c0 ? static_cast<double>(c0[stateIdx(d, b, j)]) : 0.0;
      }
      for (int64_t s = 0; s < lens[b]; ++s) {
        const int64_t t = reverse ? lens[b] - 1 - s : s;
        // g = W x_t + Wb (+ R h_{t-1} + Rb, except GRU's candidate gate).
        for (int64_t q = 0; q < gates * H; ++q) {
          double v = wb ? static_cast<double>(wb[q]) : 0.0;
          for (int64_t k = 0; k < in_size; ++k) v += static_cast<double>(w[q * in_size + k]) * xAt(t, b, k);
          const bool gru_candidate = gates == 3 && q >= 2 * H;
          if (!gru_candidate) {
            v += rb ? static_cast<double>(rb[q]) : 0.0;
            for (int64_t k = 0; k < H; ++k) v += static_cast<double>(r[q * H + k]) * h[k];
          }
          g[q] = v;
        }
        if (gates == 1) {
          for (int64_t j = 0; j < H; ++j) h[j] = f[0](clipped(g[j]));
        } else if (gates == 3) {  // GRU: gates z, r, h
          for (int64_t j = 0; j < H; ++j) g[j] = f[0](clipped(g[j]));                   // z
          for (int64_t j = 0; j < H; ++j) g[H + j] = f[0](clipped(g[H + j]));           // r
          for (int64_t j = 0; j < H; ++j) {
            double rec = 0;
            if (linear_before_reset) {
              for (int64_t k = 0; k < H; ++k) rec += static_cast<double>(r[(2 * H + j) * H + k]) * h[k];
              rec = g[H + j] * (rec + (rb ? static_cast<double>(rb[2 * H + j]) : 0.0));
            } else {
              for (int64_t k = 0; k < H; ++k) rec += static_cast<double>(r[(2 * H + j) * H + k]) * g[H + k] * h[k];
              rec += rb ? static_cast<double>(rb[2 * H + j]) : 0.0;
            }
            hr[j] = f[1](clipped(g[2 * H + j] + rec));
          }
          for (int64_t j = 0; j < H; ++j) h[j] = (1 - g[j]) * hr[j] + g[j] * h[j];
        } else {  // LSTM: gates i, o, f, c; peepholes P = [Pi, Po, Pf]
          for (int64_t j = 0; j < H; ++j) {
            double gi = g[j] + (p ? p[j] * cell[j] : 0.0);
            double gf = g[2 * H + j] + (p ? p[2 * H + j] * cell[j] : 0.0);
            const double it = f[0](clipped(gi));
            const double ft = input_forget ? 1 - it : f[0](clipped(gf));
            const double ct = f[1](clipped(g[3 * H + j]));
            cell[j] = ft * cell[j] + it * ct;
            const double ot = f[0](clipped(g[H + j] + (p ? p[H + j] * cell[j] : 0.0)));
            hr[j] = ot * f[2](cell[j]);
          }
          for (int64_t j = 0; j < H; ++j) h[j] = hr[j];
        }
        if (Y)
          for (int64_t j = 0; j < H; ++j) Y[yIdx(t, d, b, j)] = static_cast<T>(h[j]);
      }
      for (int64_t j = 0; j < H; ++j) {
        if (Yh) Yh[stateIdx(d, b, j)] = static_cast<T>(h[j]);
        if (Yc) Yc[stateIdx(d, b, j)] = static_cast<T>(cell[j]);
      }
    }
  }
  return Status::OK();
}

Status recurrent(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return recurrentTyped<decltype(t)>(c); });
}

}  // namespace

void registerRecurrentKernels(KernelRegistry& r) {
  r["RNN"] = {recurrent, floatTypes()};
  r["GRU"] = {recurrent, floatTypes()};
  r["LSTM"] = {recurrent, floatTypes()};
}

}  // namespace ref
}  // namespace zy
