// RUN: zy-opt %s --zy-fuse-ops --zy-dce --split-input-file | FileCheck %s

// Conv + Add(per-channel constant) + Relu -> one Conv with bias and activation.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK: %[[B:.*]] = zy.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: zy.Conv(%{{.*}}, %{{.*}}, %[[B]]) {activation = "Relu"}
// CHECK-NOT: zy.Add
// CHECK-NOT: zy.Relu
func.func @conv_bias_relu(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %c = zy.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32>
  %z = zy.Add(%y, %c) : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = zy.Relu(%z) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Clip with constant bounds (Relu6) is fused with its bounds.
// CHECK-LABEL: func.func @conv_relu6
// CHECK: zy.Conv{{.*}}activation = "Clip", activation_alpha = 0.000000e+00 : f32, activation_beta = 6.000000e+00 : f32
func.func @conv_relu6(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %lo = zy.constant dense<0.0> : tensor<f32>
  %hi = zy.constant dense<6.0> : tensor<f32>
  %r = zy.Clip(%y, %lo, %hi) : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// x * Sigmoid(x) after a Conv becomes SiLU.
// CHECK-LABEL: func.func @conv_silu
// CHECK: zy.Conv{{.*}}activation = "Silu"
// CHECK-NOT: zy.Sigmoid
// CHECK-NOT: zy.Mul
func.func @conv_silu(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = zy.Sigmoid(%y) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %m = zy.Mul(%y, %s) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %m : tensor<1x2x4x4xf32>
}

// -----

// HardSwish after Gemm; a Relu whose input has a second user is not fused.
// CHECK-LABEL: func.func @gemm_hardswish
// CHECK: zy.Gemm{{.*}}activation = "HardSwish"
// CHECK-LABEL: func.func @shared_input
// CHECK: zy.Conv
// CHECK-NOT: activation
// CHECK: zy.Relu
func.func @gemm_hardswish(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = zy.constant dense<1.0> : tensor<3x4xf32>
  %y = zy.Gemm(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %h = zy.HardSwish(%y) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %h : tensor<2x4xf32>
}
func.func @shared_input(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = zy.Relu(%y) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r, %y : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// ResNet's block end: Add(conv, shortcut) + Relu -> one Conv with the
// shortcut as input 3 (a zy.none stands for the absent bias) and Relu. The
// shortcut is computed after the Conv in the input, so the Conv moves down.
// CHECK-LABEL: func.func @conv_residual_relu
// CHECK: %[[N:.*]] = zy.none
// CHECK: %[[S:.*]] = zy.Conv(%arg1
// CHECK: zy.Conv(%arg0, %{{.*}}, %[[N]], %[[S]]) {activation = "Relu"}
// CHECK-NOT: zy.Add
// CHECK-NOT: zy.Relu
func.func @conv_residual_relu(%x: tensor<1x1x4x4xf32>, %s: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %w2 = zy.constant dense<2.0> : tensor<2x1x1x1xf32>
  %sc = zy.Conv(%s, %w2) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = zy.Add(%y, %sc) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = zy.Relu(%z) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// A broadcast Add is not a residual; neither is one whose Conv output is used twice.
// CHECK-LABEL: func.func @not_residual
// CHECK: zy.Add
// CHECK: zy.Add
// CHECK: zy.Add
func.func @not_residual(%x: tensor<1x1x4x4xf32>, %s: tensor<1x2x1x4xf32>, %t: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %y = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = zy.Add(%y, %s) : (tensor<1x2x4x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x4x4xf32>
  %y2 = zy.Conv(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %u = zy.Add(%y2, %t) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %v = zy.Add(%u, %y2) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %z, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
