"""The TS engine's seeded generator (src/ml/random.ts: mulberry32 and SeededRandom, whose
normalUnpaired is `normal` here), ported exactly: the same seed gives the same weight initialisation and the same batch indices as
the playground, so a run exported from the browser starts where the browser started.
"""

from __future__ import annotations

import math

_MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """Math.imul as an unsigned 32-bit result (only the low 32 bits of a product matter)."""
    return (a * b) & _MASK


class Mulberry32:
    """Uniform 32-bit unsigned integers, the sequence of mulberry32U32(seed)."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = int(seed) & _MASK

    def next_u32(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & _MASK
        s = self.state
        t = _imul(s ^ (s >> 15), s | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & _MASK
        return (t ^ (t >> 14)) & _MASK

    def next(self) -> float:
        """Uniform in [0, 1), as mulberry32(seed)() (an exact double)."""
        return self.next_u32() / 4294967296.0

    def next_many(self, size: int):
        """The next `size` draws of next() at once: the state is a counter (seed + k·C), so the
        outputs are independent functions of k and vectorise."""
        import numpy as np

        k = np.arange(1, size + 1, dtype=np.uint64)
        s = (np.uint64(self.state) + k * np.uint64(0x6D2B79F5)) & np.uint64(_MASK)
        self.state = (self.state + size * 0x6D2B79F5) & _MASK
        m = np.uint64(_MASK)
        t = ((s ^ (s >> np.uint64(15))) * (s | np.uint64(1))) & m
        t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & m)) & m)
        t = (t ^ (t >> np.uint64(14))) & m
        return t.astype(np.float64) / 4294967296.0


class SeededRandom:
    """src/ml/random.ts SeededRandom: uniform, Box–Muller normal (normalUnpaired), integers and derived seeds."""

    def __init__(self, seed: int) -> None:
        self._gen = Mulberry32(seed)

    def next(self) -> float:
        return self._gen.next()

    def normal(self) -> float:
        u = max(self.next(), 1e-12)
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * self.next())

    def int(self, max_exclusive: int) -> int:
        return math.floor(self.next() * max_exclusive)

    def fork(self) -> int:
        return math.floor(self.next() * 2**32)

    def uniforms(self, size: int):
        """`size` draws of next() as a float64 NumPy array (weight init of large layers)."""
        return self._gen.next_many(size)
