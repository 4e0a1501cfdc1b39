import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { CRYPTO_ARB_PROFILES, VENUES } from './config'
import { edgeFigures, type EdgeFigures } from './edge-figures'
import { cryptoArbLab } from './lab'
import { CONFIRM_MINUTES, NA, NM, NV } from './price-engine'

// The scenarios (not in the notebook) and what each changes. Faithful stays bit-exact: every
// scenario is off in it, and lab.test.ts checks it against the notebook.

const run = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => runCollected(cryptoArbLab, resolveLabConfig(cryptoArbLab, preset, overrides))
const profile = (name: string, extra: Record<string, unknown> = {}) => ({ ...CRYPTO_ARB_PROFILES[name]!.overrides, ...extra })

/** The kernel's equity is the desk's cash plus what is open, marked; every cost component is ≥ 0. */
function expectLedgerBalances(r: Awaited<ReturnType<typeof run>>): void {
  const m = r.market
  const n = r.columns.equity.length
  expect(r.columns.equity[n - 1]!).toBeCloseTo(m.scenario!.equity(m, m.desk), 6)
  for (const [name, column] of Object.entries(r.columns.costByComponent)) for (const x of column) expect(x, name).toBeGreaterThanOrEqual(0)
}

describe('crypto-arb scenario venue_downtime', () => {
  it('takes whole venues down for spells from its own generator: prices and quotes stay the notebook’s', async () => {
    // drift at 90 % uptime: about one outage every 135 minutes, of 15 minutes on average
    const base = { 'policy.kind': 'none', 'session.num_ticks': 3000, 'exchanges.drift.uptime_probability': 0.9 }
    const [a, b] = await Promise.all([run(base), run({ ...base, 'scenarios.venue_downtime.enabled': true })])
    expect(Array.from(b.market.truePath)).toEqual(Array.from(a.market.truePath))
    expect(Array.from(b.market.midPath)).toEqual(Array.from(a.market.midPath))
    const up = b.market.venueUp
    const steps = b.market.steps
    let allDown = 0
    let allSpells = 0
    for (let v = 0; v < NV; v++) {
      let upCount = 0
      let spells = 0
      for (let t = 0; t < steps; t++) {
        upCount += up[t * NV + v]!
        if (t > 0 && up[t * NV + v] === 0 && up[(t - 1) * NV + v] === 1) spells++
      }
      const downTicks = steps - upCount
      const u = b.market.ex[v]!.uptime_probability
      // up about uptime_probability of the time
      expect(Math.abs(upCount / steps - u), VENUES[v]).toBeLessThan(0.05)
      allDown += downTicks
      allSpells += spells
    }
    // in spells that last (15 minutes on average), not the notebook's single ticks
    expect(allSpells).toBeGreaterThan(10)
    expect(allDown / allSpells).toBeGreaterThan(8)
    expect(allDown / allSpells).toBeLessThan(25)
    expect(Array.from(up).some((x) => x === 0)).toBe(true)
    // a down venue has no quotes: the scanner never pairs it
    expect(Array.from(b.market.oppCount).reduce((x, y) => x + y, 0)).toBeLessThan(Array.from(a.market.oppCount).reduce((x, y) => x + y, 0))
  })

  it('a down venue has no quotes: the scanner buys nothing there and no order reaches it', async () => {
    const r = await run({ 'session.num_ticks': 600, 'scenarios.venue_downtime.enabled': true, 'scenarios.venue_downtime.mean_outage_minutes': 60, 'exchanges.citadel.uptime_probability': 0.8 })
    const m = r.market
    let downSteps = 0
    for (let t = 0; t < m.steps; t++)
      for (let v = 0; v < NV; v++) {
        if (m.venueUp[t * NV + v] === 1) continue
        downSteps++
        for (let a = 0; a < NA; a++) expect(m.bestNetGrid[t * NM + v * NA + a]).toBeNaN()
      }
    expect(downSteps).toBeGreaterThan(30)
    const first = m.tick - m.sessionStep
    for (const o of m.desk.orders) expect(m.venueUp[(o.tick - first) * NV + o.venue], `order at ${VENUES[o.venue]} tick ${o.tick}`).toBe(1)
    // the last tick's quotes: a down venue is unavailable at every asset
    for (let v = 0; v < NV; v++) if (m.venueUp[m.sessionStep * NV + v] === 0) for (let a = 0; a < NA; a++) expect(m.available[v * NA + a]).toBe(0)
  })
})

