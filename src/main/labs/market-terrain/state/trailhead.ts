// The "Trailhead" early-warning composite (seed L647–745, L1085–1160, L1444–1606; spec §1.5):
// a Pressure Index ("is energy building?"), a Fragility Index ("is the mountain brittle?") and
// a trigger. The seed gives three weightings and triggers; each is a preset here (A, B, C).
//
// Everything is causal: bar t's normalised component, composite and trigger use bars ≤ t only
// (a trailing window that includes t). Until a window is full the bar is in warm-up: no signal.
// A missing (NaN) component at a bar gives no signal at that bar — the Zero-Fake rule "if any
// component is missing → no signal" (L2452–2606).
//
// Every component is oriented so that larger = more stress (a caller turns "liquidity depth" into
// thinness, e.g. 1/depth or −depth, before passing it).

export type Normalisation = 'percentile' | 'zscore'

export interface Weighted {
  component: string
  weight: number
}

export interface TrailheadPreset {
  id: string
  pressure: readonly Weighted[]
  fragility: readonly Weighted[]
  /** How each component and then each composite is put on a common scale. */
  normalise: Normalisation
  /** Trailing window in bars for both normalisations. */
  window: number
  /** Pressure is lit at or above this (a percentile in [0, 1], or a z-score). */
  pressureMin: number
  fragilityMin: number
  /** One-Way confidence needed to fire; null when the preset does not ask for a path. */
  oneWayMin: number | null
  /** Where the preset comes from and what was filled in. */
  note: string
}

/**
 * Unspecified in the seed and chosen here (§7.8), the same for every preset so they differ only
 * where the seed makes them differ:
 * - window = 252 bars: C says "its last 6–12 months"; the long end makes a +1σ threshold's σ less
 *   noisy and matches the Zero-Fake "vs its 1-year mean" (L2535). A and B give no window; the same.
 * - A and B give no normalisation for mixing components in different units: trailing percentile
 *   ranks, since their triggers are percentiles.
 * - The composite is put on the same scale again (its own trailing percentile or z-score) before
 *   the trigger: a weighted mean of z-scores has σ ≤ 1, so "+1.0σ" on the raw blend would be a
 *   stricter threshold than the seed states.
 * - "A clear One-Way path" (B) and One-Way ≥ "medium" (C) are one number, the top exit's share of
 *   the stressed flow (flow.ts): medium = 0.4 (the top exit takes at least 40 % of the capital).
 */
export const ONE_WAY_MEDIUM = 0.4
export const TRAILHEAD_WINDOW = 252

/** A and B weigh the same components (Claude's L1131–1132; B's ChatGPT text reuses them). */
const CLAUDE_PRESSURE: readonly Weighted[] = [
  { component: 'gamma', weight: 0.4 },
  { component: 'ofi', weight: 0.3 },
  { component: 'funding', weight: 0.3 }
]
const CLAUDE_FRAGILITY: readonly Weighted[] = [
  { component: 'correlation_breaks', weight: 0.5 },
  { component: 'vol_of_vol', weight: 0.3 },
  { component: 'liquidity_thinness', weight: 0.2 }
]

export const TRAILHEAD_PRESETS: Record<'A' | 'B' | 'C', TrailheadPreset> = {
  A: {
    id: 'A',
    pressure: CLAUDE_PRESSURE,
    fragility: CLAUDE_FRAGILITY,
    normalise: 'percentile',
    window: TRAILHEAD_WINDOW,
    pressureMin: 0.8,
    fragilityMin: 0.8,
    oneWayMin: null,
    note: 'Claude, L1129–1133: both indices above the 80th percentile at once'
  },
  B: {
    id: 'B',
    pressure: CLAUDE_PRESSURE,
    fragility: CLAUDE_FRAGILITY,
    normalise: 'percentile',
    window: TRAILHEAD_WINDOW,
    pressureMin: 0.8,
    fragilityMin: 0.7,
    oneWayMin: ONE_WAY_MEDIUM,
    note: "ChatGPT, L1487–1488: Pressure ≥ 80th pct, Fragility ≥ 70th pct and a clear One-Way path; one lit alone: log, don't fire"
  },
  C: {
    id: 'C',
    pressure: [
      { component: 'options_crowding', weight: 0.35 },
      { component: 'funding_oi', weight: 0.35 },
      { component: 'put_call_fx', weight: 0.3 }
    ],
    fragility: [
      { component: 'correlation_breaks', weight: 0.4 },
      { component: 'short_vol_vs_30d', weight: 0.3 },
      { component: 'spread_adv', weight: 0.3 }
    ],
    normalise: 'zscore',
    window: TRAILHEAD_WINDOW,
    pressureMin: 1.0,
    fragilityMin: 0.5,
    oneWayMin: ONE_WAY_MEDIUM,
    note: 'ChatGPT scoring recipe, L1555–1566: z-scores over 6–12 months; Pressure ≥ +1.0σ, Fragility ≥ +0.5σ, One-Way ≥ medium'
  }
}

/**
 * Trailing percentile rank of x_t among x_{t−W+1…t}, ties at mid-rank (scipy's
 * percentileofscore kind='mean': the mean of the shares strictly below and at-or-below), so a flat
 * series sits at 0.5, not at its "100th percentile". NaN during warm-up or when the window holds a NaN.
 */
