import { describe, expect, it } from 'vitest'
import { planLab } from './execute'
import { closesFromReturns, stressLabels } from './price-series'
import { labRegistry } from './registry'

describe('lab price series for the regime model', () => {
  it('index levels compound simple returns from 100 at bar 0', () => {
    expect(Array.from(closesFromReturns([0.5, 0.1, -0.5]))).toEqual([100, 110.00000000000001, 55.00000000000001])
    expect(Array.from(stressLabels([0, 2, 1, 0]))).toEqual([0, 1, 1, 0])
  })

  it('every lab with a traded price gives positive closes and 0/1 labels, one per bar, deterministically', () => {
    const withPrices = [...labRegistry.entries()].filter(([, m]) => m.priceSeries)
    expect(withPrices.map(([id]) => id).sort()).toEqual(['funding-basis', 'fx-carry', 'heston-regime', 'latency-arb', 'microstructure', 'vol-surface'])
    for (const [id, module] of withPrices) {
      const plan = planLab({ task: 'lab', lab: id, preset: 'faithful', overrides: {} })
      const series = module.priceSeries!.series(plan.config)
      expect(series.closes.length, id).toBeGreaterThan(200)
      expect(series.closes.every((p) => p > 0 && Number.isFinite(p)), id).toBe(true)
      expect(series.labels?.length, id).toBe(series.closes.length)
      expect(series.labels!.every((l) => l === 0 || l === 1), id).toBe(true)
      expect(Array.from(module.priceSeries!.series(plan.config).closes.subarray(0, 50)), id).toEqual(Array.from(series.closes.subarray(0, 50)))
    }
  })
})
