import { z } from 'zod'
import { PortfolioId } from './portfolio'
import { PresetId, RunId } from './runs'

// The risk desk beyond VaR/ES (issue 18, items 3–5 and 7): a stored portfolio's stress table
// and reverse stress, its limits with the constraint events they log, the walk-forward of one
// member's lab parameter, and the portfolio's append-only log that keeps the last two.

/** A user shock (src/main/risk/shocks.ts): correlations towards one, volatility × k, n more steps of the stress regime. */
export const StressShock = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('corr'), level: z.number().min(0, { error: 'must be a level in [0, 1]' }).max(1, { error: 'must be a level in [0, 1]' }) }),
  z.strictObject({ kind: z.literal('vol'), factor: z.number().min(0, { error: 'must be a factor ≥ 0' }).max(1_000, { error: 'must be at most 1000' }) }),
  z.strictObject({ kind: z.literal('regime'), steps: z.int().min(0, { error: 'must be ≥ 0 steps' }).max(1_000_000, { error: 'must be at most 1000000 steps' }) })
])
export type StressShock = z.infer<typeof StressShock>

export const DEFAULT_STRESS_SHOCKS: StressShock[] = [
  { kind: 'corr', level: 1 },
  { kind: 'vol', factor: 2 },
  { kind: 'regime', steps: 60 }
]

const LossLimit = z.number().gt(0, { error: 'must be a fraction in (0, 1)' }).lt(1, { error: 'must be a fraction in (0, 1)' })

export const PortfolioStressRequest = z.strictObject({
  id: PortfolioId,
  shocks: z.array(StressShock).max(20, { error: 'at most 20 shocks' }).default(DEFAULT_STRESS_SHOCKS),
  /** The loss limit, a maximum drawdown (fraction of equity) that a scenario breaches at or above. */
  lossLimit: LossLimit.default(0.1),
  /** Re-run every member's stress menu (one lab run per variant, in the engine process). */
  menus: z.boolean().default(false)
})

/** One row of the stress table: a scenario's portfolio path under today's weights, and the pod that lost most in its worst drawdown. */
export const StressScenario = z.strictObject({
  name: z.string(),
  kind: z.enum(['base', 'shock', 'menu', 'combined']),
  totalReturn: z.number(),
  /** Portfolio loss: the path's maximum drawdown (fraction of equity). */
  maxDrawdown: z.number(),
  worstStep: z.number(),
  /** The pod with the most negative weighted return from the drawdown's peak to its trough (null: no drawdown). */
  worstPod: z.strictObject({ runId: RunId, lab: z.string(), loss: z.number() }).nullable(),
  breaches: z.boolean()
})
export type StressScenario = z.infer<typeof StressScenario>

export const ReverseStressRow = z.strictObject({
  kind: z.enum(['corr', 'vol', 'regime']),
  /** The smallest shock of this kind whose drawdown reaches the loss limit; null when none up to `searched` does. */
  shock: z.number().nullable(),
  loss: z.number().nullable(),
  searched: z.number(),
  alreadyBreached: z.boolean()
})
export type ReverseStressRow = z.infer<typeof ReverseStressRow>

export const PortfolioStressReport = z.strictObject({
  id: PortfolioId,
  lossLimit: z.number(),
  steps: z.int(),
  weights: z.array(z.number()),
  scenarios: z.array(StressScenario),
  reverse: z.array(ReverseStressRow),
  /** The log entry this report was stored as (the same request is stored once). */
  logSeq: z.int()
})
export type PortfolioStressReport = z.infer<typeof PortfolioStressReport>

const Threshold = z.number().gt(0, { error: 'must be > 0' }).max(1_000)
/** The limits a desk sets (src/main/risk/limits.ts); an absent one takes its default. */
export const PortfolioLimitSet = z.strictObject({
  maxPodWeight: Threshold.optional(),
  maxFamilyWeight: Threshold.optional(),
  maxAssetClassWeight: Threshold.optional(),
  maxPosition: Threshold.optional(),
  maxCorrelation: Threshold.optional(),
  maxGross: Threshold.optional(),
  /** |Σ weight × net exposure| at the worst step, fraction of equity; measured only where every pod's unit is a fraction of equity. */
  maxNet: Threshold.optional(),
  maxDrawdown: Threshold.optional()
})
export type PortfolioLimitSet = z.infer<typeof PortfolioLimitSet>
export const LIMIT_NAMES = Object.keys(PortfolioLimitSet.shape) as Array<keyof PortfolioLimitSet>

