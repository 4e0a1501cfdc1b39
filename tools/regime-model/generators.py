"""The training mixture of regime model v2: price processes with a calm and a stress regime.

Each generator returns dict(price[n], label[n] int8 (0 calm, 1 stress), logvar[n] or None) with
the v1 simulator's label convention (label[t] is the regime of r_t). All draw from
numpy.random.default_rng(seed) only; the seeds are listed in the model card.

  heston      the v1 simulator (simulator.py): bull/crash Heston, dwell U{250..1500}
  gjr_garch   GJR-GARCH(1,1) whose parameters switch with a semi-Markov regime (dwell U{150..900})
  garch       plain GARCH(1,1), same switching (gamma = 0)
  merton      Merton jump-diffusion; stress raises diffusion volatility and jump intensity
  ms_gbm      Markov-switching GBM with geometric dwell times (Hamilton's model)

Per-bar scales differ between series (daily to intraday-like) on purpose: the v2 features are
scale-free, and the mixture checks that the model never needs the scale.
"""
from __future__ import annotations

import numpy as np

import simulator as heston_sim


def semi_markov_labels(rng, n, lo, hi, p_stress_first=0.5):
    labels = np.empty(n, dtype=np.int8)
    r = int(rng.random() < p_stress_first)
    t = 0
    while t < n:
        end = min(n, t + int(rng.integers(lo, hi + 1)))
        labels[t:end] = r
        t = end
        r = 1 - r
    return labels


def geometric_labels(rng, n, stay_calm, stay_stress):
    labels = np.empty(n, dtype=np.int8)
    r = int(rng.random() < 0.5)
    u = rng.random(n)
    for t in range(n):
        labels[t] = r
        if u[t] > (stay_stress if r else stay_calm):
            r = 1 - r
    return labels


def bar_scale(rng):
    """Per-bar volatility multiplier: 1 (daily) down to 1/20 (about 20-minute bars)."""
    return float(np.exp(-rng.random() * np.log(20.0)))


def garch_like(rng, n, gamma_stress):
    labels = semi_markov_labels(rng, n, 150, 900)
    scale = bar_scale(rng)
    # Daily variance targets 0.12^2/252 (calm) and 0.40^2/252 (stress); persistence alpha + gamma/2 + beta.
    calm = dict(alpha=0.04, gamma=0.0, beta=0.94, var=(0.12 ** 2) / 252)
    stress = dict(alpha=0.10, gamma=gamma_stress, beta=0.85 - gamma_stress / 2, var=(0.40 ** 2) / 252)
    mu = (0.08 / 252, -0.25 / 252)
    z = rng.standard_normal(n)
    price = np.empty(n)
    lv = np.empty(n)
    price[0] = 100.0
    h = calm["var"] if labels[0] == 0 else stress["var"]
    lv[0] = np.log(h)
    eps_prev = 0.0
    log_p = np.log(100.0)
    for t in range(1, n):
        p = stress if labels[t] else calm
        omega = p["var"] * (1 - p["alpha"] - p["gamma"] / 2 - p["beta"])
        h = omega + (p["alpha"] + (p["gamma"] if eps_prev < 0 else 0.0)) * eps_prev ** 2 + p["beta"] * h
        eps = np.sqrt(h) * z[t]
        log_p += (mu[labels[t]] - 0.5 * h) + eps
        price[t] = np.exp(log_p)
        lv[t] = np.log(h)
        eps_prev = eps
    # Scale the whole path's returns: a different bar frequency, same regimes.
    r = np.diff(np.log(price)) * scale
    price = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(r)]))
    return dict(price=price, label=labels, logvar=lv + 2 * np.log(scale))


def merton(rng, n):
    labels = semi_markov_labels(rng, n, 150, 900)
    scale = bar_scale(rng)
    dt = 1 / 252
    sigma = (0.13, 0.32)
    lam = (2.0, 25.0)  # jumps per year
    jump_mu, jump_sd = (-0.01, -0.03), (0.02, 0.04)
    mu = (0.08, -0.20)
    z = rng.standard_normal(n)
    u = rng.random(n)
    zj = rng.standard_normal(n)
    r = np.zeros(n)
    lv = np.empty(n)
    for t in range(n):
        k = labels[t]
        jump = jump_mu[k] + jump_sd[k] * zj[t] if u[t] < lam[k] * dt else 0.0
        r[t] = (mu[k] - 0.5 * sigma[k] ** 2) * dt + sigma[k] * np.sqrt(dt) * z[t] + jump
        lv[t] = np.log(sigma[k] ** 2 * dt + lam[k] * dt * (jump_mu[k] ** 2 + jump_sd[k] ** 2))
    r[0] = 0.0
    price = 100.0 * np.exp(np.cumsum(r * scale))
    return dict(price=price, label=labels, logvar=lv + 2 * np.log(scale))


