"""Generate extra test vectors (format contrastive-vectors/1, set "extra")
from the independent float64 reference in reference.py.

Every case is
  * evaluated with reference.py (autograd, float64);
  * re-evaluated with naive.py (explicit loops written separately from the
    spec): values must agree to 1e-9 relative;
  * gradient-checked against central finite differences of naive.py on a
    random subset of entries (skipped only at the documented
    non-differentiable points, where the convention is checked explicitly);
  * checked for float32 conditioning: the value/gradient must not move by
    more than a tenth of the float32 tolerance when the inputs are rounded to
    float32 / perturbed by 1e-7 relative noise (unless the case is marked as
    deliberately ill-conditioned in its note).

Run:  python3 generate.py   (writes test/vectors-extra/*.json)
"""
import json
import math
import os
import sys
import warnings
import zlib

import numpy as np

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as R  # noqa: E402
import naive as NV  # noqa: E402
HERE = os.path.dirname(os.path.abspath(__file__))

OUT = os.path.join(HERE, "../../test/vectors-extra")
TOL = {"float32": {"value_rel": 0.0001, "value_abs": 0.0001, "grad_rel": 0.001, "grad_abs": 0.0001,
                   "note": "float32 tolerances, applied by the pass rule of the vectors README"}}

DIFF_KEYS = {
    "nt_xent": ["features"], "supcon": ["features"], "eps_supinfonce": ["features"],
    "eps_supcon": ["features"], "fairkl": ["features"], "y_aware_infonce": ["features"],
    "kernelized_supcon": ["features"],
    "align": ["x", "y"], "uniform": ["x"], "align_uniform": ["x", "y"],
    "decoupled_uniformity": ["z"], "du_align": ["z"],
    "dcl": ["z1", "z2"], "dcl_one_way": ["z1", "z2"], "dclw": ["z1", "z2"],
    "sepclr": ["c1", "c2", "s1", "s2"], "sepclr_align": ["x", "y"], "sepclr_uniform": ["x"],
    "sepclr_sup_align": ["x"], "kjem": ["c", "s"],
    "kernel_rbf": ["metadata"], "kernel_cosine": ["metadata"], "kernel_gaussian_pdf": ["metadata"],
    "kernel_cauchy": ["metadata"], "kernel_gaussian_tau": ["metadata"],
}
FAMILY_A = set(NV.FAMILY_A)
WEIGHT_KEYS = ("w_align", "w_unif", "beta_salient", "beta_reg", "lambda_jem", "unif_weight")

L_VIEW = "features is [V*N][d], view-major: row v*N+i is view v of sample i"
L_FAIR = "features is [N][d], one row per sample"
L_PAIR = "x[i] and y[i] ([n, d] each) are the two views of sample i (a positive pair)"
L_UNIF = "x[i] ([n, d]) is the embedding of sample i; pairs i<j of rows are used"
L_DU = ("z[i][v] is view v of sample i (sample-major [n, V, d]); rows are raw projector outputs, "
        "the loss L2-normalises every view before averaging")
L_DCL = "z1[i] and z2[i] ([n, d] each, unit rows) are the two views of sample i"
L_SEP = ("c1[i], c2[i]: common-head outputs of views 1 and 2 of image i (raw, normalised inside); "
         "s1[i], s2[i]: salient-head outputs (raw, Euclidean); is_target[i] = 1 for target, 0 for background")
L_KJEM = "c[i]: unit common embedding of sample i; s[i]: salient embedding with background rows already set to 0"
L_SUP = "x[i]: one salient coordinate of target sample i; metadata[i]: its attribute value"
L_KER = ("metadata[i] is the attribute vector (or scalar) of sample i; "
         "value[i][j] = k(metadata[i], metadata[j])")

STATS = {"fd_checked": 0, "fd_skipped": [], "cond_flagged": []}


# ----------------------------------------------------------------------------
# input helpers
# ----------------------------------------------------------------------------

def rng_for(seed):
    return np.random.default_rng(seed)


