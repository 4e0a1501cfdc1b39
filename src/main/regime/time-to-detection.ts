import { Xoshiro128 } from '../engine/rng'
import type { SwitchDetection } from './evaluation'

// A fair time to detection (issue 20 item 2). The mean delay over every detected switch scores
// a switch into stress that the classifier was already calling stress on the bar before as
// 0 bars: a classifier that stays in stress (many false alarms) looks fast without detecting
// anything. Here the delay counts only switches "met while calm" (the classifier called the old
// regime on the bar before), the already-flagged ones are counted apart ("pre-flagged"), and
// the misses too. Across seeds the delays are pooled, with a bootstrap over seeds (seeded, so
// the same seeds give the same interval) that says when two classifiers are not distinguishable.

/** How a classifier met the true switches in one direction on one series. */
export interface DetectionSummary {
  switches: number
  /** Detected before the next true switch, pre-flagged ones included (the legacy count). */
  detected: number
  /** Never called before the next true switch. */
  missed: number
  /** Already called the new regime on the bar before the switch: no detection credit. */
  preFlagged: number
  /** Met while the classifier called the old regime on the bar before the switch. */
  metCalm: number
  /** Of those met while calm, how many were detected, and the sum of their delays (bars). */
  detectedFromCalm: number
  delaySumFromCalm: number
  /** Legacy: mean delay over every detected switch, pre-flagged ones as 0 — rewards staying in stress. */
  legacyMeanDelay: number | null
}

/** Summary of the switches in one direction (by default into stress). */
export function summarizeDetections(detections: readonly SwitchDetection[], direction: SwitchDetection['direction'] = 'to_stress'): DetectionSummary {
  const target = direction === 'to_stress' ? 1 : 0
  const s: DetectionSummary = { switches: 0, detected: 0, missed: 0, preFlagged: 0, metCalm: 0, detectedFromCalm: 0, delaySumFromCalm: 0, legacyMeanDelay: null }
  let legacySum = 0
  for (const d of detections) {
    if (d.direction !== direction) continue
    s.switches++
    if (d.delay === null) s.missed++
    else {
      s.detected++
      legacySum += d.delay
    }
    if (d.calledBefore === target) s.preFlagged++
    else if (d.calledBefore === 1 - target) {
      s.metCalm++
      if (d.delay !== null) {
        s.detectedFromCalm++
        s.delaySumFromCalm += d.delay
      }
    }
  }
  s.legacyMeanDelay = s.detected === 0 ? null : legacySum / s.detected
  return s
}

/** Mean delay over the switches met while calm and detected; null when there is none. */
export function fairMeanDelay(s: Pick<DetectionSummary, 'detectedFromCalm' | 'delaySumFromCalm'>): number | null {
  return s.detectedFromCalm === 0 ? null : s.delaySumFromCalm / s.detectedFromCalm
}

/** The fair time to detection of one classifier over held-out seeds, as the comparison rows carry it. */
export interface FairDetectionFields {
  /** Mean bars to detect a switch into stress met while calm, pooled over the seeds' switches. */
  ttd_from_calm: number | null
  /** Its 95 % percentile bootstrap interval over seeds. */
  ttd_from_calm_ci: [number, number] | null
  switches_from_calm: number
  detected_from_calm: number
  pre_flagged: number
  missed: number
}

/** Pools per-seed summaries of the switches into stress into the comparison row's fields. */
export function fairDetectionFields(perSeed: readonly DetectionSummary[], options?: BootstrapOptions): FairDetectionFields {
  const total = (k: 'metCalm' | 'detectedFromCalm' | 'delaySumFromCalm' | 'preFlagged' | 'missed'): number => perSeed.reduce((a, s) => a + s[k], 0)
  return {
    ttd_from_calm: fairMeanDelay({ detectedFromCalm: total('detectedFromCalm'), delaySumFromCalm: total('delaySumFromCalm') }),
    ttd_from_calm_ci: bootstrapFairDelay(perSeed, options),
    switches_from_calm: total('metCalm'),
    detected_from_calm: total('detectedFromCalm'),
    pre_flagged: total('preFlagged'),
    missed: total('missed')
  }
}

export interface BootstrapOptions {
  resamples?: number
  /** Two-sided coverage of the percentile interval. */
  level?: number
  seed?: number
}

/**
 * Percentile bootstrap over seeds of the pooled fair mean delay: resample the seeds with
 * replacement, pool the delays of the switches met while calm, take the mean; resamples with
 * no such switch are skipped. Deterministic for a given seed (Xoshiro128, no Math.random).
 * Null when fewer than two seeds have a delay (no spread to resample).
 */
