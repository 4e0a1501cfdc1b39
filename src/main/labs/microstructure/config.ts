import { z } from 'zod'
import { deepMerge, type CorrectionNote, type PresetDefinition, type ProfileDefinition, type StressVariant } from '../../engine/kernel'
import { nonNegative, num, positive, probability, whole } from '../common/fields'

// Keys follow the seed's JSON configs (microstructure-lab configs/*.json as its README
// describes them): scenario, fill model, fees, strategy chosen by a `type` key, analytics.
// The seed publishes no code, so constants it does not name are ours, marked "ours".

export const STRATEGY_TYPES = ['InventorySkewMM', 'TWAP', 'Momentum', 'DoNothing'] as const
export type StrategyType = (typeof STRATEGY_TYPES)[number]
export const PROFILE_NAMES = ['baseline_mm', 'twap', 'momentum', 'crowded_execution'] as const
export type ProfileName = (typeof PROFILE_NAMES)[number]
export const REGIME_NAMES = ['calm', 'stressed'] as const

const Scenario = z
  .strictObject({
    mid0: num().gt(0, { error: 'must be > 0 (a price; negative or zero prices are refused)' }).default(100),
    tick_size: num().gt(0, { error: 'must be > 0 (a price increment)' }).default(0.01).meta({ description: 'Price increment of the book', unit: 'price' }),
    /** Per-step volatility of the mid in the calm regime (seed: sigma_bps). */
    sigma_bps: nonNegative().default(4.0).meta({ description: 'Mid volatility per step in calm', unit: 'bps/step' }),
    stress_vol_mult: num().min(1, { error: 'must be ≥ 1 (stressed is at least as volatile as calm)' }).default(3.0),
    /** Per-step drift of the mid, bps (seed: "configurable drift"). */
    drift_bps: num().default(0),
    /** Markov switching: per-step probabilities of entering and leaving the stressed regime. */
    p_enter_stress: probability().default(0.01).meta({ description: 'Chance per step of entering the stressed regime', unit: 'per step' }),
    p_exit_stress: probability().default(0.05).meta({ description: 'Chance per step of leaving the stressed regime', unit: 'per step' }),
    /** Quoted spread of the background book: base_spread_bps + spread_vol_sensitivity · σ_bps(t). */
    base_spread_bps: num().min(0, { error: 'must be ≥ 0 (a negative spread is a crossed book)' }).default(2.0).meta({ description: 'Quoted spread of the book in calm', unit: 'bps' }),
    spread_vol_sensitivity: nonNegative().default(0.5),
    min_spread_ticks: whole().min(1, { error: 'must be ≥ 1 tick (0 is a locked book, below 0 a crossed one)' }).default(1),
    depth_levels: whole().min(1, { error: 'must be ≥ 1 level (zero depth is not a book)' }).max(64, { error: 'must be ≤ 64 levels' }).default(5).meta({ description: 'Price levels on each side of the book', unit: 'levels' }),
    /** Lots at the touch; level k holds depth_qty · exp(−depth_decay·k) with lognormal noise (ours). */
    depth_qty: num().gt(0, { error: 'must be > 0 lots (zero or negative depth is refused)' }).default(10),
    depth_decay: nonNegative().default(0.15),
    depth_noise: nonNegative().max(2, { error: 'must be ≤ 2' }).default(0.3),
    /** Depth multiplier in the stressed regime (liquidity withdraws; ours). */
    stress_depth_mult: num().gt(0, { error: 'must be > 0 (zero depth is refused)' }).max(10, { error: 'must be ≤ 10' }).default(0.5)
  })
  .prefault({})

const Fills = z
  .strictObject({
    /** Passive fill probability at the touch, per quote and step; decays as exp(−fill_decay · ticks from the touch). */
    fill_base_prob: probability().default(0.12),
    fill_decay: nonNegative().default(0.6),
    /** Informed takers crossing into stale quotes: probability cross_base_prob · σ(t)/σ_calm per step (capped at 1). */
    cross_base_prob: probability().default(0.03),
    /** Mean size (lots) of a taker in the queue-aware model (corrections.passive_fill = "queue"). */
    taker_qty_mean: positive().default(6)
  })
  .prefault({})

const Fees = z
  .strictObject({
    /** bps of notional; negative = rebate, booked as P&L (costs are never negative). */
    maker_fee_bps: num().min(-10, { error: 'must be ≥ −10 bps' }).max(100, { error: 'must be ≤ 100 bps' }).default(-0.2).meta({ description: 'Fee on passive fills (negative: a rebate)', unit: 'bps' }),
    taker_fee_bps: num().min(0, { error: 'must be ≥ 0 bps (a taker pays)' }).max(100, { error: 'must be ≤ 100 bps' }).default(0.5).meta({ description: 'Fee on aggressive fills', unit: 'bps' })
  })
  .prefault({})

