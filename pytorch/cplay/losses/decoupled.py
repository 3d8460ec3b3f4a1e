"""Decoupled uniformity with or without a kernel prior, and its logged alignment (spec B §2)."""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

from ..kernels import kernel_cosine, kernel_rbf
from ..ops import as_rows, constant, l2_normalize
from .align_uniform import uniform


def _prior_weights(
    prior: Any, n: int, like: torch.Tensor, kernel: Optional[str], sigma: Optional[float], lam: Any
) -> Optional[torch.Tensor]:
    """W = (K + λ_eff I)⁻¹ K, a float64 constant; None without a kernel (the prior is then ignored)."""
    if kernel is None or prior is None:
        return None
    p = as_rows(constant(prior, like, torch.float64))
    if p.shape[0] != n:
        raise ValueError(f"decoupled_uniformity: prior has {p.shape[0]} rows for {n} samples")
    if kernel == "rbf":
        if sigma is None:
            raise ValueError("decoupled_uniformity: kernel 'rbf' needs sigma")
        k = kernel_rbf(p, sigma)
    elif kernel == "cosine":
        k = kernel_cosine(p)
    else:
        raise ValueError(f"decoupled_uniformity: kernel must be null, 'rbf' or 'cosine', got {kernel!r}")
    # The official code treats a falsy λ as "use 1/√n".
    lam_eff = float(lam) if lam else 1.0 / math.sqrt(n)
    eye = torch.eye(n, dtype=torch.float64, device=like.device)
    return torch.linalg.solve(k + lam_eff * eye, k)


def centroids(
    z: torch.Tensor, prior: Any = None, kernel: Optional[str] = None, sigma: Optional[float] = None, lam: Any = 0.01
) -> torch.Tensor:
    """μ̄_i = mean_v ẑ_i^v of the sample-major z [n, V, d]; with a prior, μ = W μ̄."""
    if z.dim() != 3:
        raise ValueError(f"decoupled_uniformity: z must be [n, V, d], got shape {tuple(z.shape)}")
    mu = l2_normalize(z).mean(dim=1)
    w = _prior_weights(prior, z.shape[0], z, kernel, sigma, lam)
    return mu if w is None else w.to(mu.dtype) @ mu


def decoupled_uniformity(
    z: torch.Tensor,
    prior: Any = None,
    t: float = 2.0,
    kernel: Optional[str] = None,
    sigma: Optional[float] = None,
    **params: Any,
) -> torch.Tensor:
    """L_unif(μ; t) over the centroids (`lambda` is read from the keyword arguments)."""
    return uniform(centroids(z, prior, kernel, sigma, params.get("lambda", 0.01)), t)


def du_align(
    z: torch.Tensor,
    prior: Any = None,
    kernel: Optional[str] = None,
    sigma: Optional[float] = None,
    **params: Any,
) -> torch.Tensor:
    """−(1/n) Σ_i ‖μ_i‖², the metric the official module logs."""
    mu = centroids(z, prior, kernel, sigma, params.get("lambda", 0.01))
    return -(mu * mu).sum(dim=1).mean()
