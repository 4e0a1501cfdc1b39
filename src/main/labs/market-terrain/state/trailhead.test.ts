import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TRAILHEAD_PRESETS, TRAILHEAD_STATE, type TrailheadPreset, trailhead, trailingPercentile, trailingZScore } from './trailhead'

const W = 5
const T = 12
const small = (id: 'A' | 'B' | 'C'): TrailheadPreset => ({ ...TRAILHEAD_PRESETS[id], window: W })
const spikeAt = (bar: number, base: (t: number) => number = () => 0): Float64Array => Float64Array.from({ length: T }, (_, t) => (t === bar ? 1 : base(t)))
const flat = (): Float64Array => new Float64Array(T)

/** Every component of a preset's index gets the same series. */
function inputs(preset: TrailheadPreset, pressure: Float64Array, fragility: Float64Array): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {}
  for (const w of preset.pressure) out[w.component] = pressure
  for (const w of preset.fragility) out[w.component] = fragility
  return out
}

describe('Pressure and Fragility (trailhead) indices', () => {
  it("the presets carry the seed's weights and triggers (L1129–1133, L1487–1488, L1555–1566)", () => {
    const { A, B, C } = TRAILHEAD_PRESETS
    expect(A.pressure.map((w) => [w.component, w.weight])).toEqual([['gamma', 0.4], ['ofi', 0.3], ['funding', 0.3]])
    expect(A.fragility.map((w) => w.weight)).toEqual([0.5, 0.3, 0.2])
    expect([A.pressureMin, A.fragilityMin, A.oneWayMin]).toEqual([0.8, 0.8, null])
    expect([B.pressureMin, B.fragilityMin, B.oneWayMin]).toEqual([0.8, 0.7, 0.4])
    expect(C.pressure.map((w) => w.weight)).toEqual([0.35, 0.35, 0.3])
    expect(C.fragility.map((w) => w.weight)).toEqual([0.4, 0.3, 0.3])
    expect([C.normalise, C.pressureMin, C.fragilityMin]).toEqual(['zscore', 1, 0.5])
    for (const p of [A, B, C]) {
      expect(p.pressure.reduce((a, w) => a + w.weight, 0)).toBeCloseTo(1, 15)
      expect(p.fragility.reduce((a, w) => a + w.weight, 0)).toBeCloseTo(1, 15)
    }
  })

  it('trailing percentile (mid-rank) and z-score by hand', () => {
    const x = Float64Array.from([3, 1, 2, 2, 5, 0])
    const p = trailingPercentile(x, 3)
    expect(p[1]).toBeNaN()
    expect(p[2]).toBeCloseTo((1 + 2) / 6, 15) // 2 among {3, 1, 2}: 1 below, 2 at or below
    expect(p[3]).toBeCloseTo((1 + 3) / 6, 15) // 2 among {1, 2, 2}
    expect(p[4]).toBeCloseTo((2 + 3) / 6, 15) // 5 is the window's max
    expect(p[5]).toBeCloseTo((0 + 1) / 6, 15)
    const z = trailingZScore(Float64Array.from([0, 0, 0, 0, 1]), 5)
    expect(z[4]).toBeCloseTo(2, 15) // mean 0.2, σ 0.4
    expect(trailingZScore(new Float64Array(5), 5)[4]).toBeNaN() // σ = 0: no reading
  })

  it('preset A fires when both indices spike together; warm-up bars give no signal', () => {
    const r = trailhead(small('A'), inputs(small('A'), spikeAt(10), spikeAt(10)), T)
    // Components rank from bar W−1 = 4, the composites from bar 2W−2 = 8.
    expect(Array.from(r.state.subarray(0, 8))).toEqual(new Array(8).fill(TRAILHEAD_STATE.noSignal))
    expect(Array.from(r.state.subarray(8))).toEqual([1, 1, 3, 1])
    expect(r.pressure[10]).toBeCloseTo(0.9, 15)
    expect(r.events).toEqual([{ bar: 10, kind: 'fire', reason: 'pressure and fragility lit' }])
  })

  it("log, don't fire: one index lit alone is logged, never fired", () => {
    const r = trailhead(small('A'), inputs(small('A'), spikeAt(10), flat()), T)
    expect(r.state[10]).toBe(TRAILHEAD_STATE.log)
    expect(r.events).toEqual([{ bar: 10, kind: 'log', reason: 'pressure lit alone' }])
    const f = trailhead(small('A'), inputs(small('A'), flat(), spikeAt(9)), T)
    expect(f.events).toEqual([{ bar: 9, kind: 'log', reason: 'fragility lit alone' }])
  })

  it('preset B needs a clear One-Way path: both lit with a weak path is logged', () => {
    const p = small('B')
    const weak = Float64Array.from({ length: T }, () => 0.3)
    const r = trailhead(p, inputs(p, spikeAt(10), spikeAt(10)), T, weak)
    expect(r.events).toEqual([{ bar: 10, kind: 'log', reason: 'One-Way 0.30 below 0.4' }])
    const clear = trailhead(p, inputs(p, spikeAt(10), spikeAt(10)), T, Float64Array.from({ length: T }, () => 0.6))
    expect(clear.events).toEqual([{ bar: 10, kind: 'fire', reason: 'pressure and fragility lit with a One-Way path' }])
    expect(() => trailhead(p, inputs(p, flat(), flat()), T)).toThrow('preset B needs a One-Way confidence series of 12 bars (got none)')
  })

  it('preset C: z-scores on a noisy baseline; the spike is +1σ and more', () => {
    const p = small('C')
    const base = (t: number): number => (t % 2) * 0.1
    const r = trailhead(p, inputs(p, spikeAt(10, base), spikeAt(10, base)), T, Float64Array.from({ length: T }, () => 1))
    expect(r.pressure[10]).toBeGreaterThanOrEqual(1)
    expect(r.state[10]).toBe(TRAILHEAD_STATE.fire)
    // Bar 9 is an upswing of the 0/0.1 baseline: far enough for Fragility's +0.5σ, not for
    // Pressure's +1.0σ — logged, not fired (the asymmetric thresholds at work).
    expect(r.fragility[9]).toBeGreaterThanOrEqual(0.5)
    expect(r.pressure[9]).toBeLessThan(1)
    expect(r.state[9]).toBe(TRAILHEAD_STATE.log)
  })

  it('a missing component value gives no signal while it is in the window; a missing component is an error', () => {
    const p = small('A')
    const x = spikeAt(10)
    x[9] = Number.NaN
    const r = trailhead(p, inputs(p, x, spikeAt(10)), T)
    expect(r.state[9]).toBe(TRAILHEAD_STATE.noSignal)
    expect(r.state[10]).toBe(TRAILHEAD_STATE.noSignal)
    expect(() => trailhead(p, { gamma: flat() }, T)).toThrow("preset A pressure needs component 'ofi' (have: gamma)")
  })

  it('no look-ahead: changing bars after t never changes bar t’s indices or state (property)', () => {
    const p = { ...TRAILHEAD_PRESETS.C, window: 6 }
    const n = 40
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n }),
        fc.integer({ min: 0, max: n - 2 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (a, b, cut, v) => {
          const one = Float64Array.from({ length: n }, (_, t) => 0.5 + 0.1 * Math.sin(t))
          const run = (pa: number[], pb: number[]) => trailhead(p, inputs(p, Float64Array.from(pa), Float64Array.from(pb)), n, one)
          const base = run(a, b)
          const changed = run(a.map((x, t) => (t > cut ? v : x)), b.map((x, t) => (t > cut ? -v : x)))
          for (let t = 0; t <= cut; t++) {
            if (!Object.is(base.pressure[t], changed.pressure[t]) || !Object.is(base.fragility[t], changed.fragility[t])) return false
            if (base.state[t] !== changed.state[t]) return false
          }
          return true
        }
      ),
      { numRuns: 100, seed: 24 }
    )
  })
})
