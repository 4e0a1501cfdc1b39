import { z } from 'zod'

/** A series of float64 values; crosses processes as a typed array, never as objects. */
export const Float64Series = z.custom<Float64Array>((v) => v instanceof Float64Array, {
  message: 'must be a Float64Array'
})

export const MAX_WALK_STEPS = 10_000_000

/** The first engine task: a seeded Gaussian random walk, the slice every lab follows. */
export const RandomWalkSpec = z.strictObject({
  task: z.literal('random-walk'),
  steps: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_WALK_STEPS, { error: `must be at most ${MAX_WALK_STEPS.toLocaleString('en-US')}` }),
  seed: z
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be ≥ 0' })
    .max(0xffff_ffff, { error: 'must be < 2^32' }),
  start: z.number().min(-1e9, { error: 'must be ≥ -1e9' }).max(1e9, { error: 'must be ≤ 1e9' }).default(0),
  drift: z.number().min(-1000, { error: 'must be ≥ -1000 per step' }).max(1000, { error: 'must be ≤ 1000 per step' }).default(0),
  volatility: z.number().gt(0, { error: 'must be > 0' }).max(1000, { error: 'must be ≤ 1000 per step' }).default(1)
})
export type RandomWalkSpec = z.infer<typeof RandomWalkSpec>
export type RandomWalkSpecInput = z.input<typeof RandomWalkSpec>

/** Every task the engine can run; labs join this union. */
export const RunSpec = z.discriminatedUnion('task', [RandomWalkSpec], {
  error: (issue) => (issue.code === 'invalid_union' ? 'task must be one of: "random-walk"' : undefined)
})
export type RunSpec = z.infer<typeof RunSpec>
export type RunSpecInput = z.input<typeof RunSpec>

export const RunStatus = z.enum(['running', 'completed', 'cancelled', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof RunStatus>

export const RunId = z.int().positive()

export const RunSummary = z.strictObject({
  id: RunId,
  task: z.string(),
  spec: RunSpec,
  seed: z.int(),
  configHash: z.string(),
  codeVersion: z.string(),
  status: RunStatus,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progressDone: z.int(),
  progressTotal: z.int(),
  resultsHash: z.string().nullable(),
  error: z.string().nullable()
})
export type RunSummary = z.infer<typeof RunSummary>

export const RandomWalkSummary = z.strictObject({
  steps: z.int(),
  final: z.number(),
  min: z.number(),
  max: z.number(),
  /** Mean and sample standard deviation of the per-step increments. */
  meanIncrement: z.number(),
  stdevIncrement: z.number(),
  /** Largest fall from a running peak, in level units. */
  maxDrawdown: z.number()
})
export type RandomWalkSummary = z.infer<typeof RandomWalkSummary>

/** What a finished task hands back: numbers, a decimated path for charts, and the bytes' hash. */
export const RunResults = z.strictObject({
  summary: RandomWalkSummary,
  /** path[k] is the level after step k·stride (path[0] is the start). */
  pathStride: z.int().positive(),
  path: Float64Series,
  resultsHash: z.string()
})
export type RunResults = z.infer<typeof RunResults>

export const RunDetail = z.strictObject({
  run: RunSummary,
  results: RunResults.omit({ resultsHash: true }).nullable()
})
export type RunDetail = z.infer<typeof RunDetail>
