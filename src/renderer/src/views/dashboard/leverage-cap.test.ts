import { describe, expect, it } from 'vitest'
import type { LabInfo } from '../../../../shared/contract'
import { leverageCap, leverageCapOfSpec } from './leverage-cap'

// What a lab with a leverage rule declares (LabInfo.leverageCap), and one without.
const risk: LabInfo['leverageCap'] = { path: 'risk_params.max_leverage', unit: '× equity', byPreset: { faithful: 3, corrected: 2 } }
const strategy: LabInfo['leverageCap'] = { path: 'strategy.max_leverage', unit: null, byPreset: { faithful: 1.5 } }

describe('leverage cap of a run', () => {
  it('reads the path the lab declared', () => {
    expect(leverageCap(risk, { risk_params: { max_leverage: 2.5 } })).toBe(2.5)
    expect(leverageCap(strategy, { strategy: { max_leverage: 1 }, risk_params: { max_leverage: 9 } })).toBe(1)
  })

  it('is null for a lab without a leverage rule, and for missing or non-numeric values', () => {
    expect(leverageCap(null, { risk_params: { max_leverage: 2 } })).toBeNull()
    expect(leverageCap(risk, {})).toBeNull()
    expect(leverageCap(risk, { risk_params: { max_leverage: 'x' } })).toBeNull()
  })

  it('takes a running run\'s override, dotted or nested, over its preset\'s cap', () => {
    expect(leverageCapOfSpec(risk, 'faithful', {})).toBe(3)
    expect(leverageCapOfSpec(risk, 'corrected', {})).toBe(2)
    expect(leverageCapOfSpec(risk, 'faithful', { 'risk_params.max_leverage': 1.25 })).toBe(1.25)
    expect(leverageCapOfSpec(risk, 'faithful', { risk_params: { max_leverage: 0.5 } })).toBe(0.5)
    expect(leverageCapOfSpec(risk, 'unknown-profile', {})).toBeNull()
    expect(leverageCapOfSpec(null, 'faithful', { 'risk_params.max_leverage': 1 })).toBeNull()
  })
})
