"""cplay.metrics and cplay.evaluate against naive loops and closed forms written here from the
definitions, against sklearn where it solves the same problem, and against the TypeScript
implementation on the same inputs (fixtures/metrics_ts.json, made by fixtures/make_metrics_fixture.ts)."""

import json
import math
import os
import sys
import unittest

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "pytorch"))

from cplay import metrics as M  # noqa: E402
from cplay.evaluate import evaluate, regression_target, snapshot_histograms  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "metrics_ts.json"), encoding="utf-8") as _f:
    FIX = json.load(_f)
DIM = FIX["dim"]


def rows(values):
    return torch.tensor(values, dtype=torch.float32).reshape(-1, DIM)


TRAIN_X = rows(FIX["inputs"]["train"]["x"])
TEST_X = rows(FIX["inputs"]["test"]["x"])
TRAIN_Y = torch.tensor(FIX["inputs"]["train"]["labels"])
TEST_Y = torch.tensor(FIX["inputs"]["test"]["labels"])
OUT = FIX["outputs"]


def unit(x):
    return x / x.norm(dim=1, keepdim=True)


def naive_knn(train, ytr, test, k, cosine=True):
    """The rule of knn.ts as a plain loop: k best (ties: lower index), majority, then summed similarity, then smaller label."""
    a = train.double().numpy()
    b = test.double().numpy()
    if cosine:
        a = a / np.linalg.norm(a, axis=1, keepdims=True)
        b = b / np.linalg.norm(b, axis=1, keepdims=True)
    preds = []
    for q in b:
        if cosine:
            scores = [(float(a[j] @ q), j) for j in range(len(a))]
        else:
            scores = [(-float(np.sqrt(((a[j] - q) ** 2).sum())), j) for j in range(len(a))]
        best = sorted(scores, key=lambda sj: (-sj[0], sj[1]))[:k]
        votes, sims = {}, {}
        for s, j in best:
            c = int(ytr[j])
            votes[c] = votes.get(c, 0) + 1
            sims[c] = sims.get(c, 0.0) + s
        preds.append(sorted(votes, key=lambda c: (-votes[c], -sims[c], c))[0])
    return preds


class AgainstTypeScript(unittest.TestCase):
    """Same inputs, the numbers src/ml/metrics gave."""

    def test_alignment_uniformity_effective_rank(self):
        first, second = rows(FIX["inputs"]["views"]["first"]), rows(FIX["inputs"]["views"]["second"])
        self.assertAlmostEqual(M.alignment(first, second), OUT["alignment"], delta=1e-12)
        unit_test = M.normalize_rows(TEST_X)
        self.assertAlmostEqual(M.uniformity(unit_test), OUT["uniformity"], delta=1e-6)
        self.assertAlmostEqual(M.uniformity(unit_test, t=1), OUT["uniformityT1"], delta=1e-6)
        self.assertAlmostEqual(M.effective_rank(TEST_X), OUT["effectiveRank"], delta=1e-10)

    def test_knn(self):
        self.assertEqual(M.knn_accuracy(TRAIN_X, TRAIN_Y, TEST_X, TEST_Y, k=20), OUT["knnAccuracy"])
        self.assertEqual(M.knn_accuracy(TRAIN_X, TRAIN_Y, TEST_X, TEST_Y, k=5), OUT["knnAccuracyK5"])
        self.assertEqual(M.knn_accuracy(TRAIN_X, TRAIN_Y, TEST_X, TEST_Y, k=7, metric="euclidean"), OUT["knnAccuracyEuclidean"])

    def test_linear_probe_is_the_same_fit(self):
        result = M.linear_probe(TRAIN_X, TRAIN_Y, TEST_X, TEST_Y)
        want = OUT["linearProbe"]
        self.assertEqual(result["predictions"].tolist(), want["predictions"])
        self.assertEqual(result["accuracy"], want["accuracy"])
        self.assertEqual(result["trainAccuracy"], want["trainAccuracy"])
        self.assertEqual(result["model"].iterations, want["iterations"])
        self.assertAlmostEqual(result["model"].loss, want["loss"], delta=1e-9)

    def test_ridge(self):
        r = M.ridge_regression(TRAIN_X, FIX["inputs"]["train"]["age"], TEST_X, FIX["inputs"]["test"]["age"])
        self.assertAlmostEqual(r["mae"], OUT["ridge"]["mae"], delta=1e-9)
        self.assertAlmostEqual(r["r2"], OUT["ridge"]["r2"], delta=1e-9)
        np.testing.assert_allclose(r["predictions"].reshape(-1).numpy(), OUT["ridge"]["predictions"], atol=1e-9)

    def test_bias_metrics(self):
        got = M.bias_metrics(
            TRAIN_X, TRAIN_Y, FIX["inputs"]["train"]["bias"], TEST_X, TEST_Y, FIX["inputs"]["test"]["bias"], FIX["inputs"]["test"]["aligned"]
        )
        self.assertEqual(sorted(got), sorted(OUT["bias"]))
        for key, value in OUT["bias"].items():
            self.assertAlmostEqual(got[key], value, delta=1e-12, msg=key)

    def test_histograms(self):
        h = M.similarity_histograms(M.normalize_rows(TEST_X), TEST_Y, bins=10, bias_labels=FIX["inputs"]["test"]["bias"])
        self.assertEqual(h["positive"], OUT["histograms"]["positive"])
        self.assertEqual(h["negative"], OUT["histograms"]["negative"])
        self.assertEqual(h["byBias"], OUT["histograms"]["byBias"])


