import { z } from 'zod'
import { RecordedAgent } from '../agent'
import { RiskMethod, RiskMethodReport, WeightScheme } from '../portfolio'
import { EarlyWarningRule, RegimeSource } from '../regime'
import { LabInfo, LabRunSpec, RunManifest, RunSpec, StressVariant, TaskOutput } from '../runs'
import { RunSeriesChunk, SurfaceFrames, SurfacesRequest } from '../surfaces'
import { TerrainEngineView, TerrainViewRequest } from '../terrain'
import { TerrainCsvBarRequest, TerrainCsvBarResponse, TerrainCsvView, TERRAIN_CSV_MAX_CHARS } from '../terrain-csv'
import type { ServiceTable } from './table'

// The engine process's methods (src/main/workers/engine.ts): planning and running lab and
// random-walk tasks off the main thread. Messages travel by structured clone, so typed arrays
// cross as typed arrays; checking one is an `instanceof`, never a copy. z.custom rather than
// z.instanceof only so that the inferred type is the plain `Int32Array` the kernel declares.

const typedArray = <T>(is: (value: unknown) => value is T, name: string) => z.custom<T>(is, { error: `must be ${name}` })
const Int32Column = typedArray((v): v is Int32Array => v instanceof Int32Array, 'an Int32Array')
const Uint8Column = typedArray((v): v is Uint8Array => v instanceof Uint8Array, 'a Uint8Array')
const Int8Column = typedArray((v): v is Int8Array => v instanceof Int8Array, 'an Int8Array')
const Float64Column = typedArray((v): v is Float64Array => v instanceof Float64Array, 'a Float64Array')
/** Any number, NaN and ±Infinity included: a risk gate's before/after values are what they were. */
const AnyNumber = z.custom<number>((v) => typeof v === 'number', { error: 'must be a number' })

/** Something a run needs computed outside the engine before it can start. */
export const LabRequirement = z.enum(['regime-model'])
export type LabRequirement = z.infer<typeof LabRequirement>

/** What main needs before it writes a run's row: the real seed, the step count, the identity. */
export const RunPlan = z.strictObject({
  seed: z.int(),
  steps: z.int(),
  configHash: z.string(),
  /** Inputs main computes before `engine.run` (the regime model's output for classifier "ssm"). */
  requires: z.array(LabRequirement).readonly()
})
export type RunPlan = z.infer<typeof RunPlan>

/**
 * The regime model's output for a series, computed outside the engine (the inference service
 * owns onnxruntime) and handed to a run as an input. Values are per bar from `firstBar` on.
 */
export const ModelRegimeOutput = z.strictObject({
  firstBar: z.int().min(0),
  pStable: Float64Column,
  oodDistance: Float64Column,
  oodRadius: z.number(),
  model: z.strictObject({ name: z.string(), sha256: z.string() }),
  executionProvider: z.string(),
  /** The model's early-warning rule: the run calls stress with it instead of P(stable) < p_flat. */
  earlyWarning: EarlyWarningRule.optional()
})
export type ModelRegimeOutput = z.infer<typeof ModelRegimeOutput>

/** Inputs a plan required, computed by main (the inference service) and handed to the engine with the spec. */
export const RunInputs = z.strictObject({
  regime: ModelRegimeOutput.optional(),
  /** A run with the book's agent, replayed: its recorded calls answer in place of the model. */
  agent: RecordedAgent.optional()
})
export type RunInputs = z.infer<typeof RunInputs>

/** A constraint event as the engine logs it. */
export const LoggedEvent = z.strictObject({ t: z.int(), rule: z.string(), message: z.string(), before: z.array(AnyNumber), after: z.array(AnyNumber) })
export type LoggedEvent = z.infer<typeof LoggedEvent>

const EVENT_KEYS = Object.keys(LoggedEvent.shape)
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number')

/** Where an event breaks LoggedEvent (the same rules, checked in place), or null. */
function eventProblem(e: unknown): { path: PropertyKey[]; message: string } | null {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return { path: [], message: 'must be a constraint event object' }
  const event = e as Record<string, unknown>
  const extra = Object.keys(event).find((k) => !EVENT_KEYS.includes(k))
  if (extra !== undefined) return { path: [], message: `unknown key ${JSON.stringify(extra)}` }
  if (!Number.isSafeInteger(event.t)) return { path: ['t'], message: 'must be a whole number' }
  if (typeof event.rule !== 'string') return { path: ['rule'], message: 'must be a string' }
  if (typeof event.message !== 'string') return { path: ['message'], message: 'must be a string' }
  if (!isNumberArray(event.before)) return { path: ['before'], message: 'must be an array of numbers' }
  if (!isNumberArray(event.after)) return { path: ['after'], message: 'must be an array of numbers' }
  return null
}

/**
 * A log's constraint events, checked in one loop and passed on as they came. A run may log an
 * event every step; z.array(LoggedEvent) rebuilt each event and its arrays (≈5 µs an event, tens
 * of ms of main thread per 4,096-step slice), where this reads them in place.
 */
