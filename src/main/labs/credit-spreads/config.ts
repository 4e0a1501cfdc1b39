import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'

// Keys and nesting mirror the notebook's `run_config` (book ch.5; notebook cell 6), less its
// free-text notes, so a path such as `risk_params.max_dd_stop` means the same thing here, in the
// CLI's --set and in the memo. `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['carry_calm', 'late_cycle', 'liquidity_stress'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]

const Regimes = z
  .strictObject({
    names: z
      .array(z.enum(REGIME_NAMES, { error: `must be one of ${REGIME_NAMES.join(', ')}` }))
      .length(3, { error: 'must name the three regimes' })
      .refine((names) => new Set(names).size === 3, { error: `must name each of ${REGIME_NAMES.join(', ')} once` })
      .default(() => [...REGIME_NAMES]),
    // book ch.5 §5.2.1; notebook cell 6: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.005],
      [0.06, 0.92, 0.02],
      [0.09, 0.14, 0.77]
    ])
  })
  // np.random.choice accepts a row whose sum is within sqrt(eps) of 1
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))
  .prefault({})

const MarketParams = z
  .strictObject({
    // book ch.5 §5.2.1; notebook cell 6: the state processes and their starting points
    rf_level0: num().default(0.03).meta({ description: 'Starting (and long-run) risk-free rate', unit: 'per year' }),
    rf_mean_revert: nonNegative().default(0.02).meta({ description: 'Mean reversion of the risk-free rate', unit: 'per dt' }),
    rf_sigma: nonNegative().default(0.006).meta({ description: 'Volatility of the risk-free rate', unit: 'per √dt' }),
    hazard0: positive().default(0.015).meta({ description: 'Starting default intensity', unit: 'per year' }),
    hazard_kappa: nonNegative().default(0.08).meta({ description: 'Mean reversion of log hazard', unit: 'per dt' }),
    hazard_sigma: nonNegative().default(0.03).meta({ description: 'Volatility of log hazard', unit: 'per √dt' }),
    liq0: positive().default(0.1).meta({ description: 'Starting (and long-run) liquidity stress', unit: 'index' }),
    liq_kappa: nonNegative().default(0.1).meta({ description: 'Mean reversion of log liquidity stress', unit: 'per dt' }),
    liq_sigma: nonNegative().default(0.1).meta({ description: 'Volatility of log liquidity stress', unit: 'per √dt' }),
    corr_stress0: positive().default(0.15).meta({ description: 'Starting (and long-run) correlation stress', unit: 'index' }),
    corr_kappa: nonNegative().default(0.08).meta({ description: 'Mean reversion of log correlation stress', unit: 'per dt' }),
    corr_sigma: nonNegative().default(0.1).meta({ description: 'Volatility of log correlation stress', unit: 'per √dt' }),
    recovery_rate: probability().default(0.4).meta({ description: 'Fraction of par recovered on default', unit: 'fraction' }),
    jump_intensity_stress: probability().default(0.015).meta({ description: 'Chance of a spread jump per liquidity-stress step', unit: 'per step' }),
    jump_size_spread: nonNegative().default(0.002).meta({ description: 'Scale of a stress jump, times each bucket’s jump shape a + b√τ', unit: 'spread (decimal)' })
  })
  .prefault({})