def unit(rng, m, d):
    x = rng.standard_normal((m, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def raw(rng, m, d, lo=0.5, hi=2.5):
    return unit(rng, m, d) * rng.uniform(lo, hi, size=(m, 1))


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


def jval(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def is_unit(a):
    a = np.asarray(a, float)
    if a.ndim < 2:
        return False
    n = np.linalg.norm(a, axis=-1)
    return bool(np.all(np.abs(n - 1) < 1e-9))


def weight_scale(params):
    s = 1.0
    for k in WEIGHT_KEYS:
        if k in params and params[k] is not None:
            s = max(s, float(params[k]))
    return s


# ----------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------

def check_naive_value(case, val):
    nv = NV.FUNCTIONS[case["fn"]](case["params"], case["inputs"])
    if isinstance(val, np.ndarray):
        d = np.max(np.abs(np.asarray(nv) - val) / np.maximum(1, np.abs(val)))
        assert d < 1e-9, (case["name"], "naive matrix", d)
        return
    if not math.isfinite(val):
        assert (math.isnan(val) and math.isnan(nv)) or val == nv, (case["name"], "naive kind", val, nv)
        return
    assert abs(nv - val) <= 1e-9 * max(1.0, abs(val)), (case["name"], "naive value", val, nv)


def check_fd(case, grads, rng, max_entries=60):
    for k, g in grads.items():
        g = np.asarray(g)
        fdg_full = None
        base = {kk: (np.asarray(v, float) if v is not None and kk not in ("labels", "bias_labels") else v)
                for kk, v in case["inputs"].items()}
        # subset of entries
        flat_idx = np.arange(g.size)
        if g.size > max_entries:
            flat_idx = rng.choice(g.size, size=max_entries, replace=False)
        fn = NV.FUNCTIONS[case["fn"]]
        p = case["params"]

        def val(inp):
            if case["fn"] in FAMILY_A:
                return fn(p, inp, base)
            return float(np.sum(fn(p, inp, base, finite_only=True)))
        x0 = np.asarray(base[k], float)
        scale = max(1.0, float(np.abs(g).max()))
        h = 1e-6 * max(1.0, float(np.abs(x0).max()))
        worst = 0.0
        for fi in flat_idx:
            idx = np.unravel_index(fi, x0.shape)
            xp = x0.copy()
            xm = x0.copy()
            xp[idx] += h
            xm[idx] -= h
            ip = dict(base)
            ip[k] = xp
            im = dict(base)
            im[k] = xm
            fd = (val(ip) - val(im)) / (2 * h)
            worst = max(worst, abs(fd - g[idx]) / scale)
        tol = 2e-6 * weight_scale(p) * max(1.0, 1.0 / min(1.0, min_temp(p)))
        assert worst < tol, (case["name"], "finite differences", k, worst, tol)
        STATS.setdefault("fd_worst", []).append((worst, tol, case["name"], k))
    STATS["fd_checked"] += 1


def min_temp(p):
    ts = [float(p[k]) for k in ("temperature", "tau") if k in p and p[k] is not None]
    if "sigma" in p and p.get("sigma") is not None and "tau" in p:  # dclw sigma is a temperature
        ts.append(float(p["sigma"]))
    return min(ts) if ts else 1.0


def check_conditioning(case, val, grads, note_ok=False):
    """Rounding the inputs to float32 (and a 1e-7 relative perturbation)
    must move the value by < 1e-5 (scaled) and the gradient by < 1e-4 of the
    pass-rule scale; otherwise the case is flagged (or rejected)."""
    if not (isinstance(val, np.ndarray) or math.isfinite(val)) or grads is None:
        return
    fn = R.FUNCTIONS[case["fn"]]
    s = weight_scale(case["params"])
    worst_v = worst_g = 0.0
    for mode in ("f32", "noise"):
        inp = dict(case["inputs"])
        rr = np.random.default_rng(12345)
        for k in DIFF_KEYS[case["fn"]]:
            a = np.asarray(inp[k], float)
            if mode == "f32":
                a2 = a.astype(np.float32).astype(float)
            else:
                # value-determined perturbation: identical entries stay identical
                a2 = a * (1 + 1e-7 * np.sin(a * 1e4 + 1.234))
            inp[k] = a2
        v2, g2 = fn(case["params"], inp)
        if isinstance(val, np.ndarray):
            dv = float(np.max(np.abs(np.asarray(v2) - val) / np.maximum(1.0, np.abs(val))))
        else:
            if not math.isfinite(v2):
                dv = math.inf
            else:
                dv = abs(v2 - val) / max(s, abs(val))
        worst_v = max(worst_v, dv)
        if g2 is None:
            worst_g = math.inf
            continue
        for k, g in grads.items():
            g = np.asarray(g)
            sc = max(1.0, float(np.abs(g).max()))
            worst_g = max(worst_g, float(np.max(np.abs(np.asarray(g2[k]) - g))) / sc)
    if worst_v > 1e-5 or worst_g > 1e-5:
        if note_ok:
            STATS["cond_flagged"].append((case["name"], worst_v, worst_g))
        else:
            raise AssertionError((case["name"], "ill-conditioned", worst_v, worst_g))


# ----------------------------------------------------------------------------
# case builder
# ----------------------------------------------------------------------------

class Builder:
    def __init__(self):
        self.files = {}
        self.names = set()
        self.seed = 90000

    def next_seed(self):
        self.seed += 1
        return self.seed

    def file(self, fname, title, spec):
        self.files.setdefault(fname, {"title": title, "spec": spec, "cases": []})
        self.cur = fname

    def add(self, name, fn, params, inputs, layout, note=None, description=None, fd=True,
            ill_conditioned=False, expect=None):
        assert name not in self.names, name
        self.names.add(name)
        case = {"name": name, "fn": fn, "params": params, "layout": layout, "inputs": inputs}
        case["normalized_inputs"] = {k: is_unit(inputs[k]) for k in DIFF_KEYS[fn]}
        rr = np.random.default_rng(zlib.crc32(name.encode()))
        comps = None
        if fn == "sepclr":
            val, grads, comps = R.sepclr(params, inputs, return_components=True)
        else:
            val, grads = R.FUNCTIONS[fn](params, inputs)
        # value / kind expectations stated by the spec for this case
        if expect is not None:
            expect(val, grads)
        check_naive_value(case, val)
        if fn == "sepclr":
            nc = NV.sepclr_components(params, inputs)
            for k in R.SEPCLR_KEYS:
                a, b = comps[k], nc[k]
                assert (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1, abs(a)), (name, k, a, b)
        if fn in FAMILY_A and not (isinstance(val, np.ndarray) or math.isfinite(val)):
            assert grads is None
        else:
            assert grads is not None, name
            for k, g in grads.items():
                assert np.all(np.isfinite(g)), (name, "non-finite gradient", k)
            if fd:
                check_fd(case, grads, rr)
            else:
                STATS["fd_skipped"].append(name)
            check_conditioning(case, val, grads, note_ok=ill_conditioned)
        case["value"] = jval(val)
        case["grad"] = None if grads is None else {k: tolist(g) for k, g in grads.items()}
        if comps is not None:
            case["components"] = {k: jval(comps[k]) for k in R.SEPCLR_KEYS}
        if fn in ("decoupled_uniformity", "du_align"):
            aux, _ = R.du_aux(params, inputs)
            case["aux"] = {k: tolist(v) for k, v in aux.items()}
        if fn.startswith("kernel_"):
            case["grad_definition"] = "d(sum_ij value[i][j]) / d metadata"
        if description:
            case["description"] = description
        if note:
            case["note"] = note
        self.files[self.cur]["cases"].append(case)
        return case

    def write(self):
        os.makedirs(OUT, exist_ok=True)
        for fname, f in self.files.items():
            fns = sorted({c["fn"] for c in f["cases"]})
            head = [
                ("format", "contrastive-vectors/1"),
                ("title", f["title"]),
                ("spec", f["spec"]),
                ("set", "extra"),
                ("dtype", "float64"),
                ("reference", "independent float64 reference (numpy + autograd) written from the specification "
                              "text only; values cross-checked with a second loop implementation and gradients "
                              "with finite differences"),
                ("tolerance", TOL),
                ("functions", fns),
            ]
            lines = ["{"]
            for k, v in head:
                lines.append(f"  {json.dumps(k)}: {json.dumps(v, allow_nan=False)},")
            lines.append('  "cases": [')
            cs = [json.dumps(c, allow_nan=False) for c in f["cases"]]
            for i, c in enumerate(cs):
                lines.append("    " + c + ("," if i < len(cs) - 1 else ""))
            lines.append("  ]")
            lines.append("}")
            with open(os.path.join(OUT, fname), "w") as fh:
                fh.write("\n".join(lines) + "\n")
            json.load(open(os.path.join(OUT, fname)))  # round-trip check


B = Builder()


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(b))


def expect_value(target, tol=1e-12):
    def f(v, g):
        assert close(v, target, tol), ("expected", target, "got", v)
    return f


def expect_value_zero_grad(target, gtol=1e-12):
    def f(v, g):
        assert close(v, target), ("expected", target, "got", v)
        for k, gg in g.items():
            assert np.max(np.abs(gg)) <= gtol, ("expected zero gradient", k, np.max(np.abs(gg)))
    return f


def expect_kind(kind, grad_null=True, zero_grad=False, nonzero_grad=False):
    def f(v, g):
        if kind == "NaN":
            assert math.isnan(v), v
        elif kind == "Infinity":
            assert v == math.inf, v
        if grad_null:
            assert g is None
        if zero_grad:
            for k, gg in g.items():
                assert np.all(gg == 0), k
        if nonzero_grad:
            assert any(np.any(gg != 0) for gg in g.values())
    return f


def expect_rows_zero_grad(row):
    def f(v, g):
        for k, gg in g.items():
            assert np.all(gg[row] == 0), (k, gg[row])
    return f


def expect_zero_grad(gtol=1e-12):
    def f(v, g):
        for k, gg in g.items():
            assert np.max(np.abs(gg)) <= gtol, (k, np.max(np.abs(gg)))
    return f


# ============================================================================
# family A
# ============================================================================

def gen_nt_xent():
    B.file("nt_xent.json", "NT-Xent / InfoNCE (SimCLR): extra cases", "spec/losses-a.md")

    def case(name, N, d, tau, normalize, red, feats=None, **kw):
        rng = rng_for(B.next_seed())
        if feats is None:
            feats = raw(rng, 2 * N, d) if normalize else unit(rng, 2 * N, d)
        p = {"temperature": tau, "normalize": normalize, "reduction": red, "n_views": 2}
        return B.add(name, "nt_xent", p, {"features": tolist(feats)}, L_VIEW, **kw)

    case("t0.05_n8_d16_norm_mean", 8, 16, 0.05, True, "mean")
    case("t0.05_n16_d12_norm_sum_of_view_means", 16, 12, 0.05, True, "sum_of_view_means")
    case("t0.3_n6_d5_norm_sum_of_view_means", 6, 5, 0.3, True, "sum_of_view_means")
    case("t0.3_n7_d8_unit_rows_no_internal_norm_mean", 7, 8, 0.3, False, "mean")
    case("t2.0_n5_d3_norm_mean", 5, 3, 2.0, True, "mean")
    case("t2.0_n4_d6_unit_rows_no_internal_norm_sum_of_view_means", 4, 6, 2.0, False, "sum_of_view_means")
    case("t0.1_d32_n12_norm_mean", 12, 32, 0.1, True, "mean")
    case("t0.05_d32_n10_unit_rows_no_internal_norm_mean", 10, 32, 0.05, False, "mean")
    case("t0.2_n24_d16_norm_sum_of_view_means_48rows", 24, 16, 0.2, True, "sum_of_view_means")
    rng = rng_for(B.next_seed())
    case("t1.0_nonunit_rows_no_internal_norm_n6_d4", 6, 4, 1.0, False, "mean",
         feats=raw(rng, 12, 4, 0.5, 1.5),
         description="rows of norm 0.5-1.5 used as given (normalize false): free variables, no projection")
    # N = 1: a single positive pair, the denominator is the positive alone -> 0
    rng = rng_for(B.next_seed())
    case("edge_n1_two_rows_t0.1_norm_mean", 1, 4, 0.1, True, "mean", feats=raw(rng, 2, 4),
         description="N=1 (2 rows): A(a) = {a'} so every term is 0; log(2N-1) = 0",
         expect=expect_value_zero_grad(0.0))
    rng = rng_for(B.next_seed())
    case("edge_n1_two_rows_t0.5_unit_sum_of_view_means", 1, 3, 0.5, False, "sum_of_view_means",
         feats=unit(rng, 2, 3), expect=expect_value_zero_grad(0.0))
    # all rows identical
    rng = rng_for(B.next_seed())
    v = rng.standard_normal(5) * 2.3
    case("edge_all_rows_identical_n6_d5_t0.2_norm", 6, 5, 0.2, True, "mean", feats=np.tile(v, (12, 1)),
         description="all rows identical: value log(2N-1) = log 11, zero gradient",
         expect=expect_value_zero_grad(math.log(11), 1e-12))
    rng = rng_for(B.next_seed())
    v = unit(rng, 1, 3)[0]
    case("edge_all_rows_identical_unit_no_internal_norm_n5_t1.0_sum", 5, 3, 1.0, False, "sum_of_view_means",
         feats=np.tile(v, (10, 1)),
         description="all rows identical, code reduction: value 2 log(2N-1) = 2 log 9, zero gradient",
         expect=expect_value_zero_grad(2 * math.log(9), 1e-12))
    # antipodal positive pair
    rng = rng_for(B.next_seed())
    F = raw(rng, 8, 4)
    F[4] = -F[0] * 1.7
    case("edge_antipodal_positive_pair_n4_t0.1_norm", 4, 4, 0.1, True, "mean", feats=F,
         description="sample 0: view 1 = -1.7 * view 0 (antipodal positive pair after normalisation)")
    rng = rng_for(B.next_seed())
    F = unit(rng, 10, 6)
    F[7] = -F[2]
    case("edge_antipodal_positive_pair_unit_no_internal_norm_n5_t0.3", 5, 6, 0.3, False, "mean", feats=F,
         description="sample 2: the two unit views are exactly antipodal")


def labels_with(rng, N, ncls):
    return [int(v) for v in rng.integers(0, ncls, size=N)]


def gen_supcon():
    B.file("supcon.json", "SupCon L_out / L_in: extra cases", "spec/losses-a.md")

    def case(name, variant, V, N, d, labels, tau, tb, normalize, feats=None, **kw):
        rng = rng_for(B.next_seed())
        if feats is None:
            feats = raw(rng, V * N, d) if normalize else unit(rng, V * N, d)
        p = {"temperature": tau, "base_temperature": tb, "variant": variant, "n_views": V,
             "normalize": normalize, "contrast_mode": "all"}
        return B.add(name, "supcon", p, {"features": tolist(feats), "labels": labels}, L_VIEW, **kw)

    L12 = [3, 1, 0, 2, 1, 3, 0, 0, 2, 1, 3, 2]
    for var in ("out", "in"):
        case(f"{var}_v1_n12_c4_t0.1_bt0.07", var, 1, 12, 6, L12, 0.1, 0.07, False)
    L10 = [0, 2, 1, 1, 0, 2, 2, 1, 0, 0]
    for var in ("out", "in"):
        case(f"{var}_v2_n10_c3_t0.07_norm", var, 2, 10, 8, L10, 0.07, 0.07, True)
    L6 = [1, 0, 0, 1, 1, 0]
    for var in ("out", "in"):
        case(f"{var}_v3_n6_c2_t0.2_bt0.07", var, 3, 6, 5, L6, 0.2, 0.07, False)
    for var in ("out", "in"):
        case(f"{var}_v3_labels_null_n5_t0.5_bt0.07", var, 3, 5, 4, None, 0.5, 0.07, False,
             description="labels null, 3 views: positives are the 2 other views of the same sample")
    Ls = [4, 1, 1, 2, 2, 2, 1]
    for var in ("out", "in"):
        case(f"edge_{var}_v1_singleton_class_n7", var, 1, 7, 4, Ls, 0.1, 0.1, False,
             description="n_views=1, class 4 has one member: that anchor contributes 0 and is counted in the mean")
    case("edge_out_v1_single_class_n6_t0.2_bt0.07", "out", 1, 6, 4, [5] * 6, 0.2, 0.07, False,
         description="single class: P(a) = A(a); L_out finite with a non-zero gradient")
    c = 0.2 / 0.07
    case("edge_in_v1_single_class_n6_t0.2_bt0.07", "in", 1, 6, 4, [5] * 6, 0.2, 0.07, False,
         description="single class, L_in = c log(M-1) = (0.2/0.07) log 5, zero gradient",
         expect=expect_value_zero_grad(c * math.log(5), 1e-12))
    case("edge_in_v3_single_class_n4_t0.5_bt0.5_norm", "in", 3, 4, 3, [-2] * 4, 0.5, 0.5, True,
         description="single class, 3 views, L_in = log(11), zero gradient",
         expect=expect_value_zero_grad(math.log(11), 1e-12))
    case("edge_out_v2_single_class_n5_t0.1_bt0.07", "out", 2, 5, 4, [7] * 5, 0.1, 0.07, False)
    case("edge_out_v2_all_labels_distinct_n6_t0.3_bt0.07", "out", 2, 6, 5, [9, 3, 0, 5, 1, 7], 0.3, 0.07, False,
         description="all labels distinct: NT-Xent(mean) * t/bt")
    case("edge_in_v2_all_labels_distinct_n6_t0.3_bt0.07", "in", 2, 6, 5, [9, 3, 0, 5, 1, 7], 0.3, 0.07, False,
         description="all labels distinct: one positive, L_in = L_out = NT-Xent(mean) * t/bt")
    Lneg = [-5, 3, -5, 12, 3, 12, -1, 3]
    for var in ("out", "in"):
        case(f"{var}_v2_negative_noncontiguous_labels_n8", var, 2, 8, 6, Lneg, 0.1, 0.07, False,
             description="labels -5, -1, 3, 12 (negative, non-contiguous)")
    case("out_v2_t0.05_bt0.1_norm_n6", "out", 2, 6, 6, [0, 1, 0, 1, 2, 2], 0.05, 0.1, True,
         description="base_temperature > temperature: factor 0.5")
    case("in_v1_t0.3_bt0.07_norm_n9", "in", 1, 9, 5, [0, 1, 2, 0, 1, 2, 0, 1, 2], 0.3, 0.07, True)
    case("out_v2_nonunit_rows_no_internal_norm_t0.5_bt0.5", "out", 2, 6, 4, [0, 0, 1, 1, 2, 2], 0.5, 0.5, False,
         feats=raw(rng_for(B.next_seed()), 12, 4, 0.6, 1.4),
         description="rows of norm 0.6-1.4 used as given")
    case("out_v3_n16_d8_c5_t0.1_bt0.07_48rows", "out", 3, 16, 8,
         labels_with(rng_for(B.next_seed()), 16, 5), 0.1, 0.07, False)
    case("edge_out_v1_labels_null_no_positive_anywhere", "out", 1, 5, 3, None, 0.1, 0.07, False,
         description="labels null with one view: no anchor has a positive; each contributes 0 (counted): value 0, gradient 0",
         expect=expect_value_zero_grad(0.0, 0.0))


def gen_eps():
    B.file("eps_supinfonce.json", "epsilon-SupInfoNCE and epsilon-SupCon: extra cases", "spec/losses-a.md")

    def case(name, fn, form, V, N, d, labels, eps, tau, tb, leas, normalize, feats=None, **kw):
        rng = rng_for(B.next_seed())
        if feats is None:
            feats = raw(rng, V * N, d) if normalize else unit(rng, V * N, d)
        p = {"form": form, "temperature": tau, "base_temperature": tb, "epsilon": eps, "n_views": V,
             "normalize": normalize, "contrast_mode": "all", "log_eps_after_shift": leas}
        return B.add(name, fn, p, {"features": tolist(feats), "labels": labels}, L_VIEW, **kw)

    L8 = [0, 1, 2, 0, 1, 2, 0, 1]
    case("out_eps-0.2_v2_n8_t0.1", "eps_supinfonce", "out", 2, 8, 5, L8, -0.2, 0.1, 0.07, 0.0, False,
         description="negative epsilon (omega > 1)")
    case("out_eps0_v2_n8_t0.1_official_eta", "eps_supinfonce", "out", 2, 8, 5, L8, 0.0, 0.1, 0.07, 1e-6, False,
         description="epsilon 0 with the official +1e-6 after the shift")
    f6 = unit(rng_for(B.next_seed()), 12, 6)
    L6 = [1, 1, 0, 2, 0, 2]
    case("exact_out_eps0.5_v2_n6_t0.07", "eps_supinfonce", "out", 2, 6, 6, L6, 0.5, 0.07, 0.07, 0.0, False, feats=f6)
    case("official_out_eps0.5_v2_n6_t0.07", "eps_supinfonce", "out", 2, 6, 6, L6, 0.5, 0.07, 0.07, 1e-6, False,
         feats=f6, description="same batch as exact_out_eps0.5_v2_n6_t0.07 with log_eps_after_shift 1e-6")
    case("official_out_eps1.0_v3_n5_t0.1", "eps_supinfonce", "out", 3, 5, 4, [0, 1, 0, 1, 1], 1.0, 0.1, 0.07, 1e-6, False)
    f10 = unit(rng_for(B.next_seed()), 10, 4)
    Ls = [3, 0, 0, 1, 1, 2, 2, 0, 1, 2]
    case("exact_out_v1_no_positive_anchor_eps0.1_t0.1", "eps_supinfonce", "out", 1, 10, 4, Ls, 0.1, 0.1, 0.07, 0.0,
         False, feats=f10, description="class 3 is a singleton with one view: that anchor contributes 0, counted")
    case("official_out_v1_no_positive_anchor_eps0.1_t0.1", "eps_supinfonce", "out", 1, 10, 4, Ls, 0.1, 0.1, 0.07, 1e-6,
         False, feats=f10, description="same with the official stabiliser")
    case("out_labels_null_v2_n6_eps0.3_t0.2", "eps_supinfonce", "out", 2, 6, 5, None, 0.3, 0.2, 0.07, 0.0, False,
         description="labels null: epsilon-InfoNCE")
    case("official_out_labels_null_v3_n4_eps-0.2_t0.1", "eps_supinfonce", "out", 3, 4, 5, None, -0.2, 0.1, 0.07, 1e-6,
         False)
    c = 0.1 / 0.07
    case("edge_exact_out_single_class_v2_n5_eps0.4", "eps_supinfonce", "out", 2, 5, 4, [2] * 5, 0.4, 0.1, 0.07, 0.0,
         False, description="no negatives, exact: value -(t/bt) eps, zero gradient",
         expect=expect_value_zero_grad(-c * 0.4, 1e-12))
    case("edge_exact_out_single_class_v1_n6_eps-0.2_t0.07", "eps_supinfonce", "out", 1, 6, 3, [0] * 6, -0.2, 0.07, 0.07,
         0.0, False, description="no negatives, exact, negative eps: value +0.2, zero gradient",
         expect=expect_value_zero_grad(0.2, 1e-12))
    case("edge_official_out_single_class_v2_n4_eps0.2_t0.07", "eps_supinfonce", "out", 2, 4, 3, [1] * 4, 0.2, 0.07, 0.07,
         1e-6, False, description="single class with the official eta: not constant (non-zero gradient)")
    case("in_eps-0.2_v2_n8_t0.1", "eps_supinfonce", "in", 2, 8, 5, L8, -0.2, 0.1, 0.07, 0.0, False)
    case("in_eps0_v3_n5_t0.07", "eps_supinfonce", "in", 3, 5, 4, [0, 1, 0, 1, 2], 0.0, 0.07, 0.07, 0.0, False)
    case("in_eps1.0_labels_null_v2_n6_t0.5_bt0.5", "eps_supinfonce", "in", 2, 6, 4, None, 1.0, 0.5, 0.5, 0.0, False)
    case("in_eps0.3_v2_n6_t0.1_norm", "eps_supinfonce", "in", 2, 6, 5, [0, 1, 1, 2, 2, 0], 0.3, 0.1, 0.07, 0.0, True)
    case("in_ignores_log_eps_after_shift_eps0.2_t0.07", "eps_supinfonce", "in", 2, 6, 5, [0, 1, 1, 2, 2, 0], 0.2, 0.07,
         0.07, 1e-6, False, description="form in has no stabiliser: log_eps_after_shift is ignored")
    case("nonfinite_in_v1_no_positive_anchor_eps0.25", "eps_supinfonce", "in", 1, 7, 4, [0, 0, 1, 1, 2, 2, 5], 0.25,
         0.1, 0.07, 0.0, False, description="form in, class 5 singleton: log 0 -> +Infinity (no guard)",
         expect=expect_kind("Infinity"))
    case("nonfinite_in_v1_labels_null", "eps_supinfonce", "in", 1, 5, 4, None, 0.1, 0.2, 0.07, 0.0, False,
         description="form in, labels null and one view: no anchor has a positive -> +Infinity",
         expect=expect_kind("Infinity"))
    c = 0.1 / 0.07
    case("edge_in_single_class_v2_n4_eps-0.2", "eps_supinfonce", "in", 2, 4, 4, [3] * 4, -0.2, 0.1, 0.07, 0.0, False,
         description="no negatives: value -(t/bt)(eps + log(M-1)), zero gradient",
         expect=expect_value_zero_grad(-c * (-0.2 + math.log(7)), 1e-12))
    case("edge_in_single_class_v3_n3_eps0.5_t0.2_bt0.2", "eps_supinfonce", "in", 3, 3, 3, [1] * 3, 0.5, 0.2, 0.2, 0.0,
         False, description="no negatives: value -(0.5 + log 8), zero gradient",
         expect=expect_value_zero_grad(-(0.5 + math.log(8)), 1e-12))
    case("out_v3_n16_d8_eps0.2_t0.1_official_48rows", "eps_supinfonce", "out", 3, 16, 8,
         labels_with(rng_for(B.next_seed()), 16, 4), 0.2, 0.1, 0.07, 1e-6, False)
    case("out_norm_eps0.1_v2_n6_t0.1", "eps_supinfonce", "out", 2, 6, 5, [0, 1, 1, 2, 2, 0], 0.1, 0.1, 0.07, 1e-6, True,
         description="raw rows, the loss normalises; eta uses the row max of the normalised logits")
    # spread batch: every logit is far below the row max, so eta = 1e-6 e^{m_a} matters at tau = 0.1
    rng = rng_for(B.next_seed())
    tet = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], float) / math.sqrt(3)
    tet = tet + 0.05 * rng.standard_normal(tet.shape)
    tet = tet / np.linalg.norm(tet, axis=1, keepdims=True)
    case("official_out_spread_tetrahedron_v1_t0.1", "eps_supinfonce", "out", 1, 4, 3, [0, 0, 1, 1], 0.2, 0.1, 0.07,
         1e-6, False, feats=tet,
         description="4 unit rows near a regular tetrahedron (cos ~ -1/3): e^{s - m} ~ 1e-6, the same size as the "
                     "official +1e-6, so the stabiliser changes the loss substantially at tau = 0.1")
    case("exact_out_spread_tetrahedron_v1_t0.1", "eps_supinfonce", "out", 1, 4, 3, [0, 0, 1, 1], 0.2, 0.1, 0.07,
         0.0, False, feats=tet, description="same batch without the stabiliser")
    case("supcon_official_out_spread_tetrahedron_v1_t0.1", "eps_supcon", "out", 1, 4, 3, [0, 0, 0, 1], 0.2, 0.1,
         0.07, 1e-6, False, feats=tet,
         description="same rows, labels [0,0,0,1]: two positives for class 0, the class-1 anchor has none (0, counted)")
    # eps_supcon
    case("supcon_out_eps-0.2_v2_n8_t0.1", "eps_supcon", "out", 2, 8, 5, L8, -0.2, 0.1, 0.07, 0.0, False)
    case("supcon_out_eps0_v1_no_positive_anchor", "eps_supcon", "out", 1, 10, 4, Ls, 0.0, 0.1, 0.07, 0.0, False,
         description="singleton class with one view: contributes 0, counted")
    case("supcon_official_out_eps0.5_v3_n5_t0.07", "eps_supcon", "out", 3, 5, 4, [0, 1, 1, 0, 2], 0.5, 0.07, 0.07, 1e-6,
         False)
    case("supcon_official_out_labels_null_v2_n5_eps0.25", "eps_supcon", "out", 2, 5, 4, None, 0.25, 0.1, 0.07, 1e-6,
         False)
    case("supcon_edge_out_single_class_v2_n4_eps0.3", "eps_supcon", "out", 2, 4, 4, [0] * 4, 0.3, 0.1, 0.1, 0.0, False,
         description="single class: finite, with a non-zero gradient (unlike eps_supinfonce)")
    case("supcon_out_norm_eps0.1_v2_n6_t0.1", "eps_supcon", "out", 2, 6, 5, [0, 1, 1, 2, 2, 0], 0.1, 0.1, 0.07, 0.0,
         True)
    case("supcon_out_eps1.0_v2_n6_t0.07_official", "eps_supcon", "out", 2, 6, 6, L6, 1.0, 0.07, 0.07, 1e-6, False)


