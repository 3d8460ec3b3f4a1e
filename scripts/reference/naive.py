"""Second, deliberately naive implementation (value only, explicit loops,
written again from the spec formulas) used to cross-check reference.py:

* the value of every generated case is recomputed here;
* the gradient of every generated case is compared with central finite
  differences of these naive functions.

Stop-gradient quantities (expw row max, the eps stabiliser's row max) are
computed from ``base`` (the unperturbed inputs) so that finite differences
reproduce the detached gradient.  Empty-set terms of family B return NaN; the
``finite_only=True`` switch drops them from sums (their gradient convention is
0), which is what the finite-difference check differentiates.
"""
import math

import numpy as np


def nrm(x):
    return x / max(np.sqrt(np.sum(x * x)), 1e-12)


def feats(X, normalize):
    X = np.asarray(X, float)
    if normalize:
        return np.array([nrm(r) for r in X])
    return X


def lse(vals):
    vals = list(vals)
    if not vals:
        return -math.inf
    m = max(vals)
    return m + math.log(sum(math.exp(v - m) for v in vals))


def sim(Z, tau):
    M = len(Z)
    return [[float(np.dot(Z[a], Z[b])) / tau for b in range(M)] for a in range(M)]


def pos_sets(labels, N, V):
    M = N * V
    P = []
    for a in range(M):
        s = []
        for b in range(M):
            if b == a:
                continue
            if labels is None:
                if b % N == a % N:
                    s.append(b)
            elif labels[b % N] == labels[a % N]:
                s.append(b)
        P.append(s)
    return P


# ---------------------------------------------------------------- family A

def nt_xent(p, inp, base=None):
    X = feats(inp["features"], p["normalize"])
    M = len(X)
    N = M // 2
    S = sim(X, p["temperature"])
    tot = 0.0
    for a in range(M):
        ap = (a + N) % M
        tot += -S[a][ap] + lse(S[a][b] for b in range(M) if b != a)
    return tot / (2 * N) if p["reduction"] == "mean" else tot / N


def supcon(p, inp, base=None):
    X = feats(inp["features"], p["normalize"])
    V = p["n_views"]
    M = len(X)
    N = M // V
    c = p["temperature"] / p["base_temperature"]
    S = sim(X, p["temperature"])
    P = pos_sets(inp.get("labels"), N, V)
    tot = 0.0
    for a in range(M):
        if not P[a]:
            continue
        la = lse(S[a][b] for b in range(M) if b != a)
        if p["variant"] == "out":
            tot += -c * sum(S[a][q] - la for q in P[a]) / len(P[a])
        else:
            tot += -c * (lse(S[a][q] for q in P[a]) - math.log(len(P[a])) - la)
    return tot / M


def _eps(p, inp, base, cls):
    X = feats(inp["features"], p["normalize"])
    V = p["n_views"]
    M = len(X)
    N = M // V
    c = p["temperature"] / p["base_temperature"]
    eps = p["epsilon"]
    S = sim(X, p["temperature"])
    Sb = sim(feats(base["features"] if base else inp["features"], p["normalize"]), p["temperature"])
    P = pos_sets(inp.get("labels"), N, V)
    tot = 0.0
    for a in range(M):
        Na = [b for b in range(M) if b != a and b not in P[a]]
        ma = max(Sb[a])
        eta = p["log_eps_after_shift"] * math.exp(ma)
        if p["form"] == "out":
            acc = 0.0
            for q in P[a]:
                if cls == "infonce":
                    den = math.exp(S[a][q] - eps) + sum(math.exp(S[a][n]) for n in Na) + eta
                else:
                    den = (math.exp(-eps) * sum(math.exp(S[a][r]) for r in P[a])
                           + sum(math.exp(S[a][n]) for n in Na) + eta)
                acc += S[a][q] - math.log(den)
            tot += -c * acc / max(len(P[a]), 1)
        else:
            if not P[a]:
                return math.inf
            num = lse(S[a][q] for q in P[a])
            den = math.log(math.exp(-eps) / len(P[a]) * sum(math.exp(S[a][q]) for q in P[a])
                           + sum(math.exp(S[a][n]) for n in Na))
            tot += -c * (num - den)
    return tot / M


