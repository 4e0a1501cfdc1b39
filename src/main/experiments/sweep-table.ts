import type { LabResults } from '../../shared/contract'
import type { CellOutcome, CellSummary } from '../../shared/contract/protocol'
import type { AnyLab } from '../engine/kernel'
import type { LabPlan } from '../labs/execute'
import type { PlannedRun } from './plan'

/** A run's counts under the notebook's own keys (Lab.countedActions), else every action. */
export function countedActions(lab: AnyLab, actions: Record<string, number>): Record<string, number> {
  return lab.countedActions ? Object.fromEntries(lab.countedActions.map((a) => [a, actions[a] ?? 0])) : actions
}

/** What a sweep keeps of a full run's results. */
export function summaryOf(results: LabResults, resultsHash: string): CellSummary {
  return {
    resultsHash,
    manifest: results.manifest,
    metrics: results.metrics,
    actions: results.actions,
    steps: results.steps,
    halted: results.halted,
    ...(results.haltReason === undefined ? {} : { haltReason: results.haltReason })
  }
}

/**
 * One row of `sweep --json`: the same whether the cell ran in the local pool or on a queue
 * worker, so the two can be compared row for row (resultsHash above all).
 */
export function sweepRow(run: PlannedRun, plan: LabPlan, outcome: CellOutcome | undefined, runId?: number) {
  return {
    label: run.label,
    seed: plan.seed,
    changes: run.changes,
    ok: outcome?.ok ?? false,
    ...(outcome?.ok
      ? {
          configHash: plan.configHash,
          resultsHash: outcome.summary.resultsHash,
          halted: outcome.summary.halted,
          metrics: outcome.summary.metrics,
          actions: countedActions(plan.lab, outcome.summary.actions)
        }
      : { error: outcome?.error.message ?? 'not run' }),
    ...(runId === undefined ? {} : { runId })
  }
}
export type SweepRow = ReturnType<typeof sweepRow>
