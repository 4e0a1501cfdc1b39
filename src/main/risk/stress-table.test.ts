import { describe, expect, it } from 'vitest'
import { drawdownWindow, limitValues, worstPod } from './stress-table'

// The stress and limits tables' own numbers, on books small enough to check by hand.

describe('worst pod of a scenario', () => {
  // r = ½A + ½B = [0.05, −0.125, −0.075]: equity 1.05, 0.91875, 0.84984375; the peak after
  // step 0, the trough after step 2, drawdown 1 − 0.84984375/1.05 = 0.190625.
  const A = Float64Array.of(0.1, -0.2, 0.05)
  const B = Float64Array.of(0, -0.05, -0.2)

  it('finds the drawdown window from the peak to the trough', () => {
    const w = drawdownWindow(Float64Array.of(0.05, -0.125, -0.075))
    expect(w.peakAt).toBe(0)
    expect(w.troughAt).toBe(2)
    expect(w.maxDrawdown).toBeCloseTo(0.190625, 15)
  })

  it('names the pod whose weighted returns over that window sum lowest', () => {
    // A: ½(−0.2 + 0.05) = −0.075; B: ½(−0.05 − 0.2) = −0.125.
    const worst = worstPod([A, B], [0.5, 0.5])
    expect(worst?.pod).toBe(1)
    expect(worst?.loss).toBeCloseTo(0.125, 15)
  })

  it('is null on a path that never draws down', () => {
    expect(worstPod([Float64Array.of(0.01, 0.02)], [1])).toBeNull()
    expect(drawdownWindow(Float64Array.of(0.01, 0.02)).troughAt).toBe(-1)
  })
})

describe('what each limit measures before any acts', () => {
  it('reads weights, groups, leverage, correlation and drawdown off the book', () => {
    const p0 = Float64Array.of(0.1, -0.1, 0, 0.02)
    const p1 = p0.map((x) => 2 * x)
    const p2 = Float64Array.of(0, 0.01, -0.01, 0)
    const v = limitValues([0.5, 0.3, 0.2], { labs: ['a', 'a', 'b'], assetClasses: ['x', 'y', 'y'], leverage: [2, 1, 3], returns: [p0, p1, p2] })
    expect(v.maxPodWeight.value).toBe(0.5)
    expect(v.maxFamilyWeight.value).toBeCloseTo(0.8, 15)
    expect(v.maxAssetClassWeight.value).toBeCloseTo(0.5, 15)
    expect(v.maxPosition.value).toBe(1)
    expect(v.maxGross.value).toBeCloseTo(1.9, 15)
    // NumPy: np.corrcoef([p0, p1, p2]) — pods 0 and 1 are one series scaled, ρ = 1.
    expect(v.maxCorrelation.value).toBeCloseTo(1, 12)
    // NumPy: r = 0.5·p0 + 0.3·p1 + 0.2·p2; e = cumprod(1 + r); max(1 − e / running peak) = 0.109784
    expect(v.maxDrawdown.value).toBeCloseTo(0.109784, 12)
    // Constant leverage: the worst step is the first; no net series, no net value.
    expect(v.maxPosition.at).toBe(0)
    expect(v.maxNet).toEqual({ value: null, at: null })
  })

  it('reads single position, gross and net at their worst step over the history', () => {
    const r = new Float64Array(4)
    const leverage = [Float64Array.of(1, 3, 2, 1), 1, Float64Array.of(0, 0, 4, 0)]
    const net = [Float64Array.of(1, -3, 2, 1), -1, Float64Array.of(0, 0, -4, 0)]
    const v = limitValues([0.5, 0.3, 0.2], { labs: ['a', 'b', 'c'], assetClasses: ['x', 'y', 'z'], leverage, net, returns: [r, r, r] })
    // Pod exposures 0.5·(1, 3, 2, 1), 0.3, 0.2·(0, 0, 4, 0): the largest is 1.5 at step 1.
    expect(v.maxPosition).toEqual({ value: 1.5, at: 1 })
    // Gross 0.8, 1.8, 2.1, 0.8; net 0.2, −1.8, −0.1, 0.2 (its size is the measure).
    expect(v.maxGross.at).toBe(2)
    expect(v.maxGross.value).toBeCloseTo(2.1, 15)
    expect(v.maxNet.at).toBe(1)
    expect(v.maxNet.value).toBeCloseTo(1.8, 15)
  })

  it('reads single position on compound pods only and no gross when a pod is additive', () => {
    const r = new Float64Array(3)
    const pods = { labs: ['a', 'b'], assetClasses: ['x', 'y'], leverage: [Float64Array.of(1, 2, 0.5), 400], returns: [r, r] }
    // #1: 0.6 × 2 = 1.2 at step 1; #2 (0.4 × 400 lots) not read.
    const v = limitValues([0.6, 0.4], { ...pods, compound: [true, false] })
    expect(v.maxPosition).toEqual({ value: 1.2, at: 1 })
    expect(v.maxGross).toEqual({ value: null, at: null })
    const none = limitValues([0.6, 0.4], { ...pods, compound: [false, false] })
    expect(none.maxPosition).toEqual({ value: null, at: null })
  })
})
