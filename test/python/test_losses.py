"""cplay's numerics beyond the vectors: finite gradients at degenerate inputs (zero rows, identical
rows, empty subsets, zero spread), the large-batch distance path, the registry's interface."""

import math
import os
import sys
import unittest

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "pytorch"))

from cplay import functional as F  # noqa: E402
from cplay.ops import sq_dists  # noqa: E402


def grads_of(fn, params, **inputs):
    variables = {k: v.clone().requires_grad_(True) for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.is_floating_point()}
    merged = {**inputs, **variables}
    value = F.call(fn, merged, params)
    names = list(variables)
    grads = torch.autograd.grad(value.sum(), [variables[n] for n in names], allow_unused=True)
    return value.detach(), {n: (torch.zeros_like(variables[n]) if g is None else g) for n, g in zip(names, grads)}


class DegenerateInputs(unittest.TestCase):
    def assertFiniteGrads(self, grads):
        for name, g in grads.items():
            self.assertTrue(torch.isfinite(g).all(), f"{name}: {g}")

    def test_zero_row_with_internal_normalisation(self):
        for dtype in (torch.float32, torch.float64):
            x = torch.randn(8, 4, dtype=dtype)
            x[3] = 0
            for fn, params in [
                ("nt_xent", {"temperature": 0.1, "normalize": True}),
                ("supcon", {"temperature": 0.1, "normalize": True}),
                ("eps_supinfonce", {"temperature": 0.1, "normalize": True, "epsilon": 0.25}),
            ]:
                with self.subTest(fn=fn, dtype=dtype):
                    inputs = {"features": x}
                    if fn != "nt_xent":
                        inputs["labels"] = torch.tensor([0, 1, 0, 1])
                    value, grads = grads_of(fn, params, **inputs)
                    self.assertTrue(torch.isfinite(value))
                    self.assertFiniteGrads(grads)

    def test_identical_rows(self):
        x = torch.ones(6, 3, dtype=torch.float32)
        value, grads = grads_of("nt_xent", {"temperature": 0.5, "normalize": True}, features=x)
        self.assertAlmostEqual(value.item(), math.log(5), places=5)
        self.assertLess(float(grads["features"].abs().max()), 1e-6)
        value, grads = grads_of("uniform", {"t": 2}, x=x)
        self.assertAlmostEqual(value.item(), 0.0, places=6)
        self.assertEqual(float(grads["x"].abs().max()), 0.0)

    def test_align_alpha1_identical_pair_has_zero_subgradient(self):
        x = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        y = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
        _, grads = grads_of("align", {"alpha": 1}, x=x, y=y)
        self.assertEqual(grads["x"][0].abs().max().item(), 0.0)
        self.assertTrue(torch.isfinite(grads["x"]).all())

    def test_fairkl_collapsed_features(self):
        x = torch.ones(6, 3, dtype=torch.float32)
        value, grads = grads_of(
            "fairkl", {"temperature": 1, "kld": 1, "normalize": True}, features=x, labels=torch.zeros(6), bias_labels=torch.zeros(6)
        )
        self.assertTrue(torch.isfinite(value))
        self.assertFiniteGrads(grads)

    def test_sepclr_without_background_is_nan_with_finite_gradients(self):
        torch.manual_seed(0)
        inputs = {k: torch.randn(6, 3) for k in ("c1", "c2", "s1", "s2")}
        value, grads = grads_of("sepclr", {"tau": 0.5}, is_target=torch.ones(6), **inputs)
        self.assertTrue(math.isnan(value.item()))
        self.assertFiniteGrads(grads)
        self.assertGreater(float(grads["c1"].abs().max()), 0)

    def test_threshold_with_equal_labels_is_nan(self):
        torch.manual_seed(1)
        value = F.kernelized_supcon(
            torch.randn(8, 3), torch.full((4,), 30.0), method="threshold", kernel="rbf", sigma=1.0, n_views=2
        )
        self.assertTrue(math.isnan(value.item()))

    def test_eps_in_without_positive_is_plus_infinity(self):
        value = F.eps_supinfonce(torch.randn(4, 3), [0, 1, 1, 2], form="in", n_views=1)
        self.assertEqual(value.item(), math.inf)


