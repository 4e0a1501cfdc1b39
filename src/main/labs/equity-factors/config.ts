import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'

// Keys and nesting mirror the notebook's `run_config` (book ch.7 §3.2; notebook CELL 2), less its
// free-text notes, so `execution_params.slippage_lambda` means the same thing here, in the CLI's
// --set and in the memo. `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['low_corr', 'mid_corr', 'high_corr'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]
/** The chain starts in mid_corr (reg_idx[0] = name_to_idx["mid_corr"], notebook CELL 3). */
export const START_REGIME = 1

/** One number per regime, keyed by the regime names as in the notebook's dicts. */
const perRegime = (field: () => z.ZodNumber, values: readonly [number, number, number], description: string, unit: string) =>
  z
    .strictObject({
      low_corr: field().default(values[0]).meta({ description: `${description} in low_corr`, unit }),
      mid_corr: field().default(values[1]).meta({ description: `${description} in mid_corr`, unit }),
      high_corr: field().default(values[2]).meta({ description: `${description} in high_corr`, unit })
    })
    .prefault({})

const Regimes = z
  .strictObject({
    names: z
      .tuple([z.literal('low_corr'), z.literal('mid_corr'), z.literal('high_corr')], {
        error: `must be ${JSON.stringify(REGIME_NAMES)} (the regimes the parameter tables are keyed by)`
      })
      .default([...REGIME_NAMES]),
    // book ch.7 §3.2; notebook CELL 2: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.975, 0.023, 0.002],
      [0.03, 0.95, 0.02],
      [0.01, 0.07, 0.92]
    ])
  })
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))
  .prefault({})

const correlation = () => num().min(-1, { error: 'must be a correlation in [−1, 1]' }).max(1, { error: 'must be a correlation in [−1, 1]' })

