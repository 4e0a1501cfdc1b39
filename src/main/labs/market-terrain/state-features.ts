// The state's raw readings from an index's returns (spec §8: risk = z-blend of vol and crowding;
// momentum = trend), shared by the simulated universe (market.ts) and a user's file (csv.ts):
// risk z, momentum, short/long vol ratio and the vol-of-vol z-score, each from bars ≤ t only.

export interface StateFeatureParams {
  vol_short_bars: number
  vol_long_bars: number
  momentum_bars: number
  absorption_weight: number
}

export interface StateFeatures {
  risk: Float64Array
  momentum: Float64Array
  termRatio: Float64Array
  fragility: Float64Array
}

/** Equal-weight mean of the members' returns per bar (every asset when `members` is empty). */
export function equalWeightIndex(returns: Float64Array, n: number, bars: number, members: readonly number[]): Float64Array {
  const who = members.length > 0 ? members : Array.from({ length: n }, (_, i) => i)
  const index = new Float64Array(bars)
  for (let t = 0; t < bars; t++) {
    let x = 0
    for (const i of who) x += returns[t * n + i]!
    index[t] = x / who.length
  }
  return index
}

/** Running mean and variance of a series (Welford), for z-scores against the series' own past. */
class RunningZ {
  private count = 0
  private mean = 0
  private m2 = 0
  /** z of x against the values seen before it, then x joins them (0 until two values are known). */
  next(x: number): number {
    const sd = this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0
    const z = sd > 0 ? (x - this.mean) / sd : 0
    this.count++
    const d = x - this.mean
    this.mean += d / this.count
    this.m2 += d * (x - this.mean)
    return z
  }
}

/**
 * Risk (z of the long-horizon index vol against its own history, plus absorption_weight × the
 * absorption ratio's z), momentum (trend t-statistic over momentum_bars), the short/long vol ratio
 * and the vol-of-vol z-score. 0 (ratio 1) before each horizon fills; absorption NaN counts as 0.
 */
export function stateFeatures(index: Float64Array, absorption: Float64Array, s: StateFeatureParams): StateFeatures {
  const bars = index.length
  const risk = new Float64Array(bars)
  const momentum = new Float64Array(bars)
  const termRatio = new Float64Array(bars).fill(1)
  const fragility = new Float64Array(bars)
  const volZ = new RunningZ()
  const absorptionZ = new RunningZ()
  const volOfVolZ = new RunningZ()
  const windowVol = (t: number, h: number) => {
    let ss = 0
    for (let k = t - h + 1; k <= t; k++) ss += index[k]! * index[k]!
    return Math.sqrt(ss / h)
  }
  const shortVols: number[] = []
  for (let t = 0; t < bars; t++) {
    if (t >= s.vol_long_bars) {
      const short = windowVol(t, s.vol_short_bars)
      const long = windowVol(t, s.vol_long_bars)
      termRatio[t] = long > 0 ? short / long : 1
      const ar = Number.isNaN(absorption[t]!) ? 0 : absorptionZ.next(absorption[t]!)
      risk[t] = volZ.next(long) + s.absorption_weight * ar
      shortVols.push(short)
      if (shortVols.length > s.vol_long_bars) shortVols.shift()
      const mean = shortVols.reduce((a, b) => a + b, 0) / shortVols.length
      const vov = Math.sqrt(shortVols.reduce((a, b) => a + (b - mean) ** 2, 0) / shortVols.length) / (mean || 1)
      fragility[t] = volOfVolZ.next(vov)
    }
    if (t >= s.momentum_bars) {
      let trend = 0
      for (let k = t - s.momentum_bars + 1; k <= t; k++) trend += index[k]!
      const vol = windowVol(t, s.momentum_bars)
      momentum[t] = vol > 0 ? trend / (vol * Math.sqrt(s.momentum_bars)) : 0
    }
  }
  return { risk, momentum, termRatio, fragility }
}
