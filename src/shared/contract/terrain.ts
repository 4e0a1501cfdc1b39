import { z } from 'zod'
import { Float64Series, RunId } from './runs'

// The Terrain view's data for a market-terrain run (seed 004, issue 17 item 8): the terrain,
// state and trailhead series per bar as typed columns (one call), the scrubbed bar's correlation
// matrix ordered by watershed (one call per bar: never all bars' matrices), and the grouping
// table of the run's stored report. Every number is the engine's: the market is simulated again
// from the run's spec, as `runs.surfaces` does.

/** A float32 column (the engine keeps the terrain's frames in float32: nothing is lost). */
export const Float32Series = z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'must be a Float32Array' })

export const TerrainViewRequest = z.strictObject({
  runId: RunId,
  /** The scrubbed bar: its matrix, edge hardness, watersheds, node readings and active fault alerts come back as `bar`. */
  bar: z.int().min(0, { error: 'must be ≥ 0' }).optional(),
  /** False when only the bar is wanted (the scrubber moved; the series came with the first call). */
  series: z.boolean().default(true)
})
export type TerrainViewRequest = z.input<typeof TerrainViewRequest>

/** The trailhead preset the run used: its triggers are the thresholds the Pressure/Fragility chart draws. */
export const TerrainTrailheadPreset = z.strictObject({
  id: z.string(),
  normalise: z.enum(['percentile', 'zscore']),
  pressureMin: z.number(),
  fragilityMin: z.number(),
  /** One-Way confidence the preset needs to fire; null when it asks for no path. */
  oneWayMin: z.number().nullable(),
  window: z.int(),
  note: z.string()
})
export type TerrainTrailheadPreset = z.infer<typeof TerrainTrailheadPreset>

/** The per-bar columns, each `bars` long (NaN where not read yet). */
export const TERRAIN_COLUMNS = [
  /** True regime (index into regimeNames). */
  'regime',
  'eigenHardness',
  'edgeHardness',
  'absorption',
  'effectiveRank',
  /** Pairs in the fault-alert state. */
  'alertsActive',
  /** Kalman state M_t|t. */
  'stateRisk',
  'stateMomentum',
  /** One-step forecast M_t+1|t and its 95 % ellipse (semi-axes, angle of the major axis from the risk axis in radians). */
  'forecastRisk',
  'forecastMomentum',
  'ellipseMajor',
  'ellipseMinor',
  'ellipseAngle',
  /** The forecast's covariance [P00, P01, P11]. */
  'forecastVarRisk',
  'forecastCovariance',
  'forecastVarMomentum',
  /** Forecast risk above which the state reads risk_off (the walk-forward's choice at that bar). */
  'riskOffBoundary',
  'pressure',
  'fragility',
  /** 0 no signal, 1 quiet, 2 log (one lit: don't fire), 3 fire. */
  'trigger',
  'oneWay'
] as const
export type TerrainColumn = (typeof TERRAIN_COLUMNS)[number]

export const TerrainSeries = z.strictObject({
  bars: z.int(),
  /** First bar the state is read (both vol horizons and the short window filled). */
  stateFrom: z.int(),
  /** First bar the terrain is read (the short window full). */
  terrainFrom: z.int(),
  assets: z.array(z.string()),
  /** Asset class per asset (equity, bond, …), in `assets` order. */
  assetClasses: z.array(z.string()),
  regimeNames: z.array(z.string()),
  trailhead: TerrainTrailheadPreset,
  columns: z.strictObject(Object.fromEntries(TERRAIN_COLUMNS.map((c) => [c, Float64Series])) as Record<TerrainColumn, typeof Float64Series>)
})
export type TerrainSeries = z.infer<typeof TerrainSeries>

/** A pair in the fault-alert state at the bar: positions a < b in the bar's `order`, its σ-distance (ρ − norm)/σ at the bar, and the bar it entered the state. */
export const TerrainAlert = z.strictObject({ a: z.int(), b: z.int(), z: z.number(), entered: z.int() })
export type TerrainAlert = z.infer<typeof TerrainAlert>

