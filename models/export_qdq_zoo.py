#!/usr/bin/env python3
"""Zoo models quantized by PyTorch and exported in QDQ form, for the int8
comparison against ONNX Runtime (bench/compare_ort.py --int8) and the QDQ
import tests: torchvision's quantizable resnet18, resnet50 and mobilenet_v2
(random weights, as the float zoo), fused and calibrated
by eager-mode post-training quantization with the qnnpack engine (Debian's
torch has no fbgemm) on seeded noise, then exported at opset 13. (Quantized
shufflenet_v2 does not export: torch 1.13 cannot export its chunk on
quantized tensors.)

Writes OUT_DIR/<name>_qdq.onnx and reuses OUT_DIR/<name>.input.npy (written by
export_zoo.py) when it is there, so that int8 and fp32 runs see one input.

usage: export_qdq_zoo.py OUT_DIR [name ...]
"""
import os
import sys

import numpy as np
import torch
from torchvision.models import quantization as q

MODELS = {"resnet18": q.resnet18, "resnet50": q.resnet50, "mobilenet_v2": q.mobilenet_v2}


def export(name, out_dir):
    path = os.path.join(out_dir, name + "_qdq.onnx")
    if os.path.exists(path):
        return path
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    m = MODELS[name](weights=None, quantize=False).eval()
    m.fuse_model()
    m.qconfig = torch.ao.quantization.get_default_qconfig("qnnpack")
    torch.ao.quantization.prepare(m, inplace=True)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(4):
            m(torch.randn(1, 3, 224, 224, generator=g))
    torch.ao.quantization.convert(m, inplace=True)
    torch.onnx.export(m, torch.randn(1, 3, 224, 224), path + ".tmp", opset_version=13, input_names=["input"], output_names=["output"])
    os.replace(path + ".tmp", path)
    inp = os.path.join(out_dir, name + ".input.npy")
    if not os.path.exists(inp):
        np.save(inp, np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32))
    return path


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or MODELS:
        print(export(name, out))


if __name__ == "__main__":
    main()
