#!/usr/bin/env python3
"""Independent reference values for the risk engine (src/main/risk), computed with NumPy/SciPy.

Writes src/main/risk/__fixtures__/reference.json. Every convention mirrors the engine's doc
comments and is written here from the textbook formula, not from the TypeScript:
  quantile    numpy.quantile (linear, type 7); ES = -mean(r[r <= q])
  parametric  mean, std(ddof=1); Cornish-Fisher with scipy.stats skew/kurtosis (biased), its ES
              by scipy.integrate.quad of the expanded quantile over the tail
  EWMA        lambda 0.94 started from the first window's mean square
  GARCH(1,1)  zero mean, backcast = window mean square, MLE by scipy.optimize (Nelder-Mead on the
              same reparametrisation, polished by L-BFGS-B on the raw parameters)
  weights     numpy.cov (ddof 1); ERC by scipy L-BFGS-B on its convex form; HRP with
              scipy.cluster.hierarchy.linkage(single) as Lopez de Prado (2016) section 3
  backtests   Kupiec / Christoffersen likelihood ratios with scipy.stats.chi2, Du-Escanciano with
              scipy.stats.norm, Basel zones with scipy.stats.binom
Run: /usr/bin/python3 tools/risk/reference.py
"""
import json
import pathlib
import platform
import sys

import numpy as np
import scipy
from scipy import integrate, optimize, special, stats

SEED = 20260105
OUT = pathlib.Path(__file__).resolve().parents[2] / 'src/main/risk/__fixtures__/reference.json'
CONF = 0.99
P = 1 - CONF
WINDOW = 250
N = 700


def returns_series():
    """A GARCH(1,1) path with Student-t(5) shocks: fat tails and volatility clusters."""
    rng = np.random.default_rng(SEED)
    omega, alpha, beta = 2e-6, 0.08, 0.9
    v = omega / (1 - alpha - beta)
    r = np.empty(N)
    shocks = rng.standard_t(5, N) / np.sqrt(5 / 3)
    for t in range(N):
        r[t] = np.sqrt(v) * shocks[t] + 0.0002
        v = omega + alpha * r[t] ** 2 + beta * v
    return r


def hist(window):
    q = np.quantile(window, P)
    return -q, -window[window <= q].mean()


def pit_empirical(sorted_w, x):
    """Inverse of numpy's linear quantile: the level p whose quantile is x."""
    n = len(sorted_w)
    if x <= sorted_w[0]:
        return 0.0
    if x >= sorted_w[-1]:
        return 1.0
    i = np.searchsorted(sorted_w, x, side='right') - 1
    a, b = sorted_w[i], sorted_w[i + 1]
    return (i + ((x - a) / (b - a) if b > a else 0.0)) / (n - 1)


def cf(z, s, k):
    return z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36


def cf_pit(window, x):
    """Phi(z) with cf(z) = (x - mean)/std: the Cornish-Fisher forecast's cdf at x (brentq on the expansion)."""
    m, sd = window.mean(), window.std(ddof=1)
    s, k = stats.skew(window), stats.kurtosis(window)
    y = (x - m) / sd
    if cf(-12, s, k) >= y:
        z = -12.0
    elif cf(12, s, k) <= y:
        z = 12.0
    else:
        z = optimize.brentq(lambda z: cf(z, s, k) - y, -12, 12, xtol=1e-15, rtol=1e-15)
    return special.ndtr(z)


def param(window, cornish):
    m, sd = window.mean(), window.std(ddof=1)
    s = stats.skew(window) if cornish else 0.0
    k = stats.kurtosis(window) if cornish else 0.0
    z = special.ndtri(P)
    var = -(m + sd * cf(z, s, k))
    tail = integrate.quad(lambda u: cf(special.ndtri(u), s, k), 0, P, epsabs=1e-13, epsrel=1e-12, limit=200)[0] / P
    return var, -(m + sd * tail)


def rolling(r, fn):
    n = len(r)
    var = np.full(n + 1, np.nan)
    es = np.full(n + 1, np.nan)
    for t in range(WINDOW, n + 1):
        var[t], es[t] = fn(t)
    return var, es


