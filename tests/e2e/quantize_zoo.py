#!/usr/bin/env python3
"""Post-training int8 quantization of one zoo model, judged against fp32 on
an input the calibration never saw (the zoo's own input, not the seeded noise
of --calibration-random): zy-compile --quantize int8 --calibration-random N
--accuracy-target cosine=0.99, then zy-run of the int8 and of the fp32 model;
the outputs' cosine similarity must be >= 0.99, the int8 model must hold
int8 convolutions, and x86 must give the same bytes as ref.

usage: quantize_zoo.py --model NAME --bin BUILD/bin --zoo ZOO_DIR [--samples 4]
"""
import argparse
import os
import re
import sys

import numpy as np

from testlib import ROOT, run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--zoo", required=True)
    ap.add_argument("--samples", type=int, default=4)
    a = ap.parse_args()
    run([sys.executable, os.path.join(ROOT, "models", "export_zoo.py"), a.zoo, a.model])
    onnx_path, inp = os.path.join(a.zoo, a.model + ".onnx"), os.path.join(a.zoo, a.model + ".input.npy")
    work = os.path.join(a.zoo, "e2e", a.model + "_int8")
    os.makedirs(work, exist_ok=True)
    zym, fp32_zym = os.path.join(work, "int8.zym"), os.path.join(work, "fp32.zym")
    bin_ = lambda t: os.path.join(a.bin, t)
    report = run([bin_("zy-compile"), onnx_path, "-o", zym, "--quantize", "int8", "--calibration-random", str(a.samples),
                  "--accuracy-target", "cosine=0.99", "--quantize-report", "--emit-mlir"])
    convs = len(re.findall(r"zy\.QLinearConv\(", report))
    print("\n".join(l for l in report.splitlines() if l.startswith(("int8 quantization", "  output", "  kept", "  note"))))
    run([bin_("zy-compile"), onnx_path, "-o", fp32_zym])
    outs = {}
    for name, model, backend in (("int8", zym, "x86,ref"), ("int8_ref", zym, "ref"), ("fp32", fp32_zym, "x86,ref")):
        d = os.path.join(work, name)
        run([bin_("zy-run"), model, "--input", "input=" + inp, "--output-dir", d, "--backend", backend, "--quiet"])
        outs[name] = np.load(os.path.join(d, "output_0.npy")).astype(np.float64).ravel()
    q, f = outs["int8"], outs["fp32"]
    cosine = float(q @ f / (np.linalg.norm(q) * np.linalg.norm(f)))
    same = np.array_equal(outs["int8"], outs["int8_ref"])
    print(f"{a.model}: {convs} QLinearConv; cosine(int8, fp32) on the held-out input = {cosine:.5f}; x86 == ref: {same}")
    ok = cosine >= 0.99 and convs > 0 and same
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
