import os
"""Run the reference on every public case and report the agreement."""
import glob
import json
import math
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as R  # noqa: E402
HERE = os.path.dirname(os.path.abspath(__file__))


def kind(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (list, np.ndarray)):
        return "matrix"
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return "finite"


def compare_case(case):
    """Returns (dvalue_abs, dvalue_rel, dgrad_abs, dgrad_rel, problems)."""
    probs = []
    fn = R.FUNCTIONS[case["fn"]]
    if case["fn"] == "sepclr":
        val, g, comps = fn(case["params"], case["inputs"], return_components=True)
        for k, want in case.get("components", {}).items():
            got = comps[k]
            if isinstance(want, str):
                if kind(got) != want:
                    probs.append(f"component {k}: kind {kind(got)} != {want}")
            elif abs(got - want) > 1e-9 * max(1, abs(want)):
                probs.append(f"component {k}: {got} != {want}")
    else:
        val, g = fn(case["params"], case["inputs"])
    want = case["value"]
    dv = dvr = 0.0
    if kind(want) == "matrix":
        W = np.asarray(want, float)
        dv = float(np.max(np.abs(np.asarray(val) - W)))
        dvr = float(np.max(np.abs(np.asarray(val) - W) / np.maximum(1, np.abs(W))))
    elif kind(want) != "finite":
        if kind(val) != want:
            probs.append(f"value kind {kind(val)} != {want}")
    else:
        if kind(val) != "finite":
            probs.append(f"value kind {kind(val)} != finite")
        else:
            dv = abs(val - want)
            dvr = dv / max(1.0, abs(want))
    dg = dgr = 0.0
    if case["grad"] is None:
        if g is not None:
            probs.append("grad expected null, reference gives a gradient")
    else:
        if g is None:
            probs.append("grad expected, reference gives null")
        else:
            if set(g) != set(case["grad"]):
                probs.append(f"grad keys {sorted(g)} != {sorted(case['grad'])}")
            for k, wg in case["grad"].items():
                if k not in g:
                    continue
                W = np.asarray(wg, float)
                G = np.asarray(g[k], float)
                if W.shape != G.shape:
                    probs.append(f"grad {k} shape {G.shape} != {W.shape}")
                    continue
                if not np.all(np.isfinite(G)):
                    probs.append(f"grad {k} not finite")
                    continue
                d = np.abs(G - W)
                dg = max(dg, float(d.max()) if d.size else 0.0)
                sc = max(1.0, float(np.abs(W).max()) if W.size else 1.0)
                dgr = max(dgr, float(d.max() / sc) if d.size else 0.0)
    # aux (decoupled uniformity)
    if "aux" in case and case["fn"] in ("decoupled_uniformity", "du_align"):
        aux, lam_eff = R.du_aux(case["params"], case["inputs"])
        for k, wa in case["aux"].items():
            if k not in aux:
                probs.append(f"aux {k} missing")
                continue
            d = float(np.max(np.abs(np.asarray(aux[k]) - np.asarray(wa, float))))
            if d > 1e-9:
                probs.append(f"aux {k} differs by {d:.3g}")
        le = case["params"].get("lambda_effective")
        if le is not None and lam_eff is not None and abs(le - lam_eff) > 1e-15:
            probs.append(f"lambda_effective {lam_eff} != {le}")
    return dv, dvr, dg, dgr, probs


def main(paths):
    tol = 1e-9
    allok = True
    for path in paths:
        d = json.load(open(path))
        mv = mvr = mg = mgr = 0.0
        bad = []
        for case in d["cases"]:
            try:
                dv, dvr, dg, dgr, probs = compare_case(case)
            except Exception as e:  # noqa: BLE001
                bad.append((case["name"], [f"exception {type(e).__name__}: {e}"]))
                continue
            mv, mvr, mg, mgr = max(mv, dv), max(mvr, dvr), max(mg, dg), max(mgr, dgr)
            if dvr > tol or dgr > tol:
                probs.append(f"dvalue={dv:.3g} (rel {dvr:.3g}) dgrad={dg:.3g} (scaled {dgr:.3g})")
            if probs:
                bad.append((case["name"], probs))
        print(f"{path.split('/')[-1]:32s} cases={len(d['cases']):3d}  max|dvalue|={mv:.2e} "
              f"(rel {mvr:.2e})  max|dgrad|={mg:.2e} (scaled {mgr:.2e})  {'OK' if not bad else 'FAIL'}")
        for name, probs in bad:
            allok = False
            for p in probs:
                print(f"    {name}: {p}")
    print("ALL OK" if allok else "SOME CASES DIFFER")
    return allok


if __name__ == "__main__":
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "../../test/vectors/*.json")))
    ok = main(paths)
    sys.exit(0 if ok else 1)
