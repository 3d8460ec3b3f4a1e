"""KernelizedSupCon: contrastive regression (spec A §6), methods supcon / yaware / threshold / expw."""

from __future__ import annotations

from typing import Any, Optional

import torch

from ..kernels import label_kernel
from ..ops import constant, masked_logsumexp
from ..similarity import eye, logits, sample_index, view_count


def _threshold_counts(w: torch.Tensor, delta_reduction: str) -> torch.Tensor:
    """C_ac = #{k : W_ck < W_ca} over all M rows k (strict), or that count / M for "mean"."""
    rows = w.shape[0]
    # Entry (c, a) of the sorted search: how many entries of row c lie strictly below W_ca.
    below = torch.searchsorted(w.sort(dim=1).values, w.contiguous(), right=False)
    counts = below.T.to(torch.float64)
    if delta_reduction == "mean":
        return counts / rows
    if delta_reduction == "sum":
        return counts
    raise ValueError(f"kernelized_supcon: delta_reduction must be 'sum' or 'mean', got {delta_reduction!r}")


def kernelized_supcon(
    features: torch.Tensor,
    labels: Any,
    temperature: float = 0.1,
    base_temperature: float = 0.07,
    n_views: int = 2,
    normalize: bool = True,
    contrast_mode: str = "all",
    method: str = "yaware",
    kernel: Optional[str] = "gaussian",
    sigma: Optional[float] = 1.0,
    delta_reduction: str = "sum",
    expw_shift: str = "rowmax",
    **_ignored: Any,
) -> torch.Tensor:
    """L(a) = −(τ/τ_b) Σ_b w_ab log p_ab / Σ_b w_ab, mean over anchors; sums run over all M columns."""
    if contrast_mode != "all":
        raise ValueError(f"kernelized_supcon: contrast_mode must be 'all', got {contrast_mode!r}")
    rows = features.shape[0]
    _, n = view_count(rows, n_views, "kernelized_supcon")
    y = constant(labels, features, torch.float64)
    if y.shape[0] != n:
        raise ValueError(f"kernelized_supcon: labels has {y.shape[0]} entries for {n} samples")
    idx = sample_index(rows, n, features.device)
    if method == "supcon":
        big_w = label_kernel(None, y, None)[idx][:, idx]
    elif method in ("yaware", "threshold", "expw"):
        if kernel is None:
            raise ValueError(f"kernelized_supcon: method {method!r} needs a kernel")
        big_w = label_kernel(kernel, y, sigma)[idx][:, idx]
    else:
        raise ValueError(f"kernelized_supcon: unknown method {method!r}")
    self_pairs = eye(rows, features.device)
    others = ~self_pairs
    s = logits(features, temperature, normalize)
    dtype = s.dtype

    if method in ("supcon", "yaware"):
        log_prob = s - masked_logsumexp(s, others).unsqueeze(1)
    elif method == "threshold":
        counts = _threshold_counts(big_w, delta_reduction)
        usable = others & (counts > 0)
        log_c = torch.log(torch.where(usable, counts, torch.ones_like(counts))).to(dtype)
        # An anchor with every C_ac = 0 gets log p = +inf, and the 0·inf of its diagonal makes
        # the loss NaN, as in the official code (spec A §6).
        log_prob = s - masked_logsumexp(s + log_c, usable).unsqueeze(1)
    elif method == "expw":
        if expw_shift == "rowmax":
            shifted = s - s.amax(dim=1, keepdim=True).detach()
        elif expw_shift == "none":
            shifted = s
        else:
            raise ValueError(f"kernelized_supcon: expw_shift must be 'rowmax' or 'none', got {expw_shift!r}")
        scaled = shifted * (1 - big_w).to(dtype)
        log_prob = shifted - masked_logsumexp(scaled, others).unsqueeze(1)
    w = big_w.masked_fill(self_pairs, 0.0).to(dtype)
    per_anchor = (w * log_prob).sum(dim=1) / w.sum(dim=1)
    return -(temperature / base_temperature) * per_anchor.mean()
