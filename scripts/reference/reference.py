"""Independent float64 reference implementation of the contrastive losses of
shared/spec/losses-a.md (family A) and shared/spec/losses-b.md (family B).

Written from the specification text only.  Every public function takes
``(params, inputs)`` exactly as a case of the ``contrastive-vectors/1`` format
stores them and returns ``(value, grad)`` where

* ``value`` is a Python float (possibly nan / +-inf) or, for ``kernel_*``, an
  ``[n, n]`` numpy array;
* ``grad`` is a dict {input name -> numpy array of the input's shape}, or
  ``None`` where the official gradient is undefined (family-A non-finite
  results).

``sepclr`` additionally returns the unweighted components through
``sepclr_components`` (and ``sepclr(..., return_components=True)``), and the
decoupled-uniformity functions can return their intermediate results through
``du_aux``.

Gradients are computed with ``autograd``; the conventions autograd does not
give by itself are handled explicitly:

* ``safe_sqrt``  : sqrt with derivative 0 at 0 (PyTorch ``norm``/``std``
  backward convention);
* ``stop``       : stop-gradient (``getval``), used for the row max in
  ``expw`` and for the epsilon stabiliser eta;
* empty sets (family B): the term evaluates to NaN, its gradient contribution
  is exactly 0 (the term is left out of the differentiated graph);
* 0*inf on the threshold diagonal and other non-finite family-A results are
  detected on the forward pass and reported with ``grad = None``.
"""
import math

import numpy as onp
import autograd.numpy as anp
from autograd import grad as ag_grad
from autograd.extend import primitive, defvjp
from autograd.tracer import getval

NORM_EPS = 1e-12


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def stop(x):
    """Stop-gradient."""
    return getval(x)


@primitive
def safe_sqrt(v):
    return onp.sqrt(onp.maximum(v, 0.0))


def _safe_sqrt_vjp(ans, v):
    def vjp(g):
        ans_ = onp.asarray(ans)
        pos = ans_ > 0
        den = onp.where(pos, ans_, 1.0)
        return g * onp.where(pos, 0.5 / den, 0.0)
    return vjp


defvjp(safe_sqrt, _safe_sqrt_vjp)


def l2_normalize(x):
    """x / max(||x||_2, 1e-12), row-wise (last axis)."""
    n = safe_sqrt(anp.sum(x * x, axis=-1, keepdims=True))
    return x / anp.maximum(n, NORM_EPS)


def arr(x):
    return onp.asarray(x, dtype=onp.float64)


def sqdist(a, b):
    """Squared Euclidean distances between the rows of a [n,q] and b [m,q]
    (explicit differences, no square root)."""
    diff = a[:, None, :] - b[None, :, :]
    return anp.sum(diff * diff, axis=-1)


def masked_lse(S, mask, shift=None):
    """Row-wise log sum_{b: mask[a,b]} exp(S[a,b]).

    ``mask`` is a constant 0/1 float array.  Returns (lse, has) where ``has``
    is 1 for rows with a non-empty set and 0 otherwise; for empty rows the
    returned lse is 0 (with zero gradient) and must be handled by the caller.
    ``shift`` (optional, constant) is a per-row shift; by default the row max
    over the masked entries (detached).
    """
    mask = onp.asarray(mask, dtype=onp.float64)
    has = (mask.sum(axis=1) > 0).astype(onp.float64)
    if shift is None:
        Sv = onp.asarray(stop(S))
        shift = onp.where(mask > 0, Sv, -onp.inf).max(axis=1)
        shift = onp.where(has > 0, shift, 0.0)
    E = anp.exp(S - shift[:, None]) * mask
    tot = anp.sum(E, axis=1)
    lse = anp.log(tot + (1.0 - has)) + shift * has
    return lse * has, has


def _to_float(v):
    v = float(v)
    return v


# --------------------------------------------------------------------------
# family A common pieces
# --------------------------------------------------------------------------

def _features(params, X):
    if params.get("normalize", False):
        return l2_normalize(X)
    return X


def _positive_mask(labels, N, V):
    """P mask [M,M] (b != a), view-major rows; labels once per sample or None."""
    M = N * V
    idx = onp.arange(M) % N
    if labels is None:
        same = idx[:, None] == idx[None, :]
    else:
        lab = onp.asarray(labels)
        la = lab[idx]
        same = la[:, None] == la[None, :]
    P = same & ~onp.eye(M, dtype=bool)
    return P.astype(onp.float64)


