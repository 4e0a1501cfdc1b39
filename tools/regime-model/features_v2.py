"""Feature contract of the regime model v2 (F = 7 channels, in this order): scale-free.

Every channel is a ratio of the series to itself, so one model reads daily Heston closes, an order
book's mid at its own bar frequency and a user's CSV alike. This is the CONTRACT the app's
TypeScript feature code (src/main/regime/ssm-features-v2.ts) reproduces (float64 maths, cast to
float32 after normalisation; window sums may differ in the last bits from NumPy's pairwise sums). Index t is a bar; P_t its close (P_t > 0).

  r_t      = ln(P_t / P_{t-1})                                    (t >= 1; r_0 = 0)
  m_w(t)   = sqrt(mean(r_{t-w+1}^2 .. r_t^2))                     root mean square of the last w returns
                                                                  incl. r_t, w in {5, 20, 60} (t >= w)
  floor_t  = max(FLOOR_EPS, min{ m_60(s) : max(60, t-FLOOR_WINDOW) <= s <= t-1 })
             the calmest 60-bar volatility seen in the last FLOOR_WINDOW bars, EXCLUDING bar t:
             the series' own calm level, the unit every channel is measured in

  0 shock    clip(r_t / floor_t, -CLIP_Z, CLIP_Z)
  1 vol5     clip(ln(max(m_5(t), TINY) / floor_t), -CLIP_LOG, CLIP_LOG)
  2 vol20    clip(ln(max(m_20(t), TINY) / floor_t), -CLIP_LOG, CLIP_LOG)
  3 vol60    clip(ln(max(m_60(t), TINY) / floor_t), -CLIP_LOG, CLIP_LOG)
  4 trend20  clip((r_{t-19} + .. + r_t) / (floor_t * sqrt(20)), -CLIP_Z, CLIP_Z)
  5 volvol   population std of ln(max(m_20(s), TINY)) over s = t-79 .. t: the roughness of volatility,
             which needs no calm level at all (a stressed market's volatility moves more, relative to
             itself) and so still tells the regimes apart on a series that starts in stress
  6 hurst    R/S Hurst exponent of the 100 returns before t (exactly v1's channel, features.py)

First feature row: t = WARMUP = 101 (as v1). Sums over a window are taken in index order.
Normalisation as v1: training-split mean/std per channel from the card, no further clipping.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import features as v1

CHANNELS = ["shock", "vol5", "vol20", "vol60", "trend20", "volvol", "hurst"]
F = len(CHANNELS)
WARMUP = v1.WARMUP
FLOOR_WINDOW = 1000
FLOOR_EPS = 1e-12
TINY = 1e-300
CLIP_Z = 20.0
CLIP_LOG = 10.0
VOL_WINDOWS = (5, 20, 60)
VOLVOL_WINDOW = 80


def rms_windows(r: np.ndarray, w: int) -> np.ndarray:
    """m_w(t) for every t (NaN for t < w), window sums in index order."""
    n = r.shape[0]
    out = np.full(n, np.nan)
    if n > w:
        out[w:] = np.sqrt(sliding_window_view(r * r, w)[1:].sum(axis=1) / w)
    return out


def calm_floor(m60: np.ndarray) -> np.ndarray:
    """floor_t for every t (NaN for t <= 60): min of m_60 over [max(60, t-1000), t-1], at least FLOOR_EPS."""
    n = m60.shape[0]
    out = np.full(n, np.nan)
    for t in range(61, n):
        lo = max(60, t - FLOOR_WINDOW)
        out[t] = max(FLOOR_EPS, float(np.min(m60[lo:t])))
    return out


def compute_features(price: np.ndarray) -> np.ndarray:
    """price: [n] closes -> raw features [n - WARMUP, F] for t = WARMUP..n-1 (float64)."""
    n = np.shape(price)[0]
    if n <= WARMUP:
        return np.zeros((0, F))
    r = v1.log_returns(price)
    m = {w: rms_windows(r, w) for w in VOL_WINDOWS}
    floor = calm_floor(m[60])
    t = np.arange(WARMUP, n)
    fl = floor[t]
    shock = np.clip(r[t] / fl, -CLIP_Z, CLIP_Z)
    vols = [np.clip(np.log(np.maximum(m[w][t], TINY) / fl), -CLIP_LOG, CLIP_LOG) for w in VOL_WINDOWS]
    trend = sliding_window_view(r, 20)[t - 19].sum(axis=1)
    trend = np.clip(trend / (fl * np.sqrt(20.0)), -CLIP_Z, CLIP_Z)
    l20 = np.log(np.maximum(m[20], TINY))
    volvol = sliding_window_view(l20, VOLVOL_WINDOW)[t - VOLVOL_WINDOW + 1].std(axis=1)
    hurst = v1.hurst_channel(r, t)  # v1's channel alone, not all five
    return np.stack([shock, *vols, trend, volvol, hurst], axis=1)


normalise = v1.normalise


def spec_dict(mean=None, std=None):
    d = dict(
        channels=CHANNELS,
        definitions={
            "r_t": "ln(P_t / P_{t-1})",
            "m_w": "sqrt(mean of r^2 over r_{t-w+1}..r_t), w in 5, 20, 60",
            "floor": f"max({FLOOR_EPS}, min of m_60(s) for max(60, t-{FLOOR_WINDOW}) <= s <= t-1)",
            "shock": f"clip(r_t / floor_t, ±{CLIP_Z})",
            "vol5": f"clip(ln(max(m_5, {TINY}) / floor_t), ±{CLIP_LOG})",
            "vol20": f"clip(ln(max(m_20, {TINY}) / floor_t), ±{CLIP_LOG})",
            "vol60": f"clip(ln(max(m_60, {TINY}) / floor_t), ±{CLIP_LOG})",
            "trend20": f"clip(sum(r_{{t-19}}..r_t) / (floor_t sqrt 20), ±{CLIP_Z})",
            "volvol": f"population std of ln(max(m_20(s), {TINY})) for s = t-{VOLVOL_WINDOW - 1}..t",
            "hurst": "as v1: R/S Hurst of (r_{t-100}..r_{t-1}), sizes [10,20,25,50,100]",
        },
        floor_window=FLOOR_WINDOW, vol_windows=list(VOL_WINDOWS), clip_z=CLIP_Z, clip_log=CLIP_LOG,
        warmup_closes=WARMUP,
        warmup_note="first feature row is bar t=101; needs closes P_0..P_101 (102 closes)",
        normalisation_formula="x[c] = (f[c] - mean[c]) / std[c]; no clipping; cast to float32",
        scale_free="every channel is unchanged when all closes are multiplied by a constant or returns by a factor",
    )
    if mean is not None:
        d["normalisation"] = dict(source="training split, all feature rows, population mean/std",
                                  mean=[float(v) for v in mean], std=[float(v) for v in std])
    return d
