"""DistributedDataParallel set-up and the cross-rank gathers contrastive losses need.

Started by `torchrun` or any launcher that sets the env:// variables (RANK, WORLD_SIZE, LOCAL_RANK,
MASTER_ADDR, MASTER_PORT): nccl on GPUs, gloo on CPUs. `batchSize` stays the global batch; each of
K ranks holds batchSize/K samples. A contrastive loss needs the negatives of the whole batch, so
each rank gathers every rank's embeddings (and labels, attributes, flags) and computes the loss of
the whole global batch; its own rows keep their autograd graph, the others are constants. The
gradient a rank gets is then the exact gradient of the global loss through its own samples; DDP
averages over ranks, so each rank back-propagates K × loss and the average is the sum: the same
gradient as one process with the whole batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.distributed as dist


@dataclass
class DistInfo:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def enabled(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup(device: Optional[str] = None) -> DistInfo:
    """Reads the env:// variables; with WORLD_SIZE > 1 joins the process group."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("--device cuda: no CUDA device is available")
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
        dev = torch.device("cuda", local_rank % torch.cuda.device_count())
    else:
        dev = torch.device("cpu")
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if dev.type == "cuda" else "gloo", init_method="env://", rank=rank, world_size=world)
    return DistInfo(rank=rank, world=world, local_rank=local_rank, device=dev)


def cleanup(info: DistInfo) -> None:
    if info.enabled and dist.is_initialized():
        dist.destroy_process_group()


def gather_rows(t: torch.Tensor, info: DistInfo) -> torch.Tensor:
    """[b, ...] on each rank → [K·b, ...] in rank order; the local block keeps its gradient."""
    if not info.enabled:
        return t
    parts = [torch.empty_like(t) for _ in range(info.world)]
    dist.all_gather(parts, t.detach().contiguous())
    parts[info.rank] = t
    return torch.cat(parts, dim=0)


def gather_view_major(t: torch.Tensor, views: int, info: DistInfo) -> torch.Tensor:
    """Local view-major rows [V·b, d] → global view-major [V·K·b, d] (row v·B + r·b + i)."""
    if not info.enabled:
        return t
    b = t.shape[0] // views
    per_view = t.reshape(views, b, *t.shape[1:]).transpose(0, 1)  # [b, V, d]
    whole = gather_rows(per_view, info)  # [K·b, V, d]
    return whole.transpose(0, 1).reshape(views * whole.shape[0], *t.shape[1:])


def gather_array(values: np.ndarray, info: DistInfo) -> np.ndarray:
    """Per-sample constants (labels, attributes, flags) of every rank's slice, in rank order."""
    if not info.enabled:
        return values
    dtype = np.float64 if values.dtype.kind == "f" else np.int64
    t = torch.from_numpy(np.ascontiguousarray(values, dtype=dtype)).to(info.device)
    parts = [torch.empty_like(t) for _ in range(info.world)]
    dist.all_gather(parts, t)
    return torch.cat(parts).cpu().numpy().astype(values.dtype)


def all_true(flag: bool, info: DistInfo) -> bool:
    """True when `flag` holds on every rank (so all ranks skip or apply a step together)."""
    if not info.enabled:
        return flag
    t = torch.tensor([1.0 if flag else 0.0], device=info.device)
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    return bool(t.item() > 0.5)


def barrier(info: DistInfo) -> None:
    if info.enabled:
        dist.barrier()
