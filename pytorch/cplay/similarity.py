"""Multi-view batch layout and the similarity matrix of family A (spec A §0)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from .ops import constant, l2_normalize, labels_equal


def view_count(rows: int, n_views: Optional[int], fn: str) -> Tuple[int, int]:
    """(V, N) for a view-major batch of `rows` rows; raises a clear error when they do not divide."""
    v = int(n_views) if n_views else 1
    if v < 1 or rows % v != 0:
        raise ValueError(f"{fn}: {rows} rows are not n_views={v} view blocks of equal size")
    return v, rows // v


def logits(features: torch.Tensor, temperature: float, normalize: bool) -> torch.Tensor:
    """s_ab = z_a·z_b / τ, z = the rows, L2-normalised when `normalize`."""
    z = l2_normalize(features) if normalize else features
    return (z @ z.T) / temperature


def sample_index(rows: int, n: int, device: torch.device) -> torch.Tensor:
    """ι(a) = a mod N for view-major rows."""
    return torch.arange(rows, device=device) % n


def positive_mask(labels: Any, rows: int, n: int, like: torch.Tensor) -> torch.Tensor:
    """P(a): same label (or the same sample when labels is None), self excluded; [M, M] bool."""
    idx = sample_index(rows, n, like.device)
    if labels is None:
        same = idx.unsqueeze(0) == idx.unsqueeze(1)
    else:
        lab = constant(labels, like)
        if lab.shape[0] != n:
            raise ValueError(f"labels has {lab.shape[0]} entries for {n} samples")
        same = labels_equal(lab)[idx][:, idx]
    return same & ~eye(rows, like.device)


def eye(rows: int, device: torch.device) -> torch.Tensor:
    return torch.eye(rows, dtype=torch.bool, device=device)


def view_major_to_sample_major(features: torch.Tensor, n_views: int) -> torch.Tensor:
    """[V·N, d] view-major rows → [N, V, d] (decoupled uniformity's layout, spec B §0)."""
    v, n = view_count(features.shape[0], n_views, "view_major_to_sample_major")
    return features.reshape(v, n, -1).transpose(0, 1)


def split_views(features: torch.Tensor, n_views: int = 2) -> Tuple[torch.Tensor, ...]:
    """The V view blocks [N, d] of view-major rows (pair losses take x = view 0, y = view 1)."""
    v, n = view_count(features.shape[0], n_views, "split_views")
    return tuple(features.split(n, dim=0))