class AgainstDefinitions(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)

    def test_alignment_and_uniformity_naive_loops(self):
        x, y = torch.randn(7, 3, dtype=torch.float64), torch.randn(7, 3, dtype=torch.float64)
        for alpha in (2, 1, 3):
            naive = sum(float(((x[i] - y[i]) ** 2).sum()) ** (alpha / 2) for i in range(7)) / 7
            self.assertAlmostEqual(M.alignment(x, y, alpha), naive, delta=1e-12)
        pairs = [math.exp(-2 * float(((x[i] - x[j]) ** 2).sum())) for i in range(7) for j in range(i + 1, 7)]
        self.assertAlmostEqual(M.uniformity(x), math.log(sum(pairs) / len(pairs)), delta=1e-12)
        self.assertTrue(math.isnan(M.uniformity(x[:1])))
        self.assertEqual(M.uniformity(torch.ones(4, 3)), 0.0)

    def test_effective_rank_closed_forms(self):
        self.assertAlmostEqual(M.effective_rank(torch.eye(5)), 5.0, delta=1e-12)
        self.assertAlmostEqual(M.effective_rank(torch.outer(torch.arange(1.0, 7.0), torch.ones(4))), 1.0, delta=1e-6)
        self.assertEqual(M.effective_rank(torch.zeros(3, 4)), 1.0)
        # Singular values 3 and 1: p = (3/4, 1/4).
        x = torch.tensor([[3.0, 0.0], [0.0, 1.0]])
        self.assertAlmostEqual(M.effective_rank(x), math.exp(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25))), delta=1e-12)

    def test_knn_matches_a_naive_vote_with_ties(self):
        # Few distinct values: many exact similarity ties and vote ties.
        train = torch.randint(-1, 2, (40, 3)).float()
        train[train.abs().sum(1) == 0] = 1.0
        ytr = torch.randint(0, 4, (40,))
        test = torch.randint(-1, 2, (25, 3)).float() + 0.01
        for k, cosine in ((1, True), (4, True), (7, False), (40, True), (100, False)):
            pred, used = M.knn_classify(train, ytr, test, k=k, metric="cosine" if cosine else "euclidean")
            self.assertEqual(used, min(k, 40))
            self.assertEqual(pred.tolist(), naive_knn(train, ytr, test, min(k, 40), cosine), (k, cosine))

    def test_linear_probe_reaches_the_sklearn_optimum(self):
        from sklearn.linear_model import LogisticRegression

        x = torch.randn(80, 4, dtype=torch.float64)
        y = (x[:, 0] + 0.5 * torch.randn(80, dtype=torch.float64) > 0).long() + (x[:, 1] > 0.8).long()
        l2 = 1e-2
        probe = M.LinearProbe(l2=l2, max_iterations=500, tolerance=1e-10).fit(x, y)
        z = ((x - probe.mean) / probe.std).numpy()
        # (1/n)ΣCE + (λ/2)‖W‖² has the minimiser of ½‖W‖² + C·ΣCE with C = 1/(nλ); intercepts free.
        ref = LogisticRegression(C=1 / (80 * l2), tol=1e-12, max_iter=10000).fit(z, y.numpy())
        logits = z @ ref.coef_.T + ref.intercept_
        ce = float(np.mean(np.log(np.exp(logits).sum(1)) - logits[np.arange(80), y.numpy()]))
        ref_loss = ce + 0.5 * l2 * float((ref.coef_**2).sum())
        self.assertLessEqual(probe.loss, ref_loss + 1e-8)
        self.assertAlmostEqual(probe.loss, ref_loss, delta=1e-6)

    def test_linear_probe_separable_and_unseen_labels(self):
        x = torch.cat([torch.randn(20, 2) + 5, torch.randn(20, 2) - 5])
        y = torch.tensor([3] * 20 + [7] * 20)
        self.assertEqual(M.linear_probe_accuracy(x, y, x, y), 1.0)
        # A test label the train set never had can never be predicted.
        self.assertEqual(M.linear_probe_accuracy(x, y, x[:4], torch.tensor([3, 3, 9, 9])), 0.5)

    def test_ridge_matches_sklearn(self):
        from sklearn.linear_model import Ridge

        x, xt = torch.randn(50, 5, dtype=torch.float64), torch.randn(20, 5, dtype=torch.float64)
        w = torch.randn(5, dtype=torch.float64)
        y, yt = x @ w + 0.1 * torch.randn(50, dtype=torch.float64), xt @ w
        r = M.ridge_regression(x, y, xt, yt, lam=2.0)
        mean, std = x.mean(0), x.std(0, unbiased=False)
        ref = Ridge(alpha=2.0).fit(((x - mean) / std).numpy(), y.numpy())
        pred = ref.predict(((xt - mean) / std).numpy())
        np.testing.assert_allclose(r["predictions"].reshape(-1).numpy(), pred, atol=1e-10)
        self.assertAlmostEqual(r["mae"], float(np.abs(yt.numpy() - pred).mean()), delta=1e-10)
        ss_res = float(((yt.numpy() - pred) ** 2).sum())
        ss_tot = float(((yt.numpy() - yt.numpy().mean()) ** 2).sum())
        self.assertAlmostEqual(r["r2"], 1 - ss_res / ss_tot, delta=1e-10)
        self.assertTrue(math.isnan(M.ridge_regression(x, y, xt, torch.ones(20))["r2"]))

    def test_bias_groups_count_by_hand(self):
        x = torch.cat([torch.randn(10, 2) + 4, torch.randn(10, 2) - 4])
        y = torch.tensor([0] * 10 + [1] * 10)
        bias = torch.tensor([0] * 10 + [1] * 10)
        test_y = torch.tensor([0] * 10 + [1] * 10)
        test_x = x.clone()
        # Swap the features of two rows: their predictions go wrong; flag them (and only them) conflicting.
        test_x[[0, 10]] = x[[10, 0]]
        aligned = torch.ones(20, dtype=torch.uint8)
        aligned[[0, 10, 5]] = 0
        got = M.bias_metrics(x, y, bias, test_x, test_y, bias, aligned)
        self.assertEqual(got["linearProbeAccuracy"], 18 / 20)
        self.assertEqual(got["biasAlignedAccuracy"], 1.0)
        self.assertAlmostEqual(got["biasConflictingAccuracy"], 1 / 3)
        self.assertNotIn("biasConflictingAccuracy", M.bias_metrics(x, y, bias, x, y, bias, torch.ones(20)))

    def test_histograms_naive(self):
        x = torch.randn(12, 3, dtype=torch.float64)
        y = torch.randint(0, 3, (12,))
        h = M.similarity_histograms(x, y, bins=8)
        u = unit(x)
        pos, neg = [0.0] * 8, [0.0] * 8
        for i in range(12):
            for j in range(i + 1, 12):
                b = min(7, max(0, math.floor((float(u[i] @ u[j]) + 1) / 2 * 8)))
                (pos if y[i] == y[j] else neg)[b] += 1
        self.assertEqual(h["positive"], pos)
        self.assertEqual(h["negative"], neg)
        self.assertEqual(h["positivePairs"] + h["negativePairs"], 66)


