"""Evaluation metrics of a representation, mirroring src/ml/metrics/ (same definitions and rules).

No gradient anywhere. Inputs are tensors (any device, any float dtype) of shape [n, dim] and
integer labels [n]; computation is in float64 as in the TS core, results are Python floats.

Differences from the TS core, all at the level of float64 rounding:
- Singular values come from torch.linalg.svdvals instead of the eigenvalues of XᵀX.
- Ridge solves the normal equations with torch.linalg.solve instead of a hand-written Cholesky.
- The linear probe's L-BFGS is the TS algorithm step for step (two-loop recursion, Armijo
  backtracking from step 1, same stopping rules); only the order of float64 sums differs.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

F64 = torch.float64


def _rows(x: Any, name: str, dim: Optional[int] = None) -> torch.Tensor:
    t = torch.as_tensor(x).detach()
    if t.dim() == 1 and dim is not None:
        t = t.reshape(-1, dim)
    if t.dim() != 2 or t.shape[0] < 1 or t.shape[1] < 1:
        raise ValueError(f"{name} must be [n, dim] with n ≥ 1, got shape {tuple(t.shape)}")
    t = t.to(F64)
    if not torch.isfinite(t).all():
        bad = int((~torch.isfinite(t)).nonzero()[0, 0])
        raise ValueError(f"{name} holds a non-finite value at row {bad}")
    return t


def _labels(y: Any, n: int, name: str, device: torch.device) -> torch.Tensor:
    t = torch.as_tensor(y).detach().reshape(-1)
    if t.shape[0] != n:
        raise ValueError(f"{name} has {t.shape[0]} entries but there are {n} rows")
    if t.is_floating_point():
        if not torch.equal(t, t.round()):
            raise ValueError(f"{name} must hold integer labels")
    return t.to(torch.int64).to(device)


def _unit_rows(x: torch.Tensor, zero_floor: bool = True) -> torch.Tensor:
    """Rows scaled to unit norm; a zero row stays zero (cosine 0 with everything)."""
    norm = x.norm(dim=1, keepdim=True)
    return torch.where(norm > 0, x / torch.where(norm > 0, norm, torch.ones_like(norm)), torch.zeros_like(x))


def normalize_rows(x: torch.Tensor) -> torch.Tensor:
    """x / max(‖x‖, 1e-12) row-wise, as evaluate.ts normalises projections."""
    x = torch.as_tensor(x).detach()
    return x / torch.clamp_min(x.to(F64).norm(dim=1, keepdim=True), 1e-12).to(x.dtype)


# ---------------------------------------------------------------- embedding metrics (embedding.ts)


def alignment(x: Any, y: Any, alpha: float = 2.0) -> float:
    """(1/n) Σ_i ‖x_i − y_i‖^α over positive pairs (rows of x and y)."""
    a, b = _rows(x, "x"), _rows(y, "y")
    if a.shape != b.shape:
        raise ValueError("alignment: x and y must both be [n, dim]")
    sq = ((a - b) ** 2).sum(dim=1)
    return float((sq if alpha == 2 else sq ** (alpha / 2)).mean())


def _pair_sq_dists(x: torch.Tensor) -> torch.Tensor:
    if x.shape[0] * x.shape[0] * x.shape[1] <= (1 << 24):
        return ((x.unsqueeze(1) - x.unsqueeze(0)) ** 2).sum(-1)
    sq = (x * x).sum(1)
    return torch.clamp_min(sq.unsqueeze(1) + sq.unsqueeze(0) - 2 * x @ x.T, 0)


def uniformity(x: Any, t: float = 2.0) -> float:
    """log of the mean of exp(−t‖x_i − x_j‖²) over distinct pairs, stably; NaN for n < 2."""
    a = _rows(x, "x")
    n = a.shape[0]
    if n < 2:
        return math.nan
    iu = torch.triu_indices(n, n, 1, device=a.device)
    logits = -t * _pair_sq_dists(a)[iu[0], iu[1]]
    return float(torch.logsumexp(logits, 0) - math.log(logits.numel()))


def effective_rank(x: Any) -> float:
    """exp(H(p)), p_k = σ_k / Σσ over the singular values (Roy & Vetterli 2007): 1 when collapsed."""
    a = _rows(x, "x")
    s = torch.linalg.svdvals(a)
    total = float(s.sum())
    if total == 0:
        return 1.0
    p = s / total
    p = p[p > 0]
    return float(torch.exp(-(p * torch.log(p)).sum()))


# ---------------------------------------------------------------- kNN (knn.ts)


def knn_classify(
    train_x: Any, train_labels: Any, test_x: Any, k: int = 20, metric: str = "cosine", chunk: int = 256
) -> Tuple[torch.Tensor, int]:
    """(predictions, k used): majority vote of the k most similar train rows; a tie in votes goes to
    the larger summed similarity, then the smaller label; equal similarities rank the lower index first."""
    a = _rows(train_x, "trainX")
    b = _rows(test_x, "testX")
    if a.shape[1] != b.shape[1]:
        raise ValueError("knn: train and test rows have different widths")
    y = _labels(train_labels, a.shape[0], "trainLabels", a.device)
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"knn: k must be a positive integer, got {k}")
    if metric not in ("cosine", "euclidean"):
        raise ValueError(f"knn: metric must be 'cosine' or 'euclidean', got {metric!r}")
    k = min(k, a.shape[0])
    cosine = metric == "cosine"
    if cosine:
        a, b = _unit_rows(a), _unit_rows(b)
    classes, dense = torch.unique(y, sorted=True, return_inverse=True)
    c = classes.shape[0]
    out = torch.empty(b.shape[0], dtype=torch.int64, device=a.device)
    a_sq = (a * a).sum(1)
    for start in range(0, b.shape[0], chunk):
        part = b[start : start + chunk]
        scores = part @ a.T
        if not cosine:
            scores = 2 * scores - a_sq.unsqueeze(0) - (part * part).sum(1, keepdim=True)
        order = torch.sort(scores, dim=1, descending=True, stable=True)
        top_scores = order.values[:, :k]
        top_class = dense[order.indices[:, :k]]
        sims = top_scores if cosine else -torch.sqrt(torch.clamp_min(-top_scores, 0))
        votes = torch.zeros(part.shape[0], c, dtype=F64, device=a.device).scatter_add_(1, top_class, torch.ones_like(sims))
        sim_sums = torch.zeros(part.shape[0], c, dtype=F64, device=a.device).scatter_add_(1, top_class, sims)
        best = votes.max(dim=1, keepdim=True).values
        # Among the classes with the most votes, the largest similarity sum; argmax keeps the first (smaller) class.
        key = torch.where(votes == best, sim_sums, torch.full_like(sim_sums, -math.inf))
        out[start : start + chunk] = classes[key.argmax(dim=1)]
    return out, k


def accuracy_of(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    return float((predictions.to(labels.device) == labels).to(F64).mean())


def knn_accuracy(train_x: Any, train_labels: Any, test_x: Any, test_labels: Any, k: int = 20, metric: str = "cosine") -> float:
    """Fraction of test rows whose kNN prediction equals their label (see knn_classify)."""
    pred, _ = knn_classify(train_x, train_labels, test_x, k, metric)
    return accuracy_of(pred, _labels(test_labels, pred.shape[0], "testLabels", pred.device))


# ---------------------------------------------------------------- linear probe (probes.ts)


def feature_stats(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-feature mean and population std (float64); a constant feature gets std 1."""
    mean = x.mean(dim=0)
    std = torch.sqrt(((x - mean) ** 2).mean(dim=0))
    constant = ~(std > 1e-12 * torch.clamp_min(mean.abs(), 1))
    return mean, torch.where(constant, torch.ones_like(std), std)


