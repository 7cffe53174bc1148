// RUN: zy-opt %s --zy-shape-inference --split-input-file | FileCheck %s

// Conv: output spatial size from pads, strides and dilations.
// CHECK-LABEL: func.func @conv
// CHECK: zy.Conv{{.*}} -> tensor<1x8x8x8xf32>
// CHECK: return {{.*}} : tensor<1x8x8x8xf32>
func.func @conv(%x: tensor<1x3x16x16xf32>) -> tensor<*xf32> {
  %w = zy.constant dense<1.0> : tensor<8x3x3x3xf32>
  %y = zy.Conv(%x, %w) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Reshape needs its target's value; with a constant target the -1 resolves,
// and the small constant chain Shape -> Gather is propagated on the way.
// CHECK-LABEL: func.func @reshape
// CHECK-NOT: zy.Shape
// CHECK: zy.Reshape{{.*}} -> tensor<2x12xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %s = zy.Shape(%x) : (tensor<2x3x4xf32>) -> tensor<*xf32>
  %i = zy.constant dense<[0]> : tensor<1xi64>
  %n = zy.Gather(%s, %i) {axis = 0 : i64} : (tensor<*xf32>, tensor<1xi64>) -> tensor<*xf32>
  %m = zy.constant dense<[-1]> : tensor<1xi64>
  %t = zy.Concat(%n, %m) {axis = 0 : i64} : (tensor<*xf32>, tensor<1xi64>) -> tensor<*xf32>
  %y = zy.Reshape(%x, %t) : (tensor<2x3x4xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Broadcasting in both directions.
// CHECK-LABEL: func.func @broadcast
// CHECK: zy.Add{{.*}} -> tensor<3x4x5xf32>
func.func @broadcast(%a: tensor<3x1x5xf32>, %b: tensor<4x1xf32>) -> tensor<*xf32> {
  %y = zy.Add(%a, %b) : (tensor<3x1x5xf32>, tensor<4x1xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