// One flat block for all strategies so `--set strategy.type=…` switches without leftover-key errors;
// each strategy reads only its own keys.
const Strategy = z
  .strictObject({
    type: z.enum(STRATEGY_TYPES, { error: `must be one of ${STRATEGY_TYPES.join(', ')}` }).default('InventorySkewMM'),
    decision_every: whole().min(1, { error: 'must be ≥ 1 step' }).default(1),
    // InventorySkewMM: reservation = mid − inv_penalty_bps·inventory (bps of mid), quotes at ± half_spread_bps
    quote_qty: num().gt(0, { error: 'must be > 0 lots' }).default(1),
    half_spread_bps: num().min(0, { error: "must be ≥ 0 (a negative half-spread crosses the maker's own quotes)" }).default(3.0).meta({ description: 'Distance of the maker’s quotes from mid', unit: 'bps' }),
    inv_penalty_bps: nonNegative().default(0.8).meta({ description: 'Quote skew per lot of inventory', unit: 'bps/lot' }),
    max_inventory: positive().default(25).meta({ description: 'Largest inventory the maker will hold', unit: 'lots' }),
    // TWAP: reach target_inventory in equal child market orders over total_steps
    target_inventory: num().default(50),
    total_steps: whole().min(1, { error: 'must be ≥ 1 step' }).default(2500),
    // Momentum: log return over `window` steps beyond ±threshold_bps → a market order of order_qty
    window: whole().min(1, { error: 'must be ≥ 1 step' }).default(20),
    threshold_bps: nonNegative().default(8),
    order_qty: num().gt(0, { error: 'must be > 0 lots' }).default(1),
    max_position: positive().default(20)
  })
  .prefault({})

const Risk = z
  .strictObject({
    /** Hard |inventory| limit enforced by the kernel's risk gate (a logged constraint event). */
    position_limit: positive().default(100),
    initial_equity: positive().default(10_000)
  })
  .prefault({})

const Analytics = z
  .strictObject({
    /** Look-ahead horizon of the adverse-selection annotation, steps. */
    adverse_horizon_steps: whole().min(1, { error: 'must be ≥ 1 step' }).max(10_000, { error: 'must be ≤ 10,000 steps' }).default(10),
    /** Sharpe annualisation: one step = one minute of a 6.5 h, 252-day year (ours; the seed does not say). */
    periods_per_year: positive().default(252 * 390)
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** peak: steps from the |inventory| peak to half of it (∞ if never); ar1: ln ½ / ln φ of inventory's AR(1). */
    half_life: z.enum(['peak', 'ar1'], { error: 'must be "peak" or "ar1"' }).default('peak'),
    /** probabilistic: the whole quote fills with p(distance), queue ignored; queue: takers must trade through the queue ahead. */
    passive_fill: z.enum(['probabilistic', 'queue'], { error: 'must be "probabilistic" or "queue"' }).default('probabilistic'),
    /** at_fill: side·(mid − price) (the effective half-spread); at_horizon: side·(mid after h − price) (Huang–Stoll realised). */
    realized_spread: z.enum(['at_fill', 'at_horizon'], { error: 'must be "at_fill" or "at_horizon"' }).default('at_fill')
  })
  .prefault({})

/**
 * Crowded execution (seed 002's mean-field view; crowding.ts): `n` agents liquidate `shares` lots
 * each over `periods` steps on Almgren–Chriss schedules, under permanent impact γ and temporary
 * impact η that respond to the crowd's aggregate trading. Off (n = 0) unless a run asks for it
 * (profile crowded_execution, or `--set crowd.n=…`); the impacts are ours, of the order of the
 * book's tick per lot, so one agent's 100 lots move the mid ~5 bps.
 */
const Crowd = z
  .strictObject({
    n: whole().min(0, { error: 'must be ≥ 0 agents (0: no crowd)' }).max(1000, { error: 'must be ≤ 1,000 agents' }).default(0).meta({ description: 'Agents liquidating the same position (0: no crowd)', unit: 'agents' }),
    shares: positive().default(100).meta({ description: 'Lots each agent liquidates', unit: 'lots' }),
    periods: whole().min(1, { error: 'must be ≥ 1 step' }).max(100_000, { error: 'must be ≤ 100,000 steps' }).default(50).meta({ description: 'Steps over which each agent liquidates', unit: 'steps' }),
    gamma: nonNegative().default(5e-4).meta({ description: 'Permanent impact per lot sold', unit: 'price/lot' }),
    eta: positive().default(2e-3).meta({ description: 'Temporary impact per lot per step of trading rate', unit: 'price/(lot/step)' }),
    lambda: nonNegative().default(2.5e-4).meta({ description: 'Risk aversion of the Almgren–Chriss schedule', unit: '1/price²' }),
    scenarios: whole().min(1, { error: 'must be ≥ 1' }).max(100_000, { error: 'must be ≤ 100,000' }).default(2000).meta({ description: 'Mid paths for the drawdown amplification', unit: 'paths' })
  })
  .prefault({})