def _check_rows(X, params):
    V = int(params["n_views"])
    M = X.shape[0]
    if M % V != 0:
        raise ValueError("rows not a multiple of n_views")
    return M // V, V


# --------------------------------------------------------------------------
# 1. NT-Xent
# --------------------------------------------------------------------------

def nt_xent(params, inputs):
    X0 = arr(inputs["features"])
    tau = float(params["temperature"])
    red = params.get("reduction", "mean")
    V = int(params.get("n_views", 2))
    if V != 2:
        raise ValueError("nt_xent needs n_views = 2")
    M = X0.shape[0]
    N = M // 2
    eye = onp.eye(M)
    partner = (onp.arange(M) + N) % M
    Pm = onp.zeros((M, M))
    Pm[onp.arange(M), partner] = 1.0

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / tau
        lse, _ = masked_lse(S, 1.0 - eye)
        pos = anp.sum(S * Pm, axis=1)
        ell = lse - pos
        if red == "mean":
            return anp.sum(ell) / (2 * N)
        elif red == "sum_of_view_means":
            return anp.sum(ell) / N
        raise ValueError(red)

    return _finish_A(f, X0)


def _finish_A(f, X0, key="features"):
    val = float(f(X0))
    if not math.isfinite(val):
        return val, None
    g = ag_grad(f)(X0)
    return val, {key: onp.asarray(g)}


# --------------------------------------------------------------------------
# 2. SupCon
# --------------------------------------------------------------------------

def supcon(params, inputs):
    X0 = arr(inputs["features"])
    N, V = _check_rows(X0, params)
    M = N * V
    tau = float(params["temperature"])
    tb = float(params["base_temperature"])
    c = tau / tb
    variant = params["variant"]
    labels = inputs.get("labels")
    P = _positive_mask(labels, N, V)
    A = 1.0 - onp.eye(M)
    npos = P.sum(axis=1)
    hasP = (npos > 0).astype(float)
    npos1 = onp.maximum(npos, 1.0)

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / tau
        lseA, _ = masked_lse(S, A)
        if variant == "out":
            # mean over positives of (s_ap - LSE_A); 0 for anchors without positive
            inner = (anp.sum(S * P, axis=1) - npos * lseA) / npos1
            La = -c * inner
        elif variant == "in":
            lseP, has = masked_lse(S, P)
            inner = (lseP - onp.log(npos1) - lseA) * hasP
            La = -c * inner
        else:
            raise ValueError(variant)
        return anp.sum(La) / M

    return _finish_A(f, X0)


# --------------------------------------------------------------------------
# 3. epsilon-SupInfoNCE / epsilon-SupCon
# --------------------------------------------------------------------------

def _eps_common(params, inputs, cls):
    X0 = arr(inputs["features"])
    N, V = _check_rows(X0, params)
    M = N * V
    tau = float(params["temperature"])
    tb = float(params["base_temperature"])
    c = tau / tb
    eps = float(params["epsilon"])
    omega = math.exp(-eps)
    form = params.get("form", "out")
    leas = float(params.get("log_eps_after_shift", 0.0) or 0.0)
    labels = inputs.get("labels")
    P = _positive_mask(labels, N, V)
    A = 1.0 - onp.eye(M)
    Nm = A - P
    npos = P.sum(axis=1)
    npos1 = onp.maximum(npos, 1.0)
    if cls == "supcon" and form != "out":
        raise ValueError("eps_supcon accepts only form out")

    if form == "in" and onp.any(npos == 0):
        # log 0 in the numerator: official +inf, no guard
        # (value is +inf as long as the denominator is finite, i.e. the
        # anchor has at least one negative)
        def fval(X):
            return None
        # compute the finite anchors just to be sure the result kind is +inf
        return float("inf"), None

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / tau
        Sv = onp.asarray(stop(S))
        m_full = Sv.max(axis=1)           # row max incl. diagonal, detached
        # everything below is shifted by m_full (the official shift)
        E = anp.exp(S - m_full[:, None])
        negsum = anp.sum(E * Nm, axis=1)  # sum_n e^{s_an - m}
        if form == "out":
            eta = leas  # 1e-6 after the shift == 1e-6 e^{m_a} unshifted
            if cls == "infonce":
                den = omega * E + negsum[:, None] + eta           # [M,M] per positive
            else:
                possum = anp.sum(E * P, axis=1)
                den = (omega * possum + negsum + eta)[:, None] + 0.0 * E
            # log-prob of positive p: (s_ap - m) - log(den)
            safe_den = den * P + (1.0 - P)
            term = ((S - m_full[:, None]) - anp.log(safe_den)) * P
            La = -c * anp.sum(term, axis=1) / npos1
        else:  # form in (every anchor has a positive here)
            possum = anp.sum(E * P, axis=1)
            num = anp.log(possum)
            den = anp.log(omega / npos1 * possum + negsum)
            La = -c * (num - den)
        return anp.sum(La) / M

    return _finish_A(f, X0)


