#!/usr/bin/env python3
"""Pre-quantized ONNX models for the int8 import tests.

  torch_qdq_cnn.onnx  PyTorch eager-mode post-training quantization (the
                      qnnpack engine: Debian's torch has no fbgemm), exported
                      in QDQ form: uint8 activations, int8 weights, fused
                      Conv+ReLU, a residual add, max pooling, a concat, global
                      average pooling and a Linear head.
  hand_qdq.onnx       Written with onnx.helper: int8 activations, per-channel
                      int8 weights, float biases, Conv+Clip(0,6), a depthwise
                      Conv, Mul, Concat of two scales, MatMul, Reshape.
  qoperator.onnx      The QOperator form of ONNX Runtime's quantizer:
                      QLinearConv, QLinearAdd, QLinearGlobalAveragePool
                      (com.microsoft), QLinearMatMul.

usage: export_qdq_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def torch_qdq_cnn(path):
    import torch
    import torch.nn as nn
    from torch.ao.quantization import DeQuantStub, QuantStub, convert, fuse_modules, get_default_qconfig, prepare

    torch.backends.quantized.engine = "qnnpack"
    torch.manual_seed(5)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant, self.dequant = QuantStub(), DeQuantStub()
            self.c1, self.r1 = nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU()
            self.c2, self.r2 = nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.ReLU()
            self.c3 = nn.Conv2d(16, 16, 1)
            self.pool = nn.MaxPool2d(2)
            self.c4, self.r4 = nn.Conv2d(16, 8, 3, padding=1), nn.ReLU()
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(24, 10)
            self.add = torch.ao.nn.quantized.FloatFunctional()
            self.cat = torch.ao.nn.quantized.FloatFunctional()

        def forward(self, x):
            x = self.r1(self.c1(self.quant(x)))
            y = self.add.add(self.c3(self.r2(self.c2(x))), x)
            y = self.pool(y)
            z = self.cat.cat([y, self.r4(self.c4(y))], 1)
            return self.dequant(self.fc(self.gap(z).flatten(1)))

    m = Net().eval()
    fuse_modules(m, [["c1", "r1"], ["c2", "r2"], ["c4", "r4"]], inplace=True)
    m.qconfig = get_default_qconfig("qnnpack")
    prepare(m, inplace=True)
    with torch.no_grad():
        for _ in range(8):
            m(torch.rand(1, 3, 32, 32) * 2 - 1)
    convert(m, inplace=True)
    torch.onnx.export(m, torch.rand(1, 3, 32, 32), path, opset_version=13, input_names=["input"], output_names=["logits"])


def const(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def qdq(nodes, inits, x, name, scale, zp, dtype=np.int8):
    """x -> QuantizeLinear -> DequantizeLinear with per-tensor parameters."""
    inits += [const(name + "_s", np.float32(scale)), const(name + "_z", dtype(zp))]
    nodes += [helper.make_node("QuantizeLinear", [x, name + "_s", name + "_z"], [name + "_q"]),
              helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], [name + "_dq"])]
    return name + "_dq"


def weight(inits, nodes, name, w, per_channel=True):
    """Symmetric int8 weights, per output channel, behind a DequantizeLinear."""
    axes = tuple(range(1, w.ndim))
    s = (np.abs(w).max(axis=axes) if per_channel else np.abs(w).max()) / 127.0
    q = np.clip(np.round(w / (s.reshape(-1, *([1] * (w.ndim - 1))) if per_channel else w / s)), -127, 127).astype(np.int8)
    inits += [const(name + "_q", q), const(name + "_s", s.astype(np.float32)),
              const(name + "_z", np.zeros(s.shape, np.int8))]
    nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], [name + "_dq"], axis=0))
    return name + "_dq"


def hand_qdq(path):
    rng = np.random.default_rng(7)
    nodes, inits = [], []
    x = qdq(nodes, inits, "input", "in", 2.0 / 255, -1)
    w1 = weight(inits, nodes, "w1", rng.normal(0, 0.3, (12, 3, 3, 3)).astype(np.float32))
    inits.append(const("b1", rng.normal(0, 0.1, 12).astype(np.float32)))
    inits += [const("six", np.float32(6)), const("zero", np.float32(0))]
    nodes += [helper.make_node("Conv", [x, w1, "b1"], ["c1"], pads=[1, 1, 1, 1]),
              helper.make_node("Clip", ["c1", "zero", "six"], ["c1r"])]
    a = qdq(nodes, inits, "c1r", "a", 6.0 / 255, -128)
    w2 = weight(inits, nodes, "w2", rng.normal(0, 0.3, (12, 1, 3, 3)).astype(np.float32))
    nodes.append(helper.make_node("Conv", [a, w2], ["c2"], pads=[1, 1, 1, 1], strides=[2, 2], group=12))
    b = qdq(nodes, inits, "c2", "b", 0.03, 3)
    # b * b, then concat with b (different scales), then a matmul over the last axis.
    nodes.append(helper.make_node("Mul", [b, b], ["m"]))
    m = qdq(nodes, inits, "m", "mq", 0.05, -100)
    nodes.append(helper.make_node("Concat", [b, m], ["cat"], axis=1))
    cat = qdq(nodes, inits, "cat", "catq", 0.05, -20)
    wm = rng.normal(0, 0.3, (8, 5)).astype(np.float32)
    sm = np.abs(wm).max() / 127
    inits += [const("wm_q", np.round(wm / sm).astype(np.int8)), const("wm_s", np.float32(sm)), const("wm_z", np.int8(0))]
    nodes.append(helper.make_node("DequantizeLinear", ["wm_q", "wm_s", "wm_z"], ["wm_dq"]))
    nodes.append(helper.make_node("MatMul", [cat, "wm_dq"], ["mm"]))
    mm = qdq(nodes, inits, "mm", "mmq", 0.04, 0)
    inits.append(const("shape", np.array([1, -1], np.int64)))
    nodes.append(helper.make_node("Reshape", [mm, "shape"], ["output"]))
    graph = helper.make_graph(nodes, "hand_qdq", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 960])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def qoperator(path):
    rng = np.random.default_rng(11)
    u8 = np.uint8
    inits = [const("xs", np.float32(1 / 64)), const("xz", u8(128)),
             const("w", rng.integers(-127, 128, (8, 3, 3, 3)).astype(np.int8)),
             const("ws", (rng.uniform(0.5, 1.5, 8) / 256).astype(np.float32)), const("wz", np.zeros(8, np.int8)),
             const("ys", np.float32(0.05)), const("yz", u8(100)),
             const("bias", rng.integers(-500, 500, 8).astype(np.int32)),
             # The add's ratio 0.05 / 0.07 makes no ties (x + x at ratio 1.25 would tie
             # on every odd input, where the spec rounds away from zero and ORT to even).
             const("zs", np.float32(0.07)), const("zz", u8(90)),
             const("gs", np.float32(0.03)), const("gz", u8(110)),
             const("wm", rng.integers(-127, 128, (8, 6)).astype(np.int8)), const("wms", np.float32(0.01)), const("wmz", np.int8(0)),
             const("os", np.float32(0.02)), const("oz", u8(128)),
             const("shape", np.array([1, 8], np.int64))]
    ms = [helper.make_node("QuantizeLinear", ["input", "xs", "xz"], ["xq"]),
          helper.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "bias"], ["c"], pads=[1, 1, 1, 1]),
          helper.make_node("QLinearAdd", ["c", "ys", "yz", "c", "ys", "yz", "zs", "zz"], ["a"], domain="com.microsoft"),
          helper.make_node("QLinearGlobalAveragePool", ["a", "zs", "zz", "gs", "gz"], ["g"], domain="com.microsoft", channels_last=0),
          helper.make_node("Reshape", ["g", "shape"], ["gf"]),
          helper.make_node("QLinearMatMul", ["gf", "gs", "gz", "wm", "wms", "wmz", "os", "oz"], ["o"]),
          helper.make_node("DequantizeLinear", ["o", "os", "oz"], ["output"])]
    graph = helper.make_graph(ms, "qoperator", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 12, 12])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 6])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)])
    onnx.save(model, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    torch_qdq_cnn(os.path.join(out, "torch_qdq_cnn.onnx"))
    hand_qdq(os.path.join(out, "hand_qdq.onnx"))
    qoperator(os.path.join(out, "qoperator.onnx"))


if __name__ == "__main__":
    main()
