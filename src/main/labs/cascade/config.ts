import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'

// Keys and nesting mirror the notebook's `run_config` (book ch.10; notebook cell 6), less its
// free-text notes, so `risk_params.max_dd_stop` means the same thing here, in the CLI's --set and
// in the memo. `market_params.exposures` (absent from the notebook) replaces the drawn exposure
// graph; `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['calm', 'transition', 'stress'] as const
export const CALM = 0
export const TRANSITION = 1
export const STRESS = 2

/** The longest run the lab simulates: the surface keeps every step's institutions (T × N × 6 numbers). */
export const MAX_STEPS = 20_000
export const MAX_INSTITUTIONS = 64

const Regimes = z
  .strictObject({
    names: z
      .tuple([z.literal('calm'), z.literal('transition'), z.literal('stress')], { error: `must be ${JSON.stringify(REGIME_NAMES)} (the regimes the state tables are keyed by)` })
      .default([...REGIME_NAMES]),
    // book ch.10 §6.2; notebook cell 6: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.005],
      [0.06, 0.9, 0.04],
      [0.03, 0.12, 0.85]
    ])
  })
  // Generator.choice accepts a row whose sum is within sqrt(eps) of 1
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))
  .prefault({})

/** An exposure matrix: N × N, every entry ≥ 0 (an exposure is held, not owed back), zero diagonal. */
const Exposures = z
  .array(z.array(num().min(0, { error: 'must be ≥ 0 (an exposure of one institution to another)' })), { error: 'must be an N × N matrix of exposures' })
  .nullable()
  .default(null)
  .meta({ description: 'Exposures of institution i (row) to j (column), replacing the drawn graph; rows are normalised as the notebook normalises its graph. null: drawn from the seed.' })

