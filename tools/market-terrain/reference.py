#!/usr/bin/env python3
"""Independent NumPy/SciPy references for the market-terrain state and grouping modules.

    /usr/bin/python3 tools/market-terrain/reference.py

writes
  src/main/labs/market-terrain/grouping/__fixtures__/reference.json   (K-means, jump model, Gaussian HMM)
  src/main/labs/market-terrain/state/__fixtures__/reference.json      (2-D Kalman filter, ellipse, electrical flow)

Written from the textbooks, not from the TypeScript: K-means is scipy.cluster.vq.kmeans2 from
given centroids; the jump model's labels are a full k×k Viterbi on cost (Nystrup et al. 2020, eq. 3);
the HMM is Baum–Welch in log space with scipy.special.logsumexp (Rabiner 1989) where the
TypeScript scales; the Kalman filter is the textbook predict/update with the standard
(I−KH)P covariance and np.linalg.solve; the ellipse uses np.linalg.eigh and scipy.stats.chi2;
the electrical flow solves the grounded Laplacian with np.linalg.solve.
Doubles are JSON numbers from Python's repr (exact round trip).
"""

import json
import os
import platform

import numpy as np
import scipy
from scipy.cluster.vq import kmeans2
from scipy.optimize import brentq
from scipy.special import logsumexp
from scipy.stats import chi2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'main', 'labs', 'market-terrain')
PROVENANCE = {
    'generator': 'tools/market-terrain/reference.py',
    'numpy': np.__version__,
    'scipy': scipy.__version__,
    'python': platform.python_version(),
}


def switching_data(seed, T, F):
    rng = np.random.default_rng(seed)
    labels = np.zeros(T, dtype=int)
    s = 0
    for t in range(1, T):
        if rng.random() < (0.03 if s == 0 else 0.05):
            s = 1 - s
        labels[t] = s
    mu = np.where(labels[:, None] == 0, -0.6, 0.6)
    sd = np.where(labels[:, None] == 0, 1.0, 1.4)
    x = mu + sd * rng.standard_normal((T, F))
    return x, labels


def jump_labels(x, c, lam):
    T, k = len(x), len(c)
    d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
    pen = lam * (1 - np.eye(k))
    V = d[0].copy()
    back = np.zeros((T, k), dtype=int)
    for t in range(1, T):
        tot = V[:, None] + pen  # from i (rows) to j (columns)
        back[t] = tot.argmin(0)
        V = d[t] + tot.min(0)
    s = np.zeros(T, dtype=int)
    s[-1] = V.argmin()
    for t in range(T - 1, 0, -1):
        s[t - 1] = back[t, s[t]]
    return s, float(V.min())


def jump_online(x, c, lam):
    k = len(c)
    d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
    pen = lam * (1 - np.eye(k))
    V = d[0].copy()
    out = [int(V.argmin())]
    for t in range(1, len(x)):
        V = d[t] + (V[:, None] + pen).min(0)
        out.append(int(V.argmin()))
    return out


def jump_fit(x, c0, lam, max_iter=100):
    c = c0.copy()
    prev = None
    for it in range(1, max_iter + 1):
        s, obj = jump_labels(x, c, lam)
        if prev is not None and np.array_equal(s, prev):
            return s, c, obj, it
        prev = s
        for j in range(len(c)):
            if (s == j).any():
                c[j] = x[s == j].mean(0)
    return s, c, obj, max_iter


def hmm_loglik_terms(x, means, vars_):
    # log N(x_t | mean_j, diag var_j), T × k
    return -0.5 * (np.log(2 * np.pi * vars_)[None, :, :] + (x[:, None, :] - means[None]) ** 2 / vars_[None]).sum(-1)


def hmm_em(x, pi, A, means, vars_, iters, min_var):
    T, _ = x.shape
    k = len(pi)
    lls = []
    for _ in range(iters + 1):
        logb = hmm_loglik_terms(x, means, vars_)
        la = np.zeros((T, k))
        la[0] = np.log(pi) + logb[0]
        for t in range(1, T):
            la[t] = logsumexp(la[t - 1][:, None] + np.log(A), axis=0) + logb[t]
        ll = float(logsumexp(la[-1]))
        lls.append(ll)
        if len(lls) == iters + 1:
            break
        lb = np.zeros((T, k))
        for t in range(T - 2, -1, -1):
            lb[t] = logsumexp(np.log(A) + logb[t + 1][None, :] + lb[t + 1][None, :], axis=1)
        lg = la + lb - ll
        g = np.exp(lg)
        lxi = la[:-1, :, None] + np.log(A)[None] + logb[1:, None, :] + lb[1:, None, :] - ll
        xi = np.exp(lxi).sum(0)
        pi = g[0] / g[0].sum()
        A = xi / xi.sum(1, keepdims=True)
        w = g.sum(0)
        means = (g.T @ x) / w[:, None]
        vars_ = np.maximum(min_var, (g.T @ (x * x)) / w[:, None] - means ** 2)
    filt = np.exp(la - logsumexp(la, axis=1, keepdims=True))
    return pi, A, means, vars_, lls, filt


