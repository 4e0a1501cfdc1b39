import type { Decision, PolicyMemory, StepContext } from '../../engine/kernel'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'
import { ASSET_CLASSES } from './universe/params'

// The reference strategy (spec §1.3 steps 3–6, §1.3 risk framework; seed L274–325, L431–440):
// forecast the state (the Kalman M_t+1|t), hold the portfolio that matches it — risk assets when
// the forecast reads risk_on, bonds for risk_off — with the class baskets tilted along the
// predicted flow (market.ts, flow-path.ts) and the hardness guard (no weight on an asset whose
// node hardness is below the guard: no sizing into soft terrain), vol-targeted on the
// short-window correlation, and a kill switch that goes flat when the state estimate flips
// regime. The risk_off boundary is the walk-forward's choice for the bar (walk-forward.ts).

export const MARKET_TERRAIN_ACTIONS = ['FLAT', 'RISK_ON', 'RISK_OFF'] as const
export type MarketTerrainAction = (typeof MARKET_TERRAIN_ACTIONS)[number]

type Context = StepContext<MarketTerrainConfig, TerrainMarket, MarketTerrainAction>

export class MarketTerrainObservation {
  t = 0
  ready = false
  risk = 0
  momentum = 0
  /** The Kalman one-step forecast M_t+1|t: the state the book is matched to. */
  forecastRisk = 0
  forecastMomentum = 0
  /** The risk_off boundary at this bar (the walk-forward's, or risk_z_off). */
  boundary = 0
  termRatio = 1
  fragility = 0
  termStress = false
  /** The state estimate: 0 risk_on, 1 risk_off. */
  estimate = 0
  /** Bars left flat after a regime flip (kill switch). */
  killLeft = 0
  killTrips = 0
  /** Scratch for the target: per-class basket variance, per-asset total weight. */
  readonly classVol: Float64Array
  readonly assetWeight: Float64Array
  constructor(
    readonly config: MarketTerrainConfig,
    readonly market: TerrainMarket
  ) {
    this.classVol = new Float64Array(ASSET_CLASSES.length)
    this.assetWeight = new Float64Array(market.n)
  }
}

/** The state at t from bars ≤ t; the kill switch arms when the estimate flips. */
export function observeInto(context: Context, o: MarketTerrainObservation): void {
  const m = context.market
  const c = o.config
  const t = context.t
  o.t = t
  o.ready = !Number.isNaN(m.edgeHardness[t]!) && t >= m.stateFrom
  o.risk = m.risk[t]!
  o.momentum = m.momentum[t]!
  o.forecastRisk = m.state.forecast[2 * t]!
  o.forecastMomentum = m.state.forecast[2 * t + 1]!
  o.boundary = m.walkForward.threshold[t]!
  o.termRatio = m.termRatio[t]!
  o.fragility = m.fragility[t]!
  // seed L1322: VIX9D/VIX < 0.9 = stress (faithful); corrected: > 1.0 (spec §7.1) — market.ts
  const k = c.corrections
  o.termStress = m.termStress[t] === 1
  const previous = o.estimate
  // seed L400–402: the book is built for M_next, the forecast, not for the state just read.
  o.estimate = o.ready && (o.forecastRisk > o.boundary || o.termStress) ? 1 : 0
  if (o.killLeft > 0) o.killLeft--
  if (o.ready && t > 0 && o.estimate !== previous) {
    o.killTrips++
    // The flip bar itself is flat; kill_switch_bars more after it (spec §7.8).
    o.killLeft = k.kill_switch_bars + 1
  }
  m.run.estimate[t] = o.estimate
  m.run.killTrips = o.killTrips
}

const WAIT: Decision<MarketTerrainAction> = { action: 'FLAT', rationale: 'terrain not read yet (short window filling)', source: 'BASELINE' }
const KILL: Decision<MarketTerrainAction> = { action: 'FLAT', rationale: 'kill switch: the state estimate flipped regime', source: 'BASELINE' }
const ON: Decision<MarketTerrainAction> = { action: 'RISK_ON', rationale: 'state reads risk_on: hold the risk assets the guard lets through', source: 'BASELINE' }
const OFF: Decision<MarketTerrainAction> = { action: 'RISK_OFF', rationale: 'state reads risk_off: hold bonds the guard lets through', source: 'BASELINE' }

export function baselinePolicy(o: MarketTerrainObservation, _memory: PolicyMemory<MarketTerrainAction>): Decision<MarketTerrainAction> {
  if (!o.ready) return WAIT
  if (o.killLeft > 0) return KILL
  return o.estimate === 1 ? OFF : ON
}

/** Which class baskets each action holds (ASSET_CLASSES order: equity, bond, commodity, fx, crypto). */
export const HOLDS: Record<Exclude<MarketTerrainAction, 'FLAT'>, readonly boolean[]> = {
  RISK_ON: [true, false, true, true, true],
  RISK_OFF: [false, true, false, false, false]
}

/**
 * The action's book into out (one weight per class basket): equal risk per held basket that the
 * hardness guard left non-empty, scaled to target_ann_vol with the short-window correlation
 * (σ_p² = Σ_ij a_i a_j σ_i σ_j ρ_ij over the assets' total weights a), capped at max_gross;
 * corrected: divided by 1 + max(0, fragility z).
 */
export function targetOf(action: MarketTerrainAction, o: MarketTerrainObservation, context: Context, out: Float64Array): void {
  out.fill(0)
  if (action === 'FLAT') return
  const m = context.market
  const c = o.config
  const n = m.n
  const t = context.t
  const holds = HOLDS[action]
  const classOf = m.universe.assets.classOf
  const vol = o.classVol
  vol.fill(0)
  // A basket's own variance from its members (the same correlation frame as the book's below).
  const f = Math.floor(t / m.frameStride) * n * n
  for (let i = 0; i < n; i++) {
    const bi = m.basket[t * n + i]!
    if (bi === 0 || !holds[classOf[i]!]) continue
    for (let j = 0; j < n; j++) {
      const bj = m.basket[t * n + j]!
      if (bj !== 0 && classOf[j] === classOf[i]) vol[classOf[i]!] = vol[classOf[i]!]! + bi * bj * m.assetVol[t * n + i]! * m.assetVol[t * n + j]! * m.frames[f + i * n + j]!
    }
  }
  let gross = 0
  for (let k = 0; k < out.length; k++) {
    if (vol[k]! > 0) {
      out[k] = 1 / Math.sqrt(vol[k]!)
      gross += out[k]!
    }
  }
  if (gross === 0) return
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / gross
  const a = o.assetWeight
  for (let i = 0; i < n; i++) a[i] = out[classOf[i]!]! * m.basket[t * n + i]!
  let variance = 0
  for (let i = 0; i < n; i++) {
    if (a[i] === 0) continue
    const si = a[i]! * m.assetVol[t * n + i]!
    for (let j = 0; j < n; j++) if (a[j] !== 0) variance += si * a[j]! * m.assetVol[t * n + j]! * m.frames[f + i * n + j]!
  }
  const annual = Math.sqrt(Math.max(variance, 0) * c.universe.bars_per_year)
  let scale = annual > 0 ? Math.min(c.strategy.target_ann_vol / annual, c.strategy.max_gross) : 0
  if (c.corrections.fragility_brake === 'on') scale /= 1 + Math.max(0, o.fragility)
  for (let k = 0; k < out.length; k++) out[k] = out[k]! * scale
}
