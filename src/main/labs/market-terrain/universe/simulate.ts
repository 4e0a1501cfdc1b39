import { Generator } from '../../../engine/rng'
import { assetList, type AssetList } from './assets'
import { choleskyPsd, regimeCorrelation } from './blocks'
import { LAYER_NAMES, REGIME_NAMES, RISK_OFF, stayProbabilities, type UniverseParams } from './params'

// The simulated universe (spec §8 (a)–(b)): a two-state Markov regime chain with the seed's
// spell lengths; per bar, correlated Gaussian log returns whose correlation is the eroding
// mixture C_t = Σ_k w_k(t)·C_k of the regimes' block matrices; plus four Hawkes layers of
// bursts. Pure in (params, seed): one PCG64 stream drawn in a fixed order.
//
// Erosion keeps C_t exact without a Cholesky per bar: with independent z_k ~ N(0, I),
// e = Σ_k √w_k·L_k·z_k has covariance Σ_k w_k·L_k·L_kᵀ = C_t, and C_t stays a correlation
// matrix (unit diagonal, positive semi-definite) because the weights are convex.

export interface Universe {
  readonly assets: AssetList
  readonly n: number
  readonly bars: number
  /** Log returns, bar-major: returns[t·n + i] is asset i's return over bar t (bar 0 is 0). */
  readonly returns: Float64Array
  /** Closes from 100, bar-major like returns. */
  readonly closes: Float64Array
  /** The true regime per bar (index into REGIME_NAMES). */
  readonly regime: Uint8Array
  /** Weight of the risk_off block matrix in the correlation target per bar (the erosion state). */
  readonly offWeight: Float64Array
  /** Whether a drought (hardening) slowed erosion at the bar. */
  readonly drought: Uint8Array
  /** Hawkes bursts per bar and layer, bar-major over LAYER_NAMES. */
  readonly bursts: Uint16Array
  /** The regimes' block correlation matrices (row-major), risk_on then risk_off. */
  readonly targets: readonly [Float64Array, Float64Array]
}

/** Throws a one-line error when a regime's block matrix is not positive semi-definite. */
export function regimeFactors(params: UniverseParams, assets: AssetList): { C: [Float64Array, Float64Array]; L: [Float64Array, Float64Array] } {
  const n = assets.labels.length
  const C = REGIME_NAMES.map((r) => regimeCorrelation(params.correlation, r, assets)) as [Float64Array, Float64Array]
  const L = REGIME_NAMES.map((r, k) => choleskyPsd(C[k]!, n, `correlation blocks of ${r}`)) as [Float64Array, Float64Array]
  return { C, L }
}

