import { z, type RefinementCtx } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'
import { symmetricEigenvalues } from './surface'

// Keys and nesting mirror the notebook's `run_config` (book ch.9; notebook CELL 2), less its
// free-text notes, so a path such as `execution_params.cost_bps` means the same thing here, in the
// CLI's --set and in the memo. Two blocks the notebook keeps outside run_config are exposed under
// their notebook names: the structural correlation tensor of CELL 4 (`market_params.corr_regime`)
// and the baseline's thresholds of CELL 7 (`baseline_params`). `corrections` holds one switch per
// fix of the corrected preset.

export const REGIME_NAMES = ['calm', 'transition', 'stress'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]
export const ASSETS = ['EQUITY', 'RATES', 'CREDIT', 'FX'] as const
export type AssetName = (typeof ASSETS)[number]

const byRegime = (field: () => z.ZodNumber, values: [number, number, number], description: string, unit: string) =>
  z
    .strictObject({
      calm: field().default(values[0]).meta({ description: `${description} in calm`, unit }),
      transition: field().default(values[1]).meta({ description: `${description} in transition`, unit }),
      stress: field().default(values[2]).meta({ description: `${description} in stress`, unit })
    })
    .prefault({})

const byAsset = (field: () => z.ZodNumber, values: [number, number, number, number], description: string, unit: string) =>
  z
    .strictObject({
      EQUITY: field().default(values[0]).meta({ description: `${description}: equity`, unit }),
      RATES: field().default(values[1]).meta({ description: `${description}: rates`, unit }),
      CREDIT: field().default(values[2]).meta({ description: `${description}: credit`, unit }),
      FX: field().default(values[3]).meta({ description: `${description}: FX`, unit })
    })
    .prefault({})

/** The notebook's structural correlation templates (CELL 4: corr_calm, corr_trans, corr_stress). */
export const CORR_REGIME_DEFAULT: Readonly<Record<RegimeName, readonly (readonly number[])[]>> = {
  calm: [
    [1.0, -0.25, 0.35, 0.15],
    [-0.25, 1.0, -0.15, -0.1],
    [0.35, -0.15, 1.0, 0.2],
    [0.15, -0.1, 0.2, 1.0]
  ],
  transition: [
    [1.0, -0.15, 0.55, 0.3],
    [-0.15, 1.0, -0.1, -0.05],
    [0.55, -0.1, 1.0, 0.35],
    [0.3, -0.05, 0.35, 1.0]
  ],
  stress: [
    [1.0, -0.05, 0.8, 0.55],
    [-0.05, 1.0, -0.02, 0.05],
    [0.8, -0.02, 1.0, 0.6],
    [0.55, 0.05, 0.6, 1.0]
  ]
}

/** Largest negative eigenvalue a correlation matrix may have and still count as positive semi-definite (rounding). */
export const PSD_TOLERANCE = 1e-10

/**
 * A 4 × 4 correlation matrix: entries in [−1, 1], unit diagonal, symmetric, positive
 * semi-definite (the notebook Cholesky-factors it; a matrix that is not PSD is no correlation).
 */
function checkCorrelation(m: readonly (readonly number[])[], ctx: RefinementCtx): void {
  const n = ASSETS.length
  if (m.length !== n || m.some((row) => row.length !== n)) {
    ctx.addIssue({ code: 'custom', message: `must be a ${n} × ${n} matrix, one row and column per asset (${ASSETS.join(', ')})` })
    return
  }
  for (let i = 0; i < n; i++) {
    if (m[i]![i] !== 1) ctx.addIssue({ code: 'custom', path: [i, i], message: `the diagonal must be 1 (got ${m[i]![i]})` })
    for (let j = 0; j < i; j++) {
      if (Math.abs(m[i]![j]! - m[j]![i]!) > 1e-12) ctx.addIssue({ code: 'custom', path: [i, j], message: `must equal entry [${j}][${i}] (a correlation matrix is symmetric; got ${m[i]![j]} and ${m[j]![i]})` })
    }
  }
  const flat = Float64Array.from(m.flat())
  const eig = new Float64Array(n)
  symmetricEigenvalues(flat, n, eig)
  if (eig[0]! < -PSD_TOLERANCE) ctx.addIssue({ code: 'custom', message: `is not positive semi-definite (smallest eigenvalue ${eig[0]!.toPrecision(4)}): no returns can have this correlation` })
}

