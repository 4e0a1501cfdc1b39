import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { nonNegative, num, positive, twoRegimes, whole } from '../common/fields'

// Perpetual-vs-spot carry (microstructure-lab README, notebook 03 "funding/basis arb"). There is
// no reference code: keys are grouped like the other labs' run_config; `corrections` holds one
// switch per fix of the `corrected` preset. A step is one hour by default (dt in years).

// calm lasts ≈ 200 h, stress ≈ 33 h on average
const Regimes = twoRegimes([
  [0.995, 0.005],
  [0.03, 0.97]
])

const MarketParams = z
  .strictObject({
    // OU basis dX = κ(θ − X)dt + σ_regime dW, X = (perp − spot)/spot in bps; σ in bps/√year
    basis_mean_bps: num().default(2).meta({ description: 'Long-run mean θ of the perp–spot basis', unit: 'bps' }),
    basis_kappa: nonNegative().default(500).meta({ description: 'Mean-reversion speed κ of the basis (0: a random walk)', unit: 'per year' }),
    basis_sigma_calm_bps: nonNegative().default(250).meta({ description: 'Basis volatility in calm', unit: 'bps/√year' }),
    basis_sigma_stressed_bps: nonNegative().default(750).meta({ description: 'Basis volatility in stress', unit: 'bps/√year' }),
    // spot GBM, annualised
    spot0: positive().default(30_000).meta({ description: 'Spot price at step 0', unit: 'currency' }),
    spot_drift: num().default(0).meta({ description: 'Spot drift μ', unit: 'per year' }),
    spot_vol_calm: nonNegative().default(0.5).meta({ description: 'Spot volatility in calm', unit: 'per √year' }),
    spot_vol_stressed: nonNegative().default(1.2).meta({ description: 'Spot volatility in stress', unit: 'per √year' }),
    // funding paid every funding_interval_steps; the rate is quoted per funding_reference_hours
    funding_interval_steps: whole().min(1, { error: 'must be at least 1 step' }).default(8).meta({ description: 'Steps between funding payments', unit: 'steps' }),
    funding_reference_hours: positive().default(8).meta({ description: 'Hours the funding rate is quoted per', unit: 'hours' }),
    funding_noise_bps: nonNegative().default(0.5).meta({ description: 'Sd of the per-interval interest/clamp term added to the premium', unit: 'bps' })
  })
  .prefault({})

const ExecutionParams = z
  .strictObject({
    // per leg traded, in bps of notional: taker fee plus half-spread/impact slippage by regime
    taker_fee_bps: nonNegative().default(4).meta({ description: 'Taker fee per unit of turnover', unit: 'bps of notional' }),
    slippage_bps_calm: nonNegative().default(1).meta({ description: 'Half-spread and impact per unit of turnover in calm', unit: 'bps of notional' }),
    slippage_bps_stressed: nonNegative().default(4).meta({ description: 'Half-spread and impact per unit of turnover in stress', unit: 'bps of notional' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    capital: positive().default(1_000_000).meta({ description: 'Starting equity of the additive book', unit: 'currency' }),
    pos_limit: positive().default(1).meta({ description: 'Largest position per leg', unit: 'units of notional' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.2).meta({ description: 'Drawdown from peak equity that forces the book flat', unit: 'fraction' })
  })
  .prefault({})

const Strategy = z
  .strictObject({
    entry_threshold_bps: nonNegative().default(10).meta({ description: 'Enter when |basis| exceeds this', unit: 'bps' }),
    exit_threshold_bps: nonNegative().default(2).meta({ description: 'Exit once the basis reverts inside ±this', unit: 'bps' }),
    /** Units of notional per leg while in a trade. */
    position_size: positive().default(1).meta({ description: 'Position per leg while in a trade', unit: 'units of notional' }),
    /** Currency per unit of position on each leg. */
    notional: positive().default(1_000_000).meta({ description: 'Currency per unit of position on each leg', unit: 'currency' })
  })
  .prefault({})

const PolicyParams = z
  .strictObject({
    decision_every: whole().min(1, { error: 'must be at least 1 step' }).default(1).meta({ description: 'Decide every n steps and hold the action between', unit: 'steps' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** continuous: funding accrues every step; discrete: the interval's rate is paid to the book held at each funding time. */
    funding: z.enum(['continuous', 'discrete'], { error: 'must be "continuous" or "discrete"' }).default('continuous'),
    /** basis_scalar: costs on |Δ basis position| (one leg); both_legs: on |Δ spot| + |Δ perp|. */
    fee_legs: z.enum(['basis_scalar', 'both_legs'], { error: 'must be "basis_scalar" or "both_legs"' }).default('basis_scalar')
  })
  .prefault({})

export const FundingBasisConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(17),
    T: whole().min(2, { error: 'must be at least 2 steps' }).max(1_000_000, { error: 'must be at most 1,000,000 steps' }).default(2160).meta({ title: 'T (steps)', description: 'Number of steps in the run', unit: 'steps' }),
    dt: positive().max(1, { error: 'must be ≤ 1 (years per step)' }).default(1 / 8760).meta({ description: 'Length of one step in years (1/8760: an hour)', unit: 'years/step' }),
    regimes: Regimes,
    market_params: MarketParams,
    execution_params: ExecutionParams,
    risk_params: RiskParams,
    strategy: Strategy,
    policy_params: PolicyParams,
    corrections: Corrections
  })
  .superRefine((c, ctx) => {
    const s = c.strategy
    // zod runs this refinement even when a threshold failed its own check: compare valid ones only
    if (s.entry_threshold_bps >= 0 && s.exit_threshold_bps > s.entry_threshold_bps) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'exit_threshold_bps'], message: `must be ≤ strategy.entry_threshold_bps = ${s.entry_threshold_bps} (got ${s.exit_threshold_bps})` })
    }
  })

