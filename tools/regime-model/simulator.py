"""Heston regime-switching simulator, [REC] "improved" variant of spec regime-ssm.md §1.6.

Differences from the book's code (§1.2-1.4), all deliberate:
  * ONE fixed dt per bar for every segment (dt = 1/252), instead of T = 1 per phase.
  * Full truncation: v+ = max(v, 0) is used in drift AND diffusion, and the stored variance is v+.
  * Log-Euler price step: ln S += (mu - v+/2) dt + sqrt(v+ dt) Z_S  (prices stay > 0).
  * Multi-segment regime switching in BOTH directions (bull -> crash -> bull ...): a two-state
    semi-Markov chain whose dwell times are i.i.d. uniform integers in [SEG_MIN, SEG_MAX] bars;
    the first regime is drawn with P(crash) = 0.5.
  * S and v are continuous across segment boundaries (no duplicated switch bar).
  * rho = -0.7 in both regimes (leverage effect).

Label convention: label[t] is the regime whose parameters generated the step (t-1 -> t), i.e. the
regime of return r_t = ln(P_t / P_{t-1}). label[0] = regime of the first segment.
0 = stable (bull), 1 = stress (crash).

Randomness: numpy.random.default_rng(seed) (PCG64). One generator per series, seed listed in the
model card. Draw order per series: initial regime (1 uniform), then dwell times (one integer per
segment, drawn until the series is covered), then Z of shape [n, 2] (standard normals).
"""
from __future__ import annotations

import numpy as np

DT = 1.0 / 252.0
SEG_MIN = 250
SEG_MAX = 1500
RHO = -0.7
S0 = 100.0

# Parameter sets from the book's CODE table (§1.3), kappa = 2 default for both.
REGIMES = {
    0: dict(name="stable", mu=0.10, theta=0.02, kappa=2.0, xi=0.1),
    1: dict(name="stress", mu=-0.30, theta=0.16, kappa=2.0, xi=0.8),
}


def simulate(n_bars: int, seed: int):
    """Return dict(price[n], variance[n], label[n] int8, switch_points list[int], first_regime int)."""
    rng = np.random.default_rng(seed)
    regime = int(rng.random() < 0.5)
    first_regime = regime
    # regime path
    labels = np.empty(n_bars, dtype=np.int8)
    switch_points = []
    t = 0
    r = regime
    while t < n_bars:
        dwell = int(rng.integers(SEG_MIN, SEG_MAX + 1))
        end = min(n_bars, t + dwell)
        labels[t:end] = r
        t = end
        if t < n_bars:
            switch_points.append(t)
            r = 1 - r
    z = rng.standard_normal((n_bars, 2))
    zs = z[:, 0]
    zv = RHO * z[:, 0] + np.sqrt(1.0 - RHO * RHO) * z[:, 1]

    price = np.empty(n_bars)
    var = np.empty(n_bars)
    price[0] = S0
    var[0] = REGIMES[first_regime]["theta"]  # v0 = theta of the first regime
    log_s = np.log(S0)
    v = var[0]
    sq_dt = np.sqrt(DT)
    for i in range(1, n_bars):
        p = REGIMES[int(labels[i])]
        vp = max(v, 0.0)
        sv = np.sqrt(vp)
        log_s = log_s + (p["mu"] - 0.5 * vp) * DT + sv * sq_dt * zs[i]
        v = vp + p["kappa"] * (p["theta"] - vp) * DT + p["xi"] * sv * sq_dt * zv[i]
        v = max(v, 0.0)
        price[i] = np.exp(log_s)
        var[i] = v
    return dict(price=price, variance=var, label=labels, switch_points=switch_points,
                first_regime=first_regime)


def spec_dict():
    return dict(
        variant="improved ([REC] spec regime-ssm.md §1.6)",
        dt=DT, dt_note="one fixed dt per bar for all segments (1/252)",
        scheme="Euler full truncation for variance (v+ in drift and diffusion, stored v = max(v,0)); log-Euler for price",
        switching=f"two-state semi-Markov chain, alternating stable<->stress, dwell ~ U{{{SEG_MIN}..{SEG_MAX}}} bars, first regime P(stress)=0.5",
        continuity="S and v continuous across switches; v0 = theta of the first regime; S0 = 100",
        rho=RHO, s0=S0,
        regimes={REGIMES[k]["name"]: {kk: vv for kk, vv in REGIMES[k].items() if kk != "name"} for k in REGIMES},
        label_convention="label[t] = regime generating r_t = ln(P_t/P_{t-1}); 0 = stable, 1 = stress",
        rng="numpy.random.default_rng(seed) (PCG64), one generator per series; draws: initial regime, dwell times, Z[n,2]",
    )