def sparse_weights(a, kappa):
    # Witten & Tibshirani 2010, Prop. 1; Δ by Brent's method where the bisection in TS searches.
    a = np.maximum(a, 0)

    def w_of(delta):
        s = np.maximum(a - delta, 0)
        return s / np.linalg.norm(s)

    if w_of(0).sum() <= kappa:
        return w_of(0)
    delta = brentq(lambda d: w_of(d).sum() - kappa, 0, a.max() * (1 - 1e-12), xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return w_of(delta)


def bcss(x, labels, k):
    total = ((x - x.mean(0)) ** 2).sum(0)
    within = sum(((x[labels == j] - x[labels == j].mean(0)) ** 2).sum(0) for j in range(k) if (labels == j).any())
    return total - within


def scaler_fixture():
    # The sparse jump model's preprocessing as its reference code (jumpmodels) states it:
    # DataClipperStd(mul=3) — clip at mean ± 3·std (ddof 0) of the training rows — then
    # StandardScaler fitted on the clipped training rows; applied to every row. Heavy tails
    # (Student t, 3 dof) so the clip binds. Then the jump model's coordinate descent on the result.
    rng = np.random.default_rng(23)
    T, F, fit = 240, 3, 180
    x = rng.standard_t(3, size=(T, F)) * np.array([1.0, 5.0, 0.2]) + np.array([0.0, 2.0, -1.0])
    x[:, 1] += np.where(np.arange(T) % 80 < 40, 0.0, 6.0)
    mu, sd = x[:fit].mean(0), x[:fit].std(0)
    lo, hi = mu - 3 * sd, mu + 3 * sd
    clipped = np.clip(x, lo, hi)
    m, s = clipped[:fit].mean(0), clipped[:fit].std(0)
    z = (clipped - m) / s
    init_rows = [0, 50]
    labels, cent, obj, _ = jump_fit(z[:fit], z[init_rows].copy(), 10.0)
    return {'T': T, 'F': F, 'fit': fit, 'clip': 3.0, 'x': x.ravel().tolist(), 'lo': lo.tolist(), 'hi': hi.tolist(),
            'clipped_share': float((clipped != x).mean()), 'z': z.ravel().tolist(),
            'jump': {'lambda': 10.0, 'init_rows': init_rows, 'labels': labels.tolist(), 'centroids': cent.ravel().tolist(), 'objective': obj}}


def grouping_fixture():
    x, labels = switching_data(11, 240, 3)
    init_rows = [0, 150]
    c0 = x[init_rows].copy()
    cent, lab = kmeans2(x, c0.copy(), iter=100, minit='matrix', missing='warn')
    inertia = float(((x - cent[lab]) ** 2).sum())
    jumps = []
    for lam in [0.0, 5.0, 15.0]:
        s, c, obj, it = jump_fit(x, c0, lam)
        jumps.append({'lambda': lam, 'labels': s.tolist(), 'centroids': c.ravel().tolist(), 'objective': obj,
                      'online': jump_online(x, c, lam)})
    pi0 = np.array([0.5, 0.5])
    A0 = np.array([[0.95, 0.05], [0.05, 0.95]])
    v0 = np.ones((2, 3))
    pi, A, means, vars_, lls, filt = hmm_em(x, pi0, A0, c0.copy(), v0, 30, 1e-3)
    a = np.array([5.0, 0.2, 3.0, 0.0, 1.1, 2.4])
    sparse = {
        'bcss_labels': jumps[1]['labels'],
        'bcss': bcss(x, np.array(jumps[1]['labels']), 2).tolist(),
        'weights': [{'a': a.tolist(), 'kappa': kappa, 'w': sparse_weights(a, kappa).tolist()} for kappa in [1.0, 1.3, 1.8, 2.2, np.sqrt(6)]],
    }
    return {
        'provenance': PROVENANCE,
        'sparse': sparse,
        'scaler': scaler_fixture(),
        'data': {'T': 240, 'F': 3, 'x': x.ravel().tolist(), 'labels': labels.tolist(), 'init_rows': init_rows},
        'kmeans': {'labels': lab.tolist(), 'centroids': cent.ravel().tolist(), 'inertia': inertia},
        'jump': jumps,
        'hmm': {
            'init': {'pi': pi0.tolist(), 'A': A0.ravel().tolist(), 'means': c0.ravel().tolist(), 'vars': v0.ravel().tolist()},
            'iterations': 30, 'min_var': 1e-3,
            'pi': pi.tolist(), 'A': A.ravel().tolist(), 'means': means.ravel().tolist(), 'vars': vars_.ravel().tolist(),
            'loglik_path': lls, 'filtered': filt.ravel().tolist(),
        },
    }


def kalman_fixture():
    rng = np.random.default_rng(5)
    phi = np.array([[0.95, 0.08], [-0.05, 0.9]])
    mu = np.array([0.3, -0.2])
    Q = np.array([[0.04, 0.01], [0.01, 0.09]])
    H = np.array([[1.0, 0.0], [0.2, 1.0]])
    R = np.array([[0.25, 0.05], [0.05, 0.16]])
    T = 60
    z = rng.standard_normal((T, 2))
    z[[7, 33]] = np.nan
    m = np.array([0.0, 0.0])
    P = np.eye(2)
    means, covs, fc, fcov, surprise = [], [], [], [], []
    for t in range(T):
        m = mu + phi @ (m - mu)
        P = phi @ P @ phi.T + Q
        if np.isnan(z[t]).any():
            surprise.append(None)
        else:
            S = H @ P @ H.T + R
            K = np.linalg.solve(S.T, (P @ H.T).T).T
            y = z[t] - H @ m
            surprise.append(float(y @ np.linalg.solve(S, y)))
            m = m + K @ y
            P = (np.eye(2) - K @ H) @ P
        means.append(m.tolist())
        covs.append(P.ravel().tolist())
        fm = mu + phi @ (m - mu)
        fP = phi @ P @ phi.T + Q
        fc.append(fm.tolist())
        fcov.append(fP.ravel().tolist())
    w, v = np.linalg.eigh(fP)
    c = chi2.ppf(0.95, 2)
    major = v[:, 1]
    angle = float(np.arctan2(major[1], major[0]))
    if angle > np.pi / 2:
        angle -= np.pi
    elif angle <= -np.pi / 2:
        angle += np.pi
    return {
        'params': {'phi': phi.ravel().tolist(), 'mu': mu.tolist(), 'Q': Q.ravel().tolist(), 'H': H.ravel().tolist(), 'R': R.ravel().tolist()},
        'init': {'m': [0.0, 0.0], 'P': [1.0, 0.0, 0.0, 1.0]},
        'z': [None if np.isnan(a) else float(a) for a in z.ravel()],
        'means': sum(means, []), 'covs': sum(covs, []), 'forecasts': sum(fc, []), 'forecastCovs': sum(fcov, []),
        'surprise': surprise,
        'ellipse': {'semiMajor': float(np.sqrt(c * w[1])), 'semiMinor': float(np.sqrt(c * w[0])), 'angle': angle, 'chi2_95_2dof': float(c)},
    }


def flow_fixture():
    # A 5-node graph: conductance G = |corr| · sqrt(h_i h_j) · min(l_i, l_j); grounding g = γ·l.
    corr = np.array([
        [1.0, 0.8, -0.5, 0.1, 0.0],
        [0.8, 1.0, 0.3, -0.2, 0.4],
        [-0.5, 0.3, 1.0, 0.6, 0.2],
        [0.1, -0.2, 0.6, 1.0, 0.7],
        [0.0, 0.4, 0.2, 0.7, 1.0],
    ])
    h = np.array([0.9, 0.5, 0.8, 0.3, 0.6])
    liq = np.array([1.0, 2.0, 0.5, 1.5, 0.8])
    gamma = 0.3
    N = 5
    G = np.abs(corr) * np.sqrt(np.outer(h, h)) * np.minimum.outer(liq, liq)
    np.fill_diagonal(G, 0)
    g = gamma * liq
    L = np.diag(G.sum(1)) - G
    flows = []
    for s in range(N):
        gs = g.copy()
        gs[s] = 0
        e = np.zeros(N)
        e[s] = 1
        v = np.linalg.solve(L + np.diag(gs), e)
        absorbed = gs * v
        flows.append({'source': s, 'potential': v.tolist(), 'absorbed': absorbed.tolist(), 'edge_out': (G[s] * (v[s] - v)).tolist()})
    return {'corr': corr.ravel().tolist(), 'hardness': h.tolist(), 'liquidity': liq.tolist(), 'gamma': gamma,
            'conductance': G.ravel().tolist(), 'flows': flows}


def main():
    g = grouping_fixture()
    with open(os.path.join(ROOT, 'grouping', '__fixtures__', 'reference.json'), 'w') as f:
        json.dump(g, f, separators=(',', ':'))
        f.write('\n')
    s = {'provenance': PROVENANCE, 'kalman': kalman_fixture(), 'flow': flow_fixture()}
    with open(os.path.join(ROOT, 'state', '__fixtures__', 'reference.json'), 'w') as f:
        json.dump(s, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
