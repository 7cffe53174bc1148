#!/usr/bin/env python3
"""A quantized zoo model partitioned across npu-sim and the CPU, end to end:
zy-compile --quantize int8 --targets npu-sim,x86 places every op and puts
npu-sim's offline blobs in the file; zy-run with the plugin runs the NPU
subgraphs on the simulated device and the rest on the CPU. The outputs must
equal the reference backend's, byte for byte (docs/int8.md).

usage: npu_partition.py --bin build/bin --plugins build/plugins --zoo build/zoo --model NAME
"""
import argparse
import os
import re
import sys
import tempfile

import numpy as np

from testlib import run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--zoo", required=True)
    ap.add_argument("--model", required=True)
    a = ap.parse_args()
    onnx = os.path.join(a.zoo, a.model + ".onnx")
    inp = os.path.join(a.zoo, a.model + ".input.npy")
    with tempfile.TemporaryDirectory() as work:
        zym = os.path.join(work, "npu.zym")
        explain = run([os.path.join(a.bin, "zy-compile"), onnx, "--quantize", "int8", "--calibration-random", "4", "--targets", "npu-sim,x86",
                       "--backend-path", a.plugins, "--explain-placement", "--emit-dot", os.path.join(work, "placement.dot"), "-o", zym])
        print(explain[explain.find("ops per backend"):])
        per = dict((k, int(v)) for k, v in re.findall(r"(\S+) (\d+)", explain[explain.find("ops per backend:"):].splitlines()[0][16:]))
        out = {}
        for name, args in {"npu": ["--backend-path", a.plugins], "ref": ["--backend", "ref"]}.items():
            d = os.path.join(work, name)
            log = run([os.path.join(a.bin, "zy-run"), zym, "--input", "input=" + inp, "--output-dir", d, "--threads", "2"] + args)
            print(name, [line for line in log.splitlines() if line.startswith("backends")][0])
            out[name] = np.load(os.path.join(d, "output_0.npy"))
        same = out["npu"].shape == out["ref"].shape and np.array_equal(out["npu"], out["ref"])
        print(f"{a.model}: npu-sim + CPU == ref, byte for byte: {same}")
        ok = same and per.get("npu-sim", 0) > 0 and "QLinearConv" in explain and os.path.getsize(os.path.join(work, "placement.dot")) > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