def ms_gbm(rng, n):
    labels = geometric_labels(rng, n, stay_calm=1 - 1 / 500, stay_stress=1 - 1 / 200)
    scale = bar_scale(rng)
    dt = 1 / 252
    mu, sigma = (0.08, -0.25), (0.12, 0.30)
    z = rng.standard_normal(n)
    r = np.array([(mu[k] - 0.5 * sigma[k] ** 2) * dt + sigma[k] * np.sqrt(dt) * z[t] for t, k in enumerate(labels)])
    r[0] = 0.0
    price = 100.0 * np.exp(np.cumsum(r * scale))
    lv = np.log(np.asarray(sigma)[labels] ** 2 * dt) + 2 * np.log(scale)
    return dict(price=price, label=labels, logvar=lv)


def ms_fast(rng, n):
    """v3: Markov switching as fast as the labs' (lab series, validation seeds: stress episodes of 4–25 bars,
    calm spells of 20–770, stress/calm volatility 1.3–9×, fat-tailed stress). Per path: mean dwells, ratio, tails."""
    mean_calm = float(np.exp(rng.uniform(np.log(15.0), np.log(400.0))))
    mean_stress = float(np.exp(rng.uniform(np.log(3.0), np.log(60.0))))
    labels = geometric_labels(rng, n, stay_calm=1 - 1 / mean_calm, stay_stress=1 - 1 / mean_stress)
    ratio = float(np.exp(rng.uniform(np.log(1.3), np.log(10.0))))
    dof = float(rng.choice([3.0, 5.0, 30.0]))  # Student-t stress shocks: jumpy to near-Gaussian
    scale = bar_scale(rng) * 0.01
    z = rng.standard_normal(n)
    zt = rng.standard_t(dof, n) / np.sqrt(dof / (dof - 2))
    sigma = np.where(labels == 1, ratio, 1.0) * scale
    r = np.where(labels == 1, zt, z) * sigma - 0.5 * sigma ** 2
    r[0] = 0.0
    price = 100.0 * np.exp(np.cumsum(r))
    return dict(price=price, label=labels, logvar=np.log(sigma ** 2))


def heston(rng_seed, n):
    d = heston_sim.simulate(n, rng_seed)
    return dict(price=d["price"], label=d["label"], logvar=np.log(np.maximum(d["variance"] / 252, 1e-12)))


GENERATORS = ("heston", "gjr_garch", "garch", "merton", "ms_gbm")
V3_GENERATORS = GENERATORS + ("ms_fast",)  # v2's mixture stays as it was (its seed offsets follow this order)


def generate(kind: str, seed: int, n: int):
    if kind == "heston":
        return heston(seed, n)
    rng = np.random.default_rng(seed)
    if kind == "gjr_garch":
        return garch_like(rng, n, gamma_stress=0.10)
    if kind == "garch":
        return garch_like(rng, n, gamma_stress=0.0)
    if kind == "merton":
        return merton(rng, n)
    if kind == "ms_gbm":
        return ms_gbm(rng, n)
    if kind == "ms_fast":
        return ms_fast(rng, n)
    raise ValueError(f"unknown generator {kind}")


def spec_dict():
    return dict(
        generators=list(GENERATORS),
        heston=heston_sim.spec_dict(),
        gjr_garch="GJR-GARCH(1,1): calm alpha .04 beta .94 target vol 12%/yr; stress alpha .10 gamma .10 beta .80 (persistence .98 calm, .95 stress) "
                  "target 40%/yr; drift 8%/-25% per year; semi-Markov dwell U{150..900}",
        garch="as gjr_garch with gamma 0",
        merton="jump-diffusion: calm sigma 13% lambda 2/yr jumps N(-1%, 2%); stress sigma 32% lambda 25/yr "
               "jumps N(-3%, 4%); drift 8%/-20%; dwell U{150..900}",
        ms_gbm="Markov-switching GBM: calm mu 8% sigma 12% mean dwell 500; stress mu -25% sigma 30% mean dwell 200",
        bar_scale="every non-Heston path's returns multiplied by exp(-U(0, ln 20)): daily to ~20-minute bars",
        ms_fast="(v3 only) Markov switching, per path: mean dwell calm e^U(ln 15, ln 400), stress e^U(ln 3, ln 60) bars; "
                "stress volatility e^U(ln 1.3, ln 10) x calm; stress shocks Student-t (3, 5 or 30 dof, unit variance)",
        labels="label[t] = regime of r_t; 0 calm, 1 stress",
    )
