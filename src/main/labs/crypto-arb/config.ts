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

// Not in the notebook: the perpetuals scenario's funding rate per venue, bps per funding interval
// (8 h by default). The workstation's values, typical of perpetual venues — not the book's.
const FUNDING_BPS: Record<Venue, number> = { nexus: 1.0, vortex: 1.2, phantom: 2.5, citadel: 0.8, drift: 3.0 }

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
      spread_multiplier: positive().default(spreadMult).meta({ description: 'Scales the venue’s quoted spread and deviation innovations', unit: '×' }),
      funding_rate_bps: num().default(FUNDING_BPS[v]).meta({ description: 'Perpetual funding per funding interval, paid by longs to shorts when positive (perpetuals scenario only; not the book’s)', unit: 'bps' })
    })
    .superRefine((e, ctx) => {
      if (e.min_order_usd > e.max_order_usd) ctx.addIssue({ code: 'custom', path: ['min_order_usd'], message: `must be ≤ max_order_usd (${e.max_order_usd})` })
      if (e.maintenance_margin > e.margin_requirement) ctx.addIssue({ code: 'custom', path: ['maintenance_margin'], message: `must be ≤ margin_requirement (${e.margin_requirement})` })
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

// Scenarios (not in the notebook): each switch changes the desk's world, never the notebook's draws.
const Scenarios = z
  .strictObject({
    venue_downtime: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Whole venues go down for outages (a two-state chain per venue, its own generator); a down venue has no quotes and takes no orders' }),
        mean_outage_minutes: positive().default(15).meta({ description: 'Mean outage length; the chance of going down is set so each venue is up a fraction uptime_probability of the time', unit: 'minutes' })
      })
      .prefault({}),
    transfer_delay: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Coins bought on one venue travel to the sell venue (buy venue’s settlement_time_minutes + the asset’s network confirmation + the sell venue’s settlement) before the sell leg can execute' })
      })
      .prefault({}),
    perpetuals: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Trade the spread as perpetual futures: long on the buy venue, short on the sell venue, margined per venue, held hold_minutes; funding accrues and a venue whose equity falls below maintenance is liquidated' }),
        leverage: positive().default(5).meta({ description: 'Leverage on each leg (capped by the venue’s max_leverage; margin at least margin_requirement)', unit: '×' }),
        hold_minutes: whole().min(1, { error: 'must be ≥ 1' }).default(30).meta({ description: 'Minutes a pair is held before both legs close at the venues’ books', unit: 'minutes' }),
        funding_interval_minutes: positive().default(480).meta({ description: 'Funding interval of the venues’ funding_rate_bps (accrued pro rata every one-minute tick)', unit: 'minutes' }),
        liquidation_fee_pct: probability().default(0.005).meta({ description: 'Liquidation penalty on the liquidated notional', unit: 'fraction' })
      })
      .prefault({})
  })
  .superRefine((s, ctx) => {
    if (s.transfer_delay.enabled && s.perpetuals.enabled) ctx.addIssue({ code: 'custom', path: ['transfer_delay', 'enabled'], message: 'cannot be combined with perpetuals (perpetual legs transfer nothing)' })
  })
  .prefault({})

export const CryptoArbConfigSchema = z.strictObject({
  seed: legacySeed(42),
  exchanges: Exchanges.prefault({}),
  risk: Risk,
  session: Session,
  policy: Policy,
  market: Market,
  corrections: Corrections,
  scenarios: Scenarios
})
export type CryptoArbConfig = z.infer<typeof CryptoArbConfigSchema>
export type ExchangeConfig = CryptoArbConfig['exchanges'][Venue]

export const CRYPTO_ARB_CORRECTIONS = {
  residualInventory: {
    id: 'residual_inventory',
    title: 'A one-legged trade unwinds its inventory',
    why: 'When the sell leg is rejected the notebook books −fee_buy and forgets the coins it bought (spec §2.2 quirk). Corrected (corrections.residual_inventory = "unwound"): the bought quantity is sold back on the buy venue at its bid less the venue’s impact, with a taker fee; the loss is booked as slippage and fees.'
  },
  transferDelay: {
    id: 'transfer_delay',
    title: 'Coins take time to reach the sell venue',
    why: 'The notebook books both legs at once, as if the coins bought on one venue were already on the other, and never reads settlement_time_minutes (CELL 2). Corrected (scenarios.transfer_delay.enabled): the coins travel for the buy venue’s settlement time + the asset’s network confirmation + the sell venue’s settlement time, marked at the consensus price, and are sold on arrival at the sell venue’s bid less impact; the buy venue’s balance is short of them meanwhile.'
  },
  positionLimit: {
    id: 'position_limit',
    title: 'The position limit leaves room above the scanner’s size cap',
    why: 'The RiskManager’s 5 % of cash (CELL 5) equals the scanner’s $50,000 size cap (CELL 6) at the initial $1,000,000, so after the first dollar of loss — or of fees paid while a round trip is still open — every capped trade is refused for the rest of the session. Corrected: risk.max_position_pct = 0.10.'
  },
  venueDowntime: {
    id: 'venue_downtime',
    title: 'A venue that is down is down for a while',
    why: 'The notebook draws each quote’s availability independently every tick (CELL 3), so an outage never lasts and never takes a whole venue. Corrected (scenarios.venue_downtime.enabled): each venue follows a two-state chain up a fraction uptime_probability of the time with outages of mean_outage_minutes on average, drawn from its own generator (the notebook’s draws are untouched); a down venue has no quotes and takes no orders.'
  }
} as const satisfies Record<string, CorrectionNote>

