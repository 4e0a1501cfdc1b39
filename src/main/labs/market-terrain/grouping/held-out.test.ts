import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../../../engine/rng'
import { type MethodComparison, compareGrouping, twoRegimeSeries } from '.'

// What each method measures on held-out data: fitted on seed 1's series, scored on seeds 2–6
// (2-regime Gaussian switching, 2,520 bars × 6 features, the seed's durations as daily p_stay;
// regime 1 is 1.5× wider). The figures are this code's measurements, pinned so a change that
// moves them is seen; the seed's "K-means 99 %+ accuracy" (L2142) is a claim being tested here.

function run(separation: number): Record<string, MethodComparison> {
  const train = twoRegimeSeries(new Xoshiro128(1), { separation })
  const heldOut = [2, 3, 4, 5, 6].map((s) => twoRegimeSeries(new Xoshiro128(s), { separation }))
  const out = compareGrouping(train, heldOut, new Xoshiro128(99))
  const byMethod = Object.fromEntries(out.map((m) => [m.method, m]))
  console.log(`separation ${separation}:`, out.map((m) => `${m.method} acc ${m.meanAccuracy.toFixed(4)} online ${m.meanOnlineAccuracy.toFixed(4)} delay ${m.meanDelay.toFixed(1)} false ${m.meanFalseSwitches} λ ${m.lambda ?? '—'} run ${m.scores.map((s) => s.onlinePersistence.meanRunLength.toFixed(0)).join('/')}`).join(' | '))
  return byMethod
}

describe('regime grouping on held-out seeds', () => {
  it('separation 1σ: the jump model and the HMM find the regimes, K-means does not reach the claimed 99 %', () => {
    const r = run(1)
    // Measured (this code, seeds 1 | 2–6, features clipped at ±3σ then z-scored): jump 0.9974 (λ = 10,
    // 7.4 false switches, online delay 1.7 bars), HMM 0.9991 (online delay 1.6 bars, 1.8 false
    // switches), K-means 0.8091 (386 false switches). Unclipped it was 0.9982 / 0.9992 / 0.8150.
    // λ = 10 is the tied λ of lowest validation loss (selectJumpPenalty); the middle of the tie
    // chose 50 before (0.9983, no false switch, delay 12.5 bars).
    expect(r.jump!.lambda).toBe(10)
    expect(r.jump!.meanAccuracy).toBeCloseTo(0.9974, 4)
    expect(r.jump!.meanFalseSwitches).toBeCloseTo(7.4, 1)
    expect(r.jump!.meanDelay).toBeCloseTo(1.7, 1)
    expect(r.hmm!.meanAccuracy).toBeCloseTo(0.9991, 4)
    expect(r.hmm!.meanDelay).toBeCloseTo(1.6, 1)
    expect(r.kmeans!.meanAccuracy).toBeCloseTo(0.8091, 4)
    expect(r.kmeans!.meanAccuracy).toBeLessThan(0.99)
    expect(r.kmeans!.meanFalseSwitches).toBeGreaterThan(100)
  })

  it('separation 2σ: K-means reaches 98 % but switches on noise; the persistent methods stay above 99.9 %', () => {
    const r = run(2)
    expect(r.kmeans!.meanAccuracy).toBeCloseTo(0.983, 4)
    expect(r.kmeans!.meanFalseSwitches).toBeCloseTo(39.6, 1)
    expect(r.jump!.meanAccuracy).toBeCloseTo(0.9998, 4)
    expect(r.hmm!.meanAccuracy).toBeCloseTo(0.9999, 4)
    // Persistence: the jump model's online runs are regime-length, K-means' a few dozen bars.
    const runs = (m: MethodComparison): number => m.scores.reduce((a, s) => a + s.onlinePersistence.meanRunLength, 0) / m.scores.length
    // (276 bars at λ = 10, the tied λ of lowest validation loss; 300+ at the λ = 50 the middle-of-tie rule took)
    expect(runs(r.jump!)).toBeGreaterThan(250)
    expect(runs(r.kmeans!)).toBeLessThan(40)
  })
})
