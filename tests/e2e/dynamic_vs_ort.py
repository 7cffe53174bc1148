#!/usr/bin/env python3
"""Dynamic shapes end to end: a model exported with dynamic batch, height and
width is compiled once, then run at several input sizes by zy-run and by ONNX
Runtime; every output must match within 1e-4 of its largest magnitude.

usage: dynamic_vs_ort.py --bin BUILD/bin --work DIR --node-path NODE_MODULES
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZES = [(1, 3, 224, 224), (2, 3, 160, 192), (1, 3, 97, 131)]


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if r.returncode != 0:
        print(r.stdout)
        raise SystemExit(f"FAILED: {' '.join(cmd)} (exit {r.returncode})")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--node-path", required=True)
    a = ap.parse_args()
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
    env = dict(os.environ, NODE_PATH=a.node_path)
    ok = True
    rng = np.random.default_rng(11)
    for shape in SIZES:
        tag = "x".join(map(str, shape))
        inp = os.path.join(a.work, f"input_{tag}.npy")
        np.save(inp, rng.standard_normal(shape).astype(np.float32))
        print(run([os.path.join(a.bin, "zy-run"), zym, "--input", "input=" + inp, "--output-dir", os.path.join(a.work, "zy_" + tag)]))
        run(["node", os.path.join(ROOT, "models", "ort_reference.js"), onnx_path, "--input", "input=" + inp,
             "--output-dir", os.path.join(a.work, "ort_" + tag)], env=env)
        got = np.load(os.path.join(a.work, "zy_" + tag, "output_0.npy"))
        want = np.load(os.path.join(a.work, "ort_" + tag, "output_0.npy"))
        if got.shape != want.shape:
            print(f"{tag}: shape {got.shape} vs ONNX Runtime {want.shape}")
            ok = False
            continue
        rel = float(np.abs(got - want).max()) / float(np.abs(want).max())
        print(f"input {tag}: output {list(got.shape)}, max |zy - ort| / max |ort| = {rel:.3e}")
        ok &= rel <= 1e-4
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
