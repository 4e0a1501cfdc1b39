/**
 * The regime model's input features, exactly as `tools/regime-model/features.py` defines them
 * (the model was trained on those): F = 5 channels per bar t ≥ 101,
 *   r_t = ln(P_t / P_{t−1}); velocity r_t; acceleration r_t − r_{t−1}; energy r_t²;
 *   hurst: R/S over the 100 returns before t (sizes 10, 20, 25, 50, 100; chunk R = range of the
 *          cumulated demeaned chunk, S = population std; OLS slope of ln RS on ln n; 0.5 if < 2 sizes);
 *   vol: population std of r_{t−19} … r_t, raw scale.
 * Sums here are sequential where NumPy's are pairwise: differences stay far below the float32
 * precision the model's input is cast to.
 */
export const SSM_CHANNELS = ['velocity', 'acceleration', 'energy', 'hurst', 'vol'] as const
export const SSM_WARMUP = 101
const HURST_WINDOW = 100
const HURST_SIZES = [10, 20, 25, 50, 100] as const
const VOL_WINDOW = 20
const LOG_SIZES = HURST_SIZES.map((n) => Math.log(n))

function mean(values: Float64Array, from: number, to: number): number {
  let s = 0
  for (let i = from; i < to; i++) s += values[i]!
  return s / (to - from)
}

function populationStd(values: Float64Array, from: number, to: number): number {
  const m = mean(values, from, to)
  let ss = 0
  for (let i = from; i < to; i++) {
    const d = values[i]! - m
    ss += d * d
  }
  return Math.sqrt(ss / (to - from))
}

/** R/S Hurst exponent of r[from … from+99]. */
export function hurstOfReturns(r: Float64Array, from: number): number {
  const xs: number[] = []
  const ys: number[] = []
  HURST_SIZES.forEach((n, j) => {
    let total = 0
    let count = 0
    for (let c = from; c < from + HURST_WINDOW; c += n) {
      const m = mean(r, c, c + n)
      let z = 0
      let zMax = Number.NEGATIVE_INFINITY
      let zMin = Number.POSITIVE_INFINITY
      for (let i = c; i < c + n; i++) {
        z += r[i]! - m
        if (z > zMax) zMax = z
        if (z < zMin) zMin = z
      }
      const range = zMax - zMin
      const s = populationStd(r, c, c + n)
      if (range !== 0 && s !== 0) {
        total += range / s
        count++
      }
    }
    if (count > 0) {
      xs.push(LOG_SIZES[j]!)
      ys.push(Math.log(total / count))
    }
  })
  if (xs.length < 2) return 0.5
  const xm = xs.reduce((a, b) => a + b, 0) / xs.length
  const ym = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  for (let k = 0; k < xs.length; k++) {
    num += (xs[k]! - xm) * (ys[k]! - ym)
    den += (xs[k]! - xm) ** 2
  }
  return num / den
}

/** Raw features, row-major [bars − 101, 5], for bars t = 101 … n−1. */
export function ssmFeatures(closes: ArrayLike<number>): Float64Array {
  const n = closes.length
  if (n <= SSM_WARMUP) return new Float64Array(0)
  const r = new Float64Array(n)
  for (let t = 1; t < n; t++) r[t] = Math.log(closes[t]! / closes[t - 1]!)
  const rows = n - SSM_WARMUP
  const out = new Float64Array(rows * SSM_CHANNELS.length)
  for (let t = SSM_WARMUP, k = 0; t < n; t++, k++) {
    const o = k * SSM_CHANNELS.length
    out[o] = r[t]!
    out[o + 1] = r[t]! - r[t - 1]!
    out[o + 2] = r[t]! ** 2
    out[o + 3] = hurstOfReturns(r, t - HURST_WINDOW)
    out[o + 4] = populationStd(r, t - VOL_WINDOW + 1, t + 1)
  }
  return out
}

/** (f − mean) / std per channel, rounded to float32 as the model's input is. */
export function normaliseForModel(raw: Float64Array, mean: readonly number[], std: readonly number[]): Float32Array {
  const f = mean.length
  const out = new Float32Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! - mean[i % f]!) / std[i % f]!
  return out
}
