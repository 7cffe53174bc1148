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

// Reshape needs its target's value: the small chain Shape -> Gather -> Concat
// is evaluated on the way (folding it away is zy-fold-constants' job).
// CHECK-LABEL: func.func @reshape
// CHECK: zy.Shape{{.*}} -> tensor<3xi64>
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


// -----

// A dynamic batch dimension: sizes that follow it stay dynamic, the rest is
// inferred; Shape -> Gather still resolves the Reshape target's rank.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME: -> tensor<?x128xf32>
// CHECK: zy.Conv{{.*}} -> tensor<?x2x8x8xf32>
// CHECK: zy.Reshape{{.*}} -> tensor<?x128xf32>
func.func @dynamic_batch(%x: tensor<?x1x8x8xf32> {zy.dim_params = ["N", "", "", ""]}) -> tensor<*xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x3x3xf32>
  %y = zy.Conv(%x, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<*xf32>
  %s = zy.Shape(%y) : (tensor<*xf32>) -> tensor<*xf32>
  %i = zy.constant dense<[0]> : tensor<1xi64>
  %n = zy.Gather(%s, %i) {axis = 0 : i64} : (tensor<*xf32>, tensor<1xi64>) -> tensor<*xf32>
  %m = zy.constant dense<[-1]> : tensor<1xi64>
  %t = zy.Concat(%n, %m) {axis = 0 : i64} : (tensor<*xf32>, tensor<1xi64>) -> tensor<*xf32>
  %r = zy.Reshape(%y, %t) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
