import { describe, expect, it } from 'vitest'
import type { RegimeCompareRow } from '../../../../shared/contract'
import { bestByColumn, detectsFirstLabel, meetsSignOff, regimeSegments, tiedWithFastest } from './regime-table'

const row = (classifier: RegimeCompareRow['classifier'], over: Partial<RegimeCompareRow>): RegimeCompareRow => ({
  classifier,
  accuracy: 0.5,
  f1_stress: 0.5,
  mean_time_to_detection: 10,
  detected: 1,
  switches: 2,
  false_alarms_per_1000_stable_bars: 1,
  downside_capture: 0.5,
  sortino: 1,
  sharpe: 1,
  max_drawdown: 0.1,
  total_return: 0.1,
  ...over
})

describe('regime comparison table', () => {
  it('picks the best classifier per column in the right direction, skipping undefined values', () => {
    const best = bestByColumn([
      row('ssm', { accuracy: 0.86, mean_time_to_detection: 34, max_drawdown: null }),
      row('rv_threshold', { accuracy: 0.7, mean_time_to_detection: 19, max_drawdown: 0.2 }),
      row('hmm', { accuracy: 0.64, mean_time_to_detection: 25, max_drawdown: 0.15 })
    ])
    expect(best.accuracy).toBe('ssm')
    expect(best.mean_time_to_detection).toBe('rv_threshold')
    expect(best.max_drawdown).toBe('hmm')
    expect(bestByColumn([row('ssm', { sharpe: null })]).sharpe).toBeNull()
  })

  it('judges time to detection from calm, and names the delays the seed bootstrap cannot tell from the fastest', () => {
    const rows = [
      row('ssm', { ttd_from_calm: 24, ttd_from_calm_ci: [18, 31], mean_time_to_detection: 24 }),
      // the legacy judge favours the classifier that stays in stress; the fair one does not
      row('rv_threshold', { ttd_from_calm: 29, ttd_from_calm_ci: [22, 37], mean_time_to_detection: 15.8 }),
      row('hmm', { ttd_from_calm: 45, ttd_from_calm_ci: [38, 52], mean_time_to_detection: 30 }),
      row('bocpd', { ttd_from_calm: null, ttd_from_calm_ci: null, mean_time_to_detection: null })
    ]
    const best = bestByColumn(rows)
    expect(best.mean_time_to_detection).toBe('rv_threshold')
    expect(best.ttd_from_calm).toBe('ssm')
    expect([...tiedWithFastest(rows, best.ttd_from_calm!)]).toEqual(['rv_threshold'])
    expect(tiedWithFastest(rows, null).size).toBe(0)
  })

  it('merges bars of one regime into segments with absolute bar numbers', () => {
    expect(regimeSegments([0, 0, 1, 1, 1, 0], 100)).toEqual([
      { from: 100, to: 101, regime: 0 },
      { from: 102, to: 104, regime: 1 },
      { from: 105, to: 105, regime: 0 }
    ])
    expect(regimeSegments([], 5)).toEqual([])
  })

  it('marks the sign-off targets as met or not: downside capture below, Sharpe above (strictly)', () => {
    const signOff = { downsideCaptureBelow: 0.2, sharpeAbove: 1.5 }
    expect(meetsSignOff(row('ssm', { downside_capture: 0.19 }), 'downside_capture', signOff)).toBe(true)
    expect(meetsSignOff(row('ssm', { downside_capture: 0.2 }), 'downside_capture', signOff)).toBe(false)
    expect(meetsSignOff(row('ssm', { sharpe: 1.51 }), 'sharpe', signOff)).toBe(true)
    expect(meetsSignOff(row('ssm', { sharpe: 1.5 }), 'sharpe', signOff)).toBe(false)
    expect(meetsSignOff(row('ssm', { sharpe: null }), 'sharpe', signOff)).toBeNull()
    expect(meetsSignOff(row('ssm', {}), 'accuracy', signOff)).toBeNull()
    expect(meetsSignOff(row('ssm', {}), 'sharpe', undefined)).toBeNull()
  })

  it('says per baseline whether the SSM detects first, with the paired interval', () => {
    expect(detectsFirstLabel(row('rv_threshold', { ssm_detects_first: 'yes', ssm_minus_ttd_ci: [-6.04, -1.25] }))).toBe('yes [-6.0, -1.3]')
    expect(detectsFirstLabel(row('hmm', { ssm_detects_first: 'no', ssm_minus_ttd_ci: [0.5, 3] }))).toBe('no [0.5, 3.0]')
    expect(detectsFirstLabel(row('bocpd', { ssm_detects_first: 'not_distinguishable', ssm_minus_ttd_ci: null }))).toBe('not distinguishable')
    expect(detectsFirstLabel(row('ssm', { ssm_detects_first: null }))).toBe('—')
    expect(detectsFirstLabel(row('hmm', {}))).toBe('—')
  })
})
