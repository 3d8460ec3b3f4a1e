"""FairKL debiasing regulariser (spec A §4), exactly as the official `fairkl`."""

from __future__ import annotations

from typing import Any

import torch

from ..ops import constant, l2_normalize, labels_equal, safe_sqrt


def fairkl(
    features: torch.Tensor,
    labels: Any,
    bias_labels: Any,
    temperature: float = 1.0,
    kld: float = 1.0,
    normalize: bool = True,
    **_ignored: Any,
) -> torch.Tensor:
    """Squared gaps of group means and (zero-padded, unbiased) stds + kld·… − μ_PC + μ_NA.

    One view, one row per sample; self-pairs are kept (they fall into PA).
    """
    f = l2_normalize(features) if normalize else features
    s = (f @ f.T) / temperature
    b = f.shape[0]
    y = constant(labels, features)
    beta = constant(bias_labels, features)
    if y.shape[0] != b or beta.shape[0] != b:
        raise ValueError(f"fairkl: labels and bias_labels need {b} entries (one per row)")
    same_y = labels_equal(y)
    same_b = labels_equal(beta)
    groups = {
        "PA": same_y & same_b,
        "PC": same_y & ~same_b,
        "NA": ~same_y & same_b,
        "NC": ~same_y & ~same_b,
    }
    mu = {}
    sigma = {}
    for name, mask in groups.items():
        masked = s * mask.to(s.dtype)
        mu[name] = masked.sum() / torch.clamp_min(mask.sum(), 1).to(s.dtype)
        # torch.std semantics over all B² entries (zeros included), with derivative 0 at zero spread.
        centred = masked - masked.mean()
        sigma[name] = safe_sqrt((centred * centred).sum() / (b * b - 1))
    return (
        (mu["PC"] - mu["PA"]) ** 2
        + (mu["NA"] - mu["NC"]) ** 2
        + kld * ((sigma["PA"] - sigma["PC"]) ** 2 + (sigma["NA"] - sigma["NC"]) ** 2)
        - mu["PC"]
        + mu["NA"]
    )
