import { describe, expect, it } from 'vitest'
import fixture from './__fixtures__/wiring.json'
import { flowCapture, meanSurprise, topDecile, windowStats } from './evaluation'
import { PROXIES, statePath, trailheadComponents, triggerCounts } from './state-path'
import { TRAILHEAD_PRESETS } from './state'

// Surprise, Flow Capture and the window figures against NumPy (tools/market-terrain/wiring-reference.py
// writes __fixtures__/wiring.json: inputs drawn there, outputs from the definitions, not the TypeScript).

const f = fixture.flowCapture

describe('Flow Capture (seed L1571: your P&L vs the top decile along the predicted path)', () => {
  it('matches NumPy on the path return, the strategy return over the same bars and their difference', () => {
    const r = flowCapture(Float64Array.from(f.equity), Float64Array.from(f.logReturns), Float32Array.from(f.net), f.n, f.from, f.to, f.year)
    expect(r.bars).toBe(f.scored)
    expect(r.pathReturn).toBeCloseTo(f.pathReturn, 12)
    expect(r.strategyReturn).toBeCloseTo(f.strategyReturn, 12)
    expect(r.flowCapture).toBeCloseTo(f.flowCapture, 12)
  })

  it('takes ⌈n/10⌉ assets with positive flow only, and scores nothing when no flow is predicted', () => {
    const net = Float32Array.of(0.1, 0.5, -0.2, 0.5, 0, 0.3, 0.2, 0.1, 0.05, 0.01, 0.02, -1)
    expect(topDecile(net, 12, 0)).toEqual([1, 3])
    expect(topDecile(new Float32Array(4).fill(-1), 4, 0)).toEqual([])
    const none = flowCapture(Float64Array.of(1, 1.01, 1.02), new Float64Array(6), new Float32Array(6), 2, 0, 3, 252)
    expect(none).toEqual({ bars: 0, pathReturn: null, strategyReturn: null, flowCapture: null })
  })

  it('is zero when the book is the path: holding the top decile each bar captures exactly its return', () => {
    const n = 3
    const logReturns = Float64Array.from({ length: 30 * n }, (_, k) => Math.sin(k) / 100)
    const net = Float32Array.from({ length: 30 * n }, (_, k) => ((k * 7) % n === 1 ? 1 : -0.5))
    const equity = new Float64Array(30).fill(1)
    for (let t = 0; t + 1 < 30; t++) {
      const top = topDecile(net, n, t)[0]!
      equity[t + 1] = equity[t]! * (1 + Math.expm1(logReturns[(t + 1) * n + top]!))
    }
    expect(flowCapture(equity, logReturns, net, n, 0, 30, 252).flowCapture).toBeCloseTo(0, 12)
  })
})

describe('window figures of the walk-forward folds', () => {
  it('match NumPy: return from the bar before the window, Sharpe with ddof 1, max drawdown inside', () => {
    const w = windowStats(Float64Array.from(f.equity), fixture.window.from, fixture.window.to, f.year)
    expect(w.totalReturn).toBeCloseTo(fixture.window.totalReturn, 12)
    expect(w.sharpe).toBeCloseTo(fixture.window.sharpe, 10)
    expect(w.maxDrawdown).toBeCloseTo(fixture.window.maxDrawdown, 12)
  })
})

describe('state path (Kalman on [risk, momentum], Surprise, forecast ellipse)', () => {
  const k = fixture.kalman
  const T = k.observations.length / 2
  const obs = Float64Array.from(k.observations, (x) => (x === null ? Number.NaN : x))
  const flat = (value: number) => new Float64Array(T).fill(value)
  const components = trailheadComponents({ termRatio: flat(1), momentum: flat(0), absorption: flat(0.5), alertShare: flat(0), volOfVol: flat(0), meanVol: flat(0.01) })
  const path = (lag: 0 | 1) => statePath(obs, components, flat(0.5), { phi: k.phi, obsNoise: k.obsNoise, trailheadPreset: 'A', trailheadWindow: 10, surpriseLag: lag })

  it('scores Surprise as NumPy does: lag 0 against the state just read, lag 1 against the next observation', () => {
    for (const [lag, want] of [[0, k.surpriseLag0], [1, k.surpriseLag1]] as const) {
      const got = path(lag).surprise
      want.forEach((x, t) => (x === null ? expect(got[t], `bar ${t}`).toBeNaN() : expect(got[t]!, `bar ${t}`).toBeCloseTo(x, 10)))
    }
  })

  it('gives the 95 % forecast ellipse of every bar as NumPy’s eigh does', () => {
    const e = path(1).ellipse
    k.ellipse.forEach(([cx, cy, major, minor], t) => {
      expect(e[5 * t]!).toBeCloseTo(cx!, 12)
      expect(e[5 * t + 1]!).toBeCloseTo(cy!, 12)
      expect(e[5 * t + 2]!).toBeCloseTo(major!, 10)
      expect(e[5 * t + 3]!).toBeCloseTo(minor!, 10)
    })
  })

  it('feeds every component the three presets name, and a flat market never fires', () => {
    for (const preset of Object.values(TRAILHEAD_PRESETS)) for (const w of [...preset.pressure, ...preset.fragility]) expect(Object.keys(PROXIES)).toContain(w.component)
    expect(triggerCounts(path(1).trigger).fires).toBe(0)
  })

  it('averages Surprise over the scored bars only', () => {
    expect(meanSurprise(Float64Array.of(Number.NaN, 1, 3, Number.NaN), 0, 4)).toBe(2)
    expect(meanSurprise(Float64Array.of(Number.NaN), 0, 1)).toBeNull()
  })
})