def eps_supinfonce(p, inp, base=None):
    return _eps(p, inp, base, "infonce")


def eps_supcon(p, inp, base=None):
    return _eps(p, inp, base, "supcon")


def fairkl(p, inp, base=None):
    F = feats(inp["features"], p["normalize"])
    B = len(F)
    S = np.array(sim(F, p["temperature"]))
    y, b = inp["labels"], inp["bias_labels"]
    groups = {"PA": (True, True), "PC": (True, False), "NA": (False, True), "NC": (False, False)}
    mu, sd = {}, {}
    for g, (sy, sb) in groups.items():
        m = np.array([[(y[i] == y[j]) == sy and (b[i] == b[j]) == sb for j in range(B)] for i in range(B)], float)
        vals = (S * m).ravel()
        mu[g] = vals.sum() / max(m.sum(), 1)
        sd[g] = float(np.std(vals, ddof=1))
    return ((mu["PC"] - mu["PA"]) ** 2 + (mu["NA"] - mu["NC"]) ** 2
            + p["kld"] * ((sd["PA"] - sd["PC"]) ** 2 + (sd["NA"] - sd["NC"]) ** 2)
            - mu["PC"] + mu["NA"])


def y_aware_infonce(p, inp, base=None):
    X = feats(inp["features"], p["normalize"])
    M = len(X)
    N = M // 2
    meta = np.asarray(inp["metadata"], float).reshape(N, -1)
    S = sim(X, p["temperature"])
    W = np.zeros((M, M))
    for a in range(M):
        for b in range(M):
            if a != b:
                d = meta[a % N] - meta[b % N]
                W[a, b] = math.exp(-float(d @ d) / (2 * p["sigma"] ** 2))
    tot = 0.0
    for a in range(M):
        la = lse(S[a][c] for c in range(M) if c != a)
        for b in range(M):
            if b == a:
                continue
            w = W[a, b] / (W[b].sum() if p["weight_norm"] == "official" else W[a].sum())
            tot += w * (S[a][b] - la)
    return -tot / N


def _kval(kernel, sigma, ya, yb):
    d2 = (ya - yb) ** 2
    if kernel == "gaussian":
        return math.exp(-d2 / (2 * sigma ** 2)) / (math.sqrt(2 * math.pi) * sigma)
    if kernel == "rbf":
        return math.exp(-d2 / (2 * sigma ** 2))
    if kernel == "cauchy":
        return 1.0 / (sigma * d2 + 1.0)
    raise ValueError(kernel)


def kernelized_supcon(p, inp, base=None):
    X = feats(inp["features"], p["normalize"])
    V = p["n_views"]
    M = len(X)
    N = M // V
    y = inp["labels"]
    c = p["temperature"] / p["base_temperature"]
    S = sim(X, p["temperature"])
    Sb = sim(feats(base["features"] if base else inp["features"], p["normalize"]), p["temperature"])
    W = [[(1.0 if y[a % N] == y[b % N] else 0.0) if p["method"] == "supcon"
          else _kval(p["kernel"], p["sigma"], y[a % N], y[b % N]) for b in range(M)] for a in range(M)]
    tot = 0.0
    for a in range(M):
        if p["method"] in ("supcon", "yaware"):
            den = lse(S[a][cc] for cc in range(M) if cc != a)
            logp = [S[a][b] - den for b in range(M)]
        elif p["method"] == "threshold":
            terms = 0.0
            for cc in range(M):
                if cc == a:
                    continue
                cnt = sum(1 for k in range(M) if W[cc][k] < W[cc][a])
                if p["delta_reduction"] == "mean":
                    cnt = cnt / M
                terms += cnt * math.exp(S[a][cc])
            if terms == 0.0:
                return math.nan
            logp = [S[a][b] - math.log(terms) for b in range(M)]
        else:
            m = max(Sb[a]) if p["expw_shift"] == "rowmax" else 0.0
            den = lse((S[a][cc] - m) * (1 - W[a][cc]) for cc in range(M) if cc != a)
            logp = [(S[a][b] - m) - den for b in range(M)]
        num = sum(W[a][b] * logp[b] for b in range(M) if b != a)
        wsum = sum(W[a][b] for b in range(M) if b != a)
        if wsum == 0:
            return math.nan
        tot += -c * num / wsum
    return tot / M


