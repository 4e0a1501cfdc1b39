#!/usr/bin/env python3
"""Independent reference values for src/main/risk/overfitting.ts and walk-forward.ts, with NumPy/SciPy.

Writes src/main/risk/__fixtures__/pbo-reference.json: a candidate return matrix and what the
methods give on it. Written from the papers, not from the TypeScript:
  CSCV / PBO   Bailey, Borwein, Lopez de Prado, Zhu, "The probability of backtest overfitting",
               J. Computational Finance 20(4) 2017, sections 2-3: S blocks of floor(T/S) rows (the
               first T mod S rows dropped), every S/2-subset (itertools.combinations order) as J,
               n* = argmax of in-sample Sharpe (numpy.argmax: first on ties), w = rank of the
               out-of-sample Sharpe of n* (scipy.stats.rankdata 'average') / (N + 1),
               lambda = log(w / (1 - w)), PBO = share of lambda <= 0; degradation =
               numpy.polyfit(in-sample, out-of-sample, 1); probability of loss = share of OOS < 0.
  CPCV         Lopez de Prado, "Advances in Financial Machine Learning" (2018) 12.4: numpy.array_split
               into G groups, every k-subset tested, training rows within `purge` before and
               `embargo` after a test group removed; path j uses the j-th split testing each group.
  walk-forward rolling: train [s, s+N), test [s+N, s+N+M), s += K; anchored: train [0, s+N).
  Sharpe       mean / std(ddof=1), 0 when std is 0.
Run: /usr/bin/python3 tools/risk/pbo_reference.py
"""
import itertools
import json
import pathlib
import platform
import sys

import numpy as np
import scipy
from scipy import stats

SEED = 20261206
OUT = pathlib.Path(__file__).resolve().parents[2] / 'src/main/risk/__fixtures__/pbo-reference.json'


def sharpe(x):
    if len(x) < 2:
        return 0.0
    sd = np.std(x, ddof=1)
    return float(np.mean(x) / sd) if sd > 0 else 0.0


def cscv(m, S):
    T, N = m.shape
    L = T // S
    rows = m[T - L * S:]
    blocks = [rows[b * L:(b + 1) * L] for b in range(S)]
    out = []
    for J in itertools.combinations(range(S), S // 2):
        Jbar = [b for b in range(S) if b not in J]
        ins = np.vstack([blocks[b] for b in J])
        oos = np.vstack([blocks[b] for b in Jbar])
        r = np.array([sharpe(ins[:, n]) for n in range(N)])
        rbar = np.array([sharpe(oos[:, n]) for n in range(N)])
        n_star = int(np.argmax(r))
        w = stats.rankdata(rbar, method='average')[n_star] / (N + 1)
        out.append({'train': list(J), 'chosen': n_star, 'inSample': r[n_star], 'outOfSample': rbar[n_star], 'relativeRank': w, 'logit': float(np.log(w / (1 - w)))})
    lam = np.array([s['logit'] for s in out])
    x = np.array([s['inSample'] for s in out])
    y = np.array([s['outOfSample'] for s in out])
    slope, intercept = np.polyfit(x, y, 1)
    return {'splits': out, 'pbo': float(np.mean(lam <= 0)), 'slope': float(slope), 'intercept': float(intercept), 'probabilityOfLoss': float(np.mean(y < 0))}


def cpcv(m, G, k, purge, embargo):
    T, N = m.shape
    idx = np.array_split(np.arange(T), G)
    splits = []
    for test in itertools.combinations(range(G), k):
        keep = np.ones(T, dtype=bool)
        for g in test:
            keep[max(0, idx[g][0] - purge):min(T, idx[g][-1] + 1 + embargo)] = False
        r = np.array([sharpe(m[keep, n]) for n in range(N)])
        n_star = int(np.argmax(r))
        ts = np.concatenate([idx[g] for g in test])
        splits.append({'test': list(test), 'chosen': n_star, 'inSample': r[n_star], 'outOfSample': sharpe(m[ts, n_star]), 'trainSteps': int(keep.sum())})
    paths = []
    for j in range(scipy.special.comb(G - 1, k - 1, exact=True)):
        chosen = [[s for s in splits if g in s['test']][j]['chosen'] for g in range(G)]
        path = np.concatenate([m[idx[g], chosen[g]] for g in range(G)])
        paths.append({'chosen': chosen, 'sharpe': sharpe(path)})
    return {'splits': splits, 'paths': paths}


def walk_forward(m, train, test, step, anchored):
    T, N = m.shape
    folds = []
    s = 0
    while s + train + test <= T:
        a = 0 if anchored else s
        r = np.array([sharpe(m[a:s + train, n]) for n in range(N)])
        n_star = int(np.argmax(r))
        folds.append({'trainFrom': a, 'trainTo': s + train, 'testFrom': s + train, 'testTo': s + train + test, 'chosen': n_star, 'inSample': r[n_star], 'outOfSample': sharpe(m[s + train:s + train + test, n_star])})
        s += step
    return folds


def main():
    rng = np.random.default_rng(SEED)
    T, N = 250, 6
    # Candidates with small true edges and a shared factor: some skill, much noise.
    edge = np.linspace(-0.0004, 0.0006, N)
    common = rng.normal(0, 0.006, T)
    m = edge + 0.5 * common[:, None] + rng.normal(0, 0.01, (T, N))
    ref = {
        'provenance': {
            'script': 'tools/risk/pbo_reference.py',
            'seed': SEED,
            'python': sys.version.split()[0],
            'numpy': np.__version__,
            'scipy': scipy.__version__,
            'platform': platform.platform(),
        },
        'matrix': m.T.tolist(),
        'cscv': {'blocks': 8, **cscv(m, 8)},
        'cpcv': {'groups': 6, 'testGroups': 2, 'purge': 3, 'embargo': 2, **cpcv(m, 6, 2, 3, 2)},
        'walkForward': {
            'rolling': {'train': 60, 'test': 20, 'step': 20, 'folds': walk_forward(m, 60, 20, 20, False)},
            'anchored': {'train': 60, 'test': 30, 'step': 25, 'folds': walk_forward(m, 60, 30, 25, True)},
        },
    }
    OUT.write_text(json.dumps(ref, indent=1) + '\n')
    print(f'wrote {OUT}: PBO {ref["cscv"]["pbo"]:.4f} over {len(ref["cscv"]["splits"])} splits')


if __name__ == '__main__':
    main()