def _split(n, seed, rep_dim=4, proj_dim=3, salient=False):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (n,), generator=g)
    split = {
        "representation": torch.randn(n, rep_dim, generator=g) + y.unsqueeze(1).float(),
        "projection": torch.randn(n, proj_dim, generator=g),
        "labels": {"digit": y, "colour": torch.randint(0, 2, (n,), generator=g)},
        "attributes": {"age": torch.randn(n, generator=g), "vae0": torch.randn(n, generator=g)},
        "flags": {"biasAligned": torch.randint(0, 2, (n,), generator=g).to(torch.uint8), "isTarget": (torch.arange(n) % 2).to(torch.uint8)},
    }
    if salient:
        split["salient"] = torch.randn(n, 2, generator=g)
    return split


INFO = {
    "classLabel": "digit",
    "labels": [{"name": "digit"}, {"name": "colour"}],
    "attributes": [{"name": "vae0", "learnt": True}, {"name": "age"}],
}


class Evaluate(unittest.TestCase):
    def test_keys_plain(self):
        train, test = _split(60, 1), _split(30, 2)
        views = (torch.randn(10, 3), torch.randn(10, 3))
        r = evaluate(step=5, loss_name="supcon", info=INFO, train=train, test=test, views=views)
        self.assertEqual(
            sorted(r),
            sorted(["step", "alignment", "uniformity", "effectiveRank", "knnAccuracy", "linearProbeAccuracy", "regressionMAE", "regressionR2"]),
        )
        self.assertEqual(r["step"], 5)
        # The same numbers as the metric functions on the same (normalised) inputs.
        self.assertEqual(r["uniformity"], M.uniformity(M.normalize_rows(test["projection"])))
        self.assertEqual(r["alignment"], M.alignment(M.normalize_rows(views[0]), M.normalize_rows(views[1])))
        self.assertEqual(r["knnAccuracy"], M.knn_accuracy(train["representation"], train["labels"]["digit"], test["representation"], test["labels"]["digit"]))
        # vae0 is learnt: the target is age.
        ridge = M.ridge_regression(train["representation"], train["attributes"]["age"], test["representation"], test["attributes"]["age"])
        self.assertEqual(r["regressionMAE"], ridge["mae"])

    def test_quick_and_without_views(self):
        train, test = _split(20, 1), _split(10, 2)
        self.assertEqual(sorted(evaluate(step=0, loss_name="nt_xent", info=INFO, train=train, test=test, quick=True)), ["step", "uniformity"])
        self.assertNotIn("alignment", evaluate(step=0, loss_name="nt_xent", info=INFO, train=train, test=test))

    def test_bias_keys(self):
        info = dict(INFO, biasLabel="colour")
        r = evaluate(step=1, loss_name="fairkl", info=info, train=_split(60, 1), test=_split(30, 2))
        for key in ("linearProbeAccuracy", "biasAlignedAccuracy", "biasConflictingAccuracy", "biasPredictability"):
            self.assertIn(key, r)
        test = _split(30, 2)
        test["flags"]["biasAligned"] = torch.ones(30, dtype=torch.uint8)
        r = evaluate(step=1, loss_name="fairkl", info=info, train=_split(60, 1), test=test)
        self.assertIn("biasAlignedAccuracy", r)
        self.assertNotIn("biasConflictingAccuracy", r)

    def test_confound_without_aligned_flags_is_a_balanced_accuracy(self):
        # Brain MRI's site: a bias label and no biasAligned flags, for every loss (SepCLR included).
        info = dict(INFO, biasLabel="colour")
        train, test = _split(60, 1, salient=True), _split(30, 2, salient=True)
        for split in (train, test):
            del split["flags"]["biasAligned"]
        yt = test["labels"]["colour"]
        pred = M.LinearProbe().fit(train["representation"], train["labels"]["colour"]).predict(test["representation"])
        recalls = []
        for value in (0, 1):  # written out: the mean over site values of each value's hit rate
            rows = [i for i in range(len(yt)) if int(yt[i]) == value]
            recalls.append(sum(int(pred[i]) == value for i in rows) / len(rows))
        for loss in ("supcon", "sepclr"):
            r = evaluate(step=1, loss_name=loss, info=info, train=train, test=test)
            self.assertAlmostEqual(r["biasPredictability"], sum(recalls) / 2, places=12)
            self.assertNotIn("biasAlignedAccuracy", r)
        # One site value in train: nothing to predict, no metric.
        train["labels"]["colour"] = torch.zeros(60, dtype=torch.int64)
        self.assertNotIn("biasPredictability", evaluate(step=1, loss_name="supcon", info=info, train=train, test=test))

    def test_sepclr_probes_replace_knn(self):
        train, test = _split(60, 1, salient=True), _split(30, 2, salient=True)
        r = evaluate(step=1, loss_name="sepclr", info=INFO, train=train, test=test)
        self.assertNotIn("knnAccuracy", r)
        self.assertEqual(sorted(r["commonProbe"]), ["colour", "digit"])
        keep_tr, keep_te = train["flags"]["isTarget"] == 1, test["flags"]["isTarget"] == 1
        want = M.linear_probe_accuracy(train["salient"][keep_tr], train["labels"]["digit"][keep_tr], test["salient"][keep_te], test["labels"]["digit"][keep_te])
        self.assertEqual(r["salientProbe"]["digit"], want)

    def test_regression_target_rule(self):
        self.assertEqual(regression_target(INFO, None), "age")
        self.assertEqual(regression_target(INFO, ["vae0", "age"]), "age")
        self.assertEqual(regression_target({"attributes": [{"name": "a"}, {"name": "b"}]}, "b"), "b")
        self.assertIsNone(regression_target({"attributes": [{"name": "v", "learnt": True}]}, None))

    def test_longer_label_arrays_use_the_first_rows(self):
        train, test = _split(60, 1), _split(30, 2)
        train["representation"] = train["representation"][:40]
        r = evaluate(step=1, loss_name="supcon", info=INFO, train=train, test=test)
        want = M.knn_accuracy(train["representation"], train["labels"]["digit"][:40], test["representation"], test["labels"]["digit"])
        self.assertEqual(r["knnAccuracy"], want)

    def test_numpy_arrays_as_the_data_reader_gives_them(self):
        train, test = _split(60, 1), _split(30, 2)
        as_numpy = lambda split: {
            **split,
            **{g: {k: v.numpy().astype({"labels": "int32", "attributes": "float32", "flags": "uint8"}[g]) for k, v in split[g].items()} for g in ("labels", "attributes", "flags")},
        }
        info = dict(INFO, biasLabel="colour")
        self.assertEqual(
            evaluate(step=2, loss_name="supcon", info=info, train=as_numpy(train), test=as_numpy(test)),
            evaluate(step=2, loss_name="supcon", info=info, train=train, test=test),
        )

    def test_histograms_snapshot(self):
        test = _split(30, 2)
        h = snapshot_histograms(dict(INFO, biasLabel="colour"), test, bins=6)
        self.assertEqual(len(h["edges"]), 7)
        self.assertEqual(sum(h["positive"]) + sum(h["negative"]), 30 * 29 / 2)
        self.assertIn("byBias", h)


if __name__ == "__main__":
    unittest.main()
