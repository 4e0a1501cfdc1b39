import type { z } from 'zod'
import type { PresetName, SurfaceLayout } from '../../../shared/contract'
import type { LabRequirement, RunInputs } from '../../../shared/contract/protocol'
import type { Decision, PolicyMemory } from './decision'
import type { ExecutionModel } from './execution'
import type { LedgerMode } from './ledger'
import type { RunObserver } from './observers'
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

/** A named configuration a user picks like a preset (`--preset twap`): the faithful preset plus these overrides. */
export interface ProfileDefinition {
  description: string
  overrides: Record<string, unknown>
}

/** Where a lab comes from: a chapter of the book with its companion notebook, or one of the seed documents. */
export type LabOrigin = { kind: 'book'; chapter: number; notebook: string } | { kind: 'seed'; seed: string }

/** One entry of a lab's stress menu: one factor changed against the frozen base. */
export interface StressVariant {
  name: string
  overrides: Record<string, unknown>
}

/** Something a run needs computed outside the engine before it can start (the contract's). */
export type { LabRequirement }

/** Those inputs, computed by main (the inference service) and handed to the engine with the spec. */
export type LabInputs = RunInputs

/** A lab's traded price series, for regime inference on any lab (labels where the lab knows them). */
export interface LabPriceSeries<C> {
  /** What the series is, as the views name it (declared once: the catalogue reads it without simulating). */
  readonly name: string
  /** The series the market simulated from this config holds: closes, and calm/stress labels per bar. */
  series(config: C): { closes: Float64Array; labels: Int8Array | null }
}

/**
 * What the views need to know of a lab, declared by the lab (the renderer names no lab):
 * resolved into LabInfo by the catalogue, each claim checked against the lab's own functions
 * (catalogue.test.ts).
 */
export interface LabSelfDescription {
  /** Config path of the cap the risk rules' `maxLeverage` reads; null when the lab has no leverage rule. */
  readonly leverageCapPath: string | null
  /** How `surface()` reads, and whether it is a phase-space trajectory (lag × coordinate) for the Takens view. */
  readonly surface: { readonly layout: SurfaceLayout; readonly phaseSpace: boolean }
  /** Its runs open in the Terrain view (`terrain.view`: correlation terrain, state, trailheads, grouping). */
  readonly terrainView?: boolean
  /** Only the lab the regime model was trained on: the preset and a held-out seed to open the Regime view on. */
  readonly regimeModelHome?: { readonly preset: PresetName; readonly seed: number }
  /** Two config paths worth sweeping against each other, with values; the metric that answers the question; why. */
  readonly suggestedSweep: {
    readonly axes: readonly [SweepAxis, SweepAxis]
    readonly metric: string
    readonly why: string
  }
}

/** One axis of a suggested sweep: a config path of the lab's form and the values to try (its unit comes from the schema). */
export interface SweepAxis {
  readonly path: string
  readonly values: ReadonlyArray<number | string | boolean>
}

/**
 * What the lab's observe/target/execution see at step t. The kernel owns one context per run
 * and refreshes it every step (nothing is allocated per step), so a lab must not keep it.
 */
export interface StepContext<C, M, A extends string> {
  t: number
  readonly config: C
  readonly market: M
  /** The book carried into t (after the mark, before the trade). */
  readonly position: Float64Array
  equity: number
  drawdown: number
  leverage: number
  lastAction: A
  /** The book's costs so far and the last step's, for policies that watch their own drag. */
  cumulativeCost: number
  lastCost: number
}

/**
 * One mechanism lab, in the shape every lab shares (one folder each, the same files):
 *   config.ts     zod schema with the notebook's keys and defaults, presets, corrections
 *   market.ts     the exogenous path: regimes and state from the seed (pure)
 *   surface.ts    the tradable surface at a step and the features read off it
 *   policy.ts     actions, the observation, the baseline rule, action → target
 *   execution.ts  the execution (cost or fill) model, built from labs/common/execution.ts
 *   metrics.ts    the notebook's metrics and telemetry, as a RunObserver over the step chunks
 *   lab.ts        this object: wires the above into the kernel
 *   README.md     the mechanism, the notebook cells each file follows, the corrections
 *   __fixtures__/ parity fixtures with their provenance (book labs: tools/fixtures/notebooks)
 * The kernel's loop (run.ts) owns the order of operations; a lab only answers questions, and
 * answers the per-step ones (mark, observe, target, execution) without allocating.
 */
