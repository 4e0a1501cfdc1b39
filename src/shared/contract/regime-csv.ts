import { z } from 'zod'
import { CsvUploadPartial, csvUploadFields } from './csv-upload'
import { Float64Series } from './runs'

// The five-way classifier comparison on a user's close series (issue 20 item 3), as
// `mechanica regime --csv FILE --compare` prints it, for the Regime view. The file is sent in
// parts (csv-upload.ts), validated with the CLI's validator and compared in the inference
// process (it holds the model's session). A file has no true regimes, so no accuracy: per
// classifier the stress share, its switches, the long/flat rule's Sharpe, drawdown and return,
// and the share of bars it stood aside as out of distribution. Nothing is stored.

/** Largest file compared: 2 MB, about 100,000 rows of date,close (40 years of daily closes is 10,000). */
export const REGIME_CSV_MAX_CHARS = 2_000_000

export const RegimeCsvCompareRequest = z.strictObject(csvUploadFields(REGIME_CSV_MAX_CHARS)).refine((r) => r.part < r.parts, { error: 'must be < parts', path: ['part'] })
export type RegimeCsvCompareRequest = z.input<typeof RegimeCsvCompareRequest>

const nullableNumber = z.number().nullable()

/** One classifier on an unlabelled series: its read-out and the long/flat rule it drives. */
export const RegimeCsvRow = z.strictObject({
  classifier: z.enum(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching']),
  /** Share of scored bars the filtered read-out calls stress. */
  stress_share: nullableNumber,
  /** Calm → stress flips of the filtered read-out over the scored bars. */
  switches_to_stress: z.int(),
  sharpe: nullableNumber,
  max_drawdown: nullableNumber,
  total_return: nullableNumber,
  /** Benchmark (always long) total return over the same bars, for scale. */
  buy_and_hold_return: nullableNumber,
  /** Share of scored bars stood aside because the input was out of distribution. */
  ood_share: nullableNumber
})
export type RegimeCsvRow = z.infer<typeof RegimeCsvRow>

/** What `compareOnCsv` answers (and the CLI prints under `--json`, with the file and model). */
export const CsvComparison = z.strictObject({
  bars: z.int(),
  /** The walk-forward start: bars before it train the baselines and are not scored. */
  start: z.int(),
  scoredBars: z.int(),
  labels: z.literal(false),
  /** Why accuracy and the detection columns are absent. */
  note: z.string(),
  rows: z.array(RegimeCsvRow)
})
export type CsvComparison = z.infer<typeof CsvComparison>

/** The view's answer: the comparison, the model and provider, and the close with the model's filtered stress for the chart. */
export const RegimeCsvComparison = z.strictObject({
  ...CsvComparison.shape,
  name: z.string(),
  model: z.strictObject({ name: z.string(), sha256: z.string() }),
  executionProvider: z.string(),
  /** Every close of the file. */
  closes: Float64Series,
  /** The state-space model's filtered read-out per bar from `start` on (1 stress), what its long/flat rule acted on one bar later. */
  ssmStress: z.array(z.int().min(0).max(1))
})
export type RegimeCsvComparison = z.infer<typeof RegimeCsvComparison>

export const RegimeCsvCompareResponse = z.discriminatedUnion('status', [CsvUploadPartial, z.strictObject({ status: z.literal('done'), comparison: RegimeCsvComparison })])
export type RegimeCsvCompareResponse = z.infer<typeof RegimeCsvCompareResponse>
