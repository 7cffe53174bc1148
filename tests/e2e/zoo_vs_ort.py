#!/usr/bin/env python3
"""End-to-end check of one zoo model: export (cached), zy-compile, zy-run, and
ONNX Runtime on the same input; every output must match within
1e-4 of the ONNX Runtime output's largest magnitude.

usage: zoo_vs_ort.py --model NAME --bin BUILD/bin --zoo ZOO_DIR --node-path NODE_MODULES [--threads N]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if r.returncode != 0:
        print(r.stdout)
        raise SystemExit(f"FAILED: {' '.join(cmd)} (exit {r.returncode})")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--zoo", required=True)
    ap.add_argument("--node-path", required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.node_path, "onnxruntime-node")):
        raise SystemExit(f"ONNX Runtime is not installed under {a.node_path}: run scripts/ort.sh")
    os.makedirs(a.zoo, exist_ok=True)
    run([sys.executable, os.path.join(ROOT, "models", "export_zoo.py"), a.zoo, a.model])
    onnx_path = os.path.join(a.zoo, a.model + ".onnx")
    input_path = os.path.join(a.zoo, a.model + ".input.npy")
    work = os.path.join(a.zoo, "e2e", a.model)
    os.makedirs(work, exist_ok=True)
    zym = os.path.join(work, a.model + ".zym")
    run([os.path.join(a.bin, "zy-compile"), onnx_path, "-o", zym])
    print(run([os.path.join(a.bin, "zy-run"), zym, "--input", "input=" + input_path, "--output-dir",
               os.path.join(work, "zy"), "--threads", str(a.threads)]))
    ort_dir = os.path.join(work, "ort")
    env = dict(os.environ, NODE_PATH=a.node_path)
    run(["node", os.path.join(ROOT, "models", "ort_reference.js"), onnx_path, "--input", "input=" + input_path,
         "--output-dir", ort_dir], env=env)
    i = 0
    ok = True
    while os.path.exists(os.path.join(ort_dir, f"output_{i}.npy")):
        want = np.load(os.path.join(ort_dir, f"output_{i}.npy"))
        got = np.load(os.path.join(work, "zy", f"output_{i}.npy"))
        if got.shape != want.shape or got.dtype != want.dtype:
            print(f"output {i}: {got.dtype}{list(got.shape)} vs ONNX Runtime {want.dtype}{list(want.shape)}")
            ok = False
        else:
            scale = float(np.abs(want).max())
            diff = float(np.abs(got.astype(np.float64) - want.astype(np.float64)).max())
            rel = diff / scale if scale > 0 else diff
            print(f"{a.model} output {i}: max |zy - ort| = {diff:.3e}, max |ort| = {scale:.3e}, ratio {rel:.3e}")
            ok &= rel <= 1e-4
        i += 1
    if i == 0:
        raise SystemExit("ONNX Runtime wrote no outputs")
    print("PASS" if ok else "FAIL: difference above 1e-4 of the output's largest magnitude")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
