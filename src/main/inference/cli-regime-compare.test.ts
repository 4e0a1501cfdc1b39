import { describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { COMPARED_CLASSIFIERS } from './regime-compare'

describe('mechanica regime --compare on any lab with a price series', () => {
  it('scores all five classifiers against the lab\'s own labels, as JSON', async () => {
    const out = await mechanica('regime', '--lab', 'fx-carry', '--compare', '--seeds', '3000..3000', '--json')
    expect(out.code).toBe(0)
    const report = JSON.parse(out.stdout) as { lab: string; seeds: number[]; signOff: { sharpeAbove: number }; rows: Array<{ classifier: string; switches: number; accuracy: number; paranoia_cost_10: number | null }> }
    expect(report.lab).toBe('fx-carry')
    expect(report.seeds).toEqual([3000])
    expect(report.signOff.sharpeAbove).toBe(1.5)
    expect(report.rows.map((r) => r.classifier)).toEqual([...COMPARED_CLASSIFIERS])
    expect(new Set(report.rows.map((r) => r.switches)).size).toBe(1)
    for (const r of report.rows) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0)
      expect(r.accuracy).toBeLessThanOrEqual(1)
    }
    expect(out.stderr).toContain('compare: seed 1/1')
  }, 120_000)

  it('refuses a lab without a price series in one line with exit 2', async () => {
    const credit = await mechanica('regime', '--lab', 'credit-spreads', '--compare', '--seeds', '1..1')
    expect(credit.code).toBe(2)
    expect(credit.stderr.trim()).toBe('mechanica: credit-spreads trades no single price series the regime model could read')
  })
})