def _lbfgs(f, theta: torch.Tensor, max_iterations: int, tolerance: float, memory: int) -> Tuple[int, float, torch.Tensor]:
    """L-BFGS exactly as probes.ts: two-loop recursion, H0 = (sᵀy/yᵀy)·I, Armijo backtracking from
    step 1 (first step of length 1), curvature pairs kept when sᵀy > 1e-12·‖s‖‖y‖."""
    value, grad = f(theta)
    s_list: List[torch.Tensor] = []
    y_list: List[torch.Tensor] = []
    rho: List[float] = []
    iterations = 0
    while iterations < max_iterations and float(grad.abs().max()) > tolerance:
        direction = -grad
        alpha = [0.0] * len(s_list)
        for m in range(len(s_list) - 1, -1, -1):
            alpha[m] = rho[m] * float(s_list[m] @ direction)
            direction = direction - alpha[m] * y_list[m]
        if s_list:
            gamma = 1.0 / (rho[-1] * float(y_list[-1] @ y_list[-1]))
            direction = direction * gamma
            for m in range(len(s_list)):
                beta = rho[m] * float(y_list[m] @ direction)
                direction = direction + (alpha[m] - beta) * s_list[m]
            initial = 1.0
        else:
            initial = 1.0 / math.sqrt(float(grad @ grad))
        slope = float(grad @ direction)
        if not slope < 0:
            s_list, y_list, rho = [], [], []
            direction = -grad
            slope = -float(grad @ grad)
            initial = 1.0 / math.sqrt(-slope)
        step = initial
        trial_value, trial_grad, trial = math.inf, grad, theta
        for _ in range(40):
            trial = theta + step * direction
            trial_value, trial_grad = f(trial)
            if trial_value <= value + 1e-4 * step * slope:
                break
            step *= 0.5
        iterations += 1
        if not trial_value < value:
            break
        s = trial - theta
        yv = trial_grad - grad
        sy = float(s @ yv)
        if sy > 1e-12 * math.sqrt(float(s @ s) * float(yv @ yv)):
            if len(s_list) == memory:
                s_list.pop(0)
                y_list.pop(0)
                rho.pop(0)
            s_list.append(s)
            y_list.append(yv)
            rho.append(1.0 / sy)
        decrease = value - trial_value
        theta, grad, value = trial, trial_grad, trial_value
        if decrease <= 1e-12 * max(1.0, abs(value)):
            break
    return iterations, value, theta


