#!/usr/bin/env python3
"""Trains an exported Contrastive Playground run in PyTorch, on the CPU, one GPU or many (DDP).

    python3 train.py [--steps N] [--eval-every K] [--seed S] [--device cpu|cuda] [--data-dir D]
                     [--arch as-exported|resnet18] [--out metrics.json] [--run RUN.json]
    torchrun --nproc_per_node K train.py ...        (or any launcher setting RANK, WORLD_SIZE, ...)

Reads run.json and data/ beside this file (and weights/ when present: training starts from them),
trains the same run as the playground's engine and evaluates with the same metric names as the
headless runner (`npm run experiment`); --out writes its JSON shape {config, backend, history,
final, timing}. Progress goes to stderr, the final metrics to stdout. Exit status: 0 finished,
1 stopped at a non-finite step, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

SCALAR_METRICS = [
    "loss",
    "alignment",
    "uniformity",
    "effectiveRank",
    "knnAccuracy",
    "linearProbeAccuracy",
    "regressionMAE",
    "regressionR2",
    "biasAlignedAccuracy",
    "biasConflictingAccuracy",
    "biasPredictability",
]


def non_negative(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer (got {text})") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer (got {text})")
    return n


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train an exported Contrastive Playground run.")
    p.add_argument("--steps", type=non_negative, help="training steps (default: the config's)")
    p.add_argument("--eval-every", type=non_negative, help="evaluate every K steps (default: the config's evalEvery)")
    p.add_argument("--seed", type=non_negative, help="seed (default: the config's)")
    p.add_argument("--device", choices=["cpu", "cuda"], help="default: cuda when available")
    p.add_argument("--data-dir", help="read a full-size data set from this folder instead of data/")
    p.add_argument("--arch", choices=["as-exported", "resnet18"], default="as-exported")
    p.add_argument("--out", help="write the metrics JSON here")
    p.add_argument("--run", default=os.path.join(HERE, "run.json"), help="run.json (default: beside train.py)")
    p.add_argument("--no-augment", action="store_true", help="identical views (debugging)")
    return p.parse_args(argv)


def format_metrics(m: dict) -> str:
    lines = [f"step {m['step']}"]
    for key in SCALAR_METRICS:
        v = m.get(key)
        if v is not None:
            lines.append(f"{key}: {v:.4f}" if math.isfinite(v) else f"{key}: {v}")
    for key in ("commonProbe", "salientProbe"):
        if m.get(key):
            lines.append(f"{key}: " + ", ".join(f"{k} {v:.3f}" for k, v in m[key].items()))
    return "\n".join(lines)


def load_weights(folder: str):
    import numpy as np

    index_path = os.path.join(folder, "weights", "weights.json")
    if not os.path.exists(index_path):
        return None
    with open(index_path) as f:
        index = json.load(f)
    tensors = []
    for t in index["tensors"]:
        a = np.load(os.path.join(folder, t["file"]), allow_pickle=False)
        if list(a.shape) != list(t["shape"]):
            raise ValueError(f"{t['file']}: shape {list(a.shape)}, weights.json says {t['shape']}")
        tensors.append(a)
    return index.get("step", 0), tensors


# Debian's torch 1.13 with gloo can deadlock when a DDP model is freed: the reducer's destructor holds
# the GIL and joins a gloo thread that waits for the GIL to free a tensor (seen on one launch of
# train.py as two ranks in three). A DDP rank therefore keeps its trainer alive and leaves with
# os._exit once its outputs are written and flushed: there is nothing left to release.
_KEEP_UNTIL_EXIT: list = []


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    from cplay import distributed as D
    from cplay.config import load_run
    from cplay.data import read_data_dir, read_export_data
    from cplay.trainer import Session, Trainer

    run = load_run(args.run)
    config = run["config"]
    if args.steps is not None:
        config["steps"] = args.steps
    if args.seed is not None:
        config["seed"] = args.seed
    if args.eval_every is not None:
        if args.eval_every < 1:
            raise ValueError("--eval-every must be at least 1")
        config["evalEvery"] = args.eval_every
    folder = os.path.dirname(os.path.abspath(args.run))
    info = D.setup(args.device)
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if info.is_main else (lambda *a: None)
    try:
        t0 = time.perf_counter()
        if args.data_dir:
            exported_info = {}
            if os.path.exists(os.path.join(folder, "data", "dataset.json")):
                with open(os.path.join(folder, "data", "dataset.json")) as f:
                    exported_info = json.load(f).get("info", {})
            dataset = read_data_dir(
                args.data_dir,
                dataset_name=config["dataset"]["name"],
                class_label=exported_info.get("classLabel") or "label",
                seed=int(config["seed"]),
            )
        else:
            dataset = read_export_data(os.path.join(folder, "data"))
        load_ms = (time.perf_counter() - t0) * 1000
        if args.arch == "as-exported":
            torch.manual_seed(int(config["seed"]))
        trainer = Trainer(run, dataset, info, arch=args.arch, augmentations=not args.no_augment)
        if info.enabled:
            _KEEP_UNTIL_EXIT.append(trainer)
        weights = load_weights(folder) if args.arch == "as-exported" else None
        if weights is not None:
            try:
                trainer.load_ts_weights(weights[1])
                log(f"starting from the exported weights (step {weights[0]})")
            except ValueError as e:
                if not args.data_dir:
                    raise
                # Another data set (e.g. CIFAR-10 for a run exported on MNIST) may change the input size.
                log(f"the exported weights do not fit the --data-dir images ({e}); starting from the seeded initialisation")
        k = info.world
        log(
            f"{config['loss']['name']} on {dataset.info['id']} ({dataset.train.n} train, {dataset.test.n} test), "
            f"{args.arch}, {k} rank{'s' if k > 1 else ''} on {info.device.type}, global batch {config['batchSize']}"
        )

        def progress(m: dict) -> None:
            log(f"step {m['step']}/{config['steps']}  " + "  ".join(
                f"{key} {m[key]:.4f}" for key in SCALAR_METRICS if isinstance(m.get(key), float)
            ))

        session = Session(trainer, log=progress)
        t1 = time.perf_counter()
        outcome = session.play(int(config["steps"]), int(config["evalEvery"]))
        train_ms = (time.perf_counter() - t1) * 1000
        if not info.is_main:
            return 0 if outcome == "finished" else 1
        final = session.history[-1] if session.history else session.evaluate_now()
        result = {
            "config": config,
            "backend": f"pytorch-{info.device.type}",
            "history": session.history,
            "final": final,
            "timing": {
                "loadMs": load_ms,
                "trainMs": train_ms,
                "msPerStep": train_ms / trainer.step_count if trainer.step_count else 0,
            },
            "pytorch": {"version": torch.__version__, "ranks": k, "arch": args.arch, "device": str(info.device)},
        }
        if session.error:
            result["error"] = session.error
        print(format_metrics(final))
        print(
            f"timing: load {load_ms / 1000:.1f} s, train {train_ms / 1000:.1f} s "
            f"({result['timing']['msPerStep']:.0f} ms/step, {k} × {info.device.type})"
        )
        if args.out:
            with open(args.out, "w") as f:
                json.dump(result, f, indent=2, allow_nan=True)
        if outcome == "paused":
            print(f"stopped early: {session.error}", file=sys.stderr)
            return 1
        return 0
    finally:
        D.cleanup(info)


def _exit(code: int) -> None:
    if _KEEP_UNTIL_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    try:
        code = main()
    except (ValueError, FileNotFoundError, KeyError) as e:
        print(f"train.py: {e}", file=sys.stderr)
        code = 2
    _exit(code)
