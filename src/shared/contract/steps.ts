import { z } from 'zod'
import { Float64Series, RunId } from './runs'

/** The most rows one `runs.steps` call returns; the log view pages through the rest. */
export const MAX_STEP_PAGE = 1000

const Names = z.array(z.string().max(200)).max(256)

/**
 * Which decision-log rows to show. Every condition narrows (AND); an absent or empty list,
 * `constraintHit` false and empty text do not filter. `text` matches, case-insensitively, the
 * rationale, the action name and the messages (and rules) of the step's constraint events.
 */
export const StepFilter = z.strictObject({
  actions: Names.optional(),
  regimes: Names.optional(),
  sources: Names.optional(),
  constraintHit: z.boolean().optional(),
  text: z.string().max(200, { error: 'must be at most 200 characters' }).optional()
})
export type StepFilter = z.infer<typeof StepFilter>

/** The name tables the integer codes of a page index into. */
export const StepLogNames = z.strictObject({
  legs: z.array(z.string()),
  actions: z.array(z.string()),
  regimes: z.array(z.string()),
  sources: z.array(z.string()),
  costComponents: z.array(z.string()),
  pnlComponents: z.array(z.string())
})
export type StepLogNames = z.infer<typeof StepLogNames>

/**
 * A page of the decision log, columnar: row i of the page is element i of every column
 * (position and trade hold `legs.length` values per row). Codes index into `names`.
 */
export const StepRowsPage = z.strictObject({
  t: Float64Series,
  regime: Float64Series,
  action: Float64Series,
  source: Float64Series,
  rationale: z.array(z.string()),
  position: Float64Series,
  trade: Float64Series,
  cost: Float64Series,
  netPnl: Float64Series,
  equity: Float64Series,
  drawdown: Float64Series,
  leverage: Float64Series,
  costs: z.record(z.string(), Float64Series),
  pnl: z.record(z.string(), Float64Series)
})
export type StepRowsPage = z.infer<typeof StepRowsPage>

export const StepConstraintEvent = z.strictObject({ t: z.int(), rule: z.string(), message: z.string() })
export type StepConstraintEvent = z.infer<typeof StepConstraintEvent>

export const StepsRequest = z.strictObject({
  runId: RunId,
  offset: z.int().min(0, { error: 'must be ≥ 0' }),
  limit: z.int().min(0, { error: 'must be ≥ 0' }).max(MAX_STEP_PAGE, { error: `must be at most ${MAX_STEP_PAGE}` }),
  filter: StepFilter.optional()
})

export const StepsPage = z.strictObject({
  runId: RunId,
  /** False when the run has no decision log (random walks, runs not completed). */
  logged: z.boolean(),
  /** Steps in the run's log. */
  steps: z.int(),
  /** Rows that match the filter (all steps when there is none). */
  total: z.int(),
  offset: z.int(),
  names: StepLogNames,
  rows: StepRowsPage,
  /** The constraint events of the page's steps, in step order. */
  events: z.array(StepConstraintEvent)
})
export type StepsPage = z.infer<typeof StepsPage>

export const StepIndexRequest = z.strictObject({
  runId: RunId,
  t: z.int().min(0, { error: 'must be ≥ 0' }),
  filter: StepFilter.optional()
})

/** Where step t sits in the (filtered) log: the first matching row at or after t, else the last before it. */
export const StepIndex = z.strictObject({
  index: z.int().nullable(),
  t: z.int().nullable(),
  exact: z.boolean()
})
export type StepIndex = z.infer<typeof StepIndex>