def ewma_fhs(r, lam=0.94):
    n = len(r)
    v = np.empty(n + 1)
    v[0] = np.mean(r[:WINDOW] ** 2)
    for t in range(n):
        v[t + 1] = lam * v[t] + (1 - lam) * r[t] ** 2
    z = r / np.sqrt(v[:n])
    pit = np.full(n + 1, np.nan)

    def at(t):
        w = z[t - WINDOW:t]
        q = np.quantile(w, P)
        if t < n:
            pit[t] = pit_empirical(np.sort(w), r[t] / np.sqrt(v[t]))
        return -np.sqrt(v[t]) * q, -np.sqrt(v[t]) * w[w <= q].mean()

    var, es = rolling(r, at)
    return var, es, pit


def garch_nll(raw, x):
    omega, alpha, beta = raw
    v = np.mean(x**2)
    nll = 0.0
    for xi in x:
        nll += np.log(v) + xi * xi / v
        v = omega + alpha * xi * xi + beta * v
    return 0.5 * nll


def theta_to_raw(th, scale):
    pers = special.expit(th[1])
    share = special.expit(th[2])
    return np.array([np.exp(th[0]) * scale, pers * share, pers * (1 - share)])


def fit_garch(x):
    scale = np.mean(x**2)
    th0 = np.array([np.log(0.05), special.logit(0.95), special.logit(0.05 / 0.95)])
    nm = optimize.minimize(lambda th: garch_nll(theta_to_raw(th, scale), x), th0, method='Nelder-Mead',
                           options={'xatol': 1e-10, 'fatol': 1e-12, 'maxiter': 20000, 'maxfev': 20000})
    raw = theta_to_raw(nm.x, scale)
    # Polish on the raw parameters with bounds and the stationarity margin, as a second optimiser.
    pol = optimize.minimize(lambda p: garch_nll(p, x), raw, method='L-BFGS-B',
                            bounds=[(1e-12, None), (0, 1), (0, 1)], options={'ftol': 1e-15, 'gtol': 1e-12})
    best = pol.x if pol.fun < nm.fun and pol.x[1] + pol.x[2] < 1 else raw
    return best, garch_nll(best, x)


def garch_fhs(r, refit):
    n = len(r)
    var = np.full(n + 1, np.nan)
    es = np.full(n + 1, np.nan)
    fits = []
    for t in range(WINDOW, n + 1):
        if (t - WINDOW) % refit == 0:
            params, nll = fit_garch(r[t - WINDOW:t])
            fits.append({'t': t, 'omega': params[0], 'alpha': params[1], 'beta': params[2], 'negLogLik': nll})
            v = np.mean(r[t - WINDOW:t] ** 2)
            z = {}
            for s in range(t - WINDOW, t):
                z[s] = r[s] / np.sqrt(v)
                v = params[0] + params[1] * r[s] ** 2 + params[2] * v
        else:
            x = r[t - 1]
            z[t - 1] = x / np.sqrt(v)
            v = params[0] + params[1] * x * x + params[2] * v
        w = np.array([z[s] for s in range(t - WINDOW, t)])
        q = np.quantile(w, P)
        var[t] = -np.sqrt(v) * q
        es[t] = -np.sqrt(v) * w[w <= q].mean()
    return var, es, fits


def kupiec(x, T, p):
    ph = x / T
    ll0 = special.xlogy(T - x, 1 - p) + special.xlogy(x, p)
    ll1 = special.xlogy(T - x, 1 - ph) + special.xlogy(x, ph)
    lr = -2 * (ll0 - ll1)
    return lr, stats.chi2.sf(lr, 1)


def christoffersen(hits, p):
    a, b = hits[:-1], hits[1:]
    n00 = int(np.sum((a == 0) & (b == 0)))
    n01 = int(np.sum((a == 0) & (b == 1)))
    n10 = int(np.sum((a == 1) & (b == 0)))
    n11 = int(np.sum((a == 1) & (b == 1)))
    pi01 = n01 / max(1, n00 + n01)
    pi11 = n11 / max(1, n10 + n11)
    pi = (n01 + n11) / (n00 + n01 + n10 + n11)
    ll0 = special.xlogy(n00 + n10, 1 - pi) + special.xlogy(n01 + n11, pi)
    ll1 = special.xlogy(n00, 1 - pi01) + special.xlogy(n01, pi01) + special.xlogy(n10, 1 - pi11) + special.xlogy(n11, pi11)
    lr_ind = -2 * (ll0 - ll1)
    lr_cc = kupiec(int(hits.sum()), len(hits), p)[0] + lr_ind
    return {'transitions': [n00, n01, n10, n11], 'independence': [lr_ind, stats.chi2.sf(lr_ind, 1)],
            'conditionalCoverage': [lr_cc, stats.chi2.sf(lr_cc, 2)]}


