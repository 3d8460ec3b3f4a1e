"""The playground's augmentations (src/data/augment.ts) in PyTorch: the same operations, ranges and
per-data-set defaults (random resized crop or translation, rotation, flips, brightness, contrast,
saturation, hue, blur, Gaussian noise, cutout; values clipped to [0, 1]).

The random draws differ from the TS stream (only the distributions match), but they are a pure
function of (step seed, global row): every rank draws the parameters and the noise of all V·B rows
of the global batch (vector draws, cheap; the noise in one call on the images' device) and keeps
the rows v·B + i of its own samples, so K ranks train on the same views as one process.
"""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

AUGMENT_DEFAULTS: Dict[str, dict] = {
    "mnist": {"crop": {"scale": [0.7, 1], "ratio": [0.85, 1.18]}, "rotate": 10, "brightness": 0.2, "contrast": 0.2, "noise": 0.05},
    "fashion-mnist": {
        "crop": {"scale": [0.6, 1], "ratio": [0.8, 1.25]},
        "hflip": True,
        "rotate": 5,
        "brightness": 0.3,
        "contrast": 0.3,
        "noise": 0.03,
    },
    "colored-mnist": {"crop": {"scale": [0.7, 1], "ratio": [0.85, 1.18]}, "rotate": 10, "brightness": 0.1, "contrast": 0.1, "noise": 0.03},
    "digits-on-fashion": {"crop": {"scale": [0.8, 1], "ratio": [0.9, 1.1]}, "rotate": 5, "brightness": 0.2, "contrast": 0.2, "noise": 0.03},
    "brain-mri": {
        "translate": 0.05,
        "rotate": 5,
        "brightness": 0.1,
        "contrast": 0.1,
        "blur": {"p": 0.3, "sigma": 1},
        "noise": 0.03,
        "cutout": {"p": 0.25, "size": 0.25},
    },
    "brain-mri-sepclr": {
        "translate": 0.05,
        "rotate": 5,
        "brightness": 0.1,
        "contrast": 0.1,
        "blur": {"p": 0.3, "sigma": 1},
        "noise": 0.03,
        "cutout": {"p": 0.25, "size": 0.25},
    },
    "shapes": {"translate": 0.03, "noise": 0.05, "blur": {"p": 0.2, "sigma": 0.8}},
    "gaussians": {"noise": 0.02},
    "user-features": {"noise": 0.02},
    "user-images": {"crop": {"scale": [0.7, 1], "ratio": [0.85, 1.18]}, "rotate": 10, "brightness": 0.2, "contrast": 0.2, "noise": 0.03},
}


def augmentation_config(dataset_id: str, overrides: Optional[dict] = None) -> dict:
    """The data set's defaults, overridden field by field by the config's `augment` (augmentation.ts)."""
    return {**AUGMENT_DEFAULTS.get(dataset_id, {"noise": 0.03}), **(overrides or {})}