export type CrowdConfig = z.infer<typeof Crowd>

export const MicrostructureConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(42),
    profile: z.enum(PROFILE_NAMES, { error: `must be one of ${PROFILE_NAMES.join(', ')}` }).default('baseline_mm'),
    steps: whole().min(2, { error: 'must be ≥ 2 steps' }).max(20_000_000, { error: 'must be ≤ 20,000,000 steps' }).default(2500).meta({ description: 'Number of order-book steps in the run', unit: 'steps' }),
    scenario: Scenario,
    fills: Fills,
    fees: Fees,
    strategy: Strategy,
    risk: Risk,
    analytics: Analytics,
    corrections: Corrections,
    crowd: Crowd
  })
  .superRefine((c, ctx) => {
    // Almgren–Chriss need η̃ = η − γτ/2 > 0: trading faster must cost more.
    if (c.crowd.eta <= c.crowd.gamma / 2) ctx.addIssue({ code: 'custom', path: ['crowd', 'eta'], message: `must be > crowd.gamma / 2 = ${c.crowd.gamma / 2} so that trading faster costs more (got ${c.crowd.eta})` })
    const s = c.scenario
    // The book indexes integer ticks > 0: the mid must span enough ticks for the depth and spread.
    const minTicks = 4 * (s.depth_levels + s.min_spread_ticks)
    if (s.mid0 / s.tick_size < minTicks) {
      ctx.addIssue({ code: 'custom', path: ['scenario', 'mid0'], message: `must be at least ${minTicks} ticks of ${s.tick_size} so every depth level has a positive price (got ${s.mid0})` })
    }
    if (Math.abs(c.strategy.target_inventory) > c.risk.position_limit) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'target_inventory'], message: `must be within ±risk.position_limit = ${c.risk.position_limit} (got ${c.strategy.target_inventory})` })
    }
    if (c.strategy.type === 'TWAP' && c.strategy.total_steps > c.steps) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'total_steps'], message: `must be ≤ steps = ${c.steps} so the target can be reached within the run (got ${c.strategy.total_steps})` })
    }
    if (c.strategy.type === 'Momentum' && c.strategy.window >= c.steps) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'window'], message: `must be shorter than the run (steps = ${c.steps}; got ${c.strategy.window})` })
    }
  })

export type MicrostructureConfig = z.infer<typeof MicrostructureConfigSchema>

/**
 * The seed's three configs (configs/baseline_mm.json, twap.json, momentum.json), and our crowded one, as overrides of
 * the schema's defaults: the base the `profile` key picks. Only what the README states is fixed
 * (2500 steps, sigma_bps 4.0, inv_penalty_bps 0.8); the rest is ours.
 */
export const SEED_CONFIGS: Readonly<Record<ProfileName, Record<string, unknown>>> = {
  baseline_mm: { steps: 2500, scenario: { sigma_bps: 4.0 }, strategy: { type: 'InventorySkewMM', inv_penalty_bps: 0.8 } },
  twap: { steps: 2500, scenario: { sigma_bps: 4.0 }, strategy: { type: 'TWAP', target_inventory: 50, total_steps: 2000 } },
  momentum: { steps: 2500, scenario: { sigma_bps: 4.0 }, strategy: { type: 'Momentum', window: 20, threshold_bps: 8, order_qty: 1, max_position: 20 } },
  // Ours (issue 18 item 6, not a seed config): the lone agent's sale of the crowd's position on
  // the book (TWAP of crowd.shares over crowd.periods), with the crowd's figures in the report.
  crowded_execution: { steps: 500, scenario: { sigma_bps: 4.0 }, strategy: { type: 'TWAP', target_inventory: -100, total_steps: 50 }, crowd: { n: 5 } }
}

/**
 * The defaults presets and user overrides apply to: the schema's, under the seed config the
 * user's `profile` names (baseline_mm when none). An unknown profile leaves the schema's
 * defaults, and the schema then refuses the name.
 */
export function microstructureDefaults(user: Record<string, unknown>): Record<string, unknown> {
  const base = MicrostructureConfigSchema.parse({}) as Record<string, unknown>
  const name = user.profile ?? 'baseline_mm'
  return typeof name === 'string' && Object.hasOwn(SEED_CONFIGS, name) ? deepMerge(base, SEED_CONFIGS[name as ProfileName]) : base
}