const MarketParams = z
  .strictObject({
    // book ch.10 §6.2–6.3; notebook cells 6 and 16
    N_institutions: whole()
      .min(2, { error: 'must be ≥ 2 (a network needs two institutions)' })
      .max(MAX_INSTITUTIONS, { error: `must be ≤ ${MAX_INSTITUTIONS}` })
      .default(18)
      .meta({ description: 'Institutions in the network', unit: 'count' }),
    base_drift: num().default(0.0002).meta({ description: 'Drift of the fundamental return', unit: 'per step' }),
    base_vol: nonNegative().default(0.01).meta({ description: 'Volatility of the fundamental return in calm (×1.4 in transition)', unit: 'per step' }),
    stress_vol_mult: nonNegative().default(2.8).meta({ description: 'Volatility multiplier in stress', unit: '×' }),
    impact_kappa: nonNegative().default(0.18).meta({ description: 'Price impact per unit of cascade pressure', unit: 'return per unit' }),
    contagion_alpha: nonNegative().default(0.35).meta({ description: 'How much neighbours’ distress (through W) adds to an institution’s', unit: '×' }),
    recovery_speed: nonNegative().default(0.06).meta({ description: 'How fast buffers rebuild and leverage drifts down in calm', unit: 'per step' }),
    exposures: Exposures
  })
  .superRefine((m, ctx) => {
    const W = m.exposures
    if (W === null) return
    const n = m.N_institutions
    if (W.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['exposures'], message: `must be a ${n} × ${n} matrix, one row per institution (got ${W.length} rows)` })
      return
    }
    W.forEach((row, i) => {
      if (row.length !== n) ctx.addIssue({ code: 'custom', path: ['exposures', i], message: `row ${i} must have ${n} entries, one per institution (got ${row.length})` })
      else if (row[i] !== 0) ctx.addIssue({ code: 'custom', path: ['exposures', i, i], message: `must be 0 (an institution has no exposure to itself; got ${row[i]})` })
    })
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.10 §6.4; notebook cells 6 and 21
    cost_fixed: nonNegative().default(0).meta({ description: 'Fixed cost per step (charged every step, trade or not)', unit: 'currency' }),
    cost_bps: nonNegative().default(1.5).meta({ description: 'Proportional cost on traded notional', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.22).meta({ description: 'Slippage per unit traded, scaled by (1 + 6·cascade pressure)', unit: '‰ of notional' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2).meta({ description: 'Largest |position|·price / equity', unit: '× equity' }),
    pos_limit: positive().default(1.25).meta({ description: 'Largest |position| (faithful: units; corrected: × equity notional)', unit: 'units' }),
    max_dd_stop: num()
      .gt(0, { error: 'must be > 0' })
      .max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' })
      .default(0.25)
      .meta({ description: 'Drawdown from peak equity that stops the portfolio', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS,
    decision_interval: whole().min(1, { error: 'must be ≥ 1' }).default(1).meta({ description: 'LLM call interval (floored to 5 by the notebook; the baseline decides every step)', unit: 'steps' }),
    max_rationale_chars: whole().min(1, { error: 'must be ≥ 1' }).default(240)
  })
  .prefault({})

const Corrections = z
  .strictObject({
    stop: z.enum(['freeze_then_fail', 'flatten_and_log'], { error: 'must be "freeze_then_fail" or "flatten_and_log"' }).default('freeze_then_fail'),
    position_sizing: z.enum(['units', 'equity_fraction'], { error: 'must be "units" or "equity_fraction"' }).default('units'),
    initial_exposure: positive()
      .default(1)
      .meta({ description: 'Opening position as a fraction of equity notional (corrected sizing; the notebook holds 0.80 units)', unit: '× equity' }),
    impact_feedback: z.enum(['fundamental_only', 'total_return'], { error: 'must be "fundamental_only" or "total_return"' }).default('fundamental_only'),
    forced_sales: z.enum(['unbounded', 'bounded_by_holdings'], { error: 'must be "unbounded" or "bounded_by_holdings"' }).default('unbounded')
  })
  .prefault({})

export const CascadeConfigSchema = z.strictObject({
  seed: whole()
    .min(0, { error: 'must be ≥ 0' })
    .max(2 ** 53 - 12 - MAX_STEPS, { error: 'must leave room for the per-step streams seed + 11 + t' })
    .default(10),
  T: whole().min(1, { error: 'must be ≥ 1' }).max(MAX_STEPS, { error: `must be ≤ ${MAX_STEPS}` }).default(100).meta({ title: 'T (steps)', description: 'Steps of the run', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step (recorded; the notebook annualises with a fixed 252)', unit: 'steps' }),
  regimes: Regimes,
  market_params: MarketParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  corrections: Corrections
})
export type CascadeConfig = z.infer<typeof CascadeConfigSchema>

// book ch.10 §6.7 (spec fixes 1, 2, 3 and 6); each switch can be flipped alone.
export const CASCADE_CORRECTIONS = {
  stoppedPortfolioLogs: {
    id: 'stopped_portfolio_logs',
    title: 'A stopped portfolio keeps logging',
    why: 'Once the notebook’s drawdown stop fires, PortfolioEnv.step returns no "dd" and the next step log raises KeyError: \'dd\' — the faithful run halts there with that reason; and the notebook flattens the stopped book for free. Corrected (corrections.stop = "flatten_and_log"): the stop forces the book flat through the cost model at the next step (a constraint event with the reason), and the run keeps logging flat to T.'
  },
  equitySizing: {
    id: 'equity_sizing',
    title: 'Positions sized relative to equity',
    why: 'The notebook holds 0.80 units at price 100 against 1,000,000 of equity (80 of notional), so every run loses ~7e−5 and the stress is economically empty. Corrected (corrections.position_sizing = "equity_fraction"): the opening position is initial_exposure × equity / price units (1× notional), pos_limit is read as a fraction of equity notional, and the cascade’s price path now moves the book.'
  },
  impactFeedback: {
    id: 'impact_feedback',
    title: 'Fire-sale impact marks the institutions',
    why: 'The notebook marks institutions on the fundamental return only, so forced-sale impact never feeds back into their equity (the loop of L3135 is half open). Corrected (corrections.impact_feedback = "total_return"): institutions mark on r_fund + impact of the previous step’s cascade pressure.'
  },
  boundedForcedSales: {
    id: 'bounded_forced_sales',
    title: 'Forced sales bounded by holdings; no distress above a full buffer',
    why: 'The notebook’s forced sales do not depend on holdings (insolvent or empty institutions keep selling) and a median institution has raw distress ≈ 0.33 even in calm, so the price falls ~1% every step. Corrected (corrections.forced_sales = "bounded_by_holdings"): fs ≤ risky holdings, and raw distress = clip(1 − buffer, 0, 1) (zero at or above the median buffer).'
  }
} as const satisfies Record<string, CorrectionNote>

export const CASCADE_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 10, T 100), quirks kept: 0.80 units against 1,000,000 of equity, impact not fed back, unbounded forced sales, and its KeyError one step after the drawdown stop (the run halts there, named).',
    overrides: { corrections: { stop: 'freeze_then_fail', position_sizing: 'units', impact_feedback: 'fundamental_only', forced_sales: 'unbounded' } },
    corrections: []
  },
  corrected: {
    description: 'A stopped portfolio that flattens through costs and keeps logging, positions sized to equity (1× notional), fire-sale impact fed back to the institutions, forced sales bounded by holdings.',
    overrides: { corrections: { stop: 'flatten_and_log', position_sizing: 'equity_fraction', impact_feedback: 'total_return', forced_sales: 'bounded_by_holdings' } },
    corrections: Object.values(CASCADE_CORRECTIONS)
  }
}

/**
 * The chapter's experiments, one mechanism at a time against the frozen base (book ch.10
 * L3263: network density and concentration, tighter margins, more funding stress in
 * transition, impact sensitivity, leverage caps and drawdown thresholds).
 */
export function cascadeStressMenu(config: CascadeConfig): StressVariant[] {
  const P = config.regimes.markov_P
  const mp = config.market_params
  const rp = config.risk_params
  // transition twice as likely to tip into stress, the extra taken from staying in transition
  const tipping = P.map((row, i) => (i !== TRANSITION ? row : [row[0]!, row[1]! - Math.min(row[1]!, row[2]!), row[2]! * 2]))
  return [
    { name: 'contagion twice as strong (denser effective network)', overrides: { 'market_params.contagion_alpha': mp.contagion_alpha * 2 } },
    { name: 'transition tips into stress twice as often', overrides: { 'regimes.markov_P': tipping } },
    { name: 'impact twice as sensitive', overrides: { 'market_params.impact_kappa': mp.impact_kappa * 2 } },
    { name: 'slippage tripled', overrides: { 'execution_params.slippage_lambda': config.execution_params.slippage_lambda * 3 } },
    { name: 'stress volatility ×1.5', overrides: { 'market_params.stress_vol_mult': mp.stress_vol_mult * 1.5 } },
    { name: 'leverage cap halved', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2 } },
    { name: 'drawdown stop at a fifth', overrides: { 'risk_params.max_dd_stop': rp.max_dd_stop / 5 } }
  ]
}
