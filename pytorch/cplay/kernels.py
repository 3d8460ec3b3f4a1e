"""Kernels on metadata (spec B §5 and the KernelizedSupCon kernels of spec A §6).

`kernel_*` are differentiable in `metadata` ([n] or [n, q]) and return the [n, n] matrix. The
losses use the same formulas on constant labels through :func:`label_kernel`, in float64 (so the
`threshold` counts and ties match the float64 reference; see README "The math core").
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

from .ops import as_rows, l2_normalize, sq_dists


def kernel_rbf(metadata: torch.Tensor, sigma: float = 1.0, **_ignored: Any) -> torch.Tensor:
    """exp(−‖p − p′‖² / (2σ²)): σ a standard deviation, 1 on the diagonal."""
    return torch.exp(-sq_dists(as_rows(metadata)) / (2 * sigma * sigma))


def kernel_gaussian_pdf(metadata: torch.Tensor, sigma: float = 1.0, **_ignored: Any) -> torch.Tensor:
    """exp(−Δ²/(2σ²)) / (√(2π)σ): the density, 1/(√(2π)σ) on the diagonal."""
    return kernel_rbf(metadata, sigma) / (math.sqrt(2 * math.pi) * sigma)


def kernel_cauchy(metadata: torch.Tensor, gamma: float = 1.0, **_ignored: Any) -> torch.Tensor:
    """1 / (1 + γΔ²): γ multiplies Δ² and is not squared."""
    return 1.0 / (1.0 + gamma * sq_dists(as_rows(metadata)))


def kernel_gaussian_tau(metadata: torch.Tensor, tau: float = 0.5, **_ignored: Any) -> torch.Tensor:
    """SepCLR's exp(−‖a − b‖² / (2τ)): τ a variance."""
    return torch.exp(-sq_dists(as_rows(metadata)) / (2 * tau))


def kernel_cosine(metadata: torch.Tensor, **_ignored: Any) -> torch.Tensor:
    """⟨p, p′⟩ / (‖p‖‖p′‖) (a zero row has cosine 0 with everything)."""
    unit = l2_normalize(as_rows(metadata))
    return unit @ unit.T


def label_kernel(kind: Optional[str], values: torch.Tensor, sigma: Optional[float]) -> torch.Tensor:
    """KernelizedSupCon's W on constant labels (spec A §6), computed in float64; `None`: label equality."""
    y = as_rows(values.to(torch.float64))
    if kind is None or kind == "none":
        return (sq_dists(y) == 0).to(torch.float64)
    if sigma is None:
        raise ValueError(f"kernel {kind!r} needs sigma")
    if kind == "rbf":
        return kernel_rbf(y, sigma)
    if kind == "gaussian":
        return kernel_gaussian_pdf(y, sigma)
    if kind == "cauchy":
        return kernel_cauchy(y, sigma)
    raise ValueError(f"unknown kernel {kind!r} (rbf, gaussian, cauchy)")
