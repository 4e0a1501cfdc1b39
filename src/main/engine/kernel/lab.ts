import type { z } from 'zod'
import type { Decision, PolicyMemory } from './decision'
import type { ExecutionModel } from './execution'
import type { LedgerMode, PnlComponents } from './ledger'
import type { RiskRules } from './risk-gate'
import type { Surface } from './surface'

/** A named fix the `corrected` preset applies to a notebook quirk, with why. */
export interface CorrectionNote {
  id: string
  title: string
  why: string
}

export interface PresetDefinition {
  description: string
  /** Deep-partial overrides of the lab config (same keys and nesting as the notebook's run_config). */
  overrides: Record<string, unknown>
  corrections: readonly CorrectionNote[]
}

/** What the lab's observe/actionToTarget/execution see at a decision step. */
export interface StepContext<C, M, A extends string> {
  t: number
  config: C
  market: M
  position: Float64Array
  equity: number
  drawdown: number
  leverage: number
  lastAction: A
  /** The book's costs so far and the last step's, for policies that watch their own drag. */
  cumulativeCost: number
  lastCost: number
}

/**
 * One mechanism lab, in the shape every lab shares: config with presets, an exogenous market
 * path simulated up front from the seed, a surface, features, a finite action set with its
 * action → target map, a baseline policy, risk rules and an execution model. The kernel's
 * loop (run.ts) owns the order of operations; a lab only answers questions.
 */
export interface LabDefinition<C, M, O, A extends string> {
  readonly id: string
  readonly title: string
  readonly chapter: number
  readonly description: string
  readonly configSchema: z.ZodType<C>
  readonly presets: Readonly<Record<'faithful' | 'corrected', PresetDefinition>>
  readonly actions: readonly A[]
  readonly flatAction: A
  /** Names of the book's legs (one position number each). */
  readonly legs: readonly string[]
  readonly pnlComponents: readonly string[]

  seedOf(config: C): number
  regimeNames(config: C): readonly string[]
  ledger(config: C): { mode: LedgerMode; initialEquity: number }
  /** The decision cadence: decide every n steps, hold the last decision between. */
  decisionEvery(config: C): number

  /** Simulates the whole exogenous path (regimes, state) from the config's seed: pure. */
  simulateMarket(config: C): M
  /** Number of decision steps in the run (known from the config alone, so a run can be planned). */
  steps(config: C): number
  /** Whether the book is marked once more after the last decision (forward-marked P&L). */
  readonly finalMark: boolean
  regimeAt(market: M, t: number): number

  /** P&L of holding `position` over the interval that ends at step t (t ≥ 1). */
  mark(market: M, t: number, position: Float64Array, config: C): PnlComponents
  observe(context: StepContext<C, M, A>): O
  surface(market: M, t: number, config: C): Surface
  baseline(observation: O, memory: PolicyMemory<A>): Decision<A>
  actionToTarget(action: A, observation: O, context: StepContext<C, M, A>): Float64Array
  riskRules(config: C): RiskRules
  execution(config: C): ExecutionModel<StepContext<C, M, A>>
}

// Erased form for registries and the runner, where the lab's own types are not known.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLab = LabDefinition<any, any, any, string>