export type FundingBasisConfig = z.infer<typeof FundingBasisConfigSchema>

export const FUNDING_BASIS_CORRECTIONS = {
  funding: {
    id: 'funding',
    title: 'Funding is paid at funding times, not accrued every step',
    why: 'Perpetual venues pay funding only to positions open at each funding timestamp (every 8 h), for the whole interval. Accruing it per step credits a trade opened and closed between two timestamps with carry it never receives, and under-credits one held across a timestamp for a step (corrections.funding = "discrete").'
  },
  feeLegs: {
    id: 'fee_legs',
    title: 'Costs on both legs of the basis trade',
    why: 'A scalar "basis position" hides that entering or leaving the carry trade crosses two markets: spot and perp. Charging fees and slippage on |Δ position| once halves the true round-trip cost and flatters low thresholds (corrections.fee_legs = "both_legs").'
  }
} as const satisfies Record<string, CorrectionNote>

export const FUNDING_BASIS_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description:
      'The seed notebook\'s design as described (no code published; reconstructed): OU basis, funding accrued every step, costs charged once on the scalar basis position.',
    overrides: { corrections: { funding: 'continuous', fee_legs: 'basis_scalar' } },
    corrections: []
  },
  corrected: {
    description: 'Funding paid at discrete funding times to the book then held; fees and slippage on both legs at entry and exit.',
    overrides: { corrections: { funding: 'discrete', fee_legs: 'both_legs' } },
    corrections: [FUNDING_BASIS_CORRECTIONS.funding, FUNDING_BASIS_CORRECTIONS.feeLegs]
  }
}

/** One factor at a time against the frozen base. */
export function fundingBasisStressMenu(config: FundingBasisConfig): StressVariant[] {
  const mp = config.market_params
  const ep = config.execution_params
  const P = config.regimes.P
  const toStress = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  return [
    { name: 'taker fees doubled', overrides: { 'execution_params.taker_fee_bps': 2 * ep.taker_fee_bps } },
    { name: 'slippage doubled', overrides: { 'execution_params.slippage_bps_calm': 2 * ep.slippage_bps_calm, 'execution_params.slippage_bps_stressed': 2 * ep.slippage_bps_stressed } },
    { name: 'basis volatility +50%', overrides: { 'market_params.basis_sigma_calm_bps': 1.5 * mp.basis_sigma_calm_bps, 'market_params.basis_sigma_stressed_bps': 1.5 * mp.basis_sigma_stressed_bps } },
    { name: 'mean reversion twice as slow (κ halved)', overrides: { 'market_params.basis_kappa': mp.basis_kappa / 2 } },
    { name: 'funding interval doubled', overrides: { 'market_params.funding_interval_steps': 2 * mp.funding_interval_steps } },
    { name: 'funding noise doubled', overrides: { 'market_params.funding_noise_bps': 2 * mp.funding_noise_bps } },
    { name: 'stress entered twice as often', overrides: { 'regimes.P': [[1 - toStress, toStress], [...(P[1] ?? [0, 1])]] } },
    { name: 'decisions once per funding interval', overrides: { 'policy_params.decision_every': mp.funding_interval_steps } }
  ]
}
