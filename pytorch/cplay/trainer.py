"""One training run, as src/engine/trainer.ts and session.ts: encoders, optimiser, sampler, the step
with its non-finite guard, evaluation every `evalEvery` steps and the metrics history.

Single process or DDP (distributed.py): every rank draws the same global batch from the seeded
sampler, takes its slice, augments it with draws keyed by the global row, and computes the loss of
the whole gathered batch; K ranks then follow one process's trajectory.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn

from . import distributed as D
from .augment import augment, augmentation_config, repeat_views
from .config import loss_style
from .data import Dataset, Split
from .models import Encoder, Model
from .random import SeededRandom
from .sampler import RandomSampler, class_balanced_sampler, stratified_sampler

EVALUATION_SEED = 12345  # evaluate.ts: the same evaluation views at every evaluation
EMBED_CHUNK = 256


def _functional():
    from . import functional  # the losses package (cplay/functional.py)

    return functional


@dataclass
class StepResult:
    step: int
    loss: float
    applied: bool
    error: Optional[str] = None


def create_optimizer(config: dict, params) -> torch.optim.Optimizer:
    """TF.js' optimisers with their defaults: adam(lr) has β = (0.9, 0.999) and ε = 1e-7 (torch's
    default is 1e-8); momentum(lr, m) is torch's SGD with momentum, no dampening, no Nesterov."""
    opt = config["optimizer"]
    if opt["name"] == "adam":
        return torch.optim.Adam(params, lr=opt["lr"], betas=(0.9, 0.999), eps=1e-7)
    if opt["name"] == "sgd":
        return torch.optim.SGD(params, lr=opt["lr"], momentum=opt.get("momentum") or 0.0)
    raise ValueError(f"unknown optimizer '{opt['name']}' (valid: adam, sgd)")


def choose_sampler(config: dict, dataset: Dataset, seed: int):
    split = dataset.train
    if config["loss"]["name"] == "sepclr":
        flags = split.flags.get("isTarget")
        if flags is None:
            raise ValueError("sepclr needs a data set with an isTarget flag")
        return stratified_sampler(flags, seed)
    if config["positives"]["name"] == "class" or config.get("regularizer"):
        cl = dataset.info.get("classLabel")
        if cl and cl in split.labels:
            return class_balanced_sampler(split.labels[cl], seed)
    return RandomSampler(split.n, seed)


def _attribute_names(config: dict) -> List[str]:
    a = config["positives"].get("attribute")
    return [] if a is None else list(a) if isinstance(a, list) else [a]


