"""Helpers for QDQ models shared by the int8 tests and benchmarks."""
import numpy as np
import onnx
from onnx import numpy_helper


def output_step(path):
    """The scale of the model's last DequantizeLinear: one quantization step of
    its float output (scales given as initializers or Constant nodes)."""
    m = onnx.load(path)
    values = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "Constant":
            values[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    last = [n for n in m.graph.node if n.op_type == "DequantizeLinear"][-1]
    return float(np.max(values[last.input[1]]))
