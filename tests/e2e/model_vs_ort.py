#!/usr/bin/env python3
"""One ONNX model, compiled once by zy-compile, run by zy-run and by ONNX
Runtime on the same seeded random inputs, once per --case; every output must
match within --tolerance (default 1e-4) of the ONNX Runtime output's largest
magnitude.

usage: model_vs_ort.py --model M.onnx --bin BUILD/bin --work DIR --node-path NODE_MODULES
                       --case NAME=1x3x48x320[,NAME2=...] [--case ...] [--range LO:HI]

Besides a shape of uniform noise, an input may be scalar:VALUE (an int64
scalar, such as a sample rate) or zeros:SHAPE (a recurrent state).
A shape written image:NxCxHxW gives a rendered line of dark text on white,
normalized as PP-OCR does, instead of noise (a text detector's output on
noise is ~0 everywhere, which makes a relative comparison meaningless).
"""
import argparse
import os
import sys

import numpy as np

from testlib import compare, require_ort, run, run_ort


def text_image(shape):
    from PIL import Image, ImageDraw, ImageFont
    n, c, h, w = shape
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", max(10, h // 5))
    except OSError:
        font = ImageFont.load_default()
    for k, line in enumerate(["Zhongyuan 2026", "edge inference"]):
        draw.text((w // 12, h // 8 + k * h // 3), line, fill=(20, 20, 20), font=font)
    x = (np.asarray(img, np.float32) / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    return np.repeat(x.transpose(2, 0, 1)[None].astype(np.float32), n, axis=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--node-path", required=True)
    ap.add_argument("--case", action="append", required=True)
    ap.add_argument("--range", default="-1:1", help="uniform input range")
    ap.add_argument("--tolerance", type=float, default=1e-4, help="largest |zy - ort| / max |ort|")
    ap.add_argument("--compile-arg", action="append", default=[], help="passed to zy-compile (e.g. --input-shape=x=1x512)")
    a = ap.parse_args()
    if not os.path.exists(a.model):
        raise SystemExit(f"{a.model} is missing: run models/fetch_models.sh (scripts/test.sh does)")
    require_ort(a.node_path)
    os.makedirs(a.work, exist_ok=True)
    name = os.path.splitext(os.path.basename(a.model))[0]
    zym = os.path.join(a.work, name + ".zym")
    run([os.path.join(a.bin, "zy-compile"), a.model, "-o", zym] + a.compile_arg)  # once for every case
    lo, hi = map(float, a.range.split(":"))
    rng = np.random.default_rng(20261128)
    ok = True
    for k, case in enumerate(a.case):
        args = []
        for item in case.split(","):
            n, shape = item.split("=")
            if shape.startswith("image:"):
                arr = text_image([int(d) for d in shape[6:].split("x")])
            elif shape.startswith("scalar:"):
                arr = np.array(int(shape[7:]), dtype=np.int64)
            elif shape.startswith("zeros:"):
                arr = np.zeros([int(d) for d in shape[6:].split("x")], np.float32)
            else:
                arr = rng.uniform(lo, hi, [int(d) for d in shape.split("x")]).astype(np.float32)
            path = os.path.join(a.work, f"case{k}_{n}.npy")
            np.save(path, arr)
            args += ["--input", f"{n}={path}"]
        zy_dir, ort_dir = os.path.join(a.work, f"case{k}_zy"), os.path.join(a.work, f"case{k}_ort")
        print(run([os.path.join(a.bin, "zy-run"), zym, "--output-dir", zy_dir] + args).strip())
        run_ort(a.model, args, ort_dir, a.node_path)
        ok &= compare(zy_dir, ort_dir, f"{name} case {case}", a.tolerance)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
