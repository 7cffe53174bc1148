#!/usr/bin/env python3
"""This tree's zy-bench against another revision's, interleaved on the same
.zym files: the steadiest yardstick on a shared, noisy machine, where two
runs minutes apart differ more than most changes do. The other revision's
zy-bench is built in a git worktree (Release, ccache) under build/revisions/.

Rounds alternate the two binaries; each row is the median of the round
medians, and now / base below 1 means this tree is faster.

usage: compare_revisions.py --base REV [--models mobilenet_v2,...] [--int8] [--threads 1,2] [--rounds 5] [--build build]
The .zym files come from bench/results/ (bench/compare_ort.py writes them).
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

from bench_util import INT8_MODELS, MODELS, ROOT, run




def base_bench(rev, build):
    """zy-bench of revision rev, built once per commit."""
    commit = run(["git", "rev-parse", "--short", rev], cwd=ROOT).strip()
    tree = os.path.join(build, "revisions", commit)
    binary = os.path.join(tree, "build", "bin", "zy-bench")
    if not os.path.exists(binary):
        if not os.path.isdir(tree):
            run(["git", "worktree", "add", "--detach", tree, commit], cwd=ROOT)
        run(["cmake", "-S", tree, "-B", os.path.join(tree, "build"), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DCMAKE_C_COMPILER_LAUNCHER=ccache", "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"])
        run(["ninja", "-C", os.path.join(tree, "build"), "zy-bench"])
    return binary, commit


def median_ms(binary, zym, inp, threads, out):
    run([binary, zym, "--threads", str(threads), "--runs", "15", "--input", "input=" + inp, "--json", out])
    return json.load(open(out))["latency_ms"]["median"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--models", default=None, help="default: the zoo, or its QDQ models with --int8")
    ap.add_argument("--int8", action="store_true", help="the QDQ models' .int8.zym files")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    old, commit = base_bench(a.base, a.build)
    new = os.path.join(a.build, "bin", "zy-bench")
    out = os.path.join(tempfile.mkdtemp(prefix="zy-revs-"), "bench.json")
    print(f"this tree against {commit}: median ms, now / base")
    for m in (a.models or ",".join(INT8_MODELS if a.int8 else MODELS)).split(","):
        zym = os.path.join(ROOT, "bench", "results", m + (".int8.zym" if a.int8 else ".zym"))
        inp = os.path.join(a.build, "zoo", m + ".input.npy")
        if not os.path.exists(zym) or not os.path.exists(inp):
            raise SystemExit(f"{zym} or {inp} is missing: run bench/compare_ort.py{' --int8' if a.int8 else ''} first")
        for t in [int(x) for x in a.threads.split(",")]:
            base, now = [], []
            for _ in range(a.rounds):
                base.append(median_ms(old, zym, inp, t, out))
                now.append(median_ms(new, zym, inp, t, out))
            b, n = statistics.median(base), statistics.median(now)
            print(f"{m:20s} {t}t  base {b:8.2f}  now {n:8.2f}  now/base {n / b:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