const LoggedEvents = z
  .custom<LoggedEvent[]>((v) => Array.isArray(v), { error: 'must be an array of constraint events' })
  .superRefine((events, ctx) => {
    for (let i = 0; i < events.length; i++) {
      const problem = eventProblem(events[i])
      if (problem) {
        ctx.addIssue({ code: 'custom', path: [i, ...problem.path], message: problem.message })
        return
      }
    }
  })

/** A lab run's recorded columns as the store keeps them (the kernel's StepColumns less the mark-only ones). */
const stepColumns = {
  t: Int32Column,
  regime: Int32Column,
  action: Int32Column,
  source: Uint8Column,
  rationale: Int32Column,
  position: Float64Column,
  trade: Float64Column,
  cost: Float64Column,
  costByComponent: z.record(z.string(), Float64Column),
  pnlByComponent: z.record(z.string(), Float64Column),
  netPnl: Float64Column,
  equity: Float64Column,
  drawdown: Float64Column,
  leverage: Float64Column
}

/** The name tables the columns' integer codes index into. */
const nameTables = {
  legs: z.array(z.string()),
  actionNames: z.array(z.string()),
  regimeNames: z.array(z.string()),
  sourceNames: z.array(z.string())
}

/** The log's hash chain: 32 bytes per step and per event, and its head (src/main/audit). */
const ChainLinks = z.strictObject({ stepLinks: Uint8Column, eventLinks: Uint8Column, head: z.string() })

/**
 * Every step of a lab run as it crosses from the engine process to the store: the run's
 * columns, the name tables their integer codes index into, and the constraint events.
 */
export const StepRecordBatch = z.strictObject({
  ...stepColumns,
  ...nameTables,
  rationales: z.array(z.string()),
  events: LoggedEvents,
  chain: ChainLinks.optional()
})
export type StepRecordBatch = z.infer<typeof StepRecordBatch>

/**
 * A run's decision log as the engine emits it while the run advances: STEP_CHUNK-aligned
 * steps [first, first + t.length) with the constraint events at or before them, chained on
 * from the previous slice. The slices of a run, in order, hold the same rows, codes and links
 * as the run's whole StepRecordBatch (src/main/labs/log-stream.ts).
 */
export const StepLogSlice = z.strictObject({
  ...stepColumns,
  ...nameTables,
  events: LoggedEvents,
  /** Step number of the first step (a multiple of STEP_CHUNK). */
  first: z.int().min(0),
  /** Sequence number of the first event in `events`. */
  firstEvent: z.int().min(0),
  /** The run's rationale table is append-only: the entries this slice adds, from index `rationalesFrom`. */
  rationalesFrom: z.int().min(0),
  newRationales: z.array(z.string()),
  /** Links of this slice's steps and events, and the chain head after them. */
  chain: ChainLinks,
  /** The run's last slice (it may hold any number of steps, including none). */
  last: z.boolean()
})
export type StepLogSlice = z.infer<typeof StepLogSlice>

/** A price series for the regime model: a lab's traded price (with its regime labels) or a parsed CSV. */
export const RegimeSeries = z.strictObject({ source: z.string(), closes: Float64Column, labels: Int8Column.nullable() })
export type RegimeSeries = z.infer<typeof RegimeSeries>

/** Which steps of a run's surface to compute: `runs.surfaces` less the run. */
export const SurfaceWindow = SurfacesRequest.omit({ runId: true })
export type SurfaceWindow = z.infer<typeof SurfaceWindow>

/** Cells one `engine.runCells` message may carry. */
export const MAX_CELLS_PER_BATCH = 256

/** One sweep cell as it travels to an engine process (locally or through the queue). */
export const SweepCellTask = z.strictObject({ spec: LabRunSpec, inputs: RunInputs.optional() })
export type SweepCellTask = z.infer<typeof SweepCellTask>

/** What a sweep keeps of a run: its identity, the notebook-named metrics and counts — no series. */
export const CellSummary = z.strictObject({
  resultsHash: z.string(),
  manifest: RunManifest,
  metrics: z.record(z.string(), z.number().nullable()),
  actions: z.record(z.string(), z.int()),
  steps: z.int(),
  halted: z.boolean(),
  haltReason: z.string().optional()
})
export type CellSummary = z.infer<typeof CellSummary>

/** A cell's outcome: its summary (with the decision log when asked), or why it failed. */
export const CellOutcome = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), summary: CellSummary, log: z.array(StepLogSlice).optional() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) })
])
export type CellOutcome = z.infer<typeof CellOutcome>

const Progress = z.strictObject({ done: z.int().min(0), total: z.int().min(0) })

/** What `engine.portfolioRisk` computes from (src/main/risk/portfolio-risk.ts's PortfolioRiskOptions). */
export const PortfolioRiskTask = z.strictObject({
  /** Each pod's per-step returns, aligned: as many steps each. */
  returns: z.array(Float64Column).min(1),
  options: z.strictObject({
    scheme: WeightScheme,
    fixed: z.array(z.number()).optional(),
    volTarget: z.number().optional(),
    confidence: z.number().gt(0).lt(1),
    window: z.int().min(10),
    horizon: z.int().min(1),
    refitEvery: z.int().min(1),
    scenarios: z.int().min(1),
    seed: z.int().min(0)
  })
})

