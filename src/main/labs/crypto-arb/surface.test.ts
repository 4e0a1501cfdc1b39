import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { cryptoArbLab } from './lab'
import { PRE_SESSION_TICKS } from './market'
import { NA, NM } from './price-engine'
import { runFixtures } from './test-fixtures'

// The explorer's surface view simulates the market from the config and asks lab.surface(market, t)
// for arbitrary t without running the loop (labs/surfaces.ts). A trade's latency and drift draws
// come from the market's generator, so the frame at t must be the one the run saw: the notebook's
// quotes at that tick, trades included.

const fixture = runFixtures().find((f) => f.file === 'ch1-seed42-top.json')!
const config = resolveLabConfig(cryptoArbLab, 'faithful', { ...fixture.overrides, seed: fixture.seed })

/** The notebook's frame at session step t: each venue's mid against the true price, in bps. */
function notebookFrame(t: number): number[] {
  const row = fixture.ticks[t]!
  expect(row.tick).toBe(PRE_SESSION_TICKS + 1 + t)
  return Array.from({ length: NM }, (_, k) => (row.quotes!.mid[k]! / row.true[k % NA]! - 1) * 10000)
}

describe('crypto-arb surface on a market the loop has not run', () => {
  const firstTrade = fixture.trades[0]!.tick - PRE_SESSION_TICKS - 1
  // steps after trades (agent ticks every 5th), in scrubbing order: forward, back, far forward
  const steps = [firstTrade + 1, firstTrade + 7, firstTrade + 3, 40, 59]

  it('the fixture trades before these steps', () => {
    expect(fixture.trades.length).toBeGreaterThan(3)
    for (const t of steps) expect(fixture.ticks[t]!.quotes).toBeDefined()
  })

  it('replays the run’s trades: the frame at each step is the notebook’s quotes at that tick', () => {
    const market = cryptoArbLab.market(config, {})
    for (const t of steps) {
      const values = cryptoArbLab.surface(market, t, config).values
      const expected = notebookFrame(t)
      for (let k = 0; k < NM; k++) expect(Math.abs(values[k]! - expected[k]!), `step ${t} cell ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[k]!)))
    }
    // the replay's trades are the run's
    expect(market.desk.tradeLog.map((r) => r.tick)).toEqual(fixture.trades.filter((r) => r.tick <= PRE_SESSION_TICKS + 1 + 59).map((r) => r.tick))
  })

  it('equals the frames of the kernel’s own run, features included', async () => {
    const run = await runCollected(cryptoArbLab, config)
    const replayed = cryptoArbLab.market(config, {})
    for (const t of steps) {
      const mine = cryptoArbLab.surface(replayed, t, config)
      const theirs = cryptoArbLab.surface(run.market, t, config)
      expect(Array.from(mine.values)).toEqual(Array.from(theirs.values))
      expect(mine.features).toEqual(theirs.features)
    }
  })
})