def gen_fairkl():
    B.file("fairkl.json", "FairKL regulariser: extra cases", "spec/losses-a.md")

    def case(name, Bn, d, y, b, T, kld, normalize, feats=None, **kw):
        rng = rng_for(B.next_seed())
        if feats is None:
            feats = raw(rng, Bn, d) if normalize else unit(rng, Bn, d)
        p = {"temperature": T, "kld": kld, "normalize": normalize}
        return B.add(name, "fairkl", p, {"features": tolist(feats), "labels": y, "bias_labels": b}, L_FAIR, **kw)

    case("b8_c2_bias2_t0.2_kld1", 8, 4, [0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 0], 0.2, 1.0, False)
    case("b10_c3_bias2_t2_kld0.5", 10, 5, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], [0, 0, 1, 1, 0, 1, 0, 1, 1, 0], 2.0, 0.5, False)
    case("b12_c3_bias3_t1_kld3_norm", 12, 6, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2],
         [0, 1, 2, 0, 1, 1, 2, 0, 2, 2, 0, 1], 1.0, 3.0, True)
    case("b16_c2_bias2_t1_kld0_norm", 16, 8, [i % 2 for i in range(16)], [(i // 2) % 2 for i in range(16)], 1.0, 0.0,
         True)
    rng = rng_for(B.next_seed())
    case("b20_c4_bias3_t0.2_kld3_norm", 20, 8, labels_with(rng, 20, 4), labels_with(rng, 20, 3), 0.2, 3.0, True)
    case("b4_c2_bias2_t1_kld1", 4, 3, [0, 0, 1, 1], [0, 1, 0, 1], 1.0, 1.0, False)
    case("b18_c3_bias3_t1_kld1_nonunit_rows_no_norm", 18, 5, labels_with(rng, 18, 3), labels_with(rng, 18, 3), 1.0,
         1.0, False, feats=raw(rng_for(B.next_seed()), 18, 5, 0.6, 1.4),
         description="rows of norm 0.6-1.4 used as given (normalize false)")
    case("b9_negative_noncontiguous_labels_t0.5_kld1", 9, 4, [-3, 7, 7, -3, 11, 11, -3, 7, 11],
         [100, -1, 100, -1, 100, -1, -1, 100, 100], 0.5, 1.0, False)
    case("edge_empty_groups_labels_equal_bias_t2_kld0.5", 10, 4, [0, 1, 2, 0, 1, 2, 0, 1, 2, 2],
         [0, 1, 2, 0, 1, 2, 0, 1, 2, 2], 2.0, 0.5, False,
         description="labels equal biases: PC and NA empty (mu = 0, sigma = 0)")
    case("edge_single_bias_value_t0.2_kld3", 8, 4, [0, 1, 0, 1, 2, 2, 0, 1], [4] * 8, 0.2, 3.0, False,
         description="single bias value: PC and NC empty")
    case("edge_single_class_t2_kld0.5_norm", 7, 5, [1] * 7, [0, 1, 1, 0, 2, 2, 0], 2.0, 0.5, True,
         description="single class: NA and NC empty")
    v = unit(rng_for(B.next_seed()), 1, 4)[0]
    case("edge_collapsed_single_class_single_bias_t0.2_kld3", 6, 4, [2] * 6, [1] * 6, 0.2, 3.0, False,
         feats=np.tile(v, (6, 1)),
         description="identical unit rows, one class, one bias: only PA non-empty and constant (zero spread, "
                     "std derivative := 0); value mu_PA^2 = 25",
         expect=expect_value(25.0, 1e-12))
    rng = rng_for(B.next_seed())
    v = rng.standard_normal(5)
    F = np.outer(rng.uniform(0.5, 3.0, size=8), v)
    case("edge_collapsed_after_normalisation_t2_kld3_norm", 8, 5, [0] * 8, [3] * 8, 2.0, 3.0, True, feats=F,
         description="rows are positive multiples of one vector; after normalisation they coincide: zero spread "
                     "(std derivative := 0), value (1/2)^2 = 0.25",
         expect=expect_value(0.25, 1e-12))
    v = unit(rng_for(B.next_seed()), 1, 3)[0]
    case("collapsed_features_two_classes_two_biases_t1_kld1", 8, 3, [0, 0, 0, 0, 1, 1, 1, 1],
         [0, 1, 0, 0, 0, 1, 1, 0], 1.0, 1.0, False, feats=np.tile(v, (8, 1)),
         description="identical rows but all four groups non-empty: the zero-padded matrices have non-zero spread")


def gen_yaware():
    B.file("y_aware_infonce.json", "y-Aware InfoNCE: extra cases", "spec/losses-a.md")

    def case(name, N, d, meta, sigma, tau, normalize, wn, feats=None, **kw):
        rng = rng_for(B.next_seed())
        if feats is None:
            feats = raw(rng, 2 * N, d) if normalize else unit(rng, 2 * N, d)
        p = {"temperature": tau, "sigma": sigma, "normalize": normalize, "weight_norm": wn, "kernel": "rbf",
             "n_views": 2}
        return B.add(name, "y_aware_infonce", p, {"features": tolist(feats), "metadata": meta}, L_VIEW, **kw)

    rng = rng_for(B.next_seed())
    m1 = tolist(rng.uniform(20, 30, size=8))
    f = raw(rng, 16, 6)
    case("n8_meta1d_sigma1_t0.1_official", 8, 6, m1, 1.0, 0.1, True, "official", feats=f)
    case("variant_row_n8_meta1d_sigma1_t0.1", 8, 6, m1, 1.0, 0.1, True, "row", feats=f,
         description="same batch, per-anchor (row) normalisation of the weights")
    rng = rng_for(B.next_seed())
    case("n6_meta_k2_sigma2_t0.2_official", 6, 4, tolist(rng.standard_normal((6, 2)) * 2), 2.0, 0.2, True, "official")
    case("variant_row_n6_meta_k3_sigma1.5_t0.5", 6, 4, tolist(rng.standard_normal((6, 3))), 1.5, 0.5, True, "row")
    case("n7_meta_k3_sigma10_t0.1_official", 7, 5, tolist(rng.standard_normal((7, 3)) * 5), 10.0, 0.1, True, "official")
    case("n6_meta1d_int_sigma0.05_t0.2_official", 6, 4, [20.0, 23.0, 21.0, 27.0, 25.0, 22.0], 0.05, 0.2, True,
         "official", description="tiny sigma, distinct integer metadata: weights exp(-200) ~ 0, ~ 2 x NT-Xent(mean)")
    case("variant_row_meta1d_ties_sigma0.05_t0.2", 6, 4, [20.0, 23.0, 20.0, 27.0, 23.0, 22.0], 0.05, 0.2, True, "row",
         description="tiny sigma with repeated metadata values: equal metadata get weight 1")
    case("edge_all_metadata_equal_official_t0.3", 5, 4, [42.0] * 5, 1.0, 0.3, True, "official",
         description="all metadata equal: uniform weights 1/(2N-1)")
    case("variant_row_all_metadata_equal_k2_t1.0", 5, 4, [[1.5, -2.0]] * 5, 2.0, 1.0, True, "row")
    case("unit_rows_no_internal_norm_t0.07_sigma2", 6, 5, tolist(rng.uniform(0, 5, size=6)), 2.0, 0.07, False,
         "official")
    case("variant_row_unit_rows_no_internal_norm_t1.0_sigma3", 6, 5, tolist(rng.uniform(0, 5, size=6)), 3.0, 1.0,
         False, "row")
    case("n16_d12_t0.05_sigma3_official", 16, 12, tolist(rng.uniform(10, 20, size=16)), 3.0, 0.05, True, "official")
    case("n24_d8_meta_k2_t0.1_sigma5_official_48rows", 24, 8, tolist(rng.standard_normal((24, 2)) * 4), 5.0, 0.1, True,
         "official")
    case("n5_meta1d_t1.0_sigma0.5_official", 5, 3, tolist(rng.uniform(0, 2, size=5)), 0.5, 1.0, True, "official")


def ksc_params(method, kernel, sigma, tau, tb, V, dred="sum", shift="rowmax", normalize=False):
    return {"method": method, "kernel": kernel, "sigma": sigma, "temperature": tau, "base_temperature": tb,
            "n_views": V, "delta_reduction": dred, "expw_shift": shift, "normalize": normalize,
            "contrast_mode": "all"}


def threshold_float32_safe(labels, kernel, sigma):
    y = np.asarray(labels, float)
    assert np.all(y == np.round(y)), "threshold ages must be integers"
    d2 = (y[:, None] - y[None, :]) ** 2
    if kernel in ("gaussian", "rbf"):
        assert d2.max() / (2 * sigma ** 2) <= 80, "Delta^2/(2 sigma^2) must be <= 80"
    # float32 kernel values must order exactly like float64 ones
    W64 = R._ksc_kernel(kernel, sigma, y)
    y32 = y.astype(np.float32)
    s32 = np.float32(sigma)
    dd = (y32[:, None] - y32[None, :]) ** 2
    if kernel == "gaussian":
        W32 = np.exp(-dd / (np.float32(2) * s32 * s32)) / (np.float32(math.sqrt(2 * math.pi)) * s32)
    elif kernel == "rbf":
        W32 = np.exp(-dd / (np.float32(2) * s32 * s32))
    else:
        W32 = np.float32(1) / (s32 * dd + np.float32(1))
    for r in range(len(y)):
        o64 = np.sign(W64[r][:, None] - W64[r][None, :])
        o32 = np.sign(W32[r][:, None].astype(float) - W32[r][None, :].astype(float))
        assert np.array_equal(o64, o32), "float32 kernel order differs"
        assert np.all(W32[r] > 0), "float32 kernel underflow"


def gen_ksc():
    B.file("kernelized_supcon.json", "KernelizedSupCon (contrastive regression): extra cases", "spec/losses-a.md")

    def case(name, p, N, d, labels, feats=None, **kw):
        rng = rng_for(B.next_seed())
        V = p["n_views"]
        if feats is None:
            feats = raw(rng, V * N, d) if p["normalize"] else unit(rng, V * N, d)
        if p["method"] == "threshold":
            threshold_float32_safe(labels, p["kernel"], p["sigma"])
        return B.add(name, "kernelized_supcon", p, {"features": tolist(feats), "labels": labels}, L_VIEW, **kw)

    def ages(n, lo=20.0, hi=40.0, integer=False, seed=None):
        rng = rng_for(B.next_seed() if seed is None else seed)
        if integer:
            return [float(v) for v in rng.integers(int(lo), int(hi) + 1, size=n)]
        return [round(float(v), 3) for v in rng.uniform(lo, hi, size=n)]

    def finite_threshold_case(name, p, N, d, lo, hi, **kw):
        # draw integer ages until the official result is finite
        for attempt in range(200):
            lab = ages(N, lo, hi, integer=True)
            rng = rng_for(B.next_seed())
            V = p["n_views"]
            feats = raw(rng, V * N, d) if p["normalize"] else unit(rng, V * N, d)
            v, _ = R.kernelized_supcon(p, {"features": tolist(feats), "labels": lab})
            if math.isfinite(v):
                return case(name, p, N, d, lab, feats=feats, **kw)
        raise RuntimeError("no finite threshold batch")

    # yaware
    case("yaware_gaussian_s1.5_v2_n8", ksc_params("yaware", "gaussian", 1.5, 0.1, 0.07, 2), 8, 5, ages(8, 20, 26))
    case("yaware_rbf_s3_v1_n10", ksc_params("yaware", "rbf", 3.0, 0.1, 0.07, 1), 10, 5, ages(10, 20, 35))
    case("yaware_cauchy_s0.5_v3_n5", ksc_params("yaware", "cauchy", 0.5, 0.2, 0.07, 3), 5, 4, ages(5, 20, 25))
    case("yaware_rbf_s2_v2_n6_norm", ksc_params("yaware", "rbf", 2.0, 0.1, 0.07, 2, normalize=True), 6, 5,
         ages(6, 20, 28), description="normalize true (extension): normalise first, gradient through it")
    case("yaware_gaussian_s0.3_v2_n6_t0.5_bt0.5", ksc_params("yaware", "gaussian", 0.3, 0.5, 0.5, 2), 6, 4,
         ages(6, 20, 22), description="gaussian with W_aa = 1/(sqrt(2 pi) 0.3) > 1")
    case("edge_yaware_cauchy_all_same_age_v2", ksc_params("yaware", "cauchy", 1.0, 0.1, 0.07, 2), 5, 4, [33.0] * 5,
         description="all labels equal: constant W")
    # threshold
    finite_threshold_case("threshold_gaussian_s2_sum_v2_n8", ksc_params("threshold", "gaussian", 2.0, 0.1, 0.07, 2),
                          8, 5, 20, 30)
    finite_threshold_case("threshold_gaussian_s1_mean_v1_n10",
                          ksc_params("threshold", "gaussian", 1.0, 0.1, 0.07, 1, dred="mean"), 10, 5, 20, 30)
    finite_threshold_case("threshold_rbf_s2_sum_v3_n5", ksc_params("threshold", "rbf", 2.0, 0.2, 0.07, 3), 5, 4, 20, 30)
    finite_threshold_case("threshold_rbf_s3_mean_v2_n8", ksc_params("threshold", "rbf", 3.0, 0.1, 0.1, 2, dred="mean"),
                          8, 5, 20, 40)
    finite_threshold_case("threshold_cauchy_s1_sum_v2_n7", ksc_params("threshold", "cauchy", 1.0, 0.1, 0.07, 2), 7, 5,
                          20, 30)
    finite_threshold_case("threshold_cauchy_s0.2_mean_v3_n4",
                          ksc_params("threshold", "cauchy", 0.2, 0.5, 0.07, 3, dred="mean"), 4, 4, 20, 26)
    finite_threshold_case("threshold_rbf_s2_sum_v2_n6_norm",
                          ksc_params("threshold", "rbf", 2.0, 0.1, 0.07, 2, normalize=True), 6, 5, 20, 28,
                          description="normalize true (extension)")
    finite_threshold_case("threshold_gaussian_s1.5_sum_v1_n12_ties",
                          ksc_params("threshold", "gaussian", 1.5, 0.07, 0.07, 1), 12, 6, 20, 24,
                          description="integer ages with many ties (strict inequality)")
    finite_threshold_case("threshold_rbf_s4_sum_v3_n16_48rows", ksc_params("threshold", "rbf", 4.0, 0.1, 0.07, 3),
                          16, 8, 20, 50)
    case("nonfinite_threshold_all_same_age_v1_mean",
         ksc_params("threshold", "cauchy", 1.0, 0.1, 0.07, 1, dred="mean"), 6, 4, [30.0] * 6,
         description="all labels equal: every count is 0 -> 0*inf on the diagonal -> official NaN",
         expect=expect_kind("NaN"))
    case("nonfinite_threshold_all_same_age_v3_gaussian", ksc_params("threshold", "gaussian", 1.0, 0.1, 0.07, 3), 3, 4,
         [25.0] * 3, expect=expect_kind("NaN"))
    case("nonfinite_threshold_v1_isolated_extreme_age", ksc_params("threshold", "rbf", 2.0, 0.1, 0.07, 1), 5, 4,
         [20.0, 21.0, 22.0, 21.0, 35.0],
         description="one view; age 35 is the farthest sample from every other sample, so all its counts are 0 "
                     "-> official NaN", expect=expect_kind("NaN"))
    case("nonfinite_threshold_v1_isolated_extreme_age_cauchy", ksc_params("threshold", "cauchy", 1.0, 0.1, 0.07, 1),
         6, 4, [30.0, 31.0, 30.0, 10.0, 29.0, 32.0],
         description="one view; age 10 is the farthest sample from every other sample -> all its counts are 0 "
                     "-> official NaN", expect=expect_kind("NaN"))
    case("threshold_v2_isolated_extreme_age_is_finite", ksc_params("threshold", "cauchy", 1.0, 0.1, 0.07, 2),
         4, 4, [30.0, 31.0, 30.0, 10.0],
         description="same kind of batch with two views: the anchor's other view has a positive count "
                     "(its own row), so the loss stays finite")
    # expw
    case("expw_gaussian_s0.5_rowmax_v2_n8", ksc_params("expw", "gaussian", 0.5, 0.1, 0.07, 2), 8, 5, ages(8, 20, 24))
    case("variant_expw_noshift_gaussian_s2_v2_n6", ksc_params("expw", "gaussian", 2.0, 0.1, 0.07, 2, shift="none"), 6,
         5, ages(6, 20, 30), description="paper-style expw (no row-max shift)")
    case("expw_rbf_s1_rowmax_v1_n10", ksc_params("expw", "rbf", 1.0, 0.1, 0.07, 1), 10, 4, ages(10, 20, 24))
    case("variant_expw_noshift_rbf_s1_v3_n4", ksc_params("expw", "rbf", 1.0, 0.2, 0.2, 3, shift="none"), 4, 4,
         ages(4, 20, 23))
    case("expw_cauchy_s1_rowmax_v3_n5", ksc_params("expw", "cauchy", 1.0, 0.1, 0.07, 3), 5, 4, ages(5, 20, 25))
    case("variant_expw_noshift_cauchy_s0.1_v2_n7", ksc_params("expw", "cauchy", 0.1, 0.05, 0.07, 2, shift="none"), 7,
         5, ages(7, 20, 30))
    case("expw_gaussian_s1_rowmax_v2_n6_norm", ksc_params("expw", "gaussian", 1.0, 0.1, 0.07, 2, normalize=True), 6, 5,
         ages(6, 20, 24), description="normalize true (extension): m_a is the row max of the normalised logits "
                                      "(= 1/tau), detached")
    case("expw_rbf_s2_rowmax_v2_nonunit_rows_no_norm_t0.5", ksc_params("expw", "rbf", 2.0, 0.5, 0.07, 2), 6, 4,
         ages(6, 20, 26), feats=raw(rng_for(B.next_seed()), 12, 4, 0.5, 1.5),
         description="rows of norm 0.5-1.5, normalize false: the detached row max m_a is not always the diagonal")
    case("edge_expw_rbf_all_same_age_rowmax_v1", ksc_params("expw", "rbf", 1.0, 0.1, 0.07, 1), 6, 4, [28.0] * 6,
         description="all labels equal with rbf: W = 1 so every shifted denominator logit is 0")
    case("expw_gaussian_s0.4_rowmax_v3_n16_48rows", ksc_params("expw", "gaussian", 0.4, 0.1, 0.07, 3), 16, 8,
         ages(16, 20, 23))
    # supcon method
    case("supcon_bins_v2_n8_t0.1_bt0.07", ksc_params("supcon", None, 1.0, 0.1, 0.07, 2), 8, 5,
         [2.0, 3.0, 2.0, 4.0, 3.0, 4.0, 2.0, 3.0])
    case("supcon_bins_v3_n4_t0.2_bt0.1", ksc_params("supcon", None, 1.0, 0.2, 0.1, 3), 4, 4, [1.0, 1.0, 5.0, 6.0])
    case("supcon_bins_v1_n8_no_singleton_t0.5_bt0.5", ksc_params("supcon", None, 2.0, 0.5, 0.5, 1), 8, 4,
         [0.0, 1.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.0])
    case("supcon_bins_v2_n6_norm", ksc_params("supcon", None, 1.0, 0.1, 0.07, 2, normalize=True), 6, 5,
         [10.0, 20.0, 10.0, 30.0, 20.0, 30.0])
    case("nonfinite_supcon_bins_v1_singleton_bin", ksc_params("supcon", None, 1.0, 0.1, 0.07, 1), 6, 4,
         [0.0, 0.0, 1.0, 1.0, 1.0, 7.0],
         description="method supcon, one view, bin 7 has one sample: 0/0 -> NaN (no guard)",
         expect=expect_kind("NaN"))


# ============================================================================
# family B
# ============================================================================

def gen_align_uniform():
    B.file("align_uniform.json", "Wang & Isola alignment / uniformity: extra cases", "spec/losses-b.md")

    def pair(rng, n, d, unitrows=True):
        x = unit(rng, n, d) if unitrows else raw(rng, n, d)
        y = unit(rng, n, d) if unitrows else raw(rng, n, d)
        y = (x + 0.6 * y)
        y = y / np.linalg.norm(y, axis=1, keepdims=True) if unitrows else y
        return x, y

    def a_case(name, alpha, x, y, **kw):
        return B.add(name, "align", {"alpha": alpha}, {"x": tolist(x), "y": tolist(y)}, L_PAIR, **kw)

    rng = rng_for(B.next_seed())
    x, y = pair(rng, 7, 4)
    a_case("align_alpha0.5_n7_d4", 0.5, x, y, description="alpha < 1, no identical pair")
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 6, 3)
    y[2] = x[2]
    a_case("align_alpha1_identical_pair_n6", 1.0, x, y, fd=False,
           description="alpha = 1 with pair 2 identical: that pair's rows get gradient 0 (PyTorch norm convention)",
           expect=expect_rows_zero_grad(2))
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 9, 5)
    a_case("align_alpha2_n9_d5", 2.0, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 6, 4)
    y[4] = x[4]
    a_case("align_alpha3_identical_pair_n6", 3.0, x, y, description="alpha 3; pair 4 identical (gradient 0 there)")
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 8, 3)
    a_case("align_alpha4_n8_d3", 4.0, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 5, 4, unitrows=False)
    a_case("align_alpha2_unnormalised_rows_n5", 2.0, x, y, description="rows used as given")
    rng = rng_for(B.next_seed())
    x = unit(rng, 6, 4)
    a_case("edge_align_x_equals_y_alpha2", 2.0, x, x.copy(), description="x == y: value 0, gradient 0",
           expect=expect_value_zero_grad(0.0, 0.0))
    a_case("edge_align_x_equals_y_alpha1", 1.0, x, x.copy(), fd=False,
           description="x == y with alpha 1: value 0, gradient 0 (sub-gradient convention)",
           expect=expect_value_zero_grad(0.0, 0.0))
    a_case("edge_align_x_equals_y_alpha3", 3.0, x, x.copy(), expect=expect_value_zero_grad(0.0, 0.0))

    def u_case(name, t, x, **kw):
        return B.add(name, "uniform", {"t": t}, {"x": tolist(x)}, L_UNIF, **kw)

    u_case("uniform_t0.5_n9_d4", 0.5, unit(rng_for(B.next_seed()), 9, 4))
    u_case("uniform_t2_n12_d6", 2.0, unit(rng_for(B.next_seed()), 12, 6))
    u_case("edge_uniform_n1_t2_nan", 2.0, unit(rng_for(B.next_seed()), 1, 4),
           description="no pair: value NaN, gradient 0", expect=expect_kind("NaN", grad_null=False, zero_grad=True))
    u_case("edge_uniform_n1_t0.5_nan", 0.5, unit(rng_for(B.next_seed()), 1, 2),
           expect=expect_kind("NaN", grad_null=False, zero_grad=True))
    x2 = unit(rng_for(B.next_seed()), 2, 5)
    u_case("edge_uniform_n2_t1.5", 1.5, x2, description="one pair: value -t ||x0 - x1||^2",
           expect=expect_value(-1.5 * float(np.sum((x2[0] - x2[1]) ** 2)), 1e-12))
    x = unit(rng_for(B.next_seed()), 7, 3)
    x[5] = x[1]
    x[6] = x[1]
    u_case("uniform_duplicated_rows_t2", 2.0, x, description="rows 1, 5 and 6 identical: those pairs contribute exp(0)")
    x = np.tile(unit(rng_for(B.next_seed()), 1, 4), (5, 1))
    u_case("edge_uniform_all_rows_identical_t2", 2.0, x, description="collapsed batch: value 0, gradient 0",
           expect=expect_value_zero_grad(0.0, 0.0))
    u_case("uniform_unnormalised_t5_n8", 5.0, raw(rng_for(B.next_seed()), 8, 3, 0.3, 0.9),
           description="unnormalised rows (norm 0.3-0.9), rows used as given")
    u_case("uniform_unnormalised_t10_n6", 10.0, raw(rng_for(B.next_seed()), 6, 3, 0.2, 0.7),
           description="unnormalised rows (norm 0.2-0.7), rows used as given")
    xr = raw(rng_for(B.next_seed()), 6, 3, 2.0, 3.0)
    tdr = 10 * np.asarray(R.sqdist(xr, xr))[np.triu_indices(6, 1)]
    u_case("uniform_unnormalised_t10_large_distances", 10.0, xr,
           note=f"unnormalised rows of norm 2-3: t*D_ij ranges over {tdr.min():.0f}..{tdr.max():.0f}; most "
                "exp(-t D) terms underflow in float32 but the closest pair dominates, so exp-mean-log and "
                "logsumexp agree to float32 precision")
    # all pairs far apart: exp(-t D) < 1e-45 for every pair -> needs logsumexp
    rng = rng_for(B.next_seed())
    xa = unit(rng, 4, 3)
    xa = np.array([[4.0, 0, 0], [-4.0, 0, 0], [0, 4.0, 0], [0, 0, 4.0]]) + 0.3 * xa
    tda = 10 * np.asarray(R.sqdist(xa, xa))[np.triu_indices(4, 1)]
    assert tda.min() > 110
    u_case("uniform_t10_all_pairs_underflow_float32", 10.0, xa, ill_conditioned=True,
           note=f"ill-conditioned on purpose: t*D_ij >= {tda.min():.0f} for every pair, so every exp(-t D) "
                "underflows to 0 in float32 and the official exp-mean-log order gives -Infinity; the finite "
                "value needs the logsumexp form that spec B section 1 prescribes for large t / unnormalised "
                "inputs")

    def au_case(name, alpha, t, wa, wu, x, y, **kw):
        p = {"alpha": alpha, "t": t, "w_align": wa, "w_unif": wu}
        return B.add(name, "align_uniform", p, {"x": tolist(x), "y": tolist(y)}, L_PAIR, **kw)

    rng = rng_for(B.next_seed())
    x, y = pair(rng, 10, 6)
    au_case("align_uniform_wa0.5_wu3_alpha2_t2", 2.0, 2.0, 0.5, 3.0, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 8, 4)
    au_case("align_uniform_wa3_wu0.5_alpha1_t1", 1.0, 1.0, 3.0, 0.5, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 12, 5)
    au_case("align_uniform_wa1_wu1_alpha3_t4", 3.0, 4.0, 1.0, 1.0, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 6, 3)
    au_case("align_uniform_wa0.5_wu0.5_alpha0.5_t0.5", 0.5, 0.5, 0.5, 0.5, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 16, 8)
    au_case("align_uniform_wa2_wu3_alpha4_t2_n16", 4.0, 2.0, 2.0, 3.0, x, y)
    rng = rng_for(B.next_seed())
    x, y = pair(rng, 1, 4)
    au_case("edge_align_uniform_n1_nan", 2.0, 2.0, 3.0, 0.5, x, y,
            description="n = 1: both uniformity terms are empty (NaN, gradient 0); value NaN, gradient = that of "
                        "w_align * align",
            expect=expect_kind("NaN", grad_null=False, nonzero_grad=True))


