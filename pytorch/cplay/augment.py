"""The playground's augmentations (src/data/augment.ts) in PyTorch: the same operations, ranges and
per-data-set defaults (random resized crop or translation, rotation, flips, brightness, contrast,
saturation, hue, blur, Gaussian noise, cutout; values clipped to [0, 1]).

The random draws differ from the TS stream (only the distributions match), but they are a pure
function of (step seed, global row): row v·B + i of a global batch of B samples gets its own
generator, so a rank holding samples [s, s+b) draws exactly what a single process draws for those
rows, and K ranks train on the same views as one.
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


def _draw_row(cfg: dict, h: int, w: int, rng: np.random.Generator) -> dict:
    """One view's parameters, the geometry of augment.ts drawParams (affine maps output → input pixels)."""
    spatial = h > 1 or w > 1
    sx = sy = 1.0
    tx = ty = 0.0
    crop = cfg.get("crop")
    if spatial and crop:
        area = rng.uniform(crop["scale"][0], crop["scale"][1])
        ratio = math.exp(rng.uniform(math.log(crop["ratio"][0]), math.log(crop["ratio"][1])))
        sx = min(1.0, math.sqrt(area * ratio))
        sy = min(1.0, math.sqrt(area / ratio))
        tx = rng.uniform(-(1 - sx) / 2, (1 - sx) / 2)
        ty = rng.uniform(-(1 - sy) / 2, (1 - sy) / 2)
    elif spatial and cfg.get("translate"):
        t = cfg["translate"]
        tx, ty = rng.uniform(-t, t), rng.uniform(-t, t)
    th = rng.uniform(-cfg["rotate"], cfg["rotate"]) * math.pi / 180 if spatial and cfg.get("rotate") else 0.0
    fx = -1.0 if spatial and cfg.get("hflip") and rng.random() < 0.5 else 1.0
    fy = -1.0 if spatial and cfg.get("vflip") and rng.random() < 0.5 else 1.0
    c, s = math.cos(th), math.sin(th)
    a, b = c * sx * fx, (-s * sy * fy) * w / h
    d, e = (s * sx * fx) * h / w, c * sy * fy
    cx, cy = (w - 1) / 2, (h - 1) / 2
    p = {
        "affine": [a, b, cx + tx * w - a * cx - b * cy, d, e, cy + ty * h - d * cx - e * cy],
        "affine_used": (sx, sy, tx, ty, th, fx, fy) != (1, 1, 0, 0, 0, 1, 1),
        "bright": rng.uniform(1 - cfg["brightness"], 1 + cfg["brightness"]) if spatial and cfg.get("brightness") else 1.0,
        "contrast": rng.uniform(1 - cfg["contrast"], 1 + cfg["contrast"]) if spatial and cfg.get("contrast") else 1.0,
        "sat": rng.uniform(1 - cfg["saturation"], 1 + cfg["saturation"]) if cfg.get("saturation") else 1.0,
        "hue": rng.uniform(-cfg["hue"], cfg["hue"]) * 2 * math.pi if cfg.get("hue") else 0.0,
        "blur": 0.0,
        "noise": 0.0,
        "cutout": None,
    }
    blur = cfg.get("blur")
    if spatial and blur and rng.random() < blur["p"]:
        p["blur"] = rng.uniform(0.5, 1)
    if cfg.get("noise"):
        p["noise"] = rng.uniform(0, cfg["noise"])
    cut = cfg.get("cutout")
    if spatial and cut and rng.random() < cut["p"]:
        cw = max(1, round(cut["size"] * w))
        ch = max(1, round(cut["size"] * h))
        x0 = math.floor(rng.uniform(-cw / 2, w - cw / 2))
        y0 = math.floor(rng.uniform(-ch / 2, h - ch / 2))
        p["cutout"] = (x0, y0, x0 + cw, y0 + ch)
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
    samples; row (v, i) draws from the generator of (seed, v·global_batch + sample_offset + i).
    """
    b, h, w, c = images.shape
    B = global_batch if global_batch is not None else b
    rows = views * b
    device, dtype = images.device, images.dtype
    params = []
    noise = np.zeros((rows, h, w, c), dtype=np.float32) if cfg.get("noise") else None
    for v in range(views):
        for i in range(b):
            rng = np.random.default_rng([int(seed), v * B + sample_offset + i])
            p = _draw_row(cfg, h, w, rng)
            if noise is not None and p["noise"] > 0:
                noise[v * b + i] = p["noise"] * rng.standard_normal((h, w, c))
            params.append(p)
    x = images.repeat(views, 1, 1, 1)
    col = lambda key: torch.tensor([p[key] for p in params], dtype=dtype, device=device).view(rows, 1, 1, 1)  # noqa: E731
    if any(p["affine_used"] for p in params):
        aff = torch.tensor([p["affine"] for p in params], dtype=torch.float64)
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
            to_yiq = np.array([0.299, 0.596, 0.211, 0.587, -0.274, -0.523, 0.114, -0.322, 0.312]).reshape(3, 3)
            to_rgb = np.array([1, 1, 1, 0.956, -0.272, -1.106, 0.621, -0.647, 1.703]).reshape(3, 3)
            mats = []
            for p in params:
                a = p["hue"]
                rot = np.array([[1, 0, 0], [0, math.cos(a), math.sin(a)], [0, -math.sin(a), math.cos(a)]])
                mats.append(to_yiq @ rot @ to_rgb)
            m = torch.tensor(np.stack(mats), dtype=dtype, device=device)
            x = torch.bmm(x.reshape(rows, h * w, 3), m).reshape(rows, h, w, 3)
    blur = cfg.get("blur")
    if blur and any(p["blur"] > 0 for p in params):
        k = _gaussian_kernel(blur["sigma"], c, device, dtype)
        r = k.shape[-1] // 2
        blurred = F.conv2d(F.pad(x.permute(0, 3, 1, 2), [r, r, r, r]), k, groups=c).permute(0, 2, 3, 1)
        bw = col("blur")
        x = x * (1 - bw) + blurred * bw
    if noise is not None:
        x = x + torch.from_numpy(noise).to(device=device, dtype=dtype)
    if cfg.get("cutout"):
        mask = torch.ones(rows, h, w, 1, dtype=dtype)
        for r_, p in enumerate(params):
            if p["cutout"] is not None:
                x0, y0, x1, y1 = p["cutout"]
                mask[r_, max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)] = 0
        x = x * mask.to(device)
    return x.clamp(0, 1)


def repeat_views(images: torch.Tensor, views: int) -> torch.Tensor:
    """Identical views (no augmentation)."""
    return images.repeat(views, 1, 1, 1)
