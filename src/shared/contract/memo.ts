import { z } from 'zod'
import { AgentBlock } from './agent'
import { AgentComparison } from './agent-comparison'
import { RunAudit } from './audit'
import { describeValue } from './errors'
import { RunId } from './runs'
import { PortfolioMemoFacts } from './portfolio'
import { RiskDeskMemoFacts } from './portfolio-desk'

// The committee memo of a run: facts computed from the run and its stress comparisons, the
// narrative a person writes beside them, and the files it exports to.

/** The book's one-page chapter memo, six fields [BOOK L96], in the book's order and words. */
export const MEMO_FIELDS = [
  { id: 'mechanism', title: 'Mechanism in one sentence' },
  { id: 'surface', title: 'Surface and key features' },
  { id: 'constrainedActions', title: 'Constrained actions' },
  { id: 'costDrivers', title: 'Dominant cost drivers' },
  { id: 'stressBreaks', title: 'What breaks the strategy under stress' },
  { id: 'riskControl', title: 'Mandatory risk control for a real deployment' }
] as const

/** The investment/risk-committee package [BOOK L729–737], in the book's order and words. */
export const COMMITTEE_SECTIONS = [
  { id: 'harvest', title: 'Mechanism and what is harvested' },
  { id: 'stateSurface', title: 'State → surface-feature mapping' },
  { id: 'sizing', title: 'Instrument set and sizing in risk units' },
  { id: 'executionPlan', title: 'State-dependent execution plan and cost assumptions' },
  { id: 'fundingMargin', title: 'Funding/margin analysis' },
  { id: 'correlation', title: 'Regime-dependent correlation analysis' },
  { id: 'controls', title: 'Pre-defined control actions' }
] as const

/** The six memo fields, then the seven committee sections (a test pins this against the lists above). */
export const MEMO_FIELD_IDS = ['mechanism', 'surface', 'constrainedActions', 'costDrivers', 'stressBreaks', 'riskControl', 'harvest', 'stateSurface', 'sizing', 'executionPlan', 'fundingMargin', 'correlation', 'controls'] as const
export const MemoFieldId = z.enum(MEMO_FIELD_IDS, { error: `must be one of: ${MEMO_FIELD_IDS.join(', ')}` })
export type MemoFieldId = z.infer<typeof MemoFieldId>

/** Per field; 13 fields at this length still fit one 64 KiB message. */
export const MAX_MEMO_FIELD_CHARS = 4000

const Hash = z.string()
const MaybeNumber = z.number().nullable()

export const ConstraintHit = z.strictObject({ rule: z.string(), t: z.int(), message: z.string() })
export type ConstraintHit = z.infer<typeof ConstraintHit>

export const ConstraintFacts = z.strictObject({
  total: z.int(),
  /** Rules in order of their first event. */
  byRule: z.array(z.strictObject({ rule: z.string(), count: z.int(), firstT: z.int(), firstMessage: z.string() })),
  /** The rule of the earliest constraint event. */
  firstBinding: ConstraintHit.nullable(),
  /** The rule with the most events (ties: the one that bound first). */
  mostFrequent: z.strictObject({ rule: z.string(), count: z.int() }).nullable()
})
export type ConstraintFacts = z.infer<typeof ConstraintFacts>

export const StressComparison = z.strictObject({
  name: z.string(),
  overrides: z.record(z.string(), z.unknown()),
  /** The stored run of this variant (null when it could not run). */
  runId: RunId.nullable(),
  configHash: Hash.nullable(),
  resultsHash: Hash.nullable(),
  error: z.string().nullable(),
  steps: z.int().nullable(),
  halted: z.boolean().nullable(),
  netPnl: MaybeNumber,
  deltaNetPnl: MaybeNumber,
  maxDrawdown: MaybeNumber,
  totalCost: MaybeNumber,
  dominantCost: z.string().nullable(),
  constraintEvents: z.int().nullable(),
  firstBinding: ConstraintHit.nullable(),
  /** "Which constraint became binding": rules with more events than in the base run. */
  constraintsBinding: z.array(z.strictObject({ rule: z.string(), base: z.int(), stressed: z.int() })),
  /** "Which costs exploded": the component whose total grew the most against the base. */
  costExploded: z.strictObject({ component: z.string(), base: z.number(), stressed: z.number(), ratio: MaybeNumber }).nullable(),
  /** "Which actions changed": action counts that differ from the base, largest change first. */
  actionsChanged: z.array(z.strictObject({ action: z.string(), base: z.int(), stressed: z.int() }))
})
export type StressComparison = z.infer<typeof StressComparison>

