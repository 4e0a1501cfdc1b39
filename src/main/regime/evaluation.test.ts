import { describe, expect, it } from 'vitest'
import { accuracy, downsideCapture, f1Stress, falseAlarmRate, maxDrawdownOf, paranoiaCost, sharpe, sortino, switchDetections } from './evaluation'

//               t: 0  1  2  3  4  5  6  7  8  9
const truth = /**/ [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]
const pred = /* */ [0, 1, 0, 0, 0, 1, 1, 1, 0, 0]

describe('regime evaluation on hand-made labels (spec §4.8)', () => {
  it('accuracy and stress-class F1', () => {
    // TP 2 (t5, t6), FP 2 (t1, t7), FN 1 (t4), TN 5
    expect(accuracy(pred, truth)).toBe(0.7)
    expect(f1Stress(pred, truth)).toBe(4 / 7)
  })

  it('bars without a prediction (−1) are left out', () => {
    expect(accuracy([-1, -1, 0, 0, 0, 1, 1, 1, 0, 0], truth)).toBe(6 / 8)
    expect(accuracy([-1, -1], [0, 1])).toBeNull()
  })

  it('time to detection per switch and false alarms of the stable segment before it', () => {
    const s = switchDetections(pred, truth)
    expect(s).toEqual([
      { at: 4, direction: 'to_stress', detectedAt: 5, delay: 1, calledBefore: 0, falseAlarmsBefore: 1, falseAlarmRateBefore: 250 },
      { at: 7, direction: 'to_stable', detectedAt: 8, delay: 1, calledBefore: 1, falseAlarmsBefore: 0, falseAlarmRateBefore: null }
    ])
  })

  it('an undetected switch has no delay', () => {
    expect(switchDetections([0, 0, 0, 0], [0, 0, 1, 1])[0]).toMatchObject({ at: 2, detectedAt: null, delay: null })
  })

  it('false alarm rate: onsets of predicted stress on true-stable bars per 1,000 stable bars', () => {
    // stable bars: 0,1,2,3,7,8,9 (7); onsets on stable bars: t1 only (t7 continues the run from t6)
    expect(falseAlarmRate(pred, truth)).toBe(1000 / 7)
  })

  it('downside capture: strategy over benchmark CAGR on crash bars', () => {
    const labels = [0, 1, 1, 0]
    const bench = [0.01, -0.1, -0.1, 0.01]
    const strat = [0.01, -0.05, 0, 0.01]
    const cagr = (g: number) => Math.exp((Math.log(g) * 2) / 2) - 1
    expect(downsideCapture(strat, bench, labels, 2)).toBeCloseTo(cagr(0.95) / cagr(0.81), 14)
    expect(downsideCapture(strat, bench, [0, 0, 0, 0])).toBeNull()
  })

  it('Sharpe, Sortino and max drawdown on hand-made returns', () => {
    const r = [0.01, -0.02, 0.03, 0]
    // mean 0.005; sample std sqrt(((0.005)²+(0.025)²+(0.025)²+(0.005)²)/3) = sqrt(0.0013/3)
    expect(sharpe(r, 1)).toBeCloseTo(0.005 / Math.sqrt(0.0013 / 3), 12)
    // downside deviation sqrt(0.0004/4) = 0.01
    expect(sortino(r, 4)).toBeCloseTo((0.005 / 0.01) * 2, 12)
    expect(maxDrawdownOf([100, 120, 90, 130, 104])).toBeCloseTo(0.25, 15)
    expect(sharpe([0.01, 0.01], 252)).toBeNull()
  })

  it('paranoia cost: benchmark minus strategy over the first bars of each recovery', () => {
    const labels = [1, 1, 0, 0, 0]
    const bench = [0, 0, 0.1, 0.1, 0.1]
    const strat = [0, 0, 0, 0.1, 0.1]
    expect(paranoiaCost(strat, bench, labels, 2)).toBeCloseTo(1.21 - 1.1, 14)
  })
})
