"""Numerically safe building blocks shared by every loss.

Conventions (the same as the TypeScript core, README "The math core"):

- Masked reductions fill with a finite -1e30, never -inf, and select with ``where`` on finite
  values, so no ``0 * inf`` and no NaN reaches a gradient.
- Square roots and fractional powers have gradient 0 at 0 (PyTorch's ``norm``/``std`` convention).
- A term over an empty set is NaN with gradient 0 (spec B §0), see :func:`empty_term`.
- Masks are built from constant labels with torch ops on the inputs' device.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

NORM_EPS = 1e-12
# Finite stand-in for -inf in masked log-sum-exp (exp underflows to exactly 0 in float32 and float64).
NEG_FILL = -1e30


class _SafeSqrt(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        out = torch.sqrt(torch.clamp_min(v, 0))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (out,) = ctx.saved_tensors
        pos = out > 0
        return grad * torch.where(pos, 0.5 / torch.where(pos, out, torch.ones_like(out)), torch.zeros_like(out))


def safe_sqrt(v: torch.Tensor) -> torch.Tensor:
    """sqrt(max(v, 0)) whose derivative is 0 where the result is 0 (instead of inf / NaN)."""
    return _SafeSqrt.apply(v)


def safe_pow(v: torch.Tensor, p: float) -> torch.Tensor:
    """max(v, 0)^p with derivative 0 where v <= 0, for p > 0 (a norm to a fractional power)."""
    if p == 1:
        return v
    pos = v > 0
    base = torch.where(pos, v, torch.ones_like(v))
    return torch.where(pos, base**p, torch.zeros_like(v))


def l2_normalize(x: torch.Tensor, eps: float = NORM_EPS) -> torch.Tensor:
    """x / max(||x||, eps) along the last axis (F.normalize), with a finite gradient at a zero row."""
    sq = (x * x).sum(dim=-1, keepdim=True)
    return x * torch.rsqrt(torch.clamp_min(sq, eps * eps))


def masked_logsumexp(x: torch.Tensor, mask: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """log Σ_{mask} exp(x) along `dim`; -inf (gradient 0) where the mask selects nothing."""
    mask = mask.expand_as(x)
    filled = x.masked_fill(~mask, NEG_FILL)
    m = filled.amax(dim=dim, keepdim=True).detach()
    total = (torch.exp(filled - m) * mask).sum(dim=dim)
    has = mask.any(dim=dim)
    out = torch.log(torch.where(has, total, torch.ones_like(total))) + m.squeeze(dim)
    return torch.where(has, out, torch.full_like(out, -math.inf))


def masked_sum(x: torch.Tensor, mask: torch.Tensor, dim: Optional[int] = None) -> torch.Tensor:
    """Σ of x where mask, selecting (not multiplying) so that a non-finite unselected entry is ignored."""
    picked = torch.where(mask.expand_as(x), x, torch.zeros_like(x))
    return picked.sum() if dim is None else picked.sum(dim=dim)


def empty_term(*inputs: torch.Tensor) -> torch.Tensor:
    """NaN whose gradient to every input is 0: the value of a term over an empty set (spec B §0)."""
    total = sum((t.sum() for t in inputs), torch.zeros((), dtype=inputs[0].dtype, device=inputs[0].device))
    return total * 0 + math.nan


def sq_dists(a: torch.Tensor, b: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Squared Euclidean distances between the rows of a [n, d] and b [m, d] (b defaults to a).

    Explicit differences while they fit in memory (exact 0 on duplicate rows, smooth gradient);
    the Gram form ||a||² + ||b||² − 2ab, clamped at 0, for large batches.
    """
    if b is None:
        b = a
    if a.shape[0] * b.shape[0] * max(a.shape[-1], 1) <= (1 << 24):
        diff = a.unsqueeze(1) - b.unsqueeze(0)
        return (diff * diff).sum(dim=-1)
    d = (a * a).sum(-1, keepdim=True) + (b * b).sum(-1).unsqueeze(0) - 2 * a @ b.T
    return torch.clamp_min(d, 0)


def as_rows(x: torch.Tensor) -> torch.Tensor:
    """A 1-D attribute [n] as [n, 1]; [n, k] unchanged."""
    return x.unsqueeze(-1) if x.dim() == 1 else x


def constant(value: Any, like: torch.Tensor, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """A constant input (labels, attributes, flags) as a tensor without gradient on `like`'s device."""
    if isinstance(value, torch.Tensor):
        t = value.detach().to(device=like.device)
        return t if dtype is None else t.to(dtype)
    t = torch.as_tensor(value, device=like.device)
    if dtype is not None:
        t = t.to(dtype)
    elif t.is_floating_point():
        # Python floats parse as float32 by default; keep their float64 precision.
        t = torch.as_tensor(value, dtype=torch.float64, device=like.device)
    return t


def labels_equal(labels: torch.Tensor) -> torch.Tensor:
    """[n, n] bool: labels[i] == labels[j] (rows compared whole for 2-D labels)."""
    if labels.dim() == 1:
        return labels.unsqueeze(0) == labels.unsqueeze(1)
    return (labels.unsqueeze(0) == labels.unsqueeze(1)).all(dim=-1)
