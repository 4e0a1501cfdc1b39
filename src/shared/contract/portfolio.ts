import { z } from 'zod'
import { RunId } from './runs'

/** How a portfolio weights its pods (see src/main/risk/weights.ts and hrp.ts). */
export const WeightScheme = z.enum(['fixed', 'equal', 'inverse-vol', 'vol-target', 'risk-parity', 'hrp'])
export type WeightScheme = z.infer<typeof WeightScheme>

/** How runs of different lengths share a calendar: `exact` refuses them, `common` keeps the steps they all have. */
export const AlignmentRule = z.enum(['exact', 'common'])
export type AlignmentRule = z.infer<typeof AlignmentRule>

export const PortfolioId = z.int().positive()

export const PORTFOLIO_MAX_PODS = 50

/**
 * What defines a stored portfolio: with its members' results hashes it is the portfolio's
 * identity (its hash), so every field that changes a number is here and nothing else is.
 */
export const PortfolioSpec = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'must name the portfolio' }).max(80, { error: 'must be at most 80 characters' }),
    runIds: z
      .array(RunId, { error: 'must list run ids' })
      .min(1, { error: 'must list at least one run' })
      .max(PORTFOLIO_MAX_PODS, { error: `must list at most ${PORTFOLIO_MAX_PODS} runs` })
      .refine((ids) => new Set(ids).size === ids.length, { error: 'must not list a run twice' }),
    align: AlignmentRule.default('exact'),
    scheme: WeightScheme.default('equal'),
    /** For `fixed`: one weight per run, summing to 1. */
    fixed: z.array(z.number().min(-10).max(10)).optional(),
    /** For `vol-target`: the target volatility per step. */
    volTarget: z.number().positive({ error: 'must be > 0' }).max(1).optional(),
    /** Trailing returns the estimated schemes read at each rebalance. */
    window: z.int().min(20, { error: 'must be at least 20 steps' }).max(100_000).default(250),
    rebalanceEvery: z.int().min(1, { error: 'must be at least 1 step' }).max(100_000).default(20),
    costBps: z.number().min(0, { error: 'must be ≥ 0' }).max(1_000, { error: 'must be at most 1000 basis points' }).default(1)
  })
  .superRefine((spec, ctx) => {
    if (spec.scheme === 'fixed') {
      if (!spec.fixed) return void ctx.addIssue({ code: 'custom', path: ['fixed'], message: 'fixed weights need one weight per run' })
      if (spec.fixed.length !== spec.runIds.length) return void ctx.addIssue({ code: 'custom', path: ['fixed'], message: `lists ${spec.fixed.length} weights for ${spec.runIds.length} runs` })
      const sum = spec.fixed.reduce((a, b) => a + b, 0)
      if (Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['fixed'], message: `fixed weights must sum to 1 (got ${sum})` })
    } else if (spec.fixed !== undefined) ctx.addIssue({ code: 'custom', path: ['fixed'], message: `applies only to the fixed scheme (the scheme is ${spec.scheme})` })
    if (spec.scheme === 'vol-target' && spec.volTarget === undefined) ctx.addIssue({ code: 'custom', path: ['volTarget'], message: 'the vol-target scheme needs the target volatility per step' })
    if (spec.scheme !== 'vol-target' && spec.volTarget !== undefined) ctx.addIssue({ code: 'custom', path: ['volTarget'], message: 'applies only to the vol-target scheme' })
  })
export type PortfolioSpec = z.output<typeof PortfolioSpec>
export type PortfolioSpecInput = z.input<typeof PortfolioSpec>

export const PortfolioMember = z.strictObject({
  runId: RunId,
  lab: z.string(),
  preset: z.string(),
  resultsHash: z.string(),
  /** The member's decision-log chain head when the portfolio was made (null for a run written before chaining). */
  chainHead: z.string().nullable()
})
export type PortfolioMember = z.infer<typeof PortfolioMember>

