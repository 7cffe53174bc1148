#!/usr/bin/env python3
"""End-to-end check of one zoo model: export (cached), zy-compile, zy-run, and
ONNX Runtime on the same input; every output must match within
1e-4 of the ONNX Runtime output's largest magnitude.

usage: zoo_vs_ort.py --model NAME --bin BUILD/bin --zoo ZOO_DIR --node-path NODE_MODULES [--threads N]
"""
import argparse
import os
import sys

from testlib import ROOT, compare, require_ort, run, run_ort


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--zoo", required=True)
    ap.add_argument("--node-path", required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    require_ort(a.node_path)
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
    run_ort(onnx_path, ["--input", "input=" + input_path], ort_dir, a.node_path)
    ok = compare(os.path.join(work, "zy"), ort_dir, a.model)
    print("PASS" if ok else "FAIL: difference above 1e-4 of the output's largest magnitude")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
