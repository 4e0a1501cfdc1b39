import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { nonNegative, num, positive, twoRegimes, whole } from '../common/fields'

// Two-venue latency arbitrage (microstructure-lab README, notebook 04). There is no reference
// code: keys are grouped like the other labs' run_config, with `latency`, `fees` and
// `venue_params` groups so the book's latency × threshold grid is two config paths. A step is
// one second by default (dt in years).

const steps = () => whole().min(0, { error: 'must be ≥ 0 steps' })

// calm lasts ≈ 1000 s, stress ≈ 100 s on average
const Regimes = twoRegimes([
  [0.999, 0.001],
  [0.01, 0.99]
])

const MarketParams = z
  .strictObject({
    // the common efficient price: GBM with annualised drift and regime volatility
    price0: positive().default(30_000).meta({ description: 'Efficient price at step 0', unit: 'quote currency' }),
    drift: num().default(0).meta({ description: 'Annualised drift of the efficient price', unit: 'per year' }),
    vol_calm: nonNegative().default(0.8).meta({ description: 'Annualised volatility in calm', unit: 'per √year' }),
    vol_stressed: nonNegative().default(2.4).meta({ description: 'Annualised volatility in stress', unit: 'per √year' })
  })
  .prefault({})

const VenueParams = z
  .strictObject({
    // venue A leads: efficient price + its own noise; venue B closes a share of its gap to A each step
    a_noise_bps: nonNegative().default(0.3).meta({ description: 'Venue A quote noise around the efficient price', unit: 'bps' }),
    b_noise_bps: nonNegative().default(0.5).meta({ description: 'Venue B quote noise per step', unit: 'bps' }),
    b_adjust_speed: num().gt(0, { error: 'must be in (0, 1]' }).max(1, { error: 'must be in (0, 1]' }).default(0.3).meta({ description: 'Share of its gap to venue A that venue B closes each step', unit: 'fraction/step' }),
    a_half_spread_bps: nonNegative().default(0.5).meta({ description: 'Venue A half-spread in calm', unit: 'bps' }),
    b_half_spread_bps: nonNegative().default(1.0).meta({ description: 'Venue B half-spread in calm', unit: 'bps' }),
    stress_spread_mult: num().min(1, { error: 'must be ≥ 1' }).default(2).meta({ description: 'Half-spreads widen by this factor in stress', unit: '×' })
  })
  .prefault({})

const Fees = z
  .strictObject({
    // taker fee per leg, bps of the leg's traded notional
    venue_a_bps: nonNegative().default(1).meta({ description: 'Taker fee on venue A', unit: 'bps' }),
    venue_b_bps: nonNegative().default(1).meta({ description: 'Taker fee on venue B', unit: 'bps' })
  })
  .prefault({})

const Latency = z
  .strictObject({
    /** Steps from seeing an opportunity to both legs executing. */
    latency_steps: steps().default(1).meta({ description: 'Steps between seeing an edge and trading on it', unit: 'steps' }),
    /** Steps after execution before the moved inventory is back and the slot can be reused. */
    transfer_delay_steps: steps().default(30).meta({ description: 'Steps to move inventory between the venues', unit: 'steps' })
  })
  .prefault({})

