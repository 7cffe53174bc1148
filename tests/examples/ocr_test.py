#!/usr/bin/env python3
"""zy-ocr on rendered text: ImageMagick draws a Latin line and a Chinese line
(Noto Sans CJK); zy-ocr must read back exactly the strings that were drawn.

usage: ocr_test.py --bin BUILD/bin --models BUILD/models --work DIR
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from testlib import run  # noqa: E402

CASES = [
    ("latin", "DejaVu-Sans", "Zhongyuan runs OCR 2026"),
    ("chinese", "Noto-Sans-CJK-SC", "中原人工智能推理引擎"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    det, rec = os.path.join(a.work, "det.zym"), os.path.join(a.work, "rec.zym")
    run([os.path.join(a.bin, "zy-compile"), os.path.join(a.models, "ch_PP-OCRv4_det_infer.onnx"), "-o", det])
    run([os.path.join(a.bin, "zy-compile"), os.path.join(a.models, "ch_PP-OCRv4_rec_infer.onnx"), "-o", rec])
    ok = True
    for name, font, text in CASES:
        png = os.path.join(a.work, name + ".png")
        run(["convert", "-size", "720x100", "xc:white", "-font", font, "-pointsize", "44", "-fill", "black",
             "-annotate", "+20+68", text, png])
        out = run([os.path.join(a.bin, "zy-ocr"), png, "--det", det, "--rec", rec,
                   "--keys", os.path.join(a.models, "ppocr_keys_v1.txt")])
        lines = [l.split("\t")[0] for l in out.splitlines() if l.strip()]
        print(f"{name}: drew {text!r}, read {lines!r}")
        ok &= lines == [text]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
