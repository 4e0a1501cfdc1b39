import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected, type Policy } from '../../engine/kernel'
import { FUNDING_BASIS_PRESETS, type FundingBasisConfig } from './config'
import { fundingBasisLab } from './lab'
import { fundingBasisMetrics } from './metrics'
import type { FundingBasisAction, FundingBasisObservation } from './policy'

// What each fix of the `corrected` preset changes, one switch at a time against faithful.

const faithful = resolveLabConfig(fundingBasisLab, 'faithful', {})

/** Long basis while from ≤ t < to, flat otherwise. */
const holdBetween = (from: number, to: number): Policy<FundingBasisObservation, FundingBasisAction> => ({
  name: `long basis on [${from}, ${to})`,
  decide: (o) => ({ action: o.t >= from && o.t < to ? 'LONG_BASIS' : 'FLAT', rationale: 'scripted', source: 'AGENT' })
})

const carryOf = async (config: FundingBasisConfig, policy: Policy<FundingBasisObservation, FundingBasisAction>) =>
  fundingBasisMetrics(await runCollected(fundingBasisLab, config, { policy }), config).carry_pnl!

describe('funding-basis corrected preset', () => {
  it('names each fix and sets exactly the switches under `corrections`', () => {
    expect(FUNDING_BASIS_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['funding', 'fee_legs'])
    for (const c of FUNDING_BASIS_PRESETS.corrected.corrections) expect(c.why.length).toBeGreaterThan(80)
    const corrected = resolveLabConfig(fundingBasisLab, 'corrected', {})
    expect({ ...corrected, corrections: faithful.corrections }).toEqual(faithful)
  })

  it('fee_legs: the same decisions cost exactly twice as much when both legs pay', async () => {
    const both = resolveLabConfig(fundingBasisLab, 'faithful', { 'corrections.fee_legs': 'both_legs' })
    const [a, b] = await Promise.all([runCollected(fundingBasisLab, faithful), runCollected(fundingBasisLab, both)])
    expect(b.columns.action).toEqual(a.columns.action)
    for (let t = 0; t < a.steps; t++) expect(b.columns.cost[t]).toBe(2 * a.columns.cost[t]!)
    const [ma, mb] = [fundingBasisMetrics(a, faithful), fundingBasisMetrics(b, both)]
    expect(mb.cost_pnl).toBeCloseTo(2 * ma.cost_pnl!, 6)
    expect(mb.carry_pnl).toBe(ma.carry_pnl)
    expect(mb.total_pnl!).toBeLessThan(ma.total_pnl!)
  })

  it('funding: a trade opened and closed between funding times earns no carry once funding is paid discretely', async () => {
    const discrete = resolveLabConfig(fundingBasisLab, 'faithful', { 'corrections.funding': 'discrete' })
    // held into steps 2 … 5 of the first 8-hour interval: continuous accrues 4 steps' worth, discrete nothing
    expect(Math.abs(await carryOf(faithful, holdBetween(1, 5)))).toBeGreaterThan(0)
    expect(await carryOf(discrete, holdBetween(1, 5))).toBe(0)
    // held into steps 8 and 9 only: discrete pays the whole first interval at the funding time t = 8
    const m = fundingBasisLab.market(discrete, {})
    const N = discrete.strategy.notional
    expect(await carryOf(discrete, holdBetween(7, 9))).toBeCloseTo((N * m.fundingPaid[8]!) / 1e4, 9)
    expect(await carryOf(faithful, holdBetween(7, 9))).toBeCloseTo((N * (m.fundingAccrual[8]! + m.fundingAccrual[9]!)) / 1e4, 9)
  })

  it('funding: a book that trades only at funding times earns the same carry either way', async () => {
    const aligned = { 'policy_params.decision_every': 8 }
    const a = resolveLabConfig(fundingBasisLab, 'faithful', aligned)
    const b = resolveLabConfig(fundingBasisLab, 'faithful', { ...aligned, 'corrections.funding': 'discrete' })
    const [ra, rb] = await Promise.all([runCollected(fundingBasisLab, a), runCollected(fundingBasisLab, b)])
    expect(rb.columns.action).toEqual(ra.columns.action)
    const [ma, mb] = [fundingBasisMetrics(ra, a), fundingBasisMetrics(rb, b)]
    // the last partial interval (steps after the final funding time) is accrued but not yet paid
    const m = ra.market
    const lastFunding = m.fundingTime.lastIndexOf(1)
    let unpaid = 0
    for (let t = lastFunding + 1; t < ra.steps; t++) unpaid += ra.columns.pnlByComponent.carry![t]!
    expect(mb.carry_pnl!).toBeCloseTo(ma.carry_pnl! - unpaid, 6)
    expect(mb.basis_pnl).toBe(ma.basis_pnl)
  })

  it('the corrected preset runs end to end and pays more costs than faithful for the same decisions', async () => {
    const corrected = resolveLabConfig(fundingBasisLab, 'corrected', {})
    const [a, b] = await Promise.all([runCollected(fundingBasisLab, faithful), runCollected(fundingBasisLab, corrected)])
    expect(b.columns.action).toEqual(a.columns.action)
    const [ma, mb] = [fundingBasisMetrics(a, faithful), fundingBasisMetrics(b, corrected)]
    expect(mb.cost_pnl!).toBeLessThan(ma.cost_pnl!)
    expect(mb.total_pnl).not.toBe(ma.total_pnl)
  })
})
