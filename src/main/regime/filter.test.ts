import { describe, expect, it } from 'vitest'
import { RegimeFilter, filterSeries } from './filter'

describe('RegimeFilter hysteresis (spec §5.2 golden vectors)', () => {
  it('threshold 3: [1,1,1,0,1,1,1] → [0,0,1,1,1,1,1]', () => {
    expect(Array.from(filterSeries([1, 1, 1, 0, 1, 1, 1], { threshold: 3 }))).toEqual([0, 0, 1, 1, 1, 1, 1])
  })

  it('threshold 3: an interrupted run restarts the count: [1,1,0,1,1,1] → [0,0,0,0,0,1]', () => {
    expect(Array.from(filterSeries([1, 1, 0, 1, 1, 1], { threshold: 3 }))).toEqual([0, 0, 0, 0, 0, 1])
  })

  it('asymmetric 2/6: exits on the 2nd stress bar, re-enters on the 6th consecutive stable bar', () => {
    const raw = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    expect(Array.from(filterSeries(raw, { threshold: 3, asymmetric: { exit: 2, entry: 6 } }))).toEqual([0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
  })

  it('no signal (−1) leaves the state untouched and is reported as −1', () => {
    expect(Array.from(filterSeries([-1, 1, -1, 1, 1], { threshold: 2 }))).toEqual([-1, 0, -1, 1, 1])
  })

  it('rejects a threshold below 1', () => {
    expect(() => new RegimeFilter({ threshold: 0 })).toThrow(/whole numbers ≥ 1/)
  })
})
