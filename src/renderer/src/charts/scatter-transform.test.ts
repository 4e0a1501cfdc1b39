import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { boundsOf, fit, pan, toData, toScreen, zoomAbout } from './scatter-transform'

const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true })

describe('scatter view transform', () => {
  it('fit puts the bounds inside the padded box, y upward', () => {
    const v = fit({ xmin: -2, xmax: 2, ymin: 0, ymax: 10 }, 440, 240, 20)
    expect(toScreen(v, -2, 0)).toEqual([20, 220])
    expect(toScreen(v, 2, 10)).toEqual([420, 20])
  })

  it('screen ↔ data is invertible after any pans and zooms (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), finite, finite, fc.double({ min: 0.2, max: 5, noNaN: true })), { maxLength: 12 }),
        finite,
        finite,
        (ops, x, y) => {
          let v = fit({ xmin: -5, xmax: 5, ymin: -1, ymax: 1 }, 800, 600)
          for (const [isPan, a, b, f] of ops) v = isPan ? pan(v, a, b) : zoomAbout(v, f, a, b)
          const [px, py] = toScreen(v, x, y)
          const [x2, y2] = toData(v, px, py)
          expect(x2).toBeCloseTo(x, 6)
          expect(y2).toBeCloseTo(y, 6)
        }
      )
    )
  })

  it('zoom keeps the point under the cursor fixed and scales both axes', () => {
    const v = fit({ xmin: 0, xmax: 1, ymin: 0, ymax: 1 }, 500, 500)
    const before = toData(v, 123, 321)
    const z = zoomAbout(v, 2.5, 123, 321)
    const after = toData(z, 123, 321)
    expect(after[0]).toBeCloseTo(before[0], 12)
    expect(after[1]).toBeCloseTo(before[1], 12)
    expect(z.kx).toBeCloseTo(v.kx * 2.5, 12)
    // zooming back out restores the view
    const back = zoomAbout(z, 1 / 2.5, 123, 321)
    expect(back.kx).toBeCloseTo(v.kx, 9)
    expect(back.ox).toBeCloseTo(v.ox, 6)
  })

  it('pan moves every point by the same pixels', () => {
    const v = fit({ xmin: 0, xmax: 1, ymin: 0, ymax: 1 }, 300, 300)
    const [a, b] = toScreen(pan(v, 7, -3), 0.4, 0.6)
    const [c, d] = toScreen(v, 0.4, 0.6)
    expect([a - c, b - d]).toEqual([7, -3])
  })

  it('bounds skip non-finite points and widen a single point', () => {
    expect(boundsOf([1, Number.NaN, 3], [2, 5, Number.POSITIVE_INFINITY])).toEqual({ xmin: 0.5, xmax: 1.5, ymin: 1.5, ymax: 2.5 })
  })
})
