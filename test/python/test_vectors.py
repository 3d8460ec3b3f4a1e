"""Every public (test/vectors) and extra (test/vectors-extra) case through cplay, with the pass rule
of test/vectors/README.md as check_vectors.py applies it, in float64 and in float32: one test per
file × dtype, one sub-test per case, so a failure names the case.

Also: float64 against the float64 reference at 1e-9 (spec B §0 "against a float64 implementation"),
stricter than the float32 rule; and the checker itself fails wrong answers.
"""

import contextlib
import glob
import io
import json
import math
import os
import sys
import unittest

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "pytorch"))

import check_vectors  # noqa: E402

FILES = sorted(glob.glob(os.path.join(ROOT, "test", "vectors", "*.json"))) + sorted(
    glob.glob(os.path.join(ROOT, "test", "vectors-extra", "*.json"))
)
CPU = torch.device("cpu")


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class VectorFiles(unittest.TestCase):
    def test_files_found(self):
        self.assertGreaterEqual(len([f for f in FILES if "vectors-extra" not in f]), 11)
        self.assertGreaterEqual(len([f for f in FILES if "vectors-extra" in f]), 12)


def _make_test(path, dtype):
    def test(self):
        data = _load(path)
        tol = data["tolerance"]["float32"]
        self.assertTrue(data["cases"])
        for case in data["cases"]:
            with self.subTest(case=case["name"]):
                self.assertIsNone(check_vectors.check_case(case, tol, dtype, CPU))

    return test


def _make_strict_test(path):
    """float64 within 1e-9 of the float64 reference (relative to max(1, |want|) per value / per input)."""

    def test(self):
        for case in _load(path)["cases"]:
            with self.subTest(case=case["name"]):
                got, grads = check_vectors.evaluate(case, torch.float64, CPU)
                want = case["value"]
                flat = check_vectors.flatten(want) if isinstance(want, list) else [check_vectors.decode(want)]
                self.assertEqual(len(got), len(flat))
                for g, w in zip(got, flat):
                    if math.isfinite(w):
                        self.assertLessEqual(abs(g - w), 1e-9 * max(1.0, abs(w)), (g, w))
                    else:
                        self.assertTrue(math.isnan(g) if math.isnan(w) else g == w, (g, w))
                for name, nested in (case.get("grad") or {}).items():
                    w = check_vectors.flatten(nested)
                    scale = max([1.0] + [abs(v) for v in w])
                    worst = max(abs(a - b) for a, b in zip(grads[name], w))
                    self.assertLessEqual(worst, 1e-9 * scale, name)

    return test


for _path in FILES:
    _stem = os.path.basename(os.path.dirname(_path)).replace("-", "_") + "_" + os.path.splitext(os.path.basename(_path))[0]
    setattr(VectorFiles, f"test_{_stem}_float64", _make_test(_path, torch.float64))
    setattr(VectorFiles, f"test_{_stem}_float32", _make_test(_path, torch.float32))
    setattr(VectorFiles, f"test_{_stem}_float64_within_1e-9", _make_strict_test(_path))


class CheckerRule(unittest.TestCase):
    """The checker applies the README's rule: wrong values, wrong kinds and bad cases fail."""

    TOL = {"value_rel": 1e-4, "value_abs": 1e-4, "grad_rel": 1e-3, "grad_abs": 1e-4}

    def case(self, **over):
        base = {
            "name": "c",
            "fn": "align",
            "params": {"alpha": 2},
            "inputs": {"x": [[1.0, 0.0], [0.0, 1.0]], "y": [[0.0, 1.0], [0.0, 1.0]]},
            "value": 1.0,
            "grad": {"x": [[1.0, -1.0], [0.0, 0.0]], "y": [[-1.0, 1.0], [0.0, 0.0]]},
        }
        base.update(over)
        return base

    def test_right_answer_passes(self):
        self.assertIsNone(check_vectors.check_case(self.case(), self.TOL, torch.float32, CPU))

    def test_wrong_value_fails(self):
        self.assertIn("value", check_vectors.check_case(self.case(value=1.01), self.TOL, torch.float32, CPU))

    def test_value_within_abs_tolerance_passes(self):
        self.assertIsNone(check_vectors.check_case(self.case(value=1.00009), self.TOL, torch.float32, CPU))

    def test_weight_scale_widens_value_abs(self):
        # align ignores w_unif; with w_unif = 100 the value tolerance is 1e-2 absolute.
        case = self.case(value=1.005, params={"alpha": 2, "w_unif": 100})
        self.assertIsNone(check_vectors.check_case(case, self.TOL, torch.float32, CPU))
        case = self.case(value=1.005)
        self.assertIsNotNone(check_vectors.check_case(case, self.TOL, torch.float32, CPU))

    def test_wrong_gradient_fails(self):
        case = self.case(grad={"x": [[1.0, -1.0], [0.0, 0.01]]})
        self.assertIn("grad 'x'", check_vectors.check_case(case, self.TOL, torch.float32, CPU))

    def test_non_finite_kind_must_match(self):
        case = self.case(inputs={"x": [[1.0, 2.0]]}, fn="uniform", params={"t": 2}, value="NaN", grad={"x": [[0.0, 0.0]]})
        self.assertIsNone(check_vectors.check_case(case, self.TOL, torch.float64, CPU))
        case["value"] = "Infinity"
        self.assertIsNotNone(check_vectors.check_case(case, self.TOL, torch.float64, CPU))

    def test_unknown_fn_and_missing_input_fail(self):
        with self.assertRaises(check_vectors.Malformed):
            check_vectors.check_case(self.case(fn="nope"), self.TOL, torch.float32, CPU)
        with self.assertRaises(check_vectors.Malformed):
            check_vectors.check_case(self.case(inputs={"x": [[1.0, 0.0]]}), self.TOL, torch.float32, CPU)

    def test_cli_exit_codes(self):
        out_dir = os.path.join(ROOT, "test", "vectors")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            self.assertEqual(check_vectors.main([os.path.join(out_dir, "kernels_b.json"), "--quiet"]), 0)
            self.assertEqual(check_vectors.main([os.path.join(ROOT, "test", "python"), "--quiet"]), 2)
        lines = printed.getvalue().splitlines()
        self.assertRegex(lines[0], r"^\d+ passed, 0 failed$")
        self.assertEqual(lines[-1], "0 passed, 0 failed")


if __name__ == "__main__":
    unittest.main()
