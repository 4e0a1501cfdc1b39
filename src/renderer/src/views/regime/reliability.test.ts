import { describe, expect, it } from 'vitest'
import type { RegimeCompareRow, ReliabilityBin } from '../../../../shared/contract'
import { curvePoints, expectedCalibrationError, reliabilityCurves } from './reliability'

const bin = (k: number, count: number, meanP: number | null, observed: number | null): ReliabilityBin => ({ from: k / 10, to: (k + 1) / 10, count, mean_p_stress: meanP, observed_stress: observed })
// The calibration.test.ts example's non-empty bins (NumPy reference there).
const BINS = [bin(0, 2, 0.025, 0), bin(1, 2, 0.135, 0.5), bin(2, 0, null, null), bin(3, 2, 0.345, 0.5), bin(5, 3, 0.5433333333333333, 0.6666666666666666), bin(7, 1, 0.72, 1), bin(9, 2, 0.975, 1)]

describe('reliability diagram model', () => {
  it('keeps the non-empty bins as points (mean predicted, observed, bars)', () => {
    expect(curvePoints(BINS)).toEqual([
      { x: 0.025, y: 0, count: 2 },
      { x: 0.135, y: 0.5, count: 2 },
      { x: 0.345, y: 0.5, count: 2 },
      { x: 0.5433333333333333, y: 0.6666666666666666, count: 3 },
      { x: 0.72, y: 1, count: 1 },
      { x: 0.975, y: 1, count: 2 }
    ])
    expect(curvePoints(undefined)).toEqual([])
  })

  it('weighs the calibration gap by bars: ECE of the reference example', () => {
    // (2·0.025 + 2·0.365 + 2·0.155 + 3·0.1233… + 1·0.28 + 2·0.025) / 12, by hand
    expect(expectedCalibrationError(BINS)).toBeCloseTo((0.05 + 0.73 + 0.31 + 0.37 + 0.28 + 0.05) / 12, 12)
    expect(expectedCalibrationError([bin(0, 0, null, null)])).toBeNull()
  })

  it('draws a curve for each row that has one, in row order', () => {
    const row = (classifier: RegimeCompareRow['classifier'], reliability?: ReliabilityBin[]): RegimeCompareRow =>
      ({ classifier, accuracy: null, f1_stress: null, mean_time_to_detection: null, detected: 0, switches: 0, false_alarms_per_1000_stable_bars: null, downside_capture: null, sortino: null, sharpe: null, max_drawdown: null, total_return: null, brier: 0.1, ...(reliability ? { reliability } : {}) }) as RegimeCompareRow
    const curves = reliabilityCurves([row('ssm', BINS), row('hmm'), row('bocpd', [bin(9, 4, 0.95, 1)])])
    expect(curves.map((c) => c.classifier)).toEqual(['ssm', 'bocpd'])
    expect(curves[1]).toEqual({ classifier: 'bocpd', brier: 0.1, points: [{ x: 0.95, y: 1, count: 4 }] })
  })
})