export const LimitRule = z.enum(['pod_concentration', 'family_concentration', 'asset_class_concentration', 'single_position', 'pod_correlation', 'gross_exposure', 'net_exposure', 'drawdown_stop'])
export const LimitAction = z.enum(['cap_and_redistribute', 'cap_pair', 'scale_to_cash', 'flatten'])

export const PortfolioLimitsRequest = z.strictObject({ id: PortfolioId, limits: PortfolioLimitSet.default({}) })

/** A limit as the table shows it: what the book measures before any action, the threshold, and what binding it did. */
export const LimitRow = z.strictObject({
  limit: z.enum(LIMIT_NAMES as [keyof PortfolioLimitSet, ...Array<keyof PortfolioLimitSet>]),
  rule: LimitRule,
  /** Null when the book cannot measure it (net or gross exposure across pods whose units differ, single position with no pod in fraction of equity: `note` says why; a value read on some pods only has a note naming the others). */
  value: z.number().nullable(),
  /** The step the value is measured at: the worst step for the exposure limits read over every step, null for today's weights. */
  at: z.int().nullable(),
  threshold: z.number(),
  /** `breach`: the value is over the threshold or the limit bound (a value over it may have been brought within by an earlier limit's action); `unmeasured`: no value. */
  status: z.enum(['ok', 'breach', 'unmeasured']),
  note: z.string().nullable(),
  /** The actions this limit took, in order (empty when it did not bind). */
  actions: z.array(z.strictObject({ action: LimitAction, message: z.string() }))
})
export type LimitRow = z.infer<typeof LimitRow>

/** One entry of a portfolio's log: append-only, each linked to the one before (the first to the portfolio's own link). */
export const PortfolioLogEntry = z.strictObject({
  portfolioId: PortfolioId,
  seq: z.int(),
  /** `check`: a limit check, breached or not, with the limits and the values it measured. */
  kind: z.enum(['constraint_event', 'stress', 'walk_forward', 'check']),
  /** The request this entry answers, hashed: the same request is logged once. */
  requestHash: z.string(),
  /** For a constraint event: the step it binds at, its rule, action and message, the weights before and after. */
  t: z.int().nullable(),
  rule: z.string().nullable(),
  action: z.string().nullable(),
  message: z.string(),
  before: z.array(z.number()).nullable(),
  after: z.array(z.number()).nullable(),
  createdAt: z.string(),
  link: z.string()
})
export type PortfolioLogEntry = z.infer<typeof PortfolioLogEntry>

export const PortfolioLimitsReport = z.strictObject({
  id: PortfolioId,
  limits: z.record(z.string(), z.number()),
  rows: z.array(LimitRow),
  /** Weights after every limit acted, the cash left, and the gross exposure. */
  weights: z.array(z.number()),
  cash: z.number(),
  gross: z.number(),
  path: z.strictObject({ totalReturn: z.number(), maxDrawdown: z.number(), stoppedAt: z.int().nullable() }),
  /** The check entry this limit set logged, breached or not (null only in a log written before checks were logged). */
  check: PortfolioLogEntry.nullable(),
  /** The constraint events this limit set logged, as stored in the portfolio's log. */
  events: z.array(PortfolioLogEntry)
})
export type PortfolioLimitsReport = z.infer<typeof PortfolioLimitsReport>

/** A scalar a walk-forward tries for the parameter. */
const CandidateValue = z.union([z.number(), z.string().max(200), z.boolean()])

export const PortfolioWalkForwardRequest = z
  .strictObject({
    id: PortfolioId,
    /** The member whose lab, preset, seed and overrides the candidates share. */
    runId: RunId,
    /** A config path of that lab, e.g. `policy.entry_z`. */
    param: z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, { error: 'must be a config path such as policy.entry_z' }).max(200),
    values: z.array(CandidateValue).min(2, { error: 'needs at least two values to choose between' }).max(16, { error: 'at most 16 values' }),
    train: z.int().min(2, { error: 'must be at least 2 steps' }).max(10_000_000),
    test: z.int().min(2, { error: 'must be at least 2 steps' }).max(10_000_000),
    /** Steps between folds; the test window when absent. */
    step: z.int().min(1, { error: 'must be at least 1 step' }).max(10_000_000).optional(),
    anchored: z.boolean().default(false),
    /** CSCV blocks for PBO: even, 2–32; absent, the largest even number ≤ 16 leaving 2 steps a block. */
    blocks: z.int().min(2).max(32).optional(),
    purge: z.int().min(0).max(10_000_000).default(0)
  })
  .superRefine((r, ctx) => {
    if (r.blocks !== undefined && r.blocks % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['blocks'], message: 'must be even (CSCV splits the blocks in halves)' })
    if (new Set(r.values.map((v) => JSON.stringify(v))).size !== r.values.length) ctx.addIssue({ code: 'custom', path: ['values'], message: 'must not list a value twice' })
  })

