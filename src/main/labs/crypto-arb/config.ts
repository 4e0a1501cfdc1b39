import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, ProfileDefinition, StressVariant } from '../../engine/kernel'
import { legacySeed, nonNegative, num, positive, probability, whole } from '../common/fields'

// Keys mirror the notebook's objects (book ch.1; notebook CELLS 2, 5 and 8): `exchanges.<venue>`
// holds an ExchangeConfig's fields, `risk` the RiskManager's attributes, `session` CELL 8's
// NUM_TICKS and AGENT_INTERVAL. `market` exposes the price engine's literal scales (CELL 3) so the
// thin-edge scenarios can shrink them; `corrections` holds one switch per fix of the corrected preset.

export const VENUES = ['nexus', 'vortex', 'phantom', 'citadel', 'drift'] as const
export type Venue = (typeof VENUES)[number]

type ExchangeRow = [name: string, maker: number, taker: number, wdPct: number, wdFlat: number, minOrder: number, maxOrder: number, latMean: number, latStd: number, slip: number, uptime: number, settle: number, margin: number, maint: number, maxLev: number, spreadMult: number]

// notebook CELL 2, EXCHANGES
const EXCHANGE_TABLE: Record<Venue, ExchangeRow> = {
  nexus: ['Nexus Prime', 8, 15, 0.0005, 5, 50, 500000, 12, 4, 0.08, 0.998, 2, 0.05, 0.025, 20, 1.0],
  vortex: ['Vortex Global', 5, 12, 0.0008, 8, 25, 750000, 25, 10, 0.12, 0.995, 5, 0.1, 0.05, 10, 1.2],
  phantom: ['Phantom DEX', 12, 25, 0.0003, 2, 100, 300000, 45, 20, 0.15, 0.99, 10, 0.15, 0.075, 5, 1.8],
  citadel: ['Citadel Markets', 3, 10, 0.001, 12, 10, 1000000, 8, 2, 0.06, 0.999, 1, 0.03, 0.015, 50, 0.8],
  drift: ['Drift Finance', 15, 30, 0.0002, 1, 200, 200000, 60, 25, 0.2, 0.985, 15, 0.2, 0.1, 3, 2.2]
}

export const VENUE_NAMES: Record<Venue, string> = Object.fromEntries(VENUES.map((v) => [v, EXCHANGE_TABLE[v][0]])) as Record<Venue, string>

const exchange = (v: Venue) => {
  const [, maker, taker, wdPct, wdFlat, minOrder, maxOrder, latMean, latStd, slip, uptime, settle, margin, maint, maxLev, spreadMult] = EXCHANGE_TABLE[v]
  return z
    .strictObject({
      maker_fee_bps: nonNegative().default(maker).meta({ description: 'Maker fee (unused by the notebook: every leg takes)', unit: 'bps' }),
      taker_fee_bps: nonNegative().default(taker).meta({ description: 'Taker fee on each leg’s filled notional', unit: 'bps' }),
      withdrawal_fee_pct: nonNegative().default(wdPct).meta({ description: 'Proportional withdrawal cost charged on the buy venue', unit: 'fraction of size' }),
      withdrawal_flat_usd: nonNegative().default(wdFlat).meta({ description: 'Fixed withdrawal cost charged on the buy venue', unit: 'USD' }),
      min_order_usd: nonNegative().default(minOrder).meta({ description: 'Smallest order the venue accepts', unit: 'USD' }),
      max_order_usd: positive().default(maxOrder).meta({ description: 'Largest order the venue accepts', unit: 'USD' }),
      latency_ms_mean: nonNegative().default(latMean).meta({ description: 'Mean order latency (normal, floored at 1 ms)', unit: 'ms' }),
      latency_ms_std: nonNegative().default(latStd).meta({ description: 'Latency standard deviation', unit: 'ms' }),
      slippage_coefficient: nonNegative().default(slip).meta({ description: 'Impact = coefficient·√(size / minute volume), capped at 2 %' }),
      uptime_probability: probability().default(uptime).meta({ description: 'Chance the venue is up at a tick', unit: 'probability' }),
      settlement_time_minutes: nonNegative().default(settle).meta({ description: 'Settlement time (unused by the notebook; drives the transfer-delay scenario)', unit: 'minutes' }),
      margin_requirement: probability().default(margin).meta({ description: 'Initial margin on the buy leg (risk gate)', unit: 'fraction' }),
      maintenance_margin: probability().default(maint).meta({ description: 'Maintenance margin (unused by the notebook; the funding scenario liquidates below it)', unit: 'fraction' }),
      max_leverage: positive().default(maxLev).meta({ description: 'Largest leverage (unused by the notebook)', unit: '×' }),
      spread_multiplier: positive().default(spreadMult).meta({ description: 'Scales the venue’s quoted spread and deviation innovations', unit: '×' })
    })
    .superRefine((e, ctx) => {
      if (e.min_order_usd > e.max_order_usd) ctx.addIssue({ code: 'custom', path: ['min_order_usd'], message: `must be ≤ max_order_usd (${e.max_order_usd})` })
    })
    .prefault({})
}

