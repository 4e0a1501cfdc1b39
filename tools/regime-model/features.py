"""Feature contract of the regime model (F = 5 channels, in this order).

This is the CONTRACT the app's TypeScript feature code must reproduce bit-for-bit (float64 maths,
then cast to float32 after normalisation). Index t is a bar; P_t its close (P_t > 0).

  r_t  = ln(P_t / P_{t-1})                                   (log return, defined for t >= 1)

  0 velocity      v_t = r_t
  1 acceleration  a_t = r_t - r_{t-1}                        (t >= 2)
  2 energy        e_t = r_t ** 2
  3 hurst         H_t = rescaled-range (R/S) Hurst exponent of the 100 returns BEFORE t,
                        w = (r_{t-100}, ..., r_{t-1})        (excludes r_t; needs t >= 101)
                  for each sub-window size n in HURST_SIZES = [10, 20, 25, 50, 100]:
                      split w into 100/n non-overlapping chunks c (from the start; all sizes divide 100)
                      per chunk:  y = c - mean(c);  z = cumsum(y)  (z_1..z_n, no leading 0)
                                  R = max(z) - min(z)
                                  S = population std of c (ddof = 0)
                                  chunk skipped if R == 0 or S == 0
                      RS(n) = arithmetic mean of R/S over the non-skipped chunks
                              (size n skipped when all its chunks are skipped)
                  H_t = ordinary-least-squares slope of ln RS(n) on ln n over the non-skipped sizes
                        (slope = sum((x-xm)(y-ym)) / sum((x-xm)^2)); H_t = 0.5 if fewer than 2 sizes remain.
  4 vol           s_t = population std (ddof = 0) of the last 20 returns INCLUDING r_t:
                        (r_{t-19}, ..., r_t)                  (t >= 20)
                        kept in raw scale (NOT z-scored per window).

First bar with all five channels defined: t = WARMUP = 101 (i.e. 101 prior closes P_0..P_100 are needed,
so the first feature row uses closes P_0..P_101).

Normalisation (frozen from the TRAINING split only, stored in the model card as
normalisation.mean / normalisation.std, float64):  x_t[c] = (f_t[c] - mean[c]) / std[c],
with mean/std the population mean/std of each channel over every feature row (t >= WARMUP) of
every training series. No clipping. The normalised vector (float32) is the ONNX input `x`.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

CHANNELS = ["velocity", "acceleration", "energy", "hurst", "vol"]
F = len(CHANNELS)
HURST_WINDOW = 100
HURST_SIZES = [10, 20, 25, 50, 100]
VOL_WINDOW = 20
WARMUP = HURST_WINDOW + 1  # first t with every channel defined


def hurst_rs(windows: np.ndarray) -> np.ndarray:
    """windows: [M, 100] float64 return windows -> [M] Hurst exponents (vectorised R/S)."""
    m = windows.shape[0]
    log_n = np.log(np.asarray(HURST_SIZES, dtype=np.float64))
    log_rs = np.full((m, len(HURST_SIZES)), np.nan)
    for j, n in enumerate(HURST_SIZES):
        c = windows.reshape(m, HURST_WINDOW // n, n)
        y = c - c.mean(axis=2, keepdims=True)
        z = np.cumsum(y, axis=2)
        r = z.max(axis=2) - z.min(axis=2)
        s = c.std(axis=2)  # ddof = 0
        valid = (r != 0) & (s != 0)
        ratio = np.where(valid, r / np.where(s == 0, 1.0, s), 0.0)
        cnt = valid.sum(axis=1)
        mean_rs = np.where(cnt > 0, ratio.sum(axis=1) / np.maximum(cnt, 1), np.nan)
        log_rs[:, j] = np.where(cnt > 0, np.log(np.where(cnt > 0, mean_rs, 1.0)), np.nan)
    h = np.full(m, 0.5)
    ok = ~np.isnan(log_rs)
    k = ok.sum(axis=1)
    partial = np.nonzero((k >= 2) & (k < len(HURST_SIZES)))[0]
    for i in partial:
        x = log_n[ok[i]]
        yv = log_rs[i, ok[i]]
        xm, ym = x.mean(), yv.mean()
        h[i] = np.sum((x - xm) * (yv - ym)) / np.sum((x - xm) ** 2)
    full = k == len(HURST_SIZES)
    if full.any():
        x = log_n
        xm = x.mean()
        yv = log_rs[full]
        ym = yv.mean(axis=1, keepdims=True)
        h[full] = ((x - xm) * (yv - ym)).sum(axis=1) / np.sum((x - xm) ** 2)
    return h


def log_returns(price: np.ndarray) -> np.ndarray:
    """r_t = ln(P_t / P_{t-1}), with r_0 = 0 (float64)."""
    price = np.asarray(price, dtype=np.float64)
    r = np.zeros(price.shape[0])
    r[1:] = np.log(price[1:] / price[:-1])
    return r


def hurst_channel(r: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The Hurst exponent at each bar t, over r[t-100 .. t-1]."""
    hw = sliding_window_view(r, HURST_WINDOW)  # hw[k] = r[k .. k+99]
    return hurst_rs(hw[t - HURST_WINDOW])


def compute_features(price: np.ndarray) -> np.ndarray:
    """price: [n] closes -> raw features [n - WARMUP, F] for t = WARMUP..n-1 (float64)."""
    n = np.shape(price)[0]
    if n <= WARMUP:
        return np.zeros((0, F))
    r = log_returns(price)
    t = np.arange(WARMUP, n)
    vel = r[t]
    acc = r[t] - r[t - 1]
    en = r[t] ** 2
    hurst = hurst_channel(r, t)
    vw = sliding_window_view(r, VOL_WINDOW)  # vw[k] = r[k .. k+19]
    vol = vw[t - VOL_WINDOW + 1].std(axis=1)
    return np.stack([vel, acc, en, hurst, vol], axis=1)


def normalise(feat: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return ((feat - mean) / std).astype(np.float32)


def spec_dict(mean=None, std=None):
    d = dict(
        channels=CHANNELS,
        definitions={
            "r_t": "ln(P_t / P_{t-1})",
            "velocity": "r_t",
            "acceleration": "r_t - r_{t-1}",
            "energy": "r_t^2",
            "hurst": ("R/S Hurst of (r_{t-100}..r_{t-1}) (excludes r_t); sub-window sizes [10,20,25,50,100], "
                      "non-overlapping chunks from the window start; per chunk y=c-mean(c), z=cumsum(y), R=max(z)-min(z), "
                      "S=population std(c); chunks with R==0 or S==0 skipped; RS(n)=mean R/S over chunks; "
                      "H = OLS slope of ln RS(n) on ln n; 0.5 if < 2 sizes valid"),
            "vol": "population std (ddof 0) of (r_{t-19}..r_t), raw scale",
        },
        hurst_window=HURST_WINDOW, hurst_sizes=HURST_SIZES, vol_window=VOL_WINDOW,
        warmup_closes=WARMUP,
        warmup_note="first feature row is bar t=101; needs closes P_0..P_101 (102 closes)",
        normalisation_formula="x[c] = (f[c] - mean[c]) / std[c]; no clipping; cast to float32",
    )
    if mean is not None:
        d["normalisation"] = dict(source="training split, all feature rows, population mean/std",
                                  mean=[float(v) for v in mean], std=[float(v) for v in std])
    return d
