// The regime feature pipeline: pure functions over closes. Mirrored by the Python training
// pipeline, so every definition below is exact (spec regime-ssm §2). Rows are bars, row-major
// [bars × F]: the value of channel c at bar t is at t·F + c.
//
// Channel order (FEATURE_CHANNELS), with P_t the close at bar t (t = 0 … n−1):
//   0 velocity     v_t = ln(P_t / P_{t−1})                           for t ≥ 1; v_0 = 0
//   1 acceleration a_t = v_t − v_{t−1}                                for t ≥ 2; a_0 = a_1 = 0
//   2 energy       E_t = v_t²                                          (E_0 = 0)
//   3 hurst        H_t = R/S Hurst (hurstRS) of P_{t−100} … P_{t−1}   for t ≥ 100; else 0.5
//                  (the current bar is excluded, as the book's rolling_hurst does)
//   4 vol20        σ_t = population std (ddof 0) of v_{t−19} … v_t   for t ≥ 20; else 0
//                  (the scale-carrying channel: never z-scored per window in `corrected`)
// A row is fully defined (no default fill) from bar FEATURE_WARMUP = 100 on.

export const FEATURE_CHANNELS = ['velocity', 'acceleration', 'energy', 'hurst', 'vol20'] as const
export type FeatureChannel = (typeof FEATURE_CHANNELS)[number]
export const F = FEATURE_CHANNELS.length
export const HURST_WINDOW = 100
export const VOL_WINDOW = 20
export const FEATURE_WARMUP = HURST_WINDOW
/** spec §2.7: the book's eps added to every std before dividing. */
export const Z_EPS = 1e-8
/** The book's per-window length (spec §2.1, seq_len 64). */
export const SEQ_LEN = 64

export const channelIndex = (name: FeatureChannel): number => FEATURE_CHANNELS.indexOf(name)

/** Log returns, v_0 = 0 (spec §2.2, velocity). */
export function logReturns(closes: ArrayLike<number>): Float64Array {
  const v = new Float64Array(closes.length)
  for (let t = 1; t < closes.length; t++) v[t] = Math.log(closes[t]! / closes[t - 1]!)
  return v
}

/**
 * Simplified R/S Hurst of one price window, as Mottl/hurst compute_Hc(kind='price',
 * simplified=True) (spec §2.4): sizes int(10^x) for x = 1, 1.25, … < log10(n−1), then n;
 * non-overlapping chunks from the start; per chunk R = max/min − 1, S = std(pct, ddof 1),
 * chunks with R = 0 or S = 0 skipped; H = OLS slope of log10 mean(R/S) on log10 size.
 * Returns 0.5 where the fit is undefined (a flat window).
 */
export function hurstRS(x: ArrayLike<number>, from = 0, length = x.length - from): number {
  const n = length
  if (n < 100) throw new RangeError(`hurstRS needs at least 100 prices (got ${n})`)
  const sizes: number[] = []
  const stop = Math.log10(n - 1)
  for (let k = 0; 1 + 0.25 * k < stop; k++) sizes.push(Math.trunc(10 ** (1 + 0.25 * k)))
  sizes.push(n)
  const xs: number[] = []
  const ys: number[] = []
  for (const w of sizes) {
    let sum = 0
    let count = 0
    for (let start = 0; start + w <= n; start += w) {
      const rs = chunkRS(x, from + start, w)
      if (rs !== 0) {
        sum += rs
        count++
      }
    }
    if (count === 0) continue
    xs.push(Math.log10(w))
    ys.push(Math.log10(sum / count))
  }
  if (xs.length < 2) return 0.5
  return olsSlope(xs, ys)
}

function chunkRS(x: ArrayLike<number>, from: number, w: number): number {
  let max = -Infinity
  let min = Infinity
  for (let i = from; i < from + w; i++) {
    const p = x[i]!
    if (p > max) max = p
    if (p < min) min = p
  }
  const R = max / min - 1
  let mean = 0
  for (let i = from + 1; i < from + w; i++) mean += x[i]! / x[i - 1]! - 1
  mean /= w - 1
  let ss = 0
  for (let i = from + 1; i < from + w; i++) {
    const d = x[i]! / x[i - 1]! - 1 - mean
    ss += d * d
  }
  const S = Math.sqrt(ss / (w - 2))
  return R === 0 || S === 0 || !Number.isFinite(S) ? 0 : R / S
}

function olsSlope(xs: number[], ys: number[]): number {
  const n = xs.length
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += xs[i]!
    my += ys[i]!
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my)
    sxx += (xs[i]! - mx) ** 2
  }
  return sxx === 0 ? 0.5 : sxy / sxx
}