export const SurfaceFacts = z.strictObject({
  name: z.string(),
  unit: z.string(),
  layout: z.string(),
  axes: z.array(z.strictObject({ name: z.string(), unit: z.string(), size: z.int() })),
  /** Frames the feature means were taken over (every `stride`-th step). */
  frames: z.int(),
  stride: z.int(),
  features: z.array(
    z.strictObject({ name: z.string(), unit: z.string(), description: z.string(), mean: MaybeNumber, byRegime: z.record(z.string(), MaybeNumber) })
  )
})
export type SurfaceFacts = z.infer<typeof SurfaceFacts>

/** Everything the memo states as fact, each number from the run's stored results, log and events. */
/**
 * The market-terrain lab's own facts (seed 004): fault lines, hardness, watersheds, the trailhead,
 * the regime grouping against the true regimes and the walk-forward folds, from its report's
 * telemetry blocks (absent for every other lab).
 */
export const TerrainFacts = z.strictObject({
  faultAlerts: z.int(),
  strongestAlerts: z.array(z.strictObject({ bar: z.int(), pair: z.array(z.string()), z: z.number() })),
  meanEigenHardness: MaybeNumber,
  meanEdgeHardness: MaybeNumber,
  clusters: z.array(z.array(z.string())),
  trailhead: z.strictObject({ preset: z.string(), fires: z.int(), logs: z.int(), quiet: z.int() }).nullable(),
  groupingBars: z.strictObject({ train: z.tuple([z.int(), z.int()]), test: z.tuple([z.int(), z.int()]) }).nullable(),
  grouping: z.array(z.strictObject({ method: z.string(), accuracy: z.number(), onlineAccuracy: z.number(), switches: z.int(), meanTimeToDetection: MaybeNumber, falseSwitches: z.int(), lambda: MaybeNumber })),
  walkForward: z.array(z.strictObject({ test: z.tuple([z.int(), z.int()]), riskZOff: z.number(), totalReturn: MaybeNumber, sharpe: MaybeNumber, maxDrawdown: z.number() }))
})
export type TerrainFacts = z.infer<typeof TerrainFacts>

