// Elementwise math beyond the activations: unary float functions, Abs/Neg/
// Sign, IsNaN/IsInf, Min/Max/Mean, Pow, Mod, comparisons, logic and Where.
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"

namespace zy {
namespace ref {
namespace {

// Unary float functions, by op type; parameters come from the attributes.
template <typename T>
Status floatFunction(KernelContext& c) {
  const std::string& type = c.opType();
  const Attributes& a = c.attrs();
  const T* x = c.input(0).as<T>();
  T* y = c.output(0).as<T>();
  const int64_t n = c.input(0).size();
  auto map = [&](auto f) {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(f(x[i]));
  };
  auto softplus = [](T v) { return v > T(0) ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); };
  if (type == "Erf") map([](T v) { return std::erf(v); });
  else if (type == "Sqrt") map([](T v) { return std::sqrt(v); });
  else if (type == "Exp") map([](T v) { return std::exp(v); });
  else if (type == "Log") map([](T v) { return std::log(v); });
  else if (type == "Reciprocal") map([](T v) { return T(1) / v; });
  else if (type == "Floor") map([](T v) { return std::floor(v); });
  else if (type == "Ceil") map([](T v) { return std::ceil(v); });
  else if (type == "Round") map([](T v) { return std::nearbyint(v); });  // half to even
  else if (type == "Sin") map([](T v) { return std::sin(v); });
  else if (type == "Cos") map([](T v) { return std::cos(v); });
  else if (type == "Tan") map([](T v) { return std::tan(v); });
  else if (type == "Asin") map([](T v) { return std::asin(v); });
  else if (type == "Acos") map([](T v) { return std::acos(v); });
  else if (type == "Atan") map([](T v) { return std::atan(v); });
  else if (type == "Sinh") map([](T v) { return std::sinh(v); });
  else if (type == "Cosh") map([](T v) { return std::cosh(v); });
  else if (type == "Asinh") map([](T v) { return std::asinh(v); });
  else if (type == "Acosh") map([](T v) { return std::acosh(v); });
  else if (type == "Atanh") map([](T v) { return std::atanh(v); });
  else if (type == "Softplus") map(softplus);
  else if (type == "Softsign") map([](T v) { return v / (T(1) + std::fabs(v)); });
  else if (type == "Mish") map([&](T v) { return v * std::tanh(softplus(v)); });
  else if (type == "Elu") {
    const T alpha = static_cast<T>(a.getFloat("alpha", 1.f));
    map([&](T v) { return v < T(0) ? alpha * (std::exp(v) - T(1)) : v; });
  } else if (type == "Selu") {
    const T alpha = static_cast<T>(a.getFloat("alpha", 1.67326319217681884765625f));
    const T gamma = static_cast<T>(a.getFloat("gamma", 1.05070102214813232421875f));
    map([&](T v) { return gamma * (v <= T(0) ? alpha * (std::exp(v) - T(1)) : v); });
  } else if (type == "Celu") {
    const T alpha = static_cast<T>(a.getFloat("alpha", 1.f));
    map([&](T v) { return std::max(T(0), v) + std::min(T(0), alpha * (std::exp(v / alpha) - T(1))); });
  } else if (type == "ThresholdedRelu") {
    const T alpha = static_cast<T>(a.getFloat("alpha", 1.f));
    map([&](T v) { return v > alpha ? v : T(0); });
  } else if (type == "Shrink") {
    const T lambd = static_cast<T>(a.getFloat("lambd", 0.5f)), bias = static_cast<T>(a.getFloat("bias", 0.f));
    map([&](T v) { return v < -lambd ? v + bias : (v > lambd ? v - bias : T(0)); });
  } else {
    return unsupported("no reference kernel for " + type);
  }
  return Status::OK();
}

Status floatFunctionAny(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return floatFunction<decltype(t)>(c); });
}

enum class UnaryOp { Abs, Neg, Sign };

template <typename T>
T applyUnary(UnaryOp op, T v) {
  switch (op) {
    case UnaryOp::Abs: return v < T(0) ? static_cast<T>(T(0) - v) : v;
    case UnaryOp::Neg: return static_cast<T>(T(0) - v);
    case UnaryOp::Sign: return static_cast<T>((v > T(0)) - (v < T(0)));
  }
  return v;
}