const correlation = (regime: RegimeName) =>
  z
    .array(z.array(num().min(-1, { error: 'must be a correlation in [−1, 1]' }).max(1, { error: 'must be a correlation in [−1, 1]' })))
    .superRefine(checkCorrelation)
    .default(() => CORR_REGIME_DEFAULT[regime].map((row) => [...row]))
    .meta({ description: `Structural correlation of the four assets in ${regime} (notebook CELL 4)`, unit: 'correlation' })

const Regimes = z
  .strictObject({
    names: z
      .tuple([z.literal('calm'), z.literal('transition'), z.literal('stress')], { error: `must be ${JSON.stringify(REGIME_NAMES)} (the regimes the parameter tables are keyed by)` })
      .default([...REGIME_NAMES]),
    // book ch.9 §5.2; notebook CELL 2: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.005],
      [0.08, 0.86, 0.06],
      [0.02, 0.12, 0.86]
    ])
  })
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))
  .prefault({})

const MarketParams = z
  .strictObject({
    stress_phi: num().min(-1, { error: 'must be in [−1, 1] (AR(1) coefficient)' }).max(1, { error: 'must be in [−1, 1] (AR(1) coefficient)' }).default(0.92).meta({ description: 'AR(1) persistence of the latent stress factor' }),
    stress_sigma: byRegime(nonNegative, [0.4, 0.85, 1.4], 'Stress-factor innovation σ', 'std per step'),
    beta: byAsset(num, [1.1, -0.7, 0.95, 0.55], 'Loading on the stress-factor change', 'return per unit Δstress'),
    idio_sigma: byAsset(nonNegative, [1.0, 0.55, 0.8, 0.65], 'Idiosyncratic σ', 'return units'),
    idio_mult: byRegime(nonNegative, [0.9, 1.1, 1.6], 'Multiplier of the idiosyncratic σ', '×'),
    tail_p: byRegime(probability, [0.002, 0.006, 0.02], 'Probability of a tail shock per step', 'probability'),
    tail_scale: byAsset(nonNegative, [3.2, 1.6, 2.7, 2.2], 'Tail-shock scale (× |t₃|)', 'return units'),
    corr_regime: z
      .strictObject({ calm: correlation('calm'), transition: correlation('transition'), stress: correlation('stress') })
      .prefault({})
  })
  .prefault({})

