// RUN: zy-opt %s --zy-fuse-layernorm --zy-dce --split-input-file | FileCheck %s

// PyTorch's opset-13 LayerNorm: the whole chain becomes one op.
// CHECK-LABEL: func.func @layernorm
// CHECK: zy.LayerNormalization(%arg0, %{{.*}}, %{{.*}}) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NOT: zy.ReduceMean
// CHECK-NOT: zy.Pow
// CHECK-NOT: zy.Sqrt
func.func @layernorm(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %ax = zy.constant dense<-1> : tensor<1xi64>
  %m = zy.ReduceMean(%x, %ax) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %d = zy.Sub(%x, %m) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %two = zy.constant dense<2.0> : tensor<f32>
  %p = zy.Pow(%d, %two) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %ax2 = zy.constant dense<2> : tensor<1xi64>
  %v = zy.ReduceMean(%p, %ax2) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %eps = zy.constant dense<1.0e-5> : tensor<f32>
  %a = zy.Add(%v, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
  %s = zy.Sqrt(%a) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
  %n = zy.Div(%d, %s) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %g = zy.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %y = zy.Mul(%n, %g) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %bb = zy.constant dense<0.5> : tensor<4xf32>
  %z = zy.Add(%y, %bb) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %z : tensor<2x3x4xf32>
}

// -----

// Over a middle axis it is not LayerNorm over the last axis: left alone.
// CHECK-LABEL: func.func @middle_axis
// CHECK-NOT: zy.LayerNormalization
// CHECK: zy.ReduceMean
func.func @middle_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %ax = zy.constant dense<1> : tensor<1xi64>
  %m = zy.ReduceMean(%x, %ax) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  %d = zy.Sub(%x, %m) : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %two = zy.constant dense<2.0> : tensor<f32>
  %p = zy.Pow(%d, %two) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %v = zy.ReduceMean(%p, %ax) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  %eps = zy.constant dense<1.0e-5> : tensor<f32>
  %a = zy.Add(%v, %eps) : (tensor<2x1x4xf32>, tensor<f32>) -> tensor<2x1x4xf32>
  %s = zy.Sqrt(%a) : (tensor<2x1x4xf32>) -> tensor<2x1x4xf32>
  %n = zy.Div(%d, %s) : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  return %n : tensor<2x3x4xf32>
}
