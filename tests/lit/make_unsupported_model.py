"""Writes a small ONNX model with ops zy does not support: a custom-domain op
(twice) and TfIdfVectorizer (a text op)."""
import sys

from onnx import TensorProto, helper

nodes = [
    helper.make_node("Relu", ["x"], ["r"], name="relu"),
    helper.make_node("Mystery", ["r"], ["m1"], name="mystery_a", domain="com.acme"),
    helper.make_node("Mystery", ["m1"], ["m2"], name="mystery_b", domain="com.acme"),
    helper.make_node("TfIdfVectorizer", ["m2"], ["t"], name="tfidf", mode="TF", min_gram_length=1,
                     max_gram_length=1, max_skip_count=0, ngram_counts=[0], ngram_indexes=[0], pool_int64s=[1]),
]
graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                          [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.acme", 1)])
with open(sys.argv[1], "wb") as f:
    f.write(model.SerializeToString())