export function bootstrapFairDelay(perSeed: readonly DelayCounts[], options: BootstrapOptions = {}): [number, number] | null {
  if (perSeed.filter((s) => s.detectedFromCalm > 0).length < 2) return null
  return seedBootstrap(perSeed.length, options, (draw) => pooledMean(perSeed, draw))
}

type DelayCounts = Pick<DetectionSummary, 'detectedFromCalm' | 'delaySumFromCalm'>

/** The pooled fair mean delay over the drawn seeds (a seed drawn twice counts twice); null when none has a delay. */
function pooledMean(perSeed: readonly DelayCounts[], draw: Int32Array): number | null {
  let sum = 0
  let count = 0
  for (const k of draw) {
    sum += perSeed[k]!.delaySumFromCalm
    count += perSeed[k]!.detectedFromCalm
  }
  return count > 0 ? sum / count : null
}

/**
 * Percentile bootstrap over n seeds: each resample draws n seed indices with replacement
 * (Xoshiro128 from the seed, so deterministic) and computes the statistic on them; a null
 * statistic skips the resample. Null when every resample was skipped.
 */
function seedBootstrap(n: number, options: BootstrapOptions, statistic: (draw: Int32Array) => number | null): [number, number] | null {
  const { resamples = 2000, level = 0.95, seed = 20 } = options
  const rng = new Xoshiro128(seed)
  const draw = new Int32Array(n)
  const values = new Float64Array(resamples)
  let m = 0
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = Math.floor(rng.nextDouble() * n)
    const value = statistic(draw)
    if (value !== null) values[m++] = value
  }
  if (m === 0) return null
  const sorted = values.subarray(0, m).sort()
  return [quantile(sorted, (1 - level) / 2), quantile(sorted, 1 - (1 - level) / 2)]
}

/** Linear-interpolated quantile of sorted values (NumPy's default, "linear"). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

/**
 * Paired percentile bootstrap over seeds of (a − b) pooled fair mean delay: both classifiers
 * ran on the same seeds, so each resample draws seed indices once and pools both on them —
 * the seed-to-seed spread they share cancels, sharper than comparing two separate intervals.
 * Resamples where either has no delay are skipped. Deterministic for a given seed; null unless
 * the two lists pair up and at least two seeds give each classifier a delay.
 */
export function pairedBootstrapDelayDifference(a: readonly DelayCounts[], b: readonly DelayCounts[], options: BootstrapOptions = {}): [number, number] | null {
  const n = a.length
  if (b.length !== n) throw new RangeError(`paired bootstrap: ${n} seeds against ${b.length}`)
  const withDelay = (xs: readonly DelayCounts[]): number => xs.filter((s) => s.detectedFromCalm > 0).length
  if (withDelay(a) < 2 || withDelay(b) < 2) return null
  return seedBootstrap(n, options, (draw) => {
    const [ma, mb] = [pooledMean(a, draw), pooledMean(b, draw)]
    return ma === null || mb === null ? null : ma - mb
  })
}

/** Whether the first classifier detects first: its (first − second) delay interval lies wholly below 0, wholly above, or straddles it. */
export type DetectsFirst = 'yes' | 'no' | 'not_distinguishable'

export function detectsFirst(difference: readonly [number, number] | null): DetectsFirst {
  if (difference && difference[1] < 0) return 'yes'
  if (difference && difference[0] > 0) return 'no'
  return 'not_distinguishable'
}

/** On a baseline's row: the SSM against it on the same seeds. */
export interface PairedAgainstSsm {
  /** 95 % paired seed-bootstrap interval of (SSM − this classifier) fair delay, bars; null on the SSM's own row. */
  ssm_minus_ttd_ci: [number, number] | null
  /** Whether the SSM detects switches met while calm sooner than this classifier; null on the SSM's own row. */
  ssm_detects_first: DetectsFirst | null
}

/** The paired verdict of the SSM against one classifier (none against itself). */
export function pairedAgainstSsm(classifier: string, ssm: readonly DelayCounts[], other: readonly DelayCounts[], options?: BootstrapOptions): PairedAgainstSsm {
  if (classifier === 'ssm') return { ssm_minus_ttd_ci: null, ssm_detects_first: null }
  const ci = pairedBootstrapDelayDifference(ssm, other, options)
  return { ssm_minus_ttd_ci: ci, ssm_detects_first: detectsFirst(ci) }
}
