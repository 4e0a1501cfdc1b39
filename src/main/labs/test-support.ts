import type { LabRunSpec } from '../../shared/contract'
import type { LabInputs, StepLogSlice, StepRecordBatch } from '../engine/kernel'
import { executeLab, type LabExecution } from './execute'
import { joinSlices } from './log-stream'

/**
 * For tests: runs a spec as the workstation does (decision log streamed in chained slices) and
 * keeps every slice, the last included, and the whole log joined from them.
 */
export async function runLogged(spec: LabRunSpec, inputs: LabInputs = {}): Promise<{ output: LabExecution & { logTail: StepLogSlice }; slices: StepLogSlice[]; records: StepRecordBatch }> {
  const slices: StepLogSlice[] = []
  const output = await executeLab(spec, { inputs, onLogSlice: (slice) => slices.push(slice) })
  if (!output.logTail) throw new Error('a run with its log streamed returns its last slice')
  slices.push(output.logTail)
  return { output: { ...output, logTail: output.logTail }, slices, records: joinSlices(slices) }
}
