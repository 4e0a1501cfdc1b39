import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { VENUES } from './config'
import { cryptoArbLab } from './lab'
import { PRE_SESSION_TICKS } from './market'
import { ASSETS, NM } from './price-engine'
import { cryptoArbMetrics } from './metrics'
import { runFixtures, seriesError, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER 1, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code run as a fresh kernel, with the LLM
// replaced by the top-opportunity stand-in (or left unreachable for policy none).

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

function expectClose(fixture: string, error: SeriesError): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
}

afterAll(() => {
  const lines = table.map(
    (r) => `${r.fixture.padEnd(32)} ${r.series.padEnd(16)} n=${String(r.n).padStart(6)} identical=${String(r.identical).padStart(6)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.CRYPTO_PARITY_REPORT) console.log(lines.join('\n'))
})

describe.each(fixtures.map((f) => [f.file, f] as const))('crypto-arb faithful matches the notebook: %s', (file, f) => {
  const config = resolveLabConfig(cryptoArbLab, 'faithful', { ...f.overrides, seed: f.seed })
  const run = runCollected(cryptoArbLab, config)

  it('runs the 102 pre-session ticks with the notebook’s validation and scanner diagnostics', async () => {
    const m = (await run).market
    expect(f.preSession.sessionFirstTick).toBe(PRE_SESSION_TICKS + 1)
    expect(m.preSession.oppCounts).toEqual(f.preSession.diagnostic.opp_counts)
    expectClose(file, seriesError('best_per_tick', m.preSession.bestPerTick, f.preSession.validation.best_per_tick))
    expect(m.preSession.positivePct).toBe(f.preSession.validation.positive_pct)
    expect(m.preSession.ticksWithOpp).toBe(f.preSession.validation.ticks_with_opp)
  })

  it('moves the true prices and venue quotes tick by tick, trades included', async () => {
    const m = (await run).market
    const n = f.ticks.length
    expect(m.sessionStep + 1).toBe(n)
    const truth = f.ticks.flatMap((r) => r.true)
    expectClose(file, seriesError('true', m.truePath.subarray(0, n * ASSETS.length), truth))
    const quoted = f.ticks.map((r, t) => [r, t] as const).filter(([r]) => r.quotes)
    expect(quoted.length).toBeGreaterThan(0)
    expectClose(file, seriesError('mid', quoted.flatMap(([, t]) => Array.from(m.midPath.subarray(t * NM, (t + 1) * NM))), quoted.flatMap(([r]) => r.quotes!.mid)))
  })

  it('scans the same opportunities: counts, net spreads and the top-ranked fields', async () => {
    const m = (await run).market
    expect(Array.from(m.oppCount.subarray(0, f.ticks.length))).toEqual(f.ticks.map((r) => r.count))
    expectClose(file, seriesError('best_net', m.bestNet.subarray(0, f.ticks.length), f.ticks.map((r) => r.top[0]?.net ?? 0)))
  })

  it('gates, fills and books every trade as the notebook does', async () => {
    const r = await run
    const d = r.market.desk
    expect(d.checks.map((c) => [c.tick, VENUES[c.buy], VENUES[c.sell], c.ok])).toEqual(f.checks.map((c) => [c.tick, c.buy, c.sell, c.ok]))
    expectClose(file, seriesError('check_size', d.checks.map((c) => c.size), f.checks.map((c) => c.size)))
    expect(d.orders.map((o) => [o.tick, VENUES[o.venue], ASSETS[o.asset], o.side, o.status])).toEqual(f.orders.map((o) => [o.tick, o.exchange, o.symbol, o.side, o.status]))
    for (const key of ['price', 'qty', 'slippage', 'fee', 'latency'] as const) {
      expectClose(file, seriesError(`order_${key}`, d.orders.map((o) => o[key]), f.orders.map((o) => o[key])))
    }
    expectClose(file, seriesError('order_filled', d.orders.map((o) => o.filledUsd), f.orders.map((o) => o.filled_usd)))
    expect(d.tradeLog.map((t) => [t.tick, ASSETS[t.asset]])).toEqual(f.trades.map((t) => [t.tick, t.symbol]))
    for (const [mine, theirs] of [
      ['gross', 'gross_pnl'],
      ['fees', 'fees'],
      ['slippage', 'slippage'],
      ['withdrawal', 'withdrawal'],
      ['net', 'net_pnl'],
      ['cumulative', 'cumulative_pnl'],
      ['equity', 'equity']
    ] as const) {
      expectClose(file, seriesError(`trade_${mine}`, d.tradeLog.map((t) => t[mine]), f.trades.map((t) => t[theirs])))
    }
    // the kernel's ledger: equity after each step is the notebook's portfolio.cash at that tick
    expectClose(file, seriesError('equity', r.columns.equity, f.tickSummaries.map((s) => s.equity)))
  })

  it('reports the session metrics under the notebook’s names', async () => {
    const m = (await run).market
    const mine = cryptoArbMetrics(m, config)
    for (const [k, v] of Object.entries(f.metrics)) {
      if (v === null) expect(mine[k], k).toBeNull()
      else expectClose(file, seriesError(k, [mine[k]!], [v]))
    }
  })
})

describe('crypto-arb: the spec’s re-run (§2.3) at seed 42', () => {
  it('validation block 48.7 %, best spread 448.9 / 674.5 bps, 13.2 opportunities per tick', async () => {
    const m = (await runCollected(cryptoArbLab, resolveLabConfig(cryptoArbLab, 'faithful', {}))).market
    const p = m.preSession
    expect((p.positivePct * 100).toFixed(1)).toBe('48.7')
    expect((p.bestPerTick.reduce((a, b) => a + b, 0) / p.bestPerTick.length).toFixed(1)).toBe('448.9')
    expect(Math.max(...p.bestPerTick).toFixed(1)).toBe('674.5')
    expect(p.ticksWithOpp).toBe(1)
    expect(p.avgOpps.toFixed(1)).toBe('13.2')
  })

  it('policy none never trades while the scanner runs', async () => {
    const r = await runCollected(cryptoArbLab, resolveLabConfig(cryptoArbLab, 'faithful', { policy: { kind: 'none' } }))
    expect(r.market.desk.trades).toBe(0)
    expect(r.market.desk.orders.length).toBe(0)
    expect(Array.from(r.market.oppCount).some((c) => c > 0)).toBe(true)
  })
})
