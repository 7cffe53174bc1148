// RUN: zy-opt %s --zy-fold-qdq --zy-dce --split-input-file | FileCheck %s

// DQ(x), DQ(w per channel), float bias, Relu, Q -> QLinearConv with the bias
// requantized to x_scale * w_scale: 0.5 / (0.5 * 0.25) = 4, -1 / (0.5 * 0.5) = -4.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[B:.*]] = zy.constant dense<[4, -4]> : tensor<2xi32>
// CHECK: zy.QLinearConv(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[B]]) {activation = "Relu", pads = array<i64: 1, 1, 1, 1>}
// CHECK-SAME: -> tensor<1x2x4x4xi8>
// CHECK-NOT: zy.Conv
// CHECK-NOT: zy.Relu
// CHECK-NOT: zy.DequantizeLinear
func.func @conv_relu(%q: tensor<1x1x4x4xi8>) -> tensor<1x2x4x4xi8> {
  %xs = zy.constant dense<0.5> : tensor<f32>
  %xz = zy.constant dense<0> : tensor<i8>
  %x = zy.DequantizeLinear(%q, %xs, %xz) : (tensor<1x1x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xf32>
  %wq = zy.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]> : tensor<2x1x3x3xi8>
  %ws = zy.constant dense<[0.25, 0.5]> : tensor<2xf32>
  %wz = zy.constant dense<0> : tensor<2xi8>
  %w = zy.DequantizeLinear(%wq, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x3x3xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x3x3xf32>
  %b = zy.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = zy.Conv(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = zy.Relu(%y) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %ys = zy.constant dense<0.1> : tensor<f32>
  %yz = zy.constant dense<-3> : tensor<i8>
  %out = zy.QuantizeLinear(%r, %ys, %yz) : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x4x4xi8>
  return %out : tensor<1x2x4x4xi8>
}

// -----

// Add of two dequantized tensors; MaxPool and Reshape run on int8 when the Q
// after them repeats the DQ's parameters.
// CHECK-LABEL: func.func @add_pool_reshape
// CHECK: %[[A:.*]] = zy.QLinearAdd(%arg0, %{{.*}}, %{{.*}}, %arg1, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) :
// CHECK-SAME: -> tensor<1x1x4x4xi8>
// CHECK: %[[P:.*]] = zy.MaxPool(%[[A]]) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
// CHECK: zy.Reshape(%[[P]], %{{.*}}) : (tensor<1x1x2x2xi8>, tensor<2xi64>) -> tensor<1x4xi8>
// CHECK-NOT: zy.QuantizeLinear
func.func @add_pool_reshape(%a: tensor<1x1x4x4xi8>, %b: tensor<1x1x4x4xi8>) -> tensor<1x4xi8> {
  %s = zy.constant dense<0.5> : tensor<f32>
  %z = zy.constant dense<1> : tensor<i8>
  %da = zy.DequantizeLinear(%a, %s, %z) : (tensor<1x1x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xf32>
  %db = zy.DequantizeLinear(%b, %s, %z) : (tensor<1x1x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xf32>
  %sum = zy.Add(%da, %db) : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %os = zy.constant dense<0.25> : tensor<f32>
  %oz = zy.constant dense<2> : tensor<i8>
  %q = zy.QuantizeLinear(%sum, %os, %oz) : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xi8>
  %dq = zy.DequantizeLinear(%q, %os, %oz) : (tensor<1x1x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xf32>
  %p = zy.MaxPool(%dq) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %pq = zy.QuantizeLinear(%p, %os, %oz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xi8>
  %pdq = zy.DequantizeLinear(%pq, %os, %oz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %shape = zy.constant dense<[1, 4]> : tensor<2xi64>
  %r = zy.Reshape(%pdq, %shape) : (tensor<1x1x2x2xf32>, tensor<2xi64>) -> tensor<1x4xf32>
  %rq = zy.QuantizeLinear(%r, %os, %oz) : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
  return %rq : tensor<1x4xi8>
}

// -----

// A MaxPool whose Q changes the scale is not data movement: it stays float.
// CHECK-LABEL: func.func @pool_rescaled
// CHECK: zy.DequantizeLinear
// CHECK: zy.MaxPool{{.*}}-> tensor<1x1x2x2xf32>
// CHECK: zy.QuantizeLinear
func.func @pool_rescaled(%a: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  %s = zy.constant dense<0.5> : tensor<f32>
  %s2 = zy.constant dense<0.25> : tensor<f32>
  %z = zy.constant dense<0> : tensor<i8>
  %da = zy.DequantizeLinear(%a, %s, %z) : (tensor<1x1x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xf32>
  %p = zy.MaxPool(%da) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %q = zy.QuantizeLinear(%p, %s2, %z) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xi8>
  return %q : tensor<1x1x2x2xi8>
}

// -----

// x * Sigmoid(x) between a DQ and a Q is a function of x alone: a lookup
// table of the 256 values x can take (tabulated with the reference kernels).
// CHECK-LABEL: func.func @silu_lookup
// CHECK: %[[T:.*]] = zy.constant dense<"0x{{[0-9A-F]+}}"> : tensor<256xi8>
// CHECK: zy.QLinearLookup(%arg0, %[[T]]) : (tensor<1x8xi8>, tensor<256xi8>) -> tensor<1x8xi8>
// CHECK-NOT: zy.Sigmoid
// CHECK-NOT: zy.Mul
func.func @silu_lookup(%a: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %s = zy.constant dense<0.05> : tensor<f32>
  %z = zy.constant dense<0> : tensor<i8>
  %x = zy.DequantizeLinear(%a, %s, %z) : (tensor<1x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x8xf32>
  %g = zy.Sigmoid(%x) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %m = zy.Mul(%x, %g) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %os = zy.constant dense<0.04> : tensor<f32>
  %oz = zy.constant dense<-100> : tensor<i8>
  %q = zy.QuantizeLinear(%m, %os, %oz) : (tensor<1x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}

// -----

// A function of two different tensors is no lookup: it stays float.
// CHECK-LABEL: func.func @two_inputs_stay_float
// CHECK: zy.Sigmoid
// CHECK-NOT: zy.QLinearLookup
func.func @two_inputs_stay_float(%a: tensor<1x8xi8>, %b: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %s = zy.constant dense<0.05> : tensor<f32>
  %z = zy.constant dense<0> : tensor<i8>
  %x = zy.DequantizeLinear(%a, %s, %z) : (tensor<1x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x8xf32>
  %y = zy.DequantizeLinear(%b, %s, %z) : (tensor<1x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x8xf32>
  %g = zy.Sigmoid(%y) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %m = zy.Sub(%x, %g) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %q = zy.QuantizeLinear(%m, %s, %z) : (tensor<1x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}

// -----

// Resize in nearest mode only moves values: it runs on int8 between a DQ and
// a Q with the same parameters; in linear mode it mixes them and stays float.
// CHECK-LABEL: func.func @resize
// CHECK: zy.Resize(%arg0, %{{.*}}, %{{.*}}) {mode = "nearest"} : (tensor<1x1x2x2xi8>, none, tensor<4xf32>) -> tensor<1x1x4x4xi8>
// CHECK: zy.Resize{{.*}}{mode = "linear"}{{.*}}-> tensor<1x1x4x4xf32>
func.func @resize(%a: tensor<1x1x2x2xi8>) -> (tensor<1x1x4x4xi8>, tensor<1x1x4x4xi8>) {
  %s = zy.constant dense<0.5> : tensor<f32>
  %z = zy.constant dense<1> : tensor<i8>
  %none = zy.none
  %sc = zy.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %d = zy.DequantizeLinear(%a, %s, %z) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %r = zy.Resize(%d, %none, %sc) {mode = "nearest"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  %q = zy.QuantizeLinear(%r, %s, %z) : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xi8>
  %l = zy.Resize(%d, %none, %sc) {mode = "linear"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  %lq = zy.QuantizeLinear(%l, %s, %z) : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xi8>
  return %q, %lq : tensor<1x1x4x4xi8>, tensor<1x1x4x4xi8>
}