class LinearProbe:
    """Softmax regression on standardised features, fitted by full-batch L-BFGS from zero weights
    (deterministic): L2 penalty (l2/2)‖W‖² on the weights, not the biases (probes.ts defaults)."""

    def __init__(self, l2: float = 1e-3, max_iterations: int = 100, tolerance: float = 1e-5, history: int = 10):
        if not (l2 >= 0 and math.isfinite(l2)):
            raise ValueError(f"linear probe: l2 must be a finite number ≥ 0, got {l2}")
        self.l2, self.max_iterations, self.tolerance, self.history = l2, max_iterations, tolerance, history

    def fit(self, x: Any, labels: Any) -> "LinearProbe":
        a = _rows(x, "x")
        y = _labels(labels, a.shape[0], "labels", a.device)
        self.classes, index = torch.unique(y, sorted=True, return_inverse=True)
        self.mean, self.std = feature_stats(a)
        z = (a - self.mean) / self.std
        n, d = z.shape
        c = self.classes.shape[0]
        one_hot = torch.nn.functional.one_hot(index, c).to(F64)
        l2 = self.l2

        def objective(theta: torch.Tensor) -> Tuple[float, torch.Tensor]:
            w = theta[: c * d].reshape(c, d)
            b = theta[c * d :]
            logits = z @ w.T + b
            log_sum = torch.logsumexp(logits, dim=1)
            loss = float((log_sum - (logits * one_hot).sum(1)).sum()) / n
            residual = (torch.exp(logits - log_sum.unsqueeze(1)) - one_hot) / n
            grad_w = residual.T @ z + l2 * w
            grad_b = residual.sum(0)
            return loss + 0.5 * l2 * float((w * w).sum()), torch.cat([grad_w.reshape(-1), grad_b])

        theta = torch.zeros(c * d + c, dtype=F64, device=a.device)
        self.iterations, self.loss, final = _lbfgs(objective, theta, self.max_iterations, self.tolerance, self.history)
        self.weights = final[: c * d].reshape(c, d)
        self.bias = final[c * d :]
        return self

    def predict(self, x: Any) -> torch.Tensor:
        z = (_rows(x, "x") - self.mean) / self.std
        # argmax keeps the first maximum: ties go to the smaller label, as probes.ts.
        return self.classes[(z @ self.weights.T + self.bias).argmax(dim=1)]


