import tempfile
import os
"""Sanity check that the extra vectors discriminate: apply plausible
implementation mistakes to a copy of reference.py and count how many extra
cases then FAIL under the float32 pass rule of vectors/README.md."""
import glob, importlib.util, json, math, sys, warnings
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
warnings.filterwarnings("ignore")
SRC = open(os.path.join(HERE, "reference.py")).read()
WK = ("w_align", "w_unif", "beta_salient", "beta_reg", "lambda_jem", "unif_weight")

MUTATIONS = {
    "dcl = mean of the two directions": ('DCL_SYMMETRISATION = "sum"', 'DCL_SYMMETRISATION = "mean"'),
    "fairkl population std (ddof 0)": ("var = anp.sum(dev * dev) / (nB2 - 1)", "var = anp.sum(dev * dev) / nB2"),
    "eps: stabiliser ignored": ('leas = float(params.get("log_eps_after_shift", 0.0) or 0.0)', "leas = 0.0"),
    "threshold: non-strict <=": ("C = (W[:, None, :] < W[:, :, None])", "C = (W[:, None, :] <= W[:, :, None])"),
    "y-aware: row normalisation always": ("What = W / rs[None, :]", "What = W / rs[:, None]"),
    "sepclr: unif_weight only on L_C": ("(bS * uw, p[\"sp_uniform\"])", "(bS, p[\"sp_uniform\"])"),
    "sepclr: missing /(2 tau) in alignment": ("return anp.mean(anp.sum(diff * diff, axis=1)) / (2 * tau)",
                                              "return anp.mean(anp.sum(diff * diff, axis=1))"),
    "cauchy kernel as 1/(1+D/gamma^2)": ("return lambda m: 1.0 / (1.0 + g * sqdist(m, m))",
                                         "return lambda m: 1.0 / (1.0 + sqdist(m, m) / g ** 2)"),
    "DU: no 1/sqrt(n) fallback (lambda 0 -> 1e-12)": ("lam_eff = float(lam) if lam else 1.0 / math.sqrt(n)",
                                                      "lam_eff = float(lam) if lam else 1e-12"),
    "supcon: no-positive anchors not counted": ("return anp.sum(La) / M\n\n    return _finish_A(f, X0)\n\n\n# ------"
                                                "--------------------------------------------------------------------\n# 3.",
                                                "return anp.sum(La) / max(hasP.sum(), 1)\n\n    return _finish_A(f, X0)\n\n\n# ------"
                                                "--------------------------------------------------------------------\n# 3."),
    "expw: no row-max shift": ('if shift_mode == "rowmax":\n                m = onp.asarray(stop(S)).max(axis=1)',
                               'if False:\n                m = None'),
    "nt_xent: interleaved views": ("partner = (onp.arange(M) + N) % M", "partner = onp.arange(M) ^ 1"),
    "kjem: inner sum without j = i": ("lse = anp.log(anp.sum(anp.exp(E - sh[:, None]), axis=1)) + sh",
                                      "lse = anp.log(anp.sum(anp.exp(E - sh[:, None]) * (1 - onp.eye(n)), axis=1) + 1e-300) + sh"),
}


def load(name, src):
    os.makedirs(os.path.join(tempfile.gettempdir(), "reference-mutants"), exist_ok=True)
    path = os.path.join(tempfile.gettempdir(), "reference-mutants", f"{name}.py")
    open(path, "w").write(src)
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def kind(v):
    if isinstance(v, str):
        return v
    v = float(v)
    return "NaN" if math.isnan(v) else ("Infinity" if v == math.inf else ("-Infinity" if v == -math.inf else "f"))


def passes(case, val, g, tol):
    s = max([1.0] + [float(case["params"][k]) for k in WK if case["params"].get(k) is not None])
    want = case["value"]
    if isinstance(want, list):
        W = np.asarray(want); V = np.asarray(val)
        if not np.all((np.abs(V - W) <= tol["value_abs"] * s) | (np.abs(V - W) <= tol["value_rel"] * np.abs(W))):
            return False
    elif isinstance(want, str):
        if isinstance(val, np.ndarray) or kind(val) != want:
            return False
    else:
        if isinstance(val, np.ndarray) or not math.isfinite(val):
            return False
        d = abs(val - want)
        if not (d <= tol["value_abs"] * s or d <= tol["value_rel"] * abs(want)):
            return False
    if case["grad"] is not None:
        if g is None:
            return False
        for k, wg in case["grad"].items():
            W = np.asarray(wg); G = np.asarray(g[k])
            sc = max(1.0, float(np.abs(W).max()) if W.size else 1.0)
            if not np.all((np.abs(G - W) <= tol["grad_abs"] * sc) | (np.abs(G - W) <= tol["grad_rel"] * np.abs(W))):
                return False
    return True


cases = []
for f in sorted(glob.glob(os.path.join(HERE, "../../test/vectors-extra/*.json"))):
    d = json.load(open(f))
    for c in d["cases"]:
        cases.append((f.split("/")[-1], c, d["tolerance"]["float32"]))

base = load("ref_base", SRC)
nb = sum(1 for _, c, t in cases if passes(c, *base.FUNCTIONS[c["fn"]](c["params"], c["inputs"]), t))
print(f"unmutated reference: {nb}/{len(cases)} pass")
for i, (label, (a, b)) in enumerate(MUTATIONS.items()):
    assert SRC.count(a) == 1, label
    m = load(f"ref_mut{i}", SRC.replace(a, b))
    fails = []
    for fname, c, t in cases:
        try:
            ok = passes(c, *m.FUNCTIONS[c["fn"]](c["params"], c["inputs"]), t)
        except Exception:
            ok = False
        if not ok:
            fails.append(c["name"])
    print(f"{label:48s} -> {len(fails):3d} failing cases  (e.g. {', '.join(fails[:3])})")