const Exchanges = z.strictObject({
  nexus: exchange('nexus'),
  vortex: exchange('vortex'),
  phantom: exchange('phantom'),
  citadel: exchange('citadel'),
  drift: exchange('drift')
})

const Risk = z
  .strictObject({
    // notebook CELL 5, RiskManager.__init__
    max_position_pct: probability().default(0.05).meta({ description: 'Largest trade as a fraction of cash', unit: 'fraction' }),
    max_drawdown_pct: probability().default(0.05).meta({ description: 'Drawdown from peak above which no trade is approved', unit: 'fraction' }),
    min_spread_bps: num().default(5).meta({ description: 'Smallest expected net spread approved', unit: 'bps' }),
    max_concurrent: whole().min(1, { error: 'must be ≥ 1' }).default(10).meta({ description: 'Concurrent trades (unused by the notebook)' }),
    daily_loss_limit: nonNegative().default(10000).meta({ description: 'Cumulative loss above which no trade is approved (never reset)', unit: 'USD' })
  })
  .prefault({})

const Session = z
  .strictObject({
    num_ticks: whole().min(1, { error: 'must be ≥ 1' }).max(100_000, { error: 'must be ≤ 100,000' }).default(60).meta({ description: 'Session ticks (one minute each) after the 102 pre-session ticks', unit: 'ticks' }),
    agent_interval: whole().min(1, { error: 'must be ≥ 1' }).default(5).meta({ description: 'The agent is asked when t % interval = 0 and an opportunity exists', unit: 'ticks' })
  })
  .prefault({})

const Policy = z
  .strictObject({
    kind: z
      .enum(['top_opportunity', 'none'], { error: 'must be "top_opportunity" or "none"' })
      .default('top_opportunity')
      .meta({ description: 'top_opportunity: the workstation’s baseline (the scanner’s first opportunity at its optimal size); none: the notebook with its LLM unreachable' })
  })
  .prefault({})

