import { z } from 'zod'
import type { CorrectionNote, PresetDefinition } from '../../engine/kernel'

// Keys and nesting mirror the notebook's `run_config` (book ch.5; notebook cell 6), less its
// free-text notes. `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['carry_calm', 'late_cycle', 'liquidity_stress'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]

const num = () => z.number({ error: 'must be a number' })
const whole = () => z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' })
const positive = (fallback: number) => num().gt(0, { error: 'must be > 0' }).default(fallback)
const nonNegative = (fallback: number) => num().min(0, { error: 'must be ≥ 0' }).default(fallback)
const probability = num().min(0, { error: 'must be ≥ 0' }).max(1, { error: 'must be ≤ 1' })

const RegimesConfig = z
  .strictObject({
    names: z
      .array(z.enum(REGIME_NAMES, { error: `must be one of ${REGIME_NAMES.join(', ')}` }))
      .length(3, { error: 'must name the three regimes' })
      .refine((names) => new Set(names).size === 3, { error: `must name each of ${REGIME_NAMES.join(', ')} once` })
      .default([...REGIME_NAMES]),
    markov_P: z
      .array(z.array(probability).length(3, { error: 'each row must have 3 probabilities' }), { error: 'must be a 3×3 matrix' })
      .length(3, { error: 'must have 3 rows, one per regime' })
      .superRefine((rows, ctx) => {
        // np.random.choice accepts a row whose sum is within sqrt(eps) of 1
        rows.forEach((row, i) => {
          const total = row.reduce((s, p) => s + p, 0)
          if (Math.abs(total - 1) > Math.sqrt(Number.EPSILON)) ctx.addIssue({ code: 'custom', path: [i], message: `row ${i} must sum to 1 (got ${total})` })
        })
      })
      .default([
        [0.965, 0.03, 0.005],
        [0.06, 0.92, 0.02],
        [0.09, 0.14, 0.77]
      ])
  })
  .prefault({})

const MarketParams = z
  .strictObject({
    rf_level0: num().default(0.03),
    rf_mean_revert: nonNegative(0.02),
    rf_sigma: nonNegative(0.006),
    hazard0: positive(0.015).meta({ description: 'Starting default intensity', unit: 'per year' }),
    hazard_kappa: nonNegative(0.08),
    hazard_sigma: nonNegative(0.03),
    liq0: positive(0.1),
    liq_kappa: nonNegative(0.1),
    liq_sigma: nonNegative(0.1),
    corr_stress0: positive(0.15),
    corr_kappa: nonNegative(0.08),
    corr_sigma: nonNegative(0.1),
    recovery_rate: probability.default(0.4).meta({ description: 'Fraction of par recovered on default', unit: 'fraction' }),
    jump_intensity_stress: probability.default(0.015).meta({ description: 'Chance of a spread jump per liquidity-stress step', unit: 'per step' }),
    jump_size_spread: nonNegative(0.002)
  })
  .prefault({})

const SurfaceParams = z
  .strictObject({
    tenors_days: z
      .array(num().gt(0, { error: 'must be > 0 days' }), { error: 'must be a list of tenors in days' })
      .min(2, { error: 'must list at least 2 tenors (slope = longest − shortest)' })
      .max(64, { error: 'must list at most 64 tenors' })
      .refine((days) => days.every((d, i) => i === 0 || d > days[i - 1]!), { error: 'must be strictly increasing' })
      .default([30, 90, 180, 365, 730]),
    rating_buckets: z
      .tuple([z.literal('IG'), z.literal('HY')], { error: 'must be ["IG", "HY"] (the buckets the surface has loadings for)' })
      .default(['IG', 'HY'])
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    cost_fixed: nonNegative(0).meta({ description: 'Fixed cost per trade', unit: 'currency' }),
    cost_bps: nonNegative(3).meta({ description: 'Proportional cost on turnover', unit: 'bps' }),
    slippage_lambda: nonNegative(0.18).meta({ description: 'Impact coefficient on trade size (liquidity-scaled)' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive(2).meta({ description: 'Gross exposure cap: larger targets are scaled down', unit: '× equity' }),
    pos_limit: positive(1).meta({ description: 'Largest position per leg', unit: '× equity' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.22).meta({ description: 'Drawdown from peak equity that forces the book flat', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    // Recorded as in the notebook; this lab has no LLM adapter, so every decision is the baseline's.
    enable_llm: z.boolean({ error: 'must be true or false' }).default(false),
    llm_model: z.string({ error: 'must be a model name' }).default('gpt-4o-mini'),
    llm_temperature: num().min(0, { error: 'must be ≥ 0' }).default(0),
    fallback_to_baseline_on_error: z.boolean({ error: 'must be true or false' }).default(true),
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

export const CreditSpreadsConfig = z.strictObject({
  seed: whole()
    .min(0, { error: 'must be ≥ 0' })
    .max(0xffff_ffff, { error: 'must be < 2^32 (NumPy legacy seed)' })
    .default(11),
  T: whole().min(2, { error: 'must be ≥ 2' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(900).meta({ title: 'T (steps)', description: 'Number of steps in the run', unit: 'steps' }),
  dt: positive(1),
  regimes: RegimesConfig,
  market_params: MarketParams,
  surface_params: SurfaceParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  corrections: Corrections
})
export type CreditSpreadsConfig = z.infer<typeof CreditSpreadsConfig>

// book ch.5 §6.4 (spec bugs 1, 3, 4 and the baseline's bfill); each switch can be flipped alone.
export const CORRECTIONS = {
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

export const creditSpreadsPresets: Record<'faithful' | 'corrected', PresetDefinition> = {
  faithful: {
    description: 'The notebook as published (seed 11, T 900), quirks kept: spread sign, no carry, back-filled means.',
    overrides: { corrections: { spread_sign: 'notebook', carry_accrual: false, baseline_warmup: 'bfill' } },
    corrections: [CORRECTIONS.stepBudget]
  },
  corrected: {
    description: 'Long spread = long protection, carry accrued, no look-ahead in the baseline warm-up.',
    overrides: { corrections: { spread_sign: 'long_protection', carry_accrual: true, baseline_warmup: 'expanding' } },
    corrections: [CORRECTIONS.spreadSign, CORRECTIONS.carryAccrual, CORRECTIONS.baselineWarmup, CORRECTIONS.stepBudget]
  }
}
