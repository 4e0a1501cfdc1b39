import type { PresetName } from '../../shared/contract'
import type { LabRequirement, RunInputs } from '../../shared/contract/protocol'
import type { AnyLab, LabRun } from '../engine/kernel'

// What a run needs computed outside the engine before it can start, and those inputs, computed
// by main (the inference service) and handed to the engine with the spec: both cross to the
// engine process, so the engine's method table declares them.
export type { LabRequirement }
export type LabInputs = RunInputs

/** A lab's traded price series, for regime inference on any lab (labels where the lab knows them). */
export interface LabPriceSeries {
  name: string
  closes: Float64Array
  labels: Int8Array | null
}

/**
 * What the registry knows of each lab: its kernel definition plus the pieces that turn a
 * preset and overrides into a validated config, and a run into the notebook's own metrics.
 */
export interface LabModule {
  readonly definition: AnyLab
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
