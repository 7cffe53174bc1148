"""Shared helpers of the end-to-end and example tests: running tools, and
comparing Zhongyuan's outputs with ONNX Runtime's."""
import os
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd, env=None):
    """Runs a command; on failure prints its output and exits the test."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if r.returncode != 0:
        print(r.stdout)
        raise SystemExit(f"FAILED: {' '.join(cmd)} (exit {r.returncode})")
    return r.stdout


def require_ort(node_path):
    if not os.path.exists(os.path.join(node_path, "onnxruntime-node")):
        raise SystemExit(f"ONNX Runtime is not installed under {node_path}: run scripts/ort.sh")


def run_ort(model, input_args, out_dir, node_path):
    """ONNX Runtime's outputs for `input_args` (--input NAME=FILE pairs) as DIR/output_<i>.npy."""
    run(["node", os.path.join(ROOT, "models", "ort_reference.js"), model, "--output-dir", out_dir] + input_args,
        env=dict(os.environ, NODE_PATH=node_path))


def compare(zy_dir, ort_dir, label, tolerance=1e-4):
    """Every output within tolerance * max |ort|; prints one line per output."""
    ok, i = True, 0
    while os.path.exists(os.path.join(ort_dir, f"output_{i}.npy")):
        want = np.load(os.path.join(ort_dir, f"output_{i}.npy"))
        got = np.load(os.path.join(zy_dir, f"output_{i}.npy"))
        if got.shape != want.shape or got.dtype != want.dtype:
            print(f"{label} output {i}: {got.dtype}{list(got.shape)} vs ONNX Runtime {want.dtype}{list(want.shape)}")
            ok = False
        else:
            scale = float(np.abs(want).max()) or 1.0
            rel = float(np.abs(got.astype(np.float64) - want).max()) / scale
            print(f"{label} output {i} {list(got.shape)}: max |zy - ort| / max |ort| = {rel:.3e}")
            ok &= rel <= tolerance
        i += 1
    if i == 0:
        raise SystemExit("ONNX Runtime wrote no outputs")
    return ok
