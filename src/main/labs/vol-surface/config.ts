import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { checkTransitionMatrix, nonNegative, num, positive, probability, whole } from '../common/fields'

// Keys and nesting follow the notebook's run_config (CHAPTER_6.ipynb code cell 0, CELL 2), so a
// path such as `execution_params.cost_bps` means the same thing here, in the CLI's --set and in
// the memo. Per-regime tables are the notebook's dicts keyed by regime name. Keys the notebook
// hard-codes in its functions are exposed with their notebook values and marked "notebook
// constant"; `corrections` holds the switches the `corrected` preset flips.

export const REGIME_NAMES = ['calm', 'transition', 'stress'] as const

/** A notebook table keyed by regime name ({calm, transition, stress}). */
function perRegime(field: () => z.ZodNumber, calm: number, transition: number, stress: number, meta?: { description: string; unit: string }) {
  const table = z.strictObject({ calm: field().default(calm), transition: field().default(transition), stress: field().default(stress) }).prefault({})
  return meta ? table.meta(meta) : table
}

export type PerRegime = { calm: number; transition: number; stress: number }

/** The table as an array in regime-code order (0 calm, 1 transition, 2 stress). */
export const byCode = (t: PerRegime): [number, number, number] => [t.calm, t.transition, t.stress]

function strictlyIncreasing(values: readonly number[]): number {
  for (let i = 1; i < values.length; i++) if (!(values[i]! > values[i - 1]!)) return i
  return -1
}

const Regimes = z
  .strictObject({
    names: z
      .array(z.string())
      .default(() => [...REGIME_NAMES])
      .refine((n) => n.length === 3 && n.every((name, i) => name === REGIME_NAMES[i]), {
        error: 'must be ["calm", "transition", "stress"] (the per-regime tables and the baseline are keyed by these names)'
      }),
    // book ch.6 L2177; notebook cell 2: P[i][j] = Prob(next = j | now = i), start in calm
    markov_P: z.array(z.array(probability())).default(() => [
      [0.965, 0.03, 0.005],
      [0.08, 0.86, 0.06],
      [0.02, 0.12, 0.86]
    ])
  })
  .superRefine((r, ctx) => checkTransitionMatrix(r.markov_P, 3, ctx, ['markov_P']))

const MarketParams = z
  .strictObject({
    // book ch.6 L2177–L2179; notebook cell 2 (σ is per step: dt = 1)
    spot0: positive().default(100.0).meta({ description: 'Spot at t = 0', unit: 'price' }),
    mu: num().default(0.0).meta({ description: 'Drift (the notebook declares it and never uses it)', unit: 'per step' }),
    base_vol: positive().default(0.15).meta({ description: 'Level the volatility reverts to (per step, dt = 1)', unit: 'per √step' }),
    vol_floor: positive().default(0.06).meta({ description: 'Lower clip of the volatility level', unit: 'per √step' }),
    vol_cap: positive().default(0.9).meta({ description: 'Upper clip of the volatility level', unit: 'per √step' }),
    vol_of_vol: perRegime(nonNegative, 0.08, 0.18, 0.4, { description: 'Vol-of-vol by regime (dV = vov·0.30·z_v + 0.55·|jump|)', unit: 'per √step' }),
    jump_intensity: perRegime(probability, 0.004, 0.012, 0.035, { description: 'Chance of a spot jump per step, by regime', unit: 'per step' }),
    jump_scale: perRegime(nonNegative, 0.012, 0.028, 0.06, { description: 'Std of a spot jump (log return), by regime', unit: 'log return' }),
    skew_pressure: perRegime(nonNegative, 0.35, 0.6, 0.95, { description: 'Put-skew pressure by regime (tilts the smile)', unit: '' }),
    mean_revert_kappa: nonNegative().default(0.1).meta({ description: 'Speed of vol mean reversion toward base_vol', unit: 'per step' })
  })
  .prefault({})
  .superRefine((m, ctx) => {
    if (!(m.vol_floor < m.vol_cap)) ctx.addIssue({ code: 'custom', path: ['vol_floor'], message: `must be < vol_cap = ${m.vol_cap} (got ${m.vol_floor})` })
  })

