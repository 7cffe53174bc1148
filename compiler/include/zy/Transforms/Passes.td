#ifndef ZY_PASSES_TD
#define ZY_PASSES_TD

include "mlir/Pass/PassBase.td"

def ShapeInference : Pass<"zy-shape-inference", "func::FuncOp"> {
  let summary = "Infer every result's dtype and static shape";
  let description = [{
    Runs the runtime's shape inference (runtime/src/ops/shape_inference.cc)
    on each op in order, using constant operands where an op needs values
    (Reshape targets, Slice bounds, ...). Refines result types and the
    function signature. Fails with the ONNX node's name on a mismatch.
  }];
}

def FoldQdq : Pass<"zy-fold-qdq", "func::FuncOp"> {
  let summary = "Fold QuantizeLinear/DequantizeLinear around float ops into int8 ops";
  let description = [{
    Rewrites the QDQ form (what PyTorch and ONNX Runtime's quantizer export,
    and what zy-quantize inserts) into QLinearConv, QGemm, QLinearMatMul,
    QLinearAdd, QLinearMul, QLinearGlobalAveragePool, QLinearConcat and
    data-movement ops on int8, with Relu/Clip fused as clamps. Runs before
    zy-fold-constants, which would otherwise turn DQ(weights) into floats.
  }];
}

def FoldConstants : Pass<"zy-fold-constants", "func::FuncOp"> {
  let summary = "Evaluate ops whose inputs are all constants";
  let description = [{
    Runs the reference backend's kernel of each op whose operands are all
    constants (and Shape of a static input) and replaces it with zy.constant.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1 << 24",
           "Do not fold results larger than this many elements">,
    Option<"keepDequantize", "keep-dequantize", "bool", "false",
           "Leave DequantizeLinear of constants for zy-fold-qdq">
  ];
}

def FoldBatchNorm : Pass<"zy-fold-batchnorm", "func::FuncOp"> {
  let summary = "Fold inference BatchNormalization into the preceding Conv";
}

def FuseOps : Pass<"zy-fuse-ops", "func::FuncOp"> {
  let summary = "Fuse bias adds and activations into Conv and Gemm";
}

def FuseLayerNorm : Pass<"zy-fuse-layernorm", "func::FuncOp"> {
  let summary = "Recognize LayerNormalization written out as primitives";
  let description = [{
    Exporters of opsets < 17 spell LayerNorm as ReduceMean, Sub, Pow, ReduceMean,
    Add(epsilon), Sqrt, Div, then Mul(scale) and Add(bias). Over the last
    axis, with constant epsilon, scale and bias, the chain becomes one
    zy.LayerNormalization (one pass over the data instead of nine).
  }];
}

def DeadCodeElimination : Pass<"zy-dce", "func::FuncOp"> {
  let summary = "Remove ops whose results are never used";
}

def PlanMemory : Pass<"zy-plan-memory", "func::FuncOp"> {
  let summary = "Assign arena offsets (liveness, aliasing, in-place reuse)";
  let description = [{
    Annotates each op with `arena_offsets` (one per result) and the function
    with `zy.arena_size`, as computed by the runtime's planner. The exporter
    writes these into the .zym memory plan.
  }];
}

#endif
