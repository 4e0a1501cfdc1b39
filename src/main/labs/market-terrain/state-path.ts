import { DEFAULT_KALMAN, type KalmanParams, TRAILHEAD_PRESETS, TRAILHEAD_STATE, type TrailheadEvent, forecastEllipse, kalmanFilter, trailhead } from './state'

// The state module read over a whole path (seed L274–325 MVP steps 3 and 5; spec §1.3, §1.5):
// the 2-D Kalman state on [risk, momentum] with its one-step forecast and 95 % forecast ellipse,
// Surprise per bar, and Pressure/Fragility with the chosen trailhead preset. Columnar typed
// arrays, one value per bar, so the phase plane and the gauges read them as they are. Every bar
// uses bars ≤ t only (Kalman filter and trailing normalisations; tested for no look-ahead).

export type TrailheadPresetId = keyof typeof TRAILHEAD_PRESETS

export interface StateParams {
  /** Φ on the diagonal (Q = (1 − φ²)·I keeps the state's stationary variance at 1). */
  phi: number
  /** Observation noise R on the diagonal. */
  obsNoise: number
  trailheadPreset: TrailheadPresetId
  trailheadWindow: number
  /** Bars between the forecast and the state it is scored against (spec §7.7). */
  surpriseLag: 0 | 1
}

export function kalmanParamsOf(p: Pick<StateParams, 'phi' | 'obsNoise'>): KalmanParams {
  const q = 1 - p.phi * p.phi
  return { ...DEFAULT_KALMAN, phi: [p.phi, 0, 0, p.phi], Q: [q, 0, 0, q], R: [p.obsNoise, 0, 0, p.obsNoise] }
}

export interface StatePath {
  /** Filtered state M_t|t, T × 2 row-major [risk, momentum]. */
  state: Float64Array
  /** One-step forecast M_t+1|t made at bar t, T × 2. */
  forecast: Float64Array
  /** Its covariance, T × 3 [P00, P01, P11]. */
  forecastCov: Float64Array
  /** The forecast's 95 % ellipse, T × 5 [cx, cy, semi-major, semi-minor, angle (rad)]. */
  ellipse: Float64Array
  /**
   * Surprise of the forecast made at bar t (NaN where not scored): lag 0 — the seed's loop — the
   * squared Mahalanobis distance under the forecast covariance from M_t+1|t to M_t|t, the state
   * it was just made from (§7.7: circular, it only measures the mean-reversion step); lag 1 — the
   * innovation of bar t + 1's observation against M_t+1|t under S = H P Hᵀ + R.
   */
  surprise: Float64Array
  pressure: Float64Array
  fragility: Float64Array
  /** TRAILHEAD_STATE per bar: 0 no signal, 1 quiet, 2 log, 3 fire. */
  trigger: Uint8Array
  events: TrailheadEvent[]
}

/** The components of the trailhead presets, each oriented "larger = more stress" (see PROXIES). */
export type TrailheadComponents = Record<string, Float64Array>

/**
 * What each seed component reads from a price-only universe ([proposal], spec §7.8: the simulator
 * and a close-price file have no options, order-flow or funding data, so each component names the
 * terrain or state quantity that stands in for it).
 */
export const PROXIES = {
  gamma: 'short/long realised-vol ratio (dealer short gamma amplifies short-dated moves)',
  ofi: '− momentum (net selling)',
  funding: 'absorption ratio (crowding, one factor carrying the book)',
  options_crowding: 'absorption ratio',
  funding_oi: '− momentum',
  put_call_fx: 'short/long realised-vol ratio',
  correlation_breaks: 'share of asset pairs with an active fault-line alert',
  vol_of_vol: 'vol-of-vol z-score of the equity index',
  liquidity_thinness: 'cross-sectional mean of the assets’ short-window vol',
  short_vol_vs_30d: 'short/long realised-vol ratio',
  spread_adv: 'cross-sectional mean of the assets’ short-window vol'
} as const

export interface ProxyInputs {
  termRatio: Float64Array
  momentum: Float64Array
  absorption: Float64Array
  alertShare: Float64Array
  volOfVol: Float64Array
  meanVol: Float64Array
}

export function trailheadComponents(x: ProxyInputs): TrailheadComponents {
  const negMomentum = x.momentum.map((v) => -v)
  return {
    gamma: x.termRatio,
    ofi: negMomentum,
    funding: x.absorption,
    options_crowding: x.absorption,
    funding_oi: negMomentum,
    put_call_fx: x.termRatio,
    correlation_breaks: x.alertShare,
    vol_of_vol: x.volOfVol,
    liquidity_thinness: x.meanVol,
    short_vol_vs_30d: x.termRatio,
    spread_adv: x.meanVol
  }
}

/**
 * The state path from observations [risk, momentum] (NaN = not read yet: no update), the trailhead
 * components and the One-Way confidence per bar.
 */
export function statePath(observations: Float64Array, components: TrailheadComponents, oneWay: Float64Array, p: StateParams): StatePath {
  const T = observations.length / 2
  const k = kalmanFilter(observations, kalmanParamsOf(p), { m: [0, 0], P: [1, 0, 0, 1] })
  const ellipse = new Float64Array(T * 5)
  const forecastCov = new Float64Array(T * 3)
  const surprise = new Float64Array(T).fill(Number.NaN)
  const started = (t: number) => Number.isFinite(observations[2 * t]!) && Number.isFinite(observations[2 * t + 1]!)
  for (let t = 0; t < T; t++) {
    const P: [number, number, number, number] = [k.forecastCovs[4 * t]!, k.forecastCovs[4 * t + 1]!, k.forecastCovs[4 * t + 2]!, k.forecastCovs[4 * t + 3]!]
    forecastCov.set([P[0], P[1], P[3]], 3 * t)
    const e = forecastEllipse({ m: [k.forecasts[2 * t]!, k.forecasts[2 * t + 1]!], P }, 0.95)
    ellipse.set([e.cx, e.cy, e.semiMajor, e.semiMinor, e.angle], 5 * t)
    if (!started(t)) continue
    if (p.surpriseLag === 0) {
      // d² of the forecast from the state it was made from (the seed's trading_loop, L399–403).
      const d0 = k.means[2 * t]! - k.forecasts[2 * t]!
      const d1 = k.means[2 * t + 1]! - k.forecasts[2 * t + 1]!
      const det = P[0] * P[3] - P[1] * P[1]
      surprise[t] = (P[3] * d0 * d0 - 2 * P[1] * d0 * d1 + P[0] * d1 * d1) / det
    } else if (t + 1 < T && started(t + 1)) surprise[t] = k.surprise[t + 1]!
  }
  const preset = { ...TRAILHEAD_PRESETS[p.trailheadPreset], window: p.trailheadWindow }
  const th = trailhead(preset, components, T, oneWay)
  return { state: k.means, forecast: k.forecasts, forecastCov, ellipse, surprise, pressure: th.pressure, fragility: th.fragility, trigger: th.state, events: th.events }
}

/** Counts of trailhead states over bars [from, to). */
export function triggerCounts(trigger: Uint8Array, from = 0, to = trigger.length): { fires: number; logs: number; quiet: number } {
  let fires = 0
  let logs = 0
  let quiet = 0
  for (let t = from; t < to; t++) {
    if (trigger[t] === TRAILHEAD_STATE.fire) fires++
    else if (trigger[t] === TRAILHEAD_STATE.log) logs++
    else if (trigger[t] === TRAILHEAD_STATE.quiet) quiet++
  }
  return { fires, logs, quiet }
}