const Strategy = z
  .strictObject({
    threshold_bps: nonNegative().default(2).meta({ description: 'Net edge above fees the signal needs before it trades', unit: 'bps' }),
    /** Quote-currency size of each arb (base quantity fixed at the decision's buy price). */
    clip_notional: positive().default(10_000).meta({ description: 'Size of each arb', unit: 'quote currency' })
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    capital: positive().default(100_000).meta({ description: 'Starting equity', unit: 'quote currency' }),
    /** Arbs that may be in flight or awaiting their transfer at once (one clip of pre-funded inventory each). */
    inventory_clips: whole().min(1, { error: 'must be at least 1 clip' }).default(3).meta({ description: 'Arbs in flight or awaiting their transfer at once', unit: 'clips' }),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.5).meta({ description: 'Drawdown from peak equity that halts the run', unit: 'fraction' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** mid: the edge is the mid-to-mid cross-venue basis; executable: bid of the rich venue over ask of the cheap one. */
    signal_basis: z.enum(['mid', 'executable'], { error: 'must be "mid" or "executable"' }).default('mid')
  })
  .prefault({})

export const LatencyArbConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(23),
    T: whole().min(2, { error: 'must be at least 2 steps' }).max(2_000_000, { error: 'must be at most 2,000,000 steps' }).default(20_000).meta({ title: 'T (steps)', description: 'Number of steps in the run', unit: 'steps' }),
    dt: positive().max(1, { error: 'must be ≤ 1 (years per step)' }).default(1 / 31_536_000).meta({ description: 'Length of one step in years (1/31,536,000: one second)', unit: 'years/step' }),
    regimes: Regimes,
    market_params: MarketParams,
    venue_params: VenueParams,
    fees: Fees,
    latency: Latency,
    strategy: Strategy,
    risk_params: RiskParams,
    corrections: Corrections
  })
  .superRefine((c, ctx) => {
    if (c.latency.latency_steps >= c.T) {
      ctx.addIssue({ code: 'custom', path: ['latency', 'latency_steps'], message: `must be < T = ${c.T} so an arb can execute within the run (got ${c.latency.latency_steps})` })
    }
  })

export type LatencyArbConfig = z.infer<typeof LatencyArbConfigSchema>

export const LATENCY_ARB_CORRECTIONS = {
  signalBasis: {
    id: 'signal_basis',
    title: 'Trade on the executable basis, not the mid basis',
    why: 'The mid-to-mid cross-venue basis is not tradable: buying the cheap venue pays its ask and selling the rich one gets its bid, so the mid basis overstates the edge by both half-spreads. A rule "mid basis − fees > threshold" fires on spreads that lose money even with zero latency (corrections.signal_basis = "executable").'
  }
} as const satisfies Record<string, CorrectionNote>

export const LATENCY_ARB_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description:
      'The seed notebook\'s design as described (no code published; reconstructed): signal on the cross-venue mid basis net of fees, both legs filled at the touch after the latency.',
    overrides: { corrections: { signal_basis: 'mid' } },
    corrections: []
  },
  corrected: {
    description: 'The signal is the executable cross (rich bid over cheap ask) net of fees; execution as in faithful.',
    overrides: { corrections: { signal_basis: 'executable' } },
    corrections: [LATENCY_ARB_CORRECTIONS.signalBasis]
  }
}

/** One factor at a time against the frozen base. */
export function latencyArbStressMenu(config: LatencyArbConfig): StressVariant[] {
  const { latency_steps: L, transfer_delay_steps: D } = config.latency
  const vp = config.venue_params
  const mp = config.market_params
  const P = config.regimes.P
  const toStress = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  return [
    { name: 'latency doubled (at least +1 step)', overrides: { 'latency.latency_steps': Math.min(config.T - 1, Math.max(L + 1, 2 * L)) } },
    { name: 'transfer delay doubled', overrides: { 'latency.transfer_delay_steps': Math.max(D + 1, 2 * D) } },
    { name: 'fees doubled', overrides: { 'fees.venue_a_bps': 2 * config.fees.venue_a_bps, 'fees.venue_b_bps': 2 * config.fees.venue_b_bps } },
    { name: 'half-spreads doubled', overrides: { 'venue_params.a_half_spread_bps': 2 * vp.a_half_spread_bps, 'venue_params.b_half_spread_bps': 2 * vp.b_half_spread_bps } },
    { name: 'venue B catches up twice as fast', overrides: { 'venue_params.b_adjust_speed': Math.min(1, 2 * vp.b_adjust_speed) } },
    { name: 'volatility +50%', overrides: { 'market_params.vol_calm': 1.5 * mp.vol_calm, 'market_params.vol_stressed': 1.5 * mp.vol_stressed } },
    { name: 'stress entered twice as often', overrides: { 'regimes.P': [[1 - toStress, toStress], [...(P[1] ?? [0, 1])]] } },
    { name: 'inventory halved', overrides: { 'risk_params.inventory_clips': Math.max(1, Math.floor(config.risk_params.inventory_clips / 2)) } }
  ]
}
