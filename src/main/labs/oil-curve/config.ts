import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, num, positive, probability, whole } from '../common/fields'

// Chapter 2's notebook has no run_config: its configuration is three dataclasses and the
// arguments of run_backtest (book ch.2; notebook cells 11, 21, 26, 36). The keys mirror them:
// `market.*` = OilMarketConfig, `env.*` = EnvConfig, `policy.*` = PolicyConfig, and `T`,
// `decision_every` = run_backtest(T=400, decision_every=1). `regimes` (the inventory regime) and
// `corrections` hold what the corrected preset adds; the faithful preset leaves them off.

/** The notebook's curve-shape labels (cell 46, regime_label with eps = 0.005): reporting only. */
export const CURVE_LABELS = ['CONTANGO', 'BACKWARDATION', 'FLAT'] as const
export type CurveLabel = (typeof CURVE_LABELS)[number]

/**
 * The largest curve: V8's Math.sin agrees with glibc's sin (which the notebook's math.sin calls)
 * on every seasonal phase 2π(m/12 + 0.15) up to m = 68, so the curve stays bit for bit the
 * notebook's; 60 months is five years of monthly contracts.
 */
export const MAX_MONTHS = 60

const MarketParams = z
  .strictObject({
    // notebook cell 11 (OilMarketConfig)
    M: whole()
      .min(6, { error: 'must be at least 6 months (slope_1_6 reads the sixth contract)' })
      .max(MAX_MONTHS, { error: `must be at most ${MAX_MONTHS} months` })
      .default(12)
      .meta({ description: 'Monthly contracts on the curve (tenors m/12, m = 1 … M)', unit: 'months' }),
    dt: positive().max(1, { error: 'must be ≤ 1 year' }).default(1 / 252).meta({ description: 'Time step', unit: 'years' }),
    r: num().default(0.045).meta({ description: 'Short rate proxy (financing in the cost of carry)', unit: 'per year' }),
    storage: num().default(0.06).meta({ description: 'Storage cost u in the cost of carry', unit: 'per year' }),
    spot_mu: positive().default(80.0).meta({ description: 'Long-run spot, and the spot at t = 0', unit: 'USD/bbl' }),
    spot_kappa: nonNegative().default(1.5).meta({ description: 'Mean reversion of the spot level', unit: 'per year' }),
    spot_sigma: nonNegative().default(0.35).meta({ description: 'Spot volatility', unit: 'per √year' }),
    inv_mu: num().default(0.0).meta({ description: 'Long-run inventory deviation, and its value at t = 0', unit: 'z-score' }),
    inv_kappa: nonNegative().default(1.0).meta({ description: 'Mean reversion of inventory', unit: 'per year' }),
    inv_sigma: nonNegative().default(0.4).meta({ description: 'Inventory volatility', unit: 'z per √year' }),
    cy_a: num().default(0.08).meta({ description: 'Base convenience yield', unit: 'per year' }),
    cy_b: num().default(0.1).meta({ description: 'Convenience-yield sensitivity to inventory (higher inventory, lower yield)', unit: 'per year per z' }),
    seasonal_amp: num().default(0.05).meta({ description: 'Amplitude of the seasonal factor 1 + amp·sin(2π(phase + 0.15))', unit: 'fraction' }),
    jump_prob: probability().default(0.01).meta({ description: 'Chance of a spot jump per step', unit: 'per step' }),
    jump_sigma: nonNegative().default(0.05).meta({ description: 'Jump size: jump_sigma·S·ε', unit: 'fraction of spot' })
  })
  .prefault({})

