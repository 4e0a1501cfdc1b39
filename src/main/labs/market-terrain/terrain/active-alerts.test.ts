import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lcgNoise } from '../test-support'
import { ActiveAlertRecord } from './active-alerts'
import { TerrainParams } from './params'
import { TerrainScanner } from './scanner'

// The scanner's per-bar alert state and per-edge hardness against a brute force written from
// the definitions, not from the scanner's recursions: each pair's whole correlation history is
// kept, and at every bar its EWMA norm and σ are summed out in closed form —
//   weights over the h values seen: w_0 = dʰ⁻¹ (the seed value), w_k = (1 − d)·dʰ⁻¹⁻ᵏ (k ≥ 1),
//   m = Σ w_k ρ_k,  σ² = Σ w_k (ρ_k − m)² / (1 − dʰ⁻¹)
// (West's EWMA variance is exactly this weighted sum; 1 − dʰ⁻¹ is its start-up weight mass).
// A pair is active at bar t when alerts are armed and |ρ_t − m_{t−1}| > k·σ_{t−1}; it entered at
// the first bar of its current run of active bars; edge hardness is 1/(1 + σ_t/scale).

/** Two blocks of assets whose partners swap at `split`, with noise from a seeded LCG: fault lines by construction. */
function returns(bars: number, n: number, split: number, seed: number): Float64Array {
  const R = new Float64Array(bars * n)
  const noise = lcgNoise(seed)
  for (let t = 0; t < bars; t++) {
    const f = [noise(), noise()]
    for (let i = 0; i < n; i++) R[t * n + i] = f[(t >= split ? i % 2 : i < n / 2 ? 0 : 1)]! + 0.6 * noise()
  }
  return R
}

interface Norm {
  mean: number
  sd: number
}

/** The closed-form EWMA norm of a history (see the header). */
function norm(history: readonly number[], decay: number): Norm {
  const h = history.length
  const weight = (k: number) => (k === 0 ? decay ** (h - 1) : (1 - decay) * decay ** (h - 1 - k))
  let mean = 0
  for (let k = 0; k < h; k++) mean += weight(k) * history[k]!
  let v = 0
  for (let k = 0; k < h; k++) v += weight(k) * (history[k]! - mean) ** 2
  return { mean, sd: h < 2 ? 0 : Math.sqrt(v / (1 - decay ** (h - 1))) }
}

/** Steps a scanner over R and checks every bar's active pairs and edge hardness against the brute force. */
function checkAgainstBruteForce(n: number, bars: number, params: TerrainParams, R: Float64Array): { activeBars: number; pairBars: number } {
  const scanner = new TerrainScanner(n, params, { activeLimit: 1_000_000 })
  const decay = 2 ** (-1 / params.fault_history_half_life)
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j])
  const history = pairs.map(() => [] as number[])
  const since = pairs.map(() => -1)
  const hardness = new Float64Array(pairs.length)
  let readBars = 0
  let activeBars = 0
  let pairBars = 0
  for (let t = 0; t < bars; t++) {
    const r = scanner.step(R, t * n)
    if (!r.ready) {
      expect(scanner.activePairs(t).z).toHaveLength(0)
      continue
    }
    readBars++
    const armed = readBars > params.fault_min_history
    const expected = new Map<string, { z: number; entered: number }>()
    const borderline = new Set<string>()
    pairs.forEach(([i, j], p) => {
      const rho = r.correlation[i * n + j]!
      const before = norm(history[p]!, decay)
      history[p]!.push(rho)
      const z = before.sd > 1e-9 ? (rho - before.mean) / before.sd : 0
      const on = armed && before.sd > 1e-9 && Math.abs(z) > params.fault_sigma
      if (Math.abs(Math.abs(z) - params.fault_sigma) < 1e-9) borderline.add(`${i}-${j}`)
      if (!on) since[p] = -1
      else {
        if (since[p] === -1) since[p] = t
        expected.set(`${i}-${j}`, { z, entered: since[p]! })
      }
    })
    const got = scanner.activePairs(t)
    const seen = new Map<string, { z: number; entered: number }>()
    for (let k = 0; k < got.z.length; k++) seen.set(`${got.i[k]}-${got.j[k]}`, { z: got.z[k]!, entered: got.entered[k]! })
    for (const key of borderline) {
      expected.delete(key)
      seen.delete(key)
    }
    expect([...seen.keys()].sort(), `active pairs at bar ${t}`).toEqual([...expected.keys()].sort())
    for (const [key, e] of expected) {
      expect(seen.get(key)!.entered, `entry bar of ${key} at ${t}`).toBe(e.entered)
      expect(Math.abs(seen.get(key)!.z - e.z), `σ-distance of ${key} at ${t}`).toBeLessThan(1e-9 * (1 + Math.abs(e.z)))
    }
    expect(got.z.length).toBe(r.alertsActive)
    expect(scanner.activeComplete(t)).toBe(true)
    if (expected.size > 0) activeBars++
    pairBars += expected.size

    scanner.edgeHardness(hardness)
    const hard = readBars > params.hardness_min_history
    pairs.forEach((_, p) => {
      if (!hard) expect(hardness[p]).toBeNaN()
      else expect(Math.abs(hardness[p]! - 1 / (1 + norm(history[p]!, decay).sd / params.edge_hardness_scale))).toBeLessThan(1e-12)
    })
  }
  return { activeBars, pairBars }
}

