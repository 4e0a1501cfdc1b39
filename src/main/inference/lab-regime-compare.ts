import { findLab, planLab } from '../labs/execute'
import { CalibrationPool } from '../regime/calibration'
import { accuracy, downsideCapture, f1Stress, falseAlarmRate, maxDrawdownOf, paranoiaCost, sharpe, switchDetections } from '../regime/evaluation'
import { FEATURE_WARMUP, computeFeatures } from '../regime/features'
import { rawStressSignal, type EarlyWarningRule } from '../regime/early-warning'
import { filterSeries } from '../regime/filter'
import { fairDetectionFields, pairedAgainstSsm, summarizeDetections, type DetectionSummary, type FairDetectionFields, type PairedAgainstSsm } from '../regime/time-to-detection'
import { modelInference, type ModelRegimeOutput } from '../regime/model-output'
import { CLASSIFIERS, DEFAULT_INFERENCE, walkForwardFrame, walkForwardInference, type WalkForwardFrame } from '../regime/walk-forward'
import { COMPARED_CLASSIFIERS, type ComparedClassifier, type ComparisonRow } from './regime-compare'

// Every classifier on any lab's price series, scored against that lab's own calm/stress labels
// on held-out seeds (issue 20 item 3). heston-regime has its own comparison through its lab
// (regime-compare.ts); this one needs only a close series and labels, so it serves every lab
// that declares a price series. Each classifier drives the same long/flat rule on the series
// (the seed's sign-off: anchored walk-forward, one bar of latency, 0.1 % per flip).

/** One lab series: closes and their true labels (0 calm, 1 stress). */
export interface LabeledSeries {
  closes: Float64Array
  labels: Int8Array
}

/** The Heston comparison's row without Sortino (its OOD share: the bars the long/flat rule stood aside). */
export type LabComparisonRow = Omit<ComparisonRow, 'sortino'>

/**
 * A lab's price series and labels per seed, from a preset and overrides; refuses, naming the
 * lab, one without a price series or without true labels.
 */
export function labSeriesFor(lab: string, preset: string, overrides: Record<string, unknown>): (seed: number) => LabeledSeries {
  const priceSeries = findLab(lab).priceSeries
  if (!priceSeries) throw new RangeError(`${lab} trades no single price series the regime model could read`)
  return (seed) => {
    const { closes, labels } = priceSeries.series(planLab({ task: 'lab', lab, preset, overrides, seed }).config)
    if (!labels) throw new RangeError(`${lab}'s ${priceSeries.name} has no true regime labels to score against`)
    return { closes, labels }
  }
}

/** The seed's sign-off targets for the regime strategy (spec §5.7). */
export const SIGN_OFF = { downsideCaptureBelow: 0.2, sharpeAbove: 1.5 } as const

/** Fee per change of the long/flat position, and the decision latency in bars. */
const COST_PER_FLIP = 0.001
const LATENCY = 1
const HYSTERESIS = 3

/** The walk-forward start on a series of n bars: bar 1000 as the seed says, earlier on short series. */
export function compareStart(n: number): number {
  return Math.max(FEATURE_WARMUP + 2, Math.min(1000, Math.floor(0.4 * n)))
}

const mean = (xs: Array<number | null>): number | null => {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x))
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null
}

/** What the four baselines share on one series: its features and the walk-forward's normalisers and OOD radius. */
export interface SharedWalkForward {
  features: Float64Array
  frame: WalkForwardFrame
}

export function sharedWalkForward(closes: Float64Array, start: number): SharedWalkForward {
  const features = computeFeatures(closes)
  return { features, frame: walkForwardFrame(features, { ...DEFAULT_INFERENCE, start }) }
}

/**
 * P(stable) per bar from one classifier (NaN before its first fit), and whether each bar is out
 * of distribution. Without labels (a user's CSV) the rv threshold and BOCPD fit unsupervised.
 */
export function readOut(classifier: ComparedClassifier, closes: Float64Array, labels: Int8Array | null, start: number, model: ModelRegimeOutput | null, shared: SharedWalkForward): { pStable: Float64Array; outside: Uint8Array; earlyWarning?: EarlyWarningRule } {
  const inference =
    classifier === 'ssm'
      ? modelInference(model ?? fail('the regime model was not run on this series'), closes.length, start)
      : walkForwardInference(closes, { ...DEFAULT_INFERENCE, classifier: CLASSIFIERS.find((c) => c === classifier)!, start, ...(labels ? { labels } : {}) }, shared.features, shared.frame)
  const outside = Uint8Array.from(inference.oodDistance, (d, t) => (d > inference.oodRadius[t]! ? 1 : 0))
  return { pStable: inference.pStable, outside, ...(inference.earlyWarning ? { earlyWarning: inference.earlyWarning } : {}) }
}

function fail(message: string): never {
  throw new Error(message)
}

/** What the long/flat rule driven by one classifier did on a series, from the walk-forward start on. */
export interface LongFlatOutcome {
  /** The filtered read-out, 1 for stress, per bar from the start. */
  pred: number[]
  strategy: Float64Array
  benchmark: Float64Array
  equity: Float64Array
  /** Bars on which the input was out of distribution, so the rule stood aside. */
  stoodAside: number
}

/**
 * The long/flat rule on a series: long when the regime read at t − LATENCY was calm and in
 * distribution; flat in confirmed stress, out of distribution (the rule stands aside rather
 * than trade on a guess) and before the first fit; 0.1 % per flip. Needs no labels.
 */