Status numericUnary(KernelContext& c) {
  const UnaryOp op = c.opType() == "Abs" ? UnaryOp::Abs : c.opType() == "Neg" ? UnaryOp::Neg : UnaryOp::Sign;
  bool ok;
  ZY_DISPATCH_NUMERIC(c.input(0).dtype, ok, {
    const T* x = c.input(0).as<T>();
    T* y = c.output(0).as<T>();
    for (int64_t i = 0; i < c.input(0).size(); ++i) y[i] = applyUnary(op, x[i]);
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

Status floatPredicate(KernelContext& c) {
  const bool nan = c.opType() == "IsNaN";
  const bool pos = c.attrs().getInt("detect_positive", 1) != 0, neg = c.attrs().getInt("detect_negative", 1) != 0;
  return withFloatType(c.input(0).dtype, [&](auto t) {
    using T = decltype(t);
    const T* x = c.input(0).as<T>();
    uint8_t* y = c.output(0).as<uint8_t>();
    for (int64_t i = 0; i < c.input(0).size(); ++i)
      y[i] = nan ? std::isnan(x[i]) : std::isinf(x[i]) && ((x[i] > 0 && pos) || (x[i] < 0 && neg));
    return Status::OK();
  });
}

// Min, Max, Mean over any number of broadcast inputs.
Status variadic(KernelContext& c) {
  const TensorArg& y = c.output(0);
  std::vector<std::vector<int64_t>> st;
  for (size_t k = 0; k < c.numInputs(); ++k) st.push_back(broadcastStrides(c.input(k).shape, y.shape));
  const std::string& type = c.opType();
  bool ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    T* yp = y.as<T>();
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      double acc = static_cast<double>(c.input(0).as<T>()[off[0]]);
      T best = c.input(0).as<T>()[off[0]];
      for (size_t k = 1; k < c.numInputs(); ++k) {
        const T v = c.input(k).as<T>()[off[k]];
        acc += static_cast<double>(v);
        if (type == "Min" ? (v < best || v != v) : (v > best || v != v)) best = v;
      }
      yp[o] = type == "Mean" ? static_cast<T>(acc / static_cast<double>(c.numInputs())) : best;
    });
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

double loadDouble(const TensorArg& t, int64_t i) {
  bool ok;
  double v = 0;
  ZY_DISPATCH_NUMERIC(t.dtype, ok, (v = static_cast<double>(t.as<T>()[i])));
  (void)ok;  // every numeric dtype is dispatched; others load as 0
  return v;
}

Status pow(KernelContext& c) {
  const TensorArg &a = c.input(0), &b = c.input(1), &y = c.output(0);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)};
  bool ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    T* yp = y.as<T>();
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      yp[o] = static_cast<T>(std::pow(loadDouble(a, off[0]), loadDouble(b, off[1])));
    });
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

// Mod of one pair; sets *div0 on an integer division by zero.
template <typename T>
T modOf(T u, T v, bool fmod, bool* div0) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(u, v);
  } else {
    if (v == T(0)) { *div0 = true; return T(0); }
    T r = static_cast<T>(u % v);
    // fmod=0: the result takes the divisor's sign (Python's %).
    if constexpr (std::is_signed_v<T>)
      if (!fmod && r != 0 && ((r < 0) != (v < 0))) r = static_cast<T>(r + v);
    return r;
  }
}

Status mod(KernelContext& c) {
  const TensorArg &a = c.input(0), &b = c.input(1), &y = c.output(0);
  const bool fmod = c.attrs().getInt("fmod", 0) != 0;
  std::vector<std::vector<int64_t>> st = {broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)};
  bool div0 = false, ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    const T* ap = a.as<T>();
    const T* bp = b.as<T>();
    T* yp = y.as<T>();
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) { yp[o] = modOf(ap[off[0]], bp[off[1]], fmod, &div0); });
  });
  if (!ok) return unsupported("unsupported dtype");
  return div0 ? invalidArgument("integer modulo by zero") : Status::OK();
}

Status compare(KernelContext& c) {
  const TensorArg &a = c.input(0), &b = c.input(1), &y = c.output(0);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)};
  const std::string& type = c.opType();
  const int op = type == "Equal" ? 0 : type == "Less" ? 1 : type == "Greater" ? 2 : type == "LessOrEqual" ? 3 : 4;
  uint8_t* yp = y.as<uint8_t>();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* ap = a.as<T>();
    const T* bp = b.as<T>();
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      const T u = ap[off[0]], v = bp[off[1]];
      yp[o] = op == 0 ? u == v : op == 1 ? u < v : op == 2 ? u > v : op == 3 ? u <= v : u >= v;
    });
  };
  if (a.dtype == DType::Bool) { run(uint8_t{}); return Status::OK(); }
  bool ok;
  ZY_DISPATCH_NUMERIC(a.dtype, ok, run(T{}));
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

Status logic(KernelContext& c) {
  const std::string& type = c.opType();
  const TensorArg& y = c.output(0);
  uint8_t* yp = y.as<uint8_t>();
  if (type == "Not") {
    for (int64_t i = 0; i < y.size(); ++i) yp[i] = !c.input(0).as<uint8_t>()[i];
    return Status::OK();
  }
  const uint8_t* ap = c.input(0).as<uint8_t>();
  const uint8_t* bp = c.input(1).as<uint8_t>();
  std::vector<std::vector<int64_t>> st = {broadcastStrides(c.input(0).shape, y.shape), broadcastStrides(c.input(1).shape, y.shape)};
  broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
    const bool u = ap[off[0]] != 0, v = bp[off[1]] != 0;
    yp[o] = type == "And" ? (u && v) : type == "Or" ? (u || v) : (u != v);
  });
  return Status::OK();
}

