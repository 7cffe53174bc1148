#ifndef ZY_DIALECT_TD
#define ZY_DIALECT_TD

include "mlir/IR/OpBase.td"

def Zy_Dialect : Dialect {
  let name = "zy";
  let summary = "Zhongyuan's graph dialect: ONNX semantics on tensors";
  let description = [{
    One op per ONNX operator, named as ONNX names it (`zy.Conv`), taking
    tensors and producing tensors. ONNX attributes are kept under their ONNX
    names as typed MLIR attributes (i64, f32, string, array<i64>, array<f32>).
    The importer normalizes every opset (7-18) to the newest form of each op:
    attributes that later opsets turned into inputs are inputs here. Omitted
    optional inputs are the value of a `zy.none` op. The location of each op
    is its ONNX node name.
  }];
  let cppNamespace = "::mlir::zy";
}

#endif
