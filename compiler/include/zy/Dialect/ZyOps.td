#ifndef ZY_OPS_TD
#define ZY_OPS_TD

include "zy/Dialect/ZyDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

class Zy_Op<string mnemonic, list<Trait> traits = []> : Op<Zy_Dialect, mnemonic, traits>;

def Zy_ConstantOp : Zy_Op<"constant", [Pure, ConstantLike, AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor (ONNX initializer or Constant node)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "ElementsAttr":$value), [{ build($_builder, $_state, value.getType(), value); }]>
  ];
}

def Zy_NoneOp : Zy_Op<"none", [Pure]> {
  let summary = "The value of an omitted optional input";
  let results = (outs NoneType:$output);
  let assemblyFormat = "attr-dict";
}

def Zy_YieldOp : Zy_Op<"yield", [Pure, Terminator, ReturnLike, ParentOneOf<["IfOp", "LoopOp"]>]> {
  let summary = "The results of an If branch or a Loop body";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

// ONNX If: the branch regions use values defined above them (ONNX subgraphs
// read outer-scope names) and end in zy.yield.
def Zy_IfOp : Zy_Op<"If", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "ONNX If";
  let arguments = (ins AnyType:$cond);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$then_branch, SizedRegion<1>:$else_branch);
  let assemblyFormat = "`(` $cond `)` attr-dict `:` type($cond) `->` type($outputs) $then_branch `else` $else_branch";
}

// ONNX Loop: operands (M, cond, v_initial...), where an omitted M or cond is
// a zy.none; the body's block arguments are (iteration, cond, carried...) and
// it yields (cond, carried..., scan outputs...).
def Zy_LoopOp : Zy_Op<"Loop", [RecursiveMemoryEffects]> {
  let summary = "ONNX Loop";
  let arguments = (ins Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs) $body";
}

// An ONNX operator: variadic tensors in and out, ONNX attributes as is.
class Zy_OnnxOp<string mnemonic> : Zy_Op<mnemonic, [Pure]> {
  let summary = "ONNX " # mnemonic;
  let arguments = (ins Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = "`(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)";
}

// Keep in step with runtime/src/ops/shape_inference.cc (the op registry).
foreach opName = [
    "Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization",
    "Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
    "Add", "Sub", "Mul", "Div", "Sum",
    "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "Concat", "Split", "Slice", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze",
    "Identity", "Dropout", "Shape", "Gather", "Pad",
    "Resize", "Softmax", "ReduceMean", "Cast",
    // Elementwise math, comparison, logic.
    "Erf", "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Round", "Sin", "Cos", "Tan",
    "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softplus", "Softsign",
    "Elu", "Selu", "Celu", "ThresholdedRelu", "Mish", "Shrink", "Abs", "Neg", "Sign", "IsNaN", "IsInf",
    "Min", "Max", "Mean", "Pow", "Mod", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
    "And", "Or", "Xor", "Not", "Where",
    // Reductions and the softmax family.
    "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin", "LogSoftmax", "Hardmax",
    // Tensor building, indexing, layout, normalization.
    "Expand", "Tile", "ConstantOfShape", "Range", "GatherElements", "ScatterElements", "GatherND",
    "ScatterND", "OneHot", "Trilu", "CumSum", "DepthToSpace", "SpaceToDepth", "TopK",
    "InstanceNormalization", "LayerNormalization", "Size", "EyeLike",
    "CastLike", "BitShift", "Det", "Einsum", "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss",
    "Compress", "ReverseSequence", "MaxUnpool", "LRN", "MeanVarianceNormalization",
    // Data-dependent output shapes: need their inputs' values at compile time (for now).
    "NonZero", "Unique", "NonMaxSuppression",
    // Recurrent.
    "RNN", "GRU", "LSTM",
    // Quantization: ONNX's ops, and ONNX Runtime's com.microsoft QOperator ops
    // (imported by name). Ops with an int8 output follow docs/int8.md.
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QLinearMatMul",
    "ConvInteger", "QLinearConv", "QGemm", "QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool",
    "QLinearConcat", "QLinearLookup",
    // Signal and sampling.
    "HannWindow", "HammingWindow", "BlackmanWindow", "GridSample",
    // A branch that cannot run for the compiled input sizes (see zy-shape-inference).
    "Fail"] in {
  def Zy_ # opName # Op : Zy_OnnxOp<opName>;
}

#endif
