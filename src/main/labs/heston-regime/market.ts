import type { LabInputs } from '../../engine/kernel'
import { Xoshiro128 } from '../../engine/rng'
import { computeFeatures, takens } from '../../regime/features'
import { rawStressSignal, type EarlyWarningRule } from '../../regime/early-warning'
import { filterSeries } from '../../regime/filter'
import { modelInference } from '../../regime/model-output'
import { DEFAULT_INFERENCE, walkForwardInference, type RegimeInference } from '../../regime/walk-forward'
import type { HestonRegimeConfig } from './config'

// The exogenous market, simulated up front from the seed (spec §1): the Heston path with its
// per-bar labels, the regime features, the classifier's P(stable) walked forward (or the
// regime model's, handed in as a run input) and the RegimeFilter over it. Everything here is
// pure in the config and the inputs; none of it depends on the book.

export const STABLE = 0
export const CRASH = 1
export const REGIME_NAMES: readonly string[] = Object.freeze(['stable', 'crash'])

/** The simulated path alone (what a classifier may read: prices; labels only for training bars). */
export interface HestonPath {
  n: number
  prices: Float64Array
  /** True ν_t as stored (may be < 0 with partial truncation, as in the book). */
  variance: Float64Array
  /** 0 = stable (bull), 1 = crash, per bar. */
  labels: Int8Array
  /** First bar of each new segment. */
  switchPoints: Int32Array
  /** The dt each bar was simulated with (faithful: 1/len(phase)). */
  dt: Float64Array
}

/** The whole exogenous market: path, features, regime inference and the filtered signal. */
export interface HestonRegimeMarket extends HestonPath {
  /** Simple returns P_t/P_{t−1} − 1 (0 at bar 0): what a long position earns at bar t. */
  returns: Float64Array
  features: Float64Array
  /** (P, ΔP, Var10) per bar, row-major [n × 3]. */
  takens: Float64Array
  inference: RegimeInference
  /** Raw stress signal per bar: 1 when P(stable) < p_flat, −1 before the first fit. */
  rawSignal: Int8Array
  /** RegimeFilter output per bar (−1 before the first fit). */
  filtered: Int8Array
}