export function longFlatRule(pStable: Float64Array, closes: Float64Array, start: number, outside?: Uint8Array, earlyWarning?: EarlyWarningRule): LongFlatOutcome {
  const n = closes.length
  const filtered = filterSeries(rawStressSignal(pStable, 0.5, earlyWarning), { threshold: HYSTERESIS })
  const pred = Array.from(filtered.subarray(start), (s) => (s === 1 ? 1 : 0))
  const strategy = new Float64Array(n - start)
  const benchmark = new Float64Array(n - start)
  const equity = new Float64Array(n - start)
  let position = 0
  let wealth = 1
  let stoodAside = 0
  for (let t = start; t < n; t++) {
    const r = closes[t]! / closes[t - 1]! - 1
    const read = filtered[t - LATENCY]!
    const guess = outside?.[t - LATENCY] === 1
    if (guess) stoodAside++
    const next = read === 0 && !guess ? 1 : 0
    const cost = next !== position ? COST_PER_FLIP : 0
    position = next
    strategy[t - start] = position * r - cost
    benchmark[t - start] = r
    wealth *= 1 + strategy[t - start]!
    equity[t - start] = wealth
  }
  return { pred, strategy, benchmark, equity, stoodAside }
}

/** One classifier on one series: the row's per-seed numbers, and how it met the switches into stress. */
type SeriesScore = Record<keyof Omit<LabComparisonRow, 'classifier' | 'reliability' | keyof FairDetectionFields | keyof PairedAgainstSsm>, number | null> & { detection: DetectionSummary }

/** Scores one classifier on one series: detection against the labels, and the long/flat rule it drives. */
export function scoreOnSeries(pStable: Float64Array, series: LabeledSeries, start: number, outside?: Uint8Array, earlyWarning?: EarlyWarningRule): SeriesScore {
  const n = series.closes.length
  const { pred, strategy, benchmark, equity, stoodAside } = longFlatRule(pStable, series.closes, start, outside, earlyWarning)
  const wealth = equity.length ? equity[equity.length - 1]! : 1
  const truth = Array.from(series.labels.subarray(start))
  const detection = summarizeDetections(switchDetections(pred, truth))
  const calibration = new CalibrationPool()
  calibration.addStableSeries(pStable, series.labels, start, n)
  return {
    accuracy: accuracy(pred, truth),
    f1_stress: f1Stress(pred, truth),
    mean_time_to_detection: detection.legacyMeanDelay,
    detection,
    detected: detection.detected,
    switches: detection.switches,
    false_alarms_per_1000_stable_bars: falseAlarmRate(pred, truth),
    downside_capture: downsideCapture(strategy, benchmark, truth),
    sharpe: sharpe(strategy),
    max_drawdown: maxDrawdownOf(equity),
    total_return: wealth - 1,
    paranoia_cost_10: paranoiaCost(strategy, benchmark, truth, 10),
    brier: calibration.result().brier,
    ood_share: n > start ? stoodAside / (n - start) : null
  }
}

/**
 * All classifiers on each series (one per held-out seed), averaged over the seeds; counts are
 * summed; calibration (Brier, reliability) is pooled over every scored bar of every seed. `runModel` gives the regime model's output on a series (in whichever process holds
 * its session).
 */
export async function compareOnLabSeries(
  seriesFor: (seed: number) => LabeledSeries,
  seeds: readonly number[],
  runModel: (closes: Float64Array) => Promise<ModelRegimeOutput>,
  onSeed?: (done: number, total: number) => void
): Promise<LabComparisonRow[]> {
  const perSeed = new Map<ComparedClassifier, Array<ReturnType<typeof scoreOnSeries>>>(COMPARED_CLASSIFIERS.map((c) => [c, []]))
  const pooled = new Map(COMPARED_CLASSIFIERS.map((c) => [c, new CalibrationPool()]))
  let done = 0
  for (const seed of seeds) {
    const series = seriesFor(seed)
    const start = compareStart(series.closes.length)
    const model = await runModel(series.closes)
    const shared = sharedWalkForward(series.closes, start)
    for (const classifier of COMPARED_CLASSIFIERS) {
      const { pStable, outside, earlyWarning } = readOut(classifier, series.closes, series.labels, start, model, shared)
      perSeed.get(classifier)!.push(scoreOnSeries(pStable, series, start, outside, earlyWarning))
      pooled.get(classifier)!.addStableSeries(pStable, series.labels, start, series.closes.length)
    }
    onSeed?.(++done, seeds.length)
  }
  return COMPARED_CLASSIFIERS.map((classifier) => {
    const rows = perSeed.get(classifier)!
    const avg = (key: keyof Omit<SeriesScore, 'detection'>): number | null => mean(rows.map((r) => r[key]))
    const sum = (key: 'detected' | 'switches'): number => rows.reduce((a, r) => a + (r[key] ?? 0), 0)
    const calibration = pooled.get(classifier)!.result()
    return {
      classifier,
      accuracy: avg('accuracy'),
      f1_stress: avg('f1_stress'),
      mean_time_to_detection: avg('mean_time_to_detection'),
      ...fairDetectionFields(rows.map((r) => r.detection)),
      ...pairedAgainstSsm(classifier, perSeed.get('ssm')!.map((r) => r.detection), rows.map((r) => r.detection)),
      detected: sum('detected'),
      switches: sum('switches'),
      false_alarms_per_1000_stable_bars: avg('false_alarms_per_1000_stable_bars'),
      downside_capture: avg('downside_capture'),
      sharpe: avg('sharpe'),
      max_drawdown: avg('max_drawdown'),
      total_return: avg('total_return'),
      paranoia_cost_10: avg('paranoia_cost_10'),
      brier: calibration.brier,
      reliability: calibration.bins,
      ood_share: avg('ood_share')
    }
  })
}
