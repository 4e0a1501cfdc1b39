import { z } from 'zod'
import { issuesFromZod } from '../../../shared/contract'
import { deepMerge, setPath, type CorrectionNote, type PresetDefinition } from '../../engine/kernel'
import { LabConfigError } from '../lab-module'
import { nonNegative, num, positive, twoRegimes, whole } from '../common/fields'

// Two-venue latency arbitrage (microstructure-lab README, notebook 04). There is no reference
// code: keys are grouped like the other labs' run_config, with `latency`, `fees` and
// `venue_params` groups so the book's latency × threshold grid is two config paths. A step is
// one second by default (dt in years).

const steps = () => whole().min(0, { error: 'must be ≥ 0 steps' })

export { CALM, STRESSED } from '../common/fields'

// calm lasts ≈ 1000 s, stress ≈ 100 s on average
const Regimes = twoRegimes([[0.999, 0.001],[0.01, 0.99]])

const MarketParams = z
  .strictObject({
    // the common efficient price: GBM with annualised drift and regime volatility
    price0: positive().default(30_000),
    drift: num().default(0),
    vol_calm: nonNegative().default(0.8),
    vol_stressed: nonNegative().default(2.4)
  })
  .prefault({})

const VenueParams = z
  .strictObject({
    // venue A leads: efficient price + its own noise; venue B closes a share of its gap to A each step
    a_noise_bps: nonNegative().default(0.3),
    b_noise_bps: nonNegative().default(0.5),
    b_adjust_speed: num().gt(0, { error: 'must be in (0, 1]' }).max(1, { error: 'must be in (0, 1]' }).default(0.3),
    a_half_spread_bps: nonNegative().default(0.5),
    b_half_spread_bps: nonNegative().default(1.0),
    stress_spread_mult: num().min(1, { error: 'must be ≥ 1' }).default(2)
  })
  .prefault({})

const Fees = z
  .strictObject({
    // taker fee per leg, bps of the leg's traded notional
    venue_a_bps: nonNegative().default(1),
    venue_b_bps: nonNegative().default(1)
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
    threshold_bps: nonNegative().default(2),
    /** Quote-currency size of each arb (base quantity fixed at the decision's buy price). */
    clip_notional: positive().default(10_000)
  })
  .prefault({})

const RiskParams = z
  .strictObject({
    capital: positive().default(100_000),
    /** Arbs that may be in flight or awaiting their transfer at once (one clip of pre-funded inventory each). */
    inventory_clips: whole().min(1, { error: 'must be at least 1 clip' }).default(3),
    max_dd_stop: num().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1 (a fraction of peak equity)' }).default(0.5)
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
    dt: positive().max(1, { error: 'must be ≤ 1 (years per step)' }).default(1 / 31_536_000),
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

export const CORRECTIONS = {
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
    corrections: [CORRECTIONS.signalBasis]
  }
}

/** Defaults ← preset ← user overrides (dotted paths or nested objects), then the schema. Throws LabConfigError. */
export function resolveConfig(preset: 'faithful' | 'corrected' = 'faithful', overrides: Record<string, unknown> = {}): LatencyArbConfig {
  const definition = LATENCY_ARB_PRESETS[preset]
  if (definition === undefined) {
    throw new LabConfigError('latency-arb', [{ path: 'preset', message: `must be "faithful" or "corrected" (got ${JSON.stringify(preset)})` }])
  }
  let merged = deepMerge(LatencyArbConfigSchema.parse({}) as Record<string, unknown>, definition.overrides)
  for (const [key, value] of Object.entries(overrides)) {
    merged = key.includes('.') ? setPath(merged, key, value) : deepMerge(merged, { [key]: value })
  }
  const parsed = LatencyArbConfigSchema.safeParse(merged)
  if (!parsed.success) throw new LabConfigError('latency-arb', issuesFromZod(parsed.error, merged, 'config'))
  return parsed.data
}