# ---------------------------------------------------------------- family B

def _unif(x, t):
    n = len(x)
    if n < 2:
        return math.nan
    vals = [-t * float(np.sum((x[i] - x[j]) ** 2)) for i in range(n) for j in range(i + 1, n)]
    return lse(vals) - math.log(len(vals))


def _align(x, y, alpha):
    return float(np.mean([np.sqrt(np.sum((x[i] - y[i]) ** 2)) ** alpha for i in range(len(x))]))


def _fsum(terms, finite_only):
    tot = 0.0
    for w, v in terms:
        if math.isnan(v):
            if finite_only:
                continue
            return math.nan
        if w != 0:
            tot += w * v
    return tot


def align(p, inp, base=None, finite_only=False):
    return _align(np.asarray(inp["x"], float), np.asarray(inp["y"], float), p["alpha"])


def uniform(p, inp, base=None, finite_only=False):
    v = _unif(np.asarray(inp["x"], float), p["t"])
    return 0.0 if (finite_only and math.isnan(v)) else v


def align_uniform(p, inp, base=None, finite_only=False):
    x, y = np.asarray(inp["x"], float), np.asarray(inp["y"], float)
    return _fsum([(p["w_align"], _align(x, y, p["alpha"])), (0.5 * p["w_unif"], _unif(x, p["t"])),
                  (0.5 * p["w_unif"], _unif(y, p["t"]))], finite_only)


def _du_mu(p, inp):
    z = np.asarray(inp["z"], float)
    n, V, d = z.shape
    mub = np.array([np.mean([nrm(z[i, v]) for v in range(V)], axis=0) for i in range(n)])
    if p.get("kernel") is None:
        return mub
    pr = np.asarray(inp["prior"], float)
    if pr.ndim == 1:
        pr = pr[:, None]
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if p["kernel"] == "rbf":
                K[i, j] = math.exp(-float(np.sum((pr[i] - pr[j]) ** 2)) / (2 * p["sigma"] ** 2))
            else:
                K[i, j] = float(pr[i] @ pr[j]) / (np.linalg.norm(pr[i]) * np.linalg.norm(pr[j]))
    lam = p.get("lambda")
    lam = lam if lam else 1 / math.sqrt(n)
    Wm = np.linalg.inv(K + lam * np.eye(n)) @ K
    return Wm @ mub


def decoupled_uniformity(p, inp, base=None, finite_only=False):
    v = _unif(_du_mu(p, inp), p["t"])
    return 0.0 if (finite_only and math.isnan(v)) else v


def du_align(p, inp, base=None, finite_only=False):
    mu = _du_mu(p, inp)
    return -float(np.mean(np.sum(mu * mu, axis=1)))


def _dcl_dir(a, b, tau, w):
    n = len(a)
    tot = 0.0
    for i in range(n):
        vals = []
        for j in range(n):
            if j != i:
                vals.append(float(a[i] @ a[j]) / tau)
                vals.append(float(a[i] @ b[j]) / tau)
        tot += -w[i] * float(a[i] @ b[i]) / tau + lse(vals)
    return tot / n


def _vmf(a, b, sigma):
    s = np.array([float(a[i] @ b[i]) / sigma for i in range(len(a))])
    e = np.exp(s - s.max())
    return 2 - len(a) * e / e.sum()


