import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, ProfileDefinition, StressVariant } from '../../engine/kernel'
import { nonNegative, num, positive, probability, whole } from '../common/fields'
import { TerrainParams } from './terrain/params'
import { UniverseParams } from './universe/params'

// The market-terrain lab's config (seed 004; spec §1.1–§1.5, §2, §7, §8). Every threshold the
// seed gives is a named field with its unit; values the seed leaves open (§7.8) carry [proposal]
// and a reason. `corrections` holds one switch per fix of the corrected preset (§7).

export { REGIME_NAMES } from './universe/params'

const Strategy = z
  .strictObject({
    // The state estimate (spec §8: risk = z-blend of vol and term structure; momentum = trend).
    vol_short_bars: whole().min(2, { error: 'must be ≥ 2' }).max(1000, { error: 'must be ≤ 1,000' }).default(9).meta({ description: 'Short realised-vol horizon of the term ratio (the seed’s VIX9D: 9 days)', unit: 'bars' }),
    vol_long_bars: whole().min(3, { error: 'must be ≥ 3' }).max(5000, { error: 'must be ≤ 5,000' }).default(21).meta({ description: 'Long realised-vol horizon of the term ratio (VIX: 30 calendar days ≈ 21 bars)', unit: 'bars' }),
    risk_z_off: num().default(1).meta({ description: 'Risk z-score (equity-index vol against its own history) above which the state reads risk_off ([proposal]; seed L2525 uses the 80th percentile of VIX ≈ +0.84σ)', unit: 'σ' }),
    absorption_weight: nonNegative().default(0.5).meta({ description: 'Weight of the absorption-ratio z-score in the risk reading (crowding, seed L203)', unit: 'weight' }),
    momentum_bars: whole().min(2, { error: 'must be ≥ 2' }).max(1000, { error: 'must be ≤ 1,000' }).default(63).meta({ description: 'Trend horizon of the momentum reading (seed SJM features: 8, 21, 63 days)', unit: 'bars' }),
    flow_tilt: nonNegative().max(10, { error: 'must be ≤ 10' }).default(0.5).meta({ description: 'Flow tilt: an asset’s basket weight is scaled by max(0, 1 + tilt·f), f its predicted net flow over the bar’s largest |flow| (seed L467 "greedy match with flow-channel tilt"; size [proposal])', unit: 'weight' }),
    min_node_hardness: probability().default(0.5).meta({ description: 'Hardness guard: an asset whose node hardness is below this gets no weight (seed L437: no sizing into soft terrain; threshold [proposal])', unit: 'hardness' }),
    target_ann_vol: positive().default(0.1).meta({ description: 'Portfolio volatility the book is scaled to, from the short-window correlation and vols', unit: 'per year' }),
    max_gross: positive().default(1.5).meta({ description: 'Cap on Σ|w| before the risk gate’s own cap', unit: '× equity' })
  })
  .superRefine((s, ctx) => {
    if (s.vol_long_bars <= s.vol_short_bars) ctx.addIssue({ code: 'custom', path: ['vol_long_bars'], message: `must be longer than vol_short_bars (${s.vol_long_bars} ≤ ${s.vol_short_bars})` })
  })
  .prefault({})

// Seed §5.4 risk profiles as named presets of these fields (profiles below); defaults are Zero-Fake.
const Risk = z
  .strictObject({
    max_leverage: positive().default(1).meta({ description: 'Gross leverage cap of the kernel’s risk gate (Zero-Fake L2514: 1× until the KPI gate)', unit: '× equity' }),
    max_drawdown: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.2).meta({ description: 'Drawdown from peak that forces the book flat (the gate’s stop; [proposal]: the seed’s agent max-DD "X" is never given)', unit: 'fraction' })
  })
  .prefault({})

const Execution = z
  .strictObject({
    cost_bps: nonNegative().default(2).meta({ description: 'Proportional cost on gross turnover', unit: 'bps' }),
    impact_bps: perRegimeImpact()
  })
  .prefault({})

function perRegimeImpact() {
  return z
    .strictObject({
      risk_on: nonNegative().default(3).meta({ description: 'Impact on gross turnover in risk_on ([proposal])', unit: 'bps' }),
      risk_off: nonNegative().default(10).meta({ description: 'Impact on gross turnover in risk_off (liquidity thins, seed L1117)', unit: 'bps' })
    })
    .prefault({})
}

