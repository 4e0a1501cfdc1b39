#!/usr/bin/env python3
"""NumPy references for the market-terrain lab's wiring: Surprise, Flow Capture, window figures.

    /usr/bin/python3 tools/market-terrain/wiring-reference.py

writes src/main/labs/market-terrain/__fixtures__/wiring.json.

Written from the definitions in evaluation.ts / state-path.ts comments (seed L1569-1571, spec §1.3,
§7.7), not from the TypeScript: the Kalman filter is the textbook predict/update with
np.linalg.solve and the (I-KH)P covariance; Mahalanobis distances use np.linalg.solve; the ellipse
uses np.linalg.eigh and scipy.stats.chi2.ppf(0.95, 2); Sharpe uses np.std(ddof=1); the top decile is
np.argsort on -flow (stable). Inputs are drawn here (numpy PCG64, seed 20261206) and stored with
the outputs. Doubles are JSON numbers from Python's repr (exact round trip).
"""

import json
import math
import os

import numpy as np
from scipy.stats import chi2

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'main', 'labs', 'market-terrain', '__fixtures__', 'wiring.json')
rng = np.random.default_rng(20261206)

# --- Flow Capture and window figures -------------------------------------------------------
n, bars, year = 7, 60, 252
log_returns = rng.normal(0, 0.01, size=(bars, n))
net = rng.normal(0, 1, size=(bars, n)).astype(np.float32)
net[::7] = -np.abs(net[::7])  # some bars with no positive flow: no path, not scored
equity = np.cumprod(1 + rng.normal(0.0003, 0.005, size=bars))
lo, hi = 5, 60
size = max(1, math.ceil(n / 10))
path, mine = [], []
for t in range(lo, hi - 1):
    pos = [i for i in np.argsort(-net[t].astype(np.float64), kind='stable') if net[t, i] > 0][:size]
    if not pos:
        continue
    path.append(np.mean(np.expm1(log_returns[t + 1, pos])))
    mine.append(equity[t + 1] / equity[t] - 1)
path_return = float(np.mean(path) * year)
strategy_return = float(np.mean(mine) * year)

w_from, w_to = 10, 50
seg = equity[w_from - 1:w_to]
r = seg[1:] / seg[:-1] - 1
dd = 1 - seg / np.maximum.accumulate(seg)
window = {'from': w_from, 'to': w_to, 'totalReturn': float(seg[-1] / seg[0] - 1), 'sharpe': float(r.mean() / r.std(ddof=1) * math.sqrt(year)), 'maxDrawdown': float(dd.max())}

# --- Kalman state path: Surprise (lag 0 and 1), forecast covariance, ellipse -----------------
T, phi, obs_noise, start = 40, 0.9, 0.3, 3
z = rng.normal(0, 1, size=(T, 2))
z[:start] = np.nan
Phi, Q, H, R = phi * np.eye(2), (1 - phi**2) * np.eye(2), np.eye(2), obs_noise * np.eye(2)
m, P = np.zeros(2), np.eye(2)
means, fc, fcov, innov = [], [], [], []
for t in range(T):
    m, P = Phi @ m, Phi @ P @ Phi.T + Q
    if np.all(np.isfinite(z[t])):
        S = H @ P @ H.T + R
        y = z[t] - H @ m
        innov.append(float(y @ np.linalg.solve(S, y)))
        K = P @ H.T @ np.linalg.inv(S)
        m = m + K @ y
        IKH = np.eye(2) - K @ H
        P = IKH @ P @ IKH.T + K @ R @ K.T
    else:
        innov.append(float('nan'))
    means.append(m.copy())
    f, F = Phi @ m, Phi @ P @ Phi.T + Q
    fc.append(f)
    fcov.append(F)
c95 = chi2.ppf(0.95, 2)
surprise0, surprise1, ellipses = [], [], []
for t in range(T):
    d = means[t] - fc[t]
    ok = t >= start
    surprise0.append(float(d @ np.linalg.solve(fcov[t], d)) if ok else None)
    surprise1.append(innov[t + 1] if ok and t + 1 < T else None)
    lam, vec = np.linalg.eigh(fcov[t])
    ellipses.append([float(fc[t][0]), float(fc[t][1]), float(math.sqrt(c95 * lam[1])), float(math.sqrt(c95 * lam[0]))])

json.dump({
    'provenance': 'tools/market-terrain/wiring-reference.py (NumPy ' + np.__version__ + ')',
    'flowCapture': {'n': n, 'bars': bars, 'year': year, 'from': lo, 'to': hi, 'logReturns': log_returns.ravel().tolist(), 'net': [float(x) for x in net.ravel()], 'equity': equity.tolist(),
                    'scored': len(path), 'pathReturn': path_return, 'strategyReturn': strategy_return, 'flowCapture': strategy_return - path_return},
    'window': window,
    'kalman': {'phi': phi, 'obsNoise': obs_noise, 'observations': [None if not np.isfinite(x) else float(x) for x in z.ravel()], 'surpriseLag0': surprise0, 'surpriseLag1': surprise1, 'ellipse': ellipses},
}, open(OUT, 'w'))
print('wrote', OUT)