export const TerrainBar = z.strictObject({
  bar: z.int(),
  /** Bar whose correlation matrix is shown (the engine keeps one every frameStride bars for large universes). */
  frameBar: z.int(),
  /** Asset indices in display order: by Ward watershed at the bar, then by the whole run's leaf order. */
  order: z.array(z.int()),
  /** Watershed of each position in `order` (0 … k − 1; blocks are contiguous). */
  watershed: z.array(z.int()),
  /** Short-window (shrunk) correlation, n × n row-major in `order` (float32: the engine's frames; 1 MB a bar at 500 assets). */
  correlation: Float32Series,
  /** Per-edge hardness 1/(1 + σ_ρ/scale) at `frameBar`, n × n row-major in `order` (symmetric; NaN on the diagonal and before hardness is read). */
  edgeHardness: Float32Series,
  /** Per position in `order`: node hardness (NaN before hardness is read) and pairs in the fault-alert state. */
  nodeHardness: Float64Series,
  nodeAlerts: Float64Series,
  /** Every pair in the fault-alert state at the bar, exactly (strongest |z| first). */
  alerts: z.array(TerrainAlert),
  /** False when the run's record of the alert state stopped at its budget before this bar: `alerts` is then partial. */
  alertsComplete: z.boolean()
})
export type TerrainBar = z.infer<typeof TerrainBar>

/** One grouping method scored against the true regimes on the held-out bars (the run's report). */
export const TerrainGroupingRow = z.strictObject({
  method: z.string(),
  accuracy: z.number(),
  onlineAccuracy: z.number(),
  switches: z.int(),
  meanRunLength: z.number(),
  /** Mean bars from a true change to its detection; null when none was detected. */
  meanTimeToDetection: z.number().nullable(),
  detected: z.int(),
  trueChanges: z.int(),
  falseSwitches: z.int(),
  lambda: z.number().nullable()
})
export type TerrainGroupingRow = z.infer<typeof TerrainGroupingRow>

/** One method fitted on the training seeds and scored on each held-out seed (the report's grouping.held_out). */
export const TerrainHeldOutRow = z.strictObject({
  method: z.string(),
  /** Mean over the held-out seeds, and the worst and best seed. */
  accuracy: z.number(),
  accuracyMin: z.number(),
  accuracyMax: z.number(),
  onlineAccuracy: z.number(),
  /** Mean switches per held-out seed. */
  switches: z.number(),
  /** Mean bars from a true change to its detection, pooled over every change caught; null when none was. */
  meanTimeToDetection: z.number().nullable(),
  detected: z.int(),
  trueChanges: z.int(),
  falseSwitches: z.number(),
  lambda: z.number().nullable()
})
export type TerrainHeldOutRow = z.infer<typeof TerrainHeldOutRow>

export const TerrainHeldOut = z.strictObject({
  /** The run's own seed first, then grouping.train_seeds. */
  trainSeeds: z.array(z.int()),
  seeds: z.array(z.int()),
  methods: z.array(TerrainHeldOutRow)
})
export type TerrainHeldOut = z.infer<typeof TerrainHeldOut>

export const TerrainGrouping = z.strictObject({
  features: z.array(z.string()),
  trainBars: z.tuple([z.int(), z.int()]),
  testBars: z.tuple([z.int(), z.int()]),
  methods: z.array(TerrainGroupingRow),
  /** Null unless the run set grouping.heldout_seeds. */
  heldOut: TerrainHeldOut.nullable()
})
export type TerrainGrouping = z.infer<typeof TerrainGrouping>

/** What the engine answers (main adds the run and the stored grouping). */
export const TerrainEngineView = z.strictObject({ series: TerrainSeries.nullable(), bar: TerrainBar.nullable() })
export type TerrainEngineView = z.infer<typeof TerrainEngineView>

export const TerrainView = TerrainEngineView.extend({
  runId: RunId,
  /** Null while the run has no stored results (running, or stopped early) or the run was too short to score it. */
  grouping: TerrainGrouping.nullable()
})
export type TerrainView = z.infer<typeof TerrainView>