// The state module's open parameters (spec §7.8), read by state-path.ts and flow-path.ts.
const State = z
  .strictObject({
    kalman_phi: num().gt(0, { error: 'must be in (0, 1)' }).lt(1, { error: 'must be in (0, 1)' }).default(0.97).meta({ description: 'Kalman transition Φ on the diagonal of [risk, momentum] (unspecified in the seed, §7.8: a ~23-bar half-life near its 20-bar sensors; Q = (1 − Φ²)·I)', unit: 'per bar' }),
    kalman_obs_noise: positive().default(0.25).meta({ description: 'Kalman observation noise R on the diagonal (a bar’s reading a quarter as noisy as the state’s spread; [proposal])', unit: 'variance' }),
    trailhead_preset: z.enum(['A', 'B', 'C'], { error: 'must be "A", "B" or "C"' }).default('A').meta({ description: 'Pressure/Fragility weights and trigger: A Claude (both ≥ 80th pct), B ChatGPT (≥ 80th/70th pct + One-Way path), C scoring recipe (z ≥ +1.0/+0.5 σ + One-Way ≥ medium)' }),
    trailhead_window: whole().min(2, { error: 'must be ≥ 2' }).max(5000, { error: 'must be ≤ 5,000' }).default(252).meta({ description: 'Trailing bars of the Pressure/Fragility percentile or z-score (C: 6–12 months; [proposal] 252)', unit: 'bars' }),
    flow_every: whole().min(1, { error: 'must be ≥ 1' }).max(1000, { error: 'must be ≤ 1,000' }).default(5).meta({ description: 'Bars between One-Way map solves (O(n³) each; the last reading is held between)', unit: 'bars' }),
    flow_gamma: positive().default(1).meta({ description: 'Grounding γ of the electrical flow: how much capital an asset absorbs per unit liquidity (small → capital travels further; [proposal])', unit: 'conductance' }),
    flow_horizon_bars: whole().min(1, { error: 'must be ≥ 1' }).max(1000, { error: 'must be ≤ 1,000' }).default(21).meta({ description: 'Trailing bars whose loss marks an asset as a stressed source of the flow ([proposal]: a month)', unit: 'bars' })
  })
  .prefault({})

// The regime grouping run in the lab (grouping/): fitted on the first part of the readable bars,
// scored on the rest against the simulator's true regimes.
const Grouping = z
  .strictObject({
    train_share: num().gt(0.1, { error: 'must be in (0.1, 0.9)' }).lt(0.9, { error: 'must be in (0.1, 0.9)' }).default(0.5).meta({ description: 'Share of the readable bars the jump model, K-means and HMM are fitted on; the rest is held out', unit: 'fraction' }),
    kmeans_restarts: whole().min(1, { error: 'must be ≥ 1' }).max(1000, { error: 'must be ≤ 1,000' }).default(20).meta({ description: 'K-means++ restarts (the seed’s report uses 100, L2142; 20 keeps a run quick)', unit: 'restarts' }),
    clip_sigma: nonNegative().max(100, { error: 'must be ≤ 100' }).default(3).meta({ description: 'Each feature is clipped at ± this many σ of the training bars, then z-scored, before any method is fitted (the sparse jump model’s reference code, `jumpmodels`: DataClipperStd(mul=3) then StandardScaler); 0 = z-score only', unit: 'σ' }),
    train_seeds: seedList().meta({ description: 'Further universes (seeds) the held-out grouping is fitted on, after the run’s own; read only when heldout_seeds is set', unit: 'seeds' }),
    heldout_seeds: seedList().meta({ description: 'Universes (seeds) the grouping is scored on after fitting on the run’s seed and train_seeds: accuracy, persistence and time to detection averaged over them (`grouping.held_out`; each costs one terrain pass)', unit: 'seeds' })
  })
  .superRefine((g, ctx) => {
    const seen = new Set<number>()
    g.heldout_seeds.forEach((s, i) => {
      if (g.train_seeds.includes(s)) ctx.addIssue({ code: 'custom', path: ['heldout_seeds', i], message: `seed ${s} is also a training seed: a held-out seed must be one the models never saw` })
      if (seen.has(s)) ctx.addIssue({ code: 'custom', path: ['heldout_seeds', i], message: `seed ${s} is listed twice` })
      seen.add(s)
    })
  })
  .prefault({})

function seedList() {
  return z.array(whole().min(0, { error: 'must be ≥ 0' }).max(2 ** 32 - 1, { error: 'must be ≤ 4294967295' }), { error: 'must be a list of seeds, e.g. [5,6,7]' }).max(50, { error: 'at most 50 seeds' }).default(() => [])
}

