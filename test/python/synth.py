"""Small synthetic exports (EXPORT_FORMAT.md) for the Python tests: run.json plus data/ written
with NumPy, so the trainer is tested without the Node exporter."""

from __future__ import annotations

import json
import os
import socket
from typing import Optional

import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_export(
    folder: str,
    config: dict,
    dataset_id: str = "mnist",
    n_train: int = 96,
    n_test: int = 48,
    shape=(8, 8, 1),
    dtype: str = "uint8",
    bias: bool = False,
    target_flag: bool = False,
    attribute: Optional[str] = None,
    seed: int = 0,
) -> str:
    """Images whose class shows as a bright block (so training can learn something), labels
    `digit` (4 classes), optional bias label `color`, attribute, and isTarget flag."""
    rng = np.random.default_rng(seed)
    h, w, c = shape
    os.makedirs(os.path.join(folder, "data"), exist_ok=True)
    splits = {}
    for split, n in (("train", n_train), ("test", n_test)):
        digit = (np.arange(n) % 4).astype(np.int32)
        x = rng.random((n, h, w, c)) * 0.3
        for i in range(n):
            r0 = (digit[i] // 2) * (h // 2)
            c0 = (digit[i] % 2) * (w // 2)
            x[i, r0 : r0 + h // 2, c0 : c0 + w // 2, :] += 0.6
        x = np.clip(x, 0, 1)
        entry = {"n": n, "labels": {"digit": f"data/{split}_digit.npy"}, "attributes": {}, "flags": {}}
        np.save(os.path.join(folder, entry["labels"]["digit"]), digit)
        if dtype == "uint8":
            np.save(os.path.join(folder, f"data/{split}_x.npy"), np.round(x * 255).astype(np.uint8))
        else:
            np.save(os.path.join(folder, f"data/{split}_x.npy"), x.astype(np.float32))
        entry["x"] = f"data/{split}_x.npy"
        if bias:
            color = np.where(rng.random(n) < 0.8, digit % 2, 1 - digit % 2).astype(np.int32)
            np.save(os.path.join(folder, f"data/{split}_color.npy"), color)
            entry["labels"]["color"] = f"data/{split}_color.npy"
            aligned = (color == digit % 2).astype(np.uint8)
            np.save(os.path.join(folder, f"data/{split}_aligned.npy"), aligned)
            entry["flags"]["biasAligned"] = f"data/{split}_aligned.npy"
        if target_flag:
            flag = (np.arange(n) % 3 == 0).astype(np.uint8)
            np.save(os.path.join(folder, f"data/{split}_target.npy"), flag)
            entry["flags"]["isTarget"] = f"data/{split}_target.npy"
        if attribute:
            age = (digit * 10 + rng.random(n) * 5).astype(np.float32)
            np.save(os.path.join(folder, f"data/{split}_{attribute}.npy"), age)
            entry["attributes"][attribute] = f"data/{split}_{attribute}.npy"
        splits[split] = entry
    info = {
        "id": dataset_id,
        "title": "synthetic",
        "description": "test data",
        "source": "test",
        "licence": "",
        "imageShape": {"height": h, "width": w, "channels": c},
        "labels": [{"name": "digit", "classNames": ["0", "1", "2", "3"]}]
        + ([{"name": "color", "classNames": ["a", "b"]}] if bias else []),
        "attributes": [{"name": attribute, "min": 0, "max": 40}] if attribute else [],
        "classLabel": "digit",
        "hasTargetFlag": target_flag,
    }
    if bias:
        info["biasLabel"] = "color"
    with open(os.path.join(folder, "data", "dataset.json"), "w") as f:
        json.dump({"info": info, "config": {"name": dataset_id}, "splits": splits}, f)
    with open(os.path.join(folder, "run.json"), "w") as f:
        json.dump({"format": "cplay-export/1", "config": config, "source": {"from": "config"}, "weights": None}, f)
    return folder


def base_config(**over) -> dict:
    c = {
        "dataset": {"name": "mnist"},
        "positives": {"name": "views"},
        "loss": {"name": "nt_xent", "temperature": 0.1},
        "encoder": {"name": "mlp", "hidden": [32, 16], "projectionHidden": 16},
        "embeddingDim": 8,
        "batchSize": 16,
        "views": 2,
        "optimizer": {"name": "adam", "lr": 0.001},
        "steps": 20,
        "evalEvery": 10,
        "seed": 3,
        "evaluation": {"maxTrain": 96, "maxTest": 48, "knnK": 5},
    }
    c.update(over)
    return c
