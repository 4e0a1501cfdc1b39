import { z } from 'zod'
import { LabRunSpec } from './runs'

/** Where a regime series comes from: a lab run's price path (with true labels) or a user's CSV text. */
export const RegimeSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lab'), spec: LabRunSpec }),
  z.strictObject({ kind: z.literal('csv'), name: z.string().max(200).default('series.csv'), text: z.string().min(1).max(60_000) })
])
export type RegimeSource = z.infer<typeof RegimeSource>

/**
 * The regime model's early-warning decision (its card's `early_warning`): a CUSUM of its log-odds
 * of stress against `reference`, stress called at `threshold`, evidence capped at `cap`.
 */
export const EarlyWarningRule = z.strictObject({ reference: z.number(), threshold: z.number().positive(), cap: z.number().positive() })
export type EarlyWarningRule = z.infer<typeof EarlyWarningRule>

/** The regime model's report on one close series (the inference service's `inference.regime`). */
export const SeriesRegimeReport = z.strictObject({
  bars: z.int(),
  firstBar: z.int(),
  executionProvider: z.string(),
  providers: z.string(),
  model: z.strictObject({ name: z.string(), sha256: z.string() }),
  /** P(stable) per bar from firstBar on. */
  pStable: z.array(z.number()),
  /** RegimeFilter (threshold 3) over the raw stress signal — the early-warning rule where the model has one, else P(stable) < 0.5 — per bar from firstBar on: 0 stable, 1 stress. */
  filtered: z.array(z.int()),
  /** The model's early-warning rule, when its card has one (runs decide stress with it). */
  earlyWarning: EarlyWarningRule.optional(),
  ood: z.strictObject({ radius: z.number(), barsOutside: z.int(), distance: z.array(z.number()) }),
  /** Latent phase space per bar in the model's frozen PCA basis, [bars × dims] row-major, with the regime centroids. */
  phase: z.strictObject({ dims: z.int(), values: z.array(z.number()), centroids: z.array(z.array(z.number())) }),
  evaluation: z
    .strictObject({
      accuracy: z.number().nullable(),
      f1_stress: z.number().nullable(),
      /** Fair judge (regime/time-to-detection.ts): mean bars to detect a switch into stress met while calm; no interval on one series. */
      ttd_from_calm: z.number().nullable(),
      switches_from_calm: z.int(),
      detected_from_calm: z.int(),
      /** Switches into stress already called stress on the bar before: no detection credit. */
      pre_flagged: z.int(),
      missed: z.int(),
      switches: z.int(),
      detected: z.int(),
      /** Legacy judge: mean delay over every detected switch into stress, a pre-flagged one as 0 (rewards staying in stress). */
      mean_time_to_detection: z.number().nullable(),
      false_alarms_per_1000_stable_bars: z.number().nullable()
    })
    .optional()
})
export type SeriesRegimeReport = z.infer<typeof SeriesRegimeReport>

/** How the CLI and the Regime view name an evaluation field where its key alone would mislead. */
export const EVALUATION_LABELS: Readonly<Record<string, string>> = { mean_time_to_detection: 'ttd_legacy_all_detected' }

/** `regime.classify`: the report with the series it was computed on. */
export const RegimeReport = z.strictObject({ source: z.string(), ...SeriesRegimeReport.shape })
export type RegimeReport = z.infer<typeof RegimeReport>

/** The classifiers compared on held-out seeds (spec §4.8–4.9), each driving the same strategy. */
export const RegimeCompareRequest = z.strictObject({
  /** The lab whose price series is classified: the model's home lab runs its own strategy; any other, the long/flat rule on its series. */
  lab: z.string().min(1).max(64).default('heston-regime'),
  preset: z.enum(['faithful', 'corrected'], { error: 'must be "faithful" or "corrected"' }).default('corrected'),
  /** First held-out seed; the model was trained on seeds below 3000 (see its card). */
  seedFrom: z.int({ error: 'must be a whole number' }).min(0, { error: 'must be ≥ 0' }).max(0xffff_fff0, { error: 'must be < 2^32 − 16' }).default(3000),
  seeds: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }).default(5),
  overrides: z.record(z.string().max(200), z.unknown()).default({})
})

const nullableNumber = z.number().nullable()

/** One bin of a reliability curve: bars whose predicted P(stress) fell in [from, to), and how many of them were truly stress. */
export const ReliabilityBin = z.strictObject({
  from: z.number(),
  to: z.number(),
  count: z.int().min(0),
  mean_p_stress: nullableNumber,
  observed_stress: nullableNumber
})
export type ReliabilityBin = z.infer<typeof ReliabilityBin>

export const RegimeCompareRow = z.strictObject({
  classifier: z.enum(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching']),
  accuracy: nullableNumber,
  f1_stress: nullableNumber,
  /** Legacy judge: mean delay over every detected switch into stress, a pre-flagged one as 0 (rewards staying in stress). */
  mean_time_to_detection: nullableNumber,
  /** Fair judge: mean bars to detect a switch into stress met while calm, pooled over seeds, with its 95 % seed-bootstrap interval. */
  ttd_from_calm: nullableNumber.optional(),
  ttd_from_calm_ci: z.tuple([z.number(), z.number()]).nullable().optional(),
  switches_from_calm: z.int().optional(),
  detected_from_calm: z.int().optional(),
  /** Switches into stress the classifier was already calling stress on the bar before: no detection credit. */
  pre_flagged: z.int().optional(),
  missed: z.int().optional(),
  /** On a baseline's row: the 95 % paired seed-bootstrap interval of (SSM − this) fair delay, and whether the SSM detects first. */
  ssm_minus_ttd_ci: z.tuple([z.number(), z.number()]).nullable().optional(),
  ssm_detects_first: z.enum(['yes', 'no', 'not_distinguishable']).nullable().optional(),
  detected: z.int(),
  switches: z.int(),
  false_alarms_per_1000_stable_bars: nullableNumber,
  downside_capture: nullableNumber,
  sortino: nullableNumber,
  sharpe: nullableNumber,
  max_drawdown: nullableNumber,
  total_return: nullableNumber,
  /** Only on other labs' series (the long/flat rule): the 10-bar paranoia cost. */
  paranoia_cost_10: nullableNumber.optional(),
  /** Calibration of P(stress) pooled over every scored bar of every seed: the Brier score and the reliability curve (ten bins). */
  brier: nullableNumber.optional(),
  reliability: z.array(ReliabilityBin).max(100).optional(),
  /** Share of scored bars on which the strategy stood aside (flat) because its input was beyond the OOD radius. */
  ood_share: nullableNumber.optional()
})
export type RegimeCompareRow = z.infer<typeof RegimeCompareRow>

/** Whether two delay intervals overlap: then the two classifiers' delays are not told apart at that level (a conservative test). */
export function intervalsOverlap(a: readonly [number, number] | null | undefined, b: readonly [number, number] | null | undefined): boolean {
  return !!a && !!b && a[0] <= b[1] && b[0] <= a[1]
}

export const RegimeComparison = z.strictObject({
  lab: z.string(),
  preset: z.string(),
  seeds: z.array(z.int()),
  executionProvider: z.string(),
  model: z.strictObject({ name: z.string(), sha256: z.string() }),
  /** The seed's sign-off targets for the regime strategy (spec §5.7): downside capture below, Sharpe above. */
  signOff: z.strictObject({ downsideCaptureBelow: z.number(), sharpeAbove: z.number() }).optional(),
  rows: z.array(RegimeCompareRow)
})
export type RegimeComparison = z.infer<typeof RegimeComparison>
