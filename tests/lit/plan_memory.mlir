// RUN: zy-opt %s --zy-plan-memory | FileCheck %s

// Sizes: x, a, b, c are 1024 bytes each (256 x f32).
// x is a graph input: never overwritten, so a (Relu) gets its own slot.
// b = Sigmoid(a) runs in place on a (a dies there): same offset.
// r = Reshape(b) aliases b: same offset.
// c = Add(r, x): in place on r's buffer.
// Two buffers in all: 2 x 1024 bytes.
// CHECK-LABEL: func.func @plan
// CHECK-SAME: zy.arena_size = 2048
// CHECK-SAME: zy.arg_offsets = array<i64: 0>
// CHECK: zy.Relu{{.*}}arena_offsets = array<i64: [[A:[0-9]+]]>
// CHECK: zy.Sigmoid{{.*}}arena_offsets = array<i64: [[A]]>
// CHECK: zy.Reshape{{.*}}arena_offsets = array<i64: [[A]]>
// CHECK: zy.Add{{.*}}arena_offsets = array<i64: [[A]]>
func.func @plan(%x: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %a = zy.Relu(%x) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %b = zy.Sigmoid(%a) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %s = zy.constant dense<[16, 16]> : tensor<2xi64>
  %r = zy.Reshape(%b, %s) : (tensor<16x16xf32>, tensor<2xi64>) -> tensor<16x16xf32>
  %c = zy.Add(%r, %x) : (tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  return %c : tensor<16x16xf32>
}

// Two values alive at once never share bytes: t1 and t2 are both read by Add.
// CHECK-LABEL: func.func @overlap
// CHECK: zy.Relu{{.*}}arena_offsets = array<i64: [[T1:[0-9]+]]>
// CHECK-NOT: arena_offsets = array<i64: [[T1]]>
// CHECK: zy.Tanh
// CHECK: zy.Add
func.func @overlap(%x: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %t1 = zy.Relu(%x) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %t2 = zy.Tanh(%x) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %c = zy.Add(%t1, %t2) : (tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  return %c : tensor<16x16xf32>
}
