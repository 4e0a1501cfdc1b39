import { z } from 'zod'
import { Float64Series } from './runs'
import { TerrainBar, TerrainSeries } from './terrain'

// A user's multi-asset price file in the Terrain view (issue 17 §7, "Done when"). A file is not a
// lab run: nothing is stored. The renderer sends the text in parts (one message is at most
// 64 KiB), main joins them, and the engine process validates the file with the CLI's validator,
// runs the terrain, state and grouping with progress, and keeps the result for the scrubber,
// which asks for one bar's matrix at a time by the result's key.

/** Characters of one part (≤ 30,000 bytes once the renderer cut it; JSON escaping at most doubles it). */
export const TERRAIN_CSV_PART_CHARS = 30_000
/** Largest file accepted: 24 MB (500 assets × 2,520 days wide is about 12 MB). */
export const TERRAIN_CSV_MAX_CHARS = 24_000_000
export const TERRAIN_CSV_MAX_PARTS = Math.ceil(TERRAIN_CSV_MAX_CHARS / TERRAIN_CSV_PART_CHARS)
/** Default short correlation window of a file's terrain (the CLI's --window default). */
export const TERRAIN_CSV_WINDOW = 60

export const TerrainCsvRequest = z
  .strictObject({
    /** The client's name for this upload: parts with one upload id are joined in part order. */
    upload: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 letters, digits, _ or -' }),
    part: z.int().min(0, { error: 'must be ≥ 0' }),
    parts: z.int().min(1, { error: 'must be ≥ 1' }).max(TERRAIN_CSV_MAX_PARTS, { error: `must be ≤ ${TERRAIN_CSV_MAX_PARTS} (a file of at most ${TERRAIN_CSV_MAX_CHARS.toLocaleString('en-US')} characters)` }),
    /** The file's name, for messages. */
    name: z.string().min(1).max(200),
    text: z.string().max(TERRAIN_CSV_PART_CHARS, { error: `must be ≤ ${TERRAIN_CSV_PART_CHARS} characters a part` }),
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
  /** A part was kept; send the next. */
  z.strictObject({ status: z.literal('partial'), received: z.int(), parts: z.int() }),
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
