#!/usr/bin/env python3
"""Checks cplay against reference-vector files (format contrastive-vectors/1) with the pass rule
of the vectors' README:

    python3 check_vectors.py DIR|FILE ... [--dtype float32|float64|both] [--device cpu|cuda]

Every case of every *.json is evaluated in each requested precision (counted separately), one line
per case, then `N passed, M failed`. Exit status 1 on any failure, 2 when there is nothing to check.
The float32 tolerances of each file apply to both precisions (float64 meets them by far).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
from typing import Any, Dict, List, Optional, Tuple

# Found next to this file: in the repo (pytorch/) and in an exported project (DIR/).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from cplay.functional import FUNCTIONS, constant_inputs  # noqa: E402

WEIGHT_PARAMS = ("w_align", "w_unif", "beta_salient", "beta_reg", "lambda_jem", "unif_weight")
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
TOLERANCE_KEYS = ("value_rel", "value_abs", "grad_rel", "grad_abs")


class Malformed(Exception):
    pass


def weight_scale(params: Dict[str, Any]) -> float:
    scale = 1.0
    for key in WEIGHT_PARAMS:
        v = params.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            scale = max(scale, float(v))
    return scale


def decode(value: Any) -> float:
    if isinstance(value, str):
        if value not in NON_FINITE:
            raise Malformed(f"value {value!r} is not a number, 'NaN', 'Infinity' or '-Infinity'")
        return NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Malformed(f"value {value!r} is not a number")
    return float(value)


def flatten(nested: Any) -> List[float]:
    if isinstance(nested, list):
        out: List[float] = []
        for item in nested:
            out.extend(flatten(item))
        return out
    return [decode(nested)]


def all_ints(nested: Any) -> bool:
    if isinstance(nested, list):
        return all(all_ints(v) for v in nested)
    return isinstance(nested, int) and not isinstance(nested, bool)


def value_failure(got: float, want: float, tol: Dict[str, float], scale: float) -> Optional[str]:
    if not math.isfinite(want):
        same = (math.isnan(want) and math.isnan(got)) or got == want
        return None if same else f"got {got}, want {want}"
    err = abs(got - want)
    if err <= tol["value_abs"] * scale or err <= tol["value_rel"] * abs(want):
        return None
    return f"got {got!r}, want {want!r} (|Δ| = {err:.2e})"


def evaluate(case: Dict[str, Any], dtype: torch.dtype, device: torch.device) -> Tuple[List[float], Dict[str, List[float]]]:
    """Runs the case's function; returns the flattened value and the gradient of each input in `grad`."""
    fn = case["fn"]
    if fn not in FUNCTIONS:
        raise Malformed(f"unknown fn {fn!r}")
    wanted = list((case.get("grad") or {}).keys())
    constants = constant_inputs(fn)
    inputs: Dict[str, Any] = {}
    variables: Dict[str, torch.Tensor] = {}
    for name, data in case["inputs"].items():
        if data is None:
            inputs[name] = None
        elif name in constants:
            inputs[name] = torch.tensor(data, dtype=torch.int64 if all_ints(data) else torch.float64, device=device)
        else:
            t = torch.tensor(data, dtype=dtype, device=device, requires_grad=True)
            inputs[name] = variables[name] = t
    for name in wanted:
        if name not in variables:
            raise Malformed(f"grad names {name!r}, which is not a differentiable input of the case")
    try:
        value = FUNCTIONS[fn](**inputs, **case["params"])
    except TypeError as error:
        if "missing" in str(error) and "argument" in str(error):
            raise Malformed(f"missing input: {error}") from error
        raise
    grads: Dict[str, List[float]] = {}
    if wanted:
        got = torch.autograd.grad(value.sum(), [variables[n] for n in wanted], allow_unused=True)
        for name, g in zip(wanted, got):
            g = torch.zeros_like(variables[name]) if g is None else g
            grads[name] = g.detach().to(torch.float64).cpu().reshape(-1).tolist()
    return value.detach().to(torch.float64).cpu().reshape(-1).tolist(), grads


