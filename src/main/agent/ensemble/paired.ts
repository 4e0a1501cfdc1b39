import type { AgentComparison, MeasureComparison, OutcomeMeasure, SeedPair } from '../../../shared/contract/agent-comparison'
import { Xoshiro128 } from '../../engine/rng'
import { studentTCdf, studentTQuantile } from '../../numeric/student-t'
import { percentile } from '../selector/stats'

// Agent against baseline over a seed ensemble, pair by pair (same seed ⇒ same market path, risk
// gate and costs, so the difference is the policy's alone). Three reads of the differences,
// because a seed ensemble is small and its differences are rarely normal (a drawdown stop
// makes them lumpy):
//  - the paired t interval of the mean difference: exact under normal differences, the
//    textbook answer, and what the book's "compare under identical seeds" asks for;
//  - a percentile bootstrap interval of the mean (seeded, so the same pairs give the same
//    interval): no normality assumption, but optimistic below ~10 seeds;
//  - the exact sign test of wins against losses: uses only which run won each seed, so one
//    extreme seed cannot carry the answer.

/** Which way each measure favours the agent. */
export const MEASURE_BETTER: Readonly<Record<OutcomeMeasure, 'higher' | 'lower'>> = { netPnl: 'higher', sharpe: 'higher', maxDrawdown: 'lower', costs: 'lower' }
export const MEASURES = Object.keys(MEASURE_BETTER) as OutcomeMeasure[]

export interface CompareOptions {
  lab: string
  preset: string
  /** Two-sided confidence of the intervals (0.95 by default). */
  confidence?: number
  resamples?: number
  bootstrapSeed?: number
}

/** Differences within this relative size are ties (float noise, not a policy's effect). */
const TIE = 1e-12

