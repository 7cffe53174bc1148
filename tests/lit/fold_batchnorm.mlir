// RUN: zy-opt %s --zy-fold-batchnorm --zy-dce | FileCheck %s

// k = scale / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1 for channel 0,
//     4 / sqrt(15 + 1) = 1 for channel 1 ... chosen so the numbers stay exact:
// channel 0: scale 2, var 3  -> k = 1;   W' = W * 1, B' = (0.5 - 1) * 1 + 3 = 2.5
// channel 1: scale 8, var 15 -> k = 2;   W' = W * 2, B' = (0.5 - 2) * 2 + 1 = -2
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: zy.constant dense<[2.500000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: zy.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: zy.Conv
// CHECK-NOT: zy.BatchNormalization
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = zy.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = zy.constant dense<0.5> : tensor<2xf32>
  %y = zy.Conv(%x, %w, %b) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %scale = zy.constant dense<[2.0, 8.0]> : tensor<2xf32>
  %shift = zy.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %mean = zy.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = zy.constant dense<[3.0, 15.0]> : tensor<2xf32>
  %z = zy.BatchNormalization(%y, %scale, %shift, %mean, %var) {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %z : tensor<1x2x4x4xf32>
}
