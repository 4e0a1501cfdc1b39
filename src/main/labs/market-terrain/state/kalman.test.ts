import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_KALMAN, type KalmanParams, type Mat2, forecast, forecastEllipse, kalmanFilter, predict, update } from './kalman'

// NumPy reference: tools/market-terrain/reference.py (textbook predict/update with (I−KH)P,
// np.linalg.solve, np.linalg.eigh and scipy.stats.chi2.ppf(0.95, 2) for the ellipse).
interface Fixture {
  provenance: Record<string, string>
  kalman: {
    params: { phi: number[]; mu: number[]; Q: number[]; H: number[]; R: number[] }
    init: { m: number[]; P: number[] }
    z: Array<number | null>
    means: number[]
    covs: number[]
    forecasts: number[]
    forecastCovs: number[]
    surprise: Array<number | null>
    ellipse: { semiMajor: number; semiMinor: number; angle: number; chi2_95_2dof: number }
  }
}
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'reference.json'), 'utf8')) as Fixture
const k = fx.kalman
const params: KalmanParams = {
  phi: k.params.phi as unknown as Mat2,
  mu: [k.params.mu[0]!, k.params.mu[1]!],
  Q: k.params.Q as unknown as Mat2,
  H: k.params.H as unknown as Mat2,
  R: k.params.R as unknown as Mat2
}
const init = { m: [0, 0] as [number, number], P: [1, 0, 0, 1] as [number, number, number, number] }

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `index ${i}`).toBeLessThanOrEqual(tol)
}

describe('2-D Kalman filter on [risk, momentum]', () => {
  it('matches the NumPy reference: filtered state, covariance, one-step forecast, surprise (with two missing bars)', () => {
    expect(fx.provenance.generator).toBe('tools/market-terrain/reference.py')
    const z = Float64Array.from(k.z.map((v) => (v === null ? Number.NaN : v)))
    const path = kalmanFilter(z, params, init)
    close(path.means, k.means, 1e-12)
    close(path.covs, k.covs, 1e-12)
    close(path.forecasts, k.forecasts, 1e-12)
    close(path.forecastCovs, k.forecastCovs, 1e-12)
    k.surprise.forEach((s, t) => (s === null ? expect(path.surprise[t]).toBeNaN() : expect(path.surprise[t]).toBeCloseTo(s, 10)))
  })

  it('Surprise at bar t scores the forecast made at t − 1 against z_t, never the updated state (§7.7)', () => {
    const z = Float64Array.from(k.z.map((v) => (v === null ? 0 : v)))
    const path = kalmanFilter(z, params, init)
    for (const t of [1, 10, 40]) {
      const f = path.forecasts.subarray(2 * (t - 1), 2 * t)
      const P = path.forecastCovs.subarray(4 * (t - 1), 4 * t)
      const [h0, h1, h2, h3] = params.H
      const [r0, r1, , r3] = params.R
      const y0 = z[2 * t]! - (h0 * f[0]! + h1 * f[1]!)
      const y1 = z[2 * t + 1]! - (h2 * f[0]! + h3 * f[1]!)
      // S = H P Hᵀ + R, written out for this 2 × 2 case.
      const s00 = h0 * (h0 * P[0]! + h1 * P[2]!) + h1 * (h0 * P[1]! + h1 * P[3]!) + r0
      const s01 = h2 * (h0 * P[0]! + h1 * P[2]!) + h3 * (h0 * P[1]! + h1 * P[3]!) + r1
      const s11 = h2 * (h2 * P[0]! + h3 * P[2]!) + h3 * (h2 * P[1]! + h3 * P[3]!) + r3
      const det = s00 * s11 - s01 * s01
      expect(path.surprise[t]).toBeCloseTo((s11 * y0 * y0 - 2 * s01 * y0 * y1 + s00 * y1 * y1) / det, 10)
    }
  })

  it("the 95 % forecast ellipse matches eigh and χ²₂'s quantile", () => {
    const T = k.z.length / 2
    const P = k.forecastCovs.slice(4 * (T - 1)) as [number, number, number, number]
    const e = forecastEllipse({ m: [0, 0], P })
    expect(-2 * Math.log(0.05)).toBeCloseTo(k.ellipse.chi2_95_2dof, 12)
    expect(e.semiMajor).toBeCloseTo(k.ellipse.semiMajor, 12)
    expect(e.semiMinor).toBeCloseTo(k.ellipse.semiMinor, 12)
    expect(e.angle).toBeCloseTo(k.ellipse.angle, 12)
  })

  it('hand case: scalar-like filter with Φ = I, Q = 0, H = I, R = I halves the prior variance', () => {
    const p: KalmanParams = { phi: [1, 0, 0, 1], mu: [0, 0], Q: [0, 0, 0, 0], H: [1, 0, 0, 1], R: [1, 0, 0, 1] }
    const r = update(predict({ m: [0, 0], P: [1, 0, 0, 1] }, p), [2, -4], p)
    expect(r.state.m).toEqual([1, -2])
    expect(r.state.P).toEqual([0.5, 0, 0, 0.5])
    expect(r.surprise).toBe((4 + 16) / 2)
  })

  it('forecasts revert to μ and their covariance grows to the stationary one', () => {
    const s = { m: [2, -1] as [number, number], P: [0, 0, 0, 0] as [number, number, number, number] }
    const far = forecast(s, DEFAULT_KALMAN, 2000)
    expect(far.m[0]).toBeCloseTo(0, 12)
    // Q = (1 − φ²)·I makes the stationary variance exactly 1 per coordinate.
    expect(far.P[0]).toBeCloseTo(1, 10)
    expect(far.P[3]).toBeCloseTo(1, 10)
    const one = forecast(s, DEFAULT_KALMAN, 1)
    expect(one.m).toEqual([0.97 * 2, 0.97 * -1])
  })

  it('an ellipse of an isotropic covariance is a circle; a correlated one leans along the diagonal', () => {
    const c = forecastEllipse({ m: [1, 2], P: [4, 0, 0, 4] })
    expect(c.semiMajor).toBeCloseTo(2 * Math.sqrt(-2 * Math.log(0.05)), 12)
    expect(c.semiMinor).toBeCloseTo(c.semiMajor, 12)
    expect(forecastEllipse({ m: [0, 0], P: [1, 0.5, 0.5, 1] }).angle).toBeCloseTo(Math.PI / 4, 12)
  })

  it('bad parameters get a one-line error naming the field', () => {
    expect(() => kalmanFilter(new Float64Array(4), { ...DEFAULT_KALMAN, Q: [1, 2, 0, 1] }, init)).toThrow('kalman.Q must be symmetric')
    expect(() => kalmanFilter(new Float64Array(4), { ...DEFAULT_KALMAN, R: [-1, 0, 0, 1] }, init)).toThrow('kalman.R must be positive semi-definite')
    expect(() => kalmanFilter(new Float64Array(3), DEFAULT_KALMAN, init)).toThrow('observations must be T × 2 [risk, momentum] (got 3 values)')
  })
})