def eps_supinfonce(params, inputs):
    return _eps_common(params, inputs, "infonce")


def eps_supcon(params, inputs):
    return _eps_common(params, inputs, "supcon")


# --------------------------------------------------------------------------
# 4. FairKL
# --------------------------------------------------------------------------

def fairkl(params, inputs):
    X0 = arr(inputs["features"])
    B = X0.shape[0]
    T = float(params["temperature"])
    kld = float(params["kld"])
    y = onp.asarray(inputs["labels"])
    b = onp.asarray(inputs["bias_labels"])
    sy = y[:, None] == y[None, :]
    sb = b[:, None] == b[None, :]
    masks = {
        "PA": (sy & sb).astype(float),
        "PC": (sy & ~sb).astype(float),
        "NA": (~sy & sb).astype(float),
        "NC": (~sy & ~sb).astype(float),
    }
    nB2 = B * B

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / T
        mu = {}
        sd = {}
        for k, m in masks.items():
            Sm = S * m
            mu[k] = anp.sum(Sm) / max(m.sum(), 1.0)
            mean_all = anp.sum(Sm) / nB2
            dev = Sm - mean_all
            var = anp.sum(dev * dev) / (nB2 - 1)
            sd[k] = safe_sqrt(var)
        R = ((mu["PC"] - mu["PA"]) ** 2 + (mu["NA"] - mu["NC"]) ** 2
             + kld * ((sd["PA"] - sd["PC"]) ** 2 + (sd["NA"] - sd["NC"]) ** 2)
             - mu["PC"] + mu["NA"])
        return R

    return _finish_A(f, X0)


# --------------------------------------------------------------------------
# 5. y-Aware InfoNCE
# --------------------------------------------------------------------------

def _meta2d(m):
    m = arr(m)
    if m.ndim == 1:
        m = m[:, None]
    return m


def y_aware_infonce(params, inputs):
    X0 = arr(inputs["features"])
    tau = float(params["temperature"])
    sigma = float(params["sigma"])
    wn = params.get("weight_norm", "official")
    if params.get("kernel", "rbf") != "rbf":
        raise ValueError("y-aware: only rbf")
    if int(params.get("n_views", 2)) != 2:
        raise ValueError("y-aware: n_views must be 2")
    M = X0.shape[0]
    N = M // 2
    meta = _meta2d(inputs["metadata"])
    idx = onp.arange(M) % N
    mm = meta[idx]
    D = onp.asarray(sqdist(mm, mm))
    W = onp.exp(-D / (2 * sigma ** 2))
    onp.fill_diagonal(W, 0.0)
    rs = W.sum(axis=1)
    if wn == "official":
        What = W / rs[None, :]
    elif wn == "row":
        What = W / rs[:, None]
    else:
        raise ValueError(wn)
    A = 1.0 - onp.eye(M)

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / tau
        lse, _ = masked_lse(S, A)
        logp = S - lse[:, None]
        return -anp.sum(What * logp * A) / N

    return _finish_A(f, X0)


# --------------------------------------------------------------------------
# 6. KernelizedSupCon
# --------------------------------------------------------------------------

def _ksc_kernel(kernel, sigma, y_rows):
    d = y_rows[:, None] - y_rows[None, :]
    d2 = d * d
    if kernel == "gaussian":
        return onp.exp(-d2 / (2 * sigma ** 2)) / (math.sqrt(2 * math.pi) * sigma)
    if kernel == "rbf":
        return onp.exp(-d2 / (2 * sigma ** 2))
    if kernel == "cauchy":
        return 1.0 / (sigma * d2 + 1.0)
    raise ValueError(kernel)


