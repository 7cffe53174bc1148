// The 2-D products an f32 MatMul is, for the kernel backends (x86, ARM):
// A [..., M, K] x B [..., K, N] with B either one matrix for every batch (its
// batch dimensions all 1, or none: then A's batches fold into M, one GEMM)
// or batch dimensions equal to A's, one by one. Other batch broadcasts
// ([1, 6] against [6, 1]: 36 products) and 1-D operands are refused with a
// reason; ref takes them.
#pragma once
#include <cstdint>
#include <string>

#include "zy/backend.h"

namespace zy {

struct MatMulShape {
  int64_t batches = 1, M = 0, K = 0, N = 0;
  bool shared_b = false;  // B is one matrix for every batch (then batches is 1)
};

// The product of an operand's batch dimensions (all but the last two).
inline int64_t matmulBatches(const zy_tensor_view_t& t) {
  int64_t n = 1;
  for (int32_t d = 0; d + 2 < t.rank; ++d) n *= t.dims[d];
  return n;
}

inline bool matmulShape(const zy_op_view_t* op, MatMulShape* s, std::string* why) {
  const zy_tensor_view_t &a = op->inputs[0], &b = op->inputs[1];
  if (a.rank < 2 || b.rank < 2) { *why = "1-D MatMul operands are not implemented here"; return false; }
  s->M = a.dims[a.rank - 2];
  s->K = a.dims[a.rank - 1];
  s->N = b.dims[b.rank - 1];
  if (b.dims[b.rank - 2] != s->K) { *why = "inner dimensions differ"; return false; }
  const int64_t a_batches = matmulBatches(a), b_batches = matmulBatches(b);
  if (b_batches == 1) {  // [..., M, K] x [K, N]: one GEMM over every row of A
    s->shared_b = true;
    s->batches = 1;
    s->M *= a_batches;
    return true;
  }
  bool same = a.rank == b.rank;
  for (int32_t d = 0; same && d + 2 < a.rank; ++d) same = a.dims[d] == b.dims[d];
  if (!same) { *why = "MatMul batch broadcasting is not implemented here"; return false; }
  s->shared_b = false;
  s->batches = a_batches;
  return true;
}

}  // namespace zy