def gen_du():
    B.file("decoupled_uniformity.json", "(kernel) decoupled uniformity: extra cases", "spec/losses-b.md")

    def case(fn, name, p, n, V, d, prior=None, z=None, **kw):
        rng = rng_for(B.next_seed())
        if z is None:
            z = raw(rng, n * V, d).reshape(n, V, d)
        inputs = {"z": tolist(z)}
        if prior is not None:
            inputs["prior"] = tolist(prior)
        if p.get("kernel") is not None:
            lam = p.get("lambda")
            p["lambda_effective"] = float(lam) if lam else 1.0 / math.sqrt(n)
        return B.add(name, fn, p, inputs, L_DU, **kw)

    case("decoupled_uniformity", "du_noprior_n8_V1_d4_t2", {"t": 2.0, "kernel": None}, 8, 1, 4,
         description="V = 1: the centroids are the normalised rows")
    case("decoupled_uniformity", "du_noprior_n10_V2_d3_t0.5", {"t": 0.5, "kernel": None}, 10, 2, 3)
    case("decoupled_uniformity", "du_noprior_n7_V3_d5_t1", {"t": 1.0, "kernel": None}, 7, 3, 5)
    case("decoupled_uniformity", "du_noprior_n6_V4_d4_t4", {"t": 4.0, "kernel": None}, 6, 4, 4)
    rng = rng_for(B.next_seed())
    case("decoupled_uniformity", "du_rbf_sigma0.5_lambda0.01_n8_V2_t2",
         {"t": 2.0, "kernel": "rbf", "sigma": 0.5, "lambda": 0.01}, 8, 2, 4, prior=rng.standard_normal((8, 3)) * 0.5)
    case("decoupled_uniformity", "du_rbf_sigma5_lambda0.5_n6_V3_t1",
         {"t": 1.0, "kernel": "rbf", "sigma": 5.0, "lambda": 0.5}, 6, 3, 4, prior=rng.standard_normal((6, 2)) * 4)
    case("decoupled_uniformity", "du_rbf_lambda0_uses_inv_sqrt_n16_V2",
         {"t": 2.0, "kernel": "rbf", "sigma": 1.0, "lambda": 0.0}, 16, 2, 5, prior=rng.standard_normal((16, 2)),
         description="lambda 0 is falsy: lambda_effective = 1/sqrt(16) = 0.25")
    case("decoupled_uniformity", "du_rbf_lambda_null_uses_inv_sqrt_n9_V2",
         {"t": 2.0, "kernel": "rbf", "sigma": 2.0, "lambda": None}, 9, 2, 4, prior=rng.standard_normal((9, 3)),
         description="lambda null (unset) is falsy: lambda_effective = 1/3")
    case("decoupled_uniformity", "du_rbf_prior_1d_n8_V2_sigma1",
         {"t": 2.0, "kernel": "rbf", "sigma": 1.0, "lambda": 0.01}, 8, 2, 4, prior=rng.uniform(0, 3, size=8),
         description="1-D prior, reshaped to [n, 1]")
    pr = rng.standard_normal((7, 2))
    pr[3] = pr[0]
    pr[6] = pr[2]
    case("decoupled_uniformity", "du_rbf_duplicated_prior_rows_n7_V3_t0.5",
         {"t": 0.5, "kernel": "rbf", "sigma": 1.0, "lambda": 0.01}, 7, 3, 3, prior=pr,
         description="prior rows 0/3 and 2/6 identical: singular K, identical CME weights rows")
    case("decoupled_uniformity", "du_cosine_lambda0.01_n8_V2_t2",
         {"t": 2.0, "kernel": "cosine", "sigma": None, "lambda": 0.01}, 8, 2, 4, prior=rng.standard_normal((8, 4)),
         description="intended cosine kernel (the official import is broken)")
    case("decoupled_uniformity", "du_cosine_lambda0_n5_V4_t1",
         {"t": 1.0, "kernel": "cosine", "sigma": None, "lambda": 0.0}, 5, 4, 3, prior=rng.standard_normal((5, 3)),
         description="cosine kernel, lambda 0 -> 1/sqrt(5)")
    pr = rng.standard_normal((6, 2))
    pr[4] = pr[1] * 2.5
    case("decoupled_uniformity", "du_cosine_lambda0.5_parallel_priors_n6_V2_t4",
         {"t": 4.0, "kernel": "cosine", "sigma": None, "lambda": 0.5}, 6, 2, 3, prior=pr,
         description="cosine kernel of rank <= 2 < n; priors 1 and 4 parallel")
    case("decoupled_uniformity", "du_prior_given_kernel_null_ignored_n6_V2",
         {"t": 2.0, "kernel": None, "sigma": 1.0, "lambda": 0.01}, 6, 2, 4, prior=rng.standard_normal((6, 3)),
         description="a prior is given but kernel is null: the prior (and sigma, lambda) are ignored")
    case("decoupled_uniformity", "du_prior_given_kernel_null_class_labels_n5_V3",
         {"t": 1.0, "kernel": None}, 5, 3, 4, prior=np.array([0.0, 1.0, 1.0, 2.0, 0.0]),
         description="class labels passed as the prior with kernel null: ignored")
    case("decoupled_uniformity", "edge_du_n1_noprior_nan", {"t": 2.0, "kernel": None}, 1, 2, 4,
         description="n = 1: no pair, value NaN, gradient 0", expect=expect_kind("NaN", grad_null=False, zero_grad=True))
    case("decoupled_uniformity", "edge_du_n1_rbf_prior_nan", {"t": 2.0, "kernel": "rbf", "sigma": 1.0, "lambda": 0.01},
         1, 3, 4, prior=np.array([[0.3, -0.2]]), description="n = 1 with a prior: W = 1/(1+lambda); value NaN, gradient 0",
         expect=expect_kind("NaN", grad_null=False, zero_grad=True))
    case("decoupled_uniformity", "du_n2_noprior_V2_t2", {"t": 2.0, "kernel": None}, 2, 2, 3)
    case("decoupled_uniformity", "du_rbf_binary_attributes_n12_V2_sigma1",
         {"t": 2.0, "kernel": "rbf", "sigma": 1.0, "lambda": 0.01}, 12, 2, 5,
         prior=rng.integers(0, 2, size=(12, 6)).astype(float))
    case("decoupled_uniformity", "du_rbf_sigma0.5_t4_n12_V2",
         {"t": 4.0, "kernel": "rbf", "sigma": 0.5, "lambda": 0.01}, 12, 2, 6, prior=rng.standard_normal((12, 2)))
    case("decoupled_uniformity", "du_rbf_sigma10_t0.5_n24_V2_48rows",
         {"t": 0.5, "kernel": "rbf", "sigma": 10.0, "lambda": 0.01}, 24, 2, 8, prior=rng.standard_normal((24, 4)) * 5)
    # du_align
    case("du_align", "du_align_noprior_V3_n6", {"kernel": None}, 6, 3, 4)
    case("du_align", "du_align_noprior_V1_n5", {"kernel": None}, 5, 1, 4,
         description="V = 1: unit centroids, value -1, gradient 0 (through the normalisation)",
         expect=expect_value_zero_grad(-1.0, 1e-12))
    case("du_align", "du_align_rbf_prior_n8_V2_sigma1_lambda0.01",
         {"kernel": "rbf", "sigma": 1.0, "lambda": 0.01}, 8, 2, 4, prior=rng.standard_normal((8, 2)),
         description="alignment metric on the kernel centroids mu = W mu_bar")
    case("du_align", "du_align_cosine_prior_lambda0_n6_V2", {"kernel": "cosine", "sigma": None, "lambda": 0.0}, 6, 2, 3,
         prior=rng.standard_normal((6, 3)))
    case("du_align", "du_align_rbf_prior_1d_lambda0.5_n5_V4", {"kernel": "rbf", "sigma": 2.0, "lambda": 0.5}, 5, 4, 3,
         prior=rng.uniform(0, 4, size=5))
    case("du_align", "du_align_n1_V2", {"kernel": None}, 1, 2, 3, description="n = 1 is fine for the metric")


