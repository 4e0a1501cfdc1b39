import { z } from 'zod'

// The book's question over a seed ensemble — does the agent add value after costs? — as the
// engine answers it: the same lab, seeds (same paths), risk gate and costs, run once with the
// rule baseline and once with the agent, compared seed by seed. Shared by the CLI's
// `compare-agent --json`, the memo and the compare view.

const num = z.number()
const nullableNumber = z.number().nullable()

/** What each run of a pair is measured by, the same for every lab (from its decision log). */
export const OutcomeMeasure = z.enum(['netPnl', 'sharpe', 'maxDrawdown', 'costs'])
export type OutcomeMeasure = z.infer<typeof OutcomeMeasure>

export const RunMeasures = z.strictObject({
  steps: z.int(),
  /** Σ net P&L over the run (after costs), in the lab's equity units. */
  netPnl: num,
  /** Mean over sample standard deviation of the per-step returns net P&L / equity before the step; not annualised (labs' steps differ). */
  sharpe: nullableNumber,
  /** Largest drawdown of the run, as the lab's ledger measures it (a fraction of the peak). */
  maxDrawdown: num,
  /** Σ execution costs. */
  costs: num
})
export type RunMeasures = z.infer<typeof RunMeasures>

/** The agent's side of one pair: the notebooks' LLM metrics of its run. */
export const PairAgentStats = z.strictObject({
  calls: z.int(),
  valid: z.int(),
  controlShare: nullableNumber,
  fallbacks: z.record(z.string(), z.int())
})
export type PairAgentStats = z.infer<typeof PairAgentStats>

export const SeedPair = z.strictObject({
  seed: z.int(),
  baseline: RunMeasures,
  agent: RunMeasures,
  agentStats: PairAgentStats,
  /** Stored runs of the pair, when they were stored. */
  baselineRunId: z.int().optional(),
  agentRunId: z.int().optional()
})
export type SeedPair = z.infer<typeof SeedPair>

const Interval = z.tuple([num, num]).nullable()

/** One measure's paired result: differences are agent − baseline. */
export const MeasureComparison = z.strictObject({
  measure: OutcomeMeasure,
  /** Which way of the difference favours the agent. */
  better: z.enum(['higher', 'lower']),
  /** Pairs with the measure defined in both runs. */
  n: z.int(),
  meanDiff: nullableNumber,
  sdDiff: nullableNumber,
  /** Paired t interval of the mean difference at the comparison's confidence (null below 2 pairs). */
  tInterval: Interval,
  tPValue: nullableNumber,
  /** Percentile bootstrap interval of the mean difference (seeded resamples of the pairs). */
  bootstrapInterval: Interval,
  /** Seeds where the agent did better, worse, the same. */
  wins: z.int(),
  losses: z.int(),
  ties: z.int(),
  winShare: nullableNumber,
  /** Exact two-sided sign test of wins against losses (ties left out). */
  signTestP: nullableNumber
})
export type MeasureComparison = z.infer<typeof MeasureComparison>

export const AgentComparison = z.strictObject({
  lab: z.string(),
  preset: z.string(),
  seeds: z.array(z.int()),
  confidence: num,
  bootstrap: z.strictObject({ resamples: z.int(), seed: z.int() }),
  pairs: z.array(SeedPair),
  measures: z.array(MeasureComparison),
  agent: z.strictObject({
    calls: z.int(),
    valid: z.int(),
    validityRate: nullableNumber,
    /** Mean over seeds of each agent run's control share. */
    controlShare: nullableNumber,
    fallbacks: z.record(z.string(), z.int())
  }),
  /** One sentence for people: the net P&L answer, with its interval and win share. */
  verdict: z.string()
})
export type AgentComparison = z.infer<typeof AgentComparison>
