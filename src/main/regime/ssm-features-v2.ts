import { SSM_WARMUP, hurstOfReturns } from './ssm-features'

/**
 * The v2 regime model's input features, exactly as `tools/regime-model/features_v2.py` defines
 * them: F = 7 scale-free channels per bar t ≥ 101, every one a ratio of the series to itself, so
 * that one model reads daily closes, an order book's mid and a user's CSV alike.
 *   r_t = ln(P_t / P_{t−1});  m_w(t) = √(mean of r² over the last w returns incl. r_t), w = 5, 20, 60;
 *   floor_t = max(1e−12, min of m_60(s) over max(60, t−1000) ≤ s ≤ t−1): the series' own calm level;
 *   shock = r_t / floor_t; vol_w = ln(m_w / floor_t); trend20 = Σ₂₀ r / (floor_t √20) (clipped);
 *   volvol = population std of ln m_20 over the last 80 bars; hurst as v1.
 * Window sums run in index order where NumPy's are pairwise: differences stay in the last bits,
 * far below the float32 the model's input is cast to.
 */
export const SSM_V2_CHANNELS = ['shock', 'vol5', 'vol20', 'vol60', 'trend20', 'volvol', 'hurst'] as const
const FLOOR_WINDOW = 1000
const FLOOR_EPS = 1e-12
const TINY = 1e-300
const CLIP_Z = 20
const CLIP_LOG = 10
const VOLVOL_WINDOW = 80
const HURST_WINDOW = 100

const clip = (x: number, bound: number): number => (x < -bound ? -bound : x > bound ? bound : x)

/** m_w(t) for every t ≥ w (NaN before): each window summed afresh, so no drift over long series. */
function rms(r: Float64Array, w: number): Float64Array {
  const out = new Float64Array(r.length).fill(Number.NaN)
  for (let t = w; t < r.length; t++) {
    let s = 0
    for (let k = t - w + 1; k <= t; k++) s += r[k]! * r[k]!
    out[t] = Math.sqrt(s / w)
  }
  return out
}

/** floor_t for every t ≥ 61: the running minimum of m_60 over the trailing window, by a monotone deque. */
function calmFloor(m60: Float64Array): Float64Array {
  const n = m60.length
  const out = new Float64Array(n).fill(Number.NaN)
  const deque = new Int32Array(n)
  let head = 0
  let tail = 0
  for (let t = 61; t < n; t++) {
    const entering = t - 1 // the window for bar t is [max(60, t − 1000), t − 1]
    while (tail > head && m60[deque[tail - 1]!]! >= m60[entering]!) tail--
    deque[tail++] = entering
    while (deque[head]! < Math.max(60, t - FLOOR_WINDOW)) head++
    out[t] = Math.max(FLOOR_EPS, m60[deque[head]!]!)
  }
  return out
}

/** Raw v2 features, row-major [bars − 101, 7], for bars t = 101 … n−1. */
export function ssmFeaturesV2(closes: ArrayLike<number>): Float64Array {
  const n = closes.length
  const f = SSM_V2_CHANNELS.length
  if (n <= SSM_WARMUP) return new Float64Array(0)
  const r = new Float64Array(n)
  for (let t = 1; t < n; t++) r[t] = Math.log(closes[t]! / closes[t - 1]!)
  const m5 = rms(r, 5)
  const m20 = rms(r, 20)
  const m60 = rms(r, 60)
  const floor = calmFloor(m60)
  const logM20 = Float64Array.from(m20, (m) => Math.log(Math.max(m, TINY)))
  const out = new Float64Array((n - SSM_WARMUP) * f)
  for (let t = SSM_WARMUP, k = 0; t < n; t++, k++) {
    const o = k * f
    const fl = floor[t]!
    out[o] = clip(r[t]! / fl, CLIP_Z)
    out[o + 1] = clip(Math.log(Math.max(m5[t]!, TINY) / fl), CLIP_LOG)
    out[o + 2] = clip(Math.log(Math.max(m20[t]!, TINY) / fl), CLIP_LOG)
    out[o + 3] = clip(Math.log(Math.max(m60[t]!, TINY) / fl), CLIP_LOG)
    let trend = 0
    for (let i = t - 19; i <= t; i++) trend += r[i]!
    out[o + 4] = clip(trend / (fl * Math.sqrt(20)), CLIP_Z)
    let mean = 0
    for (let i = t - VOLVOL_WINDOW + 1; i <= t; i++) mean += logM20[i]!
    mean /= VOLVOL_WINDOW
    let ss = 0
    for (let i = t - VOLVOL_WINDOW + 1; i <= t; i++) ss += (logM20[i]! - mean) ** 2
    out[o + 5] = Math.sqrt(ss / VOLVOL_WINDOW)
    out[o + 6] = hurstOfReturns(r, t - HURST_WINDOW)
  }
  return out
}