def gen_dcl():
    B.file("dcl_dclw.json", "decoupled contrastive learning (DCL, DCLW): extra cases", "spec/losses-b.md")

    def case(name, fn, p, n, d, z1=None, z2=None, **kw):
        rng = rng_for(B.next_seed())
        if z1 is None:
            z1 = unit(rng, n, d)
            z2 = z1 + 0.7 * unit(rng, n, d)
            z2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
        return B.add(name, fn, p, {"z1": tolist(z1), "z2": tolist(z2)}, L_DCL, **kw)

    sym = "symmetrised: one_way(z1,z2) + one_way(z2,z1)"
    case("dcl_tau0.25_n2_d3", "dcl", {"tau": 0.25}, 2, 3, note=sym)
    case("dcl_tau1.0_n3_d4", "dcl", {"tau": 1.0}, 3, 4, note=sym)
    case("dcl_tau0.1_n5_d4", "dcl", {"tau": 0.1}, 5, 4, note=sym)
    case("dcl_tau0.25_n8_d6", "dcl", {"tau": 0.25}, 8, 6, note=sym)
    case("dcl_tau1.0_n12_d5", "dcl", {"tau": 1.0}, 12, 5, note=sym)
    case("dcl_tau0.1_n16_d8", "dcl", {"tau": 0.1}, 16, 8, note=sym)
    z = unit(rng_for(B.next_seed()), 6, 4)
    case("dcl_identical_views_tau0.25_n6", "dcl", {"tau": 0.25}, 6, 4, z1=z, z2=z.copy(), note=sym)
    case("dcl_one_way_tau0.1_n2_d4", "dcl_one_way", {"tau": 0.1}, 2, 4, note="anchors are rows of z1 only")
    case("dcl_one_way_tau0.25_n6_d3", "dcl_one_way", {"tau": 0.25}, 6, 3, note="anchors are rows of z1 only")
    case("dcl_one_way_tau1.0_n10_d5", "dcl_one_way", {"tau": 1.0}, 10, 5, note="anchors are rows of z1 only")
    case("dcl_one_way_tau0.1_n16_d8", "dcl_one_way", {"tau": 0.1}, 16, 8, note="anchors are rows of z1 only")
    wn = "gradient flows through the vMF weights"
    case("dclw_tau0.1_sigma0.2_n6_d4", "dclw", {"tau": 0.1, "sigma": 0.2, "detach_weights": False}, 6, 4, note=wn)
    case("dclw_tau0.25_sigma0.5_n8_d5", "dclw", {"tau": 0.25, "sigma": 0.5, "detach_weights": False}, 8, 5, note=wn)
    case("dclw_tau1.0_sigma1.0_n4_d3", "dclw", {"tau": 1.0, "sigma": 1.0, "detach_weights": False}, 4, 3, note=wn)
    case("dclw_tau0.25_sigma0.2_n16_d6", "dclw", {"tau": 0.25, "sigma": 0.2, "detach_weights": False}, 16, 6, note=wn)
    case("dclw_tau0.1_sigma0.5_n2_d3", "dclw", {"tau": 0.1, "sigma": 0.5, "detach_weights": False}, 2, 3, note=wn)
    case("dclw_tau0.1_sigma1.0_n12_d8", "dclw", {"tau": 0.1, "sigma": 1.0, "detach_weights": False}, 12, 8, note=wn)