def linear_probe(train_x: Any, train_labels: Any, test_x: Any, test_labels: Any, **options: Any) -> Dict[str, Any]:
    """{accuracy, predictions, trainAccuracy, model}; test labels absent from train count as errors."""
    model = LinearProbe(**options).fit(train_x, train_labels)
    pred = model.predict(test_x)
    y_test = _labels(test_labels, pred.shape[0], "testLabels", pred.device)
    y_train = _labels(train_labels, _rows(train_x, "trainX").shape[0], "trainLabels", pred.device)
    return {
        "accuracy": accuracy_of(pred, y_test),
        "predictions": pred,
        "trainAccuracy": accuracy_of(model.predict(train_x), y_train),
        "model": model,
    }


def linear_probe_accuracy(train_x: Any, train_labels: Any, test_x: Any, test_labels: Any, **options: Any) -> float:
    return linear_probe(train_x, train_labels, test_x, test_labels, **options)["accuracy"]


def balanced_accuracy(predicted: Any, truth: Any) -> float:
    """Mean over the true classes of each class's recall (engine/transfer.ts' balancedAccuracy); NaN when empty."""
    p = torch.as_tensor(predicted).reshape(-1)
    t = torch.as_tensor(truth).reshape(-1).to(p.device)
    classes = torch.unique(t)
    if classes.numel() == 0:
        return float("nan")
    recalls = [float((p[t == c] == c).double().mean()) for c in classes]
    return sum(recalls) / len(recalls)


# ---------------------------------------------------------------- ridge regression (regression.ts)


def ridge_regression(train_x: Any, train_y: Any, test_x: Any, test_y: Any, lam: float = 1.0) -> Dict[str, Any]:
    """Ridge on train-standardised features, free intercept: ‖y − Zw − b‖² + λ‖w‖² (sklearn's alpha),
    scored on test: {mae, r2 (NaN when the test targets are constant), predictions, weights, intercept}."""
    if not (lam >= 0 and math.isfinite(lam)):
        raise ValueError(f"ridge: lambda must be a finite number ≥ 0, got {lam}")
    a = _rows(train_x, "trainX")
    b = _rows(test_x, "testX")
    y_tr = torch.as_tensor(train_y).detach().to(F64).to(a.device).reshape(a.shape[0], -1)
    y_te = torch.as_tensor(test_y).detach().to(F64).to(a.device).reshape(b.shape[0], -1)
    if not (torch.isfinite(y_tr).all() and torch.isfinite(y_te).all()):
        raise ValueError("ridge: targets must be finite")
    mean, std = feature_stats(a)
    z = torch.cat([(a - mean) / std, torch.ones(a.shape[0], 1, dtype=F64, device=a.device)], dim=1)
    d = a.shape[1]
    gram = z.T @ z
    diag = torch.arange(d, device=a.device)
    gram[diag, diag] += lam
    try:
        solution = torch.linalg.solve(gram, z.T @ y_tr)
    except RuntimeError as error:
        raise ValueError(f"ridge: the normal equations are singular ({error}); use lambda > 0") from error
    weights, intercept = solution[:d], solution[d]
    pred = ((b - mean) / std) @ weights + intercept
    err = y_te - pred
    mae = err.abs().mean(0)
    ss_tot = ((y_te - y_te.mean(0)) ** 2).sum(0)
    ss_res = (err**2).sum(0)
    r2 = torch.where(ss_tot > 0, 1 - ss_res / torch.where(ss_tot > 0, ss_tot, torch.ones_like(ss_tot)), torch.full_like(ss_tot, math.nan))
    return {"mae": float(mae.mean()), "r2": float(r2.mean()), "predictions": pred, "weights": weights, "intercept": intercept}


# ---------------------------------------------------------------- bias metrics (bias.ts)


