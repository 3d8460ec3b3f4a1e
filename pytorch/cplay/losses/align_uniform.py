"""Wang & Isola's alignment and uniformity (spec B §1)."""

from __future__ import annotations

import math
from typing import Any

import torch

from ..ops import empty_term, masked_logsumexp, safe_pow, sq_dists


def align(x: torch.Tensor, y: torch.Tensor, alpha: float = 2.0, **_ignored: Any) -> torch.Tensor:
    """(1/n) Σ_i ‖x_i − y_i‖^α (α = 2: the plain sum of squares, smooth everywhere)."""
    if x.shape != y.shape:
        raise ValueError(f"align: x {tuple(x.shape)} and y {tuple(y.shape)} differ")
    diff = x - y
    sq = (diff * diff).sum(dim=-1)
    return (sq if alpha == 2 else safe_pow(sq, alpha / 2)).mean()


def log_mean_exp_pairs(neg_energy: torch.Tensor) -> torch.Tensor:
    """log of the mean of exp(u_ij) over i < j of an [n, n] matrix; NaN (gradient 0) when n < 2."""
    n = neg_energy.shape[0]
    if n < 2:
        return empty_term(neg_energy)
    upper = torch.ones(n, n, dtype=torch.bool, device=neg_energy.device).triu(1)
    return masked_logsumexp(neg_energy.reshape(-1), upper.reshape(-1)) - math.log(n * (n - 1) / 2)


def uniform(x: torch.Tensor, t: float = 2.0, **_ignored: Any) -> torch.Tensor:
    """log mean_{i<j} exp(−t‖x_i − x_j‖²); NaN with zero gradient for one row."""
    if x.shape[0] < 2:
        return empty_term(x)
    return log_mean_exp_pairs(-t * sq_dists(x))


def align_uniform(
    x: torch.Tensor,
    y: torch.Tensor,
    alpha: float = 2.0,
    t: float = 2.0,
    w_align: float = 1.0,
    w_unif: float = 1.0,
    **_ignored: Any,
) -> torch.Tensor:
    """w_align·L_align + w_unif·½[L_unif(x) + L_unif(y)] (uniformity within each view)."""
    return w_align * align(x, y, alpha) + w_unif * 0.5 * (uniform(x, t) + uniform(y, t))
