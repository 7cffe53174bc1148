"""Writes a small ONNX model that uses ops zy does not support (Erf, NonZero)."""
import sys

from onnx import TensorProto, helper

nodes = [
    helper.make_node("Relu", ["x"], ["r"], name="relu"),
    helper.make_node("Erf", ["r"], ["e"], name="erf_node"),
    helper.make_node("NonZero", ["e"], ["n1"], name="nz_a"),
    helper.make_node("NonZero", ["r"], ["n2"], name="nz_b"),
]
graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                          [helper.make_tensor_value_info("n1", TensorProto.INT64, None),
                           helper.make_tensor_value_info("n2", TensorProto.INT64, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
with open(sys.argv[1], "wb") as f:
    f.write(model.SerializeToString())