describe('active fault pairs and per-edge hardness', () => {
  it('equal a closed-form brute force at every bar, over seeds and parameters (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          n: fc.integer({ min: 3, max: 7 }),
          short: fc.integer({ min: 10, max: 25 }),
          halfLife: fc.integer({ min: 10, max: 80 }),
          minHistory: fc.integer({ min: 1, max: 30 }),
          hardHistory: fc.integer({ min: 1, max: 30 }),
          sigma: fc.double({ min: 1, max: 2.5, noNaN: true }),
          split: fc.integer({ min: 60, max: 140 })
        }),
        ({ seed, n, short, halfLife, minHistory, hardHistory, sigma, split }) => {
          const bars = 180
          const params = TerrainParams.parse({ short_window: short, long_window: 2 * short, fault_history_half_life: halfLife, fault_min_history: minHistory, hardness_min_history: hardHistory, fault_sigma: sigma, pca_components: 2, hardness_components: 2, absorption_components: 2, watersheds: 2, precision_every: 50 })
          checkAgainstBruteForce(n, bars, params, returns(bars, n, split, seed))
        }
      ),
      { numRuns: 12, seed: 20261206 }
    )
  })

  it('holds pairs that stay active across bars with the bar they entered (a fixed case with many alerts)', () => {
    const n = 6
    const params = TerrainParams.parse({ short_window: 20, long_window: 60, fault_history_half_life: 60, fault_min_history: 20 })
    const { activeBars, pairBars } = checkAgainstBruteForce(n, 260, params, returns(260, n, 150, 777))
    // The break at bar 150 holds several pairs beyond 2σ for many bars: the record is not trivially empty.
    expect(activeBars).toBeGreaterThan(30)
    expect(pairBars).toBeGreaterThan(2 * activeBars)
  })

  it('marks the bars from the one that overflows its limit as incomplete, and keeps the earlier ones whole', () => {
    const record = new ActiveAlertRecord(5)
    record.open(0)
    record.push(0, 1, 2.5, 0)
    record.open(2) // bar 1 held nothing
    record.push(0, 2, -3, 2)
    record.push(1, 2, 2.2, 2)
    record.open(3)
    record.push(0, 2, -3.1, 2)
    record.push(1, 2, 2.3, 2)
    record.push(3, 4, 2.9, 3)
    expect(record.length).toBe(4)
    expect(Array.from(record.at(0).z)).toEqual([2.5])
    expect(record.at(1).z).toHaveLength(0)
    expect(Array.from(record.at(2).j)).toEqual([2, 2])
    expect(Array.from(record.at(3).entered)).toEqual([2, 2])
    expect([0, 1, 2].map((t) => record.complete(t))).toEqual([true, true, true])
    expect(record.complete(3)).toBe(false)
    expect(record.at(7).z).toHaveLength(0)
  })

  it('is refused on a scanner that keeps no per-bar record', () => {
    const scanner = new TerrainScanner(3, TerrainParams.parse({ short_window: 5, long_window: 10 }))
    expect(() => scanner.activePairs(0)).toThrow('the scanner keeps no alert state per bar: build it with options.activeLimit')
  })
})