/** The seed's three configs, selectable like presets (`--preset twap`): the faithful preset with that profile. */
export const MICROSTRUCTURE_PROFILES: Readonly<Record<ProfileName, ProfileDefinition>> = {
  baseline_mm: { description: "InventorySkewMM, 2500 steps, sigma_bps 4.0, inv_penalty_bps 0.8 (the seed's baseline)", overrides: { profile: 'baseline_mm' } },
  twap: { description: 'TWAP slicing a target inventory over total_steps', overrides: { profile: 'twap' } },
  momentum: { description: 'Momentum: rolling-window return signal → market orders', overrides: { profile: 'momentum' } },
  crowded_execution: {
    description: 'Crowded execution: crowd.n agents sell the same 100 lots over 50 steps (Almgren–Chriss, crowd-dependent impact) — cost per agent and drawdown amplification against one agent alone; the book run is the lone agent’s TWAP',
    overrides: { profile: 'crowded_execution' }
  }
}

export const MICROSTRUCTURE_CORRECTIONS = {
  halfLife: {
    id: 'half_life',
    title: 'Inventory half-life from the AR(1) coefficient of inventory',
    why: 'The seed counts the steps from the |inventory| peak until it halves, ∞ if it never does after that one peak: a single extreme point decides, a peak near the end reads ∞ however fast inventory mean-reverts, and an oscillating book has no meaningful "half its peak". Corrected: φ = Σ q(t)q(t+1) / Σ q(t)², half-life = ln ½ / ln |φ| (∞ only when |φ| ≥ 1) (corrections.half_life = "ar1").'
  },
  passiveFill: {
    id: 'passive_fill',
    title: 'Passive fills trade through the queue ahead',
    why: 'The seed fills a resting quote with probability p(distance from the touch) as a whole, even when it sits behind the touch and nothing traded down to it, and ignores the orders queued ahead. Corrected: only a quote the touch reached during the step can fill; a taker arrives with the at-touch probability fill_base_prob and an exponential size (mean fills.taker_qty_mean) and trades the queue ahead first (gone when the touch moved through the price), so a quote fills in part or not at all (corrections.passive_fill = "queue").'
  },
  realizedSpread: {
    id: 'realized_spread',
    title: 'Realised spread measured at the horizon',
    why: 'The seed\'s realized_spread_avg is side·(mid − price) at the fill, which is the effective half-spread; the realised spread of the TCA literature (Huang–Stoll; Glosten–Milgrom\'s split) is what the maker keeps after the price has moved: side·(mid(t+h) − price) = effective − adverse selection (corrections.realized_spread = "at_horizon").'
  }
} as const satisfies Record<string, CorrectionNote>

export const MICROSTRUCTURE_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The seed as described: probabilistic passive fills that ignore the queue, peak-based inventory half-life, realised spread measured at the fill.',
    overrides: { corrections: { half_life: 'peak', passive_fill: 'probabilistic', realized_spread: 'at_fill' } },
    corrections: []
  },
  corrected: {
    description: 'Queue-aware passive fills, AR(1) inventory half-life, realised spread at the adverse-selection horizon.',
    overrides: { corrections: { half_life: 'ar1', passive_fill: 'queue', realized_spread: 'at_horizon' } },
    corrections: [MICROSTRUCTURE_CORRECTIONS.halfLife, MICROSTRUCTURE_CORRECTIONS.passiveFill, MICROSTRUCTURE_CORRECTIONS.realizedSpread]
  }
}

/** One factor at a time against the frozen base: volatility, stress, spreads, fees, flow toxicity, depth. */
export function microstructureStressMenu(config: MicrostructureConfig): StressVariant[] {
  const s = config.scenario
  return [
    { name: 'volatility doubled', overrides: { 'scenario.sigma_bps': s.sigma_bps * 2 } },
    { name: 'stress entered twice as often', overrides: { 'scenario.p_enter_stress': Math.min(1, s.p_enter_stress * 2) } },
    { name: 'spread twice as sensitive to volatility', overrides: { 'scenario.spread_vol_sensitivity': s.spread_vol_sensitivity * 2 } },
    { name: 'depth halved', overrides: { 'scenario.depth_qty': s.depth_qty / 2 } },
    { name: 'informed flow doubled', overrides: { 'fills.cross_base_prob': Math.min(1, config.fills.cross_base_prob * 2) } },
    { name: 'no maker rebate, taker fee doubled', overrides: { 'fees.maker_fee_bps': Math.max(0, config.fees.maker_fee_bps), 'fees.taker_fee_bps': config.fees.taker_fee_bps * 2 } },
    { name: 'trending mid (+1 bp per step)', overrides: { 'scenario.drift_bps': s.drift_bps + 1 } }
  ]
}
