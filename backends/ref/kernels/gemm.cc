// Gemm (with transposes, alpha/beta, broadcast C, fused activation) and
// batched, broadcasting MatMul.
#include <algorithm>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

template <typename T>
Status gemmTyped(KernelContext& c) {
  const TensorArg &A = c.input(0), &B = c.input(1), &Y = c.output(0);
  const Attributes& a = c.attrs();
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) return invalidArgument("unknown fused activation");
  const bool ta = a.getInt("transA", 0) != 0, tb = a.getInt("transB", 0) != 0;
  const T alpha = static_cast<T>(a.getFloat("alpha", 1.f)), beta = static_cast<T>(a.getFloat("beta", 1.f));
  const int64_t M = Y.shape[0], N = Y.shape[1], K = ta ? A.shape[0] : A.shape[1];
  const T* ap = A.as<T>();
  const T* bp = B.as<T>();
  T* yp = Y.as<T>();
  std::vector<int64_t> cst;
  const T* cp = nullptr;
  if (c.hasInput(2)) {
    cp = c.input(2).as<T>();
    cst = broadcastStrides(c.input(2).shape, Y.shape);
  }
  c.parallelFor(static_cast<size_t>(M), 1, [&](size_t b, size_t e) {
    std::vector<T> acc(static_cast<size_t>(N));
    for (size_t mi = b; mi < e; ++mi) {
      const int64_t m = static_cast<int64_t>(mi);
      std::fill(acc.begin(), acc.end(), T(0));
      for (int64_t k = 0; k < K; ++k) {
        T av = ta ? ap[k * M + m] : ap[m * K + k];
        if (tb) for (int64_t n = 0; n < N; ++n) acc[n] += av * bp[n * K + k];
        else for (int64_t n = 0; n < N; ++n) acc[n] += av * bp[k * N + n];
      }
      for (int64_t n = 0; n < N; ++n) {
        T v = alpha * acc[n];
        if (cp) v += beta * cp[m * cst[0] + n * cst[1]];
        yp[m * N + n] = act.kind == FusedActivation::None ? v : static_cast<T>(act.apply(static_cast<float>(v)));
      }
    }
  });
  return Status::OK();
}

Status gemm(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return gemmTyped<decltype(t)>(c); });
}

template <typename T>
Status matmulTyped(KernelContext& c) {
  const TensorArg &A = c.input(0), &B = c.input(1), &Y = c.output(0);
  Shape as = A.shape, bs = B.shape;
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
  Shape abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2), batch;
  ZY_RETURN_IF_ERROR(broadcastShapes(abatch, bbatch, &batch));
  std::vector<std::vector<int64_t>> st = {broadcastStrides(abatch, batch), broadcastStrides(bbatch, batch)};
  std::vector<std::pair<int64_t, int64_t>> pairs;
  broadcastLoop(batch, st, [&](int64_t, const int64_t* off) { pairs.emplace_back(off[0], off[1]); });
  const T* ap = A.as<T>();
  const T* bp = B.as<T>();
  T* yp = Y.as<T>();
  const size_t rows = pairs.size() * static_cast<size_t>(M);
  c.parallelFor(rows, 1, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      const size_t bi = r / static_cast<size_t>(M);
      const int64_t m = static_cast<int64_t>(r % static_cast<size_t>(M));
      const T* arow = ap + pairs[bi].first * M * K + m * K;
      const T* bmat = bp + pairs[bi].second * K * N;
      T* yrow = yp + static_cast<int64_t>(bi) * M * N + m * N;
      for (int64_t n = 0; n < N; ++n) yrow[n] = T(0);
      for (int64_t k = 0; k < K; ++k) {
        T av = arow[k];
        for (int64_t n = 0; n < N; ++n) yrow[n] += av * bmat[k * N + n];
      }
    }
  });
  return Status::OK();
}

Status matmul(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return matmulTyped<decltype(t)>(c); });
}

// Einsum by its definition: for every assignment of all labels, add the
// product of the inputs' elements into the output element. Clear, not fast.
template <typename T>
Status einsumTyped(KernelContext& c) {
  std::vector<Shape> shapes;
  for (size_t k = 0; k < c.numInputs(); ++k) shapes.push_back(c.input(k).shape);
  EinsumPlan p;
  ZY_RETURN_IF_ERROR(planEinsum(c.attrs().getString("equation", ""), shapes, &p));
  std::vector<int> labels;  // every label used anywhere
  for (const auto& in : p.input_labels) for (int l : in) if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  for (int l : p.output_labels) if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  std::vector<int64_t> dims;
  for (int l : labels) dims.push_back(p.label_size[l]);
  std::vector<int64_t> pos(static_cast<size_t>(p.label_size.size()), 0), idx(labels.size());
  const TensorArg& y = c.output(0);
  T* yp = y.as<T>();
  std::fill(yp, yp + y.size(), T(0));
  const std::vector<int64_t> yst = stridesOf(y.shape);
  std::vector<std::vector<int64_t>> ist;
  for (const auto& s : shapes) ist.push_back(stridesOf(s));
  const int64_t total = numElements(dims);
  for (int64_t i = 0; i < total; ++i) {
    unravel(i, dims, idx.data());
    for (size_t k = 0; k < labels.size(); ++k) pos[labels[k]] = idx[k];
    T prod = T(1);
    for (size_t t = 0; t < shapes.size(); ++t) {
      int64_t off = 0;
      for (size_t a = 0; a < p.input_labels[t].size(); ++a)
        off += (shapes[t][a] == 1 ? 0 : pos[p.input_labels[t][a]]) * ist[t][a];
      prod *= c.input(t).as<T>()[off];
    }
    int64_t o = 0;
    for (size_t a = 0; a < p.output_labels.size(); ++a) o += pos[p.output_labels[a]] * yst[a];
    yp[o] += prod;
  }
  return Status::OK();
}

Status einsum(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return einsumTyped<decltype(t)>(c); });
}

}  // namespace

void registerGemmKernels(KernelRegistry& r) {
  r["Einsum"] = {einsum, floatTypes()};
  r["Gemm"] = {gemm, floatTypes()};
  r["MatMul"] = {matmul, floatTypes()};
}

}  // namespace ref
}  // namespace zy
