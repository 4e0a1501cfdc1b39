import { describe, expect, it } from 'vitest'
import { leverageCap, leverageCapOfSpec, leverageCapPath } from './leverage-cap'

describe('leverage cap of a run', () => {
  it('reads each lab\'s own config path', () => {
    expect(leverageCap('fx-carry', { risk_params: { max_leverage: 2.5 } })).toBe(2.5)
    expect(leverageCap('credit-spreads', { risk_params: { max_leverage: 1.5, pos_limit: 3 } })).toBe(1.5)
    expect(leverageCap('heston-regime', { strategy: { max_leverage: 1 }, risk_params: { max_leverage: 9 } })).toBe(1)
  })

  it('is null for labs without a leverage rule, and for missing or non-numeric values', () => {
    for (const lab of ['funding-basis', 'latency-arb', 'microstructure', 'unknown']) expect(leverageCap(lab, { risk_params: { max_leverage: 2 } })).toBeNull()
    expect(leverageCap('fx-carry', {})).toBeNull()
    expect(leverageCap('fx-carry', { risk_params: { max_leverage: 'x' } })).toBeNull()
    expect(leverageCapPath('latency-arb')).toBeNull()
  })

  it('takes a running run\'s override, dotted or nested, over the preset', () => {
    const preset = { risk_params: { max_leverage: 3 } }
    expect(leverageCapOfSpec('fx-carry', preset, {})).toBe(3)
    expect(leverageCapOfSpec('fx-carry', preset, { 'risk_params.max_leverage': 1.25 })).toBe(1.25)
    expect(leverageCapOfSpec('fx-carry', preset, { risk_params: { max_leverage: 0.5 } })).toBe(0.5)
    expect(leverageCapOfSpec('latency-arb', preset, { 'risk_params.max_leverage': 1 })).toBeNull()
  })
})