export function simulateUniverse(params: UniverseParams, seed: number): Universe {
  const assets = assetList(params.assets)
  const n = assets.labels.length
  const T = params.bars
  const { C, L } = regimeFactors(params, assets)
  const rng = new Generator(seed)
  const dt = 1 / params.bars_per_year
  const stay = stayProbabilities(params.durations)

  // Per-class, per-regime drift and vol per bar.
  const classes = ['equity', 'bond', 'commodity', 'fx', 'crypto'] as const
  const mu = [new Float64Array(n), new Float64Array(n)]
  const sd = [new Float64Array(n), new Float64Array(n)]
  for (let i = 0; i < n; i++) {
    const cls = classes[assets.classOf[i]!]!
    for (let r = 0; r < 2; r++) {
      const name = REGIME_NAMES[r]!
      const vol = params.dynamics.vol[cls][name]
      sd[r]![i] = vol * Math.sqrt(dt)
      // A log drift: E[log return] per bar is the annual log drift times dt.
      mu[r]![i] = params.dynamics.drift[cls][name] * dt
    }
  }
  const equities: number[] = []
  for (let i = 0; i < n; i++) if (assets.classOf[i] === 0) equities.push(i)
  const droughtVar = (params.dynamics.vol.equity.risk_on * params.erosion.drought_vol_ratio) ** 2 * dt
  const volDecay = 2 ** (-1 / params.erosion.vol_half_life)
  const erosionRate = [1 - 2 ** (-1 / params.erosion.half_life.risk_on), 1 - 2 ** (-1 / params.erosion.half_life.risk_off)]

  const layers = LAYER_NAMES.map((name) => params.shocks[name])
  const layerDecay = layers.map((l) => 2 ** (-1 / l.half_life))
  const excitation = new Float64Array(layers.length)
  const groupCount = assets.groupNames.length
  const classMembers = classes.map((_, c) => {
    const m: number[] = []
    for (let i = 0; i < n; i++) if (assets.classOf[i] === c) m.push(i)
    return m
  })
  const presentClasses = classMembers.map((m, c) => (m.length > 0 ? c : -1)).filter((c) => c >= 0)

  const returns = new Float64Array(T * n)
  const closes = new Float64Array(T * n)
  const regime = new Uint8Array(T)
  const offWeight = new Float64Array(T)
  const drought = new Uint8Array(T)
  const bursts = new Uint16Array(T * layers.length)
  const z0 = new Float64Array(n)
  const z1 = new Float64Array(n)

  let r = params.durations.start === 'risk_off' ? RISK_OFF : 0
  let w = r // weight of the risk_off target, starting fully in the start regime's structure
  let indexVar = sd[0]![equities[0] ?? 0]! ** 2
  closes.fill(100, 0, n)
  regime[0] = r
  offWeight[0] = w
  for (let t = 1; t < T; t++) {
    if (rng.nextDouble() >= stay[r]!) r = 1 - r
    regime[t] = r
    const isDrought = r === 0 && equities.length > 0 && indexVar < droughtVar
    drought[t] = isDrought ? 1 : 0
    w += erosionRate[r]! * (isDrought ? params.erosion.drought_slowdown : 1) * (r - w)
    offWeight[t] = w
    for (let i = 0; i < n; i++) z0[i] = rng.standardNormal()
    for (let i = 0; i < n; i++) z1[i] = rng.standardNormal()
    const a = Math.sqrt(1 - w)
    const b = Math.sqrt(w)
    const row = t * n
    const L0 = L[0]
    const L1 = L[1]
    for (let i = 0; i < n; i++) {
      let e0 = 0
      let e1 = 0
      const base = i * n
      for (let k = 0; k <= i; k++) {
        e0 += L0[base + k]! * z0[k]!
        e1 += L1[base + k]! * z1[k]!
      }
      returns[row + i] = mu[r]![i]! + sd[r]![i]! * (a * e0 + b * e1)
    }
    // Hawkes bursts: events this bar ~ Poisson(baseline·m + excitation), each raising the
    // layer's intensity by α and decaying with its half-life.
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l]!
      const rate = layer.baseline * (r === RISK_OFF ? params.shocks.risk_off_multiplier : 1) + excitation[l]!
      const events = rate > 0 ? rng.poisson(rate) : 0
      bursts[t * layers.length + l] = Math.min(events, 65_535)
      for (let e = 0; e < events; e++) {
        const jump = layer.size * rng.standardNormal()
        if (layer.scope === 'market') for (let i = 0; i < n; i++) returns[row + i] = returns[row + i]! + jump
        else if (layer.scope === 'asset') {
          const i = rng.integers(0, n)
          returns[row + i] = returns[row + i]! + jump
        }
        else if (layer.scope === 'group') {
          const g = rng.integers(0, groupCount)
          for (let i = 0; i < n; i++) if (assets.groupOf[i] === g) returns[row + i] = returns[row + i]! + jump
        } else {
          const c = presentClasses[rng.integers(0, presentClasses.length)]!
          for (const i of classMembers[c]!) returns[row + i] = returns[row + i]! + jump
        }
      }
      excitation[l] = layerDecay[l]! * (excitation[l]! + layer.excitation * events)
    }
    let index = 0
    for (const i of equities) index += returns[row + i]!
    if (equities.length > 0) index /= equities.length
    indexVar = volDecay * indexVar + (1 - volDecay) * index * index
    for (let i = 0; i < n; i++) closes[row + i] = closes[row - n + i]! * Math.exp(returns[row + i]!)
  }
  return { assets, n, bars: T, returns, closes, regime, offWeight, drought, bursts, targets: C }
}