class Interface(unittest.TestCase):
    def test_registry_has_every_fn_id(self):
        expected = (
            "nt_xent supcon eps_supinfonce eps_supcon fairkl y_aware_infonce kernelized_supcon align uniform "
            "align_uniform decoupled_uniformity du_align dcl dcl_one_way dclw sepclr sepclr_align sepclr_uniform "
            "sepclr_sup_align kjem kernel_rbf kernel_cosine kernel_gaussian_pdf kernel_cauchy kernel_gaussian_tau"
        ).split()
        self.assertEqual(sorted(F.FUNCTIONS), sorted(expected))
        for name in expected:
            self.assertIs(getattr(F, name), F.FUNCTIONS[name])

    def test_unused_params_are_ignored_and_unknown_fn_fails(self):
        x = torch.randn(4, 3)
        a = F.call("align", {"x": x, "y": x.flip(0)}, {"alpha": 2, "sigma": 3, "t": 9})
        b = F.align(x, x.flip(0), alpha=2)
        self.assertEqual(a.item(), b.item())
        with self.assertRaises(KeyError):
            F.call("nope", {}, {})
        with self.assertRaises(TypeError):
            F.call("align", {"x": x}, {})

    def test_layout_helpers(self):
        from cplay.similarity import split_views, view_major_to_sample_major

        x = torch.arange(24.0).reshape(6, 4)  # V = 2 blocks of N = 3
        z = view_major_to_sample_major(x, 2)
        self.assertEqual(tuple(z.shape), (3, 2, 4))
        self.assertTrue(torch.equal(z[1, 0], x[1]) and torch.equal(z[1, 1], x[4]))
        a, b = split_views(x, 2)
        self.assertTrue(torch.equal(a, x[:3]) and torch.equal(b, x[3:]))
        with self.assertRaises(ValueError):
            split_views(x, 4)

    def test_numpy_constants(self):
        import numpy as np

        feats = torch.randn(8, 3, dtype=torch.float64)
        a = F.supcon(feats, np.array([0, 1, 0, 2], dtype=np.int32), temperature=0.1)
        b = F.supcon(feats, [0, 1, 0, 2], temperature=0.1)
        self.assertEqual(a.item(), b.item())
        ages = np.array([20.5, 31.25, 40.0, 52.75], dtype=np.float32)
        a = F.kernelized_supcon(feats, ages, method="yaware", kernel="gaussian", sigma=5.0)
        b = F.kernelized_supcon(feats, torch.tensor(ages, dtype=torch.float64), method="yaware", kernel="gaussian", sigma=5.0)
        self.assertEqual(a.item(), b.item())

    def test_large_batch_distance_path_matches_explicit(self):
        torch.manual_seed(2)
        a = torch.randn(300, 200, dtype=torch.float64)  # 300²·200 > 2^24: Gram form
        explicit = ((a[:, None, :] - a[None, :, :]) ** 2).sum(-1)
        self.assertLess(float((sq_dists(a) - explicit).abs().max()), 1e-9)
        u = F.uniform(a / a.norm(dim=1, keepdim=True), t=2)
        self.assertTrue(torch.isfinite(u))

    def test_float32_and_float64_agree_on_random_batches(self):
        torch.manual_seed(3)
        feats = torch.randn(16, 8, dtype=torch.float64)
        labels = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3])
        ages = torch.tensor([20.0, 25, 30, 35, 40, 45, 50, 55])
        cases = [
            ("nt_xent", {"features": feats}, {}),
            ("supcon", {"features": feats, "labels": labels}, {"temperature": 0.1}),
            ("eps_supcon", {"features": feats, "labels": labels}, {}),
            ("y_aware_infonce", {"features": feats, "metadata": ages}, {"sigma": 5}),
            ("kernelized_supcon", {"features": feats, "labels": ages}, {"sigma": 5, "method": "expw"}),
            ("dclw", {"z1": feats[:8], "z2": feats[8:]}, {}),
            ("decoupled_uniformity", {"z": feats.reshape(8, 2, 8), "prior": ages}, {"kernel": "rbf", "sigma": 10, "lambda": 0.01}),
        ]
        for fn, inputs, params in cases:
            with self.subTest(fn=fn):
                v64, g64 = grads_of(fn, params, **inputs)
                in32 = {k: (v.float() if v.is_floating_point() and k not in ("metadata", "labels", "prior") else v) for k, v in inputs.items()}
                v32, g32 = grads_of(fn, params, **in32)
                self.assertLess(abs(v32.item() - v64.item()), 1e-4 * max(1, abs(v64.item())))
                for name in g64:
                    scale = max(1.0, float(g64[name].abs().max()))
                    self.assertLess(float((g32[name].double() - g64[name]).abs().max()), 1e-3 * scale)


if __name__ == "__main__":
    unittest.main()
