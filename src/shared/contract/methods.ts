import { z } from 'zod'
import { AgentCallRecord } from './agent'
import { agentSettingsMethods } from './agent-settings'
import { AgentComparison } from './agent-comparison'
import { LabInfo, LabRunSpec, RunDetail, RunId, RunSpec, RunStatus, RunSummary, StressVariant } from './runs'
import { InferenceStatus, ServiceStatus } from './services'
import { StepIndex, StepIndexRequest, StepsPage, StepsRequest } from './steps'
import { SweepDetail, SweepId, SweepStartRequest, SweepSummary } from './sweeps'
import { RegimeComparison, RegimeCompareRequest, RegimeReport, RegimeSource } from './regime'
import { RegimeCsvCompareRequest, RegimeCsvCompareResponse } from './regime-csv'
import { RunConstraintEvent, RunSeriesChunk, RunSeriesRequest, RunSeriesView, SurfaceFrames, SurfacesRequest } from './surfaces'
import { ReplayReport, ReviewRequest, RunAudit } from './audit'
import { PortfolioDetail, PortfolioId, PortfolioRiskReport, PortfolioRiskRequest, PortfolioSpec, PortfolioSummary } from './portfolio'
import { QueueSettings, QueueSettingsInput, QueuedSweepDetail, QueuedSweepId, QueuedSweepStatus } from './queue'
import { TerrainView, TerrainViewRequest } from './terrain'
import { TerrainCsvBarRequest, TerrainCsvBarResponse, TerrainCsvRequest, TerrainCsvResponse } from './terrain-csv'
import { PortfolioLimitsReport, PortfolioLimitsRequest, PortfolioLogEntry, PortfolioStressReport, PortfolioStressRequest, PortfolioWalkForwardReport, PortfolioWalkForwardRequest } from './portfolio-desk'
import { BackupName, ExportTableRequest, ExportedFile, ExportedTable, MemoExportRequest, MemoNarrative, MemoRenderRequest, MemoRendered, MemoSaveRequest, MemoView } from './memo'

const NoParams = z.strictObject({})

/**
 * The API inventory: every method the renderer may call, with its request and response.
 * The router refuses anything not listed here; a test pins that every method has a handler.
 */