export const MemoFacts = z.strictObject({
  run: z.strictObject({
    id: RunId,
    lab: z.string(),
    labTitle: z.string(),
    chapter: z.int(),
    description: z.string(),
    preset: z.string(),
    seed: z.int(),
    overrides: z.record(z.string(), z.unknown()),
    steps: z.int(),
    plannedSteps: z.int(),
    halted: z.boolean(),
    createdAt: z.string(),
    finishedAt: z.string().nullable()
  }),
  manifest: z.strictObject({
    configHash: Hash,
    resultsHash: Hash,
    chainHead: Hash.nullable(),
    codeVersion: z.string(),
    environment: z.strictObject({ runtime: z.string(), platform: z.string() })
  }),
  instruments: z.array(z.string()),
  actions: z.array(z.string()),
  regimes: z.array(z.string()),
  corrections: z.array(z.strictObject({ id: z.string(), title: z.string() })),
  metrics: z.array(z.strictObject({ name: z.string(), value: MaybeNumber })),
  totals: z.strictObject({ netPnl: z.number(), cost: z.number(), finalEquity: MaybeNumber, maxDrawdown: z.number(), maxLeverage: z.number() }),
  costs: z.strictObject({
    components: z.array(z.strictObject({ name: z.string(), total: z.number(), share: MaybeNumber })),
    dominant: z.string().nullable()
  }),
  constraints: ConstraintFacts,
  /** Action counts per regime, from the decision log. */
  actionsByRegime: z.array(z.strictObject({ regime: z.string(), steps: z.int(), counts: z.record(z.string(), z.int()) })),
  /** Net P&L, cost and P&L by component per regime, summed over the decision log. */
  regimePnl: z.array(z.strictObject({ regime: z.string(), steps: z.int(), netPnl: z.number(), cost: z.number(), pnlByComponent: z.record(z.string(), z.number()) })),
  pnlComponents: z.array(z.string()),
  /** Correlation of each pair of P&L components within each regime (null where one does not vary). */
  pnlCorrelation: z.array(z.strictObject({ regime: z.string(), pairs: z.array(z.strictObject({ a: z.string(), b: z.string(), r: MaybeNumber })) })),
  surface: SurfaceFacts.nullable(),
  stress: z.strictObject({
    /** How the variants were obtained. */
    method: z.string(),
    variants: z.array(StressComparison),
    /** The variant with the lowest net P&L, when one is below the base. */
    worst: z.string().nullable()
  }),
  /** What the book's agent did, for a run asked to use one (absent: the rule baseline decided alone). */
  agent: AgentBlock.optional(),
  /** Agent against the rule baseline over the stored seed ensemble this run belongs to (absent: no such pairs stored). */
  agentComparison: AgentComparison.optional(),
  terrain: TerrainFacts.optional(),
  /** The newest stored portfolio holding the run, with its risk (absent: the run is in none). */
  portfolio: PortfolioMemoFacts.optional(),
  /** The risk desk's newest stress, limit breaches and walk-forward logged on that portfolio (absent with it). */
  riskDesk: RiskDeskMemoFacts.optional()
})
export type MemoFacts = z.infer<typeof MemoFacts>

const FieldText = z.string().max(MAX_MEMO_FIELD_CHARS, { error: `must be at most ${MAX_MEMO_FIELD_CHARS.toLocaleString('en-US')} characters` })

export const MemoNarrative = z.strictObject({
  /** Every field, '' where nothing was written. */
  fields: z.record(z.string(), z.string()),
  /** When the narrative was last saved (not part of any export). */
  updatedAt: z.string().nullable(),
  /** Saved edits so far (the history is append-only). */
  edits: z.int()
})
export type MemoNarrative = z.infer<typeof MemoNarrative>

export const MemoView = z.strictObject({
  runId: RunId,
  facts: MemoFacts,
  narrative: MemoNarrative,
  verification: RunAudit
})
export type MemoView = z.infer<typeof MemoView>

export const MemoSaveRequest = z.strictObject({
  runId: RunId,
  fields: z.partialRecord(MemoFieldId, FieldText)
})

export const MemoFormat = z.enum(['md', 'html', 'zip', 'pdf'], { error: 'must be "md", "html", "zip" or "pdf"' })
export type MemoFormat = z.infer<typeof MemoFormat>

/** A file name is at most this many bytes in UTF-8 (NAME_MAX on Linux and macOS). */
export const MAX_EXPORT_NAME_BYTES = 255