/** The feature matrix [bars × F] in FEATURE_CHANNELS order; row t uses closes ≤ t only. */
export function computeFeatures(closes: ArrayLike<number>): Float64Array {
  const n = closes.length
  const v = logReturns(closes)
  const out = new Float64Array(n * F)
  for (let t = 0; t < n; t++) {
    const row = t * F
    out[row] = v[t]!
    out[row + 1] = t >= 2 ? v[t]! - v[t - 1]! : 0
    out[row + 2] = v[t]! * v[t]!
    out[row + 3] = t >= HURST_WINDOW ? hurstRS(closes, t - HURST_WINDOW, HURST_WINDOW) : 0.5
    out[row + 4] = t >= VOL_WINDOW ? populationStd(v, t - VOL_WINDOW + 1, VOL_WINDOW) : 0
  }
  return out
}

function populationStd(x: ArrayLike<number>, from: number, n: number): number {
  let m = 0
  for (let i = from; i < from + n; i++) m += x[i]!
  m /= n
  let ss = 0
  for (let i = from; i < from + n; i++) ss += (x[i]! - m) ** 2
  return Math.sqrt(ss / n)
}

/** Frozen normalisation constants, exported with a model (spec §2.7 [REC], §4.12). */
export interface FeatureStats {
  mean: number[]
  std: number[]
}

/** Per-channel mean and population std (ddof 0) over rows [fromBar, toBar): the training split. */
export function fitStats(features: Float64Array, fromBar: number, toBar: number, width = F): FeatureStats {
  const n = toBar - fromBar
  if (!(n > 0)) throw new RangeError(`fitStats needs toBar > fromBar (got ${fromBar} … ${toBar})`)
  const mean = new Array<number>(width).fill(0)
  const std = new Array<number>(width).fill(0)
  for (let t = fromBar; t < toBar; t++) for (let c = 0; c < width; c++) mean[c]! += features[t * width + c]!
  for (let c = 0; c < width; c++) mean[c]! /= n
  for (let t = fromBar; t < toBar; t++) for (let c = 0; c < width; c++) std[c]! += (features[t * width + c]! - mean[c]!) ** 2
  for (let c = 0; c < width; c++) std[c] = Math.sqrt(std[c]! / n)
  return { mean, std }
}

/** z = (x − mean)/(std + 1e−8) with frozen stats: leak-free when stats come from the training split. */
export function normalise(features: Float64Array, stats: FeatureStats, width = F): Float64Array {
  const out = new Float64Array(features.length)
  for (let i = 0; i < features.length; i++) {
    const c = i % width
    out[i] = (features[i]! - stats.mean[c]!) / (stats.std[c]! + Z_EPS)
  }
  return out
}

/**
 * The book's per-window instance z-score (spec §2.7; Ch.5.1 / Ch.13.4): rows t−L+1 … t,
 * each channel z-scored with the window's own mean and std (ddof 0) + 1e−8. Kept only in
 * `faithful`: it erases the volatility level that separates the regimes.
 */
export function windowZScore(features: Float64Array, t: number, seqLen = SEQ_LEN, width = F): Float64Array {
  const from = t - seqLen + 1
  if (from < 0) throw new RangeError(`a ${seqLen}-bar window ending at bar ${t} starts before bar 0`)
  const stats = fitStats(features, from, t + 1, width)
  return normalise(features.subarray(from * width, (t + 1) * width), stats, width)
}

/** Per bar, the last row of its own z-scored window (NaN before a full window): the faithful feed. */
export function lastRowWindowZ(features: Float64Array, seqLen = SEQ_LEN, width = F): Float64Array {
  const n = features.length / width
  const out = new Float64Array(features.length).fill(Number.NaN)
  for (let t = seqLen - 1; t < n; t++) out.set(windowZScore(features, t, seqLen, width).subarray((seqLen - 1) * width), t * width)
  return out
}

/**
 * Observable (Takens) phase space, spec §2.5 / §3.1: rows (P_t, P_t − P_{t−1}, Var10_t), Var10
 * the population variance of P_{t−9} … P_t (fewer bars before bar 9); ΔP_0 = 0.
 */
export function takens(closes: ArrayLike<number>): Float64Array {
  const n = closes.length
  const out = new Float64Array(n * 3)
  for (let t = 0; t < n; t++) {
    const from = Math.max(0, t - 9)
    const s = populationStd(closes, from, t - from + 1)
    out[t * 3] = closes[t]!
    out[t * 3 + 1] = t > 0 ? closes[t]! - closes[t - 1]! : 0
    out[t * 3 + 2] = s * s
  }
  return out
}