export const PortfolioSummary = z.strictObject({
  id: PortfolioId,
  name: z.string(),
  createdAt: z.string(),
  scheme: WeightScheme,
  pods: z.int(),
  /** sha256 over the spec and the members' results hashes and chain heads. */
  hash: z.string(),
  /** sha256 over the book's series (equity, per-pod P&L, exposure, cost) when it was made. */
  resultsHash: z.string(),
  /** This portfolio's link in the chain of portfolios (each links the one before). */
  link: z.string(),
  totalReturn: z.number()
})
export type PortfolioSummary = z.infer<typeof PortfolioSummary>

/**
 * Signed net exposure (Σ the legs' positions). A pod with a compound ledger holds positions in
 * fraction of its equity, so its net times its share of the book is a fraction of the book's
 * equity and such pods sum; an additive ledger's positions are lots or notional, shown in the
 * pod's own units with no total.
 */
export const NetExposure = z.strictObject({
  pods: z.array(
    z.strictObject({
      runId: RunId,
      lab: z.string(),
      ledger: z.enum(['compound', 'additive']),
      unit: z.enum(['fraction of equity', 'lab units']),
      /** The pod's own net at the last step, and its range over the calendar, in `unit`. */
      last: z.number(),
      min: z.number(),
      max: z.number(),
      /** Its share of the book × its net at the last step: a fraction of the book's equity (null for lab units). */
      inBook: z.number().nullable()
    })
  ),
  /** The book's net, Σ inBook, at the last step and at its largest size (signed, with the step); null with `note` when some pod is in lab units. */
  total: z.number().nullable(),
  worst: z.strictObject({ value: z.number(), at: z.int() }).nullable(),
  note: z.string().nullable()
})
export type NetExposure = z.infer<typeof NetExposure>

export const BookSummary = z.strictObject({
  steps: z.int(),
  totalReturn: z.number(),
  podPnl: z.array(z.number()),
  totalCost: z.number(),
  turnover: z.number(),
  rebalances: z.int(),
  volatility: z.number(),
  maxDrawdown: z.number(),
  correlation: z.array(z.array(z.number())),
  riskContributions: z.array(z.number()),
  weights: z.array(z.number()),
  /** Net exposure per pod and, where units allow, of the whole book (read from the members' logs; absent in a summary stored before it). */
  net: NetExposure.optional()
})
export type BookSummary = z.infer<typeof BookSummary>


/** Whether a stored portfolio still stands: its members unchanged, its numbers reproduced, its link in place. */
export const PortfolioCheck = z.strictObject({
  /** Every member still has the results hash (and chain head) it had when the portfolio was made. */
  membersUnchanged: z.boolean(),
  /** The hash recomputed from the spec and the members' current hashes equals the stored one. */
  hashMatches: z.boolean(),
  /** Re-simulating the book from the members' logs gives the stored results hash. */
  reproduced: z.boolean(),
  /** The chain of portfolios verifies up to and including this one. */
  chainIntact: z.boolean(),
  problems: z.array(z.string())
})
export type PortfolioCheck = z.infer<typeof PortfolioCheck>

/** Series for charts, thinned to at most PORTFOLIO_SERIES_POINTS points (`stride` steps apart). */
export const PORTFOLIO_SERIES_POINTS = 2_000
export const BookSeries = z.strictObject({
  stride: z.int().positive(),
  /** The step each point belongs to (0 = before the first return). */
  t: z.array(z.int()),
  equity: z.array(z.number()),
  podPnl: z.array(z.array(z.number())),
  cost: z.array(z.number()),
  /** Per pod, the holding as a fraction of equity (at the start of the point's step). */
  exposure: z.array(z.array(z.number())),
  gross: z.array(z.number()),
  rebalances: z.array(z.int())
})
export type BookSeries = z.infer<typeof BookSeries>