def kernelized_supcon(params, inputs):
    X0 = arr(inputs["features"])
    N, V = _check_rows(X0, params)
    M = N * V
    tau = float(params["temperature"])
    tb = float(params["base_temperature"])
    c = tau / tb
    method = params["method"]
    kernel = params.get("kernel")
    sigma = params.get("sigma")
    labels = arr(inputs["labels"])
    idx = onp.arange(M) % N
    yr = labels[idx]
    if method == "supcon":
        W = (yr[:, None] == yr[None, :]).astype(float)
    else:
        if kernel is None:
            raise ValueError("kernel method needs a kernel")
        W = _ksc_kernel(kernel, float(sigma), yr)
    eye = onp.eye(M)
    A = 1.0 - eye
    w = W * A                     # positive weights, 0 on the diagonal
    wsum = w.sum(axis=1)          # over all M columns (diag has w=0)

    # ---- forward-only check for the official non-finite results ----------
    if method == "threshold":
        # C[a, c] = #{k : W[c, k] < W[c, a]}
        C = (W[:, None, :] < W[:, :, None]).sum(axis=2).T.astype(float)
        # (W[c,None,k] < W[c,a,None]) summed over k gives Cnt[c,a]; transpose -> [a,c]
        if params.get("delta_reduction", "sum") == "mean":
            C = C / M
        elif params.get("delta_reduction", "sum") != "sum":
            raise ValueError(params.get("delta_reduction"))
        Cm = C * A
        empty = (Cm.sum(axis=1) == 0)
        if onp.any(empty):
            # log p = +inf for every b, diagonal 0*inf -> NaN (official)
            return float("nan"), None
    if onp.any(wsum == 0):
        # 0/0 (method supcon, isolated anchor; or kernel underflow)
        return float("nan"), None

    shift_mode = params.get("expw_shift", "rowmax")

    def f(X):
        Z = _features(params, X)
        S = anp.dot(Z, Z.T) / tau
        if method in ("supcon", "yaware"):
            lse, _ = masked_lse(S, A)
            logp = S - lse[:, None]
        elif method == "threshold":
            Sv = onp.asarray(stop(S))
            sh = onp.where(Cm > 0, Sv, -onp.inf).max(axis=1)
            den = anp.log(anp.sum(Cm * anp.exp(S - sh[:, None]), axis=1)) + sh
            logp = S - den[:, None]
        elif method == "expw":
            if shift_mode == "rowmax":
                m = onp.asarray(stop(S)).max(axis=1)   # incl. diagonal, detached
            elif shift_mode == "none":
                m = onp.zeros(M)
            else:
                raise ValueError(shift_mode)
            Ssh = S - m[:, None]
            lse, _ = masked_lse(Ssh * (1.0 - W), A)
            logp = Ssh - lse[:, None]
        else:
            raise ValueError(method)
        num = anp.sum(w * logp * A, axis=1)    # diagonal has w = 0 and is finite here
        La = -c * num / wsum
        return anp.sum(La) / M

    return _finish_A(f, X0)


# --------------------------------------------------------------------------
# family B building blocks (empty set -> NaN value, zero gradient)
# --------------------------------------------------------------------------

class Term:
    """A scalar term: ``fn`` is an autograd-differentiable function of the
    input dict, or ``None`` for an empty set (value NaN, gradient 0)."""


def _lme_pairs(neg_energy, n):
    """log mean_{i<j} exp(neg_energy[i,j]) for a symmetric [n,n] matrix."""
    iu = onp.triu(onp.ones((n, n)), 1)
    Sv = onp.asarray(stop(neg_energy))
    sh = onp.where(iu > 0, Sv, -onp.inf).max()
    tot = anp.sum(anp.exp(neg_energy - sh) * iu)
    return anp.log(tot) + sh - onp.log(n * (n - 1) / 2.0)


def unif_t(x, t):
    """L_unif(x; t) = log mean_{i<j} exp(-t ||x_i - x_j||^2); NaN if n < 2
    (the caller must not differentiate it then)."""
    n = x.shape[0]
    return _lme_pairs(-t * sqdist(x, x), n)