export function trailingPercentile(x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN)
  for (let t = window - 1; t < x.length; t++) {
    const v = x[t]!
    let below = 0
    let atOrBelow = 0
    let bad = false
    for (let s = t - window + 1; s <= t; s++) {
      const w = x[s]!
      if (Number.isNaN(w)) {
        bad = true
        break
      }
      if (w < v) below++
      if (w <= v) atOrBelow++
    }
    if (!bad) out[t] = (below + atOrBelow) / (2 * window)
  }
  return out
}

/** Trailing z-score of x_t against x_{t−W+1…t} (population σ). NaN in warm-up, on NaN or σ = 0. */
export function trailingZScore(x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN)
  for (let t = window - 1; t < x.length; t++) {
    let sum = 0
    let sq = 0
    for (let s = t - window + 1; s <= t; s++) sum += x[s]!
    const mean = sum / window
    for (let s = t - window + 1; s <= t; s++) sq += (x[s]! - mean) ** 2
    const sd = Math.sqrt(sq / window)
    if (sd > 0) out[t] = (x[t]! - mean) / sd
  }
  return out
}

const normaliser = (n: Normalisation): ((x: Float64Array, w: number) => Float64Array) => (n === 'percentile' ? trailingPercentile : trailingZScore)

/** Bar states: 0 warm-up or missing input, 1 quiet, 2 log (only part lit), 3 fire. */
export const TRAILHEAD_STATE = { noSignal: 0, quiet: 1, log: 2, fire: 3 } as const

export interface TrailheadEvent {
  bar: number
  kind: 'log' | 'fire'
  reason: string
}

export interface TrailheadResult {
  preset: string
  /** The normalised composites (on the preset's trigger scale). */
  pressure: Float64Array
  fragility: Float64Array
  state: Uint8Array
  events: TrailheadEvent[]
}

function composite(parts: readonly Weighted[], components: Readonly<Record<string, Float64Array>>, T: number, preset: TrailheadPreset, index: string): Float64Array {
  const norm = normaliser(preset.normalise)
  const out = new Float64Array(T)
  for (const { component, weight } of parts) {
    const x = components[component]
    if (!x) throw new RangeError(`preset ${preset.id} ${index} needs component '${component}' (have: ${Object.keys(components).join(', ') || 'none'})`)
    if (x.length !== T) throw new RangeError(`component '${component}' has ${x.length} bars, expected ${T}`)
    const z = norm(x, preset.window)
    for (let t = 0; t < T; t++) out[t]! += weight * z[t]!
  }
  return norm(out, preset.window)
}

/**
 * Pressure, Fragility and the trigger per bar. `components` maps each component name the preset
 * uses to a T-bar series; `oneWay` is the One-Way confidence per bar (needed when the preset
 * asks for a path). "Log, don't fire" (L1488): a bar where only one index is lit, or both are
 * lit without a path, is logged with its reason; it never fires.
 */
export function trailhead(preset: TrailheadPreset, components: Readonly<Record<string, Float64Array>>, T: number, oneWay?: Float64Array): TrailheadResult {
  if (!Number.isInteger(preset.window) || preset.window < 2) throw new RangeError(`preset ${preset.id} window must be an integer ≥ 2 (got ${preset.window})`)
  if (preset.oneWayMin !== null && (!oneWay || oneWay.length !== T)) throw new RangeError(`preset ${preset.id} needs a One-Way confidence series of ${T} bars (got ${oneWay ? oneWay.length : 'none'})`)
  const pressure = composite(preset.pressure, components, T, preset, 'pressure')
  const fragility = composite(preset.fragility, components, T, preset, 'fragility')
  const state = new Uint8Array(T)
  const events: TrailheadEvent[] = []
  for (let t = 0; t < T; t++) {
    const p = pressure[t]!
    const f = fragility[t]!
    if (Number.isNaN(p) || Number.isNaN(f)) continue
    const pLit = p >= preset.pressureMin
    const fLit = f >= preset.fragilityMin
    if (!pLit && !fLit) {
      state[t] = TRAILHEAD_STATE.quiet
      continue
    }
    if (pLit !== fLit) {
      state[t] = TRAILHEAD_STATE.log
      events.push({ bar: t, kind: 'log', reason: pLit ? 'pressure lit alone' : 'fragility lit alone' })
      continue
    }
    const w = oneWay ? oneWay[t]! : Number.NaN
    if (preset.oneWayMin !== null && !(w >= preset.oneWayMin)) {
      state[t] = TRAILHEAD_STATE.log
      events.push({ bar: t, kind: 'log', reason: Number.isNaN(w) ? 'no One-Way reading' : `One-Way ${w.toFixed(2)} below ${preset.oneWayMin}` })
      continue
    }
    state[t] = TRAILHEAD_STATE.fire
    events.push({ bar: t, kind: 'fire', reason: 'pressure and fragility lit' + (preset.oneWayMin !== null ? ' with a One-Way path' : '') })
  }
  return { preset: preset.id, pressure, fragility, state, events }
}