export const PortfolioDetail = z.strictObject({
  portfolio: PortfolioSummary,
  spec: PortfolioSpec,
  members: z.array(PortfolioMember),
  summary: BookSummary,
  check: PortfolioCheck,
  series: BookSeries
})
export type PortfolioDetail = z.infer<typeof PortfolioDetail>

export const RISK_METHOD_NAMES = ['historical', 'parametric', 'cornish-fisher', 'fhs-ewma', 'fhs-garch', 'monte-carlo'] as const
export const RiskMethod = z.enum(RISK_METHOD_NAMES)
export type RiskMethod = z.infer<typeof RiskMethod>

export const PortfolioRiskRequest = z.strictObject({
  id: PortfolioId,
  confidence: z.number().gt(0, { error: 'must be in (0, 1)' }).lt(1, { error: 'must be in (0, 1)' }).default(0.99),
  window: z.int().min(20, { error: 'must be at least 20 steps' }).max(100_000).default(250),
  horizon: z.int().min(1).max(250).default(1),
  scenarios: z.int().min(100).max(100_000).default(10_000),
  seed: z.int().min(0).max(0xffff_ffff).default(1)
})

const TestResult = z.strictObject({ statistic: z.number(), pValue: z.number() })
export const Zone = z.enum(['green', 'yellow', 'red'])

export const RiskMethodReport = z.strictObject({
  var: z.number(),
  es: z.number(),
  breaches: z.int(),
  days: z.int(),
  backtests: z.strictObject({
    kupiec: TestResult,
    christoffersen: z.strictObject({ independence: TestResult, conditionalCoverage: TestResult }),
    es: z.strictObject({ test: z.literal('du-escanciano'), statistic: z.number(), pValue: z.number() }),
    zone: z.strictObject({ zone: Zone, breaches: z.int(), days: z.int() })
  })
})
export type RiskMethodReport = z.infer<typeof RiskMethodReport>

/** One method's one-step forecasts over the history, for VaR/ES bands; null before the first window. */
export const RiskBand = z.strictObject({
  var: z.array(z.number().nullable()),
  es: z.array(z.number().nullable()),
  breaches: z.array(z.int())
})

export const PortfolioRiskReport = z.strictObject({
  id: PortfolioId,
  confidence: z.number(),
  window: z.int(),
  horizon: z.int(),
  weights: z.array(z.number()),
  riskContributions: z.array(z.number()),
  methods: z.record(RiskMethod, RiskMethodReport),
  podMonteCarlo: z.strictObject({ var: z.number(), es: z.number(), scenarios: z.int() }),
  /** The portfolio's per-step returns under the weights, and each method's bands over them. */
  series: z.strictObject({ returns: z.array(z.number()), bands: z.record(RiskMethod, RiskBand) })
})
export type PortfolioRiskReport = z.infer<typeof PortfolioRiskReport>

/** What a run's memo states about the newest stored portfolio holding it: the engine's VaR/ES, backtest verdicts and contributions. */
export const PortfolioMemoFacts = z.strictObject({
  id: PortfolioId,
  name: z.string(),
  hash: z.string(),
  scheme: WeightScheme,
  steps: z.int(),
  confidence: z.number(),
  window: z.int(),
  /** This run's place in the portfolio. */
  runId: RunId,
  weight: z.number(),
  riskShare: z.number(),
  methods: z.array(
    z.strictObject({ method: RiskMethod, var: z.number(), es: z.number(), breaches: z.int(), days: z.int(), kupiecP: z.number(), conditionalCoverageP: z.number(), esP: z.number(), zone: Zone })
  ),
  pods: z.array(z.strictObject({ runId: RunId, lab: z.string(), weight: z.number(), riskShare: z.number() })),
  /** The book's net exposure per pod and, where every pod compounds, in total (absent in facts stated before it). */
  net: NetExposure.optional()
})
export type PortfolioMemoFacts = z.infer<typeof PortfolioMemoFacts>