export interface Lab<C, M, O, A extends string> {
  readonly id: string
  readonly title: string
  readonly origin: LabOrigin
  readonly description: string
  /** What the views need to know of this lab: leverage cap, surface layout, suggested sweep. */
  readonly selfDescription: LabSelfDescription

  readonly config: {
    readonly schema: z.ZodType<C>
    readonly presets: Readonly<Record<'faithful' | 'corrected', PresetDefinition>>
    readonly profiles?: Readonly<Record<string, ProfileDefinition>>
    /** The defaults presets and overrides apply to, when they depend on the user's overrides (a seed profile); else the schema's. */
    readonly defaults?: (user: Record<string, unknown>) => Record<string, unknown>
  }
  readonly actions: readonly A[]
  readonly flatAction: A
  /** The actions the notebook's own summary counts, where the kernel's set has more (a flat action it never names): the CLI prints only these. Default: every action. */
  readonly countedActions?: readonly A[]
  /** Names of the book's legs (one position number each). */
  readonly legs: readonly string[]
  /** The P&L components mark (and execution) book into, in the order they are summed. */
  readonly pnlComponents: readonly string[]
  /** Whether the book is marked once more after the last step (forward-marked P&L). */
  readonly finalMark: boolean

  seed(config: C): number
  /** Number of steps in the run (known from the config alone, so a run can be planned). */
  steps(config: C): number
  regimes(config: C): readonly string[]
  ledger(config: C): { mode: LedgerMode; initialEquity: number }
  /** The decision cadence: decide every n steps, hold the last decision between. */
  decisionEvery(config: C): number

  /**
   * The run's market, created once per run: the exogenous path from the config's seed (pure in
   * the config and the inputs computed outside the engine) and, for a lab that trades against a
   * venue, that venue's run state (the order book, the latency desk), which its execution and
   * report share.
   */
  market(config: C, inputs: LabInputs): M
  regimeAt(market: M, t: number): number
  /** P&L of holding `position` over the interval that ends at step t (t ≥ 1), into out[k] per pnlComponents[k]. */
  mark(market: M, t: number, position: Float64Array, config: C, out: Float64Array): void
  /** The run's observation object, created once and refilled by observe every step. */
  observation(config: C, market: M): O
  /** What the policy sees at step t, written into the run's observation (valid for this step only). */
  observe(context: StepContext<C, M, A>, into: O): void
  baseline(observation: O, memory: PolicyMemory<A>): Decision<A>
  /** The target book of an action, into out (one entry per leg). */
  target(action: A, observation: O, context: StepContext<C, M, A>, out: Float64Array): void
  risk(config: C): RiskRules
  execution(config: C): ExecutionModel<StepContext<C, M, A>>
  /** The tradable surface at step t (not on the hot path: surfaces are drawn on request). */
  surface(market: M, t: number, config: C): Surface

  /** The notebook's metrics and the run's telemetry, folded over the step chunks as the run advances. */
  report(config: C, market: M): RunObserver<LabReport>
  /** The book's stress menu, one factor at a time against the frozen base. */
  stressMenu(config: C): StressVariant[]
  /** The price series a regime model can read (absent when the lab trades no single price). */
  readonly priceSeries?: LabPriceSeries<C>
  /** Inputs this config needs from outside the engine (none when absent). */
  requires?(config: C): readonly LabRequirement[]
  /**
   * After step t is booked and recorded: why the run must end there, or null to go on. For a
   * reference that cannot go on (a notebook that fails at t + 1): the run ends halted with this
   * reason, its steps so far stand, and nothing is invented past them. Called every step, so it
   * returns null without allocating. Absent: only the risk gate's drawdown stop halts a run.
   */
  halt?(t: number, book: SettledBook, config: C, market: M): string | null
}

/** The book after a step has settled, as a lab's halt check reads it (the kernel's ledger, read only). */
export interface SettledBook {
  readonly equity: number
  readonly peak: number
  readonly cumulativeCost: number
  readonly position: Float64Array
}

/** What a lab reports at the end of a run: metrics under the notebook's own names, telemetry blocks. */
export interface LabReport {
  metrics: Record<string, number | null>
  telemetry: Record<string, unknown>
}

// Erased form for registries and the runner, where the lab's own types are not known.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLab = Lab<any, any, any, string>
