import type { CellOutcome, StepLogSlice, SweepCellTask } from '../../shared/contract/protocol'
import { executeLab } from '../labs/execute'
import { toErrorShape } from '../workers/runtime'

/**
 * One sweep cell in this process: the run, kept as the sweep needs it (identity, metrics,
 * counts; the decision log's slices when asked). A bad spec or a failing lab is the cell's
 * outcome, not the batch's: the other cells of the batch still run.
 */
export async function runCell(task: SweepCellTask, log: boolean): Promise<CellOutcome> {
  const slices: StepLogSlice[] = []
  try {
    const output = await executeLab(task.spec, { inputs: task.inputs ?? {}, onLogSlice: log ? (slice) => slices.push(slice) : undefined })
    const r = output.results
    if (output.logTail) slices.push(output.logTail)
    return {
      ok: true,
      summary: {
        resultsHash: output.resultsHash,
        manifest: r.manifest,
        metrics: r.metrics,
        actions: r.actions,
        steps: r.steps,
        halted: r.halted,
        ...(r.haltReason === undefined ? {} : { haltReason: r.haltReason })
      },
      ...(log ? { log: slices } : {})
    }
  } catch (error) {
    const { code, message } = toErrorShape(error, 'engine.runCells')
    return { ok: false, error: { code, message } }
  }
}
