// The memory planner: reuse where lifetimes allow, never overlap two live
// tensors, aliasing for reshapes, in-place for elementwise ops.
#include <random>

#include "plan/memory_planner.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

// Checks that no two tensors that are alive at the same time share bytes
// (aliases excepted, which hold the same value).
void expectNoLiveOverlap(const Model& m, const MemoryPlan& p) {
  const int32_t n = static_cast<int32_t>(m.graph.nodes.size());
  std::vector<int32_t> def(m.tensors.size(), -1), last(m.tensors.size(), -1);
  for (int32_t k = 0; k < n; ++k) {
    for (int32_t i : m.graph.nodes[k].inputs) if (i >= 0) last[i] = std::max(last[i], k);
    for (int32_t o : m.graph.nodes[k].outputs) def[o] = k, last[o] = std::max(last[o], k);
  }
  for (int32_t o : m.graph.outputs) last[o] = n;
  for (size_t a = 0; a < m.tensors.size(); ++a)
    for (size_t b = a + 1; b < m.tensors.size(); ++b) {
      if (m.tensors[a].isConstant() || m.tensors[b].isConstant()) continue;
      if (p.offsets[a] == p.offsets[b]) continue;  // alias / in-place: same bytes by design
      bool live_together = !(last[a] < def[b] || last[b] < def[a]);
      bool bytes_overlap = p.offsets[a] < p.offsets[b] + m.tensors[b].byteSize() &&
                           p.offsets[b] < p.offsets[a] + m.tensors[a].byteSize();
      EXPECT_FALSE(live_together && bytes_overlap) << m.tensors[a].name << " and " << m.tensors[b].name;
    }
}

TEST(MemoryPlanner, ChainReusesTwoBuffers) {
  // x -> Softmax -> Softmax -> ... (8 times): Softmax is not computed in
  // place, so the chain ping-pongs between two buffers beside the input.
  GraphBuilder g;
  int32_t t = g.input("x", DType::F32, {256});
  for (int i = 0; i < 8; ++i) t = g.node("Softmax", {t});
  g.output(t);
  MemoryPlan p;
  ASSERT_TRUE(planMemory(g.model(), &p).ok());
  EXPECT_EQ(p.arena_size, 3u * 1024u);
  expectNoLiveOverlap(g.model(), p);
}

TEST(MemoryPlanner, InPlaceChainUsesOneBuffer) {
  // Tanh runs in place: after the first copy out of the pinned input, the
  // whole chain lives in one buffer.
  GraphBuilder g;
  int32_t t = g.input("x", DType::F32, {256});
  for (int i = 0; i < 8; ++i) t = g.node("Tanh", {t});
  g.output(t);
  MemoryPlan p;
  ASSERT_TRUE(planMemory(g.model(), &p).ok());
  EXPECT_EQ(p.arena_size, 2u * 1024u);
}

TEST(MemoryPlanner, InPlaceAndAlias) {
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {4, 64});
  int32_t a = g.node("Tanh", {x});
  int32_t b = g.node("Relu", {a});                                       // in place on a
  int32_t r = g.node("Reshape", {b, g.constant("s", Value::i64({1}, {256}))});  // alias of b
  g.output(r);
  MemoryPlan p;
  ASSERT_TRUE(planMemory(g.model(), &p).ok());
  EXPECT_EQ(p.offsets[a], p.offsets[b]);
  EXPECT_EQ(p.offsets[b], p.offsets[r]);
  EXPECT_NE(p.offsets[x], p.offsets[a]);  // the input is never overwritten
  EXPECT_EQ(p.arena_size, 2u * 1024u);
}

TEST(MemoryPlanner, RandomDagsNeverOverlapLiveTensors) {
  std::mt19937 rng(11);
  const char* unary[] = {"Relu", "Tanh", "Sigmoid"};
  for (int trial = 0; trial < 50; ++trial) {
    GraphBuilder g;
    std::vector<int32_t> vals = {g.input("x", DType::F32, {1 + static_cast<int64_t>(rng() % 64)})};
    Shape shape = g.model().tensors[vals[0]].shape;
    for (int k = 0; k < 20; ++k) {
      int32_t a = vals[rng() % vals.size()], b = vals[rng() % vals.size()];
      vals.push_back(rng() % 2 ? g.node(unary[rng() % 3], {a}) : g.node("Add", {a, b}));
    }
    g.output(vals.back());
    g.output(vals[vals.size() / 2]);
    MemoryPlan p;
    ASSERT_TRUE(planMemory(g.model(), &p).ok());
    expectNoLiveOverlap(g.model(), p);
  }
}

}  // namespace
}  // namespace test
}  // namespace zy
