import { describe, expect, it } from 'vitest'
import { colourScale, formatValue } from './colour-scale'

describe('heatmap colour scales', () => {
  it('diverges symmetrically around zero when the domain spans it', () => {
    const scale = colourScale(-1, 3)
    expect(scale.kind).toBe('diverging')
    expect([scale.min, scale.max]).toEqual([-3, 3])
    expect(scale.colour(0)).toEqual([60, 66, 76])
    expect(scale.colour(-3)).toEqual([33, 102, 172])
    expect(scale.colour(3)).toEqual([178, 24, 43])
    // out of range clamps to the ends
    expect(scale.colour(10)).toEqual(scale.colour(3))
  })

  it('is sequential for one-signed domains, monotone in brightness', () => {
    const scale = colourScale(2, 4)
    expect(scale.kind).toBe('sequential')
    const brightness = [2, 2.5, 3, 3.5, 4].map((v) => scale.colour(v).reduce((a, b) => a + b, 0))
    for (let i = 1; i < brightness.length; i++) expect(brightness[i]!).toBeGreaterThan(brightness[i - 1]!)
    expect(colourScale(1, 1).colour(1)).toEqual(colourScale(0, 0).colour(5))
  })

  it('formats values with the digits the scale needs', () => {
    expect(formatValue(0.0123456)).toBe('0.012346')
    expect(formatValue(29953.134)).toBe('29953.13')
    expect(formatValue(0.00001234)).toBe('1.234e-5')
    expect(formatValue(12.5)).toBe('12.500')
    expect(formatValue(Number.NaN)).toBe('—')
  })
})