class Trainer:
    def __init__(
        self,
        run: dict,
        dataset: Dataset,
        dist: Optional[D.DistInfo] = None,
        arch: str = "as-exported",
        augmentations: bool = True,
    ) -> None:
        self.run = run
        self.config = config = run["config"]
        self.dataset = dataset
        self.dist = dist or D.DistInfo()
        self.device = self.dist.device
        self.name = config["loss"]["name"]
        self.style = run.get("lossStyle") or loss_style(self.name)
        self.loss_params = dict(run["lossParams"])
        self.views = int(config["views"])
        self.augment_cfg = augmentation_config(dataset.info["id"], config.get("augment")) if augmentations else None
        rng = SeededRandom(int(config["seed"]))
        self.rng = rng
        shape = dataset.image_shape
        encoder = Encoder(config["encoder"], shape, int(config["embeddingDim"]), seed=rng.fork(), arch=arch)
        salient = None
        if self.style == "sepclr":
            salient = Encoder(
                config.get("salientEncoder") or config["encoder"],
                shape,
                int(config.get("salientDim") or config["embeddingDim"]),
                seed=rng.fork(),
                arch=arch,
            )
        self.model = Model(encoder, salient).to(self.device)
        self.sampler = choose_sampler(config, dataset, rng.fork())
        self.net: nn.Module = self.model
        if self.dist.enabled:
            if arch == "resnet18" and self.device.type == "cuda":
                # Batch statistics of the global batch, as one process would compute them.
                self.model = nn.SyncBatchNorm.convert_sync_batchnorm(self.model)
            elif arch == "resnet18" and self.dist.is_main:
                # torch's SyncBatchNorm runs on CUDA only: on CPU ranks each normalises its own slice.
                print("warning: --arch resnet18 on CPU ranks keeps per-rank batch norm (SyncBatchNorm needs CUDA)", file=sys.stderr)
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.optimizer = create_optimizer(config, self.model.parameters())
        self.step_count = 0

    # ---- weights

    def load_ts_weights(self, tensors: List[np.ndarray]) -> None:
        """The export's weights/ (TS layout and order): encoder, then SepCLR's salient encoder."""
        i = self.model.encoder.load_ts_weights(tensors, 0)
        if self.model.salient is not None:
            i = self.model.salient.load_ts_weights(tensors, i)
        if i != len(tensors):
            raise ValueError(f"the exported weights hold {len(tensors)} tensors, the model {i}")

    # ---- one step

    def _views(self, images: torch.Tensor, views: int, seed: int, offset: int, total: int) -> torch.Tensor:
        if self.augment_cfg is None:
            return repeat_views(images, views)
        return augment(images, self.augment_cfg, views, seed, sample_offset=offset, global_batch=total)

    def _meta(self, split: Split, idx: np.ndarray) -> Dict[str, Any]:
        """The batch's labels, attributes and flags, gathered across ranks like the embeddings."""
        g = lambda v: D.gather_array(v[idx], self.dist)  # noqa: E731
        info = self.dataset.info
        cl, bl = info.get("classLabel"), info.get("biasLabel")
        return {
            "classLabels": g(split.labels[cl]) if cl and cl in split.labels else None,
            "biasLabels": g(split.labels[bl]) if bl and bl in split.labels else None,
            "attributes": {k: g(v) for k, v in split.attributes.items()},
            "isTarget": g(split.flags["isTarget"]) if "isTarget" in split.flags else None,
        }

    def loss_inputs(self, meta: Dict[str, Any], proj: torch.Tensor, salient: Optional[torch.Tensor]) -> Dict[str, Any]:
        """lossInputs.ts: the loss's inputs for the whole (gathered) batch."""
        config, name, V, dev = self.config, self.name, self.views, proj.device
        t = lambda a, dtype: torch.as_tensor(np.asarray(a), dtype=dtype, device=dev)  # noqa: E731

        def attribute(n: str) -> np.ndarray:
            if n not in meta["attributes"]:
                raise ValueError(f"the data set has no attribute '{n}' (has: {', '.join(meta['attributes'])})")
            return meta["attributes"][n]

        def rows(names: List[str]) -> torch.Tensor:
            return t(np.stack([attribute(n) for n in names], axis=1), torch.float32)

        if self.style == "view-major":
            inputs: Dict[str, Any] = {"features": proj}
            if name in ("kernelized_supcon", "y_aware_infonce"):
                names = _attribute_names(config)
                if not names:
                    raise ValueError(f"{name} needs positives.attribute (a continuous attribute such as age)")
                if name == "kernelized_supcon":
                    inputs["labels"] = t(attribute(names[0]), torch.float32)
                else:
                    inputs["metadata"] = rows(names)
            elif name != "nt_xent":
                pos = config["positives"]["name"]
                if pos == "class":
                    if meta["classLabels"] is None:
                        raise ValueError("class positives need a data set with class labels")
                    inputs["labels"] = t(meta["classLabels"], torch.int64)
                elif pos == "views":
                    inputs["labels"] = None
                else:
                    raise ValueError(f"{name} takes 'views' or 'class' positives (got '{pos}')")
            return inputs
        if self.style == "pairs":
            if V != 2:
                raise ValueError(f"{name} needs exactly 2 views")
            unit = proj * torch.rsqrt(torch.clamp((proj * proj).sum(-1, keepdim=True), min=1e-24))
            x, y = unit.chunk(2, dim=0)
            return {"x": x, "y": y} if name == "align_uniform" else {"z1": x, "z2": y}
        if self.style == "sample-major":
            n = proj.shape[0] // V
            inputs = {"z": proj.reshape(V, n, -1).transpose(0, 1)}
            names = _attribute_names(config)
            if config.get("kernel") and names:
                inputs["prior"] = rows(names)
            elif config.get("kernel"):
                raise ValueError("a kernel prior needs positives.attribute (the prior attributes)")
            return inputs
        if V != 2:
            raise ValueError("sepclr needs exactly 2 views")
        if salient is None:
            raise ValueError("sepclr needs the salient encoder")
        if meta["isTarget"] is None:
            raise ValueError("sepclr needs a data set with a target/background flag")
        c1, c2 = proj.chunk(2, dim=0)
        s1, s2 = salient.chunk(2, dim=0)
        return {"c1": c1, "c2": c2, "s1": s1, "s2": s2, "is_target": t(meta["isTarget"], torch.float32)}

    def batch_loss(self, indices: np.ndarray, seed: int) -> torch.Tensor:
        """The loss of the global batch `indices` (this rank's slice keeps the gradient)."""
        K, r = self.dist.world, self.dist.rank
        n = len(indices)
        if n % K:
            raise ValueError(f"the batch of {n} samples does not split over {K} ranks (batchSize must be a multiple of the ranks)")
        b = n // K
        local = indices[r * b : (r + 1) * b]
        split = self.dataset.train
        images = torch.from_numpy(split.images[local]).to(self.device)
        views = self._views(images, self.views, seed, r * b, n)
        rep, proj, sal = self.net(views)
        meta = self._meta(split, local)
        proj_all = D.gather_view_major(proj, self.views, self.dist)
        sal_all = D.gather_view_major(sal, self.views, self.dist) if sal is not None else None
        fn = _functional()
        loss = fn.call(self.name, self.loss_inputs(meta, proj_all, sal_all), self.loss_params)
        reg = self.config.get("regularizer")
        if reg and reg.get("weight", 0) > 0:
            if meta["classLabels"] is None or meta["biasLabels"] is None:
                raise ValueError("FairKL needs class labels and a bias label")
            # As in the official pipeline: normalised encoder features of view 0.
            first = D.gather_rows(rep[:b], self.dist)
            fair = fn.call(
                "fairkl",
                {
                    "features": first,
                    "labels": torch.as_tensor(meta["classLabels"], dtype=torch.int64, device=first.device),
                    "bias_labels": torch.as_tensor(meta["biasLabels"], dtype=torch.int64, device=first.device),
                },
                {"temperature": reg.get("temperature", 1), "kld": reg.get("kld", 1), "normalize": True},
            )
            loss = loss + reg["weight"] * fair
        return loss

    def step(self) -> StepResult:
        indices = self.sampler.next(int(self.config["batchSize"]))
        seed = self.rng.fork()
        step = self.step_count + 1
        self.net.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.batch_loss(indices, seed)
        # DDP averages the ranks' gradients; each holds the gradient through its own samples only.
        (loss * self.dist.world).backward()
        value = float(loss.detach().item())
        finite = math.isfinite(value)
        if finite:
            grads = [p.grad for p in self.model.parameters() if p.grad is not None]
            finite = all(bool(torch.isfinite(g).all()) for g in grads)
        finite = D.all_true(finite, self.dist)
        if not finite:
            self.optimizer.zero_grad(set_to_none=True)
            what = "a gradient" if math.isfinite(value) else f"the loss ({value})"
            return StepResult(
                step,
                value,
                False,
                f"At step {step} {what} was not finite, so the update was skipped and the last good weights are kept. "
                "Try a lower learning rate, a higher temperature, a larger batch, or another kernel bandwidth.",
            )
        self.optimizer.step()
        self.step_count = step
        return StepResult(step, value, True)

    # ---- evaluation (rank 0)

    @torch.no_grad()
    def embed(self, split: Split, limit: int) -> Dict[str, Any]:
        n = min(limit, split.n)
        self.model.eval()
        reps, projs, sals = [], [], []
        for start in range(0, n, EMBED_CHUNK):
            images = torch.from_numpy(split.images[start : min(n, start + EMBED_CHUNK)]).to(self.device)
            rep, proj, sal = self.model(images)
            reps.append(rep)
            projs.append(proj)
            if sal is not None:
                sals.append(sal)
        self.model.train()
        out: Dict[str, Any] = {
            "representation": torch.cat(reps).float().cpu(),
            "projection": torch.cat(projs).float().cpu(),
            "labels": split.labels,
            "attributes": split.attributes,
            "flags": split.flags,
        }
        if sals:
            out["salient"] = torch.cat(sals).float().cpu()
        return out

    @torch.no_grad()
    def embed_views(self, split: Split, limit: int, seed: int):
        n = min(limit, split.n)
        self.model.eval()
        images = torch.from_numpy(split.images[:n]).to(self.device)
        proj = self.model.encoder(self._views(images, 2, seed, 0, n))[1].float().cpu()
        self.model.train()
        return proj[:n], proj[n:]

    def evaluate(self) -> Dict[str, Any]:
        from .evaluate import evaluate

        limits = self.config["evaluation"]
        test = self.embed(self.dataset.test, int(limits["maxTest"]))
        train = self.embed(self.dataset.train, int(limits["maxTrain"]))
        views = self.embed_views(self.dataset.test, min(int(limits["maxTest"]), 512), EVALUATION_SEED)
        return evaluate(
            step=self.step_count,
            loss_name=self.name,
            info=self.dataset.info,
            train=train,
            test=test,
            views=views,
            positives_attribute=self.config["positives"].get("attribute"),
            knn_k=int(limits["knnK"]),
        )


