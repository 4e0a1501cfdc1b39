import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'

// Keys and nesting mirror the notebook's `run_config` (book ch.8; notebook CELL 2), less its
// free-text notes, so a path such as `execution_params.slippage_lambda` means the same thing here,
// in the CLI's --set and in the memo. `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['benign', 'mixed', 'toxic'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]
export const TOXIC = 2

const Regimes = z
  .strictObject({
    names: z
      .tuple([z.literal('benign'), z.literal('mixed'), z.literal('toxic')], {
        error: `must be ${JSON.stringify(REGIME_NAMES)} (the regime knobs are keyed by them)`
      })
      .default([...REGIME_NAMES]),
    // book ch.8 §4.2; notebook CELL 2: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.005],
      [0.04, 0.93, 0.03],
      [0.01, 0.07, 0.92]
    ])
  })
  // np.random.choice accepts a row whose sum is within sqrt(eps) of 1
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))
  .prefault({})

const MarketParams = z
  .strictObject({
    // book ch.8 §4.2–4.3; notebook CELLS 2–4
    mid0: positive().default(100).meta({ description: 'Starting midprice', unit: 'price' }),
    base_vol: positive().default(0.002).meta({ description: 'Latent volatility scale', unit: 'return per step' }),
    vol_persist: probability().default(0.975).meta({ description: 'Persistence of the latent volatility (AR(1) weight)', unit: 'fraction' }),
    imbalance_persist: probability().default(0.85).meta({ description: 'Persistence of the signed order-flow imbalance (AR(1) weight)', unit: 'fraction' }),
    flow_to_price_k: num().default(0.02).meta({ description: 'Return per unit of imbalance, divided by depth', unit: 'return' }),
    depth_mean: positive().default(1.0).meta({ description: 'Depth level the regime multiplier scales', unit: 'index' })
  })
  .prefault({})

/** A bucket axis of the surface: exactly four positive values, increasing. */
const buckets = (values: number[], what: string, unit: string) =>
  z
    .array(num().gt(0, { error: `must be > 0 (${what})` }), { error: `must be a list of ${what}` })
    .length(4, { error: 'must list exactly 4 buckets (the actions read buckets by index)' })
    .refine((xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]!), { error: 'must be strictly increasing' })
    .default(() => [...values])
    .meta({ description: `Surface axis: ${what}`, unit })

