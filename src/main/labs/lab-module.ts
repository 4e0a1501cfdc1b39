import type { PresetName, SurfaceLayout } from '../../shared/contract'
import type { AnyLab, LabRun } from '../engine/kernel'
import type { ModelRegimeOutput } from '../regime/inference'

/** Something a run needs computed outside the engine before it can start. */
export type LabRequirement = 'regime-model'

/** Those inputs, computed by main (the inference service) and handed to the engine with the spec. */
export interface LabInputs {
  regime?: ModelRegimeOutput
}

/** A lab's traded price series, for regime inference on any lab (labels where the lab knows them). */
export interface LabPriceSeries {
  name: string
  closes: Float64Array
  labels: Int8Array | null
}

/**
 * What a lab tells the views about itself, so that no view knows a lab by id. The catalogue
 * (catalogue.ts) turns it into LabInfo; catalogue.test.ts checks every claim against the lab's
 * own functions (risk rules, surface, price series, schema, metrics) for every preset.
 */
export interface LabSelfDescription {
  /** Config path of the cap the risk rules' `maxLeverage` reads; null when the lab has no leverage rule. */
  readonly leverageCapPath: string | null
  /** How `surface()` reads, and whether it is a phase-space trajectory (lag × coordinate) for the Takens view. */
  readonly surface: { readonly layout: SurfaceLayout; readonly phaseSpace: boolean }
  /** The name `priceSeries()` gives the series the regime model reads; null when the lab has none. */
  readonly regimePriceSeries: string | null
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
 * What the registry knows of each lab: its kernel definition plus the pieces that turn a
 * preset and overrides into a validated config, and a run into the notebook's own metrics.
 */
export interface LabModule {
  readonly definition: AnyLab
  /** What the views need to know of this lab (LabSelfDescription). */
  readonly selfDescription: LabSelfDescription
  /** Defaults ← preset overrides ← user overrides, then the lab's zod schema. Throws LabConfigError. */
  resolveConfig(preset: PresetName, overrides: Record<string, unknown>): unknown
  /** Summary metrics under the notebook's names (total_return, final_equity, …). */
  metrics(run: LabRun<unknown>, config: unknown): Record<string, number | null>
  /**
   * Named profiles a user can pick like presets (`--preset twap`): the faithful preset plus
   * these overrides, under the user's own.
   */
  readonly profiles?: Readonly<Record<string, { description: string; overrides: Record<string, unknown> }>>
  /**
   * The book's stress menu for this lab, one factor at a time against the frozen base:
   * leverage cap, costs/impact, regime-switch probability, vol-of-vol/jumps, liquidity.
   */
  stressMenu?(config: unknown): Array<{ name: string; overrides: Record<string, unknown> }>
  /** Telemetry blocks (execution, risk, regime, action, policy), where the lab defines them. */
  telemetry?(run: LabRun<unknown>, config: unknown): Record<string, unknown>
  /** Inputs this config needs from outside the engine (none when absent). */
  requires?(config: unknown): readonly LabRequirement[]
  /** The definition bound to those inputs. */
  withInputs?(inputs: LabInputs): AnyLab
  /** The price series a regime model can read (the market simulated from this config). */
  priceSeries?(config: unknown): LabPriceSeries
}

/** A config that does not validate: one line per problem, each naming its key path. */
export class LabConfigError extends Error {
  constructor(
    readonly lab: string,
    readonly problems: Array<{ path: string; message: string }>
  ) {
    super(`${lab}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
    this.name = 'LabConfigError'
  }
}
