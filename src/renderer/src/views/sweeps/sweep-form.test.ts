import { describe, expect, it } from 'vitest'
import type { LabInfo } from '../../../../shared/contract'
import { defaultAxes, sweepMetric, sweepablePaths } from './sweep-form'

// A made-up lab with just what the sweep form reads: its form fields and its suggested grid.
const lab = {
  id: 'test-lab',
  form: {
    groups: [],
    fields: [
      { kind: 'number', path: 'seed', group: '', label: 'seed', integer: true, nullable: false, exclusiveMinimum: false, exclusiveMaximum: false },
      { kind: 'number', path: 'delay.steps', group: 'delay', label: 'steps', unit: 'steps', integer: true, nullable: false, exclusiveMinimum: false, exclusiveMaximum: false },
      { kind: 'enum', path: 'mode', group: '', label: 'mode', options: ['a', 'b'] },
      { kind: 'json', path: 'matrix', group: '', label: 'matrix', shape: '2 × 2' }
    ]
  },
  suggestedSweep: {
    axes: [
      { path: 'delay.steps', unit: 'steps', values: [0, 1, 5] },
      { path: 'mode', unit: null, values: ['a', 'b'] }
    ],
    metric: 'edge',
    why: 'because'
  }
} as unknown as LabInfo

describe('sweep form', () => {
  it('offers the numbers, choices and switches of the lab\'s form, with their units', () => {
    expect(sweepablePaths(lab).map((p) => [p.path, p.unit])).toEqual([
      ['seed', undefined],
      ['delay.steps', 'steps'],
      ['mode', undefined]
    ])
  })

  it('starts from the grid the lab suggests', () => {
    expect(defaultAxes(lab)).toEqual([
      { path: 'delay.steps', values: '0, 1, 5' },
      { path: 'mode', values: 'a, b' }
    ])
    expect(defaultAxes(undefined)).toEqual([])
  })

  it('keeps the chosen metric, else takes the lab\'s suggestion, else the first', () => {
    expect(sweepMetric(['pnl', 'edge'], 'pnl', lab)).toBe('pnl')
    expect(sweepMetric(['pnl', 'edge'], '', lab)).toBe('edge')
    expect(sweepMetric(['pnl'], '', lab)).toBe('pnl')
    expect(sweepMetric(['pnl'], '', undefined)).toBe('pnl')
  })
})
