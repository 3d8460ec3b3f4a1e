"""y-Aware InfoNCE (spec A §5), the official column normalisation or the paper's row one."""

from __future__ import annotations

from typing import Any

import torch

from ..kernels import kernel_rbf
from ..ops import constant, masked_logsumexp
from ..similarity import eye, logits, sample_index, view_count


def y_aware_infonce(
    features: torch.Tensor,
    metadata: Any,
    temperature: float = 0.1,
    sigma: float = 5.0,
    normalize: bool = True,
    weight_norm: str = "official",
    kernel: str = "rbf",
    n_views: int = 2,
    **_ignored: Any,
) -> torch.Tensor:
    """L = −(1/N) Σ_a Σ_{b≠a} Ŵ_ab [s_ab − LSE_{c≠a} s_ac], W the RBF kernel of the metadata."""
    if kernel != "rbf":
        raise ValueError(f"y_aware_infonce: kernel must be 'rbf', got {kernel!r}")
    rows = features.shape[0]
    _, n = view_count(rows, n_views, "y_aware_infonce")
    meta = constant(metadata, features, torch.float64)
    if meta.shape[0] != n:
        raise ValueError(f"y_aware_infonce: metadata has {meta.shape[0]} rows for {n} samples")
    idx = sample_index(rows, n, features.device)
    self_pairs = eye(rows, features.device)
    # Constant weights, in float64 like the official NumPy code.
    w = kernel_rbf(meta, sigma)[idx][:, idx].masked_fill(self_pairs, 0.0)
    if weight_norm == "official":
        # NumPy broadcasts the row sums along the last axis: entry (a, b) is divided by row b's sum.
        w = w / w.sum(dim=1).unsqueeze(0)
    elif weight_norm == "row":
        w = w / w.sum(dim=1, keepdim=True)
    else:
        raise ValueError(f"y_aware_infonce: weight_norm must be 'official' or 'row', got {weight_norm!r}")
    s = logits(features, temperature, normalize)
    log_prob = s - masked_logsumexp(s, ~self_pairs).unsqueeze(1)
    # Ŵ is 0 on the diagonal, where log_prob is finite: a plain product is safe.
    return -(w.to(s.dtype) * log_prob).sum() / n