const EnvParams = z
  .strictObject({
    // notebook cell 21 (EnvConfig)
    notional: positive().default(1_000_000.0).meta({ description: 'Starting equity; each leg is 0.25 × notional / F1 contracts', unit: 'USD' }),
    max_gross_leverage: positive().default(2.0).meta({ description: 'Gross cap: Σ|contracts|·F above this × equity scales the target down', unit: '× equity' }),
    fee_bps: nonNegative().default(0.75).meta({ description: 'Fee on traded notional Σ|Δcontracts|·F', unit: 'bps' }),
    slippage_bps: nonNegative().default(0.5).meta({ description: 'Slippage on traded notional', unit: 'bps' }),
    // Recorded as in the notebook: its reward is computed and logged, never booked to equity.
    risk_aversion: nonNegative().default(0.5).meta({ description: 'Weight of the risk penalty in the (unbooked) reward', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    // notebook cell 26 (PolicyConfig)
    thresh: nonNegative().default(0.01).meta({ description: 'Contango score beyond which the baseline trades the calendar spread', unit: 'score' }),
    risk_off_dd: nonNegative().default(0.03).meta({ description: 'Drawdown from the peak seen at decisions beyond which the baseline goes flat', unit: 'fraction' }),
    // Recorded as in the notebook, which never reads it.
    max_trades_per_window: whole().min(0, { error: 'must be ≥ 0' }).default(1).meta({ description: 'Unused by the notebook (kept for its config)', unit: 'trades' })
  })
  .prefault({})

export const INVENTORY_REGIMES = ['glut', 'tight'] as const

/** The corrected preset's inventory regime (spec §3.4: glut/tight with a Markov matrix). */
const Regimes = z
  .strictObject({
    names: z
      .array(z.string().min(1, { error: 'must not be empty' }))
      .length(2, { error: 'must name exactly two regimes (glut, then tight)' })
      .default(() => [...INVENTORY_REGIMES]),
    // P[i][j] = Prob(next = j | now = i): gluts last ~100 steps, tight spells ~67
    P: z.array(z.array(probability())).default(() => [
      [0.99, 0.01],
      [0.015, 0.985]
    ]),
    inv_mu: z
      .tuple([num(), num()], { error: 'must give the inventory mean of each regime [glut, tight]' })
      .default([1.5, -1.5])
      .meta({ description: 'Long-run inventory deviation in each regime [glut, tight]', unit: 'z-score' }),
    spot_sigma_mult: z
      .tuple([nonNegative(), nonNegative()], { error: 'must give the spot-vol multiplier of each regime [glut, tight]' })
      .default([0.8, 1.5])
      .meta({ description: 'Spot volatility multiplier in each regime [glut, tight]', unit: '× spot_sigma' })
  })
  .superRefine((r, ctx) => checkTransitionMatrix(r.P, 2, ctx, ['P']))
  .prefault({})

const Corrections = z
  .strictObject({
    seasonality: z.enum(['tenor', 'calendar'], { error: 'must be "tenor" or "calendar"' }).default('tenor'),
    inventory_regime: z.boolean({ error: 'must be true or false' }).default(false),
    mark_book: z.enum(['pre_trade', 'traded'], { error: 'must be "pre_trade" or "traded"' }).default('pre_trade'),
    roll_accrual: z.boolean({ error: 'must be true or false' }).default(false),
    total_pnl: z.enum(['from_first_row', 'from_notional'], { error: 'must be "from_first_row" or "from_notional"' }).default('from_first_row')
  })
  .prefault({})

export const OilCurveConfigSchema = z.strictObject({
  seed: legacySeed(7),
  T: whole().min(2, { error: 'must be at least 2 steps' }).max(1_000_000, { error: 'must be at most 1,000,000 steps' }).default(400).meta({ title: 'T (steps)', description: 'Steps of run_backtest', unit: 'steps' }),
  decision_every: whole().min(1, { error: 'must be at least 1 step' }).default(1).meta({ description: 'Decide every n steps and hold the action between', unit: 'steps' }),
  market: MarketParams,
  env: EnvParams,
  policy: PolicyParams,
  regimes: Regimes,
  corrections: Corrections
})
export type OilCurveConfig = z.infer<typeof OilCurveConfigSchema>

// spec §3.4 and the bugs found porting cell 21; each switch can be flipped alone.
export const OIL_CURVE_CORRECTIONS = {
  calendarSeasonality: {
    id: 'seasonality',
    title: 'Seasonality in calendar time',
    why: 'The notebook’s seasonal factor depends on the tenor only (sin 2π(τ + 0.15)), so the same 5% hump sits on every curve and dominates the 1→6 month slope: the curve never leaves backwardation and the contango branch is never exercised. Corrected: the factor follows each contract’s delivery date, sin 2π(t·dt + τ + 0.15) (corrections.seasonality = "calendar"), so the curve moves through the seasons and can reach contango.'
  },
  inventoryRegime: {
    id: 'inventory_regime',
    title: 'An inventory regime: glut and tight',
    why: 'The book describes regime persistence and stochastic volatility; the notebook has neither, and its regime plot is a relabelling of the contango score. Corrected: a two-state Markov chain (regimes.P) sets the inventory’s long-run level (glut: high inventory, low convenience yield, contango; tight: the reverse) and scales spot volatility by regime (corrections.inventory_regime). The regime is drawn first each step, then the notebook’s draws in its order.'
  },
  markBook: {
    id: 'mark_book',
    title: 'The traded book earns the next move',
    why: 'The notebook trades to the new target at t but books the move t → t+1 on the position it held before the trade, so every trade earns one step late, on a book it no longer holds. Corrected: the book traded at t earns t → t+1 (corrections.mark_book = "traded").'
  },
  rollAccrual: {
    id: 'roll_accrual',
    title: 'Book the roll yield',
    why: 'The notebook marks each position on the constant-maturity point of the curve, so a held contract never ages and roll yield, the mechanism of the calendar spreads, is a feature only. Corrected: each contract also earns F_t(τ − dt) − F_t(τ), its roll down the curve over the step, as a P&L component of its own (corrections.roll_accrual).'
  },
  totalPnl: {
    id: 'total_pnl',
    title: 'Total P&L from the starting notional',
    why: 'The notebook’s total_pnl is equity[-1] − equity[0], the equity after the first step, so the first step’s P&L and costs are left out. Corrected: final equity − notional (corrections.total_pnl = "from_notional").'
  }
} as const satisfies Record<string, CorrectionNote>

export const OIL_CURVE_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook’s rule-baseline run (seed 7, T 400), quirks kept: tenor-only seasonality (never leaves backwardation), no regime, a one-step-late mark on constant-maturity points.',
    overrides: { corrections: { seasonality: 'tenor', inventory_regime: false, mark_book: 'pre_trade', roll_accrual: false, total_pnl: 'from_first_row' } },
    corrections: []
  },
  corrected: {
    description: 'Calendar-time seasonality, a glut/tight inventory regime with regime-dependent spot volatility, the traded book marked, roll yield booked, total P&L from the notional.',
    overrides: { corrections: { seasonality: 'calendar', inventory_regime: true, mark_book: 'traded', roll_accrual: true, total_pnl: 'from_notional' } },
    corrections: [
      OIL_CURVE_CORRECTIONS.calendarSeasonality,
      OIL_CURVE_CORRECTIONS.inventoryRegime,
      OIL_CURVE_CORRECTIONS.markBook,
      OIL_CURVE_CORRECTIONS.rollAccrual,
      OIL_CURVE_CORRECTIONS.totalPnl
    ]
  }
}