/** The paired comparison of an ensemble's runs; pairs in seed order. */
export function compareAgentToBaseline(pairs: readonly SeedPair[], options: CompareOptions): AgentComparison {
  const confidence = options.confidence ?? 0.95
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (got ${confidence})`)
  const resamples = options.resamples ?? 10_000
  const bootstrapSeed = options.bootstrapSeed ?? 0
  const sorted = [...pairs].sort((a, b) => a.seed - b.seed)
  const measures = MEASURES.map((m) => compareMeasure(m, sorted, confidence, resamples, bootstrapSeed))
  const agent = agentTotals(sorted)
  return {
    lab: options.lab,
    preset: options.preset,
    seeds: sorted.map((p) => p.seed),
    confidence,
    bootstrap: { resamples, seed: bootstrapSeed },
    pairs: sorted,
    measures,
    agent,
    verdict: verdict(measures.find((m) => m.measure === 'netPnl')!, confidence)
  }
}

function compareMeasure(measure: OutcomeMeasure, pairs: readonly SeedPair[], confidence: number, resamples: number, seed: number): MeasureComparison {
  const better = MEASURE_BETTER[measure]
  const diffs: number[] = []
  let wins = 0
  let losses = 0
  let ties = 0
  for (const p of pairs) {
    const a = p.agent[measure]
    const b = p.baseline[measure]
    if (a === null || b === null) continue
    const d = a - b
    diffs.push(d)
    if (Math.abs(d) <= TIE * Math.max(1, Math.abs(a), Math.abs(b))) ties++
    else if ((d > 0) === (better === 'higher')) wins++
    else losses++
  }
  const n = diffs.length
  const mean = n > 0 ? diffs.reduce((s, d) => s + d, 0) / n : null
  const sd = n > 1 ? Math.sqrt(diffs.reduce((s, d) => s + (d - mean!) ** 2, 0) / (n - 1)) : null
  return {
    measure,
    better,
    n,
    meanDiff: mean,
    sdDiff: sd,
    ...pairedT(mean, sd, n, confidence),
    bootstrapInterval: n > 1 ? bootstrapMeanInterval(diffs, confidence, resamples, seed) : null,
    wins,
    losses,
    ties,
    winShare: n > 0 ? wins / n : null,
    signTestP: wins + losses > 0 ? signTest(wins, losses) : null
  }
}

/** The paired t interval and two-sided p-value of the mean difference (null below 2 pairs). */
export function pairedT(mean: number | null, sd: number | null, n: number, confidence: number): { tInterval: [number, number] | null; tPValue: number | null } {
  if (mean === null || sd === null || n < 2) return { tInterval: null, tPValue: null }
  const se = sd / Math.sqrt(n)
  if (se === 0) return { tInterval: [mean, mean], tPValue: mean === 0 ? 1 : 0 }
  const q = studentTQuantile(1 - (1 - confidence) / 2, n - 1)
  const t = mean / se
  return { tInterval: [mean - q * se, mean + q * se], tPValue: 2 * studentTCdf(-Math.abs(t), n - 1) }
}

/** Percentile bootstrap interval of the mean: `resamples` draws of n pairs with replacement (xoshiro128**, seeded). */
export function bootstrapMeanInterval(values: readonly number[], confidence: number, resamples: number, seed: number): [number, number] {
  const n = values.length
  const rng = new Xoshiro128(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += values[Math.floor(rng.nextDouble() * n)]!
    means[r] = sum / n
  }
  means.sort()
  const sortedMeans = Array.from(means)
  const alpha = (1 - confidence) / 2
  return [percentile(sortedMeans, 100 * alpha)!, percentile(sortedMeans, 100 * (1 - alpha))!]
}

/** Exact two-sided binomial test of k wins against l losses at p = ½ (scipy.stats.binomtest's two-sided p). */
export function signTest(wins: number, losses: number): number {
  const n = wins + losses
  const k = Math.min(wins, losses)
  // P(X ≤ k) for X ~ Bin(n, ½), doubled (the distribution is symmetric), capped at 1.
  let term = 2 ** -n
  let tail = term
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i
    tail += term
  }
  return Math.min(1, 2 * tail)
}

function agentTotals(pairs: readonly SeedPair[]): AgentComparison['agent'] {
  let calls = 0
  let valid = 0
  const fallbacks: Record<string, number> = {}
  const shares: number[] = []
  for (const p of pairs) {
    calls += p.agentStats.calls
    valid += p.agentStats.valid
    if (p.agentStats.controlShare !== null) shares.push(p.agentStats.controlShare)
    for (const [reason, count] of Object.entries(p.agentStats.fallbacks)) if (count > 0) fallbacks[reason] = (fallbacks[reason] ?? 0) + count
  }
  return {
    calls,
    valid,
    validityRate: calls > 0 ? valid / calls : null,
    controlShare: shares.length > 0 ? shares.reduce((a, b) => a + b, 0) / shares.length : null,
    fallbacks
  }
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(3) : x.toFixed(4))

/** The net P&L answer in one sentence: direction, mean difference, t interval, win share. */
function verdict(m: MeasureComparison, confidence: number): string {
  if (m.n === 0 || m.meanDiff === null) return 'No pair of runs to compare.'
  const level = `${Math.round(confidence * 100)}%`
  if (m.ties === m.n) return `The agent's runs match the baseline's net P&L on all ${m.n} seeds (its replies fell back or agreed with the baseline): no difference after costs.`
  const wins = `the agent won ${m.wins} of ${m.n} seeds`
  if (m.tInterval === null) return `One seed: net P&L agent − baseline ${fmt(m.meanDiff)}; ${wins}. More seeds are needed for an interval.`
  const [lo, hi] = m.tInterval
  const interval = `[${fmt(lo)}, ${fmt(hi)}]`
  const answer = lo > 0 ? 'The agent adds value after costs' : hi < 0 ? 'The agent loses value after costs' : 'No evidence either way that the agent adds value after costs'
  return `${answer}: mean net P&L difference ${fmt(m.meanDiff)} (${level} paired t interval ${interval}); ${wins}.`
}
