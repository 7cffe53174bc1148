#!/usr/bin/env python3
"""Pre-quantized ONNX models (QDQ and QOperator form) against ONNX Runtime.

Each model is compiled by zy-compile, which must fold every float op between
QuantizeLinear and DequantizeLinear into int8 ops (checked on --emit-mlir:
no float Conv, Gemm, MatMul, Add, Mul or Concat may remain). zy-run and ONNX
Runtime then run the same seeded inputs; the int8 spec rounds ties away from
zero where ONNX Runtime rounds them to even, so each output must be within
one quantization step (the scale of the model's final DequantizeLinear).

usage: qdq_vs_ort.py --models DIR --bin BUILD/bin --work DIR --node-path NODE_MODULES
"""
import argparse
import os
import re
import sys

import numpy as np

from testlib import ROOT, require_ort, run, run_ort

sys.path.insert(0, os.path.join(ROOT, "models"))
from qdq_util import output_step  # noqa: E402

MODELS = {"torch_qdq_cnn": ("input", [1, 3, 32, 32]), "hand_qdq": ("input", [1, 3, 16, 16]),
          "qoperator": ("input", [1, 3, 12, 12])}
FLOAT_OPS = ("Conv", "Gemm", "MatMul", "Add", "Mul", "Concat", "GlobalAveragePool")


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--models", "--bin", "--work", "--node-path"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    require_ort(a.node_path)
    os.makedirs(a.work, exist_ok=True)
    rng = np.random.default_rng(20261129)
    ok = True
    for name, (input_name, shape) in MODELS.items():
        onnx_path = os.path.join(a.models, name + ".onnx")
        zym = os.path.join(a.work, name + ".zym")
        mlir = run([os.path.join(a.bin, "zy-compile"), onnx_path, "-o", zym, "--emit-mlir"])
        left = sorted({op for op in re.findall(r"zy\.(\w+)\(", mlir) if op in FLOAT_OPS})
        int8_ops = sorted(set(re.findall(r"zy\.(Q\w+)\(", mlir)))
        print(f"{name}: int8 ops {', '.join(int8_ops)}")
        if left:
            print(f"{name}: FAIL, float ops left after zy-fold-qdq: {', '.join(left)}")
            ok = False
        step = output_step(onnx_path)
        for case in range(3):
            x = os.path.join(a.work, f"{name}_in{case}.npy")
            np.save(x, rng.uniform(-1, 1, shape).astype(np.float32))
            args = ["--input", f"{input_name}={x}"]
            zy_dir, ort_dir = os.path.join(a.work, f"{name}_zy{case}"), os.path.join(a.work, f"{name}_ort{case}")
            run([os.path.join(a.bin, "zy-run"), zym, "--output-dir", zy_dir, "--quiet"] + args)
            run_ort(onnx_path, args, ort_dir, a.node_path)
            got, want = np.load(os.path.join(zy_dir, "output_0.npy")), np.load(os.path.join(ort_dir, "output_0.npy"))
            if got.shape != want.shape:
                print(f"{name} case {case}: shape {got.shape} vs ONNX Runtime {want.shape}")
                ok = False
                continue
            diff = np.abs(got.astype(np.float64) - want)
            steps = float(diff.max()) / step
            print(f"{name} case {case}: max |zy - ort| = {diff.max():.4g} = {steps:.2f} steps of {step:.4g}; "
                  f"{int((diff > step / 2).sum())} of {diff.size} values differ")
            ok &= steps <= 1.0 + 1e-6
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