Status where(KernelContext& c) {
  const TensorArg &cond = c.input(0), &x = c.input(1), &z = c.input(2), &y = c.output(0);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(cond.shape, y.shape), broadcastStrides(x.shape, y.shape),
                                          broadcastStrides(z.shape, y.shape)};
  const size_t es = dtypeSize(y.dtype);
  const uint8_t* cp = cond.as<uint8_t>();
  broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
    const bool pick = cp[off[0]] != 0;
    const char* src = pick ? static_cast<const char*>(x.data) + off[1] * static_cast<int64_t>(es)
                           : static_cast<const char*>(z.data) + off[2] * static_cast<int64_t>(es);
    std::memcpy(static_cast<char*>(y.data) + o * static_cast<int64_t>(es), src, es);
  });
  return Status::OK();
}

Status bitShift(KernelContext& c) {
  const TensorArg &a = c.input(0), &b = c.input(1), &y = c.output(0);
  const bool left = c.attrs().getString("direction", "") == "LEFT";
  std::vector<std::vector<int64_t>> st = {broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)};
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* ap = a.as<T>();
    const T* bp = b.as<T>();
    T* yp = y.as<T>();
    const T bits = static_cast<T>(8 * sizeof(T));
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      const T v = ap[off[0]], s = bp[off[1]];
      yp[o] = s >= bits ? T(0) : static_cast<T>(left ? v << s : v >> s);  // no UB on wide shifts
    });
  };
  switch (a.dtype) {
    case DType::U8: run(uint8_t{}); break;
    case DType::U16: run(uint16_t{}); break;
    case DType::U32: run(uint32_t{}); break;
    case DType::U64: run(uint64_t{}); break;
    default: return unsupported("BitShift takes unsigned integers");
  }
  return Status::OK();
}

// Det by LU decomposition with partial pivoting, one matrix at a time.
template <typename T>
Status detTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  const int64_t m = x.shape.back(), count = x.size() / std::max<int64_t>(1, m * m);
  std::vector<double> a(static_cast<size_t>(m * m));
  for (int64_t b = 0; b < count; ++b) {
    for (int64_t k = 0; k < m * m; ++k) a[k] = static_cast<double>(x.as<T>()[b * m * m + k]);
    double det = 1;
    for (int64_t col = 0; col < m; ++col) {
      int64_t piv = col;
      for (int64_t r = col + 1; r < m; ++r)
        if (std::fabs(a[r * m + col]) > std::fabs(a[piv * m + col])) piv = r;
      if (a[piv * m + col] == 0) { det = 0; break; }
      if (piv != col) {
        for (int64_t k = 0; k < m; ++k) std::swap(a[piv * m + k], a[col * m + k]);
        det = -det;
      }
      det *= a[col * m + col];
      for (int64_t r = col + 1; r < m; ++r) {
        const double f = a[r * m + col] / a[col * m + col];
        for (int64_t k = col; k < m; ++k) a[r * m + k] -= f * a[col * m + k];
      }
    }
    c.output(0).as<T>()[b] = static_cast<T>(det);
  }
  return Status::OK();
}

Status det(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return detTyped<decltype(t)>(c); });
}

// Hann, Hamming and Blackman windows; periodic windows use N = size,
// symmetric ones N = size - 1.
Status window(KernelContext& c) {
  const TensorArg& y = c.output(0);
  const int64_t size = y.size();
  const double N = static_cast<double>(c.attrs().getInt("periodic", 1) != 0 ? size : size - 1);
  const std::string& type = c.opType();
  const double kPi = 3.14159265358979323846;
  bool ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    for (int64_t n = 0; n < size; ++n) {
      const double t = N > 0 ? 2 * kPi * static_cast<double>(n) / N : 0;
      double w;
      if (type == "HannWindow") w = 0.5 - 0.5 * std::cos(t);
      else if (type == "HammingWindow") w = 25.0 / 46.0 - (1 - 25.0 / 46.0) * std::cos(t);
      else w = 0.42 - 0.5 * std::cos(t) + 0.08 * std::cos(2 * t);
      y.as<T>()[n] = static_cast<T>(w);
    }
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

}  // namespace

void registerMathKernels(KernelRegistry& r) {
  for (const char* op : {"HannWindow", "HammingWindow", "BlackmanWindow"}) r[op] = {window, {}};
  r["BitShift"] = {bitShift, {}};
  r["Det"] = {det, floatTypes()};
  for (const char* op : {"Erf", "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Round", "Sin", "Cos", "Tan",
                         "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softplus", "Softsign",
                         "Elu", "Selu", "Celu", "ThresholdedRelu", "Mish", "Shrink"})
    r[op] = {floatFunctionAny, floatTypes()};
  for (const char* op : {"Abs", "Neg", "Sign"}) r[op] = {numericUnary, {}};
  for (const char* op : {"IsNaN", "IsInf"}) r[op] = {floatPredicate, floatTypes()};
  for (const char* op : {"Min", "Max", "Mean"}) r[op] = {variadic, {}};
  r["Pow"] = {pow, {}};
  r["Mod"] = {mod, {}};
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) r[op] = {compare, {}};
  for (const char* op : {"And", "Or", "Xor", "Not"}) r[op] = {logic, {DType::Bool}};
  r["Where"] = {where, {DType::Bool}};
}

}  // namespace ref
}  // namespace zy
