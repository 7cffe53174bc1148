#!/usr/bin/env python3
"""Exports the sequence models of the zoo with fixed seeds (opset 13):
  transformer_encoder: torch.nn.TransformerEncoder, 4 layers, d_model 256,
      8 heads, sequence 128 (dynamic), each layer initialized on its own so
      that the exporter cannot merge their weights;
  lstm2: a 2-layer LSTM (input 40, hidden 64) with a linear head.
Each model gets a fixed input as NAME.input.npy.

usage: export_sequence_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import torch

SEED = 20261128


class LstmModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(40, 64, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(64, 12)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y)


def transformer():
    torch.manual_seed(SEED)
    layer = torch.nn.TransformerEncoderLayer(d_model=256, nhead=8, dim_feedforward=1024, dropout=0.0, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():  # every layer its own weights
            if p.dim() > 1:
                p.copy_(torch.randn(p.shape, generator=g) / p.shape[-1] ** 0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
    return model.eval(), torch.randn(1, 128, 256, generator=g), {"input": {1: "seq"}, "output": {1: "seq"}}


def lstm():
    torch.manual_seed(SEED)
    return LstmModel().eval(), torch.randn(1, 50, 40, generator=torch.Generator().manual_seed(SEED)), None


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in (("transformer_encoder", transformer), ("lstm2", lstm)):
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path):
            continue
        model, x, dyn = make()
        # Grad stays enabled: under no_grad PyTorch's fused transformer fast
        # path would be traced, which has no ONNX export.
        torch.onnx.export(model, x, path + ".tmp", opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes=dyn)
        np.save(os.path.join(out, name + ".input.npy"), x.numpy())
        os.replace(path + ".tmp", path)
        print(f"exported {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
