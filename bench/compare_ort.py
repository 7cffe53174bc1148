#!/usr/bin/env python3
"""Zhongyuan against ONNX Runtime, side by side on this machine: for each zoo
model and thread count, rounds of zy-bench and onnxruntime-node alternate on
the same input; the medians of the rounds, their ratio and the largest output
difference go into a table (stdout, Markdown) and an SVG bar chart.

With --int8, the models are PyTorch's QDQ exports (models/export_qdq_zoo.py):
Zhongyuan compiles the same QDQ file ONNX Runtime runs, and our own fp32 run
of the float model is timed alongside for the int8 / fp32 ratio. Output
differences are then counted in quantization steps of the output.

usage: compare_ort.py [--build build] [--threads 1,2] [--rounds 7] [--runs 10] [--out bench/results]
                      [--models mobilenet_v2,resnet18,...] [--int8]
"""
import argparse
import json
import os
import statistics
import sys

import numpy as np

from bench_util import INT8_MODELS, MODELS, ROOT, run
sys.path.insert(0, os.path.join(ROOT, "models"))


def zy_median(bin_dir, zym, threads, runs, inp, out):
    js = os.path.join(out, "zy.json")
    run([os.path.join(bin_dir, "zy-bench"), zym, "--threads", str(threads), "--warmup", "2", "--runs", str(runs),
         "--input", "input=" + inp, "--json", js])
    return json.load(open(js))["latency_ms"]["median"]