def check_case(case: Dict[str, Any], tol: Dict[str, float], dtype: torch.dtype, device: torch.device) -> Optional[str]:
    """None when the case passes, else what failed."""
    for key in ("name", "fn", "params", "inputs", "value"):
        if key not in case:
            raise Malformed(f"case has no {key!r}")
    if not isinstance(case["params"], dict) or not isinstance(case["inputs"], dict):
        raise Malformed("params and inputs must be objects")
    got_value, got_grads = evaluate(case, dtype, device)
    scale = weight_scale(case["params"])
    failures: List[str] = []
    want = case["value"]
    if isinstance(want, list):
        flat = flatten(want)
        if len(flat) != len(got_value):
            return f"value has {len(got_value)} entries, expected {len(flat)}"
        for i, (g, w) in enumerate(zip(got_value, flat)):
            reason = value_failure(g, w, tol, scale)
            if reason:
                failures.append(f"value[{i}] {reason}")
                break
    else:
        if len(got_value) != 1:
            return f"expected a scalar, got {len(got_value)} values"
        reason = value_failure(got_value[0], decode(want), tol, scale)
        if reason:
            failures.append(f"value {reason}")
    for name, nested in (case.get("grad") or {}).items():
        w = flatten(nested)
        g = got_grads[name]
        if len(w) != len(g):
            failures.append(f"grad {name!r} has {len(g)} entries, expected {len(w)}")
            continue
        grad_scale = max([1.0] + [abs(v) for v in w])
        bad = [
            i
            for i, (gi, wi) in enumerate(zip(g, w))
            # `not (err <= …)` so that a NaN gradient fails.
            if not (abs(gi - wi) <= tol["grad_abs"] * grad_scale or abs(gi - wi) <= tol["grad_rel"] * abs(wi))
        ]
        if bad:
            i = bad[0]
            failures.append(f"grad {name!r}: {len(bad)} entries off, e.g. [{i}] got {g[i]!r}, want {w[i]!r}")
    return "; ".join(failures) if failures else None


def collect(paths: List[str]) -> List[str]:
    files: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(sorted(glob.glob(os.path.join(path, "*.json"))))
        elif os.path.isfile(path):
            files.append(path)
        else:
            print(f"{path}: no such file or folder", file=sys.stderr)
    return files


def check_file(path: str, dtypes: List[torch.dtype], device: torch.device) -> List[Tuple[str, bool, str]]:
    """(label, passed, detail) for every case × dtype of one file."""
    label = os.path.relpath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        tol = data["tolerance"]["float32"]
        for key in TOLERANCE_KEYS:
            float(tol[key])
        cases = data["cases"]
        if not isinstance(cases, list):
            raise Malformed("cases is not a list")
    except Exception as error:  # a malformed file is one failure, never a skip
        return [(f"{label} (file)", False, f"malformed file: {error}")]
    results = []
    for index, case in enumerate(cases):
        name = case.get("name", f"case #{index}") if isinstance(case, dict) else f"case #{index}"
        for dtype in dtypes:
            tag = f"{label} {name} [{str(dtype).replace('torch.', '')}]"
            try:
                failure = check_case(case, tol, dtype, device)
            except Malformed as error:
                failure = f"malformed case: {error}"
            except Exception as error:  # an exception is a failure, with its message
                failure = f"error: {type(error).__name__}: {error}"
            results.append((tag, failure is None, failure or "ok"))
    return results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="vector files or folders of *.json")
    parser.add_argument("--dtype", choices=["float32", "float64", "both"], default="both")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--quiet", action="store_true", help="print only failing cases and the closing line")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("--device cuda: no CUDA device is available", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    dtypes = {"float32": [torch.float32], "float64": [torch.float64], "both": [torch.float64, torch.float32]}[args.dtype]
    files = collect(args.paths)
    if not files:
        print("nothing to check: give vector files or folders holding *.json")
        print("0 passed, 0 failed")
        return 2
    passed = failed = 0
    for path in files:
        for tag, ok, detail in check_file(path, dtypes, device):
            if ok:
                passed += 1
            else:
                failed += 1
            if not (ok and args.quiet):
                print(f"{'PASS' if ok else 'FAIL'} {tag}: {detail}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
