// RUN: zy-opt %s --zy-dce | FileCheck %s

// A dead chain (Relu -> Sigmoid) and its constant disappear; live ops stay.
// CHECK-LABEL: func.func @dce
// CHECK-NOT: zy.Sigmoid
// CHECK-NOT: zy.constant
// CHECK: zy.Tanh
// CHECK-NOT: zy.Relu
func.func @dce(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = zy.constant dense<1.0> : tensor<4xf32>
  %a = zy.Add(%x, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = zy.Relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %s = zy.Sigmoid(%r) : (tensor<4xf32>) -> tensor<4xf32>
  %t = zy.Tanh(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %t : tensor<4xf32>
}
