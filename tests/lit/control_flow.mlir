// RUN: zy-opt %s --split-input-file --zy-shape-inference --zy-fold-constants --zy-dce | FileCheck %s

// An If on a constant condition is replaced by its branch.
// CHECK-LABEL: func.func @if_constant
// CHECK-NOT: zy.If
// CHECK: zy.Relu
// CHECK-NOT: zy.Tanh
func.func @if_constant(%x: tensor<4xf32>) -> tensor<*xf32> {
  %c = zy.constant dense<true> : tensor<i1>
  %y = zy.If(%c) : tensor<i1> -> tensor<*xf32> {
    %r = zy.Relu(%x) : (tensor<4xf32>) -> tensor<*xf32>
    zy.yield %r : tensor<*xf32>
  } else {
    %t = zy.Tanh(%x) : (tensor<4xf32>) -> tensor<*xf32>
    zy.yield %t : tensor<*xf32>
  }
  return %y : tensor<*xf32>
}

// -----

// A run-time condition keeps both branches; the result's shape is where the
// branches agree, dynamic where they do not.
// CHECK-LABEL: func.func @if_runtime
// CHECK: zy.If{{.*}} -> tensor<?xf32>
func.func @if_runtime(%x: tensor<4xf32>, %c: tensor<i1>) -> tensor<*xf32> {
  %y = zy.If(%c) : tensor<i1> -> tensor<*xf32> {
    %r = zy.Relu(%x) : (tensor<4xf32>) -> tensor<*xf32>
    zy.yield %r : tensor<*xf32>
  } else {
    %s = zy.constant dense<0> : tensor<1xi64>
    %e = zy.constant dense<2> : tensor<1xi64>
    %t = zy.Slice(%x, %s, %e) : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
    zy.yield %t : tensor<*xf32>
  }
  return %y : tensor<*xf32>
}

// -----

// A Loop keeps a carried value's shape when the body does; scan outputs get
// a dynamic leading (trip count) dimension.
// CHECK-LABEL: func.func @loop
// CHECK: zy.Loop{{.*}} -> (tensor<3xf32>, tensor<?x?xf32>)
func.func @loop(%m: tensor<i64>, %x: tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %none = zy.none
  %r:2 = zy.Loop(%m, %none, %x) : (tensor<i64>, none, tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %v: tensor<*xf32>):
    %n = zy.Neg(%v) : (tensor<*xf32>) -> tensor<*xf32>
    zy.yield %cond, %n, %n : tensor<i1>, tensor<*xf32>, tensor<*xf32>
  }
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}
