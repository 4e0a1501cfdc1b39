import { z } from 'zod'
import { Float64Series } from './runs'
import { TerrainBar, TerrainSeries } from './terrain'
import { CSV_PART_CHARS, CsvUploadPartial, csvUploadFields } from './csv-upload'

// A user's multi-asset price file in the Terrain view (issue 17 §7, "Done when"). A file is not a
// lab run: nothing is stored. The renderer sends the text in parts (one message is at most
// 64 KiB), main joins them, and the engine process validates the file with the CLI's validator,
// runs the terrain, state and grouping with progress, and keeps the result for the scrubber,
// which asks for one bar's matrix at a time by the result's key.

/** Characters of one part (the shared upload's, csv-upload.ts). */
export const TERRAIN_CSV_PART_CHARS = CSV_PART_CHARS
/** Largest file accepted: 24 MB (500 assets × 2,520 days wide is about 12 MB). */
export const TERRAIN_CSV_MAX_CHARS = 24_000_000
/** Default short correlation window of a file's terrain (the CLI's --window default). */
export const TERRAIN_CSV_WINDOW = 60

export const TerrainCsvRequest = z
  .strictObject({
    ...csvUploadFields(TERRAIN_CSV_MAX_CHARS),
    /** Short correlation window in bars (the long one is 4×, capped by the series). */
    window: z.int().min(3, { error: 'must be ≥ 3' }).max(10_000, { error: 'must be ≤ 10,000' }).default(TERRAIN_CSV_WINDOW)
  })
  .refine((r) => r.part < r.parts, { error: 'must be < parts', path: ['part'] })
export type TerrainCsvRequest = z.input<typeof TerrainCsvRequest>

/** One grouping method's regimes on the file: no truth to score against, so switches and the path. */
export const TerrainCsvGroupingRow = z.strictObject({
  method: z.string(),
  /** Switches of the fitted (in-sample) path and of the causal (online) path. */
  switches: z.int(),
  onlineSwitches: z.int(),
  /** Share of readable bars in regime 1 (the riskier: higher mean risk). */
  riskyShare: z.number(),
  lambda: z.number().nullable(),
  /** The causal regime per bar (0 calmer, 1 riskier; NaN before the state is read). */
  online: Float64Series
})
export type TerrainCsvGroupingRow = z.infer<typeof TerrainCsvGroupingRow>

export const TerrainCsvGrouping = z.strictObject({
  features: z.array(z.string()),
  /** Bars the methods were fitted on, [from, to). */
  bars: z.tuple([z.int(), z.int()]),
  methods: z.array(TerrainCsvGroupingRow),
  /** Why there is no grouping (too few readable bars); null when there is. */
  skipped: z.string().nullable()
})
export type TerrainCsvGrouping = z.infer<typeof TerrainCsvGrouping>

/** A file's terrain as the view reads it: the run view's series (regime column NaN: a file has no true regimes). */
export const TerrainCsvView = z.strictObject({
  /** The engine's key for the scrubber's `terrain.csvBar` calls. */
  key: z.string(),
  name: z.string(),
  window: z.int(),
  longWindow: z.int(),
  /** Date of each bar (the close that ends the bar's return), `series.bars` long. */
  dates: z.array(z.string()),
  series: TerrainSeries,
  grouping: TerrainCsvGrouping,
  /** Fault alerts over the whole file (the log keeps at most terrain.alert_log_limit). */
  faultAlerts: z.int()
})
export type TerrainCsvView = z.infer<typeof TerrainCsvView>

export const TerrainCsvResponse = z.discriminatedUnion('status', [
  CsvUploadPartial,
  z.strictObject({ status: z.literal('done'), view: TerrainCsvView })
])
export type TerrainCsvResponse = z.infer<typeof TerrainCsvResponse>

export const TerrainCsvBarRequest = z.strictObject({
  key: z.string().min(1).max(100),
  bar: z.int().min(0, { error: 'must be ≥ 0' })
})
export type TerrainCsvBarRequest = z.input<typeof TerrainCsvBarRequest>

export const TerrainCsvBarResponse = z.strictObject({ bar: TerrainBar })
export type TerrainCsvBarResponse = z.infer<typeof TerrainCsvBarResponse>
