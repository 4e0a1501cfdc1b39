import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, nonNegative, num, positive, probability, whole } from '../common/fields'

// Keys and nesting follow the notebook's run_config (CHAPTER_3.ipynb cell 6), so a path such as
// `risk_params.max_dd_stop` means the same thing here, in the CLI's --set and in the memo.
// Keys the notebook hard-codes inside its functions are exposed with their notebook values and
// marked "notebook constant"; `corrections` holds the switches the `corrected` preset flips.

const Regimes = z
  .strictObject({
    names: z.array(z.string().min(1, { error: 'must not be empty' })).length(2, { error: 'must name exactly two regimes (calm, then risk-off)' }).default(() => ['calm', 'risk_off']),
    // book ch.3 §4.2; notebook cell 6: P[i][j] = Prob(next = j | now = i)
    P: z.array(z.array(probability())).default(() => [
      [0.97, 0.03],
      [0.2, 0.8]
    ]),
    // notebook constant (cell 11): 3 forced risk-off windows of 18 steps, starts drawn in [50, T − 19)
    injected_windows: z
      .strictObject({
        n_windows: whole().min(0, { error: 'must be ≥ 0' }).max(1000, { error: 'must be ≤ 1000' }).default(3),
        win_len: whole().min(1, { error: 'must be at least 1 step' }).default(18),
        min_start: whole().min(0, { error: 'must be ≥ 0' }).default(50)
      })
      .prefault({})
  })
  .superRefine((r, ctx) => checkTransitionMatrix(r.P, 2, ctx, ['P']))

const MarketParams = z
  .strictObject({
    // book ch.3 §4.2; notebook cell 6 (annualised rates)
    usd_rate: num().min(0, { error: 'must be ≥ 0' }).max(1, { error: 'must be ≤ 1 (annualised)' }).default(0.03).meta({ description: 'Starting USD short rate (the funding leg)', unit: 'per year' }),
    rate_mean_spread: num().default(0.025).meta({ description: 'Mean rate differential of the basket over USD', unit: 'per year' }),
    rate_spread_disp: nonNegative().default(0.01),
    rate_revert_kappa: nonNegative().default(2.0),
    calm_vol: positive().default(0.08).meta({ description: 'Annualised FX volatility in calm', unit: 'per √year' }),
    stress_vol: positive().default(0.35).meta({ description: 'Annualised FX volatility in risk-off', unit: 'per √year' }),
    calm_drift: num().default(0.0),
    risk_off_drift: num().default(-0.2).meta({ description: 'Annual drift of the basket against USD in risk-off', unit: 'per year' }),
    jump_prob_risk_off: probability().default(0.1).meta({ description: 'Chance of a common jump per risk-off step', unit: 'per step' }),
    jump_size_mean: num().default(-0.05).meta({ description: 'Mean size of a risk-off jump (log return)', unit: 'log return' }),
    jump_size_std: nonNegative().default(0.03),
    // notebook constants (cell 11): risk sentiment OU, USD rate walk, currency-rate noise and bounds
    risk_sent_kappa: nonNegative().default(5.0),
    risk_sent_vol_calm: positive().default(0.8),
    risk_sent_vol_risk_off: positive().default(2.0),
    usd_rate_vol: nonNegative().default(0.0005),
    usd_rate_max: positive().default(0.1),
    rate_init_noise: nonNegative().default(0.002),
    rate_vol: nonNegative().default(0.004),
    rate_max: positive().default(0.25),
    /** Added to every currency's rate target in risk-off (the funding squeeze). */
    stress_spread_compression: num().default(-0.02),
    // notebook constant (cell 16): vol_t = vol·(1 + 0.12·tanh|risk_s|)
    vol_sentiment_coupling: nonNegative().default(0.12)
  })
  .prefault({})