/**
 * The book's experiments, one dimension at a time against the frozen base (book §1.2 item 3;
 * ch.2 experiments: storage, convenience-yield sensitivity, jumps, inventory mean reversion;
 * contango threshold, risk-off, weekly decisions; fees and slippage; the leverage cap).
 */
export function oilCurveStressMenu(config: OilCurveConfig): StressVariant[] {
  const { market: mp, env, policy } = config
  const menu: StressVariant[] = [
    { name: 'storage cost doubled', overrides: { 'market.storage': mp.storage * 2 } },
    { name: 'convenience yield twice as sensitive to inventory', overrides: { 'market.cy_b': mp.cy_b * 2 } },
    { name: 'jumps 5× as likely and twice as large', overrides: { 'market.jump_prob': Math.min(1, mp.jump_prob * 5), 'market.jump_sigma': mp.jump_sigma * 2 } },
    { name: 'inventory mean reversion halved', overrides: { 'market.inv_kappa': mp.inv_kappa / 2 } },
    { name: 'spot volatility doubled', overrides: { 'market.spot_sigma': mp.spot_sigma * 2 } },
    { name: 'contango threshold doubled', overrides: { 'policy.thresh': policy.thresh * 2 } },
    { name: 'risk-off at 1% drawdown', overrides: { 'policy.risk_off_dd': Math.min(policy.risk_off_dd, 0.01) } },
    { name: 'weekly decisions (every 5 steps)', overrides: { decision_every: 5 } },
    { name: 'fees and slippage tripled', overrides: { 'env.fee_bps': env.fee_bps * 3, 'env.slippage_bps': env.slippage_bps * 3 } },
    { name: 'gross leverage cap at one eighth', overrides: { 'env.max_gross_leverage': env.max_gross_leverage / 8 } }
  ]
  if (config.corrections.inventory_regime) {
    const P = config.regimes.P
    // twice the chance of turning tight, taken from staying in glut
    const tighter = [[Math.max(0, P[0]![0]! - P[0]![1]!), Math.min(1, 2 * P[0]![1]!)], [...P[1]!]]
    menu.push({ name: 'tight inventory entered twice as often', overrides: { 'regimes.P': tighter } })
  }
  return menu
}
