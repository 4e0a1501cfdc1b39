import { Xoshiro128 } from '../src/main/engine/rng'
import { assignNearest, fitHmm, fitJumpModel, hmmFilter, kmeans, standardise, twoRegimeSeries } from '../src/main/labs/market-terrain/grouping'
import { DEFAULT_KALMAN, type Gaussian2, kalmanFilter } from '../src/main/labs/market-terrain/state'
import { REPEATS, best } from './timing'

// `npm run bench`, market-terrain state and grouping: one fit of each regime-grouping method on
// 2,520 bars × 6 features (ten years of daily bars), and the Kalman filter per step, each as a
// ratio to a baseline measured in this same process: one nearest-centroid pass over the same bars
// (the irreducible unit every method repeats), and for the Kalman filter a bare AR(1) recursion.

const BARS = 2520
const FEATURES = 6
// The Kalman filter over the same 2,520 bars, repeated: per-step cost at the lab's size (a single
// million-step run would time page faults on its 14 output doubles a step instead).
const KALMAN_REPEATS = 400
const KALMAN_STEPS = BARS * KALMAN_REPEATS

export async function benchMarketTerrainState(): Promise<void> {
  const { features } = twoRegimeSeries(new Xoshiro128(1), { T: BARS, F: FEATURES })
  const z = standardise(features)
  const centroids = Float64Array.from({ length: 2 * FEATURES }, (_, i) => (i < FEATURES ? -0.5 : 0.5))
  let sink = 0
  const pass = await best(() => {
    for (let r = 0; r < 100; r++) sink += assignNearest(z, centroids, 2)[r]!
  })
  const baseline = pass / 100
  const rows: Array<[string, number, number]> = []
  const add = (name: string, seconds: number, base: number): void => void rows.push([name, seconds, seconds / base])
  add('baseline: one nearest-centroid pass', baseline, baseline)
  add('K-means, k-means++ × 100 restarts', await best(() => (sink += kmeans(z, 2, new Xoshiro128(2), { restarts: 100 }).inertia)), baseline)
  add('jump model λ = 50, 10 restarts', await best(() => (sink += fitJumpModel(z, 2, 50, new Xoshiro128(3)).objective)), baseline)
  add('Gaussian HMM fit + forward filter', await best(() => (sink += hmmFilter(z, fitHmm(z, 2, new Xoshiro128(4)).model).logLikelihood)), baseline)

  const obs = new Float64Array(2 * BARS)
  const rng = new Xoshiro128(5)
  for (let i = 0; i < obs.length; i++) obs[i] = rng.standardNormal()
  const bare = await best(() => {
    let a = 0
    let b = 0
    for (let r = 0; r < KALMAN_REPEATS; r++) {
      for (let t = 0; t < BARS; t++) {
        a = 0.97 * a + 0.1 * obs[2 * t]!
        b = 0.97 * b + 0.1 * obs[2 * t + 1]!
      }
    }
    sink += a + b
  })
  const init: Gaussian2 = { m: [0, 0], P: [1, 0, 0, 1] }
  const kalman = await best(() => {
    for (let r = 0; r < KALMAN_REPEATS; r++) sink += kalmanFilter(obs, DEFAULT_KALMAN, init).means[r]!
  })

  console.log(`\nmarket-terrain state and grouping — ${BARS.toLocaleString('en-US')} bars × ${FEATURES} features, best of ${REPEATS}`)
  console.log(`${'method'.padEnd(40)} ${'ms'.padStart(9)} ${'× baseline'.padStart(11)}`)
  for (const [name, s, r] of rows) console.log(`${name.padEnd(40)} ${(s * 1000).toFixed(2).padStart(9)} ${r.toFixed(1).padStart(11)}`)
  console.log(`Kalman 2-D filter: ${((kalman / KALMAN_STEPS) * 1e9).toFixed(0)} ns/step (× ${(kalman / bare).toFixed(1)} a bare AR(1) recursion, ${((bare / KALMAN_STEPS) * 1e9).toFixed(1)} ns/step)`)
  if (!Number.isFinite(sink)) console.log('(sink)', sink)
}