def du_escanciano(pit, p):
    h = np.where(pit <= p, (p - pit) / p, 0.0)
    T = len(pit)
    u = np.sqrt(T) * (h.mean() - p / 2) / np.sqrt(p * (1 / 3 - p / 4))
    return u, 2 * stats.norm.sf(abs(u))


def backtests(r, var, pit):
    n = len(r)
    hits = (r[WINDOW:n] < -var[WINDOW:n]).astype(int)
    x = int(hits.sum())
    out = {'breaches': x, 'kupiec': kupiec(x, len(hits), P), **christoffersen(hits, P)}
    if pit is not None:
        out['es'] = du_escanciano(pit[WINDOW:n], P)
    return out


def pods_returns():
    """Six pods in two correlated blocks with different volatilities, 400 steps."""
    rng = np.random.default_rng(SEED + 1)
    common = rng.standard_normal((400, 2))
    idio = rng.standard_normal((400, 6))
    vols = np.array([0.004, 0.006, 0.01, 0.012, 0.008, 0.015])
    block = [0, 0, 0, 1, 1, 1]
    load = [0.8, 0.6, 0.7, 0.5, 0.9, 0.4]
    x = np.column_stack([vols[i] * (load[i] * common[:, block[i]] + np.sqrt(1 - load[i] ** 2) * idio[:, i]) for i in range(6)])
    return x


def erc(cov):
    """Equal risk contribution: the convex 1/2 y'Sy - (1/n) sum log y (Maillard et al. 2010), normalised."""
    n = len(cov)
    f = lambda y: 0.5 * y @ cov @ y - np.sum(np.log(y)) / n
    g = lambda y: cov @ y - 1 / (n * y)
    res = optimize.minimize(f, np.full(n, 1.0 / n / np.sqrt(np.diag(cov)).mean()), jac=g, method='L-BFGS-B',
                            bounds=[(1e-12, None)] * n, options={'ftol': 1e-16, 'gtol': 1e-14, 'maxiter': 10000})
    # Polish: the minimiser is the root of the gradient; Newton (scipy hybr) pins it to ~1e-15.
    root = optimize.root(g, res.x, jac=lambda y: cov + np.diag(1 / (n * y**2)), tol=1e-15)
    return root.x / root.x.sum()