const Market = z
  .strictObject({
    // notebook CELL 3 literals
    bias_sigma: nonNegative().default(0.003).meta({ description: 'Structural bias per venue and asset, N(0, σ) from RandomState(99)', unit: 'fraction of price' }),
    deviation_init_sigma: nonNegative().default(0.0015).meta({ description: 'Initial deviation, N(0, σ) from RandomState(77)', unit: 'fraction of price' }),
    deviation_phi: num().min(-1, { error: 'must be in [-1, 1]' }).max(1, { error: 'must be in [-1, 1]' }).default(0.96).meta({ description: 'AR(1) persistence of a venue’s deviation' }),
    innovation_sigma: nonNegative().default(0.0018).meta({ description: 'AR(1) innovation (× the venue’s spread multiplier)', unit: 'fraction of price' }),
    dislocation_prob: probability().default(0.03).meta({ description: 'Chance of a dislocation per venue, asset and tick', unit: 'probability' }),
    dislocation_mean: nonNegative().default(0.004).meta({ description: 'Mean size of a dislocation (exponential, random sign)', unit: 'fraction of price' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    residual_inventory: z.enum(['ignored', 'unwound'], { error: 'must be "ignored" or "unwound"' }).default('ignored')
  })
  .prefault({})

export const CryptoArbConfigSchema = z.strictObject({
  seed: legacySeed(42),
  exchanges: Exchanges.prefault({}),
  risk: Risk,
  session: Session,
  policy: Policy,
  market: Market,
  corrections: Corrections
})
export type CryptoArbConfig = z.infer<typeof CryptoArbConfigSchema>
export type ExchangeConfig = CryptoArbConfig['exchanges'][Venue]

export const CRYPTO_ARB_CORRECTIONS = {
  residualInventory: {
    id: 'residual_inventory',
    title: 'A one-legged trade unwinds its inventory',
    why: 'When the sell leg is rejected the notebook books −fee_buy and forgets the coins it bought (spec §2.2 quirk). Corrected (corrections.residual_inventory = "unwound"): the bought quantity is sold back on the buy venue at its bid less the venue’s impact, with a taker fee; the loss is booked as slippage and fees.'
  }
} as const satisfies Record<string, CorrectionNote>

export const CRYPTO_ARB_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook run top to bottom in a fresh kernel (seed 42, 60 session ticks after 102 pre-session ticks), its quirks kept; the LLM replaced by the workstation’s top-opportunity baseline.',
    overrides: { corrections: { residual_inventory: 'ignored' } },
    corrections: []
  },
  corrected: {
    description: 'The notebook with a one-legged trade’s inventory unwound at the buy venue instead of forgotten.',
    overrides: { corrections: { residual_inventory: 'unwound' } },
    corrections: Object.values(CRYPTO_ARB_CORRECTIONS)
  }
}

const allVenues = (fields: Record<string, number>) => Object.fromEntries(VENUES.map((v) => [v, fields]))

/** Named scenarios (spec §2.4): thin edges, with and without latency. */
export const CRYPTO_ARB_PROFILES: Readonly<Record<string, ProfileDefinition>> = {
  thin_edges: {
    description: 'Bias σ 3 bps, innovation 2 bps, initial deviation 2 bps, dislocations of 4 bps: visible spreads of a few bps that fees, slippage and latency eat.',
    overrides: { market: { bias_sigma: 0.0003, innovation_sigma: 0.0002, deviation_init_sigma: 0.0002, dislocation_mean: 0.0004 } }
  },
  thin_edges_no_latency: {
    description: 'Thin edges with every venue at 1 ms latency (the floor): what latency alone costs on thin edges.',
    overrides: {
      market: { bias_sigma: 0.0003, innovation_sigma: 0.0002, deviation_init_sigma: 0.0002, dislocation_mean: 0.0004 },
      exchanges: allVenues({ latency_ms_mean: 0, latency_ms_std: 0 })
    }
  }
}

/** The book's experiments (book L1071–1078, L1160–1166), one factor at a time against the frozen base. */
export function cryptoArbStressMenu(config: CryptoArbConfig): StressVariant[] {
  const each = (f: (e: ExchangeConfig) => Record<string, number>) => Object.fromEntries(VENUES.flatMap((v) => Object.entries(f(config.exchanges[v])).map(([k, x]) => [`exchanges.${v}.${k}`, x])))
  return [
    { name: 'taker fees doubled', overrides: each((e) => ({ taker_fee_bps: e.taker_fee_bps * 2 })) },
    { name: 'latency ×5', overrides: each((e) => ({ latency_ms_mean: e.latency_ms_mean * 5, latency_ms_std: e.latency_ms_std * 5 })) },
    { name: 'slippage coefficients tripled', overrides: each((e) => ({ slippage_coefficient: e.slippage_coefficient * 3 })) },
    { name: 'minimum edge 100 bps', overrides: { 'risk.min_spread_bps': Math.max(config.risk.min_spread_bps, 100) } },
    { name: 'thin edges', overrides: { 'market.bias_sigma': 0.0003, 'market.innovation_sigma': 0.0002, 'market.deviation_init_sigma': 0.0002, 'market.dislocation_mean': 0.0004 } },
    { name: 'fees and latency together', overrides: each((e) => ({ taker_fee_bps: e.taker_fee_bps * 2, latency_ms_mean: e.latency_ms_mean * 5 })) }
  ]
}