/** A named stream from the seed: FNV-1a of the name mixed with the seed (no stream shares state). */
export function streamRng(seed: number, name: string): Xoshiro128 {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return new Xoshiro128((h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0)
}

interface PhaseParams {
  mu: number
  theta: number
  kappa: number
  xi: number
}

/**
 * spec §1.2, HestonGenerator.simulate exactly as coded: Z1, Z2 drawn as two arrays of `steps`
 * normals (Z[0] unused), W_v = ρZ1 + √(1−ρ²)Z2, plain Euler on S, v⁺ only inside √, both
 * steps from the t−1 variance. Writes prices/variance[offset … offset + steps).
 */
function simulatePhaseAsCoded(p: PhaseParams, rho: number, s0: number, v0: number, steps: number, dt: number, rng: Xoshiro128, out: { prices: Float64Array; variance: Float64Array }, offset: number): void {
  const z1 = new Float64Array(steps)
  const z2 = new Float64Array(steps)
  for (let i = 0; i < steps; i++) z1[i] = rng.standardNormal()
  for (let i = 0; i < steps; i++) z2[i] = rng.standardNormal()
  const sq = Math.sqrt(dt)
  const c = Math.sqrt(1 - rho * rho)
  out.prices[offset] = s0
  out.variance[offset] = v0
  for (let t = 1; t < steps; t++) {
    const s = out.prices[offset + t - 1]!
    const v = out.variance[offset + t - 1]!
    const wv = rho * z1[t]! + c * z2[t]!
    const vp = Math.max(v, 0)
    out.variance[offset + t] = v + p.kappa * (p.theta - v) * dt + p.xi * Math.sqrt(vp) * wv * sq
    out.prices[offset + t] = s + p.mu * s * dt + Math.sqrt(vp) * s * z1[t]! * sq
  }
}

/** spec §1.4 generate_regime_switch_data: bull phase, then crash from its last values (point duplicated). */
function simulateFaithful(c: HestonRegimeConfig): HestonPath {
  const n = c.n_steps
  const k = c.switching.switch_idx
  const prices = new Float64Array(n)
  const variance = new Float64Array(n)
  const dt = new Float64Array(n)
  const fixed = c.corrections.time_step === 'fixed_dt'
  // The book never passes T: each phase spans one year (dt = 1/steps), the bug `fixed_dt` removes.
  const dt1 = fixed ? c.dt : 1 / k
  const dt2 = fixed ? c.dt : 1 / (n - k)
  simulatePhaseAsCoded(c.heston.bull, c.heston.rho, c.heston.s0, c.heston.v0, k, dt1, streamRng(c.seed, 'heston.phase1'), { prices, variance }, 0)
  simulatePhaseAsCoded(c.heston.crash, c.heston.rho, prices[k - 1]!, variance[k - 1]!, n - k, dt2, streamRng(c.seed, 'heston.phase2'), { prices, variance }, k)
  dt.fill(dt1, 0, k).fill(dt2, k)
  const labels = new Int8Array(n).fill(CRASH, k)
  return { n, prices, variance, labels, switchPoints: Int32Array.of(k), dt }
}

/**
 * spec §1.6 [REC]: labels from a seeded two-state Markov chain (bar 0 bull), one dt per bar,
 * bar t stepped with the parameters of its own label; S and ν continuous at switches.
 * Full truncation stores v⁺ and uses log-Euler for S (never ≤ 0); partial keeps the book's step.
 */
function simulateMarkov(c: HestonRegimeConfig): HestonPath {
  const n = c.n_steps
  const labels = new Int8Array(n)
  const regimes = streamRng(c.seed, 'regimes')
  const switches: number[] = []
  for (let t = 1; t < n; t++) {
    const prev = labels[t - 1]!
    const p = prev === STABLE ? c.switching.p_bull_to_crash : c.switching.p_crash_to_bull
    labels[t] = regimes.nextDouble() < p ? 1 - prev : prev
    if (labels[t] !== prev) switches.push(t)
  }
  const rng = streamRng(c.seed, 'heston')
  const prices = new Float64Array(n)
  const variance = new Float64Array(n)
  const dt = c.dt
  const sq = Math.sqrt(dt)
  const rho = c.heston.rho
  const cr = Math.sqrt(1 - rho * rho)
  const full = c.corrections.variance_truncation === 'full'
  prices[0] = c.heston.s0
  variance[0] = c.heston.v0
  for (let t = 1; t < n; t++) {
    const p = labels[t] === CRASH ? c.heston.crash : c.heston.bull
    const z1 = rng.standardNormal()
    const wv = rho * z1 + cr * rng.standardNormal()
    const s = prices[t - 1]!
    const v = variance[t - 1]!
    const vp = Math.max(v, 0)
    const vNext = v + p.kappa * (p.theta - (full ? vp : v)) * dt + p.xi * Math.sqrt(vp) * wv * sq
    variance[t] = full ? Math.max(vNext, 0) : vNext
    prices[t] = full ? s * Math.exp((p.mu - vp / 2) * dt + Math.sqrt(vp) * sq * z1) : s + p.mu * s * dt + Math.sqrt(vp) * s * z1 * sq
  }
  return { n, prices, variance, labels, switchPoints: Int32Array.from(switches), dt: new Float64Array(n).fill(dt) }
}

export function simulatePath(config: HestonRegimeConfig): HestonPath {
  return config.corrections.switching === 'markov' ? simulateMarkov(config) : simulateFaithful(config)
}

/** classifier.kind "ssm" without the model's output: only main can run the model (inference service). */
export class SsmInputMissingError extends Error {
  constructor() {
    super('classifier.kind "ssm" needs the regime model\'s output, which the workstation and the CLI compute in the inference service before the run')
    this.name = 'SsmInputMissingError'
  }
}

/**
 * P(stable) per bar from the configured classifier. The baselines walk forward here, anchored
 * at start_bar (labels of the training bars supervise the rv fit); the regime model's output is
 * computed outside the engine (causal, trained on other seeds) and arrives as `inputs.regime`.
 */
export function classifyRegimes(path: HestonPath, features: Float64Array, c: HestonRegimeConfig, inputs: LabInputs): RegimeInference {
  if (c.classifier.kind === 'ssm') {
    if (!inputs.regime) throw new SsmInputMissingError()
    return modelInference(inputs.regime, path.n, c.strategy.start_bar)
  }
  return walkForwardInference(
    path.prices,
    {
      ...DEFAULT_INFERENCE,
      classifier: c.classifier.kind,
      normalisation: c.corrections.normalisation,
      start: c.strategy.start_bar,
      every: c.strategy.refit_every,
      seqLen: c.classifier.seq_len,
      hmmIterations: c.classifier.hmm_iterations,
      hmmRefitIterations: c.classifier.hmm_refit_iterations,
      rvTemperature: c.classifier.rv_temperature,
      bocpd: { hazardRunLength: c.classifier.bocpd_hazard_bars, maxRunLength: c.classifier.bocpd_max_run_length },
      msIterations: c.classifier.ms_iterations,
      msRefitIterations: c.classifier.ms_refit_iterations,
      oodPercentile: c.classifier.ood_percentile,
      labels: path.labels
    },
    features
  )
}

/**
 * Raw signal (P(stable) < p_flat → 1, or the regime model's early-warning rule when it has one)
 * and the RegimeFilter over it, from the first fit on.
 */
export function filterSignal(pStable: Float64Array, config: HestonRegimeConfig, earlyWarning?: EarlyWarningRule): { raw: Int8Array; filtered: Int8Array } {
  const s = config.strategy
  const raw = rawStressSignal(pStable, s.p_flat, earlyWarning)
  const options = config.corrections.hysteresis === 'asymmetric' ? { threshold: s.confirm_threshold, asymmetric: { exit: s.exit_threshold, entry: s.entry_threshold } } : { threshold: s.confirm_threshold }
  return { raw, filtered: filterSeries(raw, options) }
}

/**
 * The exogenous market up front, pure in the config and the inputs. The RegimeFilter depends
 * only on the classifier's output, never on the book, so running it here equals running it in
 * the loop.
 */
export function hestonRegimeMarket(config: HestonRegimeConfig, inputs: LabInputs = {}): HestonRegimeMarket {
  const path = simulatePath(config)
  const returns = new Float64Array(path.n)
  for (let t = 1; t < path.n; t++) returns[t] = path.prices[t]! / path.prices[t - 1]! - 1
  const features = computeFeatures(path.prices)
  const inference = classifyRegimes(path, features, config, inputs)
  const { raw, filtered } = filterSignal(inference.pStable, config, inference.earlyWarning)
  return { ...path, returns, features, takens: takens(path.prices), inference, rawSignal: raw, filtered }
}