def dcl_one_way(p, inp, base=None, finite_only=False):
    a, b = np.asarray(inp["z1"], float), np.asarray(inp["z2"], float)
    return _dcl_dir(a, b, p["tau"], np.ones(len(a)))


def dcl(p, inp, base=None, finite_only=False):
    a, b = np.asarray(inp["z1"], float), np.asarray(inp["z2"], float)
    one = np.ones(len(a))
    return _dcl_dir(a, b, p["tau"], one) + _dcl_dir(b, a, p["tau"], one)


def dclw(p, inp, base=None, finite_only=False):
    a, b = np.asarray(inp["z1"], float), np.asarray(inp["z2"], float)
    return (_dcl_dir(a, b, p["tau"], _vmf(a, b, p["sigma"]))
            + _dcl_dir(b, a, p["tau"], _vmf(b, a, p["sigma"])))


def _A(x, y, idx, tau):
    if len(idx) == 0:
        return math.nan
    return float(np.mean([np.sum((x[i] - y[i]) ** 2) for i in idx])) / (2 * tau)


def _J(c, s, tau):
    n = len(c)
    tot = 0.0
    for i in range(n):
        vals = [-(float(np.sum((c[i] - c[j]) ** 2)) + float(np.sum((s[i] - s[j]) ** 2))) / (2 * tau)
                for j in range(n)]
        tot += lse(vals) - math.log(n)
    return tot / n


def sepclr_components(p, inp, base=None):
    tau, uw = p["tau"], p["unif_weight"]
    b = np.asarray(inp["is_target"], float)
    c1 = np.array([nrm(r) for r in np.asarray(inp["c1"], float)])
    c2 = np.array([nrm(r) for r in np.asarray(inp["c2"], float)])
    s1, s2 = np.asarray(inp["s1"], float), np.asarray(inp["s2"], float)
    if base is not None:
        # the zeroed background rows carry no gradient: take them from base
        pass
    st1 = s1 * b[:, None]
    st2 = s2 * b[:, None]
    n = len(b)
    T = [i for i in range(n) if b[i] == 1]
    Bk = [i for i in range(n) if b[i] == 0]
    t = 1 / (2 * tau)
    comp = {}
    comp["cm_align"] = _A(c1, c2, range(n), tau)
    comp["cm_uniform"] = 0.5 * (_unif(c1, t) + _unif(c2, t))
    comp["cm"] = comp["cm_align"] + uw * comp["cm_uniform"]
    comp["sp_align"] = _A(s1, s2, T, tau)
    comp["sp_uniform"] = 0.5 * (_unif(st1, t) + _unif(st2, t))
    comp["sp"] = comp["sp_align"] + uw * comp["sp_uniform"]
    z = np.zeros_like(s1)
    comp["sp_reg"] = 0.5 * (_A(z, s1, Bk, tau) + _A(z, s2, Bk, tau))
    comp["jem"] = 0.5 * (_J(c1, st1, tau) + _J(c2, st2, tau))
    return comp


def sepclr(p, inp, base=None, finite_only=False):
    c = sepclr_components(p, inp)
    uw = p["unif_weight"]
    return _fsum([(1.0, c["cm_align"]), (uw, c["cm_uniform"]),
                  (p["beta_salient"], c["sp_align"]), (p["beta_salient"] * uw, c["sp_uniform"]),
                  (p["beta_reg"], c["sp_reg"]), (p["lambda_jem"], c["jem"])], finite_only)


def sepclr_align(p, inp, base=None, finite_only=False):
    x, y = np.asarray(inp["x"], float), np.asarray(inp["y"], float)
    return _A(x, y, range(len(x)), p["tau"])


def sepclr_uniform(p, inp, base=None, finite_only=False):
    v = _unif(np.asarray(inp["x"], float), 1 / (2 * p["tau"]))
    return 0.0 if (finite_only and math.isnan(v)) else v


