import { z } from 'zod'
import { PresetId, RunId, RunStatus } from './runs'

/** Cells one sweep may have: each is a stored run with its own step log. */
export const MAX_SWEEP_CELLS = 400
export const MAX_SWEEP_AXES = 2

export const SweepId = z.int().positive()

const GridValue = z.union([z.number(), z.string().max(200), z.boolean()])
export type GridValue = z.infer<typeof GridValue>

const Seed = z.int({ error: 'must be a whole number' }).min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' })

/**
 * A sweep: either a grid over one or two config paths (each cell one run, on `seed` or the
 * preset's seed) or a seed ensemble (one run per seed, from..to inclusive). `overrides` are
 * applied to every cell, as in a single run.
 */
export const SweepStartRequest = z
  .strictObject({
    lab: z.string().min(1, { error: 'must name a lab' }).max(64),
    preset: PresetId.default('faithful'),
    overrides: z.record(z.string().max(200), z.unknown()).default({}),
    seed: Seed.optional(),
    grid: z
      .record(z.string().min(1).max(200), z.array(GridValue).min(1, { error: 'needs at least one value' }).max(50, { error: 'takes at most 50 values' }))
      .optional(),
    seeds: z.strictObject({ from: Seed, to: Seed }).optional()
  })
  .superRefine((s, ctx) => {
    if (!s.grid === !s.seeds) ctx.addIssue({ code: 'custom', path: ['grid'], message: 'give either grid (config path → values) or seeds {from, to}, not both' })
    if (s.grid) {
      const axes = Object.keys(s.grid).length
      if (axes < 1 || axes > MAX_SWEEP_AXES) ctx.addIssue({ code: 'custom', path: ['grid'], message: `must have 1 or ${MAX_SWEEP_AXES} config paths (got ${axes})` })
      const cells = Object.values(s.grid).reduce((n, v) => n * v.length, 1)
      if (cells > MAX_SWEEP_CELLS) ctx.addIssue({ code: 'custom', path: ['grid'], message: `expands to ${cells} runs; at most ${MAX_SWEEP_CELLS} are allowed` })
    }
    if (s.seeds) {
      if (s.seeds.to < s.seeds.from) ctx.addIssue({ code: 'custom', path: ['seeds', 'to'], message: `must be ≥ from (${s.seeds.from})` })
      else if (s.seeds.to - s.seeds.from + 1 > MAX_SWEEP_CELLS) ctx.addIssue({ code: 'custom', path: ['seeds', 'to'], message: `gives ${s.seeds.to - s.seeds.from + 1} runs; at most ${MAX_SWEEP_CELLS} are allowed` })
    }
  })
export type SweepStartRequest = z.infer<typeof SweepStartRequest>
export type SweepStartInput = z.input<typeof SweepStartRequest>

export const SweepStatus = RunStatus
export type SweepStatus = z.infer<typeof SweepStatus>

export const SweepAxis = z.strictObject({ path: z.string(), values: z.array(GridValue) })
export type SweepAxis = z.infer<typeof SweepAxis>

export const SweepSummary = z.strictObject({
  id: SweepId,
  lab: z.string(),
  preset: z.string(),
  kind: z.enum(['grid', 'seeds']),
  /** Grid axes in the order given (row axis first); empty for a seed ensemble. */
  axes: z.array(SweepAxis),
  seeds: z.strictObject({ from: z.int(), to: z.int() }).nullable(),
  overrides: z.record(z.string(), z.unknown()),
  status: SweepStatus,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  cells: z.int(),
  /** Cells whose run has ended (any status) or that failed to start. */
  done: z.int(),
  failed: z.int()
})
export type SweepSummary = z.infer<typeof SweepSummary>

export const SweepCellStatus = z.enum(['pending', 'running', 'completed', 'cancelled', 'failed', 'interrupted'])
export type SweepCellStatus = z.infer<typeof SweepCellStatus>

export const SweepCell = z.strictObject({
  index: z.int(),
  label: z.string(),
  seed: z.int().nullable(),
  /** Position on each axis (grid) — empty for a seed ensemble. */
  coords: z.array(z.int()),
  changes: z.record(z.string(), z.unknown()),
  runId: RunId.nullable(),
  status: SweepCellStatus,
  /** The run's notebook-named metrics once it completed. */
  metrics: z.record(z.string(), z.number().nullable()).nullable(),
  error: z.string().nullable()
})
export type SweepCell = z.infer<typeof SweepCell>

/** A metric's distribution over the completed cells. */
export const MetricStats = z.strictObject({
  n: z.int(),
  mean: z.number(),
  stdev: z.number().nullable(),
  min: z.number(),
  q05: z.number(),
  q25: z.number(),
  median: z.number(),
  q75: z.number(),
  q95: z.number(),
  max: z.number()
})
export type MetricStats = z.infer<typeof MetricStats>

export const SweepDetail = z.strictObject({
  sweep: SweepSummary,
  cells: z.array(SweepCell),
  /** Every metric some completed cell reported, in first-seen order. */
  metricNames: z.array(z.string()),
  /** Per metric, over the cells with a finite value. */
  stats: z.record(z.string(), MetricStats)
})
export type SweepDetail = z.infer<typeof SweepDetail>