const CORRECTED = {
  corrections: { residual_inventory: 'unwound' },
  risk: { max_position_pct: 0.1 },
  scenarios: { transfer_delay: { enabled: true }, venue_downtime: { enabled: true } }
}

export const CRYPTO_ARB_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: 'The notebook run top to bottom in a fresh kernel (seed 42, 60 session ticks after 102 pre-session ticks), its quirks kept; the LLM replaced by the workstation’s top-opportunity baseline.',
    overrides: { corrections: { residual_inventory: 'ignored' } },
    corrections: []
  },
  corrected: {
    description: 'The notebook with a one-legged trade’s inventory unwound, coins that travel between venues before they can be sold, a position limit above the scanner’s size cap, and venue outages that last.',
    overrides: CORRECTED,
    corrections: Object.values(CRYPTO_ARB_CORRECTIONS)
  }
}

const allVenues = (fields: Record<string, number>) => Object.fromEntries(VENUES.map((v) => [v, fields]))

/** Thin edges (spec §2.4): venue biases and deviations of a few bps, so spreads sit just above the costs. */
export const THIN_EDGES = { bias_sigma: 0.0005, innovation_sigma: 0.0005, deviation_init_sigma: 0.0005, dislocation_mean: 0.002 } as const
/** No latency: every venue at the 1 ms floor with no jitter (the scanner's latency cost and the fill's drift vanish). */
export const NO_LATENCY = allVenues({ latency_ms_mean: 0, latency_ms_std: 0 })

/** The corrected position limit (CRYPTO_ARB_CORRECTIONS.positionLimit), which the open-inventory scenarios need to keep trading after fees are paid. */
const HEADROOM = { max_position_pct: 0.1 }

/** Named scenarios (spec §2.4). */
export const CRYPTO_ARB_PROFILES: Readonly<Record<string, ProfileDefinition>> = {
  thin_edges: {
    description: 'Venue bias σ 5 bps, AR(1) innovation 5 bps (× the venue multiplier), dislocations of 20 bps: the scanner still finds spreads above its cost estimate, and realized slippage and latency drift eat them.',
    overrides: { market: THIN_EDGES }
  },
  thin_edges_no_latency: {
    description: 'Thin edges with every venue at the 1 ms latency floor: what latency alone costs on thin edges.',
    overrides: { market: THIN_EDGES, exchanges: NO_LATENCY }
  },
  transfer_delay: {
    description: 'Coins bought on one venue are in transit (settlement + network confirmation) before they can be sold on the other.',
    overrides: { risk: HEADROOM, scenarios: { transfer_delay: { enabled: true } } }
  },
  venue_outages: {
    description: 'Whole venues go down for outages of 15 minutes on average, up a fraction uptime_probability of the time.',
    overrides: { scenarios: { venue_downtime: { enabled: true } } }
  },
  perpetuals: {
    description: 'The spread traded as perpetual futures at 5× (long on the buy venue, short on the sell venue), held 30 minutes, with funding and per-venue margin.',
    overrides: { risk: HEADROOM, scenarios: { perpetuals: { enabled: true } } }
  },
  perpetuals_high_leverage: {
    description: 'Perpetual pairs at 50× (each venue’s max_leverage caps it) held 4 hours over an 8-hour session: the hedged pair is margined venue by venue, so one venue liquidates while the other gains.',
    overrides: { risk: HEADROOM, session: { num_ticks: 480 }, scenarios: { perpetuals: { enabled: true, leverage: 50, hold_minutes: 240 } } }
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
    { name: 'thin edges', overrides: Object.fromEntries(Object.entries(THIN_EDGES).map(([k, x]) => [`market.${k}`, x])) },
    { name: 'coins in transit', overrides: { 'scenarios.transfer_delay.enabled': true } },
    { name: 'venue outages', overrides: { 'scenarios.venue_downtime.enabled': true } },
    { name: 'perpetuals at 50×', overrides: { 'scenarios.perpetuals.enabled': true, 'scenarios.perpetuals.leverage': 50, 'scenarios.transfer_delay.enabled': false } },
    { name: 'fees and latency together', overrides: each((e) => ({ taker_fee_bps: e.taker_fee_bps * 2, latency_ms_mean: e.latency_ms_mean * 5 })) }
  ]
}
