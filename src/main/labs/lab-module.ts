import type { PresetName } from '../../shared/contract'
import type { AnyLab, LabRun } from '../engine/kernel'

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