const RiskBandColumns = z.strictObject({ var: Float64Column, es: Float64Column, breaches: Int32Column })

/** The risk desk's figures for a portfolio of pods as the engine computes them (series as typed arrays). */
export const PortfolioRiskResult = z.strictObject({
  weights: z.array(z.number()),
  volatility: z.array(AnyNumber),
  correlation: z.array(z.array(AnyNumber)),
  riskContributions: z.array(z.number()),
  totalReturn: z.strictObject({ pods: z.array(AnyNumber), portfolio: AnyNumber }),
  methods: z.record(RiskMethod, RiskMethodReport),
  series: z.strictObject({ returns: Float64Column, bands: z.record(RiskMethod, RiskBandColumns) }),
  podMonteCarlo: z.strictObject({ var: z.number(), es: z.number(), scenarios: z.int() })
})
export type PortfolioRiskResult = z.infer<typeof PortfolioRiskResult>

export const engineMethods = {
  'engine.labs': {
    request: z.strictObject({}),
    response: z.strictObject({ labs: z.array(LabInfo) }),
    events: {}
  },
  /** The stress menu of the config a spec resolves to; planning first refuses a bad spec with field issues. */
  'engine.stressMenu': {
    request: z.strictObject({ spec: LabRunSpec }),
    response: z.strictObject({ variants: z.array(StressVariant) }),
    events: {}
  },
  /** Resolves and validates a spec (preset ← overrides ← zod) without running it. */
  'engine.plan': {
    request: z.strictObject({ spec: RunSpec }),
    response: RunPlan,
    events: {}
  },
  /**
   * Runs a task. A lab run takes the inputs its plan required; with `logBatches` it emits its
   * decision log as chained `log` slices while it advances and answers with the last one
   * (`logTail`); without, it keeps no log. A random walk has neither.
   */
  'engine.run': {
    request: z.strictObject({ spec: RunSpec, inputs: RunInputs.optional(), logBatches: z.boolean().optional() }),
    response: TaskOutput.extend({ logTail: StepLogSlice.optional() }),
    events: {
      /** Per engine chunk (65,536 walk steps, a lab's recording block); main throttles it to frames. */
      progress: Progress,
      /** The book's diagnostics, conflated, while a lab runs (main adds the run id and batches them). */
      series: RunSeriesChunk.omit({ runId: true }),
      /** One full STEP_CHUNK slice of the decision log, with `logBatches`. */
      log: StepLogSlice
    }
  },
  /** A price series for the regime model from a lab spec or a CSV text. */
  'engine.regimeSeries': {
    request: z.strictObject({ source: RegimeSource }),
    response: RegimeSeries,
    events: {}
  },
  /** A stored run's surface per step, from its spec: the market simulated again (the last one is kept). */
  'engine.surfaces': {
    request: z.strictObject({ spec: LabRunSpec, inputs: RunInputs.optional(), window: SurfaceWindow }),
    response: SurfaceFrames.omit({ runId: true }),
    events: {}
  },
  /**
   * Runs a batch of sweep cells one after another and answers with each cell's summary (and,
   * with `log`, its decision log slices): one message per batch instead of several per run, no
   * chart series and no progress events, so a short run's fixed cost is the run itself.
   */
  'engine.runCells': {
    request: z.strictObject({ cells: z.array(SweepCellTask).min(1).max(MAX_CELLS_PER_BATCH), log: z.boolean().optional() }),
    response: z.strictObject({ cells: z.array(CellOutcome) }),
    events: {}
  },
  /** A market-terrain run's Terrain view from its spec (the cached market of `engine.surfaces`): series and/or one bar. */
  'engine.terrain': {
    request: TerrainViewRequest.omit({ runId: true }).extend({ spec: LabRunSpec }),
    response: TerrainEngineView,
    events: {}
  },
  /** VaR/ES of a portfolio's pods by every method with backtests: main reads the returns from the store, the engine computes, a stage at a time. */
  'engine.portfolioRisk': {
    request: PortfolioRiskTask,
    response: PortfolioRiskResult,
    events: { progress: Progress.extend({ label: z.string() }) }
  },
  /** A user's CSV text (main joined its parts): validated, its terrain, state and grouping run and kept for `engine.terrainCsvBar`. */
  'engine.terrainCsv': {
    request: z.strictObject({ name: z.string(), text: z.string().max(TERRAIN_CSV_MAX_CHARS), window: z.int() }),
    response: TerrainCsvView,
    events: { progress: Progress }
  },
  /** One bar of a kept file's terrain (an error naming the file to load again once it is no longer kept). */
  'engine.terrainCsvBar': {
    request: TerrainCsvBarRequest,
    response: TerrainCsvBarResponse,
    events: {}
  }
} as const satisfies ServiceTable

export type EngineMethods = typeof engineMethods
