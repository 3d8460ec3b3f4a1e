"""Batch samplers of src/engine/sampler.ts, ported draw for draw: the same seed gives the same batch
indices as the playground. Every rank of a DDP run builds the same sampler and draws the same
global batch, then keeps its own slice (see trainer.py)."""

from __future__ import annotations

from typing import Callable, Dict, List, Sequence

import numpy as np

from .random import SeededRandom


def shuffled(members: np.ndarray, rng: SeededRandom) -> np.ndarray:
    """Fisher–Yates from the end, j = ⌊u·(i+1)⌋, as sampler.ts `shuffled`."""
    out = np.array(members, dtype=np.int64, copy=True)
    n = len(out)
    if n < 2:
        return out
    i_values = np.arange(n - 1, 0, -1)
    js = np.floor(rng.uniforms(n - 1) * (i_values + 1)).astype(np.int64)
    lst = out.tolist()
    for i, j in zip(i_values.tolist(), js.tolist()):
        lst[i], lst[j] = lst[j], lst[i]
    return np.asarray(lst, dtype=np.int64)


class Pool:
    """Draws without replacement, reshuffling when the pool runs out."""

    def __init__(self, members: Sequence[int], rng: SeededRandom) -> None:
        if len(members) == 0:
            raise ValueError("a sampler pool is empty")
        self.members = np.asarray(members, dtype=np.int64)
        self.rng = rng
        self.order = np.zeros(0, dtype=np.int64)
        self.cursor = 0

    def take(self) -> int:
        if self.cursor >= len(self.order):
            self.order = shuffled(self.members, self.rng)
            self.cursor = 0
        v = int(self.order[self.cursor])
        self.cursor += 1
        return v


class RandomSampler:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.pool = Pool(np.arange(n), SeededRandom(seed))

    def next(self, size: int) -> np.ndarray:
        return np.array([self.pool.take() for _ in range(min(size, self.n))], dtype=np.int64)


class GroupedSampler:
    """Groups → a pool each; a batch takes equal shares of k groups, cycling through groups."""

    def __init__(self, groups: List[np.ndarray], seed: int, groups_per_batch: Callable[[int], int]) -> None:
        rng = SeededRandom(seed)
        self.pools = [Pool(g, rng) for g in groups]
        self.group_pool = Pool(np.arange(len(groups)), rng)
        self.groups_per_batch = groups_per_batch
        self.n_groups = len(groups)

    def next(self, size: int) -> np.ndarray:
        k = min(self.groups_per_batch(size), self.n_groups)
        chosen = [self.group_pool.take() for _ in range(k)]
        return np.array([self.pools[chosen[i % k]].take() for i in range(size)], dtype=np.int64)


def class_balanced_sampler(labels: np.ndarray, seed: int, min_per_class: int = 2) -> GroupedSampler:
    """Every batch holds ⌊size/m⌋ classes with m ≥ 2 members each; classes in first-seen order."""
    by_class: Dict[int, List[int]] = {}
    for i, label in enumerate(np.asarray(labels).tolist()):
        by_class.setdefault(int(label), []).append(i)
    groups = [np.asarray(v) for v in by_class.values()]
    return GroupedSampler(groups, seed, lambda size: max(1, size // min_per_class))


def stratified_sampler(is_target: np.ndarray, seed: int) -> GroupedSampler:
    """Half targets, half backgrounds (SepCLR)."""
    flags = np.asarray(is_target)
    targets = np.nonzero(flags)[0]
    background = np.nonzero(flags == 0)[0]
    if len(targets) < 2 or len(background) < 2:
        raise ValueError("SepCLR needs at least two target and two background samples in the data set.")
    return GroupedSampler([background, targets], seed, lambda size: 2)
