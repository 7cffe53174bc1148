// Data movement: Concat, Split, Slice, Transpose, Gather, Pad, Shape and the
// reshaping ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout).
// All are dtype-agnostic: they move elements of dtypeSize() bytes.
#include <cstring>

#include "kernel_context.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

// Output = input bytes (the memory planner usually aliases them: no copy).
Status copyThrough(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  if (x.size() != y.size()) return invalidArgument("element counts of input and output differ");
  if (x.data != y.data && x.size() > 0) std::memmove(y.data, x.data, static_cast<size_t>(x.size()) * elemSize(x));
  // Dropout's optional mask: every element kept at inference.
  if (c.numOutputs() > 1 && c.output(1).present()) std::memset(c.output(1).data, 1, static_cast<size_t>(c.output(1).size()));
  return Status::OK();
}

// Concat and Split move whole rows of `inner * dim(axis)` elements: for each
// of the `outer` rows, piece k occupies [offset_k, offset_k + len_k) of the
// joined row.
void copyPieces(const TensorArg& joined, const std::vector<const TensorArg*>& pieces, int64_t axis, bool to_joined) {
  const size_t es = elemSize(joined);
  int64_t outer, inner;
  outerInner(joined.shape, axis, &outer, &inner);
  const int64_t joined_row = joined.shape[axis] * inner;
  int64_t pos = 0;
  for (const TensorArg* piece : pieces) {
    const int64_t row = piece->shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o) {
      char* j = static_cast<char*>(joined.data) + (o * joined_row + pos) * static_cast<int64_t>(es);
      char* p = static_cast<char*>(piece->data) + o * row * static_cast<int64_t>(es);
      if (j == p) continue;  // planned in place (a Concat input written into its slice)
      if (to_joined) std::memcpy(j, p, static_cast<size_t>(row) * es);
      else std::memcpy(p, j, static_cast<size_t>(row) * es);
    }
    pos += row;
  }
}

Status concat(KernelContext& c) {
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), c.output(0).rank(), &axis));
  std::vector<const TensorArg*> pieces;
  for (size_t k = 0; k < c.numInputs(); ++k) pieces.push_back(&c.input(k));
  copyPieces(c.output(0), pieces, axis, true);
  return Status::OK();
}

Status split(KernelContext& c) {
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), c.input(0).rank(), &axis));
  std::vector<const TensorArg*> pieces;
  for (size_t k = 0; k < c.numOutputs(); ++k) pieces.push_back(&c.output(k));
  copyPieces(c.input(0), pieces, axis, false);
  return Status::OK();
}

// y[idx] = x[base + sum idx[d] * step[d]] over y's shape, with the source
// offset carried incrementally (no per-element index arithmetic).
template <typename E>
void stridedCopy(const E* x, E* y, const Shape& shape, int64_t base, const std::vector<int64_t>& step) {
  const int64_t n = numElements(shape), r = static_cast<int64_t>(shape.size());
  if (n <= 0) return;
  if (r == 0) { y[0] = x[base]; return; }
  std::vector<int64_t> idx(static_cast<size_t>(r), 0);
  const int64_t inner = shape[r - 1], inner_step = step[r - 1];
  int64_t off = base;
  for (int64_t o = 0; o < n; o += inner) {
    for (int64_t i = 0; i < inner; ++i) y[o + i] = x[off + i * inner_step];
    for (int64_t d = r - 2; d >= 0; --d) {
      if (++idx[d] < shape[d]) { off += step[d]; break; }
      off -= step[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
}

void stridedCopy(const TensorArg& x, const TensorArg& y, int64_t base, const std::vector<int64_t>& step) {
  switch (elemSize(x)) {
    case 1: stridedCopy(x.as<uint8_t>(), y.as<uint8_t>(), y.shape, base, step); break;
    case 2: stridedCopy(x.as<uint16_t>(), y.as<uint16_t>(), y.shape, base, step); break;
    case 4: stridedCopy(x.as<uint32_t>(), y.as<uint32_t>(), y.shape, base, step); break;
    default: stridedCopy(x.as<uint64_t>(), y.as<uint64_t>(), y.shape, base, step); break;
  }
}

Status slice(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  SliceParams p;
  ZY_RETURN_IF_ERROR(computeSlice(x.shape, readIntTensor(c.input(1)), readIntTensor(c.input(2)),
                                  readIntTensor(c.input(3)), readIntTensor(c.input(4)), &p));
  if (p.count != y.shape) return invalidArgument("slice result " + shapeToString(p.count) + " does not match the output");
  const std::vector<int64_t> st = stridesOf(x.shape);
  int64_t base = 0;
  std::vector<int64_t> step(st.size());
  for (size_t d = 0; d < st.size(); ++d) {
    base += p.start[d] * st[d];
    step[d] = p.step[d] * st[d];
  }
  stridedCopy(x, y, base, step);
  return Status::OK();
}

Status transpose(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  std::vector<int64_t> perm = c.attrs().getInts("perm");
  if (perm.empty()) for (int64_t d = x.rank() - 1; d >= 0; --d) perm.push_back(d);
  for (auto& p : perm) ZY_RETURN_IF_ERROR(normalizeAxis(p, x.rank(), &p));
  const std::vector<int64_t> st = stridesOf(x.shape);
  std::vector<int64_t> step(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) step[d] = st[perm[d]];
  stridedCopy(x, y, 0, step);
  return Status::OK();
}

Status gather(KernelContext& c) {
  const TensorArg &x = c.input(0), &ind = c.input(1), &y = c.output(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), x.rank(), &axis));
  const int64_t dim = x.shape[axis];
  std::vector<int64_t> indices(static_cast<size_t>(ind.size()));
  for (int64_t i = 0; i < ind.size(); ++i) {
    int64_t v = readIndex(ind, i);
    if (v < -dim || v >= dim)
      return invalidArgument(strFormat("index %lld is out of range for axis %lld of size %lld", (long long)v, (long long)axis, (long long)dim));
    indices[i] = v < 0 ? v + dim : v;
  }
  int64_t outer, inner;
  outerInner(x.shape, axis, &outer, &inner);
  const size_t es = elemSize(x), row = static_cast<size_t>(inner) * es;
  char* yp = static_cast<char*>(y.data);
  const char* xp = static_cast<const char*>(x.data);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < indices.size(); ++i)
      std::memcpy(yp + (o * static_cast<int64_t>(indices.size()) + static_cast<int64_t>(i)) * static_cast<int64_t>(row),
                  xp + (o * dim + indices[i]) * static_cast<int64_t>(row), row);
  return Status::OK();
}

