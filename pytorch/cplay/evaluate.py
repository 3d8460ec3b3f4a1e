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
``biasPredictability``; with a (non-learnt) regression target: ``regressionMAE``, ``regressionR2``; for sepclr with
``salient`` and ``isTarget`` flags: ``commonProbe`` / ``salientProbe`` ({label: accuracy}). ``loss`` and
``transfer`` are not computed here (the trainer logs the loss; the transfer study is not exported).
Values are Python floats (NaN where the TS metric gives NaN). Tensors may live on any device, any float dtype.
"""
