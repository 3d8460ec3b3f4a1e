"""Decoupled contrastive learning, DCL and the weighted DCLW (spec B §3), exact masking."""

from __future__ import annotations

from typing import Any, Optional

import torch

from ..ops import empty_term, masked_logsumexp


def _direction(a: torch.Tensor, b: torch.Tensor, tau: float, weights: Optional[torch.Tensor]) -> torch.Tensor:
    """ℓ(a, b) = mean_i [−w_i⟨a_i, b_i⟩/τ + log Σ_{j≠i}(e^{⟨a_i, a_j⟩/τ} + e^{⟨a_i, b_j⟩/τ})]."""
    n = a.shape[0]
    positive = (a * b).sum(dim=1) / tau
    both = torch.cat([a @ a.T, a @ b.T], dim=1) / tau
    off = ~torch.eye(n, dtype=torch.bool, device=a.device)
    negatives = masked_logsumexp(both, torch.cat([off, off], dim=1))
    pull = positive if weights is None else weights * positive
    return (negatives - pull).mean()


def _vmf_weights(a: torch.Tensor, b: torch.Tensor, sigma: float, detach: bool) -> torch.Tensor:
    """w_i = 2 − n·softmax_i(⟨a_i, b_i⟩/σ)."""
    w = 2 - a.shape[0] * torch.softmax((a * b).sum(dim=1) / sigma, dim=0)
    return w.detach() if detach else w


def dcl_one_way(z1: torch.Tensor, z2: torch.Tensor, tau: float = 0.1, **_ignored: Any) -> torch.Tensor:
    """ℓ(z¹, z²): anchors from z¹ only. NaN (gradient 0) for n = 1, which has no negative."""
    if z1.shape[0] < 2:
        return empty_term(z1, z2)
    return _direction(z1, z2, tau, None)


def dcl(z1: torch.Tensor, z2: torch.Tensor, tau: float = 0.1, **_ignored: Any) -> torch.Tensor:
    """ℓ(z¹, z²) + ℓ(z², z¹): the sum of both directions, as the reference implementation."""
    if z1.shape[0] < 2:
        return empty_term(z1, z2)
    return _direction(z1, z2, tau, None) + _direction(z2, z1, tau, None)


def dclw(
    z1: torch.Tensor,
    z2: torch.Tensor,
    tau: float = 0.1,
    sigma: float = 0.5,
    detach_weights: bool = False,
    **_ignored: Any,
) -> torch.Tensor:
    """DCL with the von Mises–Fisher weights on the positives (gradients flow through them by default)."""
    if z1.shape[0] < 2:
        return empty_term(z1, z2)
    w12 = _vmf_weights(z1, z2, sigma, detach_weights)
    w21 = _vmf_weights(z2, z1, sigma, detach_weights)
    return _direction(z1, z2, tau, w12) + _direction(z2, z1, tau, w21)
