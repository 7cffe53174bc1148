"""Writes a small ONNX model of two convolutions with constant weights (a 3x3
one that takes Winograd, then a strided 3x3 one), seeded."""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w1 = numpy_helper.from_array(rng.standard_normal((32, 32, 3, 3)).astype(np.float32), "w1")
w2 = numpy_helper.from_array(rng.standard_normal((16, 32, 3, 3)).astype(np.float32), "w2")
nodes = [
    helper.make_node("Conv", ["x", "w1"], ["h"], name="conv_a", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["h"], ["r"], name="relu"),
    helper.make_node("Conv", ["r", "w2"], ["y"], name="conv_b", pads=[1, 1, 1, 1], strides=[2, 2]),
]
graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 28, 28])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=[w1, w2])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
with open(sys.argv[1], "wb") as f:
    f.write(model.SerializeToString())