export const methods = {
  'app.info': {
    request: NoParams,
    response: z.strictObject({
      name: z.string(),
      version: z.string(),
      codeVersion: z.string(),
      host: z.enum(['electron', 'browser']),
      databasePath: z.string(),
      /** The folder exports are written to (browser host); null under Electron, where the save dialog asks each time. */
      exportDir: z.string().nullable(),
      platform: z.string(),
      runtime: z.string()
    })
  },
  'services.status': {
    request: NoParams,
    response: z.strictObject({ services: z.array(ServiceStatus) })
  },
  'inference.status': {
    request: NoParams,
    response: InferenceStatus
  },
  'labs.list': {
    request: NoParams,
    response: z.strictObject({ labs: z.array(LabInfo) })
  },
  /**
   * The lab's stress menu for the configuration a spec resolves to (one factor changed per
   * variant). Refuses an invalid spec with the same issues `runs.start` gives, so the explorer
   * also uses it to validate a form as it is edited.
   */
  'labs.stressMenu': {
    request: z.strictObject({ spec: LabRunSpec }),
    response: z.strictObject({ variants: z.array(StressVariant) })
  },
  'regime.classify': {
    request: z.strictObject({ source: RegimeSource }),
    response: RegimeReport
  },
  /** SSM vs the rv-threshold and HMM baselines on held-out seeds; progress as `task.progress` frames. */
  'regime.compare': {
    request: RegimeCompareRequest,
    response: RegimeComparison
  },
  'runs.start': {
    /** `agent`: run a book lab with the agent the saved settings name (checked first; refused when the check fails). */
    request: z.strictObject({ spec: RunSpec, agent: z.boolean().optional() }),
    response: z.strictObject({ run: RunSummary })
  },
  'runs.cancel': {
    request: z.strictObject({ runId: RunId }),
    response: z.strictObject({ cancelled: z.boolean() })
  },
  'runs.list': {
    request: z.strictObject({
      limit: z.int().min(1).max(500).default(100),
      offset: z.int().min(0).default(0),
      status: RunStatus.optional()
    }),
    response: z.strictObject({ runs: z.array(RunSummary), total: z.int() })
  },
  'runs.get': {
    request: z.strictObject({ runId: RunId }),
    response: RunDetail
  },
  /** A lab run's surface per step, recomputed from its stored spec, with summary features over time. */
  'runs.surfaces': {
    request: SurfacesRequest,
    response: SurfaceFrames
  },
  /** A finished lab run's diagnostics series conflated min/max to a chart's width, with its results (metrics, counts, config). */
  'runs.series': {
    request: RunSeriesRequest,
    response: RunSeriesView
  },
  /** A running lab run's series streamed so far (then follow `run.series`); null when it is not running. */
  'runs.liveSeries': {
    request: z.strictObject({ runId: RunId }),
    response: z.strictObject({ chunk: RunSeriesChunk.nullable() })
  },
  /** A run's constraint events (risk-gate interventions), in the order they were logged. */
  'runs.events': {
    request: z.strictObject({ runId: RunId }),
    response: z.strictObject({ events: z.array(RunConstraintEvent) })
  },
  /** A page of a run's decision log, filtered; pages decode only the chunks they span. */
  'runs.steps': {
    request: StepsRequest,
    response: StepsPage
  },
  /** The row of step t in the (filtered) decision log, for jump-to. */
  'runs.stepIndex': {
    request: StepIndexRequest,
    response: StepIndex
  },
  /** A grid or seed ensemble whose cells run one by one as ordinary stored runs. */
  'sweeps.start': {
    request: SweepStartRequest,
    response: z.strictObject({ sweep: SweepSummary })
  },
  'sweeps.list': {
    request: z.strictObject({ limit: z.int().min(1).max(500).default(100), offset: z.int().min(0).default(0) }),
    response: z.strictObject({ sweeps: z.array(SweepSummary), total: z.int() })
  },
  'sweeps.get': {
    request: z.strictObject({ sweepId: SweepId }),
    response: SweepDetail
  },
  'sweeps.cancel': {
    request: z.strictObject({ sweepId: SweepId }),
    response: z.strictObject({ cancelled: z.boolean() })
  },
  /**
   * An online, verified copy of the database (SQLite's backup API; runs keep being written).
   * The copy goes next to the database: as `name` (a plain file name ending in ".db" that must
   * not exist yet) or, without it, as `<name>.backup-<n>.db`, n one past the highest taken. A
   * client names a file, never a path (a path is the CLI's `backup --out`, a local user's choice).
   */
  'store.backup': {
    request: z.strictObject({ name: BackupName.optional() }),
    response: z.strictObject({ path: z.string(), bytes: z.int(), runs: z.int() })
  },
  /** The run's hash chain verified against its manifest, its reviews and its verification status. */
  'runs.audit': {
    request: z.strictObject({ runId: RunId }),
    response: RunAudit
  },
  /** Appends a review (sign-off or findings) to the run's chain; a sign-off needs an intact chain. */
  'runs.review': {
    request: ReviewRequest,
    response: RunAudit
  },
  /** Re-runs a stored run from its spec and compares it step by step with what was stored. */
  'runs.replay': {
    request: z.strictObject({ runId: RunId }),
    response: ReplayReport
  },
  /**
   * Starts a new run from a stored run's spec (an aborted or failed run, or any other); the new
   * run starts from step 0 — resuming from the last committed step is not offered.
   */
  'runs.rerun': {
    request: z.strictObject({ runId: RunId }),
    response: z.strictObject({ run: RunSummary })
  },
  /**
   * A lab run's committee memo: facts from the run and its stress variants (each variant runs
   * once as a stored run, progress as `task.progress` "memo.stress"), the narrative, verification.
   */
  'memo.get': {
    request: z.strictObject({ runId: RunId }),
    response: MemoView
  },
  /** Saves narrative fields (only changed ones are appended to the memo's history). */
  'memo.save': {
    request: MemoSaveRequest,
    response: MemoNarrative
  },
  /** The memo rendered as Markdown or self-contained HTML, returned (not written). */
  'memo.render': {
    request: MemoRenderRequest,
    response: MemoRendered
  },
  /**
   * Writes the memo (md, html, zip bundle, or pdf under Electron); the same run and narrative give
   * the same bytes. The client names a file, never a path: see `MemoExportRequest`.
   */
  'memo.export': {
    request: MemoExportRequest,
    response: ExportedFile
  },
  /** Writes one of a run's tables (metrics, actions by regime, the decision log, constraint events) as CSV or JSON, placed as `memo.export` places the memo. */
  'runs.exportTable': {
    request: ExportTableRequest,
    response: ExportedTable
  },
  /** The book's agent call that decided step t (the latest at or before t: a held step shows its call): prompt, raw reply, verdict. */
  'runs.agentCall': {
    request: z.strictObject({ runId: RunId, t: z.int().min(0, { error: 'must be ≥ 0' }) }),
    response: z.strictObject({ call: AgentCallRecord.nullable() })
  },
  /** Agent against the rule baseline among the given runs: their agent/baseline pairs (same spec and seed), paired by seed; null when they hold none. */
  'runs.agentComparison': {
    request: z.strictObject({ runIds: z.array(RunId).min(2, { error: 'needs at least two runs' }).max(200, { error: 'at most 200 runs' }) }),
    response: z.strictObject({ comparison: AgentComparison.nullable() })
  },
  ...agentSettingsMethods,
  /** Stores a portfolio of stored runs (hashed from their results, chained); refuses unknown runs, mismatched calendars, weights that do not sum. */
  'portfolio.create': {
    request: z.strictObject({ spec: PortfolioSpec }),
    response: PortfolioDetail
  },
  'portfolio.list': {
    request: z.strictObject({ limit: z.int().min(1).max(500).default(100), offset: z.int().min(0).default(0) }),
    response: z.strictObject({ portfolios: z.array(PortfolioSummary), total: z.int() })
  },
  /** A stored portfolio re-simulated from its members now, with the check of its hashes and link. */
  'portfolio.get': {
    request: z.strictObject({ id: PortfolioId }),
    response: PortfolioDetail
  },
  /** VaR/ES by six methods with their backtests and bands, for the portfolio's pods under its weights. */
  'portfolio.risk': {
    request: PortfolioRiskRequest,
    response: PortfolioRiskReport
  },
  /** The Redis that queued sweeps use (the password is never sent back, only whether one is set). */
  'queue.settings': {
    request: NoParams,
    response: QueueSettings
  },
  /** Checked as the CLI checks --queue (loopback unless allowRemote, TLS files readable) before anything is kept. */
  'queue.configure': {
    request: QueueSettingsInput,
    response: QueueSettings
  },
  /** The sweep's cells on the queue for `mechanica worker`s; main collects and writes the results. */
  'queue.start': {
    request: SweepStartRequest,
    response: z.strictObject({ sweep: QueuedSweepStatus })
  },
  'queue.list': {
    request: z.strictObject({ limit: z.int().min(1).max(500).default(50) }),
    response: z.strictObject({ sweeps: z.array(QueuedSweepStatus) })
  },
  'queue.get': {
    request: z.strictObject({ sweepId: QueuedSweepId }),
    response: QueuedSweepDetail
  },
  /** Stops collecting and removes the sweep's jobs that no worker has taken. */
  'queue.cancel': {
    request: z.strictObject({ sweepId: QueuedSweepId }),
    response: z.strictObject({ cancelled: z.boolean(), removedJobs: z.int() })
  },
  /**
   * A market-terrain run's Terrain view: the terrain, state and trailhead series per bar (the
   * market simulated again from the run's spec), the `bar`'s correlation matrix by watershed
   * with its fault alerts, and the grouping table of the stored report.
   */
  'terrain.view': {
    request: TerrainViewRequest,
    response: TerrainView
  },
  /** User shocks, reverse stress and (with `menus`) the members' stress menus re-run in the engine process (progress as `task.progress` "portfolio.stress"); logged in the portfolio's log. */
  'portfolio.stress': {
    request: PortfolioStressRequest,
    response: PortfolioStressReport
  },
  /** The limits against today's book, with the action each breach took; every breach a constraint event in the portfolio's log. */
  'portfolio.limits': {
    request: PortfolioLimitsRequest,
    response: PortfolioLimitsReport
  },
  /** Walk-forward of a member's lab parameter (candidates run in the engine process, progress as `task.progress` "portfolio.walkForward"), with PBO; logged. */
  'portfolio.walkForward': {
    request: PortfolioWalkForwardRequest,
    response: PortfolioWalkForwardReport
  },
  /** The portfolio's log (constraint events, stress, walk-forward), append-only, and whether its chain verifies. */
  'portfolio.log': {
    request: z.strictObject({ id: PortfolioId }),
    response: z.strictObject({ entries: z.array(PortfolioLogEntry), brokenAt: z.int().nullable() })
  },
  /**
   * A user's multi-asset CSV in the Terrain view, sent in parts: each part but the last answers
   * `partial`; the last validates the file (the CLI's rules, one line naming the row) and runs its
   * terrain, state and grouping in the engine process (progress as `task.progress` "terrain.csv").
   * Nothing is stored.
   */
  'terrain.csv': {
    request: TerrainCsvRequest,
    response: TerrainCsvResponse
  },
  /** One bar's matrix, watersheds and fault alerts of a file's terrain, by the key `terrain.csv` answered. */
  'terrain.csvBar': {
    request: TerrainCsvBarRequest,
    response: TerrainCsvBarResponse
  },
  /**
   * A user's close file in the Regime view, sent in parts (as `terrain.csv`): the last part
   * validates it (the CLI's rules, one line naming the row) and runs the five classifiers as
   * `regime --csv FILE --compare` does (progress as `task.progress` "regime.compareCsv"). No true
   * regimes in a file, so no accuracy. Nothing is stored.
   */
  'regime.compareCsv': {
    request: RegimeCsvCompareRequest,
    response: RegimeCsvCompareResponse
  }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

export type Methods = typeof methods
export type MethodName = keyof Methods
/** What a caller passes (defaults may be omitted). */
export type MethodParams<M extends MethodName> = z.input<Methods[M]['request']>
/** What a handler receives, after validation and defaults. */
export type MethodInput<M extends MethodName> = z.output<Methods[M]['request']>
export type MethodResult<M extends MethodName> = z.output<Methods[M]['response']>

export const methodNames = Object.keys(methods) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
