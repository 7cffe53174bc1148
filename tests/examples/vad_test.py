#!/usr/bin/env python3
"""zy-vad on synthesized speech: espeak-ng says two sentences with 1.5 s,
2.0 s and 1.0 s of silence around them (joined and resampled by sox). The
segments zy-vad prints must cover the speech and stay out of the silence.
The truth comes from how the audio was built, not from any model.

usage: vad_test.py --bin BUILD/bin --model silero_vad_legacy.onnx --work DIR
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from testlib import run  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    w = lambda n: os.path.join(a.work, n)
    run(["espeak-ng", "-w", w("s1.wav"), "Hello, this is the Zhongyuan voice activity test."])
    run(["espeak-ng", "-w", w("s2.wav"), "Speech comes back after a long pause."])
    silences = [1.5, 2.0, 1.0]
    for k, d in enumerate(silences):
        run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", w(f"sil{k}.wav"), "trim", "0", str(d)])
    run(["sox", w("sil0.wav"), w("s1.wav"), w("sil1.wav"), w("s2.wav"), w("sil2.wav"), "-r", "16000", w("test.wav")])
    d1, d2 = (float(run(["soxi", "-D", w("s1.wav")])), float(run(["soxi", "-D", w("s2.wav")])))
    truth = [(silences[0], silences[0] + d1), (silences[0] + d1 + silences[1], silences[0] + d1 + silences[1] + d2)]
    zym = w("silero_vad.zym")
    run([os.path.join(a.bin, "zy-compile"), a.model, "-o", zym])
    out = run([os.path.join(a.bin, "zy-vad"), w("test.wav"), "--model", zym])
    print(out.strip())
    segs = [(float(x), float(y)) for x, y in re.findall(r"speech\s+([\d.]+) s -\s+([\d.]+) s", out)]
    ok = True
    # Nothing in the silences (a 0.3 s margin for padding and frame size).
    for s, e in segs:
        if not any(s >= ts - 0.3 and e <= te + 0.3 for ts, te in truth):
            print(f"segment {s:.2f}-{e:.2f} s reaches into the silence")
            ok = False
    # Each sentence mostly covered.
    for ts, te in truth:
        covered = sum(max(0.0, min(e, te) - max(s, ts)) for s, e in segs)
        frac = covered / (te - ts)
        print(f"speech {ts:.2f}-{te:.2f} s covered {100 * frac:.0f}%")
        ok &= frac >= 0.7
    ok &= len(segs) == 2
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
