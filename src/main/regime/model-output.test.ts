import { describe, expect, it } from 'vitest'
import { modelInference, type ModelRegimeOutput } from './model-output'

describe('the regime model output handed to a run', () => {
  it('refuses a model output that does not cover the run bar for bar', () => {
    const output: ModelRegimeOutput = { firstBar: 100, pStable: new Float64Array(10), oodDistance: new Float64Array(10), oodRadius: 3, model: { name: 'm', sha256: 'x' }, executionProvider: 'cpu' }
    expect(() => modelInference(output, 200, 150)).toThrow(/covers bars 100…109, the run has 200 bars/)
    const fits = modelInference({ ...output, pStable: new Float64Array(100).fill(0.7), oodDistance: new Float64Array(100).fill(1) }, 200, 150)
    expect(Number.isNaN(fits.pStable[149]!)).toBe(true)
    expect(fits.pStable[150]).toBe(0.7)
    expect(fits.oodRadius[199]).toBe(3)
  })
})