const SurfaceParams = z
  .strictObject({
    tenors_days: z
      .array(num().gt(0, { error: 'must be > 0 days' }), { error: 'must be a list of tenors in days' })
      .min(2, { error: 'must list at least 2 tenors (slope = longest − shortest)' })
      .max(64, { error: 'must list at most 64 tenors' })
      .refine((days) => days.every((d, i) => i === 0 || d > days[i - 1]!), { error: 'must be strictly increasing' })
      .default(() => [30, 90, 180, 365, 730])
      .meta({ description: 'Tenors of the spread curves', unit: 'days' }),
    rating_buckets: z
      .tuple([z.literal('IG'), z.literal('HY')], { error: 'must be ["IG", "HY"] (the buckets the surface has loadings for)' })
      .default(['IG', 'HY'])
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.5 §5.4; notebook cell 6 (trade_cost in cell 21)
    cost_fixed: nonNegative().default(0).meta({ description: 'Fixed cost per trade', unit: 'currency' }),
    cost_bps: nonNegative().default(3).meta({ description: 'Proportional cost on turnover', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.18).meta({ description: 'Impact coefficient on trade size (liquidity-scaled)' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2).meta({ description: 'Gross exposure cap: larger targets are scaled down', unit: '× equity' }),
    pos_limit: positive().default(1).meta({ description: 'Largest position per leg', unit: '× equity' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.22).meta({ description: 'Drawdown from peak equity that forces the book flat', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS,
    llm_max_rationale_chars: whole().min(1, { error: 'must be ≥ 1' }).default(240),
    decision_every: whole().min(1, { error: 'must be ≥ 1' }).default(1).meta({ description: 'Decide every n steps and hold the action between', unit: 'steps' }),
    // Replaces the notebook's 30 s wall-clock budget: null runs all T − 1 steps.
    step_budget: whole().min(1, { error: 'must be ≥ 1' }).nullable().default(null).meta({ description: 'Steps the run may take (replaces the notebook’s 30 s budget); empty runs all', unit: 'steps' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    spread_sign: z.enum(['notebook', 'long_protection'], { error: 'must be "notebook" or "long_protection"' }).default('notebook'),
    carry_accrual: z.boolean({ error: 'must be true or false' }).default(false),
    baseline_warmup: z.enum(['bfill', 'expanding'], { error: 'must be "bfill" or "expanding"' }).default('bfill')
  })
  .prefault({})

export const CreditSpreadsConfigSchema = z.strictObject({
  seed: legacySeed(11),
  T: whole().min(2, { error: 'must be ≥ 2' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(900).meta({ title: 'T (steps)', description: 'Number of steps in the run', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step of the state processes (the notebook’s dt = 1: one step)', unit: 'steps' }),
  regimes: Regimes,
  market_params: MarketParams,
  surface_params: SurfaceParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  corrections: Corrections
})
export type CreditSpreadsConfig = z.infer<typeof CreditSpreadsConfigSchema>

// book ch.5 §6.4 (spec bugs 1, 3, 4 and the baseline's bfill); each switch can be flipped alone.
export const CREDIT_SPREADS_CORRECTIONS = {
  spreadSign: {
    id: 'spread_sign',
    title: 'Long spread is long protection',
    why: 'The notebook books level P&L as +pos × ΔP, and the index price falls when spreads widen, so LONG_SPREAD loses on widening although the book and the code comments say it benefits. Corrected: level P&L = −pos × ΔP (corrections.spread_sign = "long_protection"). The curve tilt already gains when the curve steepens, so it keeps its sign.'
  },
  carryAccrual: {
    id: 'carry_accrual',
    title: 'Book the spread carry',
    why: 'The book names carry as the mechanism, yet the notebook books price P&L only. Corrected: each level leg accrues −pos × level × dt over the step (short spread earns the spread), booked as its own `carry` P&L component (corrections.carry_accrual).'
  },
  baselineWarmup: {
    id: 'baseline_warmup',
    title: 'No back-filled trailing means',
    why: 'The baseline back-fills its 60-step trailing means, so its first 9 decisions read the mean of steps 0–9: a small look-ahead. Corrected: the expanding mean of the steps seen so far until 10 are available (corrections.baseline_warmup = "expanding").'
  },
  stepBudget: {
    id: 'step_budget',
    title: 'A step budget instead of a wall-clock budget',
    why: 'The notebook stops a run after 30 s of wall-clock time, so the same config can give different results. Here there is no clock: policy_params.step_budget caps the steps deterministically (null runs all T − 1).'
  }
} as const satisfies Record<string, CorrectionNote>

export const CREDIT_SPREADS_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 11, T 900), quirks kept: spread sign, no carry, back-filled means.',
    overrides: { corrections: { spread_sign: 'notebook', carry_accrual: false, baseline_warmup: 'bfill' } },
    corrections: [CREDIT_SPREADS_CORRECTIONS.stepBudget]
  },
  corrected: {
    description: 'Long spread = long protection, carry accrued, no look-ahead in the baseline warm-up.',
    overrides: { corrections: { spread_sign: 'long_protection', carry_accrual: true, baseline_warmup: 'expanding' } },
    corrections: [CREDIT_SPREADS_CORRECTIONS.spreadSign, CREDIT_SPREADS_CORRECTIONS.carryAccrual, CREDIT_SPREADS_CORRECTIONS.baselineWarmup, CREDIT_SPREADS_CORRECTIONS.stepBudget]
  }
}

/**
 * The book's stress runs, one dimension at a time against the frozen base (book §1.2 item 3;
 * ch.5 experiments: stress persistence, stress→impact coupling, drawdown stop and leverage cap).
 */
export function creditSpreadsStressMenu(config: CreditSpreadsConfig): StressVariant[] {
  const { markov_P: P, names } = config.regimes
  const stress = names.indexOf('liquidity_stress')
  // twice the chance of entering stress from each other regime, taken from staying put
  const moreStress = P.map((row, i) => row.map((p, j) => (i === stress ? p : j === stress ? Math.min(1, 2 * p) : j === i ? Math.max(0, p - (row[stress] ?? 0)) : p)))
  const ep = config.execution_params
  const mp = config.market_params
  const rp = config.risk_params
  return [
    { name: 'leverage cap halved', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2 } },
    { name: 'costs and impact doubled', overrides: { 'execution_params.cost_bps': ep.cost_bps * 2, 'execution_params.slippage_lambda': ep.slippage_lambda * 2 } },
    { name: 'stress entered twice as often', overrides: { 'regimes.markov_P': moreStress } },
    { name: 'stress jumps 10× as likely and twice as large', overrides: { 'market_params.jump_intensity_stress': Math.min(1, mp.jump_intensity_stress * 10), 'market_params.jump_size_spread': mp.jump_size_spread * 2 } },
    { name: 'liquidity stress level +50%', overrides: { 'market_params.liq0': mp.liq0 * 1.5 } },
    { name: 'drawdown stop tightened to 5%', overrides: { 'risk_params.max_dd_stop': Math.min(rp.max_dd_stop, 0.05) } },
    { name: 'decision cadence 8 (the notebook LLM run)', overrides: { 'policy_params.decision_every': 8 } }
  ]
}
