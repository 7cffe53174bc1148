// RUN: not zy-opt %s --zy-shape-inference 2>&1 | FileCheck %s

// Errors name the ONNX node and op, and say what does not fit.
// CHECK: node 'Conv_12' (Conv): kernel_shape [3,3] does not match weight shape [64,3,5,5]
func.func @bad_kernel(%x: tensor<1x3x8x8xf32>) -> tensor<*xf32> {
  %w = zy.constant dense<1.0> : tensor<64x3x5x5xf32>
  %y = zy.Conv(%x, %w) {kernel_shape = array<i64: 3, 3>} : (tensor<1x3x8x8xf32>, tensor<64x3x5x5xf32>) -> tensor<*xf32> loc("Conv_12")
  return %y : tensor<*xf32>
}