def _run_B(fterms, inputs0, keys):
    """fterms(inp) -> list of (weight, value) with value either an autograd
    scalar or None (empty set).  Value = sum of weights*values (NaN if any term
    is None); gradient = gradient of the finite terms only."""
    def total_finite(*args):
        inp = dict(zip(keys, args))
        s = 0.0
        for wgt, v in fterms(inp):
            if v is not None and wgt != 0:
                s = s + wgt * v
        return s

    args0 = [inputs0[k] for k in keys]
    terms = fterms(dict(zip(keys, args0)))
    any_empty = any(v is None for w_, v in terms)
    val = float(total_finite(*args0))
    if any_empty:
        val = float("nan")
    grads = {}
    for i, k in enumerate(keys):
        g = ag_grad(total_finite, i)(*args0)
        g = onp.asarray(g, dtype=float)
        if g.shape != args0[i].shape:
            g = onp.zeros_like(args0[i]) + g
        grads[k] = g
    return val, grads


# --------------------------------------------------------------------------
# B1. alignment / uniformity
# --------------------------------------------------------------------------

def _align_vals(x, y, alpha):
    diff = x - y
    sq = anp.sum(diff * diff, axis=1)
    if alpha == 2.0:
        per = sq
    else:
        nrm = safe_sqrt(sq)      # derivative 0 at 0 (PyTorch norm convention)
        per = nrm ** alpha
    return anp.mean(per)


def align(params, inputs):
    alpha = float(params["alpha"])
    inp = {"x": arr(inputs["x"]), "y": arr(inputs["y"])}
    return _run_B(lambda d: [(1.0, _align_vals(d["x"], d["y"], alpha))], inp, ["x", "y"])


def uniform(params, inputs):
    t = float(params["t"])
    inp = {"x": arr(inputs["x"])}

    def terms(d):
        x = d["x"]
        return [(1.0, unif_t(x, t) if x.shape[0] >= 2 else None)]
    return _run_B(terms, inp, ["x"])


def align_uniform(params, inputs):
    alpha = float(params["alpha"])
    t = float(params["t"])
    wa = float(params["w_align"])
    wu = float(params["w_unif"])
    inp = {"x": arr(inputs["x"]), "y": arr(inputs["y"])}

    def terms(d):
        x, y = d["x"], d["y"]
        n = x.shape[0]
        return [(wa, _align_vals(x, y, alpha)),
                (0.5 * wu, unif_t(x, t) if n >= 2 else None),
                (0.5 * wu, unif_t(y, t) if n >= 2 else None)]
    return _run_B(terms, inp, ["x", "y"])


# --------------------------------------------------------------------------
# B2. decoupled uniformity
# --------------------------------------------------------------------------

def _du_W(params, inputs, n):
    """CME weight matrix W = (K + lam I)^{-1} K (constant) or None."""
    kernel = params.get("kernel")
    if kernel is None:
        return None, None, None
    p = arr(inputs["prior"])
    if p.ndim == 1:
        p = p[:, None]
    if kernel == "rbf":
        sigma = float(params["sigma"])
        K = onp.exp(-onp.asarray(sqdist(p, p)) / (2 * sigma ** 2))
    elif kernel == "cosine":
        pn = p / onp.maximum(onp.linalg.norm(p, axis=1, keepdims=True), NORM_EPS)
        K = pn @ pn.T
    else:
        raise ValueError(kernel)
    lam = params.get("lambda")
    lam_eff = float(lam) if lam else 1.0 / math.sqrt(n)
    W = onp.linalg.solve(K + lam_eff * onp.eye(n), K)
    return W, K, lam_eff


def _du_centroids(z, W):
    zh = l2_normalize(z)                 # [n, V, d], per view
    mubar = anp.mean(zh, axis=1)         # [n, d]
    if W is None:
        return mubar
    return anp.dot(W, mubar)


def du_aux(params, inputs):
    z = arr(inputs["z"])
    n = z.shape[0]
    W, K, lam_eff = _du_W(params, inputs, n)
    mu = onp.asarray(_du_centroids(z, W))
    aux = {"centroids": mu}
    if W is not None:
        aux["cme_weights"] = W
        aux["kernel_matrix"] = K
    return aux, lam_eff


