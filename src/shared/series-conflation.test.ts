import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StreamConflator, bucketWidth, concatConflated, conflateMinMax, reconflate, slotCount } from './series-conflation'

describe('min/max conflation', () => {
  it('keeps each bucket\'s minimum and maximum in the order they occurred', () => {
    // bucket 0 = steps 0..3: max 9 at step 1, min -2 at step 3; bucket 1 = steps 4..7: min 0 at 4, max 5 at 6
    const v = [1, 9, 3, -2, 0, 4, 5, 1]
    const { t, columns } = conflateMinMax({ v }, v.length, { width: 4 })
    expect(Array.from(t)).toEqual([0, 2, 4, 6])
    expect(Array.from(columns.v!)).toEqual([9, -2, 0, 5])
  })

  it('puts bucket boundaries at multiples of the width, with a short last bucket', () => {
    const v = [5, 4, 3, 2, 1, 7, 8]
    const { t, columns } = conflateMinMax({ v }, v.length, { width: 3 })
    // buckets [0,3) [3,6) [6,7): slots at 0,1 | 3,4 | 6
    expect(Array.from(t)).toEqual([0, 1, 3, 4, 6])
    expect(Array.from(columns.v!)).toEqual([5, 3, 1, 7, 8])
    expect(slotCount(7, 3)).toBe(5)
  })

  it('returns the input unchanged at width 1 and 2', () => {
    const v = [3, 1, 4, 1, 5, 9, 2]
    for (const width of [1, 2]) {
      const { t, columns } = conflateMinMax({ v }, v.length, { width })
      expect(Array.from(t)).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect(Array.from(columns.v!)).toEqual(v)
    }
  })

  it('samples categorical columns at the slot steps', () => {
    const regime = [0, 0, 1, 1, 1, 0, 0, 0]
    const level = [1, 2, 3, 4, 5, 6, 7, 8]
    const { t, columns } = conflateMinMax({ regime, level }, 8, { width: 4, sampled: new Set(['regime']) })
    expect(Array.from(t)).toEqual([0, 2, 4, 6])
    expect(Array.from(columns.regime!)).toEqual([regime[0], regime[2], regime[4], regime[6]])
    expect(Array.from(columns.level!)).toEqual([1, 4, 5, 8])
  })

  it('offsets the time grid by a bucket-aligned start', () => {
    const { t } = conflateMinMax({ v: [1, 2, 3, 4] }, 4, { width: 2, from: 10 })
    expect(Array.from(t)).toEqual([10, 11, 12, 13])
    expect(() => conflateMinMax({ v: [1] }, 1, { width: 2, from: 3 })).toThrow(/multiple of the bucket width/)
  })

  it('chooses a width that keeps the bucket count within the budget', () => {
    expect(bucketWidth(100_000, 1000)).toBe(100)
    expect(bucketWidth(100_001, 1000)).toBe(101)
    expect(bucketWidth(10, 1000)).toBe(1)
  })

  it('keeps the global extremes and a strictly increasing grid (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 37 }), (values, width) => {
        const { t, columns } = conflateMinMax({ v: values }, values.length, { width })
        const out = Array.from(columns.v!)
        expect(Math.min(...out)).toBe(Math.min(...values))
        expect(Math.max(...out)).toBe(Math.max(...values))
        for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThan(t[i - 1]!)
        expect(t.length).toBe(slotCount(values.length, width))
        // every slot lies inside the bucket its value came from
        for (let i = 0; i < t.length; i++) expect(Math.floor(t[i]! / width)).toBeLessThanOrEqual(Math.floor((values.length - 1) / width))
      })
    )
  })

  it('streams chunk by chunk to the same result as conflating at once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -100, max: 100 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }),
        (values, width, chunkSizes) => {
          const whole = conflateMinMax({ v: values, r: values.map((x) => Math.sign(x)) }, values.length, { width, sampled: new Set(['r']) })
          const stream = new StreamConflator(width, ['v', 'r'], new Set(['r']))
          const parts = []
          let at = 0
          let k = 0
          while (at < values.length) {
            const n = Math.min(chunkSizes[k++ % chunkSizes.length]!, values.length - at)
            const chunk = values.slice(at, at + n)
            const part = stream.push(at, { v: chunk, r: chunk.map((x) => Math.sign(x)) }, n)
            if (part) parts.push(part)
            at += n
          }
          const last = stream.finish()
          if (last) parts.push(last)
          const joined = concatConflated(parts)
          expect(Array.from(joined.t)).toEqual(Array.from(whole.t))
          expect(Array.from(joined.columns.v!)).toEqual(Array.from(whole.columns.v!))
          expect(Array.from(joined.columns.r!)).toEqual(Array.from(whole.columns.r!))
        }
      )
    )
  })

  it('refuses a chunk that does not follow the stream', () => {
    const stream = new StreamConflator(4, ['v'])
    stream.push(0, { v: [1, 2, 3] }, 3)
    expect(() => stream.push(4, { v: [1] }, 1)).toThrow(/stream is at step 3/)
  })
})

describe('reconflation of a stored conflated series', () => {
  const walk = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 600 })

  it('equals conflating the steps at the wider width (extreme-preserving columns, any length)', () => {
    fc.assert(
      fc.property(walk, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 40 }), (v, width, maxBuckets) => {
        const stored = { bucket: width, ...conflateMinMax({ v }, v.length, { width }) }
        const merged = reconflate(stored, v.length, maxBuckets)
        const direct = conflateMinMax({ v }, v.length, { width: merged.bucket })
        expect(Array.from(merged.t)).toEqual(Array.from(direct.t))
        expect(Array.from(merged.columns.v!)).toEqual(Array.from(direct.columns.v!))
        expect(Math.ceil(v.length / merged.bucket)).toBeLessThanOrEqual(Math.max(maxBuckets, Math.ceil(v.length / width)))
      }),
      { numRuns: 300 }
    )
  })

  it('samples categorical columns at the merged slots\' steps in every whole bucket', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 40 }), (codes, width, maxBuckets) => {
        const sampled = new Set(['regime'])
        const stored = { bucket: width, ...conflateMinMax({ regime: codes }, codes.length, { width, sampled }) }
        const merged = reconflate(stored, codes.length, maxBuckets, sampled)
        const direct = conflateMinMax({ regime: codes }, codes.length, { width: merged.bucket, sampled })
        const whole = Math.floor(codes.length / merged.bucket) * (merged.bucket === 1 ? 1 : 2)
        expect(Array.from(merged.columns.regime!.subarray(0, whole))).toEqual(Array.from(direct.columns.regime!.subarray(0, whole)))
      }),
      { numRuns: 300 }
    )
  })

  it('returns a series that already fits unchanged', () => {
    const v = [1, 2, 3, 4, 5]
    const stored = { bucket: 1, ...conflateMinMax({ v }, 5, { width: 1 }) }
    expect(reconflate(stored, 5, 10)).toBe(stored)
  })
})