const SurfaceParams = z
  .strictObject({
    tenors_days: z
      .array(whole().min(1, { error: 'must be at least 1 day' }))
      .min(1, { error: 'must list at least one tenor' })
      .refine((d) => d.includes(30), { error: 'must include 30 (the 30-day carry proxy reads it)' })
      .refine((d) => new Set(d).size === d.length, { error: 'must not repeat a tenor' })
      .default(() => [30, 90, 180])
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.3 §4.2; notebook cell 6: bps on turnover; impact regime-dependent and mildly convex
    cost_bps: nonNegative().default(1.5).meta({ description: 'Proportional cost on turnover', unit: 'bps' }),
    impact_bps_calm: nonNegative().default(8.0).meta({ description: 'Market impact per unit of turnover in calm', unit: 'bps' }),
    impact_bps_risk_off: nonNegative().default(35.0).meta({ description: 'Market impact per unit of turnover in risk-off', unit: 'bps' }),
    impact_exponent: positive().default(1.15).meta({ description: 'Convexity of impact in trade size (1 = linear)' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2.0).meta({ description: 'Gross exposure cap: targets above it are clipped', unit: '× equity' }),
    pos_limit: positive().default(1.0).meta({ description: 'Largest position per currency', unit: '× equity' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.25).meta({ description: 'Drawdown from peak equity that halts the run', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    /** Decide every n steps and hold the last action between (the notebook's llm_query_every; its baseline-only path is 1). */
    decision_every: whole().min(1, { error: 'must be at least 1 step' }).default(1).meta({ description: 'Decide every n steps and hold the action between', unit: 'steps' }),
    enable_llm: z.boolean().default(false),
    llm_model: z.string().default('gpt-4o-mini'),
    llm_temperature: num().min(0, { error: 'must be ≥ 0' }).max(2, { error: 'must be ≤ 2' }).default(0.0),
    fallback_to_baseline_on_error: z.boolean().default(true),
    // notebook constants (cells 26, 31): baseline thresholds and the risk-off hedge size
    carry_good_threshold: num().default(0.0015),
    risk_extreme_threshold: nonNegative().default(2.0),
    risk_off_hedge_fraction: nonNegative().max(1, { error: 'must be ≤ 1 (a fraction of pos_limit)' }).default(0.25)
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** notebook: carry per step = c30/30 (365-day carry on 252-day steps); annual_times_dt: mean differential × dt. */
    carry_day_count: z.enum(['notebook_c30_over_30', 'annual_times_dt'], { error: 'must be "notebook_c30_over_30" or "annual_times_dt"' }).default('notebook_c30_over_30'),
    /** none: the surface moves only through rates; multiplicative: C ← C·(1 − k) in risk-off. */
    surface_compression: z.enum(['none', 'multiplicative'], { error: 'must be "none" or "multiplicative"' }).default('none'),
    surface_compression_k: num().min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' }).default(0.5),
    /** concatenated: the notebook's log returns of the regime-masked equity subsequence; masked_step_returns: mean of per-step log returns in the regime. */
    regime_return_metric: z.enum(['concatenated_subsequence', 'masked_step_returns'], { error: 'must be "concatenated_subsequence" or "masked_step_returns"' }).default('concatenated_subsequence')
  })
  .prefault({})

export const FxCarryConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(7),
    T: whole().min(2, { error: 'must be at least 2 steps' }).max(1_000_000, { error: 'must be at most 1,000,000 steps' }).default(800).meta({ title: 'T (steps)', description: 'Number of decision steps in the run', unit: 'steps' }),
    dt: positive().max(1, { error: 'must be ≤ 1 (years per step)' }).default(1 / 252).meta({ description: 'Length of one step in years (1/252: a trading day)', unit: 'years/step' }),
    n_ccy: whole().min(1, { error: 'must be at least 1' }).max(64, { error: 'must be at most 64' }).default(6).meta({ description: 'Currencies in the carry basket', unit: 'currencies' }),
    ccy_names: z.array(z.string().min(1, { error: 'must not be empty' })).default(() => ['AUD', 'NZD', 'CAD', 'NOK', 'MXN', 'ZAR']),
    regimes: Regimes.prefault({}),
    market_params: MarketParams,
    surface_params: SurfaceParams,
    execution_params: ExecutionParams,
    risk_params: RiskParams,
    policy_params: PolicyParams,
    corrections: Corrections
  })
  .superRefine((c, ctx) => {
    if (c.ccy_names.length !== c.n_ccy) {
      ctx.addIssue({ code: 'custom', path: ['ccy_names'], message: `must name n_ccy = ${c.n_ccy} currencies (got ${c.ccy_names.length})` })
    }
    if (c.market_params.usd_rate > c.market_params.usd_rate_max) {
      ctx.addIssue({ code: 'custom', path: ['market_params', 'usd_rate'], message: `must be ≤ usd_rate_max = ${c.market_params.usd_rate_max} (got ${c.market_params.usd_rate})` })
    }
    // notebook cell 11 injects windows only when T > win_len + 60; NumPy then needs high > low.
    const w = c.regimes.injected_windows
    if (w.n_windows > 0 && c.T > w.win_len + 60 && c.T - w.win_len - 1 <= w.min_start) {
      ctx.addIssue({
        code: 'custom',
        path: ['regimes', 'injected_windows', 'min_start'],
        message: `must be < T − win_len − 1 = ${c.T - w.win_len - 1} so a window start can be drawn (got ${w.min_start})`
      })
    }
  })

export type FxCarryConfig = z.infer<typeof FxCarryConfigSchema>
export type FxCarryConfigInput = z.input<typeof FxCarryConfigSchema>

export const FX_CARRY_CORRECTIONS = {
  carryDayCount: {
    id: 'carry_day_count',
    title: 'Carry accrues per step as annual differential × dt',
    why: 'The notebook books c30/30 per step: a 365-day calendar carry on 252-day steps, so carry is understated by 252/365 (≈ 31 %) relative to the time the spot moves cover.'
  },
  surfaceCompression: {
    id: 'surface_compression',
    title: 'Risk-off compresses the carry surface directly: C ← C·(1 − k), k = 0.5',
    why: 'In the notebook rates revert with a half-life of ≈ 87 steps, far longer than an 18-step stress window, so mean 30-day carry falls only ≈ 4 % in risk-off and the book\'s "surface shrinks under stress" is invisible.'
  },
  regimeReturnMetric: {
    id: 'regime_return_metric',
    title: 'Per-regime annualised log return from per-step returns masked by regime',
    why: 'The notebook differences the equity subsequence of each regime, which joins non-adjacent points: the jump across every gap (earned in the other regime) is counted in this one.'
  }
} as const satisfies Record<string, CorrectionNote>

export type FxCarryPresetName = 'faithful' | 'corrected'

export const FX_CARRY_PRESETS: Readonly<Record<FxCarryPresetName, PresetDefinition>> = {
  faithful: {
    description:
      'The notebook as published (markets_for_traders CHAPTER_3, baseline-only path): quirks kept for parity. Its saved output used decision_every = 10 (failed LLM calls fell back to the baseline).',
    overrides: {},
    corrections: []
  },
  corrected: {
    description: 'The notebook with its accounting and metric quirks fixed and the risk-off carry compression made visible; each fix is a switch under `corrections`.',
    overrides: {
      corrections: { carry_day_count: 'annual_times_dt', surface_compression: 'multiplicative', surface_compression_k: 0.5, regime_return_metric: 'masked_step_returns' }
    },
    corrections: [FX_CARRY_CORRECTIONS.carryDayCount, FX_CARRY_CORRECTIONS.surfaceCompression, FX_CARRY_CORRECTIONS.regimeReturnMetric]
  }
}

/** The book's experiments (ch.3), one factor at a time against the frozen base config. */
export function fxCarryStressMenu(config: FxCarryConfig): StressVariant[] {
  const P = config.regimes.P
  const toRiskOff = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  const ep = config.execution_params
  const mp = config.market_params
  return [
    { name: 'position limit halved', overrides: { 'risk_params.pos_limit': config.risk_params.pos_limit / 2 } },
    { name: 'impact doubled', overrides: { 'execution_params.impact_bps_calm': ep.impact_bps_calm * 2, 'execution_params.impact_bps_risk_off': ep.impact_bps_risk_off * 2 } },
    { name: 'risk-off twice as frequent', overrides: { 'regimes.P': [[1 - toRiskOff, toRiskOff], [...(P[1] ?? [0, 1])]] } },
    { name: 'fatter tails (jump probability and size doubled)', overrides: { 'market_params.jump_prob_risk_off': Math.min(1, 2 * mp.jump_prob_risk_off), 'market_params.jump_size_mean': 2 * mp.jump_size_mean } },
    { name: 'carry dispersion doubled', overrides: { 'market_params.rate_spread_disp': 2 * mp.rate_spread_disp } },
    { name: 'decision cadence 10 (the notebook LLM run)', overrides: { 'policy_params.decision_every': 10 } }
  ]
}