def gen_sepclr():
    B.file("sepclr.json", "SepCLR (k-JEM) and its terms: extra cases", "spec/losses-b.md")

    def sep_inputs(rng, n, dc, ds, is_target, s_scale=0.7):
        c1 = raw(rng, n, dc)
        c2 = c1 + 0.5 * raw(rng, n, dc)
        s1 = rng.standard_normal((n, ds)) * s_scale
        s2 = s1 + 0.3 * rng.standard_normal((n, ds)) * s_scale
        b = np.asarray(is_target, float)
        # background salient codes near 0, targets spread
        s1[b == 0] *= 0.3
        s2[b == 0] *= 0.3
        return {"c1": tolist(c1), "c2": tolist(c2), "s1": tolist(s1), "s2": tolist(s2), "is_target": tolist(b)}

    def case(name, tau, uw, w3, n, dc, ds, is_target=None, **kw):
        rng = rng_for(B.next_seed())
        if is_target is None:
            is_target = [1.0 if i % 2 else 0.0 for i in range(n)]
            rng.shuffle(is_target)
        p = {"beta_salient": float(w3[0]), "beta_reg": float(w3[1]), "lambda_jem": float(w3[2]), "tau": tau,
             "unif_weight": uw}
        kw.setdefault("note", "value = cm + beta_salient*sp + beta_reg*sp_reg + lambda_jem*jem; "
                              "'components' are the unweighted terms")
        return B.add(name, "sepclr", p, sep_inputs(rng, n, dc, ds, is_target), L_SEP, **kw)

    case("sepclr_tau0.25_uw2_cifar_weights_n12", 0.25, 2.0, (1000, 1000, 10), 12, 6, 4)
    case("sepclr_tau1.0_uw2_cifar_weights_n8", 1.0, 2.0, (1000, 1000, 10), 8, 5, 3)
    case("sepclr_tau0.25_uw1_chexpert_weights_n16", 0.25, 1.0, (1, 10, 10), 16, 8, 4)
    case("sepclr_tau1.0_uw1_odir_weights_n10", 1.0, 1.0, (1, 100, 10), 10, 6, 2)
    case("sepclr_tau0.5_uw2_odir_weights_n6", 0.5, 2.0, (1, 100, 10), 6, 4, 3)
    case("sepclr_tau0.25_uw2_weights_0.5_2_0_n4", 0.25, 2.0, (0.5, 2, 0), 4, 3, 2, is_target=[0.0, 1.0, 1.0, 0.0])
    case("sepclr_tau1.0_uw1_weights_0.5_2_0_n14", 1.0, 1.0, (0.5, 2, 0), 14, 5, 3)
    case("sepclr_tau0.25_uw2_one_background_n7", 0.25, 2.0, (1, 10, 10), 7, 4, 3,
         is_target=[1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    case("edge_sepclr_no_background_tau0.25", 0.25, 2.0, (1, 10, 10), 8, 4, 3, is_target=[1.0] * 8,
         note="no background sample: sp_reg is an empty mean (NaN) so the total is NaN; the stored gradient is "
              "that of the remaining finite terms (sp_reg contributes 0)",
         expect=expect_kind("NaN", grad_null=False, nonzero_grad=True))
    case("edge_sepclr_no_background_cifar_weights_tau0.5", 0.5, 2.0, (1000, 1000, 10), 6, 4, 2, is_target=[1.0] * 6,
         note="no background sample: total NaN, gradient of the finite terms",
         expect=expect_kind("NaN", grad_null=False, nonzero_grad=True))
    case("edge_sepclr_no_target_tau1.0", 1.0, 2.0, (1, 100, 10), 8, 4, 3, is_target=[0.0] * 8,
         note="no target sample: sp_align is an empty mean (NaN), so sp and the total are NaN; s~ is all zero; the "
              "stored gradient is that of the remaining finite terms",
         expect=expect_kind("NaN", grad_null=False, nonzero_grad=True))

    # sepclr_align
    def al(name, tau, n, d, **kw):
        rng = rng_for(B.next_seed())
        x = rng.standard_normal((n, d)) * 0.5
        y = x + 0.3 * rng.standard_normal((n, d))
        return B.add(name, "sepclr_align", {"tau": tau}, {"x": tolist(x), "y": tolist(y)}, L_PAIR, **kw)

    al("sepclr_align_tau0.025_n6", 0.025, 6, 3)
    al("sepclr_align_tau0.1_n8", 0.1, 8, 4)
    al("sepclr_align_tau1.0_n5", 1.0, 5, 2)
    al("sepclr_align_tau0.25_n12", 0.25, 12, 6)

    def un(name, tau, x, nnull, **kw):
        lay = L_UNIF if nnull == 0 else f"x[i]: salient code; rows 0..{nnull - 1} are the null vector s' (background)"
        return B.add(name, "sepclr_uniform", {"tau": tau}, {"x": tolist(x)}, lay, **kw)

    rng = rng_for(B.next_seed())
    x = rng.standard_normal((9, 3)) * 0.3
    x[:3] = 0
    un("sepclr_uniform_tau0.025_with_null_rows", 0.025, x, 3)
    x = rng.standard_normal((8, 4)) * 0.6
    x[:4] = 0
    un("sepclr_uniform_tau0.1_with_null_rows", 0.1, x, 4)
    un("sepclr_uniform_tau1.0_no_null_rows", 1.0, rng.standard_normal((7, 3)), 0)
    x = rng.standard_normal((10, 2))
    x[:2] = 0
    un("sepclr_uniform_tau0.5_with_null_rows_n10", 0.5, x, 2)
    un("edge_sepclr_uniform_all_null_rows", 0.25, np.zeros((5, 3)), 5,
       description="every row is s' = 0: value 0, gradient 0", expect=expect_value_zero_grad(0.0, 0.0))
    un("edge_sepclr_uniform_n1_nan", 0.5, rng.standard_normal((1, 3)), 0,
       description="n = 1: value NaN, gradient 0", expect=expect_kind("NaN", grad_null=False, zero_grad=True))

    def kj(name, tau, n, dc, ds, nbg, **kw):
        rng = rng_for(B.next_seed())
        c = unit(rng, n, dc)
        s = rng.standard_normal((n, ds)) * 0.6
        s[:nbg] = 0
        return B.add(name, "kjem", {"tau": tau}, {"c": tolist(c), "s": tolist(s)}, L_KJEM, **kw)

    kj("kjem_tau0.025_n8", 0.025, 8, 4, 3, 3)
    kj("kjem_tau0.1_n10", 0.1, 10, 5, 2, 4)
    kj("kjem_tau1.0_n6", 1.0, 6, 3, 3, 2)
    kj("kjem_tau0.25_n12_no_background", 0.25, 12, 6, 4, 0)
    kj("edge_kjem_n1", 0.5, 1, 3, 2, 0, description="n = 1: the inner mean is exp(0) = 1, value 0, gradient 0",
       expect=expect_value_zero_grad(0.0, 0.0))

    def sa(name, tau, n, vals, **kw):
        rng = rng_for(B.next_seed())
        x = rng.standard_normal(n) * 0.5
        meta = [float(v) for v in rng.choice(vals, size=n)]
        return B.add(name, "sepclr_sup_align", {"tau": tau}, {"x": tolist(x), "metadata": meta}, L_SUP, **kw)

    grid = [0.0, 0.25, 0.5, 0.75, 1.0]
    sa("sepclr_sup_align_tau0.025_n12", 0.025, 12, grid)
    sa("sepclr_sup_align_discrete_tau5e-6_n10", 5e-6, 10, [0.0, 1.0, 2.0],
       description="tau = 5e-6 ('discrete' variant): exp(-dy^2/1e-5) is an indicator of equal attributes")
    sa("sepclr_sup_align_discrete_tau5e-6_grid_n14", 5e-6, 14, grid)
    sa("sepclr_sup_align_tau0.1_n8", 0.1, 8, grid)
    sa("sepclr_sup_align_tau0.5_n6", 0.5, 6, grid)
    sa("sepclr_sup_align_tau1.0_n9", 1.0, 9, grid)
    B.add("edge_sepclr_sup_align_n1_nan", "sepclr_sup_align", {"tau": 0.025}, {"x": [0.3], "metadata": [0.5]}, L_SUP,
          description="n = 1: no pair, empty mean: value NaN, gradient 0",
          expect=expect_kind("NaN", grad_null=False, zero_grad=True))


def gen_kernels(ext=False):
    if not ext:
        B.file("kernels_b.json", "kernels on metadata: extra cases", "spec/losses-b.md")
    else:
        B.file("kernels_b_vector_ext.json",
               "kernels on metadata: vector metadata for the kernels the official code only uses on scalars "
               "(interpretation of spec B section 5, see REPORT.md)", "spec/losses-b.md")

    def case(name, fn, p, m, **kw):
        return B.add(name, fn, p, {"metadata": tolist(m)}, L_KER, **kw)

    if not ext:
        rng = rng_for(B.next_seed())
        case("rbf_sigma0.5_scalar", "kernel_rbf", {"sigma": 0.5}, rng.uniform(-1.5, 1.5, size=7))
        case("rbf_sigma2_scalar", "kernel_rbf", {"sigma": 2.0}, rng.standard_normal(6) * 3)
        case("rbf_sigma1_vector_q2", "kernel_rbf", {"sigma": 1.0}, rng.standard_normal((6, 2)))
        case("rbf_sigma3_vector_q4", "kernel_rbf", {"sigma": 3.0}, rng.standard_normal((8, 4)) * 2)
        m = rng.standard_normal((6, 3))
        m[4] = m[1]
        case("rbf_sigma1.5_vector_duplicated_rows", "kernel_rbf", {"sigma": 1.5}, m,
             description="rows 1 and 4 identical: K = 1 there, zero gradient contribution")
        case("gaussian_pdf_sigma0.3_scalar", "kernel_gaussian_pdf", {"sigma": 0.3}, rng.uniform(-0.6, 0.6, size=6),
             description="diagonal 1/(sqrt(2 pi) 0.3) > 1")
        case("gaussian_pdf_sigma1_scalar", "kernel_gaussian_pdf", {"sigma": 1.0}, rng.standard_normal(7) * 1.5)
        m = rng.integers(20, 26, size=8).astype(float)
        m[5] = m[2]
        case("gaussian_pdf_sigma5_scalar_integer_ages_dup", "kernel_gaussian_pdf", {"sigma": 5.0}, m)
        case("cauchy_gamma0.1_scalar", "kernel_cauchy", {"gamma": 0.1}, rng.standard_normal(6) * 4)
        case("cauchy_gamma1_scalar", "kernel_cauchy", {"gamma": 1.0}, rng.standard_normal(7))
        m = rng.standard_normal(6)
        m[3] = m[0]
        case("cauchy_gamma4_scalar_duplicated", "kernel_cauchy", {"gamma": 4.0}, m,
             description="gamma multiplies Delta^2 (not squared); values 0 and 3 identical")
        case("gaussian_tau0.025_scalar", "kernel_gaussian_tau", {"tau": 0.025}, rng.uniform(0, 1, size=6),
             description="SepCLR supervised-alignment bandwidth: tau is a variance")
        case("gaussian_tau0.5_scalar", "kernel_gaussian_tau", {"tau": 0.5}, rng.standard_normal(6))
        case("gaussian_tau2_vector_q3", "kernel_gaussian_tau", {"tau": 2.0}, rng.standard_normal((7, 3)) * 1.5)
        m = rng.standard_normal((6, 2)) * 0.4
        m[5] = m[0]
        case("gaussian_tau0.1_vector_duplicated_rows", "kernel_gaussian_tau", {"tau": 0.1}, m)
        case("cosine_vector_q2", "kernel_cosine", {}, rng.standard_normal((6, 2)))
        m = rng.standard_normal((7, 3))
        m[6] = m[2] * 3.0
        m[4] = m[1]
        case("cosine_vector_q3_duplicated_and_parallel_rows", "kernel_cosine", {}, m,
             description="row 4 = row 1 and row 6 = 3 x row 2: K = 1 on those pairs")
        case("cosine_vector_q5", "kernel_cosine", {}, rng.standard_normal((8, 5)))
    else:
        rng = rng_for(B.next_seed())
        nt = ("extension: vector metadata, Delta^2 = squared Euclidean distance (spec B section 5 preamble); the "
              "official/reference function is named *_1d")
        case("ext_gaussian_pdf_sigma1.5_vector_q2", "kernel_gaussian_pdf", {"sigma": 1.5},
             rng.standard_normal((6, 2)) * 1.5, note=nt + "; the prefactor stays 1/(sqrt(2 pi) sigma)")
        m = rng.standard_normal((6, 3))
        m[2] = m[5]
        case("ext_cauchy_gamma0.5_vector_q3_duplicated", "kernel_cauchy", {"gamma": 0.5}, m, note=nt)
        case("ext_cosine_scalar_metadata", "kernel_cosine", {}, np.array([0.7, -1.2, 2.5, -0.3, 1.1]),
             note="extension: scalar metadata reshaped to [n, 1]: K = sign(p) sign(p'), gradient 0")


def main():
    gen_nt_xent()
    gen_supcon()
    gen_eps()
    gen_fairkl()
    gen_yaware()
    gen_ksc()
    gen_align_uniform()
    gen_du()
    gen_dcl()
    gen_sepclr()
    gen_kernels()
    gen_kernels(ext=True)
    B.write()
    tot = 0
    for fname, f in B.files.items():
        print(f"{fname:34s} {len(f['cases']):4d} cases")
        tot += len(f["cases"])
    print(f"total {tot} cases; finite-difference checked: {STATS['fd_checked']}; "
          f"FD skipped (non-differentiable points, convention checked explicitly): {STATS['fd_skipped']}")
    print("conditioning flagged (intentional):", STATS["cond_flagged"])
    fw = sorted(STATS["fd_worst"], key=lambda t: -t[0] / t[1])[:6]
    print("largest finite-difference deviations (scaled |fd - grad|, tolerance, case, input):")
    for w in fw:
        print(f"   {w[0]:.2e}  tol {w[1]:.1e}  {w[2]} [{w[3]}]")
    print(f"max scaled FD deviation over all cases: {max(t[0] for t in STATS['fd_worst']):.2e}")


if __name__ == "__main__":
    main()
