// The memory planner: reuse where lifetimes allow, never overlap two live
// tensors, aliasing for reshapes, in-place for elementwise ops.
#include <cmath>
#include <random>

#include "exec/session.h"
#include "plan/memory_planner.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

// Whether tensor `in` is a Concat input planned inside that Concat's output.
bool isConcatSlice(const Model& m, const MemoryPlan& p, size_t in, size_t out) {
  for (const Node& n : m.graph.nodes) {
    if (n.type != "Concat" || n.outputs[0] != static_cast<int32_t>(out)) continue;
    int64_t at = p.offsets[out];
    for (int32_t i : n.inputs) {
      if (i == static_cast<int32_t>(in)) return p.offsets[in] == at;
      at += m.tensors[i].byteSize();
    }
  }
  return false;
}

// Checks that no two tensors that are alive at the same time share bytes
// (aliases excepted, which hold the same value, and Concat inputs at their
// slice of the output, which is the same value too).
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
      if (p.offsets[a] == p.offsets[b] && m.tensors[a].byteSize() == m.tensors[b].byteSize()) continue;  // alias / in-place
      if (isConcatSlice(m, p, a, b) || isConcatSlice(m, p, b, a)) continue;
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

TEST(MemoryPlanner, QLinearAddRunsInPlace) {
  // The int8 residual add (every backend's kernel reads each element before
  // writing it) takes the buffer of an input that dies with it.
  GraphBuilder g;
  const int32_t x = g.input("x", DType::U8, {4, 64});
  const int32_t s = g.constant("s", Value::f32({}, {0.1f}));
  const int32_t z = g.constant("z", Value::of(DType::U8, {}, std::vector<uint8_t>{128}));
  const int32_t c = g.constant("c", Value::of(DType::U8, {4, 64}, std::vector<uint8_t>(256, 130)));
  const int32_t a = g.node("QLinearAdd", {x, s, z, c, s, z, s, z});  // x is the graph's: a gets its own bytes
  const int32_t b = g.node("QLinearAdd", {a, s, z, c, s, z, s, z});  // in place on a
  g.output(b);
  MemoryPlan p;
  ASSERT_TRUE(planMemory(g.model(), &p).ok());
  EXPECT_NE(p.offsets[x], p.offsets[a]);
  EXPECT_EQ(p.offsets[a], p.offsets[b]);
  expectNoLiveOverlap(g.model(), p);
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

// Concat along channels of a batch of one: its inputs are planned at their
// slices of the output, so their producers write the output and the Concat
// copies nothing; the result is still the concatenation.
TEST(MemoryPlanner, ConcatInputsAreWrittenInTheirSlices) {
  GraphBuilder g;
  const int32_t x = g.input("x", DType::F32, {1, 4, 4, 4});
  const int32_t a = g.node("Tanh", {x});
  const int32_t b = g.node("Sigmoid", {x});
  const int32_t c = g.node("Concat", {a, b}, attrs({Attribute::Int("axis", 1)}));
  const int32_t y = g.node("Relu", {c});  // in place on the Concat's output
  g.output(y);
  Model& m = g.model();
  MemoryPlan p;
  ASSERT_TRUE(planMemory(m, &p).ok());
  EXPECT_EQ(p.offsets[a], p.offsets[c]);
  EXPECT_EQ(p.offsets[b], p.offsets[c] + 256);
  EXPECT_EQ(p.offsets[y], p.offsets[c]);
  EXPECT_EQ(p.arena_size, 256u + 512u);  // the input, and one buffer for the rest
  expectNoLiveOverlap(m, p);

  std::unique_ptr<Session> s;
  SessionOptions one_thread;
  one_thread.num_threads = 1;
  ASSERT_TRUE(Session::create(m, one_thread, &s).ok());
  std::vector<float> in(64);
  for (size_t i = 0; i < in.size(); ++i) in[i] = 0.125f * static_cast<float>(i) - 4.f;
  int64_t dims[4] = {1, 4, 4, 4};
  ASSERT_TRUE(s->setInput(0, DType::F32, dims, 4, in.data(), in.size() * 4).ok());
  ASSERT_TRUE(s->run().ok());
  const float* out = static_cast<const float*>(s->tensorData(y));
  for (size_t i = 0; i < 64; ++i) {
    EXPECT_NEAR(out[i], std::max(0.f, std::tanh(in[i])), 1e-6f) << i;
    EXPECT_NEAR(out[64 + i], 1.f / (1.f + std::exp(-in[i])), 1e-6f) << i;
  }
}

// Inputs that must keep their own bytes: one read after the Concat, a graph
// input, one given twice, and any input where the axis has rows outside it
// (a batch of two) or a slice would start off 64-byte alignment.
TEST(MemoryPlanner, ConcatKeepsInputsThatOthersStillRead) {
  GraphBuilder g;
  const int32_t x = g.input("x", DType::F32, {1, 4, 4, 4});
  const int32_t a = g.node("Tanh", {x});
  const int32_t b = g.node("Sigmoid", {x});
  const int32_t c = g.node("Concat", {a, x, b, b}, attrs({Attribute::Int("axis", 1)}));
  g.output(c);
  g.output(g.node("Neg", {a}));  // reads a after the Concat
  const int32_t x2 = g.input("x2", DType::F32, {2, 4, 4});
  const int32_t d = g.node("Concat", {g.node("Tanh", {x2}), g.node("Neg", {x2})}, attrs({Attribute::Int("axis", 1)}));
  g.output(d);
  const int32_t x3 = g.input("x3", DType::F32, {1, 3});
  const int32_t e = g.node("Tanh", {x3});
  const int32_t f = g.node("Sigmoid", {x3});
  g.output(g.node("Concat", {e, f}, attrs({Attribute::Int("axis", 1)})));
  Model& m = g.model();
  MemoryPlan p;
  ASSERT_TRUE(planMemory(m, &p).ok());
  const Node& dn = m.graph.nodes[static_cast<size_t>(m.graph.nodes.size() - 4)];
  const int64_t c_lo = p.offsets[c], c_hi = c_lo + m.tensors[c].byteSize();
  for (int32_t t : {a, x, b}) EXPECT_TRUE(p.offsets[t] < c_lo || p.offsets[t] >= c_hi) << m.tensors[t].name;
  for (int32_t t : dn.inputs) EXPECT_TRUE(p.offsets[t] < p.offsets[d] || p.offsets[t] >= p.offsets[d] + 64) << m.tensors[t].name;
  EXPECT_NE(p.offsets[f], p.offsets[e] + 12);  // 12 bytes in: off alignment
  expectNoLiveOverlap(m, p);
}

// A Concat of a Concat: the inner one's inputs land inside the outer output.
TEST(MemoryPlanner, NestedConcatsPlanIntoTheOuterOutput) {
  GraphBuilder g;
  const int32_t x = g.input("x", DType::F32, {1, 16, 4});
  const int32_t a = g.node("Tanh", {x});
  const int32_t b = g.node("Sigmoid", {x});
  const int32_t inner = g.node("Concat", {a, b}, attrs({Attribute::Int("axis", 1)}));
  const int32_t c = g.node("Concat", {g.node("Neg", {x}), g.node("Relu", {x})}, attrs({Attribute::Int("axis", 1)}));
  const int32_t outer = g.node("Concat", {c, inner}, attrs({Attribute::Int("axis", 2)}));
  g.output(g.node("Softmax", {outer}));
  Model& m = g.model();
  MemoryPlan p;
  ASSERT_TRUE(planMemory(m, &p).ok());
  // axis 2 of [1, 32, 8] has 32 rows outside it: the outer Concat places nothing.
  EXPECT_TRUE(p.offsets[inner] < p.offsets[outer] || p.offsets[inner] >= p.offsets[outer] + m.tensors[outer].byteSize());
  EXPECT_EQ(p.offsets[a], p.offsets[inner]);
  EXPECT_EQ(p.offsets[b], p.offsets[inner] + 256);
  expectNoLiveOverlap(m, p);

  GraphBuilder h;
  const int32_t y = h.input("y", DType::F32, {1, 16, 4});
  const int32_t ha = h.node("Tanh", {y}), hb = h.node("Sigmoid", {y});
  const int32_t hinner = h.node("Concat", {ha, hb}, attrs({Attribute::Int("axis", 1)}));
  const int32_t hc = h.node("Neg", {y});
  const int32_t houter = h.node("Concat", {hc, hinner}, attrs({Attribute::Int("axis", 1)}));
  h.output(h.node("Softmax", {houter}));
  ASSERT_TRUE(planMemory(h.model(), &p).ok());
  EXPECT_EQ(p.offsets[hc], p.offsets[houter]);
  EXPECT_EQ(p.offsets[hinner], p.offsets[houter] + 256);
  EXPECT_EQ(p.offsets[ha], p.offsets[houter] + 256);
  EXPECT_EQ(p.offsets[hb], p.offsets[houter] + 512);
  expectNoLiveOverlap(h.model(), p);
}

TEST(MemoryPlanner, RandomDagsWithConcatsNeverOverlapLiveTensors) {
  std::mt19937 rng(23);
  const char* unary[] = {"Relu", "Tanh", "Sigmoid", "Neg"};
  for (int trial = 0; trial < 50; ++trial) {
    GraphBuilder g;
    std::vector<int32_t> vals = {g.input("x", DType::F32, {1, 16})};
    std::vector<int32_t> wide;  // [1, 32] values: Concats of two
    for (int k = 0; k < 20; ++k) {
      const int32_t a = vals[rng() % vals.size()], b = vals[rng() % vals.size()];
      switch (rng() % 4) {
        case 0: wide.push_back(g.node("Concat", {a, b}, attrs({Attribute::Int("axis", 1)}))); break;
        case 1: vals.push_back(g.node("Add", {a, b})); break;
        default: vals.push_back(g.node(unary[rng() % 4], {a}));
      }
      if (!wide.empty() && rng() % 3 == 0) vals.push_back(g.node("Tanh", {g.node("Slice", {wide[rng() % wide.size()],
          g.constant("s" + std::to_string(k), Value::i64({1}, {0})), g.constant("e" + std::to_string(k), Value::i64({1}, {16})),
          g.constant("x" + std::to_string(k), Value::i64({1}, {1}))})}));
    }
    g.output(vals.back());
    if (!wide.empty()) g.output(wide.back());
    MemoryPlan p;
    ASSERT_TRUE(planMemory(g.model(), &p).ok());
    expectNoLiveOverlap(g.model(), p);
  }
}

}  // namespace
}  // namespace test
}  // namespace zy