describe('crypto-arb scenario transfer_delay', () => {
  it('keeps bought coins in transit for settlement + confirmation, then sells them on arrival', async () => {
    // one trade only (the agent is asked at t = 0): its coins and nothing else are in transit
    const r = await run(profile('transfer_delay', { 'session.num_ticks': 90, 'session.agent_interval': 1000 }))
    const m = r.market
    const s = m.scenario!
    const trade = m.desk.tradeLog[0]!
    expect(m.desk.tradeLog).toHaveLength(1)
    const delay = Math.ceil(m.ex[trade.buy]!.settlement_time_minutes + CONFIRM_MINUTES[trade.asset]! + m.ex[trade.sell]!.settlement_time_minutes)
    const inTransit = Array.from(s.transitUsd, (x) => x > 0)
    expect(inTransit.indexOf(false)).toBeGreaterThanOrEqual(delay) // sold on arrival (or later, if the sell venue was down)
    expect(inTransit.slice(0, delay).every(Boolean)).toBe(true)
    expect(inTransit.slice(inTransit.indexOf(false)).some(Boolean)).toBe(false)
    // the round trip: bought at t = 0, sold at arrival; the waiting's cost is the immediate sale less the arrival sale
    expect(trade.step).toBe(0)
    expect(trade.buyOrder.status).not.toBe('rejected')
    expect(s.transitUsdMinutes).toBeCloseTo(Array.from(s.transitUsd).reduce((x, y) => x + y, 0), 6)
    expect(trade.net).toBeCloseTo(m.desk.cash - 1_000_000, 6)
    expect(trade.withdrawal).toBeGreaterThan(0)
    expectLedgerBalances(r)
  })

  it('the corrected preset runs the coins in transit and the venue outages; faithful books both legs at once', async () => {
    const [f, c] = await Promise.all([run({}), run({}, 'corrected')])
    expect(f.market.scenario).toBeNull()
    expect(Object.keys(f.columns.costByComponent)).toEqual(['fees', 'withdrawal'])
    expect(Object.keys(c.columns.costByComponent)).toEqual(['fees', 'withdrawal', 'funding', 'liquidation'])
    expect(Array.from(c.market.scenario!.transitUsd).some((x) => x > 0)).toBe(true)
    expect(c.market.outages).not.toBeNull()
    expectLedgerBalances(c)
  })
})

describe('crypto-arb scenario perpetuals', () => {
  it('accrues funding on every open pair and books it as a cost component', async () => {
    const r = await run(profile('perpetuals', { 'session.num_ticks': 120 }))
    const m = r.market
    const funding = r.columns.costByComponent.funding!
    expect(funding.reduce((x, y) => x + y, 0)).toBeCloseTo(m.desk.funding, 9)
    expect(m.desk.funding).toBeGreaterThan(0)
    expect(Array.from(m.scenario!.marginUsed).some((x) => x > 0)).toBe(true)
    expectLedgerBalances(r)
  })

  it('liquidates a venue whose equity falls below maintenance: the loss is the liquidation cost component', async () => {
    const r = await run(profile('perpetuals_high_leverage'))
    const m = r.market
    const events = m.scenario!.liquidationEvents
    expect(events.length).toBeGreaterThan(0)
    for (const ev of events) expect(ev.equity).toBeLessThan(ev.maintenance)
    const liquidation = r.columns.costByComponent.liquidation!.reduce((x, y) => x + y, 0)
    expect(liquidation).toBeGreaterThan(0)
    expect(liquidation).toBeCloseTo(m.desk.liquidation, 6)
    expect(m.desk.liquidations).toBe(events.length)
    expectLedgerBalances(r)
  })

  it('property: on any seed and leverage the ledger balances and costs are ≥ 0', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(2, 10, 50), fc.constantFrom(5, 60), async (seed, leverage, hold) => {
        const r = await run({ seed, 'session.num_ticks': 150, 'scenarios.perpetuals.enabled': true, 'scenarios.perpetuals.leverage': leverage, 'scenarios.perpetuals.hold_minutes': hold })
        expectLedgerBalances(r)
        const d = r.market.desk
        expect(d.fees).toBeGreaterThanOrEqual(0)
        expect(d.funding).toBeGreaterThanOrEqual(0)
        expect(d.liquidation).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 8, seed: 15 }
    )
  })
})

