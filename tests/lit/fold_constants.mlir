// RUN: zy-opt %s --zy-fold-constants --zy-dce | FileCheck %s

// Ops on constants are evaluated by the reference kernels:
// [1,2,3] + [10,20,30] = [11,22,33], then Relu of [-1,2] = [0,2].
// CHECK-LABEL: func.func @fold
// CHECK-DAG: zy.constant dense<[1.100000e+01, 2.200000e+01, 3.300000e+01]> : tensor<3xf32>
// CHECK-DAG: zy.constant dense<[0.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NOT: zy.Add
// CHECK-NOT: zy.Relu
func.func @fold() -> (tensor<3xf32>, tensor<2xf32>) {
  %a = zy.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = zy.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %c = zy.Add(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %d = zy.constant dense<[-1.0, 2.0]> : tensor<2xf32>
  %e = zy.Relu(%d) : (tensor<2xf32>) -> tensor<2xf32>
  return %c, %e : tensor<3xf32>, tensor<2xf32>
}

// Ops with a non-constant operand stay.
// CHECK-LABEL: func.func @keep
// CHECK: zy.Add
func.func @keep(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = zy.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %c = zy.Add(%x, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %c : tensor<3xf32>
}
