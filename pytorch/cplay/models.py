"""The playground's encoders (src/models/encoder.ts, layers.ts) in PyTorch, with the same layers,
sizes, activations, padding and seeded He-uniform initialisation, plus an optional ResNet-18 trunk.

Images arrive as the TS engine holds them, NHWC floats in [0, 1]. The MLP flattens them in that
order and the CNN flattens its last feature map in HWC order, so a TS weight matrix loads unchanged
(transposed) and the same seed gives the same initial weights, bit for bit in float32.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .random import SeededRandom


def he_uniform(shape: Sequence[int], fan_in: int, rng: SeededRandom) -> np.ndarray:
    """layers.ts heUniform: (u·2 − 1)·√(6/fanIn) in float64, stored as float32 (round to nearest)."""
    limit = math.sqrt(6 / fan_in)
    size = int(np.prod(shape))
    values = (rng.uniforms(size) * 2 - 1) * limit
    return values.astype(np.float32).reshape(shape)


class TFSameConv2d(nn.Module):
    """k×k convolution with TF's `same` padding (the extra row/column at the bottom/right)."""

    def __init__(self, k: int, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.k, self.stride = k, stride
        self.weight = nn.Parameter(torch.zeros(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        pads = []
        for size in (w, h):
            out = -(-size // self.stride)
            total = max((out - 1) * self.stride + self.k - size, 0)
            pads += [total // 2, total - total // 2]
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride)


class Encoder(nn.Module):
    """image → representation h (probes) → projection z (the loss), as createEncoder in encoder.ts.

    Submodules carry the state_dict names of EXPORT_FORMAT.md (`trunk.i` for the MLP, `convs.i` and
    `dense` for the CNN, `head.0`, `head.1`); `ts_layers()` lists them in the order of the TS
    variables (two per layer: weight then bias), which is the order of `weights/` in an export.
    """

    def __init__(
        self,
        config: dict,
        image_shape: Tuple[int, int, int],
        embedding_dim: int,
        seed: Optional[int] = None,
        arch: str = "as-exported",
    ) -> None:
        super().__init__()
        height, width, channels = image_shape
        self.config = dict(config)
        self.arch = arch
        self.embedding_dim = embedding_dim
        self.input_size = height * width * channels
        self.resnet: Optional[nn.Module] = None
        self.kind = config["name"]
        proj_hidden = int(config.get("projectionHidden", 128))
        if arch == "resnet18":
            if seed is not None:
                torch.manual_seed(seed)  # torchvision draws its init from the global generator
            self.resnet = resnet18_trunk(channels, min(height, width))
            self.representation_dim = 512
            self.kind = "resnet18"
        elif self.kind == "mlp":
            widths = [self.input_size] + [int(h) for h in config.get("hidden", [256, 128])]
            self.trunk = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
            self.representation_dim = widths[-1]
        elif self.kind == "cnn":
            c, h, w = channels, height, width
            self.convs = nn.ModuleList()
            for out in config.get("channels", [16, 32]):
                self.convs.append(TFSameConv2d(3, c, int(out), 2))
                c, h, w = int(out), -(-h // 2), -(-w // 2)
            self.flat = h * w * c
            self.dense = nn.Linear(self.flat, int(config.get("representation", 128)))
            self.representation_dim = int(config.get("representation", 128))
        else:
            raise ValueError(f"unknown encoder '{self.kind}' (valid: mlp, cnn)")
        self.head = nn.ModuleList(
            [nn.Linear(self.representation_dim, proj_hidden), nn.Linear(proj_hidden, embedding_dim)]
        )
        if seed is not None:
            self.seeded_init(seed)

    def ts_layers(self) -> List[nn.Module]:
        """The layers holding the TS variables, in their order (not the ResNet trunk)."""
        if self.resnet is not None:
            return list(self.head)
        trunk = list(self.trunk) if self.kind == "mlp" else [*self.convs, self.dense]
        return trunk + list(self.head)

    def seeded_init(self, seed: int) -> None:
        """He-uniform weights from mulberry32(seed) in the TS order, zero biases (layers.ts)."""
        rng = SeededRandom(seed)
        with torch.no_grad():
            for layer in self.ts_layers():
                if isinstance(layer, TFSameConv2d):
                    cout, cin, k, _ = layer.weight.shape
                    w = he_uniform([k, k, cin, cout], k * k * cin, rng)  # TS [kh, kw, in, out]
                    layer.weight.copy_(torch.from_numpy(w).permute(3, 2, 0, 1))
                else:
                    out, inp = layer.weight.shape
                    w = he_uniform([inp, out], inp, rng)  # TS [in, out]
                    layer.weight.copy_(torch.from_numpy(w).t())
                layer.bias.zero_()

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """images [n, h, w, c] → (representation [n, r], projection [n, embeddingDim])."""
        n = images.shape[0]
        if self.resnet is not None:
            rep = self.resnet(images.permute(0, 3, 1, 2))
        elif self.kind == "mlp":
            h = images.reshape(n, self.input_size)
            for i, layer in enumerate(self.trunk):
                h = layer(h)
                if i < len(self.trunk) - 1:
                    h = F.relu(h)
            rep = h
        else:
            h = images.permute(0, 3, 1, 2)
            for layer in self.convs:
                h = F.relu(layer(h))
            # HWC flattening, as tf.reshape of an NHWC map, so the dense weights line up with TS.
            rep = self.dense(h.permute(0, 2, 3, 1).reshape(n, -1))
        proj = self.head[1](F.relu(self.head[0](F.relu(rep))))
        return rep, proj

    def load_ts_weights(self, tensors: List[np.ndarray], start: int = 0) -> int:
        """Loads TS-layout arrays (dense [in, out], conv [kh, kw, in, out]) from `tensors[start:]`;
        returns the index after the last one used."""
        if self.resnet is not None:
            raise ValueError("exported weights fit the exported architecture, not --arch resnet18")
        i = start
        with torch.no_grad():
            for layer in self.ts_layers():
                if i + 1 >= len(tensors):
                    raise ValueError(
                        f"the exported weights hold {len(tensors)} tensors, fewer than the model needs"
                    )
                w = torch.from_numpy(np.asarray(tensors[i], dtype=np.float32))
                b = torch.from_numpy(np.asarray(tensors[i + 1], dtype=np.float32))
                w = w.permute(3, 2, 0, 1) if isinstance(layer, TFSameConv2d) else w.t()
                if tuple(w.shape) != tuple(layer.weight.shape) or tuple(b.shape) != tuple(layer.bias.shape):
                    raise ValueError(
                        f"exported weight {i} has shape {list(tensors[i].shape)}, "
                        f"the model expects the TS layout of {list(layer.weight.shape)}"
                    )
                layer.weight.copy_(w)
                layer.bias.copy_(b)
                i += 2
        return i

    def ts_weights(self) -> List[np.ndarray]:
        """The weights in TS layout and order (the inverse of load_ts_weights)."""
        out = []
        for layer in self.ts_layers():
            w = layer.weight.detach().cpu()
            w = w.permute(2, 3, 1, 0) if isinstance(layer, TFSameConv2d) else w.t()
            out += [w.contiguous().numpy(), layer.bias.detach().cpu().numpy()]
        return out


def resnet18_trunk(channels: int, side: int) -> nn.Module:
    """torchvision's ResNet-18 (no pretrained weights) up to the pooled 512-d features, its first
    convolution taking `channels`; small images (≤ 64 px) get the CIFAR stem (3×3 stride 1, no
    max-pool) so 28–32 px inputs are not reduced to 1 pixel."""
    import torchvision

    net = torchvision.models.resnet18(weights=None)
    if side <= 64:
        net.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
        net.maxpool = nn.Identity()
    else:
        net.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
    net.fc = nn.Identity()
    return net


class Model(nn.Module):
    """The trained variables of a run: the encoder and, for SepCLR, the salient encoder."""

    def __init__(self, encoder: Encoder, salient: Optional[Encoder] = None) -> None:
        super().__init__()
        self.encoder = encoder
        self.salient = salient

    def forward(self, images: torch.Tensor):
        rep, proj = self.encoder(images)
        sal = self.salient(images)[1] if self.salient is not None else None
        return rep, proj, sal
