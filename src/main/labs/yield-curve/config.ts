import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, legacySeed, nonNegative, NOTEBOOK_LLM_FIELDS, num, positive, probability, whole } from '../common/fields'

// Keys and nesting mirror the notebook's `run_config` (book ch.4; notebook cell 6), less its
// free-text notes, so a path such as `execution_params.cost_bps` means the same thing here, in the
// CLI's --set and in the memo. `corrections` holds one switch per fix of the corrected preset.

export const REGIME_NAMES = ['policy_easing', 'neutral', 'policy_tightening', 'stress_liquidity'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]

const Regimes = z
  .strictObject({
    names: z
      .tuple([z.literal('policy_easing'), z.literal('neutral'), z.literal('policy_tightening'), z.literal('stress_liquidity')], {
        error: `must be ${JSON.stringify(REGIME_NAMES)} (the regimes the parameter tables are keyed by)`
      })
      .default([...REGIME_NAMES]),
    // book ch.4 §5.2; notebook cell 6: markov_P[i][j] = Prob(next = j | now = i)
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.0, 0.005],
      [0.02, 0.955, 0.02, 0.005],
      [0.0, 0.03, 0.965, 0.005],
      [0.03, 0.15, 0.02, 0.8]
    ])
  })
  // np.random.choice accepts a row whose sum is within sqrt(eps) of 1
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 4, ctx, ['markov_P']))
  .prefault({})

/** A shock scale is the standard deviation np.random.normal is given: it may be 0, never negative. */
const shock = (value: number, description: string) =>
  num().min(0, { error: 'must be ≥ 0 (a standard deviation)' }).default(value).meta({ description, unit: 'std per step' })

const regimeShocks = (pol: number, tp: number, v: number, liq: number) =>
  z
    .strictObject({
      pol: shock(pol, 'Policy-rate shock'),
      tp: shock(tp, 'Term-premium shock'),
      v: shock(v, 'Volatility-state shock (|N| added)'),
      liq: shock(liq, 'Liquidity shock')
    })
    .prefault({})

const MarketParams = z
  .strictObject({
    // book ch.4 §5.2; notebook cells 6 and 11
    ns_lambda: positive().default(0.55).meta({ description: 'Nelson–Siegel decay', unit: 'per year' }),
    policy_rate0: num().default(0.03).meta({ description: 'Starting policy rate', unit: 'rate (decimal)' }),
    beta0_0: num().default(0.02).meta({ description: 'Starting Nelson–Siegel level factor', unit: 'rate (decimal)' }),
    beta1_0: num().default(-0.01).meta({ description: 'Starting Nelson–Siegel slope factor', unit: 'rate (decimal)' }),
    beta2_0: num().default(0.008).meta({ description: 'Starting Nelson–Siegel curvature factor', unit: 'rate (decimal)' }),
    mean_reversion: z
      .strictObject({
        beta0: nonNegative().default(0.0025).meta({ description: 'Mean reversion of the level factor', unit: 'per step' }),
        beta1: nonNegative().default(0.008).meta({ description: 'Mean reversion of the slope factor', unit: 'per step' }),
        beta2: nonNegative().default(0.01).meta({ description: 'Mean reversion of the curvature factor', unit: 'per step' })
      })
      .prefault({}),
    shock_scales: z
      .strictObject({
        policy_easing: regimeShocks(0.0002, 0.00045, 0.00035, 0.02),
        neutral: regimeShocks(0.00012, 0.0003, 0.00025, 0.015),
        policy_tightening: regimeShocks(0.0002, 0.00045, 0.00035, 0.02),
        stress_liquidity: regimeShocks(0.0001, 0.0011, 0.0009, 0.09)
      })
      .prefault({}),
    policy_drifts: z
      .strictObject({
        policy_easing: num().default(-0.00005).meta({ description: 'Policy-rate drift in easing', unit: 'per step' }),
        neutral: num().default(0).meta({ description: 'Policy-rate drift in neutral', unit: 'per step' }),
        policy_tightening: num().default(0.00005).meta({ description: 'Policy-rate drift in tightening', unit: 'per step' }),
        stress_liquidity: num().default(0).meta({ description: 'Policy-rate drift in stress', unit: 'per step' })
      })
      .prefault({})
  })
  .prefault({})