class Session:
    """session.ts' loop: steps until `steps`, evaluation every `evalEvery` steps and at the end (the
    logged loss is the mean of the steps since the last evaluation), stop at a non-finite step."""

    def __init__(self, trainer: Trainer, log=None) -> None:
        self.trainer = trainer
        self.history: List[Dict[str, Any]] = []
        self.losses: List[float] = []  # every applied step's loss (for tests and logs)
        self.recent: List[float] = []
        self.error: Optional[str] = None
        self.log = log

    def evaluate_now(self) -> Optional[Dict[str, Any]]:
        t = self.trainer
        metrics = t.evaluate() if t.dist.is_main else None
        if metrics is not None:
            if self.recent:
                metrics["loss"] = sum(self.recent) / len(self.recent)
            if self.history and self.history[-1]["step"] == metrics["step"]:
                self.history[-1] = metrics
            else:
                self.history.append(metrics)
            if self.log:
                self.log(metrics)
        self.recent = []
        return metrics

    def play(self, steps: int, eval_every: int) -> str:
        t = self.trainer
        if steps == 0:
            self.evaluate_now()
        while t.step_count < steps:
            result = t.step()
            if not result.applied:
                self.error = result.error
                return "paused"
            self.recent.append(result.loss)
            self.losses.append(result.loss)
            if t.step_count % eval_every == 0 or t.step_count == steps:
                self.evaluate_now()
        return "finished"
