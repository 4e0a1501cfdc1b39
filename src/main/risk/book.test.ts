import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../store/synthetic-step-log'
import { MIN_HISTORY, simulateBook, summariseBook, targetWeights, type BookOptions } from './book'
import { riskParityWeights, covariance } from './weights'

function pods(n: number, T: number, seed: number, scale = 0.01): Float64Array[] {
  const next = mulberry32(seed)
  return Array.from({ length: n }, (_, i) => Float64Array.from({ length: T }, () => (next() - 0.5 + 0.002 * i) * scale * (i + 1)))
}

const base: BookOptions = { scheme: 'equal', window: 60, rebalanceEvery: 1, costBps: 0 }

describe('a portfolio book held through time', () => {
  it('rebalanced every step at no cost, equity grows by the mean of the pods’ returns each step (constant mix)', () => {
    const r = pods(3, 200, 1)
    const book = simulateBook(r, base)
    let e = 1
    for (let t = 0; t < 200; t++) {
      e *= 1 + (r[0]![t]! + r[1]![t]! + r[2]![t]!) / 3
      expect(book.equity[t + 1]).toBeCloseTo(e, 13)
    }
    expect(book.rebalances.length).toBe(200)
  })

  it('never rebalanced and at no cost, it is buy and hold: Σ wᵢ Π(1 + rᵢ)', () => {
    const r = pods(4, 300, 2)
    const fixed = [0.4, 0.3, 0.2, 0.1]
    const book = simulateBook(r, { ...base, scheme: 'fixed', fixed, rebalanceEvery: 10_000 })
    const growth = r.map((x) => x.reduce((g, v) => g * (1 + v), 1))
    expect(book.equity[300]).toBeCloseTo(fixed.reduce((s, w, i) => s + w * growth[i]!, 0), 13)
    // Exposure drifts with the pods' returns between rebalances.
    expect(book.exposure[0]![0]).toBe(0.4)
    expect(book.exposure[0]![299]).toBeCloseTo((0.4 * growth[0]!) / (1 + r[0]![299]!) / book.equity[299]!, 13)
    expect(book.rebalances).toEqual(Int32Array.from([0]))
    book.podPnl.forEach((p, i) => expect(p[300]).toBeCloseTo(fixed[i]! * (growth[i]! - 1), 13))
  })

  it('pays the cost on what it trades, the first allocation from cash included', () => {
    const r = pods(2, 50, 3)
    const book = simulateBook(r, { ...base, rebalanceEvery: 1_000, costBps: 10 })
    // Allocating all of V′ = 1 − c·V′ from cash: V′ = 1 / (1 + c), cost c / (1 + c).
    const c = 10 / 10_000
    expect(book.cost[1]).toBeCloseTo(c / (1 + c), 15)
    expect(book.turnover).toBeCloseTo(1 / (1 + c), 15)
    expect(book.cost[50]).toBe(book.cost[1])
  })

  it('keeps the equity identity: equity = 1 + Σ pod P&L − cost, at every step (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom<BookOptions['scheme']>('equal', 'inverse-vol', 'risk-parity', 'hrp'), fc.integer({ min: 0, max: 1e6 }), (n, every, costBps, scheme, seed) => {
        const r = pods(n, 120, seed)
        const book = simulateBook(r, { scheme, window: 40, rebalanceEvery: every, costBps })
        for (let t = 0; t <= 120; t++) {
          const pnl = book.podPnl.reduce((s, p) => s + p[t]!, 0)
          expect(book.equity[t]!).toBeCloseTo(1 + pnl - book.cost[t]!, 12)
        }
        for (let t = 1; t <= 120; t++) expect(book.cost[t]!).toBeGreaterThanOrEqual(book.cost[t - 1]!)
      }),
      { numRuns: 60 }
    )
  })

  it('decides weights from past returns only: changing returns from step k leaves exposures before k alone (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 119 }), fc.integer({ min: 1, max: 25 }), fc.constantFrom<BookOptions['scheme']>('inverse-vol', 'risk-parity', 'hrp'), (k, every, scheme) => {
        const r = pods(3, 120, 7)
        const changed = r.map((x) => Float64Array.from(x, (v, t) => (t >= k ? -3 * v + 0.01 : v)))
        const a = simulateBook(r, { scheme, window: 50, rebalanceEvery: every, costBps: 2 })
        const b = simulateBook(changed, { scheme, window: 50, rebalanceEvery: every, costBps: 2 })
        for (let i = 0; i < 3; i++) expect(b.exposure[i]!.subarray(0, k + 1)).toEqual(a.exposure[i]!.subarray(0, k + 1))
      }),
      { numRuns: 50 }
    )
  })

  it('holds equal weights until it has MIN_HISTORY returns, then the scheme over the trailing window', () => {
    const r = pods(3, 100, 5)
    expect(Array.from(targetWeights(r, 0, MIN_HISTORY - 1, { scheme: 'risk-parity' }))).toEqual([1 / 3, 1 / 3, 1 / 3])
    expect(Array.from(targetWeights(r, 30, 80, { scheme: 'risk-parity' }))).toEqual(Array.from(riskParityWeights(covariance(r, 30, 80), 3)))
    const book = simulateBook(r, { scheme: 'risk-parity', window: 50, rebalanceEvery: 40, costBps: 0 })
    expect(Array.from(book.rebalances)).toEqual([0, 40, 80])
    expect(Array.from(book.weights)).toEqual(Array.from(riskParityWeights(covariance(r, 30, 80), 3)))
  })

  it('holds equal weights while a pod shows no volatility over the window, then weighs it', () => {
    const flat = pods(1, 90, 4)[0]!.map((v, t) => (t < 55 ? 0 : v))
    const r = [pods(1, 90, 1)[0]!, flat]
    const book = simulateBook(r, { scheme: 'inverse-vol', window: 30, rebalanceEvery: 25, costBps: 0 })
    expect([book.exposure[0]![25], book.exposure[0]![50]]).toEqual([0.5, 0.5])
    expect(book.exposure[0]![75]).not.toBeCloseTo(0.5, 3)
  })

  it('refuses a scheme it cannot apply, naming the step', () => {
    const r = pods(2, 60, 1)
    expect(() => simulateBook(r, { scheme: 'fixed', fixed: [0.5, 0.6], window: 30, rebalanceEvery: 25, costBps: 0 })).toThrow(/^rebalancing at step 0: fixed weights must sum to 1/)
  })

  it('summarises total return, drawdown and risk shares that sum to one', () => {
    const r = pods(3, 200, 9)
    const book = simulateBook(r, { scheme: 'inverse-vol', window: 60, rebalanceEvery: 20, costBps: 1 })
    const s = summariseBook(r, book, 60)
    expect(s.totalReturn).toBe(book.equity[200]! - 1)
    expect(s.totalReturn).toBeCloseTo(s.podPnl.reduce((a, b) => a + b, 0) - s.totalCost, 12)
    expect(s.riskContributions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(s.correlation.map((row, i) => row[i])).toEqual([1, 1, 1])
    expect(s.maxDrawdown).toBeGreaterThanOrEqual(0)
    expect(s.rebalances).toBe(10)
  })
})
