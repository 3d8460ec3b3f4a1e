"""NT-Xent (spec A §1), SupCon L_out / L_in (§2), ε-SupInfoNCE and ε-SupCon (§3).

`features` is view-major [V·N, d]; labels once per sample (or None: the positives are the other
views of the same sample). Every row is an anchor (contrast_mode "all").
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

from ..ops import masked_logsumexp, masked_sum
from ..similarity import eye, logits, positive_mask, view_count


def _check_mode(contrast_mode: str, fn: str) -> None:
    if contrast_mode != "all":
        raise ValueError(f"{fn}: contrast_mode must be 'all', got {contrast_mode!r}")


def nt_xent(
    features: torch.Tensor,
    temperature: float = 0.1,
    normalize: bool = True,
    reduction: str = "mean",
    n_views: int = 2,
    **_ignored: Any,
) -> torch.Tensor:
    """ℓ_a = −s_{aa'} + LSE_{b≠a} s_ab, a' = (a + N) mod 2N; mean over 2N anchors (or ×2, the code's)."""
    rows = features.shape[0]
    v, n = view_count(rows, n_views, "nt_xent")
    if v != 2:
        raise ValueError(f"nt_xent: needs n_views = 2, got {v}")
    s = logits(features, temperature, normalize)
    others = ~eye(rows, features.device)
    partner = (torch.arange(rows, device=features.device) + n) % rows
    per_anchor = -s.gather(1, partner.unsqueeze(1)).squeeze(1) + masked_logsumexp(s, others)
    if reduction == "mean":
        return per_anchor.mean()
    if reduction == "sum_of_view_means":
        return per_anchor.sum() / n
    raise ValueError(f"nt_xent: reduction must be 'mean' or 'sum_of_view_means', got {reduction!r}")


def supcon(
    features: torch.Tensor,
    labels: Any = None,
    temperature: float = 0.07,
    base_temperature: float = 0.07,
    n_views: int = 2,
    normalize: bool = True,
    contrast_mode: str = "all",
    variant: str = "out",
    **_ignored: Any,
) -> torch.Tensor:
    """SupCon (HEAD convention: an anchor without positive contributes 0 and still counts)."""
    _check_mode(contrast_mode, "supcon")
    rows = features.shape[0]
    _, n = view_count(rows, n_views, "supcon")
    s = logits(features, temperature, normalize)
    others = ~eye(rows, features.device)
    pos = positive_mask(labels, rows, n, features)
    count = pos.sum(dim=1)
    lse_all = masked_logsumexp(s, others)
    has = count > 0
    if variant == "out":
        log_prob = s - lse_all.unsqueeze(1)
        term = masked_sum(log_prob, pos, dim=1) / torch.clamp_min(count, 1).to(s.dtype)
    elif variant == "in":
        lse_pos = masked_logsumexp(s, pos)
        log_count = torch.log(torch.clamp_min(count, 1).to(s.dtype))
        raw = lse_pos - log_count - lse_all
        term = torch.where(has, raw, torch.zeros_like(raw))
    else:
        raise ValueError(f"supcon: variant must be 'out' or 'in', got {variant!r}")
    return -(temperature / base_temperature) * term.mean()


def _eps(
    fn: str,
    features: torch.Tensor,
    labels: Any,
    temperature: float,
    base_temperature: float,
    n_views: int,
    normalize: bool,
    contrast_mode: str,
    epsilon: float,
    log_eps_after_shift: float,
    form: str,
) -> torch.Tensor:
    _check_mode(contrast_mode, fn)
    rows = features.shape[0]
    _, n = view_count(rows, n_views, fn)
    s = logits(features, temperature, normalize)
    others = ~eye(rows, features.device)
    pos = positive_mask(labels, rows, n, features)
    neg = others & ~pos
    count = pos.sum(dim=1)
    clamped = torch.clamp_min(count, 1).to(s.dtype)
    c = temperature / base_temperature
    lse_neg = masked_logsumexp(s, neg)
    # The official +1e-6 after the max shift is η_a = 1e-6·e^{m_a}, m_a the detached row max (self included).
    log_eta: Optional[torch.Tensor] = None
    if log_eps_after_shift:
        log_eta = math.log(log_eps_after_shift) + s.amax(dim=1).detach()

    if fn == "eps_supinfonce" and form == "in":
        lse_pos = masked_logsumexp(s, pos)
        denom = torch.logaddexp(-epsilon - torch.log(clamped) + lse_pos, lse_neg)
        # No positive: LSE_P = −inf, log 0 in the numerator: +inf as in the official (unguarded) code.
        return -c * (lse_pos - denom).mean()
    if form != "out":
        raise ValueError(f"{fn}: form must be 'out'{' or in' if fn == 'eps_supinfonce' else ''}, got {form!r}")

    if fn == "eps_supinfonce":
        # Each positive against itself shifted by ε plus every negative.
        denom = torch.logaddexp(s - epsilon, lse_neg.unsqueeze(1))
    else:
        lse_pos = masked_logsumexp(s, pos)
        denom = torch.logaddexp(lse_pos - epsilon, lse_neg).unsqueeze(1).expand_as(s)
    if log_eta is not None:
        denom = torch.logaddexp(denom, log_eta.unsqueeze(1).expand_as(denom))
    term = masked_sum(s - denom, pos, dim=1) / clamped
    return -c * term.mean()


def eps_supinfonce(
    features: torch.Tensor,
    labels: Any = None,
    temperature: float = 0.1,
    base_temperature: float = 0.07,
    n_views: int = 2,
    normalize: bool = True,
    contrast_mode: str = "all",
    epsilon: float = 0.25,
    log_eps_after_shift: float = 0.0,
    form: str = "out",
    **_ignored: Any,
) -> torch.Tensor:
    """ε-SupInfoNCE, forms `out` (with the optional official stabiliser) and `in` (spec A §3)."""
    return _eps(
        "eps_supinfonce", features, labels, temperature, base_temperature, n_views, normalize,
        contrast_mode, epsilon, log_eps_after_shift, form,
    )


def eps_supcon(
    features: torch.Tensor,
    labels: Any = None,
    temperature: float = 0.1,
    base_temperature: float = 0.07,
    n_views: int = 2,
    normalize: bool = True,
    contrast_mode: str = "all",
    epsilon: float = 0.25,
    log_eps_after_shift: float = 0.0,
    form: str = "out",
    **_ignored: Any,
) -> torch.Tensor:
    """ε-SupCon (form `out` only): every positive shifted by ε in a shared denominator."""
    return _eps(
        "eps_supcon", features, labels, temperature, base_temperature, n_views, normalize,
        contrast_mode, epsilon, log_eps_after_shift, form,
    )