const SurfaceParams = z
  .strictObject({
    axes: z
      .strictObject({
        // book ch.6 L2181; notebook cell 2: the grid the surface is built on
        tenor_days: z
          .array(positive())
          .min(2, { error: 'must list at least two tenors' })
          .default(() => [7, 30, 90, 180])
          .superRefine((d, ctx) => {
            const i = strictlyIncreasing(d)
            if (i >= 0) ctx.addIssue({ code: 'custom', path: [i], message: `must be strictly increasing (tenor ${i} is ${d[i]} after ${d[i - 1]})` })
          })
          .meta({ description: 'Tenor grid, strictly increasing', unit: 'days' }),
        moneyness: z
          .array(num())
          .min(1, { error: 'must list at least one moneyness' })
          .default(() => [-0.1, -0.05, 0.0, 0.05, 0.1])
          .superRefine((m, ctx) => {
            const i = strictlyIncreasing(m)
            if (i >= 0) ctx.addIssue({ code: 'custom', path: [i], message: `must be strictly increasing (point ${i} is ${m[i]} after ${m[i - 1]})` })
          })
          .meta({ description: 'Moneyness grid (negative = put wing), strictly increasing', unit: 'fraction of spot' })
      })
      .prefault({}),
    term_structure_slope: perRegime(num, -0.02, 0.0, 0.06, { description: 'Term-structure slope by regime (long > short when positive)', unit: '' }),
    smile_curvature: perRegime(num, 0.5, 0.65, 0.9, { description: 'Smile curvature by regime (1 + c·m²)', unit: '' }),
    // corrected only (corrections.tenor_sensitivity = per_tenor): IV[i,·] ∝ 1 + a_i·vov + b_i·|jump|
    tenor_vov_sensitivity: z.array(nonNegative()).default(() => [1.0, 0.6, 0.3, 0.1]).meta({ description: 'Per-tenor response to vol-of-vol, a_i (corrected), one per tenor', unit: '' }),
    tenor_jump_sensitivity: z.array(nonNegative()).default(() => [6.0, 3.0, 1.0, 0.3]).meta({ description: 'Per-tenor response to the jump proxy, b_i (corrected), one per tenor', unit: '' }),
    // option (corrections.regime_anticipation = markov_horizon): IV[i,·] × (1 + w·P^{h_i}[regime, stress])
    anticipation_weight: nonNegative().default(0.5).meta({ description: 'Weight of the chance of stress at a tenor\'s expiry in its vol (regime_anticipation option)', unit: '' })
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // book ch.6 L2235–L2247; notebook cell 5 (execution_cost)
    cost_fixed: nonNegative().default(0.0).meta({ description: 'Fixed cost charged every step', unit: 'currency' }),
    cost_bps: nonNegative().default(2.0).meta({ description: 'Proportional cost on the traded vega units × initial equity', unit: 'bps' }),
    slippage_lambda: nonNegative().default(0.15).meta({ description: 'Impact coefficient', unit: '' }),
    illiquidity_by_regime: perRegime(nonNegative, 0.6, 1.2, 2.8, { description: 'Illiquidity multiplier of impact, by regime', unit: '×' }),
    // notebook constant (cell 5): impact = units·λ·illiq·E0·1e−6
    impact_scale: positive().default(1e-6).meta({ description: 'Impact per unit of equity base (notebook 1e−6; corrected 1e−3)', unit: '' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    initial_equity: positive().default(1_000_000.0).meta({ description: 'Equity at t = 0', unit: 'currency' }),
    max_leverage: positive().default(2.0).meta({ description: 'Cap on gross vega units per million of equity: the book is scaled down above it', unit: 'units per 1e6' }),
    pos_limit_vega: positive().default(1.0).meta({ description: 'Bound on each exposure (outright, calendar)', unit: 'vega units' }),
    trade_rate_limit: positive().default(0.25).meta({ description: 'Largest change of each exposure per step', unit: 'vega units / step' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.2).meta({ description: 'Drawdown from peak that triggers the stop', unit: 'fraction' })
  })
  .prefault({})

const StrategyParams = z
  .strictObject({
    // book ch.6 §2.5 (spec); notebook cell 2, used in cell 5 (step_pnl)
    theta_carry_calm: num().default(220.0).meta({ description: 'Carry per step per unit of short vega in calm', unit: 'currency / step' }),
    theta_carry_transition: num().default(120.0).meta({ description: 'Carry per step per unit of short vega in transition', unit: 'currency / step' }),
    theta_carry_stress: num().default(40.0).meta({ description: 'Carry per step per unit of short vega in stress', unit: 'currency / step' }),
    vega_pnl_scale: num().default(8500.0).meta({ description: 'P&L per unit of outright vega per 1.00 move of 30-day ATM IV', unit: 'currency' }),
    convexity_coeff: nonNegative().default(9000.0).meta({ description: 'Short-vol loss per (|dS/S| − threshold)²', unit: 'currency' }),
    tail_threshold: nonNegative().default(0.018).meta({ description: 'Spot move beyond which convexity bites', unit: 'fraction' }),
    calendar_sensitivity: num().default(6000.0).meta({ description: 'P&L per unit of calendar per 1.00 change of the term slope', unit: 'currency' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    /** Decide every n steps and hold the last action between (the notebook decides every step). */
    decision_every: whole().min(1, { error: 'must be at least 1 step' }).default(1).meta({ description: 'Decide every n steps and hold the action between', unit: 'steps' }),
    enable_llm: z.boolean().default(false),
    llm_model: z.string().default('gpt-4o-mini'),
    llm_temperature: num().min(0, { error: 'must be ≥ 0' }).max(2, { error: 'must be ≤ 2' }).default(0.0),
    fallback_to_baseline_on_error: z.boolean().default(true),
    max_rationale_chars: whole().min(1, { error: 'must be at least 1' }).default(260),
    // notebook constants (cell 7, baseline_policy)
    vol_elevated_margin: num().default(0.1).meta({ description: 'IV above base_vol + margin counts as elevated', unit: 'vol' }),
    skew_extreme_threshold: num().default(0.14).meta({ description: 'Skew proxy above which skew counts as extreme', unit: 'vol' }),
    stress_calendar_slope: num().default(0.03).meta({ description: 'In stress, calendar when the term slope is above this (else long vol)', unit: '' }),
    transition_calendar_slope: num().default(0.01).meta({ description: 'In transition, calendar when the term slope is above this (else short vol)', unit: '' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** uniform: vov and jumps move only σ, which scales the whole grid; per_tenor: IV[i,·] × (1 + a_i·vov + b_i·|jump|). */
    tenor_sensitivity: z.enum(['uniform', 'per_tenor'], { error: 'must be "uniform" or "per_tenor"' }).default('uniform'),
    /** regime_constant: the term slope is the regime's term_structure_slope; grid_atm: IV[longest, ATM] − IV[shortest, ATM]. */
    calendar_slope: z.enum(['regime_constant', 'grid_atm'], { error: 'must be "regime_constant" or "grid_atm"' }).default('regime_constant'),
    /** initial_equity: impact on E0 (× impact_scale); current_equity: on the equity before the step. */
    impact_base: z.enum(['initial_equity', 'current_equity'], { error: 'must be "initial_equity" or "current_equity"' }).default('initial_equity'),
    /** record_only: the stop is noted and nothing changes; de_risk: from then on the book is taken flat at the rate limit. */
    drawdown_stop: z.enum(['record_only', 'de_risk'], { error: 'must be "record_only" or "de_risk"' }).default('record_only'),
    /** none: positions are abstract vega units; black_scholes: the book's vega and cash gamma from the grid's ATM vols. */
    greeks: z.enum(['none', 'black_scholes'], { error: 'must be "none" or "black_scholes"' }).default('none'),
    /**
     * An option, off in both presets (spec §2.10's forward-looking term): none; markov_horizon:
     * each tenor's vols rise with the chance, from today's regime, of being in stress at its expiry
     * (P^h from the transition matrix, h = tenor days in steps), so long tenors carry the regime's
     * persistence and the surface moves before realised vol does.
     */
    regime_anticipation: z.enum(['none', 'markov_horizon'], { error: 'must be "none" or "markov_horizon"' }).default('none')
  })
  .prefault({})

export const VolSurfaceConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(7),
    T: whole().min(2, { error: 'must be at least 2 steps' }).max(1_000_000, { error: 'must be at most 1,000,000 steps' }).default(800).meta({ title: 'T (steps)', description: 'States simulated; the loop runs T − 1 steps', unit: 'steps' }),
    dt: positive().max(1, { error: 'must be ≤ 1 (steps)' }).default(1.0).meta({ description: 'Length of one step (the notebook: 1, vols per step)', unit: 'steps' }),
    regimes: Regimes.prefault({}),
    market_params: MarketParams,
    surface_params: SurfaceParams,
    execution_params: ExecutionParams,
    risk_params: RiskParams,
    strategy_params: StrategyParams,
    policy_params: PolicyParams,
    corrections: Corrections
  })
  .superRefine((c, ctx) => {
    if (c.corrections.tenor_sensitivity !== 'per_tenor') return
    const n = c.surface_params.axes.tenor_days.length
    for (const key of ['tenor_vov_sensitivity', 'tenor_jump_sensitivity'] as const) {
      const got = c.surface_params[key].length
      if (got !== n) ctx.addIssue({ code: 'custom', path: ['surface_params', key], message: `must have one entry per tenor (${n}) when corrections.tenor_sensitivity is per_tenor (got ${got})` })
    }
  })

export type VolSurfaceConfig = z.infer<typeof VolSurfaceConfigSchema>
export type VolSurfaceConfigInput = z.input<typeof VolSurfaceConfigSchema>

export const VOL_SURFACE_CORRECTIONS = {
  tenorSensitivity: {
    id: 'tenor_sensitivity',
    title: 'Short tenors react more to vol-of-vol and jumps: IV[i,·] × (1 + a_i·vov + b_i·|jump|), a_i, b_i falling with tenor',
    why: 'The book says short maturities react strongly to vol-of-vol and jumps while long ones smooth them; in the notebook vov and jumps only move the scalar σ, which scales every tenor alike, so the surface never changes shape except at regime switches.'
  },
  calendarSlope: {
    id: 'calendar_slope',
    title: 'The term slope is measured off the grid: IV[longest, ATM] − IV[shortest, ATM]',
    why: 'The notebook\'s term slope is the regime constant (−0.02 / 0 / 0.06), so calendar P&L is non-zero only on the step a regime switches and the baseline\'s slope thresholds make LONG_VOL unreachable; measured from the grid it moves with the surface every step.'
  },
  impactBase: {
    id: 'impact_base',
    title: 'Impact is charged on current equity with impact_scale = 1e−3, comparable to the bps cost',
    why: 'The notebook charges units·λ·illiq·E0·1e−6: 0.02 to 0.1 per 0.25-unit trade against 50 of proportional cost, so the regime liquidity penalty the chapter teaches is numerically invisible.'
  },
  drawdownStop: {
    id: 'drawdown_stop',
    title: 'The drawdown stop de-risks: once breached, the book is taken flat at the rate limit and held flat',
    why: 'The book says the system forces de-risking once losses exceed the threshold (L2253); the notebook only records the step and stops calling the LLM, while the baseline keeps trading.'
  },
  greeks: {
    id: 'greeks',
    title: 'Positions read in Greeks: Black–Scholes vega and cash gamma of the book from the grid\'s ATM vols',
    why: 'The chapter promises positions read in Greeks; the notebook has no option pricing, so a short-vol or calendar book shows no gamma. With each leg priced at its tenor\'s ATM vol, the calendar shows its short front-tenor gamma.'
  }
} as const satisfies Record<string, CorrectionNote>

export type VolSurfacePresetName = 'faithful' | 'corrected'

export const VOL_SURFACE_PRESETS: Readonly<Record<VolSurfacePresetName, PresetDefinition>> = {
  faithful: {
    description: 'The notebook as published (markets_for_traders CHAPTER_6, baseline-only path): quirks kept for parity.',
    overrides: {},
    corrections: []
  },
  corrected: {
    description:
      'The notebook with per-tenor surface dynamics, a term slope measured off the grid, impact that matters, a drawdown stop that de-risks and the book read in Black–Scholes Greeks; each fix is a switch under `corrections`.',
    overrides: {
      execution_params: { impact_scale: 1e-3 },
      corrections: { tenor_sensitivity: 'per_tenor', calendar_slope: 'grid_atm', impact_base: 'current_equity', drawdown_stop: 'de_risk', greeks: 'black_scholes' }
    },
    corrections: [
      VOL_SURFACE_CORRECTIONS.tenorSensitivity,
      VOL_SURFACE_CORRECTIONS.calendarSlope,
      VOL_SURFACE_CORRECTIONS.impactBase,
      VOL_SURFACE_CORRECTIONS.drawdownStop,
      VOL_SURFACE_CORRECTIONS.greeks
    ]
  }
}

/** The book's experiments (ch.6 L2289–L2311), one factor at a time against the frozen base config. */
export function volSurfaceStressMenu(config: VolSurfaceConfig): StressVariant[] {
  const P = config.regimes.markov_P
  const mp = config.market_params
  const ep = config.execution_params
  const rp = config.risk_params
  const sp = config.surface_params
  const twice = (t: PerRegime) => ({ calm: 2 * t.calm, transition: 2 * t.transition, stress: 2 * t.stress })
  // stress twice as persistent: halve each chance of leaving it
  const out = [P[2]![0]! / 2, P[2]![1]! / 2]
  const stickier = [[...P[0]!], [...P[1]!], [out[0]!, out[1]!, 1 - out[0]! - out[1]!]]
  return [
    { name: 'stress twice as persistent (regime persistence)', overrides: { 'regimes.markov_P': stickier } },
    { name: 'vol-of-vol doubled', overrides: { 'market_params.vol_of_vol': twice(mp.vol_of_vol) } },
    { name: 'short-dated surface twice as regime-sensitive (surface construction)', overrides: { 'surface_params.term_structure_slope': twice(sp.term_structure_slope), 'surface_params.smile_curvature': twice(sp.smile_curvature) } },
    { name: 'illiquidity doubled (execution costs and impact)', overrides: { 'execution_params.illiquidity_by_regime': twice(ep.illiquidity_by_regime), 'execution_params.cost_bps': 2 * ep.cost_bps } },
    { name: 'tighter risk: leverage cap and position bound halved, stop at half', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2, 'risk_params.pos_limit_vega': rp.pos_limit_vega / 2, 'risk_params.max_dd_stop': rp.max_dd_stop / 2 } },
    { name: 'policy: elevated-vol margin halved', overrides: { 'policy_params.vol_elevated_margin': config.policy_params.vol_elevated_margin / 2 } },
    { name: 'cross: vol-of-vol doubled and trade rate limit halved', overrides: { 'market_params.vol_of_vol': twice(mp.vol_of_vol), 'risk_params.trade_rate_limit': rp.trade_rate_limit / 2 } }
  ]
}