export const WalkForwardFold = z.strictObject({
  trainFrom: z.int(),
  trainTo: z.int(),
  testFrom: z.int(),
  testTo: z.int(),
  chosen: CandidateValue,
  inSample: z.number(),
  outOfSample: z.number(),
  bestOutOfSample: z.number()
})

export const PortfolioWalkForwardReport = z.strictObject({
  id: PortfolioId,
  runId: RunId,
  lab: z.string(),
  preset: PresetId,
  seed: z.int(),
  param: z.string(),
  values: z.array(CandidateValue),
  steps: z.int(),
  windows: z.strictObject({ train: z.int(), test: z.int(), step: z.int(), anchored: z.boolean() }),
  folds: z.array(WalkForwardFold),
  inSample: z.number(),
  outOfSample: z.number(),
  efficiency: z.number().nullable(),
  outOfSampleReturn: z.number().nullable(),
  pbo: z.strictObject({ value: z.number(), blocks: z.int(), splits: z.int(), probabilityOfLoss: z.number() }),
  cpcv: z.strictObject({ groups: z.int(), testGroups: z.int(), purge: z.int(), inSample: z.number(), outOfSample: z.number(), paths: z.int() }),
  logSeq: z.int()
})
export type PortfolioWalkForwardReport = z.infer<typeof PortfolioWalkForwardReport>

/** Above this PBO, the selection is called overfit (Bailey et al. 2017 read PBO > 0.5 as worse than chance). */
export const PBO_OVERFIT = 0.5

/** A kind of desk report through the log: the newest's verdict, how many came before, and the verdicts they gave. */
export const DeskHistory = z.strictObject({
  earlier: z.int(),
  newestVerdict: z.string(),
  /** The distinct verdicts of the earlier reports, oldest first. */
  earlierVerdicts: z.array(z.string()),
  changed: z.boolean()
})
export type DeskHistory = z.infer<typeof DeskHistory>

/** The stress verdict: whether some scenario breached its loss limit. */
export const stressVerdict = (r: Pick<PortfolioStressReport, 'scenarios' | 'lossLimit'>): string => (r.scenarios.some((s) => s.breaches) ? 'some scenario breaches the loss limit' : 'no scenario breaches the loss limit')
/** The walk-forward verdict: overfit or not by PBO. */
export const walkForwardVerdict = (r: Pick<PortfolioWalkForwardReport, 'pbo'>): string => (r.pbo.value > PBO_OVERFIT ? 'overfit' : 'not overfit')

/** What a run's memo states of the desk's stored work on the newest portfolio holding it. */
export const RiskDeskMemoFacts = z.strictObject({
  portfolioId: PortfolioId,
  stress: PortfolioStressReport.nullable(),
  /** The newest limit check: when, the limits it used, each limit's value and status, and its constraint events (each with its action). */
  limits: z
    .strictObject({
      limits: z.record(z.string(), z.number()),
      checkedAt: z.string(),
      /** The check entry's seq; null for a log written before checks were logged (then only breaches are known). */
      checkSeq: z.int().nullable(),
      checked: z
        .strictObject({
          limits: z.record(z.string(), z.number()),
          rows: z.array(z.strictObject({ limit: z.string(), value: z.number().nullable(), at: z.int().nullable().optional(), threshold: z.number(), status: z.enum(['ok', 'breach', 'unmeasured']) }))
        })
        .nullable(),
      events: z.array(PortfolioLogEntry)
    })
    .nullable(),
  walkForward: PortfolioWalkForwardReport.nullable(),
  /** Whether the portfolio's log verifies link by link. */
  logIntact: z.boolean(),
  /** How many stress tests and walk-forwards were logged before the newest, and whether their verdicts differ from its. */
  history: z.strictObject({ stress: DeskHistory.nullable(), walkForward: DeskHistory.nullable() }).optional()
})
export type RiskDeskMemoFacts = z.infer<typeof RiskDeskMemoFacts>