const SurfaceParams = z
  .strictObject({
    tenor_grid_years: z
      .array(num().gt(0, { error: 'must be > 0 years' }), { error: 'must be a list of tenors in years' })
      .min(2, { error: 'must list at least 2 tenors (the key tenors are interpolated on it)' })
      .max(64, { error: 'must list at most 64 tenors' })
      .refine((years) => years.every((y, i) => i === 0 || y > years[i - 1]!), { error: 'must be strictly increasing (np.interp reads the grid in order)' })
      .default(() => [0.5, 1, 2, 3, 5, 7, 10, 20, 30])
      .meta({ description: 'Tenors of the Nelson–Siegel curve', unit: 'years' }),
    // The notebook lists the key tenors but reads 2, 10 and 30 as literals (cell 16): they are the legs.
    trade_tenors_years: z
      .tuple(
        [2, 10, 30].map((years) => z.literal(years, { error: 'must be [2, 10, 30] (the legs of the books)' })) as [z.ZodLiteral<2>, z.ZodLiteral<10>, z.ZodLiteral<30>],
        { error: 'must be [2, 10, 30] (the legs of the books)' }
      )
      .default([2, 10, 30])
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.4 §5.2; notebook cell 6 (execution_cost_and_fill in cell 21)
    cost_fixed: nonNegative().default(0).meta({ description: 'Fixed cost per step', unit: 'currency' }),
    cost_bps: nonNegative().default(0.8).meta({ description: 'Proportional cost on the traded size', unit: 'bps' }),
    slippage_vol_lambda: nonNegative().default(1.8).meta({ description: 'Slippage per unit of the volatility state (saturating in size)' }),
    impact_eta: nonNegative().default(0.12).meta({ description: 'Nonlinear impact strength' }),
    impact_power: positive().default(1.35).meta({ description: 'Impact exponent on the traded size' }),
    permanent_frac: nonNegative().default(0.25).meta({ description: 'Permanent cost as a fraction of the temporary cost', unit: 'fraction' }),
    min_liquidity: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (liquidity is capped at 1)' }).default(0.15).meta({ description: 'Floor of the liquidity state', unit: 'index' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    max_leverage: positive().default(2.2).meta({ description: 'Gross market value over equity above which a trade is scaled down', unit: '× equity' }),
    pos_dv01_limit: positive().default(18000).meta({ description: 'Largest DV01 per leg after a trade', unit: 'currency per bp' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.22).meta({ description: 'Drawdown from peak equity that forces the book flat for good', unit: 'fraction' }),
    margin_rate: nonNegative().default(0.08).meta({ description: 'Funding drag per unit of leverage above 1', unit: 'per 1000 steps' }),
    delever_threshold: probability().default(0.92).meta({ description: 'Equity below this fraction of peak turns any trade into FLAT', unit: 'fraction' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    ...NOTEBOOK_LLM_FIELDS
  })
  .prefault({})

const liquidityTarget = (value: number, regime: string) => probability().default(value).meta({ description: `Liquidity the state reverts to in ${regime} (corrected)`, unit: 'index' })

const Corrections = z
  .strictObject({
    pnl_timing: z.enum(['lookahead', 'mark_then_trade'], { error: 'must be "lookahead" or "mark_then_trade"' }).default('lookahead'),
    slope_names: z.enum(['notebook', 'market'], { error: 'must be "notebook" or "market"' }).default('notebook'),
    butterfly_sign: z.enum(['long_wings', 'by_z_fly'], { error: 'must be "long_wings" or "by_z_fly"' }).default('long_wings'),
    level_factor: z.enum(['increment', 'level'], { error: 'must be "increment" or "level"' }).default('increment'),
    liquidity: z.enum(['ar1_floor', 'regime_target'], { error: 'must be "ar1_floor" or "regime_target"' }).default('ar1_floor'),
    liquidity_target: z
      .strictObject({
        policy_easing: liquidityTarget(0.7, 'easing'),
        neutral: liquidityTarget(0.7, 'neutral'),
        policy_tightening: liquidityTarget(0.7, 'tightening'),
        stress_liquidity: liquidityTarget(0.3, 'stress')
      })
      .prefault({}),
    carry: z.enum(['gross_mv', 'signed'], { error: 'must be "gross_mv" or "signed"' }).default('gross_mv'),
    cost_size: z.enum(['dv01', 'notional'], { error: 'must be "dv01" or "notional"' }).default('dv01'),
    z_history: z.enum(['double_append', 'once'], { error: 'must be "double_append" or "once"' }).default('double_append')
  })
  .prefault({})

export const YieldCurveConfigSchema = z.strictObject({
  seed: legacySeed(11),
  T: whole().min(2, { error: 'must be ≥ 2' }).max(1_000_000, { error: 'must be ≤ 1,000,000' }).default(900).meta({ title: 'T (steps)', description: 'Number of points of the path (the loop runs T − 1 steps)', unit: 'steps' }),
  dt: positive().default(1).meta({ description: 'Time step; the summary annualises with 252/dt', unit: 'steps' }),
  regimes: Regimes,
  market_params: MarketParams,
  surface_params: SurfaceParams,
  execution_params: ExecutionParams,
  risk_params: RiskParams,
  policy_params: PolicyParams,
  corrections: Corrections
})
export type YieldCurveConfig = z.infer<typeof YieldCurveConfigSchema>

// book ch.4 §5.4 (spec bugs 1–5 and the z-score history); each switch can be flipped alone.
export const YIELD_CURVE_CORRECTIONS = {
  noLookahead: {
    id: 'no_lookahead',
    title: 'Mark the old book, then trade',
    why: 'The notebook trades at t and then books the new book’s move over t−1 → t: the position chosen after seeing P[t] earns P[t] − P[t−1]. Corrected (corrections.pnl_timing = "mark_then_trade"): the book carried into t is marked over t−1 → t (price, carry and funding), then the trade is made at t prices and earns from t on.'
  },
  slopeNames: {
    id: 'slope_names',
    title: 'STEEPENER and FLATTENER in market convention',
    why: 'The notebook’s STEEPENER is long 10Y / short 2Y, which gains when 2s10 falls: a flattener. Corrected (corrections.slope_names = "market"): STEEPENER is long 2Y / short 10Y, FLATTENER long 10Y / short 2Y, both DV01-neutral; the baseline keeps its rule (slope rich → FLATTENER), which now puts on the trade its name says.'
  },
  butterflySign: {
    id: 'butterfly_sign',
    title: 'A butterfly signed by the fly’s z-score',
    why: 'The notebook’s BUTTERFLY is always long wings / short belly, whichever way the fly is dislocated. Corrected (corrections.butterfly_sign = "by_z_fly"): long wings when z_fly > 0 (wings cheap), short wings / long belly when z_fly < 0.'
  },
  levelFactor: {
    id: 'level_factor',
    title: 'The term premium sets the level, not its increment',
    why: 'The notebook adds 0.35·term premium to β0 every step without decay, so β0 and the 10Y yield drift to about 25%. Corrected (corrections.level_factor = "level"): β0 mean-reverts to the level 0.02 + 0.35·tp, with the same draws.'
  },
  liquidityTarget: {
    id: 'liquidity_target',
    title: 'Liquidity reverts to a regime target',
    why: 'The notebook’s liquidity is AR(1) toward 0, floored at 0.15: it sits on the floor in ~40% of steps and is on average higher in stress (the larger stress noise is clipped at the floor). Corrected (corrections.liquidity = "regime_target"): liq ← liq + 0.04·(target[regime] − liq) + noise, targets 0.7 calm and 0.3 in stress (a choice, not from the source: corrections.liquidity_target).'
  },
  signedCarry: {
    id: 'signed_carry',
    title: 'Signed carry',
    why: 'The notebook books carry = 0.00002·gross market value, so short bonds earn carry too. Corrected (corrections.carry = "signed"): each leg accrues n·P·(y − policy rate)/252 per step, the bond’s yield over the policy (repo) rate, negative for a short.'
  },
  costSize: {
    id: 'cost_size',
    title: 'Costs on traded notional',
    why: 'The notebook charges its bps, slippage and impact on the DV01 traded (currency per bp), so a whole run costs ~130 against P&L in the millions and “execution dominance” never appears. Corrected (corrections.cost_size = "notional"): the same cost formula measured on the traded market value, as a desk quotes bps.'
  },
  zHistory: {
    id: 'z_history',
    title: 'One history point per step',
    why: 'The notebook appends each step’s slope and fly twice (in the loop and in baseline_policy), so its 80-point z-score window spans 40 steps and once the drawdown stop halts the baseline it spans 80. Corrected (corrections.z_history = "once"): one point per step, an 80-step window.'
  }
} as const satisfies Record<string, CorrectionNote>

export const YIELD_CURVE_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (seed 11, T 900), quirks kept: look-ahead P&L, inverted slope names, β0 drift, floor-bound liquidity, gross carry, DV01-sized costs, doubled z history.',
    overrides: {
      corrections: { pnl_timing: 'lookahead', slope_names: 'notebook', butterfly_sign: 'long_wings', level_factor: 'increment', liquidity: 'ar1_floor', carry: 'gross_mv', cost_size: 'dv01', z_history: 'double_append' }
    },
    corrections: []
  },
  corrected: {
    description: 'No look-ahead, market-convention slope trades, a signed butterfly, β0 as a level, regime-linked liquidity, signed carry, costs on traded notional, one z-score point per step.',
    overrides: {
      corrections: { pnl_timing: 'mark_then_trade', slope_names: 'market', butterfly_sign: 'by_z_fly', level_factor: 'level', liquidity: 'regime_target', carry: 'signed', cost_size: 'notional', z_history: 'once' }
    },
    corrections: Object.values(YIELD_CURVE_CORRECTIONS)
  }
}

/**
 * The book's stress runs, one dimension at a time against the frozen base (book §1.2 item 3;
 * ch.4 experiments: stress persistence, term-premium shock size, tighter leverage and DV01
 * limits, impact nonlinearity and slippage–vol sensitivity).
 */
export function yieldCurveStressMenu(config: YieldCurveConfig): StressVariant[] {
  const P = config.regimes.markov_P
  const stress = 3
  // stress twice as persistent: half the chance of leaving it, the rest kept in stress
  const stickier = P.map((row, i) => (i !== stress ? row : row.map((p, j) => (j === stress ? 1 - (1 - p) / 2 : p / 2))))
  const ep = config.execution_params
  const rp = config.risk_params
  const shocks = config.market_params.shock_scales
  return [
    { name: 'stress twice as persistent', overrides: { 'regimes.markov_P': stickier } },
    { name: 'term-premium shocks tripled in stress', overrides: { 'market_params.shock_scales.stress_liquidity.tp': shocks.stress_liquidity.tp * 3 } },
    { name: 'leverage cap halved', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2 } },
    { name: 'DV01 limit at a tenth', overrides: { 'risk_params.pos_dv01_limit': rp.pos_dv01_limit / 10 } },
    { name: 'costs and impact doubled', overrides: { 'execution_params.cost_bps': ep.cost_bps * 2, 'execution_params.impact_eta': ep.impact_eta * 2 } },
    { name: 'impact more convex (power 1.6)', overrides: { 'execution_params.impact_power': Math.max(ep.impact_power, 1.6) } },
    { name: 'slippage–vol sensitivity tripled', overrides: { 'execution_params.slippage_vol_lambda': ep.slippage_vol_lambda * 3 } },
    { name: 'liquidity shocks doubled in stress', overrides: { 'market_params.shock_scales.stress_liquidity.liq': shocks.stress_liquidity.liq * 2 } }
  ]
}
