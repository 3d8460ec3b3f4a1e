"""Held-out evaluation of a run, mirroring src/engine/evaluate.ts (same metric names and rules).

The trainer embeds the data itself (its own encoder, device, batch size) and hands plain tensors
here; nothing in this module needs a gradient.

Signature (the trainer calls exactly this)::

    evaluate(
        *,
        step: int,
        loss_name: str,                 # config.loss.name ('sepclr' switches kNN/probes to the SepCLR probes)
        info: dict,                     # DatasetInfo as in data/dataset.json ("classLabel", "biasLabel", "labels", "attributes", ...)
        train: dict,                    # {"representation": [n, r], "salient": [n, s] (SepCLR only),
        test: dict,                     #  "projection": [n, p] (test; raw head output, normalised here),
                                        #  "labels": {name: int [N]}, "attributes": {name: float [N]}, "flags": {name: 0/1 [N]}}
                                        # label/attribute/flag arrays may be longer than n (the whole split): the first
                                        # n rows are used, as the TS `head(values, n)` does.
        views: tuple | None = None,     # (first, second): projections [m, p] of two augmented views of the first
                                        # m = min(maxTest, 512) test samples (raw or normalised; normalised here)
        positives_attribute: str | list[str] | None = None,  # config.positives.attribute (regression target choice)
        knn_k: int = 20,                # config.evaluation.knnK
        quick: bool = False,            # only {"step", "uniformity"} (the TS quick first frame)
    ) -> dict

Returns the metrics record of `evaluate.ts` (keys absent when they do not apply, exactly as there):
``step``, ``alignment`` (needs ``views``), ``uniformity``, ``effectiveRank``; with a class label and a loss other
than sepclr: ``knnAccuracy``, ``linearProbeAccuracy``, and with a bias label, test ``biasAligned`` flags and bias
labels in both splits: ``biasAlignedAccuracy`` / ``biasConflictingAccuracy`` (each absent when its group is empty),
``biasPredictability``; with a bias label but no ``biasAligned`` flags (brain MRI's site), for every loss:
``biasPredictability`` as the balanced accuracy of a linear probe for the bias label; with a (non-learnt) regression target: ``regressionMAE``, ``regressionR2``; for sepclr with
``salient`` and ``isTarget`` flags: ``commonProbe`` / ``salientProbe`` ({label: accuracy}). ``loss`` and
``transfer`` are not computed here (the trainer logs the loss; the transfer study is not exported).
Values are Python floats (NaN where the TS metric gives NaN). Tensors may live on any device, any float dtype.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch

from . import metrics as M


def _head(values: Any, n: int) -> Optional[torch.Tensor]:
    """The first n entries (TS `head`), or None when absent."""
    if values is None:
        return None
    t = torch.as_tensor(values).detach().reshape(-1)
    if t.shape[0] < n:
        raise ValueError(f"evaluate: an array has {t.shape[0]} entries for {n} embedded rows")
    return t[:n]


def _get(split: Mapping[str, Any], group: str, name: Optional[str], n: int) -> Optional[torch.Tensor]:
    if name is None:
        return None
    return _head((split.get(group) or {}).get(name), n)


def regression_target(info: Mapping[str, Any], positives_attribute: Union[str, Sequence[str], None]) -> Optional[str]:
    """The attribute to regress: the one defining the positives, else the data set's first; learnt
    prior features (VAE latents) never count (evaluate.ts `regressionTarget`)."""
    attributes = info.get("attributes") or []
    learnt = {a["name"] for a in attributes if a.get("learnt")}
    named: List[str] = [positives_attribute] if isinstance(positives_attribute, str) else list(positives_attribute or [])
    names = [n for n in named if n not in learnt]
    if names:
        return names[0]
    for a in attributes:
        if not a.get("learnt"):
            return a["name"]
    return None


def _target_probes(info: Mapping[str, Any], train: Mapping[str, Any], test: Mapping[str, Any]) -> Dict[str, Any]:
    """Each label probed from the common and the salient space, on target samples only."""
    rep_tr, rep_te = train["representation"], test["representation"]
    n_tr, n_te = rep_tr.shape[0], rep_te.shape[0]
    keep_tr = _get(train, "flags", "isTarget", n_tr)
    keep_te = _get(test, "flags", "isTarget", n_te)
    if keep_tr is None or keep_te is None or train.get("salient") is None or test.get("salient") is None:
        return {}
    keep_tr = keep_tr.to(rep_tr.device) != 0
    keep_te = keep_te.to(rep_te.device) != 0
    # TS throws here (an empty probe input); no metric is the gentler answer.
    if not bool(keep_tr.any()) or not bool(keep_te.any()):
        return {}
    labels: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}
    for label in info.get("labels") or []:
        y_tr = _get(train, "labels", label["name"], n_tr)
        y_te = _get(test, "labels", label["name"], n_te)
        if y_tr is None or y_te is None:
            continue
        sel_tr, sel_te = y_tr.to(keep_tr.device)[keep_tr], y_te.to(keep_te.device)[keep_te]
        if torch.unique(sel_tr).numel() >= 2:
            labels[label["name"]] = (sel_tr, sel_te)
    if not labels:
        return {}
    spaces = {
        "common": (rep_tr[keep_tr], rep_te[keep_te]),
        "salient": (train["salient"][keep_tr], test["salient"][keep_te]),
    }
    return M.sepclr_probes(spaces, labels)


def evaluate(
    *,
    step: int,
    loss_name: str,
    info: Mapping[str, Any],
    train: Mapping[str, Any],
    test: Mapping[str, Any],
    views: Optional[Tuple[Any, Any]] = None,
    positives_attribute: Union[str, Sequence[str], None] = None,
    knn_k: int = 20,
    quick: bool = False,
) -> Dict[str, Any]:
    """The metrics record of evaluate.ts; see the module docstring for every argument and key."""
    test_rep = test["representation"]
    n_test = test_rep.shape[0]
    unit = M.normalize_rows(test["projection"])
    record: Dict[str, Any] = {"step": int(step)}
    if quick:
        record["uniformity"] = M.uniformity(unit)
        return record
    train_rep = train["representation"]
    n_train = train_rep.shape[0]
    if views is not None:
        record["alignment"] = M.alignment(M.normalize_rows(views[0]), M.normalize_rows(views[1]))
    record["uniformity"] = M.uniformity(unit)
    record["effectiveRank"] = M.effective_rank(test_rep)

    class_label = info.get("classLabel")
    y_tr = _get(train, "labels", class_label, n_train)
    y_te = _get(test, "labels", class_label, n_test)
    if y_tr is not None and y_te is not None and loss_name != "sepclr":
        record["knnAccuracy"] = M.knn_accuracy(train_rep, y_tr, test_rep, y_te, k=knn_k)
        bias_label = info.get("biasLabel")
        aligned = _get(test, "flags", "biasAligned", n_test)
        b_tr = _get(train, "labels", bias_label, n_train)
        b_te = _get(test, "labels", bias_label, n_test)
        if bias_label and aligned is not None and b_tr is not None and b_te is not None:
            bias = M.bias_metrics(train_rep, y_tr, b_tr, test_rep, y_te, b_te, aligned)
            record["linearProbeAccuracy"] = bias["linearProbeAccuracy"]
            for key in ("biasAlignedAccuracy", "biasConflictingAccuracy"):
                if key in bias:
                    record[key] = bias[key]
            record["biasPredictability"] = bias["biasPredictability"]
        else:
            record["linearProbeAccuracy"] = M.linear_probe_accuracy(train_rep, y_tr, test_rep, y_te)

    # A confound without bias-aligned flags (brain MRI's site), as evaluate.ts: how well a linear probe
    # reads it from the representation, as a balanced accuracy (sites are not equally frequent), for
    # every loss (SepCLR's common space included).
    if "biasPredictability" not in record:
        bias_label = info.get("biasLabel")
        b_tr = _get(train, "labels", bias_label, n_train)
        b_te = _get(test, "labels", bias_label, n_test)
        if bias_label and b_tr is not None and b_te is not None and torch.unique(b_tr).numel() >= 2:
            probe = M.LinearProbe().fit(train_rep, b_tr)
            record["biasPredictability"] = M.balanced_accuracy(probe.predict(test_rep), b_te)

    target = regression_target(info, positives_attribute)
    a_tr = _get(train, "attributes", target, n_train)
    a_te = _get(test, "attributes", target, n_test)
    if target and a_tr is not None and a_te is not None:
        ridge = M.ridge_regression(train_rep, a_tr, test_rep, a_te)
        record["regressionMAE"] = ridge["mae"]
        record["regressionR2"] = ridge["r2"]

    if loss_name == "sepclr" and train.get("salient") is not None and test.get("salient") is not None:
        record.update(_target_probes(info, train, test))
    return record


def snapshot_histograms(info: Mapping[str, Any], test: Mapping[str, Any], bins: int = 40) -> Optional[Dict[str, Any]]:
    """The snapshot's similarity histograms of evaluate.ts (normalised test projections, class label,
    split by the bias label when there is one); None without a class label."""
    n = test["projection"].shape[0]
    y = _get(test, "labels", info.get("classLabel"), n)
    if y is None:
        return None
    bias = _get(test, "labels", info.get("biasLabel"), n)
    h = M.similarity_histograms(M.normalize_rows(test["projection"]), y, bins=bins, bias_labels=bias)
    out = {"edges": h["edges"], "positive": h["positive"], "negative": h["negative"]}
    if "byBias" in h:
        out["byBias"] = h["byBias"]
    return out
