#!/usr/bin/env python3
"""Exports the torchvision model zoo to ONNX (opset 13, random weights, fixed
seeds) and writes a fixed input for each model as .npy.

usage: export_zoo.py OUT_DIR [MODEL ...]
"""
import os
import sys

import numpy as np
import torch
import torchvision

ZOO = {
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "resnet50": lambda: torchvision.models.resnet50(weights=None),
    "squeezenet1_1": lambda: torchvision.models.squeezenet1_1(weights=None),
    "shufflenet_v2_x1_0": lambda: torchvision.models.shufflenet_v2_x1_0(weights=None),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(weights=None),
}
SEED = 20261128


def export(name, out_dir):
    onnx_path = os.path.join(out_dir, name + ".onnx")
    input_path = os.path.join(out_dir, name + ".input.npy")
    if os.path.exists(onnx_path) and os.path.exists(input_path):
        return
    torch.manual_seed(SEED)
    model = ZOO[name]().eval()
    # Random weights leave BatchNorm statistics at 0/1; give them values so
    # that BatchNorm folding is exercised with non-trivial numbers.
    g = torch.Generator().manual_seed(SEED)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
    x = torch.from_numpy(np.random.default_rng(SEED).standard_normal((1, 3, 224, 224)).astype(np.float32))
    tmp = onnx_path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, x, tmp, opset_version=13, input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
    np.save(input_path, x.numpy())
    os.replace(tmp, onnx_path)
    print(f"exported {onnx_path}")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    names = sys.argv[2:] or list(ZOO)
    for n in names:
        if n not in ZOO:
            print(f"unknown model '{n}'; known: {', '.join(ZOO)}", file=sys.stderr)
            return 2
        export(n, out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