describe('crypto-arb thin edges (seeds 1–20, 60 ticks each)', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1)
  const round = (f: EdgeFigures) => Object.fromEntries(Object.entries(f).map(([k, x]) => [k, Math.round(x)]))

  it('the edge the scanner promises disappears after slippage and costs; latency changes little', async () => {
    const [wide, thin, thinNoLatency] = await Promise.all([
      edgeFigures({}, seeds),
      edgeFigures(CRYPTO_ARB_PROFILES.thin_edges!.overrides, seeds),
      edgeFigures(CRYPTO_ARB_PROFILES.thin_edges_no_latency!.overrides, seeds)
    ])
    if (process.env.CRYPTO_EDGE_REPORT) console.log(JSON.stringify({ wide: round(wide), thin: round(thin), thinNoLatency: round(thinNoLatency) }, null, 1))
    // the default scales: hundreds of bps of dislocation, a profit after every cost
    expect(wide.trades).toBe(185)
    expect(wide.net).toBeGreaterThan(80_000)
    // thin edges: the scanner still finds spreads above its cost estimate and promises a profit …
    expect(thin.trades).toBe(30)
    expect(thin.expected).toBeGreaterThan(2000)
    // … but the fills pay 2.5× the slippage the scanner priced (0.4 × coefficient), so gross is
    // already negative, and fees and withdrawal take the rest
    expect(thin.gross).toBeLessThan(0)
    expect(thin.net).toBeLessThan(-5000)
    expect(thin.net).toBeCloseTo(thin.gross - thin.fees - thin.withdrawal, 6)
    // without latency (1 ms floor, no jitter) the loss is about the same: latency drift at ms scale is tiny
    expect(thinNoLatency.trades).toBe(30)
    expect(thinNoLatency.net).toBeLessThan(0)
    expect(Math.abs(thinNoLatency.net - thin.net)).toBeLessThan(0.1 * Math.abs(thin.net))
    expect(round(thin)).toEqual({ seeds: 20, trades: 30, expected: 2073, grossAtQuotes: 12442, slippage: 13562, gross: -1120, fees: 3510, withdrawal: 903, net: -5532 })
  }, 60_000)
})

describe('crypto-arb scenario figures at seed 42 (README.md)', () => {
  const sum = (xs: Float64Array) => Math.round(xs.reduce((a, b) => a + b, 0))

  it('coins in transit turn the notebook’s +$6,998 into a loss: waiting costs $6,590 and up to $293,009 is on the road', async () => {
    const r = await run(profile('transfer_delay'))
    const m = r.market
    const s = m.scenario!
    expect([m.desk.trades, Math.round(m.desk.realizedPnl), Math.round(s.transitCost), Math.round(Math.max(...s.transitUsd)), s.lots.length]).toEqual([8, -2583, 6590, 293009, 2])
    expect([sum(r.columns.costByComponent.fees!), sum(r.columns.costByComponent.withdrawal!)]).toEqual([1544, 247])
  })

  it('perpetuals at 50× over 480 ticks: nexus is liquidated at step 113, a $1,790 liquidation loss beside $176 of funding', async () => {
    const r = await run(profile('perpetuals_high_leverage'))
    const ev = r.market.scenario!.liquidationEvents
    expect(ev.map((e) => [e.step, VENUES[e.venue], Math.round(e.loss)])).toEqual([[113, 'nexus', 1790]])
    expect([sum(r.columns.costByComponent.funding!), sum(r.columns.costByComponent.liquidation!), sum(r.columns.costByComponent.fees!)]).toEqual([176, 1790, 15934])
  })
})
