"""SepCLR: common vs salient spaces (spec B §4), its terms and the supervised alignment (§4.7).

τ is a variance-like bandwidth: every exponent is −‖·‖²/(2τ).
"""

from __future__ import annotations

import math
from typing import Any, Dict

import torch

from ..ops import constant, empty_term, l2_normalize, sq_dists
from .align_uniform import uniform


def _align_over(x: torch.Tensor, y: torch.Tensor, keep: torch.Tensor, tau: float) -> torch.Tensor:
    """A_τ(x, y; I) = (1/|I|) Σ_{i∈I} ‖x_i − y_i‖²/(2τ); NaN with gradient 0 when I is empty."""
    count = keep.sum()
    diff = x - y
    sq = (diff * diff).sum(dim=1)
    mean = torch.where(keep, sq, torch.zeros_like(sq)).sum() / (torch.clamp_min(count, 1).to(sq.dtype) * 2 * tau)
    # Selected without a host sync: the NaN branch sends no gradient.
    return torch.where(count > 0, mean, torch.full_like(mean, math.nan))


def sepclr_align(x: torch.Tensor, y: torch.Tensor, tau: float = 0.5, **_ignored: Any) -> torch.Tensor:
    """A_τ over all rows."""
    return _align_over(x, y, torch.ones(x.shape[0], dtype=torch.bool, device=x.device), tau)


def sepclr_uniform(x: torch.Tensor, tau: float = 0.5, **_ignored: Any) -> torch.Tensor:
    """U_τ(x): uniformity with t = 1/(2τ), rows used as given."""
    return uniform(x, 1.0 / (2 * tau))


def kjem(c: torch.Tensor, s: torch.Tensor, tau: float = 0.5, **_ignored: Any) -> torch.Tensor:
    """J_τ(c, s) = mean_i log mean_j exp(−(‖c_i − c_j‖² + ‖s_i − s_j‖²)/(2τ)), j = i included."""
    n = c.shape[0]
    energy = -(sq_dists(c) + sq_dists(s)) / (2 * tau)
    return (torch.logsumexp(energy, dim=1) - math.log(n)).mean()


def sepclr_sup_align(x: torch.Tensor, metadata: Any, tau: float = 0.025, **_ignored: Any) -> torch.Tensor:
    """(1/|P|) Σ_{i<j} exp(−(y_i − y_j)²/(2τ))·(x_i − x_j)² on one salient coordinate x [n]."""
    x = x.reshape(-1)
    n = x.shape[0]
    if n < 2:
        return empty_term(x)
    y = constant(metadata, x, torch.float64).reshape(-1)
    weight = torch.exp(-((y.unsqueeze(0) - y.unsqueeze(1)) ** 2) / (2 * tau)).to(x.dtype)
    gap = x.unsqueeze(0) - x.unsqueeze(1)
    upper = torch.ones(n, n, dtype=torch.bool, device=x.device).triu(1)
    terms = torch.where(upper, weight * gap * gap, torch.zeros_like(gap))
    return terms.sum() / (n * (n - 1) / 2)


def sepclr_components(
    c1: torch.Tensor,
    c2: torch.Tensor,
    s1: torch.Tensor,
    s2: torch.Tensor,
    is_target: Any,
    tau: float = 0.5,
    unif_weight: float = 2.0,
) -> Dict[str, torch.Tensor]:
    """The unweighted terms, named as the vectors' `components` (spec B §4.4)."""
    target = constant(is_target, c1).reshape(-1) != 0
    everyone = torch.ones_like(target)
    background = ~target
    h1, h2 = l2_normalize(c1), l2_normalize(c2)
    # s̃: background rows replaced by s' = 0 (multiplying by 0 also stops their gradient).
    flag = target.to(s1.dtype).unsqueeze(1)
    t1, t2 = s1 * flag, s2 * flag
    zeros = torch.zeros_like(s1)
    out = {
        "cm_align": _align_over(h1, h2, everyone, tau),
        "cm_uniform": 0.5 * (sepclr_uniform(h1, tau) + sepclr_uniform(h2, tau)),
        "sp_align": _align_over(s1, s2, target, tau),
        "sp_uniform": 0.5 * (sepclr_uniform(t1, tau) + sepclr_uniform(t2, tau)),
        "sp_reg": 0.5 * (_align_over(zeros, s1, background, tau) + _align_over(zeros, s2, background, tau)),
        "jem": 0.5 * (kjem(h1, t1, tau) + kjem(h2, t2, tau)),
    }
    out["cm"] = out["cm_align"] + unif_weight * out["cm_uniform"]
    out["sp"] = out["sp_align"] + unif_weight * out["sp_uniform"]
    return out


def sepclr(
    c1: torch.Tensor,
    c2: torch.Tensor,
    s1: torch.Tensor,
    s2: torch.Tensor,
    is_target: Any,
    beta_salient: float = 1000.0,
    beta_reg: float = 1000.0,
    lambda_jem: float = 10.0,
    tau: float = 0.5,
    unif_weight: float = 2.0,
    **_ignored: Any,
) -> torch.Tensor:
    """L = L_C + β_S·L_S + β_reg·L_reg + λ_JEM·L_JEM (NaN when a subset is empty; its gradient share is 0)."""
    parts = sepclr_components(c1, c2, s1, s2, is_target, tau, unif_weight)
    return parts["cm"] + beta_salient * parts["sp"] + beta_reg * parts["sp_reg"] + lambda_jem * parts["jem"]