def draw_params(cfg: dict, rows: int, h: int, w: int, rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """Every view's parameters at once, the geometry of augment.ts drawParams (affine maps output →
    input pixels). Each field is one vector draw, made whether or not a row uses it, so the draws
    of a row never depend on another row's."""
    spatial = h > 1 or w > 1
    u = lambda lo, hi: rng.uniform(lo, hi, rows)  # noqa: E731
    one, zero = np.ones(rows), np.zeros(rows)
    sx, sy, tx, ty = one, one, zero, zero
    crop = cfg.get("crop")
    if spatial and crop:
        area = u(crop["scale"][0], crop["scale"][1])
        ratio = np.exp(u(math.log(crop["ratio"][0]), math.log(crop["ratio"][1])))
        sx = np.minimum(1.0, np.sqrt(area * ratio))
        sy = np.minimum(1.0, np.sqrt(area / ratio))
        tx = (rng.random(rows) - 0.5) * (1 - sx)
        ty = (rng.random(rows) - 0.5) * (1 - sy)
    elif spatial and cfg.get("translate"):
        t = cfg["translate"]
        tx, ty = u(-t, t), u(-t, t)
    th = u(-cfg["rotate"], cfg["rotate"]) * math.pi / 180 if spatial and cfg.get("rotate") else zero
    fx = np.where(rng.random(rows) < 0.5, -1.0, 1.0) if spatial and cfg.get("hflip") else one
    fy = np.where(rng.random(rows) < 0.5, -1.0, 1.0) if spatial and cfg.get("vflip") else one
    c, s = np.cos(th), np.sin(th)
    a, b = c * sx * fx, (-s * sy * fy) * w / h
    d, e = (s * sx * fx) * h / w, c * sy * fy
    cx, cy = (w - 1) / 2, (h - 1) / 2
    p: Dict[str, np.ndarray] = {
        "affine": np.stack([a, b, cx + tx * w - a * cx - b * cy, d, e, cy + ty * h - d * cx - e * cy], axis=1),
        "affine_used": (sx != 1) | (sy != 1) | (tx != 0) | (ty != 0) | (th != 0) | (fx != 1) | (fy != 1),
        "bright": u(1 - cfg["brightness"], 1 + cfg["brightness"]) if spatial and cfg.get("brightness") else one,
        "contrast": u(1 - cfg["contrast"], 1 + cfg["contrast"]) if spatial and cfg.get("contrast") else one,
        "sat": u(1 - cfg["saturation"], 1 + cfg["saturation"]) if cfg.get("saturation") else one,
        "hue": u(-cfg["hue"], cfg["hue"]) * 2 * math.pi if cfg.get("hue") else zero,
        "blur": zero,
        "noise": u(0, cfg["noise"]) if cfg.get("noise") else zero,
        "cutout": np.zeros((rows, 4), dtype=np.int64),
    }
    blur = cfg.get("blur")
    if spatial and blur:
        p["blur"] = np.where(rng.random(rows) < blur["p"], u(0.5, 1), 0.0)
    cut = cfg.get("cutout")
    if spatial and cut:
        cw = max(1, round(cut["size"] * w))
        ch = max(1, round(cut["size"] * h))
        on = rng.random(rows) < cut["p"]
        x0 = np.floor(u(-cw / 2, w - cw / 2)).astype(np.int64)
        y0 = np.floor(u(-ch / 2, h - ch / 2)).astype(np.int64)
        # An empty box (x1 <= x0) where the row has no cutout.
        p["cutout"] = np.where(on[:, None], np.stack([x0, y0, x0 + cw, y0 + ch], axis=1), 0)
    return p


def _gaussian_kernel(sigma: float, c: int, device, dtype) -> torch.Tensor:
    r = max(1, math.ceil(2 * sigma))
    k1 = torch.tensor([math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-r, r + 1)], dtype=torch.float64)
    k1 = k1 / k1.sum()
    k2 = (k1[:, None] * k1[None, :]).to(dtype=dtype, device=device)
    return k2.expand(c, 1, 2 * r + 1, 2 * r + 1).contiguous()


