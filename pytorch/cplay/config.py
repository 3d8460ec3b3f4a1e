"""run.json of an export (EXPORT_FORMAT.md): the TrainingConfig with the engine's defaults, the
loss's effective parameters and its input style. When an older or hand-written run.json lacks
`lossParams` / `lossStyle`, they are derived here as src/contracts/lossParams.ts and
src/engine/lossInputs.ts derive them."""

from __future__ import annotations

import copy
import json
import os
from typing import Any, Dict

STYLES = {
    "nt_xent": "view-major",
    "supcon": "view-major",
    "eps_supinfonce": "view-major",
    "eps_supcon": "view-major",
    "kernelized_supcon": "view-major",
    "y_aware_infonce": "view-major",
    "align_uniform": "pairs",
    "dcl": "pairs",
    "dclw": "pairs",
    "decoupled_uniformity": "sample-major",
    "sepclr": "sepclr",
}

ENCODER_DEFAULTS = {
    "mlp": {"hidden": [256, 128], "projectionHidden": 128},
    "cnn": {"channels": [16, 32], "representation": 128, "projectionHidden": 128},
}


def loss_style(name: str) -> str:
    if name not in STYLES:
        raise ValueError(f"'{name}' cannot be trained on (valid: {', '.join(STYLES)})")
    return STYLES[name]


def effective_loss_params(config: dict) -> Dict[str, Any]:
    """The loss's parameters after the config's overrides (views, kernel): lossParams.ts."""
    params = {k: v for k, v in config["loss"].items() if k != "name"}
    name = config["loss"]["name"]
    if name in ("supcon", "eps_supinfonce", "eps_supcon", "kernelized_supcon"):
        params["n_views"] = config.get("views", 2)
    kernel = config.get("kernel")
    if kernel:
        kname, sigma = kernel["name"], kernel.get("sigma")
        if name == "kernelized_supcon":
            if kname == "cosine":
                raise ValueError("kernelized_supcon takes a gaussian, rbf or cauchy kernel")
            params["kernel"] = kname
            if sigma is not None:
                params["sigma"] = sigma
        elif name == "y_aware_infonce":
            if kname != "rbf":
                raise ValueError("y_aware_infonce uses the rbf kernel")
            if sigma is not None:
                params["sigma"] = sigma
        elif name == "decoupled_uniformity":
            if kname not in ("rbf", "cosine"):
                raise ValueError("decoupled_uniformity takes an rbf or cosine kernel prior")
            params["kernel"] = kname
            if sigma is not None:
                params["sigma"] = sigma
    return params


def with_defaults(config: dict) -> dict:
    """The zod defaults of trainingConfig.ts / encoderConfig.ts, for a config that lacks them."""
    c = copy.deepcopy(config)
    c.setdefault("positives", {"name": "views"})
    c.setdefault("views", 2)
    c.setdefault("evalEvery", 50)
    ev = c.setdefault("evaluation", {})
    ev.setdefault("maxTrain", 2000)
    ev.setdefault("maxTest", 1000)
    ev.setdefault("knnK", 20)
    for key in ("encoder", "salientEncoder"):
        enc = c.get(key)
        if enc:
            for k, v in ENCODER_DEFAULTS.get(enc["name"], {}).items():
                enc.setdefault(k, v)
    for key in ("dataset", "loss", "encoder", "embeddingDim", "batchSize", "optimizer", "steps", "seed"):
        if key not in c:
            raise ValueError(f"run.json: config.{key} is missing")
    return c


def load_run(path: str) -> dict:
    """Reads run.json (a path to it or to the export folder)."""
    if os.path.isdir(path):
        path = os.path.join(path, "run.json")
    with open(path) as f:
        run = json.load(f)
    if "config" not in run:  # a bare TrainingConfig
        run = {"format": "cplay-export/1", "config": run}
    fmt = run.get("format", "cplay-export/1")
    if fmt != "cplay-export/1":
        raise ValueError(f"{path}: format '{fmt}' is not cplay-export/1")
    run["config"] = with_defaults(run["config"])
    name = run["config"]["loss"]["name"]
    run.setdefault("lossStyle", loss_style(name))
    if not run.get("lossParams"):
        run["lossParams"] = effective_loss_params(run["config"])
    return run
