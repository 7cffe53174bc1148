"""What the bench scripts share: the repository root, the zoo's models, and
running a tool (its output on success; the command and its output on
failure, as the script's exit message)."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["mobilenet_v2", "resnet18", "resnet50", "squeezenet1_1", "shufflenet_v2_x1_0", "efficientnet_b0"]
INT8_MODELS = ["mobilenet_v2", "resnet18", "resnet50"]  # the ones with PyTorch QDQ exports (models/export_qdq_zoo.py)


def run(cmd, env=None, cwd=None):
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(cmd)}\n{r.stdout[-4000:]}")
    return r.stdout
