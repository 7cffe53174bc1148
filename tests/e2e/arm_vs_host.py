#!/usr/bin/env python3
"""The aarch64 build against the host, end to end: each model compiled by the
host's zy-compile runs in the host's zy-run and, under qemu-aarch64, in the
cross-built one, on the same input. fp32 outputs must agree within 1e-4 of the
largest magnitude; int8 models (docs/int8.md) must agree exactly.

usage: arm_vs_host.py --host-bin build/bin --arm-bin build/aarch64/bin [--arm-backend LIST] --case NAME:MODEL.zym:INPUTS:fp32|int8 ...
  INPUTS: NAME=FILE.npy[,NAME=FILE.npy...]
  --arm-backend: the aarch64 zy-run's --backend (named backends must start, or zy-run fails)
Runs under QEMU_CPU from the environment (qemu's default: max).
"""
import argparse
import os
import sys
import tempfile

import numpy as np

from testlib import run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host-bin", required=True)
    ap.add_argument("--arm-bin", required=True)
    ap.add_argument("--case", action="append", required=True)
    ap.add_argument("--arm-backend")
    a = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as work:
        for case in a.case:
            name, zym, inputs, kind = case.split(":")
            if not os.path.exists(zym):
                raise SystemExit(f"{zym} is missing: the host's e2e tests compile it (scripts/test.sh runs them first)")
            args = []
            for item in inputs.split(","):
                args += ["--input", item]
            host, arm = os.path.join(work, name + "_host"), os.path.join(work, name + "_arm")
            run([os.path.join(a.host_bin, "zy-run"), zym, "--output-dir", host, "--quiet"] + args)
            run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", os.path.join(a.arm_bin, "zy-run"), zym, "--output-dir", arm,
                 "--threads", "2", "--quiet"] + (["--backend", a.arm_backend] if a.arm_backend else []) + args)
            i = 0
            while os.path.exists(os.path.join(host, f"output_{i}.npy")):
                want, got = np.load(os.path.join(host, f"output_{i}.npy")), np.load(os.path.join(arm, f"output_{i}.npy"))
                if kind == "int8":
                    same = got.shape == want.shape and np.array_equal(got, want)
                    print(f"{name} output {i}: aarch64 == host: {same}")
                    ok &= same
                else:
                    rel = float(np.abs(got.astype(np.float64) - want).max()) / (float(np.abs(want).max()) or 1.0)
                    print(f"{name} output {i}: max |aarch64 - host| / max |host| = {rel:.2e}")
                    ok &= got.shape == want.shape and rel <= 1e-4
                i += 1
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