def augment(
    images: torch.Tensor,
    cfg: dict,
    views: int,
    seed: int,
    sample_offset: int = 0,
    global_batch: Optional[int] = None,
) -> torch.Tensor:
    """`views` augmented views of `images` [b, h, w, c] → view-major [V·b, h, w, c] in [0, 1].

    The images are samples sample_offset … sample_offset+b−1 of a global batch of `global_batch`
    samples: the parameters and the noise are drawn for all V·B rows of the global batch from
    `seed`, and these images take rows v·B + sample_offset + i.
    """
    b, h, w, c = images.shape
    B = global_batch if global_batch is not None else b
    rows = views * b
    device, dtype = images.device, images.dtype
    keep = (np.arange(views)[:, None] * B + sample_offset + np.arange(b)[None, :]).reshape(-1)
    drawn = draw_params(cfg, views * B, h, w, np.random.default_rng(int(seed)))
    p = {k: v[keep] for k, v in drawn.items()}
    x = images.repeat(views, 1, 1, 1)
    col = lambda key: torch.as_tensor(p[key], dtype=dtype, device=device).view(rows, 1, 1, 1)  # noqa: E731
    if p["affine_used"].any():
        aff = torch.as_tensor(p["affine"], dtype=torch.float64)
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
        xin = aff[:, 0, None, None] * xs + aff[:, 1, None, None] * ys + aff[:, 2, None, None]
        yin = aff[:, 3, None, None] * xs + aff[:, 4, None, None] * ys + aff[:, 5, None, None]
        # Bilinear, coordinates clamped to the image (TF's 'nearest' fill = repeated edge pixels).
        gx = 2 * xin / max(w - 1, 1) - 1 if w > 1 else torch.zeros_like(xin)
        gy = 2 * yin / max(h - 1, 1) - 1 if h > 1 else torch.zeros_like(yin)
        grid = torch.stack([gx, gy], dim=-1).to(dtype=dtype, device=device)
        x = F.grid_sample(x.permute(0, 3, 1, 2), grid, mode="bilinear", padding_mode="border", align_corners=True)
        x = x.permute(0, 2, 3, 1)
    if cfg.get("brightness"):
        x = x * col("bright")
    if cfg.get("contrast") and (h > 1 or w > 1):
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - m) * col("contrast") + m
    if c == 3 and (cfg.get("saturation") or cfg.get("hue")):
        grey = (x * torch.tensor([0.299, 0.587, 0.114], dtype=dtype, device=device)).sum(-1, keepdim=True)
        if cfg.get("saturation"):
            x = grey + (x - grey) * col("sat")
        if cfg.get("hue"):
            # Rotate the chroma plane of YIQ by the per-view angle: pixel · (toYiq · rot · toRgb).
            to_yiq = np.array([0.299, 0.596, 0.211, 0.587, -0.274, -0.523, 0.114, -0.322, 0.312]).reshape(3, 3)
            to_rgb = np.array([1, 1, 1, 0.956, -0.272, -1.106, 0.621, -0.647, 1.703]).reshape(3, 3)
            ca, sa = np.cos(p["hue"]), np.sin(p["hue"])
            rot = np.zeros((rows, 3, 3))
            rot[:, 0, 0] = 1
            rot[:, 1, 1], rot[:, 1, 2], rot[:, 2, 1], rot[:, 2, 2] = ca, sa, -sa, ca
            m = torch.as_tensor(to_yiq @ rot @ to_rgb, dtype=dtype, device=device)
            x = torch.bmm(x.reshape(rows, h * w, 3), m).reshape(rows, h, w, 3)
    blur = cfg.get("blur")
    if blur and (p["blur"] > 0).any():
        k = _gaussian_kernel(blur["sigma"], c, device, dtype)
        r = k.shape[-1] // 2
        blurred = F.conv2d(F.pad(x.permute(0, 3, 1, 2), [r, r, r, r]), k, groups=c).permute(0, 2, 3, 1)
        bw = col("blur")
        x = x * (1 - bw) + blurred * bw
    if cfg.get("noise"):
        # One generator for the global batch on the images' device; this rank keeps its rows.
        g = torch.Generator(device=device)
        g.manual_seed(int(seed) ^ 0x5EED)
        noise = torch.randn((views * B, h, w, c), generator=g, device=device, dtype=dtype)
        x = x + noise[torch.as_tensor(keep, device=device)] * col("noise")
    if cfg.get("cutout"):
        box = torch.as_tensor(p["cutout"], device=device)
        xs = torch.arange(w, device=device).view(1, 1, w)
        ys = torch.arange(h, device=device).view(1, h, 1)
        inside = (xs >= box[:, 0, None, None]) & (xs < box[:, 2, None, None]) & (ys >= box[:, 1, None, None]) & (ys < box[:, 3, None, None])
        x = x * (~inside).to(dtype).unsqueeze(-1)
    return x.clamp(0, 1)


def repeat_views(images: torch.Tensor, views: int) -> torch.Tensor:
    """Identical views (no augmentation)."""
    return images.repeat(views, 1, 1, 1)