const SurfaceParams = z
  .strictObject({
    roll_window: whole().min(1, { error: 'must be ≥ 1 step' }).max(100_000, { error: 'must be ≤ 100,000 steps' }).default(60).meta({ description: 'Rows of the rolling covariance (fewer than 5 rows give 1e−6·I)', unit: 'steps' })
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // Recorded as in the notebook; its PortfolioEnv never reads it.
    cost_fixed: nonNegative().default(0).meta({ description: 'Fixed cost per step (in run_config; the notebook’s env never charges it)', unit: 'fraction of equity' }),
    cost_bps: nonNegative().default(1.5).meta({ description: 'Proportional cost on turnover', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.18).meta({ description: 'Impact coefficient: λ·turnover·(1 + 1.5·stress)·(1 + max(0, avg_corr))·1e−3·liq' }),
    liquidity_mult: byRegime(nonNegative, [1.0, 1.6, 3.0], 'Cost multiplier', '×')
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2.0).meta({ description: 'L1 cap on gross exposure (targets above it are scaled down)', unit: '× equity' }),
    pos_limit: positive().default(1.0).meta({ description: 'Per-asset bound on |position|', unit: '× equity' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.22).meta({ description: 'Drawdown beyond which every target is zero', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS,
    telemetry_every: whole().min(1, { error: 'must be ≥ 1' }).default(25).meta({ unit: 'steps' }),
    max_llm_calls: whole().min(0, { error: 'must be ≥ 0' }).default(10_000)
  })
  .prefault({})

const BaselineParams = z
  .strictObject({
    // notebook CELL 7 (baseline_params), and the drawdown overlay it writes as a literal
    stress_hi: probability().default(0.72).meta({ description: 'stress_level above which the baseline goes RISK_OFF', unit: 'level' }),
    stress_lo: probability().default(0.45).meta({ description: 'stress_level below which RISK_ON is allowed', unit: 'level' }),
    avg_corr_hi: num().default(0.45).meta({ description: 'avg_corr above which the baseline goes RISK_OFF', unit: 'correlation' }),
    avg_corr_lo: num().default(0.2).meta({ description: 'avg_corr below which RISK_ON is allowed', unit: 'correlation' }),
    eig_hi: probability().default(0.58).meta({ description: 'top_eig_share above which the baseline goes RISK_OFF', unit: 'share' }),
    dd_neutral: probability().default(0.18).meta({ description: 'Drawdown above which the baseline goes NEUTRAL', unit: 'fraction' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    factor_sign: z.enum(['notebook', 'risk_off'], { error: 'must be "notebook" or "risk_off"' }).default('notebook'),
    summaries: z.enum(['covariance_signed', 'correlation_abs'], { error: 'must be "covariance_signed" or "correlation_abs"' }).default('covariance_signed'),
    estimator: z.enum(['rolling', 'ewma'], { error: 'must be "rolling" or "ewma"' }).default('rolling'),
    ewma_lambda: num().gt(0, { error: 'must be in (0, 1)' }).lt(1, { error: 'must be in (0, 1)' }).default(0.94).meta({ description: 'EWMA decay of the corrected covariance (RiskMetrics 0.94)', unit: 'per step' }),
    stop_in_log: z.enum(['silent', 'logged'], { error: 'must be "silent" or "logged"' }).default('silent')
  })
  .prefault({})

export const CrossAssetConfigSchema = z.strictObject({
  seed: legacySeed(9),
  T: whole().min(1, { error: 'must be ≥ 1' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(100).meta({ title: 'T (steps)', description: 'Number of steps', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step (recorded; the notebook annualises with √252 regardless)', unit: 'steps' }),
  assets: z
    .tuple([z.literal('EQUITY'), z.literal('RATES'), z.literal('CREDIT'), z.literal('FX')], { error: `must be ${JSON.stringify(ASSETS)} (the legs of the book)` })
    .default([...ASSETS]),
  regimes: Regimes,
  market_params: MarketParams,
  surface_params: SurfaceParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  baseline_params: BaselineParams,
  corrections: Corrections
})
export type CrossAssetConfig = z.infer<typeof CrossAssetConfigSchema>

// book ch.9 §5.3, §5.9; each switch can be flipped alone.
export const CROSS_ASSET_CORRECTIONS = {
  factorSign: {
    id: 'factor_sign',
    title: 'Risk assets fall when stress rises',
    why: 'The notebook adds β·Δstress with β_EQUITY = +1.10, so equity rallies when stress rises and rates sell off: only the tail shock has the risk-off sign its own comment describes. Corrected (corrections.factor_sign = "risk_off"): r = −β·Δstress + idio + tail, so E[r_EQUITY | Δstress > 0] < 0 < E[r_RATES | Δstress > 0], with the same draws.'
  },
  correlationSummaries: {
    id: 'correlation_summaries',
    title: 'Coupling read on the correlation matrix, unsigned',
    why: 'The notebook’s top_eig_share is the top eigenvalue of the covariance, dominated by the high-variance equity leg (≈ 0.75 in every regime, above eig_hi 0.58), and its avg_corr is a signed mean that rates’ negative loading cancels to ≈ 0: neither separates regimes and the baseline is RISK_OFF 95% of the time. Corrected (corrections.summaries = "correlation_abs"): top_eig_share = λ_max(corr)/4 and avg_corr = mean |off-diagonal correlation|, with baseline thresholds recalibrated between the calm and stress population values (eig_hi 0.66, avg_corr_hi 0.55, avg_corr_lo 0.45: a choice, not from the source).'
  },
  ewmaWindow: {
    id: 'ewma_window',
    title: 'An EWMA covariance instead of the 60-step window',
    why: 'With T = 100 a 60-step window mixes regimes and lags them by weeks. Corrected (corrections.estimator = "ewma"): an exponentially weighted covariance with decay corrections.ewma_lambda = 0.94 (half-life ≈ 11 steps), 1e−6·I for the first 4 steps as the notebook’s warm-up, and a run of T = 500 so the regimes are visited.'
  },
  stopInLog: {
    id: 'stop_in_log',
    title: 'A drawdown stop that holds, and shows in the decision log',
    why: 'The notebook’s env zeroes the target of a step whose drawdown before it exceeds max_dd_stop, while its log still records the policy’s RISK_OFF or RISK_ON; and the book it closes still earns that step’s return, so when that return pulls the drawdown back under the stop the policy trades again the next step. Corrected (corrections.stop_in_log = "logged"): the kernel’s drawdown stop latches at the breach, logs a constraint event and records NEUTRAL from the risk gate for every step after, the book flat for good.'
  }
} as const satisfies Record<string, CorrectionNote>

export const CROSS_ASSET_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 9, T 100, LLM off), quirks kept: equity rallies with stress, coupling read on the covariance with a signed average, a 60-step window, a silent drawdown stop.',
    overrides: {
      corrections: { factor_sign: 'notebook', summaries: 'covariance_signed', estimator: 'rolling', stop_in_log: 'silent' }
    },
    corrections: []
  },
  corrected: {
    description: 'Risk assets fall when stress rises, coupling read on the correlation matrix (unsigned) against recalibrated thresholds, an EWMA covariance over T = 500, and a drawdown stop that holds and shows in the log.',
    overrides: {
      T: 500,
      baseline_params: { eig_hi: 0.66, avg_corr_hi: 0.55, avg_corr_lo: 0.45 },
      corrections: { factor_sign: 'risk_off', summaries: 'correlation_abs', estimator: 'ewma', stop_in_log: 'logged' }
    },
    corrections: Object.values(CROSS_ASSET_CORRECTIONS)
  }
}

/**
 * The book's experiments, one factor at a time against the frozen base (book ch.9 L3019:
 * regime persistence, stress-state correlations amplified, tail probabilities raised, liquidity
 * multipliers raised, tighter leverage caps and drawdown thresholds).
 */
export function crossAssetStressMenu(config: CrossAssetConfig): StressVariant[] {
  const P = config.regimes.markov_P
  const stress = 2
  // stress twice as persistent: half the chance of leaving it, the rest kept in stress
  const stickier = P.map((row, i) => (i !== stress ? row : row.map((p, j) => (j === stress ? 1 - (1 - p) / 2 : p / 2))))
  // stress correlations pulled halfway to "one trade": a convex mix with s·sᵀ, s the signs of each
  // asset's correlation to equity, stays positive semi-definite with a unit diagonal
  const base = config.market_params.corr_regime.stress
  const s = base[0]!.map((c, j) => (j === 0 || c >= 0 ? 1 : -1))
  const amplified = base.map((row, i) => row.map((c, j) => (i === j ? 1 : 0.5 * c + 0.5 * s[i]! * s[j]!)))
  const mp = config.market_params
  const ep = config.execution_params
  const rp = config.risk_params
  const scaleRegimes = (r: Record<RegimeName, number>, k: number, cap = Number.POSITIVE_INFINITY) => Object.fromEntries(REGIME_NAMES.map((n) => [n, Math.min(cap, r[n] * k)]))
  return [
    { name: 'stress twice as persistent', overrides: { 'regimes.markov_P': stickier } },
    { name: 'stress correlations amplified', overrides: { 'market_params.corr_regime.stress': amplified } },
    { name: 'tail probabilities ×5', overrides: { 'market_params.tail_p': scaleRegimes(mp.tail_p, 5, 1) } },
    { name: 'liquidity multipliers doubled', overrides: { 'execution_params.liquidity_mult': scaleRegimes(ep.liquidity_mult, 2) } },
    // the sleeves are sized to an L1 gross of at most 1, so a cap binds only below 1
    { name: 'leverage cap at 0.5', overrides: { 'risk_params.max_leverage': Math.min(rp.max_leverage / 2, 0.5) } },
    { name: 'drawdown stop at 5%', overrides: { 'risk_params.max_dd_stop': Math.min(rp.max_dd_stop, 0.05) } }
  ]
}