/** Characters Windows refuses in a name and macOS treats as a separator (":"); refused everywhere, so a name works on every host. */
const NOT_PORTABLE = /[<>:"|?*]/
/** C0 and C1 controls, text-direction controls (a name that reads backwards) and lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cs}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** A name quoted for a message, with anything invisible spelled out (`\u202e`), so the message reads as written. */
function shownName(name: string): string {
  return describeValue(name).replace(new RegExp(INVISIBLE.source, 'gu'), (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

/**
 * What is wrong with a file name a client gave for an export, or null when it is a plain file
 * name. An export is written inside one folder the host chose (or where the save dialog
 * says), so a client names a file, never a folder or a path: no separators, no "." or ".."
 * (nor any name starting with "."), nothing invisible, at most 255 bytes.
 */
export function exportNameProblem(name: string): string | null {
  if (name.length === 0) return 'must name a file'
  if (/[/\\]/.test(name)) return 'must be a file name, not a path: no "/" or "\\" (the workstation chooses the folder)'
  if (name.startsWith('.')) return 'must not start with "." (no ".", "..", or hidden files)'
  if (INVISIBLE.test(name)) return 'must not contain control characters, text-direction marks or unpaired surrogates'
  if (NOT_PORTABLE.test(name)) return 'must not contain any of < > : " | ? *'
  if (/[ .]$/.test(name)) return 'must not end with a space or "."'
  const bytes = new TextEncoder().encode(name).length
  if (bytes > MAX_EXPORT_NAME_BYTES) return `must be at most ${MAX_EXPORT_NAME_BYTES} bytes in UTF-8 (got ${bytes})`
  return null
}

/** A file name in the export folder (see `exportNameProblem`); its extension must be the format's. */
export const ExportName = z
  .string({ error: 'must be a file name (a string)' })
  .superRefine((name, ctx) => {
    const problem = exportNameProblem(name)
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got ${shownName(name)})` })
  })

/** A backup's file name beside the database (see `exportNameProblem`), ending in ".db". */
export const BackupName = ExportName.refine((name) => exportNameProblem(name) !== null || name.toLowerCase().endsWith('.db'), {
  error: (issue) => `must end in ".db" (got ${shownName(String(issue.input))})`
})

/** The file extension each export format is written with. */
export const EXPORT_EXTENSIONS = { md: 'md', html: 'html', zip: 'zip', pdf: 'pdf', csv: 'csv', json: 'json' } as const

function extensionIssue(name: unknown, format: unknown, ctx: z.RefinementCtx): void {
  if (typeof name !== 'string' || exportNameProblem(name) !== null || typeof format !== 'string' || !Object.hasOwn(EXPORT_EXTENSIONS, format)) return
  const extension = `.${EXPORT_EXTENSIONS[format as keyof typeof EXPORT_EXTENSIONS]}`
  if (!name.toLowerCase().endsWith(extension)) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `must end in "${extension}" for the ${format} format (got ${shownName(name)})` })
  }
}

/**
 * Where an export goes is the host's choice, never a path from the client: under the browser
 * host (and the CLI) a file `name` in the export folder chosen at start-up; under Electron, the
 * file the user picks in main's save dialog (`name` is its suggestion). A file that exists is
 * replaced only with `overwrite: true`, which the UI sets after asking the user (Electron's
 * dialog asks itself).
 */
const ExportWhere = {
  /** Default `run-<id>-memo.<ext>` / `run-<id>-<table>.<ext>`. */
  name: ExportName.optional(),
  /** Replace a file of that name; without it an existing file is refused and left as it was. */
  overwrite: z.boolean({ error: 'must be true or false' }).default(false)
}

export const MemoExportRequest = z
  .strictObject({
    runId: RunId,
    format: MemoFormat,
    ...ExportWhere
  })
  .superRefine((r, ctx) => extensionIssue(r.name, r.format, ctx))

export const ExportedFile = z.strictObject({ path: z.string(), bytes: z.int(), sha256: Hash })
export type ExportedFile = z.infer<typeof ExportedFile>

export const MemoRenderRequest = z.strictObject({ runId: RunId, format: z.enum(['md', 'html'], { error: 'must be "md" or "html"' }) })
export const MemoRendered = z.strictObject({ format: z.enum(['md', 'html']), text: z.string(), bytes: z.int(), sha256: Hash })

export const RunTable = z.enum(['metrics', 'actions', 'steps', 'events'], { error: 'must be "metrics", "actions", "steps" or "events"' })
export type RunTable = z.infer<typeof RunTable>

/** The name an export gets when the client gives none: `run-12-memo.md`, `run-12-steps.csv`. */
export function exportFileName(runId: number, what: 'memo' | RunTable, format: keyof typeof EXPORT_EXTENSIONS): string {
  return `run-${runId}-${what}.${EXPORT_EXTENSIONS[format]}`
}

export const ExportTableRequest = z
  .strictObject({
    runId: RunId,
    table: RunTable,
    format: z.enum(['csv', 'json'], { error: 'must be "csv" or "json"' }),
    ...ExportWhere
  })
  .superRefine((r, ctx) => extensionIssue(r.name, r.format, ctx))
export const ExportedTable = z.strictObject({ path: z.string(), bytes: z.int(), sha256: Hash, rows: z.int() })
