// Elementwise ops: activations, broadcast arithmetic, Cast.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"

namespace zy {
namespace ref {
namespace {

// Applies f to every element (the output may alias the input).
template <typename T, typename F>
void mapUnary(KernelContext& c, F f) {
  const T* x = c.input(0).as<T>();
  T* y = c.output(0).as<T>();
  int64_t n = c.input(0).size();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <template <typename> class Op>
Status floatUnary(KernelContext& c) {
  bool ok;
  ZY_DISPATCH_FLOAT(c.input(0).dtype, ok, (mapUnary<T>(c, Op<T>{c.attrs()})));
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

template <typename T> struct ReluOp { explicit ReluOp(const Attributes&) {} T operator()(T x) const { return x > T(0) ? x : T(0); } };
template <typename T> struct LeakyReluOp {
  T alpha;
  explicit LeakyReluOp(const Attributes& a) : alpha(static_cast<T>(a.getFloat("alpha", 0.01f))) {}
  T operator()(T x) const { return x >= T(0) ? x : alpha * x; }
};
template <typename T> struct SigmoidOp {
  explicit SigmoidOp(const Attributes&) {}
  // Stable in both tails.
  T operator()(T x) const { return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x)); }
};
template <typename T> struct HardSigmoidOp {
  T alpha, beta;
  explicit HardSigmoidOp(const Attributes& a)
      : alpha(static_cast<T>(a.getFloat("alpha", 0.2f))), beta(static_cast<T>(a.getFloat("beta", 0.5f))) {}
  T operator()(T x) const { return std::max(T(0), std::min(T(1), alpha * x + beta)); }
};
template <typename T> struct HardSwishOp {
  explicit HardSwishOp(const Attributes&) {}
  T operator()(T x) const { return x * std::max(T(0), std::min(T(1), x / T(6) + T(0.5))); }
};
template <typename T> struct TanhOp { explicit TanhOp(const Attributes&) {} T operator()(T x) const { return std::tanh(x); } };

Status clip(KernelContext& c) {
  bool ok;
  ZY_DISPATCH_NUMERIC(c.input(0).dtype, ok, {
    T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
    if (c.hasInput(1)) lo = c.input(1).as<T>()[0];
    if (c.hasInput(2)) hi = c.input(2).as<T>()[0];
    mapUnary<T>(c, [&](T x) { return std::min(hi, std::max(lo, x)); });
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

Status prelu(KernelContext& c) {
  const TensorArg &x = c.input(0), &s = c.input(1), &y = c.output(0);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(x.shape, y.shape), broadcastStrides(s.shape, y.shape)};
  bool ok;
  ZY_DISPATCH_FLOAT(x.dtype, ok, {
    const T* xp = x.as<T>();
    const T* sp = s.as<T>();
    T* yp = y.as<T>();
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      T v = xp[off[0]];
      yp[o] = v < T(0) ? v * sp[off[1]] : v;
    });
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

enum class BinOp { Add, Sub, Mul, Div };

template <typename T>
Status binaryTyped(KernelContext& c, BinOp op) {
  const TensorArg &a = c.input(0), &b = c.input(1), &y = c.output(0);
  const T* ap = a.as<T>();
  const T* bp = b.as<T>();
  T* yp = y.as<T>();
  if constexpr (std::is_integral_v<T>) {
    if (op == BinOp::Div)
      for (int64_t i = 0; i < b.size(); ++i)
        if (bp[i] == T(0)) return invalidArgument("integer division by zero");
  }
  // Same shapes (residual adds, most of a CNN's binary ops): a flat loop.
  if (a.shape == y.shape && b.shape == y.shape && op != BinOp::Div) {
    const int64_t n = y.size();
    switch (op) {
      case BinOp::Add: for (int64_t i = 0; i < n; ++i) yp[i] = static_cast<T>(ap[i] + bp[i]); break;
      case BinOp::Sub: for (int64_t i = 0; i < n; ++i) yp[i] = static_cast<T>(ap[i] - bp[i]); break;
      case BinOp::Mul: for (int64_t i = 0; i < n; ++i) yp[i] = static_cast<T>(ap[i] * bp[i]); break;
      case BinOp::Div: break;
    }
    return Status::OK();
  }
  // One operand full-size, the other constant over trailing dimensions (a
  // per-channel scale or bias: [N,C,H,W] with [N,C,1,1] or [C,1,1]): blocks.
  if (op != BinOp::Div && (a.shape == y.shape || b.shape == y.shape)) {
    const bool a_full = a.shape == y.shape;
    const TensorArg& small = a_full ? b : a;
    const T* fp = a_full ? ap : bp;
    const T* sp = a_full ? bp : ap;
    const int64_t r = y.rank(), off = r - small.rank();
    int64_t inner = 1, d = r - 1;
    for (; d >= off && small.shape[d - off] == 1; --d) inner *= y.shape[d];
    // The leading dimensions (implicit 1s included) must not broadcast.
    bool blocks = off >= 0;
    for (int64_t e = 0; e <= d && blocks; ++e) blocks = (e < off ? 1 : small.shape[e - off]) == y.shape[e];
    if (blocks && d >= 0) {
      const int64_t count = y.size() / inner;
      for (int64_t j = 0; j < count; ++j) {
        const T v = sp[j];
        const T* f = fp + j * inner;
        T* out = yp + j * inner;
        switch (op) {
          case BinOp::Add: for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<T>(f[i] + v); break;
          case BinOp::Mul: for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<T>(f[i] * v); break;
          case BinOp::Sub:
            if (a_full) for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<T>(f[i] - v);
            else for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<T>(v - f[i]);
            break;
          case BinOp::Div: break;
        }
      }
      return Status::OK();
    }
  }
  std::vector<std::vector<int64_t>> st = {broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)};
  broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
    T u = ap[off[0]], v = bp[off[1]];
    switch (op) {
      case BinOp::Add: yp[o] = static_cast<T>(u + v); break;
      case BinOp::Sub: yp[o] = static_cast<T>(u - v); break;
      case BinOp::Mul: yp[o] = static_cast<T>(u * v); break;
      case BinOp::Div:
        if constexpr (std::is_signed_v<T> && std::is_integral_v<T>) {
          if (u == std::numeric_limits<T>::min() && v == T(-1)) { yp[o] = u; break; }  // overflow
        }
        yp[o] = static_cast<T>(u / v);
        break;
    }
  });
  return Status::OK();
}

template <BinOp op>
Status binary(KernelContext& c) {
  bool ok;
  Status s;
  ZY_DISPATCH_NUMERIC(c.input(0).dtype, ok, (s = binaryTyped<T>(c, op)));
  return ok ? s : unsupported("unsupported dtype");
}

Status sum(KernelContext& c) {
  const TensorArg& y = c.output(0);
  std::vector<std::vector<int64_t>> st;
  for (size_t k = 0; k < c.numInputs(); ++k) st.push_back(broadcastStrides(c.input(k).shape, y.shape));
  bool ok;
  ZY_DISPATCH_NUMERIC(y.dtype, ok, {
    T* yp = y.as<T>();
    // Read every input before writing: the output may alias input 0.
    broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
      T acc = T(0);
      for (size_t k = 0; k < c.numInputs(); ++k) acc = static_cast<T>(acc + c.input(k).as<T>()[off[k]]);
      yp[o] = acc;
    });
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

// Cast: goes through double for numeric types (exact for every int up to
// 2^53; i64/u64 beyond that go integer to integer directly).
double loadAsDouble(const TensorArg& t, int64_t i) {
  switch (t.dtype) {
    case DType::F16: return halfToFloat(t.as<uint16_t>()[i]);
    case DType::BF16: return bf16ToFloat(t.as<uint16_t>()[i]);
    case DType::Bool: return t.as<uint8_t>()[i] ? 1.0 : 0.0;
    default: break;
  }
  bool ok;
  double v = 0;
  ZY_DISPATCH_NUMERIC(t.dtype, ok, (v = static_cast<double>(t.as<T>()[i])));
  (void)ok;  // every numeric dtype is dispatched; others load as 0
  return v;
}

template <typename T>
T saturatingFromDouble(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    // Out-of-range float -> int is undefined in ONNX; clamp instead of UB.
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

Status cast(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  int64_t n = x.size();
  bool int_to_int = !isFloat(x.dtype) && !isFloat(y.dtype) && x.dtype != DType::Bool;
  for (int64_t i = 0; i < n; ++i) {
    if (int_to_int && (x.dtype == DType::I64 || x.dtype == DType::U64)) {
      int64_t v = x.dtype == DType::I64 ? x.as<int64_t>()[i] : static_cast<int64_t>(x.as<uint64_t>()[i]);
      bool ok;
      if (y.dtype == DType::Bool) { y.as<uint8_t>()[i] = v != 0; continue; }
      ZY_DISPATCH_NUMERIC(y.dtype, ok, (y.as<T>()[i] = static_cast<T>(v)));
      (void)ok;
      continue;
    }
    double v = loadAsDouble(x, i);
    switch (y.dtype) {
      case DType::F16: y.as<uint16_t>()[i] = floatToHalf(static_cast<float>(v)); break;
      case DType::BF16: y.as<uint16_t>()[i] = floatToBf16(static_cast<float>(v)); break;
      case DType::Bool: y.as<uint8_t>()[i] = v != 0.0; break;
      default: {
        bool ok;
        ZY_DISPATCH_NUMERIC(y.dtype, ok, (y.as<T>()[i] = saturatingFromDouble<T>(v)));
        if (!ok) return unsupported(std::string("Cast to ") + dtypeName(y.dtype));
      }
    }
  }
  return Status::OK();
}

}  // namespace

void registerElementwiseKernels(KernelRegistry& r) {
  r["Relu"] = {floatUnary<ReluOp>, floatTypes()};
  r["LeakyRelu"] = {floatUnary<LeakyReluOp>, floatTypes()};
  r["Sigmoid"] = {floatUnary<SigmoidOp>, floatTypes()};
  r["HardSigmoid"] = {floatUnary<HardSigmoidOp>, floatTypes()};
  r["HardSwish"] = {floatUnary<HardSwishOp>, floatTypes()};
  r["Tanh"] = {floatUnary<TanhOp>, floatTypes()};
  r["Clip"] = {clip, {DType::F32, DType::F64, DType::I8, DType::U8, DType::I32, DType::I64, DType::U32, DType::U64, DType::I16, DType::U16}};
  r["PRelu"] = {prelu, floatTypes()};
  const std::vector<DType> numeric = {DType::F32, DType::F64, DType::I8, DType::U8, DType::I16, DType::U16,
                                      DType::I32, DType::U32, DType::I64, DType::U64};
  r["Add"] = {binary<BinOp::Add>, numeric};
  r["Sub"] = {binary<BinOp::Sub>, numeric};
  r["Mul"] = {binary<BinOp::Mul>, numeric};
  r["Div"] = {binary<BinOp::Div>, numeric};
  r["Sum"] = {sum, numeric};
  r["Cast"] = {cast, {}};
  r["CastLike"] = {cast, {}};  // the output dtype is the second input's
}

}  // namespace ref
}  // namespace zy