def decoupled_uniformity(params, inputs):
    t = float(params["t"])
    z = arr(inputs["z"])
    n = z.shape[0]
    W, _, _ = _du_W(params, inputs, n)

    def terms(d):
        mu = _du_centroids(d["z"], W)
        return [(1.0, unif_t(mu, t) if n >= 2 else None)]
    return _run_B(terms, {"z": z}, ["z"])


def du_align(params, inputs):
    z = arr(inputs["z"])
    n = z.shape[0]
    W, _, _ = _du_W(params, inputs, n)

    def terms(d):
        mu = _du_centroids(d["z"], W)
        return [(1.0, -anp.mean(anp.sum(mu * mu, axis=1)))]
    return _run_B(terms, {"z": z}, ["z"])


# --------------------------------------------------------------------------
# B3. DCL / DCLW
# --------------------------------------------------------------------------

def _dcl_dir(a, b, tau, weights):
    n = a.shape[0]
    off = 1.0 - onp.eye(n)
    Saa = anp.dot(a, a.T) / tau
    Sab = anp.dot(a, b.T) / tau
    S = anp.concatenate([Saa, Sab], axis=1)
    mask = onp.concatenate([off, off], axis=1)
    lse, _ = masked_lse(S, mask)
    pos = anp.sum(a * b, axis=1) / tau
    if weights is None:
        return anp.mean(-pos + lse)
    return anp.mean(-weights * pos + lse)


def _dclw_weights(a, b, sigma, detach):
    s = anp.sum(a * b, axis=1) / sigma
    if detach:
        s = stop(s)
    e = anp.exp(s - onp.asarray(stop(s)).max())
    sm = e / anp.sum(e)
    return 2.0 - a.shape[0] * sm


def _dcl_terms_check(n):
    if n < 2:
        raise ValueError("DCL needs n >= 2")


def dcl_one_way(params, inputs):
    tau = float(params["tau"])
    inp = {"z1": arr(inputs["z1"]), "z2": arr(inputs["z2"])}
    _dcl_terms_check(inp["z1"].shape[0])
    return _run_B(lambda d: [(1.0, _dcl_dir(d["z1"], d["z2"], tau, None))], inp, ["z1", "z2"])


DCL_SYMMETRISATION = "sum"   # decided from the public vectors (see REPORT.md)


def dcl(params, inputs):
    tau = float(params["tau"])
    inp = {"z1": arr(inputs["z1"]), "z2": arr(inputs["z2"])}
    _dcl_terms_check(inp["z1"].shape[0])
    wgt = 1.0 if DCL_SYMMETRISATION == "sum" else 0.5
    return _run_B(lambda d: [(wgt, _dcl_dir(d["z1"], d["z2"], tau, None)),
                             (wgt, _dcl_dir(d["z2"], d["z1"], tau, None))], inp, ["z1", "z2"])


def dclw(params, inputs):
    tau = float(params["tau"])
    sigma = float(params["sigma"])
    detach = bool(params.get("detach_weights", False))
    inp = {"z1": arr(inputs["z1"]), "z2": arr(inputs["z2"])}
    _dcl_terms_check(inp["z1"].shape[0])
    wgt = 1.0 if DCL_SYMMETRISATION == "sum" else 0.5

    def terms(d):
        a, b = d["z1"], d["z2"]
        w12 = _dclw_weights(a, b, sigma, detach)
        w21 = _dclw_weights(b, a, sigma, detach)
        return [(wgt, _dcl_dir(a, b, tau, w12)), (wgt, _dcl_dir(b, a, tau, w21))]
    return _run_B(terms, inp, ["z1", "z2"])


# --------------------------------------------------------------------------
# B4. SepCLR
# --------------------------------------------------------------------------

def A_tau(x, y, idx, tau):
    """(1/|I|) sum_{i in I} ||x_i - y_i||^2 / (2 tau); None if I is empty."""
    idx = onp.asarray(idx, dtype=int)
    if idx.size == 0:
        return None
    diff = x[idx] - y[idx]
    return anp.mean(anp.sum(diff * diff, axis=1)) / (2 * tau)


def U_tau(x, tau):
    if x.shape[0] < 2:
        return None
    return unif_t(x, 1.0 / (2 * tau))


def J_tau(c, s, tau):
    n = c.shape[0]
    E = -(sqdist(c, c) + sqdist(s, s)) / (2 * tau)
    Sv = onp.asarray(stop(E))
    sh = Sv.max(axis=1)
    lse = anp.log(anp.sum(anp.exp(E - sh[:, None]), axis=1)) + sh
    return anp.mean(lse - onp.log(n))