def kjem(p, inp, base=None, finite_only=False):
    return _J(np.asarray(inp["c"], float), np.asarray(inp["s"], float), p["tau"])


def sepclr_sup_align(p, inp, base=None, finite_only=False):
    x = np.asarray(inp["x"], float)
    y = np.asarray(inp["metadata"], float)
    n = len(x)
    tot = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            tot += math.exp(-float(np.sum((y[i] - y[j]) ** 2)) / (2 * p["tau"])) * float(np.sum((x[i] - x[j]) ** 2))
    if n < 2:
        return 0.0 if finite_only else math.nan
    return tot / (n * (n - 1) / 2)


def _kmat(fn, p, m):
    m = np.asarray(m, float)
    if m.ndim == 1:
        m = m[:, None]
    n = len(m)
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            d2 = float(np.sum((m[i] - m[j]) ** 2))
            if fn == "kernel_rbf":
                K[i, j] = math.exp(-d2 / (2 * p["sigma"] ** 2))
            elif fn == "kernel_gaussian_pdf":
                K[i, j] = math.exp(-d2 / (2 * p["sigma"] ** 2)) / (math.sqrt(2 * math.pi) * p["sigma"])
            elif fn == "kernel_cauchy":
                K[i, j] = 1 / (1 + p["gamma"] * d2)
            elif fn == "kernel_gaussian_tau":
                K[i, j] = math.exp(-d2 / (2 * p["tau"]))
            elif fn == "kernel_cosine":
                K[i, j] = float(m[i] @ m[j]) / (np.linalg.norm(m[i]) * np.linalg.norm(m[j]))
    return K


def make_kernel(fn):
    def f(p, inp, base=None, finite_only=False):
        return _kmat(fn, p, inp["metadata"])
    return f


FUNCTIONS = {
    "nt_xent": nt_xent, "supcon": supcon, "eps_supinfonce": eps_supinfonce, "eps_supcon": eps_supcon,
    "fairkl": fairkl, "y_aware_infonce": y_aware_infonce, "kernelized_supcon": kernelized_supcon,
    "align": align, "uniform": uniform, "align_uniform": align_uniform,
    "decoupled_uniformity": decoupled_uniformity, "du_align": du_align,
    "dcl": dcl, "dcl_one_way": dcl_one_way, "dclw": dclw,
    "sepclr": sepclr, "sepclr_align": sepclr_align, "sepclr_uniform": sepclr_uniform,
    "sepclr_sup_align": sepclr_sup_align, "kjem": kjem,
}
for _k in ("kernel_rbf", "kernel_cosine", "kernel_gaussian_pdf", "kernel_cauchy", "kernel_gaussian_tau"):
    FUNCTIONS[_k] = make_kernel(_k)

FAMILY_A = {"nt_xent", "supcon", "eps_supinfonce", "eps_supcon", "fairkl", "y_aware_infonce", "kernelized_supcon"}


def fd_grad(case, key, h=1e-6):
    """Central finite difference of the naive value (finite part for family B)
    with respect to inputs[key]; kernels: of the matrix sum."""
    fn = FUNCTIONS[case["fn"]]
    p = case["params"]
    base = {k: (np.asarray(v, float) if v is not None and k not in ("labels", "bias_labels") else v)
            for k, v in case["inputs"].items()}

    def val(inp):
        if case["fn"] in FAMILY_A:
            return fn(p, inp, base)
        v = fn(p, inp, base, finite_only=True)
        return float(np.sum(v))

    x0 = np.asarray(base[key], float)
    g = np.zeros_like(x0)
    it = np.nditer(x0, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        xp = x0.copy()
        xm = x0.copy()
        xp[idx] += h
        xm[idx] -= h
        ip = dict(base)
        ip[key] = xp
        im = dict(base)
        im[key] = xm
        g[idx] = (val(ip) - val(im)) / (2 * h)
    return g
