import { z } from 'zod'
// SurfaceLayout lives in runs.ts: a lab's catalogue entry declares its surface's layout too.
import { Float64Series, LabResults, RunId, SurfaceLayout } from './runs'

// A lab run's tradable surface over time (recomputed by the engine from the stored spec: the
// market is simulated again from the seed, surfaces are not stored), the run's streamed
// series while it is running, and its constraint events.

export const SurfaceAxisInfo = z.strictObject({
  name: z.string(),
  unit: z.string(),
  labels: z.array(z.string()),
  values: z.array(z.number()).nullable()
})
export type SurfaceAxisInfo = z.infer<typeof SurfaceAxisInfo>

/**
 * Where a summary comes from: `generic`, read off the grid by the engine's surface frames (mean,
 * min, max, range, slope …); `lab`, one of the lab's own features at the step (contango score,
 * slope z-score …). Absent reads as `generic`.
 */
export const SurfaceSummarySource = z.enum(['generic', 'lab'])
export type SurfaceSummarySource = z.infer<typeof SurfaceSummarySource>

/** One summary feature per frame, in frame order. */
export const SurfaceSummary = z.strictObject({ name: z.string(), unit: z.string(), description: z.string(), values: Float64Series, source: SurfaceSummarySource.optional() })
export type SurfaceSummary = z.infer<typeof SurfaceSummary>

/**
 * A lab's quantity per point along a curve's axis (bond price, DV01, convexity per tenor): frame
 * after frame, `size` values each (frame k's point i at k·size + i); null when only summaries
 * were asked for. Only 1-axis (curve) surfaces have companions.
 */
export const SurfaceCompanionSeries = z.strictObject({ name: z.string(), unit: z.string(), description: z.string(), values: Float64Series.nullable() })
export type SurfaceCompanionSeries = z.infer<typeof SurfaceCompanionSeries>

/** The most values (frames × (surface size + companion values)) one `runs.surfaces` answer carries. */
export const MAX_SURFACE_VALUES = 1_000_000
export const MAX_SURFACE_FRAMES = 5000

export const SurfacesRequest = z.strictObject({
  runId: RunId,
  /** First step. */
  from: z.int().min(0, { error: 'must be ≥ 0' }).default(0),
  /** Frames wanted (fewer come back where the run ends). */
  count: z.int().min(1, { error: 'must be ≥ 1' }).max(MAX_SURFACE_FRAMES, { error: `must be at most ${MAX_SURFACE_FRAMES}` }).default(500),
  /** Steps between frames. */
  stride: z.int().min(1, { error: 'must be ≥ 1' }).default(1),
  /** False: summaries only (for an overview of a long run). */
  frames: z.boolean().default(true)
})
export type SurfacesRequest = z.input<typeof SurfacesRequest>

export const SurfaceFrames = z.strictObject({
  runId: RunId,
  lab: z.string(),
  name: z.string(),
  unit: z.string(),
  layout: SurfaceLayout,
  axes: z.array(SurfaceAxisInfo),
  /** Values per frame (product of the axis sizes). */
  size: z.int(),
  /** Steps the run has (frames exist for steps 0 … steps − 1). */
  steps: z.int(),
  from: z.int(),
  stride: z.int(),
  /** Step of each frame. */
  t: Float64Series,
  /** Regime code of each frame's step (indexes regimeNames). */
  regime: Float64Series,
  regimeNames: z.array(z.string()),
  /** count × size values, row-major over the axes; null when only summaries were asked for. */
  frames: Float64Series.nullable(),
  /** The generic summaries, then the lab's own features (`source: 'lab'`). */
  summaries: z.array(SurfaceSummary),
  /** The lab's per-point companions of a curve; absent when the lab has none. */
  companions: z.array(SurfaceCompanionSeries).optional()
})
export type SurfaceFrames = z.infer<typeof SurfaceFrames>

/** A constraint event as stored with its run. */
export const RunConstraintEvent = z.strictObject({
  seq: z.int(),
  t: z.int(),
  rule: z.string(),
  message: z.string(),
  before: z.array(z.number()),
  after: z.array(z.number())
})
export type RunConstraintEvent = z.infer<typeof RunConstraintEvent>

export { MAX_SERIES_FRAMES_PER_SECOND, STREAM_COLUMNS, STREAM_MAX_BUCKETS, STREAM_SAMPLED_COLUMNS } from './stream-columns'

/**
 * Part of a running lab run's series: steps conflated min/max per bucket of `bucket` steps
 * (see src/shared/series-conflation.ts) onto the grid `t`, plus the constraint events logged
 * in those steps. Chunks of a run follow each other without gaps.
 */
export const RunSeriesChunk = z.strictObject({
  runId: z.int(),
  total: z.int(),
  /** Steps recorded so far. */
  done: z.int(),
  bucket: z.int(),
  t: Float64Series,
  columns: z.record(z.string(), Float64Series),
  events: z.array(z.strictObject({ t: z.int(), rule: z.string(), message: z.string() })),
  regimeNames: z.array(z.string()),
  actionNames: z.array(z.string()),
  costComponents: z.array(z.string())
})
export type RunSeriesChunk = z.infer<typeof RunSeriesChunk>

/** A finished lab run for the dashboard: its results without the per-step series, and those series conflated. */
export const RunSeriesRequest = z.strictObject({
  runId: RunId,
  /** Buckets (two points each): about the chart width in pixels. */
  maxBuckets: z.int().min(16, { error: 'must be ≥ 16' }).max(100_000, { error: 'must be ≤ 100,000' }).default(2048)
})
export const RunSeriesView = z.strictObject({
  /** Null for a run that ended without results (partial): its series come from its committed decision log. */
  summary: LabResults.omit({ series: true }).nullable(),
  series: RunSeriesChunk,
  /** The run stopped early (aborted, failed, cancelled): the series cover series.done of series.total steps. */
  partial: z.boolean().optional()
})
export type RunSeriesView = z.infer<typeof RunSeriesView>