const SurfaceParams = z
  .strictObject({
    axes: z
      .strictObject({
        size_buckets: buckets([0.25, 0.5, 1.0, 1.5], 'trade sizes', 'inventory units'),
        horizon_buckets: buckets([1, 3, 8, 20], 'execution horizons', 'steps')
      })
      .prefault({})
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.8 §4.5; notebook CELL 5 (exec_trade)
    half_spread_bps_base: nonNegative().default(1.0).meta({ description: 'Half-spread at zero toxicity', unit: 'bps' }),
    half_spread_bps_toxic_add: nonNegative().default(5.0).meta({ description: 'Half-spread added per unit of toxicity', unit: 'bps' }),
    fee_bps: nonNegative().default(0.2).meta({ description: 'Fee on aggressive notional', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.1).meta({ description: 'Slippage per unit traded, scaled by 1 + 2·illiquidity', unit: 'bps per unit' }),
    adverse_selection_lambda: nonNegative().default(0.25).meta({ description: 'Adverse selection on passive fills (× toxicity^1.3 × imbalance × 10)', unit: 'bps' }),
    maker_rebate_bps: nonNegative().default(0.1).meta({ description: 'Maker rebate on passive notional', unit: 'bps' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2.0).meta({ description: 'Cap on |inventory·mid|/equity (scales the target down)', unit: '× equity' }),
    pos_limit: positive().default(2.0).meta({ description: 'Largest |inventory|', unit: 'units' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.2).meta({ description: 'Drawdown from peak that stops the book (FLAT)', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS,
    llm_max_rationale_chars: whole().min(1, { error: 'must be ≥ 1' }).default(240)
  })
  .prefault({})

const Telemetry = z
  .strictObject({
    print_every: whole().min(1, { error: 'must be ≥ 1' }).default(50).meta({ description: 'Heartbeat cadence of the notebook loop (prints only)', unit: 'steps' }),
    time_budget_warn_s: positive().default(0.75).meta({ description: 'Wall-clock time above which the notebook counts a step as slow', unit: 's' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    cost_accounting: z.enum(['double', 'once'], { error: 'must be "double" or "once"' }).default('double'),
    flat_execution: z.enum(['free', 'costed'], { error: 'must be "free" or "costed"' }).default('free'),
    impact_bucket: z.enum(['action', 'traded_size'], { error: 'must be "action" or "traded_size"' }).default('action'),
    drawdown_stop: z.enum(['baseline_only', 'override'], { error: 'must be "baseline_only" or "override"' }).default('baseline_only')
  })
  .prefault({})

export const OrderFlowConfigSchema = z.strictObject({
  seed: legacySeed(7),
  T: whole().min(1, { error: 'must be ≥ 1' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(100).meta({ title: 'T (steps)', description: 'Number of steps', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step (recorded; the notebook annualises with √252 regardless)', unit: 'steps' }),
  regimes: Regimes,
  market_params: MarketParams,
  surface_params: SurfaceParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  telemetry: Telemetry,
  corrections: Corrections
})
export type OrderFlowConfig = z.infer<typeof OrderFlowConfigSchema>

// book ch.8 §4.5 (accounting bugs and the spec's proposals); each switch can be flipped alone.
export const ORDER_FLOW_CORRECTIONS = {
  costsOnce: {
    id: 'costs_once',
    title: 'Execution costs charged once, signed',
    why: 'The notebook fills at mid·(1 ± eff/1e4) and then also subtracts |Δq|·mid·|eff|/1e4 from cash: an aggressive trade pays its spread, impact, slippage and fee twice, and a passive fill’s spread capture is cancelled exactly (it can never earn the spread). Corrected (corrections.cost_accounting = "once"): the execution price is the only charge, so a passive fill whose spread and rebate beat its adverse selection earns them, and cum_costs is the signed sum Σ|Δq|·mid·eff/1e4.'
  },
  flatCosted: {
    id: 'flat_costed',
    title: 'Flattening pays to cross',
    why: 'The notebook executes FLAT at mid with no cost, whatever inventory it closes, so exits are free. Corrected (corrections.flat_execution = "costed"): closing inventory is an aggressive trade at the shortest horizon through the same cost function (half-spread, impact, slippage, fee).'
  },
  impactAtTradedSize: {
    id: 'impact_at_traded_size',
    title: 'Impact read at the size traded',
    why: 'The notebook reads impact from a bucket fixed by the action (0.5 units for PASSIVE_PROVIDE, 1.0 for AGGRESSIVE_TAKE) while the leverage cap keeps |Δq| near 0.02 units: it charges the impact of a trade 25–50 times larger. Corrected (corrections.impact_bucket = "traded_size"): impact is the grid’s column for the action’s horizon, interpolated linearly in size at |Δq| (0 at size 0, the last segment extended above the largest bucket).'
  },
  stopOverride: {
    id: 'stop_override',
    title: 'The drawdown stop binds every policy',
    why: 'The notebook’s stop is a rule inside baseline_policy: the LLM path (any other policy) ignores it. Corrected (corrections.drawdown_stop = "override"): the kernel’s risk gate holds the book flat once the drawdown passes max_dd_stop, whichever policy decides.'
  }
} as const satisfies Record<string, CorrectionNote>

export const ORDER_FLOW_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 7, T 100), quirks kept: costs charged twice, free flattening, impact from the action’s bucket, a stop only the baseline obeys.',
    overrides: { corrections: { cost_accounting: 'double', flat_execution: 'free', impact_bucket: 'action', drawdown_stop: 'baseline_only' } },
    corrections: []
  },
  corrected: {
    description: 'Costs charged once through the execution price (a passive fill can earn the spread), flattening pays to cross, impact read at the traded size, a drawdown stop that binds every policy.',
    overrides: { corrections: { cost_accounting: 'once', flat_execution: 'costed', impact_bucket: 'traded_size', drawdown_stop: 'override' } },
    corrections: Object.values(ORDER_FLOW_CORRECTIONS)
  }
}

/**
 * The chapter's experiments, one factor at a time against the frozen base (book ch.8 §4.1
 * experiments 1–5; the sixth, LLM stress tests, needs an agent): toxic-regime persistence,
 * impact convexity in size, stronger adverse selection, spread against impact both ways, and
 * tighter leverage, position and drawdown limits.
 */
export function orderFlowStressMenu(config: OrderFlowConfig): StressVariant[] {
  const P = config.regimes.markov_P
  // toxic twice as persistent: half the chance of leaving it, the rest kept in toxic
  const stickier = P.map((row, i) => (i !== TOXIC ? row : row.map((p, j) => (j === TOXIC ? 1 - (1 - p) / 2 : p / 2))))
  const ep = config.execution_params
  const rp = config.risk_params
  const sizes = config.surface_params.axes.size_buckets
  return [
    { name: 'toxic regime twice as persistent', overrides: { 'regimes.markov_P': stickier } },
    { name: 'size buckets doubled (impact convex in size)', overrides: { 'surface_params.axes.size_buckets': sizes.map((q) => q * 2) } },
    { name: 'adverse selection tripled', overrides: { 'execution_params.adverse_selection_lambda': ep.adverse_selection_lambda * 3 } },
    { name: 'spread halved, slippage tripled', overrides: { 'execution_params.half_spread_bps_base': ep.half_spread_bps_base / 2, 'execution_params.half_spread_bps_toxic_add': ep.half_spread_bps_toxic_add / 2, 'execution_params.slippage_lambda': ep.slippage_lambda * 3 } },
    { name: 'spread doubled, slippage a third', overrides: { 'execution_params.half_spread_bps_base': ep.half_spread_bps_base * 2, 'execution_params.half_spread_bps_toxic_add': ep.half_spread_bps_toxic_add * 2, 'execution_params.slippage_lambda': ep.slippage_lambda / 3 } },
    { name: 'tighter limits (leverage, position, stop halved)', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2, 'risk_params.pos_limit': rp.pos_limit / 2, 'risk_params.max_dd_stop': rp.max_dd_stop / 2 } },
    { name: 'leverage cap ×50 (the size buckets bind)', overrides: { 'risk_params.max_leverage': rp.max_leverage * 50 } }
  ]
}