def bias_metrics(
    train_x: Any,
    train_labels: Any,
    train_bias: Any,
    test_x: Any,
    test_labels: Any,
    test_bias: Any,
    test_bias_aligned: Any,
    **options: Any,
) -> Dict[str, float]:
    """linearProbeAccuracy, biasAlignedAccuracy / biasConflictingAccuracy (absent when the group is
    empty), biasPredictability (linear-probe accuracy of the bias label; lower is better) and
    biasPredictabilityNormalized ((acc − chance)/(1 − chance), absent when chance is 1)."""
    cls = linear_probe(train_x, train_labels, test_x, test_labels, **options)
    pred = cls["predictions"]
    y = _labels(test_labels, pred.shape[0], "testLabels", pred.device)
    flags = torch.as_tensor(test_bias_aligned).detach().reshape(-1).to(pred.device)
    if flags.shape[0] != pred.shape[0]:
        raise ValueError("bias metrics: testBiasAligned must have one flag per test row")
    if not bool(((flags == 0) | (flags == 1)).all()):
        raise ValueError("bias metrics: testBiasAligned must hold 0/1 flags")
    aligned = flags == 1
    correct = pred == y
    out: Dict[str, float] = {"linearProbeAccuracy": cls["accuracy"]}
    if bool(aligned.any()):
        out["biasAlignedAccuracy"] = float(correct[aligned].to(F64).mean())
    if bool((~aligned).any()):
        out["biasConflictingAccuracy"] = float(correct[~aligned].to(F64).mean())
    bias = linear_probe(train_x, train_bias, test_x, test_bias, **options)
    out["biasPredictability"] = bias["accuracy"]
    tb = _labels(test_bias, pred.shape[0], "testBias", pred.device)
    chance = float(torch.unique(tb, return_counts=True)[1].max()) / tb.shape[0]
    if chance < 1:
        out["biasPredictabilityNormalized"] = (bias["accuracy"] - chance) / (1 - chance)
    return out


# ---------------------------------------------------------------- SepCLR probes (sepclr.ts)


def sepclr_probes(spaces: Dict[str, Tuple[Any, Any]], labels: Dict[str, Tuple[Any, Any]], **options: Any) -> Dict[str, Dict[str, float]]:
    """{commonProbe, salientProbe}: label → linear-probe test accuracy from each space.
    `spaces`: {"common": (train, test), "salient": (train, test)}; `labels`: {name: (train, test)}."""
    if not labels:
        raise ValueError("sepclr probes: give at least one label to probe")
    out: Dict[str, Dict[str, float]] = {}
    for key, space in (("commonProbe", "common"), ("salientProbe", "salient")):
        tr, te = spaces[space]
        out[key] = {name: linear_probe_accuracy(tr, ytr, te, yte, **options) for name, (ytr, yte) in labels.items()}
    return out


# ---------------------------------------------------------------- histograms (histograms.ts)


def similarity_histograms(x: Any, labels: Any, bins: int = 40, bias_labels: Any = None) -> Dict[str, Any]:
    """Cosine similarities of unordered pairs i < j on `bins` equal bins over [−1, 1]: positive (same
    class) and negative counts, and with bias labels the four aligned/conflicting splits."""
    a = _unit_rows(_rows(x, "x"))
    n = a.shape[0]
    y = _labels(labels, n, "labels", a.device)
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histograms: bins must be a positive integer, got {bins}")
    iu = torch.triu_indices(n, n, 1, device=a.device)
    s = (a @ a.T)[iu[0], iu[1]]
    b = torch.clamp(torch.floor((s + 1) / 2 * bins), 0, bins - 1).to(torch.int64)
    same = y[iu[0]] == y[iu[1]]
    kind = torch.where(same, 0, 2)
    if bias_labels is not None:
        beta = _labels(bias_labels, n, "biasLabels", a.device)
        kind = kind + (beta[iu[0]] != beta[iu[1]]).to(torch.int64)
    counts = torch.zeros(4 * bins, dtype=F64, device=a.device).index_add_(0, kind * bins + b, torch.ones_like(s)).reshape(4, bins)
    out: Dict[str, Any] = {
        "edges": [-1 + 2 * i / bins for i in range(bins + 1)],
        "positive": (counts[0] + counts[1]).tolist(),
        "negative": (counts[2] + counts[3]).tolist(),
        "positivePairs": float(counts[:2].sum()),
        "negativePairs": float(counts[2:].sum()),
    }
    if bias_labels is not None:
        out["byBias"] = {
            "positiveAligned": counts[0].tolist(),
            "positiveConflicting": counts[1].tolist(),
            "negativeAligned": counts[2].tolist(),
            "negativeConflicting": counts[3].tolist(),
        }
    return out


__all__: Sequence[str] = (
    "alignment", "uniformity", "effective_rank", "knn_classify", "knn_accuracy", "LinearProbe", "linear_probe",
    "linear_probe_accuracy", "ridge_regression", "bias_metrics", "sepclr_probes", "similarity_histograms",
    "normalize_rows", "feature_stats",
)