def hrp(cov):
    """Lopez de Prado (2016) section 3 with scipy's single linkage on the distance of distances."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import pdist
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    dist = np.sqrt(np.clip(0.5 * (1 - corr), 0, None))
    link = linkage(pdist(dist, 'euclidean'), 'single')
    n = len(cov)

    def leaves(i):
        i = int(i)
        return [i] if i < n else leaves(link[i - n, 0]) + leaves(link[i - n, 1])

    order = leaves(2 * n - 2)
    w = np.ones(n)
    clusters = [order]

    def cvar(items):
        c = cov[np.ix_(items, items)]
        ivp = 1 / np.diag(c)
        ivp /= ivp.sum()
        return ivp @ c @ ivp

    while clusters:
        nxt = []
        for c in clusters:
            if len(c) <= 1:
                continue
            h = len(c) // 2
            left, right = c[:h], c[h:]
            vl, vr = cvar(left), cvar(right)
            a = 1 - vl / (vl + vr)
            w[left] *= a
            w[right] *= 1 - a
            nxt += [left, right]
        clusters = nxt
    return w, order, link


def portfolio_reference():
    x = pods_returns()
    cov = np.cov(x, rowvar=False, ddof=1)
    iv = 1 / np.sqrt(np.diag(cov))
    iv /= iv.sum()
    rp = erc(cov)
    hw, order, link = hrp(cov)
    rc = lambda w: w * (cov @ w) / (w @ cov @ w)
    return {
        'returns': x.T.tolist(),
        'covariance': cov.ravel().tolist(),
        'inverseVol': iv.tolist(),
        'riskParity': rp.tolist(),
        'riskParityContributions': rc(rp).tolist(),
        'hrp': hw.tolist(),
        'hrpOrder': order,
        'hrpLinkage': link.tolist(),
    }


def sample(a):
    """Every 10th forecast day and the latest, as [t, value] pairs."""
    idx = list(range(WINDOW, len(a), 10)) + [len(a) - 1]
    return [[t, float(a[t])] for t in idx]


def main():
    r = returns_series()
    n = len(r)
    h_var, h_es = rolling(r, lambda t: hist(r[t - WINDOW:t]))
    h_pit = np.full(n + 1, np.nan)
    for t in range(WINDOW, n):
        h_pit[t] = pit_empirical(np.sort(r[t - WINDOW:t]), r[t])
    p_var, p_es = rolling(r, lambda t: param(r[t - WINDOW:t], False))
    p_pit = np.full(n + 1, np.nan)
    for t in range(WINDOW, n):
        w = r[t - WINDOW:t]
        p_pit[t] = stats.norm.cdf((r[t] - w.mean()) / w.std(ddof=1))
    c_var, c_es = rolling(r, lambda t: param(r[t - WINDOW:t], True))
    c_pit = np.full(n + 1, np.nan)
    for t in range(WINDOW, n):
        c_pit[t] = cf_pit(r[t - WINDOW:t], r[t])
    e_var, e_es, e_pit = ewma_fhs(r)
    g_var, g_es, g_fits = garch_fhs(r, 50)
    single, single_nll = fit_garch(r[:500])

    mc_seed, mc_n = 7, 20000
    eps = np.random.default_rng(mc_seed).standard_normal(mc_n)
    q = np.quantile(eps, P)

    normal_x = [-38.0, -20.0, -8.5, -5.0, -1.5, -0.3, 0.0, 0.7, 2.33, 6.0, 9.0]
    levels = [1e-300, 1e-20, 1e-10, 1e-4, 0.01, 0.025, 0.3, 0.5, 0.75, 0.975, 0.99, 1 - 1e-10]
    chi = [[x, df] for x in [0.001, 0.5, 3.841458820694124, 6.634896601021214, 12.0, 40.0] for df in [1, 2, 3, 7]]

    reference = {
        'provenance': {
            'script': 'tools/risk/reference.py',
            'python': platform.python_version(),
            'numpy': np.__version__,
            'scipy': scipy.__version__,
            'seed': SEED,
            'returns': 'GARCH(1,1) omega 2e-6, alpha 0.08, beta 0.9, Student-t(5) shocks scaled to unit variance, drift 2e-4; numpy default_rng(seed).standard_t',
        },
        'confidence': CONF,
        'window': WINDOW,
        'returns': r.tolist(),
        'special': {
            'normCdf': [[x, float(special.ndtr(x))] for x in normal_x],
            'normQuantile': [[p, float(special.ndtri(p))] for p in levels],
            'chiSquareSf': [[x, df, float(stats.chi2.sf(x, df))] for x, df in chi],
            'binomialCdf': [[k, 250, 0.01, float(stats.binom.cdf(k, 250, 0.01))] for k in range(0, 13)],
        },
        'historical': {'var': sample(h_var), 'es': sample(h_es), 'backtests': backtests(r, h_var, h_pit)},
        'parametric': {'var': sample(p_var), 'es': sample(p_es), 'backtests': backtests(r, p_var, p_pit)},
        'cornishFisher': {'var': sample(c_var), 'es': sample(c_es), 'backtests': backtests(r, c_var, c_pit)},
        'fhsEwma': {'var': sample(e_var), 'es': sample(e_es), 'backtests': backtests(r, e_var, e_pit)},
        'fhsGarch': {'refitEvery': 50, 'var': sample(g_var), 'es': sample(g_es), 'fits': g_fits},
        'garchFit': {'from': 0, 'to': 500, 'omega': single[0], 'alpha': single[1], 'beta': single[2], 'negLogLik': single_nll},
        'portfolio': portfolio_reference(),
        'monteCarlo': {'seed': mc_seed, 'scenarios': mc_n, 'first': eps[:5].tolist(), 'quantile': float(q), 'tailMean': float(eps[eps <= q].mean())},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(reference, indent=1) + '\n')
    print(f'wrote {OUT} ({OUT.stat().st_size} bytes)', file=sys.stderr)


if __name__ == '__main__':
    main()