def svg_chart(rows, path):
    """Grouped bars: zy and ORT median latency per model and thread count."""
    bar_h, gap, left, width = 14, 10, 230, 420
    top = max(max(r["zy_ms"], r["ort_ms"]) for r in rows)
    height = len(rows) * (2 * bar_h + gap) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" font-family="sans-serif" font-size="12">',
           '<text x="10" y="16">median latency, ms (blue: Zhongyuan, grey: ONNX Runtime)</text>']
    y = 30
    for r in rows:
        out.append(f'<text x="10" y="{y + bar_h + 4}">{r["model"]} ({r["threads"]}t)</text>')
        for k, (key, color) in enumerate((("zy_ms", "#2b6cb0"), ("ort_ms", "#a0aec0"))):
            w = max(1, int(width * r[key] / top))
            out.append(f'<rect x="{left}" y="{y + k * bar_h}" width="{w}" height="{bar_h - 2}" fill="{color}"/>')
            out.append(f'<text x="{left + w + 4}" y="{y + k * bar_h + 11}">{r[key]:.1f}</text>')
        y += 2 * bar_h + gap
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", default="1,2")
    # 7: on a shared machine a vCPU can drop out for one runtime's rounds; 3 rounds did not always outlast it.
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--models", default=None)
    ap.add_argument("--int8", action="store_true", help="PyTorch QDQ models, int8 in both runtimes")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    a = ap.parse_args()
    zoo, bin_dir = os.path.join(a.build, "zoo"), os.path.join(a.build, "bin")
    node_path = os.path.join(a.build, "ort", "node_modules")
    env = dict(os.environ, NODE_PATH=node_path)
    os.makedirs(a.out, exist_ok=True)
    models = (a.models or ",".join(INT8_MODELS if a.int8 else MODELS)).split(",")
    run([sys.executable, os.path.join(ROOT, "models", "export_zoo.py"), zoo] + models)
    if a.int8:
        run([sys.executable, os.path.join(ROOT, "models", "export_qdq_zoo.py"), zoo] + models)
    rows = []
    for m in models:
        fp32_path, inp = os.path.join(zoo, m + ".onnx"), os.path.join(zoo, m + ".input.npy")
        onnx_path = os.path.join(zoo, m + "_qdq.onnx") if a.int8 else fp32_path
        zym, fp32_zym = os.path.join(a.out, m + (".int8.zym" if a.int8 else ".zym")), os.path.join(a.out, m + ".zym")
        run([os.path.join(bin_dir, "zy-compile"), onnx_path, "-o", zym])
        if a.int8:
            run([os.path.join(bin_dir, "zy-compile"), fp32_path, "-o", fp32_zym])
        run([os.path.join(bin_dir, "zy-run"), zym, "--input", "input=" + inp, "--output-dir", os.path.join(a.out, m + "_zy"), "--quiet"])
        run(["node", os.path.join(ROOT, "models", "ort_reference.js"), onnx_path, "--input", "input=" + inp,
             "--output-dir", os.path.join(a.out, m + "_ort")], env=env)
        got, want = np.load(os.path.join(a.out, m + "_zy", "output_0.npy")), np.load(os.path.join(a.out, m + "_ort", "output_0.npy"))
        if a.int8:  # in output steps: the int8 spec rounds ties away from zero, ORT to even
            from qdq_util import output_step
            diff = float(np.abs(got - want).max()) / output_step(onnx_path)
        else:
            diff = float(np.abs(got - want).max()) / float(np.abs(want).max())
        for t in [int(x) for x in a.threads.split(",")]:
            zy, ort, fp32 = [], [], []
            for _ in range(a.rounds):  # interleaved: the machine's noise hits both alike
                zy.append(zy_median(bin_dir, zym, t, a.runs, inp, a.out))
                if a.int8:
                    fp32.append(zy_median(bin_dir, fp32_zym, t, a.runs, inp, a.out))
                oj = os.path.join(a.out, "ort.json")
                run(["node", os.path.join(ROOT, "models", "ort_reference.js"), onnx_path, "--input", "input=" + inp,
                     "--threads", str(t), "--runs", str(a.runs), "--json", oj], env=env)
                ort.append(json.load(open(oj))["median_ms"])
            row = {"model": m, "threads": t, "zy_ms": statistics.median(zy), "ort_ms": statistics.median(ort), "max_rel_diff": diff}
            row["ratio"] = row["zy_ms"] / row["ort_ms"]
            if a.int8:
                row["zy_fp32_ms"] = statistics.median(fp32)
                row["int8_vs_fp32"] = row["zy_ms"] / row["zy_fp32_ms"]
            rows.append(row)
            extra = f"  zy fp32 {row['zy_fp32_ms']:8.2f} ms  int8/fp32 {row['int8_vs_fp32']:.2f}" if a.int8 else ""
            print(f"{m:20s} {t}t  zy {row['zy_ms']:8.2f} ms  ort {row['ort_ms']:8.2f} ms  ratio {row['ratio']:.2f}{extra}  max diff {diff:.1e}",
                  flush=True)
    if a.int8:
        lines = ["| model (PyTorch QDQ) | threads | Zhongyuan int8 ms | ONNX Runtime int8 ms | ratio zy/ort | Zhongyuan fp32 ms | int8 / fp32 | max \\|diff\\| (output steps) |",
                 "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            lines.append(f"| {r['model']} | {r['threads']} | {r['zy_ms']:.2f} | {r['ort_ms']:.2f} | {r['ratio']:.2f} | {r['zy_fp32_ms']:.2f} | "
                         f"{r['int8_vs_fp32']:.2f} | {r['max_rel_diff']:.2f} |")
    else:
        lines = ["| model | threads | Zhongyuan ms | ONNX Runtime ms | ratio zy/ort | max \\|diff\\| / max \\|ort\\| |", "|---|---|---|---|---|---|"]
        for r in rows:
            lines.append(f"| {r['model']} | {r['threads']} | {r['zy_ms']:.2f} | {r['ort_ms']:.2f} | {r['ratio']:.2f} | {r['max_rel_diff']:.1e} |")
    geo = float(np.exp(np.mean(np.log([r["ratio"] for r in rows]))))
    lines.append(f"\nGeometric mean of the ratios: {geo:.2f}")
    stem = os.path.join(a.out, "compare_ort" + ("_int8" if a.int8 else ""))
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(stem + ".json", "w") as f:
        json.dump(rows, f, indent=1)
    svg_chart(rows, stem + ".svg")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