const MarketParams = z
  .strictObject({
    base_ann_vol: num()
      .min(1e-6, { error: 'must be ≥ 1e−6 (an annualised volatility)' })
      .max(100, { error: 'must be ≤ 100 (an annualised volatility)' })
      .default(0.18)
      .meta({ description: 'Base annualised factor volatility (σ_d = base/√252, times linspace(0.85, 1.20, K))', unit: 'per year' }),
    corr_levels: perRegime(correlation, [0.1, 0.35, 0.75], 'Regime correlation level ρ̄ (effective corr = clip(ρ̄/dispersion, 0.02, 0.95))', 'correlation'),
    // The blend C_t = f·I + (1 − f)·equicorr(eff) is positive semi-definite for every eff in
    // [0.02, 0.95] exactly when f ∈ [0, 1]: outside it the covariance Σ_t = D·C_t·D is not a covariance.
    idiosyncratic_floor: num()
      .min(0, { error: 'must be in [0, 1]: below 0 the correlation matrix C_t = f·I + (1 − f)·equicorr is not positive semi-definite, so Σ_t is no covariance' })
      .max(1, { error: 'must be in [0, 1]: above 1 the correlation matrix C_t = f·I + (1 − f)·equicorr is not positive semi-definite, so Σ_t is no covariance' })
      .default(0.35)
      .meta({ description: 'Idiosyncratic share f kept on the diagonal: C_t = f·I + (1 − f)·equicorr(eff)', unit: 'fraction' }),
    dispersion_target: perRegime(positive, [1.15, 1.0, 0.75], 'Dispersion the state reverts to', 'index'),
    dispersion_kappa: probability().default(0.06).meta({ description: 'Mean-reversion speed of dispersion (noise 0.03 per step, hard-coded in the notebook)', unit: 'per step' }),
    premia_mu_ann: perRegime(num, [0.06, 0.04, -0.02], 'Factor drift (same for every factor)', 'per year'),
    momentum_halflife: positive().default(40).meta({ description: 'Half-life of the momentum EWMA', unit: 'steps' })
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // Recorded as in the notebook, which never charges it (step_portfolio: lin_cost + impact).
    cost_fixed: nonNegative().default(0).meta({ description: 'Fixed cost per trade (listed by the notebook, never charged)', unit: 'currency' }),
    cost_bps: nonNegative().default(2.0).meta({ description: 'Linear cost on the L1 turnover of weights, times equity', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.18).meta({ description: 'Impact λ: impact = λ·illiquidity·‖trade‖₂²·equity', unit: 'per unit weight²' }),
    illiquidity_by_regime: perRegime(nonNegative, [0.8, 1.0, 1.8], 'Illiquidity multiplier of the impact', '×')
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2.0).meta({ description: 'Cap on gross leverage Σ|w| (scaled down proportionally above it)', unit: '× equity' }),
    pos_limit: positive().default(0.55).meta({ description: 'Per-factor weight bound', unit: 'weight' }),
    target_ann_vol: positive().default(0.1).meta({ description: 'Portfolio volatility the baskets are scaled to (√(wᵀΣw), scale clipped at 3)', unit: 'per year' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.22).meta({ description: 'Drawdown from peak equity that forces the book FLAT', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS
  })
  .prefault({})

const Corrections = z
  .strictObject({
    stop_mode: z.enum(['absorbing', 'cool_down'], { error: 'must be "absorbing" or "cool_down"' }).default('absorbing'),
    stop_cooldown_steps: whole().min(1, { error: 'must be ≥ 1' }).max(10_000, { error: 'must be ≤ 10,000' }).default(20).meta({ description: 'Steps held flat after the stop fires before re-entry (cool_down)', unit: 'steps' }),
    eigen_summaries: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }).default('off')
  })
  .prefault({})

export const EquityFactorsConfigSchema = z.strictObject({
  seed: legacySeed(7),
  T: whole().min(2, { error: 'must be ≥ 2' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(200).meta({ title: 'T (steps)', description: 'Number of daily steps', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step (recorded; the notebook annualises with 252)', unit: 'steps' }),
  // The lab's legs are the factors F1 … F8 (fixed per lab): the notebook's K_factors is kept at its 8.
  K_factors: z.literal(8, { error: 'must be 8 (the lab trades the notebook’s eight factors F1 … F8)' }).default(8),
  regimes: Regimes,
  market_params: MarketParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  corrections: Corrections
})
export type EquityFactorsConfig = z.infer<typeof EquityFactorsConfigSchema>

// book ch.7 §3.9; each switch can be flipped alone.
export const EQUITY_FACTORS_CORRECTIONS = {
  impactCalibration: {
    id: 'impact_calibration',
    title: 'Impact λ calibrated so the stop is not the typical outcome',
    why: 'The notebook’s impact 0.18·illiquidity·‖Δw‖₂²·equity makes entering the mid_corr basket from flat cost 2.1% of equity, so a few posture switches reach the 22% drawdown stop. Corrected: the same formula with execution_params.slippage_lambda = 0.015 (spec §3.9: 0.01–0.02), a basket entry costs ~0.2% of equity.'
  },
  configurableStop: {
    id: 'configurable_stop',
    title: 'A drawdown stop that can re-enter',
    why: 'The notebook forces FLAT once drawdown ≥ max_dd_stop; a flat book freezes equity, so the drawdown never recovers and the stop is absorbing for the rest of the run. Corrected (corrections.stop_mode = "cool_down"): the book is held flat for corrections.stop_cooldown_steps steps, then re-enters with the stop measured from the equity at re-entry; every trip is logged.'
  },
  eigenSummaries: {
    id: 'eigen_summaries',
    title: 'Eigen-structure of C_t computed',
    why: 'The chapter discusses eigenvalues and effective rank but the notebook never computes them. Corrected (corrections.eigen_summaries = "on"): the top-eigenvalue share λ₁/K and the effective rank exp(−Σ pᵢ ln pᵢ), pᵢ = λᵢ/K, of C_t (Jacobi) are computed every step and reported as run averages; the surface shows them in both presets.'
  }
} as const satisfies Record<string, CorrectionNote>

export const EQUITY_FACTORS_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 7, T 200), quirks kept: impact λ 0.18, an absorbing drawdown stop, no eigen statistics.',
    overrides: { corrections: { stop_mode: 'absorbing', eigen_summaries: 'off' } },
    corrections: []
  },
  corrected: {
    description: 'Impact λ 0.015, a drawdown stop that cools down for 20 steps and re-enters, eigen-structure of C_t computed.',
    overrides: { execution_params: { slippage_lambda: 0.015 }, corrections: { stop_mode: 'cool_down', stop_cooldown_steps: 20, eigen_summaries: 'on' } },
    corrections: Object.values(EQUITY_FACTORS_CORRECTIONS)
  }
}

/**
 * The chapter's experiments, one at a time against the frozen base (book ch.7 L2511–L2523):
 * persistence of high_corr, regime correlation levels, dispersion targets and speed, execution
 * severity, tighter or looser leverage caps and stops (baseline vs LLM needs the LLM: not here).
 */
export function equityFactorsStressMenu(config: EquityFactorsConfig): StressVariant[] {
  const P = config.regimes.markov_P
  const high = 2
  // high_corr twice as persistent: half the chance of leaving it, the rest kept in high_corr
  const stickier = P.map((row, i) => (i !== high ? row : row.map((p, j) => (j === high ? 1 - (1 - p) / 2 : p / 2))))
  const mp = config.market_params
  const ep = config.execution_params
  const rp = config.risk_params
  const clip = (x: number) => Math.min(1, x)
  return [
    { name: 'high_corr twice as persistent', overrides: { 'regimes.markov_P': stickier } },
    { name: 'correlation levels up 0.15', overrides: { 'market_params.corr_levels.low_corr': clip(mp.corr_levels.low_corr + 0.15), 'market_params.corr_levels.mid_corr': clip(mp.corr_levels.mid_corr + 0.15), 'market_params.corr_levels.high_corr': clip(mp.corr_levels.high_corr + 0.15) } },
    { name: 'dispersion compressed in high_corr', overrides: { 'market_params.dispersion_target.high_corr': mp.dispersion_target.high_corr * 0.8 } },
    { name: 'dispersion reverts twice as fast', overrides: { 'market_params.dispersion_kappa': Math.min(1, mp.dispersion_kappa * 2) } },
    { name: 'linear cost doubled', overrides: { 'execution_params.cost_bps': ep.cost_bps * 2 } },
    { name: 'impact λ doubled', overrides: { 'execution_params.slippage_lambda': ep.slippage_lambda * 2 } },
    { name: 'illiquidity in high_corr doubled', overrides: { 'execution_params.illiquidity_by_regime.high_corr': ep.illiquidity_by_regime.high_corr * 2 } },
    { name: 'leverage cap halved', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2 } },
    { name: 'drawdown stop tightened to half', overrides: { 'risk_params.max_dd_stop': rp.max_dd_stop / 2 } },
    { name: 'drawdown stop loosened by half', overrides: { 'risk_params.max_dd_stop': Math.min(1, rp.max_dd_stop * 1.5) } }
  ]
}