Status shape(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  int64_t start, end;
  shapeRange(c.attrs(), x.rank(), &start, &end);
  for (int64_t i = 0; i < y.size(); ++i) y.as<int64_t>()[i] = x.shape[start + i];
  return Status::OK();
}

Status pad(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  std::vector<int64_t> begin, end;
  ZY_RETURN_IF_ERROR(computePads(x.shape, readIntTensor(c.input(1)), readIntTensor(c.input(3)), c.hasInput(3), &begin, &end));
  const std::string mode = c.attrs().getString("mode", "constant");
  const size_t es = elemSize(x);
  // The fill value, converted to the tensor's dtype (default 0).
  std::vector<char> fill(es, 0);
  if (c.hasInput(2) && c.input(2).size() > 0) std::memcpy(fill.data(), c.input(2).data, es);
  const std::vector<int64_t> st = stridesOf(x.shape);
  const int64_t n = y.size(), r = y.rank();
  std::vector<int64_t> idx(static_cast<size_t>(r), 0);
  for (int64_t o = 0; o < n; ++o) {
    int64_t off = 0;
    bool use_fill = false;
    for (int64_t d = 0; d < r; ++d) {
      int64_t i = idx[d] - begin[d], dim = x.shape[d];
      if (i < 0 || i >= dim) {
        if (mode == "constant") { use_fill = true; break; }
        if (mode == "edge") i = i < 0 ? 0 : dim - 1;
        else if (mode == "wrap") i = ((i % dim) + dim) % dim;
        else {  // reflect (mirror without repeating the edge)
          if (dim == 1) i = 0;
          else {
            int64_t period = 2 * (dim - 1);
            i = ((i % period) + period) % period;
            if (i >= dim) i = period - i;
          }
        }
      }
      off += i * st[d];
    }
    std::memcpy(static_cast<char*>(y.data) + o * static_cast<int64_t>(es),
                use_fill ? fill.data() : static_cast<const char*>(x.data) + off * static_cast<int64_t>(es), es);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < y.shape[d]) break;
      idx[d] = 0;
    }
  }
  return Status::OK();
}

}  // namespace

void registerTensorKernels(KernelRegistry& r) {
  for (const char* op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"}) r[op] = {copyThrough, {}};
  r["Concat"] = {concat, {}};
  r["Split"] = {split, {}};
  r["Slice"] = {slice, {}};
  r["Transpose"] = {transpose, {}};
  r["Gather"] = {gather, {}};
  r["Shape"] = {shape, {}};
  r["Pad"] = {pad, {}};
}

}  // namespace ref
}  // namespace zy
