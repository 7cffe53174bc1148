#!/usr/bin/env python3
"""Zhongyuan against ONNX Runtime layer by layer: both runtimes' own
profilers on the same model and input (zy-bench --trace; ONNX Runtime's
enableProfiling through models/ort_reference.js --profile), each node's median kernel time
over the timed runs, in execution order.

Convolutions are matched one to one (both runtimes fuse the activation, and
the residual Add, into them): by name where ONNX Runtime's fused node is
named after ours, the rest in execution order; other ops are compared as
totals per op type. Rounds alternate the two runtimes and keep each layer's
fastest round, which filters a shared machine's noise.

usage: compare_layers.py MODEL.onnx INPUT.npy [--threads N] [--rounds R] [--build build] [--all]
"""
import argparse
import collections
import json
import os
import statistics
import sys
import tempfile

from bench_util import ROOT, run
RUNS = 10




def ort_layers(path):
    """[(name, op type, median ms)] in execution order, layout reorders dropped."""
    times, types = collections.OrderedDict(), {}
    for e in json.load(open(path)):
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            name = e["name"][: -len("_kernel_time")]
            times.setdefault(name, []).append(e["dur"] / 1000)
            types[name] = e["args"].get("op_name", "")
    return [(n, types[n], statistics.median(t[-RUNS:])) for n, t in times.items() if not types[n].startswith("Reorder")]


def zy_layers(path):
    return [(e["name"], e["cat"], e["dur"] / 1000) for e in json.load(open(path))["traceEvents"]]


def match(zy, ort):
    """Pairs of convolutions: by name where ONNX Runtime's node is named after
    ours (its fused node takes the name of the output it writes), the rest in
    execution order."""
    pairs, used = {}, set()
    for i, (name, _, _) in enumerate(zy):
        prefix = name.rsplit("/", 1)[0]
        hits = [j for j, (n, _, _) in enumerate(ort) if j not in used and prefix and n.startswith(prefix) and n[len(prefix)] in "/_"]
        if len(hits) == 1:
            pairs[i] = hits[0]
            used.add(hits[0])
    rest = [j for j in range(len(ort)) if j not in used]
    for i in [i for i in range(len(zy)) if i not in pairs][: len(rest)]:
        pairs[i] = rest.pop(0)
    return [(zy[i], ort[pairs[i]]) for i in sorted(pairs)]


def fastest(rounds):
    """Per layer, the fastest of the rounds (same layers in each)."""
    return [(layers[0], layers[1], min(r[i][2] for r in rounds)) for i, layers in enumerate(rounds[0])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--all", action="store_true", help="every convolution, not only those 15%% slower")
    a = ap.parse_args()
    env = dict(os.environ, NODE_PATH=os.path.join(a.build, "ort", "node_modules"))
    tmp = tempfile.mkdtemp(prefix="zy-layers-")
    zym = os.path.join(tmp, "model.zym")
    run([os.path.join(a.build, "bin", "zy-compile"), a.model, "-o", zym])
    zy_rounds, ort_rounds = [], []
    for k in range(a.rounds):
        trace, prof = os.path.join(tmp, f"zy{k}.json"), os.path.join(tmp, f"ort{k}.json")
        run([os.path.join(a.build, "bin", "zy-bench"), zym, "--threads", str(a.threads), "--runs", "5", "--input",
             "input=" + a.input, "--trace", trace])
        run(["node", os.path.join(ROOT, "models", "ort_reference.js"), a.model, "--input", "input=" + a.input, "--threads",
             str(a.threads), "--runs", str(RUNS), "--profile", prof], env=env)
        zy_rounds.append(zy_layers(trace))
        ort_rounds.append(ort_layers(prof))
    zy, ort = fastest(zy_rounds), fastest(ort_rounds)
    print(f"sum of layer times: Zhongyuan {sum(t for _, _, t in zy):.2f} ms, ONNX Runtime {sum(t for _, _, t in ort):.2f} ms "
          f"({a.threads} thread{'s' if a.threads > 1 else ''}, fastest of {a.rounds} rounds)\n")
    conv = ("Conv", "QLinearConv")  # fp32, or int8 (QDQ models fold into QLinearConv on both sides)
    zc, oc = [l for l in zy if l[1] in conv], [l for l in ort if l[1] in conv]
    pairs = match(zc, oc)
    print(f"convolutions ({len(pairs)} of {len(zc)} matched):        zy ms   ort ms   zy/ort")
    for (name, _, z), (_, _, o) in pairs:
        if a.all or z > 1.15 * o:
            print(f"  {name[-40:]:40s} {z:7.3f}  {o:7.3f}   {z / o:5.2f}")
    print("\nper op type:                       zy ms   ort ms")
    zt, ot = collections.Counter(), collections.Counter()
    for _, t, ms in zy:
        zt[t] += ms
    for _, t, ms in ort:
        ot[t] += ms
    for t in sorted(set(zt) | set(ot), key=lambda t: -max(zt[t], ot[t])):
        print(f"  {t:32s} {zt[t]:7.3f}  {ot[t]:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
