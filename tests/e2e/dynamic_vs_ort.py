#!/usr/bin/env python3
"""Dynamic shapes end to end: a model exported with dynamic batch, height and
width is compiled once, then run at several input sizes by zy-run and by ONNX
Runtime; every output must match within 1e-4 of its largest magnitude.

usage: dynamic_vs_ort.py --bin BUILD/bin --work DIR --node-path NODE_MODULES
"""
import argparse
import os
import sys

import numpy as np
import torch
import torchvision

from testlib import compare, require_ort, run, run_ort

SIZES = [(1, 3, 224, 224), (2, 3, 160, 192), (1, 3, 97, 131)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--node-path", required=True)
    a = ap.parse_args()
    require_ort(a.node_path)
    os.makedirs(a.work, exist_ok=True)
    onnx_path = os.path.join(a.work, "squeezenet1_1_dynamic.onnx")
    if not os.path.exists(onnx_path):
        torch.manual_seed(7)
        model = torchvision.models.squeezenet1_1(weights=None).eval()
        x = torch.randn(1, 3, 224, 224)
        torch.onnx.export(model, x, onnx_path, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "N", 2: "H", 3: "W"}, "output": {0: "N"}})
    zym = os.path.join(a.work, "squeezenet1_1_dynamic.zym")
    print(run([os.path.join(a.bin, "zy-compile"), onnx_path, "-o", zym]))  # compiled once
    ok = True
    rng = np.random.default_rng(11)
    for shape in SIZES:
        tag = "x".join(map(str, shape))
        inp = os.path.join(a.work, f"input_{tag}.npy")
        np.save(inp, rng.standard_normal(shape).astype(np.float32))
        zy_dir, ort_dir = os.path.join(a.work, "zy_" + tag), os.path.join(a.work, "ort_" + tag)
        print(run([os.path.join(a.bin, "zy-run"), zym, "--input", "input=" + inp, "--output-dir", zy_dir]))
        run_ort(onnx_path, ["--input", "input=" + inp], ort_dir, a.node_path)
        ok &= compare(zy_dir, ort_dir, "input " + tag)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