// Anchored walk-forward of the state boundary (spec §7.6: walk-forward, not shuffled CV).
const WalkForward = z
  .strictObject({
    folds: whole().min(0, { error: 'must be ≥ 0' }).max(50, { error: 'must be ≤ 50' }).default(4).meta({ description: 'Test windows after the first training window; 0 trades risk_z_off throughout', unit: 'folds' }),
    first_train_share: num().gt(0.1, { error: 'must be in (0.1, 0.9)' }).lt(0.9, { error: 'must be in (0.1, 0.9)' }).default(0.4).meta({ description: 'Share of the bars in the first (anchored) training window', unit: 'fraction' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    term_direction: z.enum(['below', 'above'], { error: 'must be "below" or "above"' }).default('below').meta({ description: 'Stress when the short/long vol ratio is below (seed L1322) or above (convention, §7.1) term_threshold' }),
    term_threshold: positive().default(0.9).meta({ description: 'Short/long vol ratio that signals stress (seed: VIX9D/VIX < 0.9; corrected: > 1.0)', unit: 'ratio' }),
    fragility_brake: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }).default('off').meta({ description: 'Fragility (vol-of-vol) scales gross separately from the hardness guard (§7.2)' }),
    surprise_lag: whole().min(0, { error: 'must be 0 or 1' }).max(1, { error: 'must be 0 or 1' }).default(0).meta({ description: 'Bars between the forecast and the state Surprise is scored against (seed pseudocode 0, §7.7: 1)', unit: 'bars' }),
    kill_switch_bars: whole().min(0, { error: 'must be ≥ 0' }).max(10_000, { error: 'must be ≤ 10,000' }).default(0).meta({ description: 'Bars held flat after a regime flip of the state estimate (seed: flip → de-risk, no duration)', unit: 'bars' })
  })
  .prefault({})

export const MarketTerrainConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(2 ** 53 - 1, { error: 'must be a safe integer' }).default(4).meta({ description: 'Seed of the universe’s PCG64 stream', unit: '' }),
    universe: UniverseParams,
    terrain: TerrainParams,
    strategy: Strategy,
    risk: Risk,
    execution: Execution,
    corrections: Corrections,
    state: State,
    grouping: Grouping,
    walk_forward: WalkForward
  })
  .superRefine((c, ctx) => {
    const own = c.grouping.heldout_seeds.indexOf(c.seed)
    if (own >= 0) ctx.addIssue({ code: 'custom', path: ['grouping', 'heldout_seeds', own], message: `seed ${c.seed} is the run’s own seed, which the grouping is fitted on` })
    if (c.terrain.long_window >= c.universe.bars) ctx.addIssue({ code: 'custom', path: ['terrain', 'long_window'], message: `must be shorter than the series (universe.bars = ${c.universe.bars}, got ${c.terrain.long_window})` })
  })
export type MarketTerrainConfig = z.infer<typeof MarketTerrainConfigSchema>

export const MARKET_TERRAIN_CORRECTIONS = {
  vix9dDirection: {
    id: 'vix9d_direction',
    title: 'Short-term stress is an inverted vol term structure (ratio > 1), not < 0.9',
    why: 'Seed L1322/L1495 reads VIX9D/VIX < 0.9 as "short-term stress"; by convention a ratio below 1 is calm contango and stress shows as short-dated vol above long-dated (spec §7.1). Corrected: stress when realised vol over 9 bars / 21 bars > 1.0.'
  },
  hardnessFragility: {
    id: 'hardness_fragility_split',
    title: 'Hardness and fragility are two measures, not one scalar and its inverse',
    why: 'The seed defines Fragility as the inverse of hardness yet wants hardness high at a trailhead (spec §7.2). Corrected: hardness stays the persistence of the correlation structure (the guard), and fragility — the vol-of-vol z-score — scales gross down on its own.'
  },
  surpriseLag: {
    id: 'surprise_lag',
    title: 'Surprise is scored against the next bar’s state',
    why: 'The seed’s trading_loop scores the forecast against the state it has just updated from the same data (spec §7.7), so Surprise is zero by construction. Corrected: the forecast made at t is scored against the risk reading at t + 1.'
  },
  killSwitch: {
    id: 'kill_switch_cooldown',
    title: 'The kill switch holds the book flat for 5 bars after a regime flip',
    why: 'The seed says "de-risk to neutral" on a regime flip but gives no duration (spec §7.8), which re-enters at once into the new state. Corrected: 5 bars flat (a trading week) so the flip can confirm.'
  },
  faultWarmup: {
    id: 'fault_warmup',
    title: 'A pair may fire a fault-line alert only after one half-life of its own history (240 bars)',
    why: 'The seed’s "> 2σ from its own history" (L1107) needs a σ; measured on the first 60 bars of a 60-bar window’s correlation it is one window’s wobble, and new alerts ran 3–6× their later rate for the 60 bars after arming (seeds 4–7). Corrected: terrain.fault_min_history = 240, the norm’s half-life, after which the rate is flat from the first armed bar.'
  }
} as const satisfies Record<string, CorrectionNote>

