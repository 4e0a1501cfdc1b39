import { describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../../shared/contract'
import { runAndStore } from '../../runs/store-run'
import { openDatabase } from '../../store/database'
import { RunsRepository } from '../../store/runs-repository'
import { CODE_VERSION } from '../../version'
import { MicrostructureConfigSchema } from './config'
import { acClosedForm, acHoldings, acKappa, crowdSizes, crowdingDefaults, crowdingReport, crowdingTable, scheduleCost, type CrowdingParams } from './crowding'

// Almgren and Chriss, "Optimal execution of portfolio transactions", J. Risk 3(2), 2000: the
// closed forms for the optimal trajectory's expected cost and variance (after their eq. 20) are
// checked against the sums over the trajectory's trades (their eq. 8–9), and the λ → 0 limit
// against the linear (TWAP) schedule's ½γX² + εX + η̃X²/T and ⅓σ²X²T(1 − 1/N)(1 − 1/2N).
// Their §4 example's parameters: X = 10⁶ shares, T = 5 days, N = 5, σ = 0.95, ε = 0.0625,
// η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷, λ = 10⁻⁶.
const paper: CrowdingParams = { shares: 1e6, periods: 5, mid: 50, sigma: 0.95, gamma: 2.5e-7, epsilon: 0.0625, eta: 2.5e-6, lambda: 1e-6 }

describe('Almgren–Chriss', () => {
  it('the closed forms equal the sums over the optimal trajectory', () => {
    for (const p of [paper, { ...paper, lambda: 2e-6, periods: 20 }, crowdingDefaults()]) {
      const x = acHoldings(p.shares, p.periods, acKappa(p))
      expect([x[0], x[p.periods]]).toEqual([p.shares, 0])
      const sums = scheduleCost(x, p, 1)
      const closed = acClosedForm(p)
      expect(sums.expected / closed.expected).toBeCloseTo(1, 11)
      expect(sums.variance / closed.variance).toBeCloseTo(1, 11)
    }
  })

  it('κ solves cosh(κτ) = 1 + λσ²τ²/(2η̃), and λ = 0 is the linear schedule', () => {
    const k = acKappa(paper)
    const etaTilde = paper.eta - paper.gamma / 2
    expect(Math.cosh(k)).toBeCloseTo(1 + (paper.lambda * paper.sigma ** 2) / (2 * etaTilde), 14)
    const twap = { ...paper, lambda: 0 }
    expect(acKappa(twap)).toBe(0)
    expect(Array.from(acHoldings(1e6, 5, 0))).toEqual([1e6, 8e5, 6e5, 4e5, 2e5, 0].map((v) => expect.closeTo(v, 6) as unknown as number))
    const c = acClosedForm(twap)
    expect(c.expected).toBeCloseTo(0.5 * 2.5e-7 * 1e12 + 0.0625 * 1e6 + (etaTilde * 1e12) / 5, 6)
    expect(c.variance).toBeCloseTo((0.95 ** 2 * 1e12 * 5 * (1 - 1 / 5) * (1 - 1 / 10)) / 3, 0)
    expect(scheduleCost(acHoldings(1e6, 5, 0), twap, 1).expected).toBeCloseTo(c.expected, 6)
    // The optimum with risk aversion trades more at the start than TWAP does.
    expect(1e6 - acHoldings(1e6, 5, k)[1]!).toBeGreaterThan(2e5)
  })
})

describe('crowded execution', () => {
  const p = crowdingDefaults()
  const table = crowdingTable(p, [1, 2, 5, 10], { scenarios: 2000, seed: 7 })

  it('cost per agent grows with the crowd, by the formula', () => {
    const alone = table.filter((r) => r.schedule === 'alone')
    expect(alone.map((r) => r.agents)).toEqual([1, 2, 5, 10])
    expect(alone[0]!.costVsAlone).toBe(1)
    for (let i = 1; i < alone.length; i++) expect(alone[i]!.costPerAgent).toBeGreaterThan(alone[i - 1]!.costPerAgent)
    // E_N = ½γN(X² − Σn²) + εX + (ηN/τ)Σn²: linear in N for a fixed schedule.
    const x = acHoldings(p.shares, p.periods, acKappa(p))
    let sumN2 = 0
    for (let k = 1; k < x.length; k++) sumN2 += (x[k - 1]! - x[k]!) ** 2
    const at = (n: number): number => 0.5 * p.gamma * n * (p.shares ** 2 - sumN2) + p.epsilon * p.shares + p.eta * n * sumN2
    for (const r of alone) expect(r.costPerAgent).toBeCloseTo(at(r.agents), 9)
  })

  it('coordinating under the crowd’s impact costs less than trading alone in a crowd, and trades slower', () => {
    for (const n of [2, 5, 10]) {
      const alone = table.find((r) => r.agents === n && r.schedule === 'alone')!
      const coordinated = table.find((r) => r.agents === n && r.schedule === 'coordinated')!
      // Lower mean-variance objective by construction; here also lower expected cost.
      expect(coordinated.costPerAgent + p.lambda * coordinated.costStd ** 2).toBeLessThan(alone.costPerAgent + p.lambda * alone.costStd ** 2)
      expect(coordinated.firstTrade).toBeLessThan(alone.firstTrade)
    }
  })

  it('amplifies the drawdown of the mid everyone marks to', () => {
    const alone = table.filter((r) => r.schedule === 'alone')
    expect(alone[0]!.drawdownAmplification).toBe(1)
    for (let i = 1; i < alone.length; i++) expect(alone[i]!.drawdownAmplification).toBeGreaterThan(alone[i - 1]!.drawdownAmplification)
    // Ten agents' permanent impact alone takes γ·10·X = 0.5 off a mid of 100: at least 0.5% on every path.
    expect(alone[3]!.midDrawdown).toBeGreaterThan((p.gamma * 10 * p.shares) / p.mid)
  })

  it('refuses parameters that make no market', () => {
    expect(() => crowdingTable({ ...p, eta: 1e-4, gamma: 1e-3 }, [1], { scenarios: 10, seed: 1 })).toThrow(/η > γτ\/2/)
    expect(() => crowdingTable(p, [0], { scenarios: 10, seed: 1 })).toThrow(/--agents/)
    expect(() => crowdingTable({ ...p, periods: 0 }, [1], { scenarios: 10, seed: 1 })).toThrow(/periods/)
  })
})

describe('the crowded_execution profile', () => {
  const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }

  it('runs on the book, and stores the crowd’s cost per agent and drawdown amplification with the run', async () => {
    const db = openDatabase(':memory:')
    try {
      const spec: LabRunSpec = { task: 'lab', lab: 'microstructure', preset: 'crowded_execution', seed: 7, overrides: { 'crowd.n': 10 } }
      const stored = await runAndStore(new RunsRepository(db), spec, { clock, codeVersion: CODE_VERSION })
      if (!stored.output) throw stored.error
      const results = new RunsRepository(db).results(stored.run.id)
      if (results?.kind !== 'lab') throw new Error('expected lab results')
      const m = results.metrics
      // The lone agent's TWAP on the book: 100 lots sold in 50 child orders.
      expect(m.fills).toBe(50)
      expect(m.final_inventory).toBe(-100)
      // The crowd at N = 10 from the same closed form and the run's seed: cost per agent 8.66 ×
      // one agent alone (E_N is linear in N: ½γN(X² − Σn²) + εX + ηNΣn²), the mid's drawdown 1.85 ×.
      const table = crowdingTable(crowdingDefaults(), crowdSizes(10), { scenarios: 2000, seed: 7 })
      const alone = table.find((r) => r.agents === 10 && r.schedule === 'alone')!
      expect(m.crowd_agents).toBe(10)
      expect(m.crowd_cost_per_agent).toBe(alone.costPerAgent)
      expect(m.crowd_cost_vs_alone).toBeCloseTo(8.66, 2)
      expect(m.crowd_drawdown_amplification).toBe(alone.drawdownAmplification)
      expect(m.crowd_drawdown_amplification).toBeGreaterThan(1.8)
      const telemetry = results.telemetry as { crowding: { rows: Array<{ agents: number; schedule: string; costVsAlone: number }> } }
      const byN = telemetry.crowding.rows.filter((r) => r.schedule === 'alone')
      expect(byN.map((r) => r.agents)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      // Linear in N, through 1.85 at N = 2 and 4.40 at N = 5 (last session's table, `portfolio crowding`).
      expect(byN.map((r) => Number(r.costVsAlone.toFixed(2)))).toEqual(expect.arrayContaining([1, 1.85, 4.4, 8.66]))
      const step = byN[1]!.costVsAlone - byN[0]!.costVsAlone
      for (let i = 1; i < byN.length; i++) expect(byN[i]!.costVsAlone - byN[i - 1]!.costVsAlone).toBeCloseTo(step, 12)
    } finally {
      db.close()
    }
  })

  it('tabulates every N to 10, then 1-2-5 steps up to n; no crowd (n = 0, the default) reports none', () => {
    expect(crowdingReport(MicrostructureConfigSchema.parse({}))).toBeNull()
    expect(crowdSizes(1)).toEqual([1])
    expect(crowdSizes(12)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12])
    expect(crowdSizes(500)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 50, 100, 200, 500])
  })

  it('refuses a crowd whose impacts make no market, naming the field', () => {
    const parsed = MicrostructureConfigSchema.safeParse({ crowd: { gamma: 1e-2, eta: 1e-3 } })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['crowd', 'eta'], message: 'must be > crowd.gamma / 2 = 0.005 so that trading faster costs more (got 0.001)' })
  })
})
