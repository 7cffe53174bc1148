// Reductions (ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare)
// and ArgMax/ArgMin.
#include <cmath>
#include <limits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

enum class Kind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

Kind kindOf(const std::string& t) {
  if (t == "ReduceMean") return Kind::Mean;
  if (t == "ReduceMax") return Kind::Max;
  if (t == "ReduceMin") return Kind::Min;
  if (t == "ReduceProd") return Kind::Prod;
  if (t == "ReduceL1") return Kind::L1;
  if (t == "ReduceL2") return Kind::L2;
  if (t == "ReduceLogSum") return Kind::LogSum;
  if (t == "ReduceLogSumExp") return Kind::LogSumExp;
  if (t == "ReduceSumSquare") return Kind::SumSquare;
  return Kind::Sum;
}

// Visits every input element with the offset of the output element it
// reduces into.
template <typename F>
void forEachReduced(const Shape& in, const std::vector<int64_t>& axes, F&& f) {
  Shape kept = in;
  for (int64_t a : axes) kept[a] = 1;
  std::vector<int64_t> kst = stridesOf(kept);
  for (int64_t a : axes) kst[a] = 0;
  const int64_t n = numElements(in), r = static_cast<int64_t>(in.size());
  std::vector<int64_t> idx(in.size(), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    f(i, off);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < in[d]) { off += kst[d]; break; }
      off -= kst[d] * (in[d] - 1);
      idx[d] = 0;
    }
  }
}

template <typename T>
Status reduceTyped(KernelContext& c, Kind kind) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  std::vector<int64_t> axes;
  ZY_RETURN_IF_ERROR(computeReduceAxes(c.attrs(), x.rank(), readIntTensor(c.input(1)), c.hasInput(1), &axes));
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  if (axes.empty()) {  // noop_with_empty_axes: the input unchanged
    for (int64_t i = 0; i < x.size(); ++i) yp[i] = xp[i];
    return Status::OK();
  }
  const int64_t out_n = y.size();
  // Accumulate in double (or in T for min/max, which need no widening).
  std::vector<double> acc(static_cast<size_t>(out_n));
  std::vector<T> best(static_cast<size_t>(out_n));
  const double init = kind == Kind::Prod ? 1.0 : 0.0;
  std::fill(acc.begin(), acc.end(), init);
  // Max and LogSumExp track the largest value, Min the smallest.
  const bool track_max = kind != Kind::Min;
  T lowest = std::numeric_limits<T>::lowest(), highest = std::numeric_limits<T>::max();
  if constexpr (std::is_floating_point_v<T>) {
    lowest = -std::numeric_limits<T>::infinity();
    highest = std::numeric_limits<T>::infinity();
  }
  std::fill(best.begin(), best.end(), track_max ? lowest : highest);
  // LogSumExp subtracts the maximum first for stability.
  if (kind == Kind::LogSumExp) {
    forEachReduced(x.shape, axes, [&](int64_t i, int64_t o) { if (xp[i] > best[o]) best[o] = xp[i]; });
  }
  forEachReduced(x.shape, axes, [&](int64_t i, int64_t o) {
    const double v = static_cast<double>(xp[i]);
    switch (kind) {
      case Kind::Sum: case Kind::Mean: case Kind::LogSum: acc[o] += v; break;
      case Kind::Prod: acc[o] *= v; break;
      case Kind::L1: acc[o] += std::fabs(v); break;
      case Kind::L2: case Kind::SumSquare: acc[o] += v * v; break;
      case Kind::LogSumExp: acc[o] += std::exp(v - static_cast<double>(best[o])); break;
      case Kind::Max: if (xp[i] > best[o] || xp[i] != xp[i]) best[o] = xp[i]; break;
      case Kind::Min: if (xp[i] < best[o] || xp[i] != xp[i]) best[o] = xp[i]; break;
    }
  });
  const double count = static_cast<double>(x.size()) / static_cast<double>(std::max<int64_t>(1, out_n));
  for (int64_t o = 0; o < out_n; ++o) {
    double r = acc[o];
    switch (kind) {
      case Kind::Mean: r = acc[o] / count; break;
      case Kind::L2: r = std::sqrt(acc[o]); break;
      case Kind::LogSum: r = std::log(acc[o]); break;
      case Kind::LogSumExp: r = std::log(acc[o]) + static_cast<double>(best[o]); break;
      case Kind::Max: case Kind::Min: yp[o] = best[o]; continue;
      default: break;
    }
    yp[o] = static_cast<T>(r);
  }
  return Status::OK();
}

Status reduce(KernelContext& c) {
  const Kind kind = kindOf(c.opType());
  Status s;
  bool ok;
  ZY_DISPATCH_NUMERIC(c.input(0).dtype, ok, (s = reduceTyped<T>(c, kind)));
  return ok ? s : unsupported("unsupported dtype");
}

Status argReduce(KernelContext& c) {
  const TensorArg& x = c.input(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), x.rank(), &axis));
  const bool is_max = c.opType() == "ArgMax", last = c.attrs().getInt("select_last_index", 0) != 0;
  int64_t outer, inner;
  outerInner(x.shape, axis, &outer, &inner);
  const int64_t len = x.shape[axis];
  int64_t* yp = c.output(0).as<int64_t>();
  bool ok;
  ZY_DISPATCH_NUMERIC(x.dtype, ok, {
    const T* xp = x.as<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        int64_t best = 0;
        for (int64_t k = 1; k < len; ++k) {
          const T v = xp[(o * len + k) * inner + in], b = xp[(o * len + best) * inner + in];
          const bool better = is_max ? (v > b || (last && v == b)) : (v < b || (last && v == b));
          if (better) best = k;
        }
        yp[o * inner + in] = best;
      }
  });
  return ok ? Status::OK() : unsupported("unsupported dtype");
}

}  // namespace

void registerReduceKernels(KernelRegistry& r) {
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                         "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"})
    r[op] = {reduce, {}};
  r["ArgMax"] = {argReduce, {}};
  r["ArgMin"] = {argReduce, {}};
}

}  // namespace ref
}  // namespace zy