export const MARKET_TERRAIN_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The seed’s numbers as written: 60/240-bar windows, 2σ fault lines, risk-on 18–24 / risk-off 6–12 months, stock–bond +0.3 → −0.45, equity 0.6 → 0.9, VIX9D/VIX < 0.9 as stress, fragility as the inverse of hardness, Surprise scored without a lag.',
    overrides: {},
    corrections: []
  },
  corrected: {
    description: 'The seed with the contradictions of spec §7 fixed: the term-structure direction, hardness and fragility split, Surprise scored one bar ahead, a kill switch that holds for a week, fault lines only once a pair’s norm has a half-life of history.',
    overrides: { corrections: { term_direction: 'above', term_threshold: 1, fragility_brake: 'on', surprise_lag: 1, kill_switch_bars: 5 }, terrain: { fault_min_history: 240 } },
    corrections: Object.values(MARKET_TERRAIN_CORRECTIONS)
  }
}

// `--preset seed` is the issue's name for the seed's numbers: the faithful preset, by another name.
// The seed's risk rule sets (spec §5.4) as profiles: gross cap and drawdown stop of each.
export const MARKET_TERRAIN_PROFILES: Readonly<Record<string, ProfileDefinition>> = {
  seed: { description: 'The seed’s numbers as written (the faithful preset).', overrides: {} },
  retail_claude: { description: 'Seed §5.4 Retail-Claude: 10% total at risk, 20% monthly hard stop (as the drawdown stop), leverage halved to 5×.', overrides: { risk: { max_leverage: 5, max_drawdown: 0.2 } } },
  retail_5k: { description: 'Seed §5.4 Retail-ChatGPT $5k: ≤ 3× leverage, cut at a 10% monthly loss (as the drawdown stop).', overrides: { risk: { max_leverage: 3, max_drawdown: 0.1 } } },
  zero_fake: { description: 'Seed §5.4 Zero-Fake: 1× until the KPI gate, weekly 4.5% stop (as the drawdown stop).', overrides: { risk: { max_leverage: 1, max_drawdown: 0.045 } } },
  full_send: { description: 'Seed §5.4 Full-send: equities 3–4× (4×), weekly 7.5% post-mortem (as the drawdown stop).', overrides: { risk: { max_leverage: 4, max_drawdown: 0.075 } } }
}

/** One factor at a time against the frozen base: the seed's stresses as simulator changes. */
export function marketTerrainStressMenu(config: MarketTerrainConfig): StressVariant[] {
  const u = config.universe
  return [
    { name: 'risk-off twice as likely (spells halved on, doubled off)', overrides: { 'universe.durations.risk_on_months_min': u.durations.risk_on_months_min / 2, 'universe.durations.risk_on_months_max': u.durations.risk_on_months_max / 2, 'universe.durations.risk_off_months_min': u.durations.risk_off_months_min * 2, 'universe.durations.risk_off_months_max': u.durations.risk_off_months_max * 2 } },
    { name: 'flash-flood erosion (risk_off half-life 2 bars)', overrides: { 'universe.erosion.half_life.risk_off': 2 } },
    { name: 'decade-layer shocks ×20', overrides: { 'universe.shocks.decade.baseline': u.shocks.decade.baseline * 20 } },
    { name: 'stock–bond correlation stays positive in risk_off (+0.3)', overrides: { 'universe.correlation.stock_bond.risk_off': 0.3, 'universe.correlation.bond_fx.risk_off': 0.1, 'universe.correlation.bond_crypto.risk_off': 0.1, 'universe.correlation.bond_commodity.risk_off': 0.1 } },
    { name: 'no hardness guard', overrides: { 'strategy.min_node_hardness': 0 } },
    { name: 'fault lines at 3σ', overrides: { 'terrain.fault_sigma': 3 } }
  ]
}