def _half_sum(a, b):
    if a is None or b is None:
        return None
    return 0.5 * (a + b)


SEPCLR_KEYS = ["cm_align", "cm_uniform", "cm", "sp_align", "sp_uniform", "sp", "sp_reg", "jem"]


def _sepclr_parts(d, params, bmask):
    tau = float(params["tau"])
    uw = float(params["unif_weight"])
    c1 = l2_normalize(d["c1"])
    c2 = l2_normalize(d["c2"])
    s1, s2 = d["s1"], d["s2"]
    n = c1.shape[0]
    T = onp.nonzero(bmask > 0.5)[0]
    Bk = onp.nonzero(bmask <= 0.5)[0]
    bcol = bmask[:, None]
    st1 = s1 * bcol          # background rows -> 0, no gradient through them
    st2 = s2 * bcol
    all_idx = onp.arange(n)
    parts = {}
    parts["cm_align"] = A_tau(c1, c2, all_idx, tau)
    parts["cm_uniform"] = _half_sum(U_tau(c1, tau), U_tau(c2, tau))
    parts["sp_align"] = A_tau(s1, s2, T, tau)
    parts["sp_uniform"] = _half_sum(U_tau(st1, tau), U_tau(st2, tau))
    zero1 = onp.zeros(onp.shape(getval(s1)))
    zero2 = onp.zeros(onp.shape(getval(s2)))
    r1 = A_tau(zero1, s1, Bk, tau)
    r2 = A_tau(zero2, s2, Bk, tau)
    parts["sp_reg"] = _half_sum(r1, r2)
    parts["jem"] = 0.5 * (J_tau(c1, st1, tau) + J_tau(c2, st2, tau))
    return parts, uw


def _sepclr_weighted_terms(d, params, bmask):
    """List of (weight, term) with all the elementary terms of the total."""
    p, uw = _sepclr_parts(d, params, bmask)
    bS = float(params["beta_salient"])
    bR = float(params["beta_reg"])
    lJ = float(params["lambda_jem"])
    return [(1.0, p["cm_align"]), (uw, p["cm_uniform"]),
            (bS, p["sp_align"]), (bS * uw, p["sp_uniform"]),
            (bR, p["sp_reg"]), (lJ, p["jem"])]


def sepclr_components(params, inputs):
    bmask = arr(inputs["is_target"])
    d = {k: arr(inputs[k]) for k in ("c1", "c2", "s1", "s2")}
    p, uw = _sepclr_parts(d, params, bmask)

    def fv(v):
        return float("nan") if v is None else float(v)
    out = {k: fv(p[k]) for k in ("cm_align", "cm_uniform", "sp_align", "sp_uniform", "sp_reg", "jem")}
    out["cm"] = out["cm_align"] + uw * out["cm_uniform"]
    out["sp"] = out["sp_align"] + uw * out["sp_uniform"]
    return {k: out[k] for k in SEPCLR_KEYS}


def sepclr(params, inputs, return_components=False):
    bmask = arr(inputs["is_target"])
    inp = {k: arr(inputs[k]) for k in ("c1", "c2", "s1", "s2")}
    val, g = _run_B(lambda d: _sepclr_weighted_terms(d, params, bmask), inp, ["c1", "c2", "s1", "s2"])
    comps = sepclr_components(params, inputs)
    # value = cm + bS*sp + bR*sp_reg + lJ*jem (NaN if any piece is NaN)
    if return_components:
        return val, g, comps
    return val, g


def sepclr_align(params, inputs):
    tau = float(params["tau"])
    inp = {"x": arr(inputs["x"]), "y": arr(inputs["y"])}
    n = inp["x"].shape[0]
    return _run_B(lambda d: [(1.0, A_tau(d["x"], d["y"], onp.arange(n), tau))], inp, ["x", "y"])


def sepclr_uniform(params, inputs):
    tau = float(params["tau"])
    inp = {"x": arr(inputs["x"])}
    return _run_B(lambda d: [(1.0, U_tau(d["x"], tau))], inp, ["x"])


def kjem(params, inputs):
    tau = float(params["tau"])
    inp = {"c": arr(inputs["c"]), "s": arr(inputs["s"])}
    return _run_B(lambda d: [(1.0, J_tau(d["c"], d["s"], tau))], inp, ["c", "s"])


def sepclr_sup_align(params, inputs):
    tau = float(params["tau"])
    x0 = arr(inputs["x"])
    y = arr(inputs["metadata"])
    n = x0.shape[0]
    if y.ndim == 1:
        dy2 = (y[:, None] - y[None, :]) ** 2
    else:
        dy2 = onp.asarray(sqdist(y, y))
    K = onp.exp(-dy2 / (2 * tau))
    iu = onp.triu(onp.ones((n, n)), 1)

    def terms(d):
        x = d["x"]
        if n < 2:
            return [(1.0, None)]
        if x.ndim == 1:
            dx2 = (x[:, None] - x[None, :]) ** 2
        else:
            dx2 = sqdist(x, x)
        return [(1.0, anp.sum(K * dx2 * iu) / (n * (n - 1) / 2.0))]
    return _run_B(terms, {"x": x0}, ["x"])


# --------------------------------------------------------------------------
# B5. kernels on metadata: value = K matrix, grad = d sum(K) / d metadata
# --------------------------------------------------------------------------

def _kernel_fn(fn, params):
    if fn == "kernel_rbf":
        s = float(params["sigma"])
        return lambda m: anp.exp(-sqdist(m, m) / (2 * s ** 2))
    if fn == "kernel_gaussian_pdf":
        s = float(params["sigma"])
        return lambda m: anp.exp(-sqdist(m, m) / (2 * s ** 2)) / (math.sqrt(2 * math.pi) * s)
    if fn == "kernel_cauchy":
        g = float(params["gamma"])
        return lambda m: 1.0 / (1.0 + g * sqdist(m, m))
    if fn == "kernel_gaussian_tau":
        t = float(params["tau"])
        return lambda m: anp.exp(-sqdist(m, m) / (2 * t))
    if fn == "kernel_cosine":
        def cos(m):
            mn = l2_normalize(m)
            return anp.dot(mn, mn.T)
        return cos
    raise ValueError(fn)


def _kernel(fn, params, inputs):
    m0 = arr(inputs["metadata"])
    one_d = m0.ndim == 1
    k = _kernel_fn(fn, params)

    def K(m):
        mm = m[:, None] if one_d else m
        return k(mm)
    val = onp.asarray(K(m0))
    g = ag_grad(lambda m: anp.sum(K(m)))(m0)
    return val, {"metadata": onp.asarray(g)}


def kernel_rbf(params, inputs):
    return _kernel("kernel_rbf", params, inputs)


def kernel_cosine(params, inputs):
    return _kernel("kernel_cosine", params, inputs)


def kernel_gaussian_pdf(params, inputs):
    return _kernel("kernel_gaussian_pdf", params, inputs)


def kernel_cauchy(params, inputs):
    return _kernel("kernel_cauchy", params, inputs)


def kernel_gaussian_tau(params, inputs):
    return _kernel("kernel_gaussian_tau", params, inputs)


FUNCTIONS = {
    "nt_xent": nt_xent,
    "supcon": supcon,
    "eps_supinfonce": eps_supinfonce,
    "eps_supcon": eps_supcon,
    "fairkl": fairkl,
    "y_aware_infonce": y_aware_infonce,
    "kernelized_supcon": kernelized_supcon,
    "align": align,
    "uniform": uniform,
    "align_uniform": align_uniform,
    "decoupled_uniformity": decoupled_uniformity,
    "du_align": du_align,
    "dcl": dcl,
    "dcl_one_way": dcl_one_way,
    "dclw": dclw,
    "sepclr": sepclr,
    "sepclr_align": sepclr_align,
    "sepclr_uniform": sepclr_uniform,
    "sepclr_sup_align": sepclr_sup_align,
    "kjem": kjem,
    "kernel_rbf": kernel_rbf,
    "kernel_cosine": kernel_cosine,
    "kernel_gaussian_pdf": kernel_gaussian_pdf,
    "kernel_cauchy": kernel_cauchy,
    "kernel_gaussian_tau": kernel_gaussian_tau,
}


def evaluate(case):
    """Run the reference on a case dict; returns (value, grad)."""
    return FUNCTIONS[case["fn"]](case["params"], case["inputs"])
