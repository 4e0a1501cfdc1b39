import type { RunSummary } from '../../../../shared/contract'
import { formatInteger } from '../../format/numbers'

// How runs are described in words, the same in the runs list, the explorer and the compare view.

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (Number.isInteger(value)) return formatInteger(value)
  return Math.abs(value) >= 1000 ? value.toFixed(2) : value.toPrecision(6)
}

/** Whether a run that did not complete left steps behind ("1,200 of 10,000 steps ran before it failed"), or null. */
export function partialNote(run: RunSummary): string | null {
  if (run.status === 'running' || run.status === 'completed') return null
  if (run.progressDone <= 0) return null
  const ending = run.status === 'cancelled' ? 'was cancelled' : run.status === 'interrupted' ? 'was interrupted' : 'failed'
  return `${formatInteger(run.progressDone)} of ${formatInteger(run.progressTotal)} steps ran before it ${ending}`
}

/** "fx-carry · corrected · seed 7 · risk_params.pos_limit=0.5" */
export function describeRun(run: RunSummary): string {
  const spec = run.spec
  if (spec.task === 'random-walk') return `random walk · ${formatInteger(spec.steps)} steps · seed ${spec.seed}`
  const overrides = Object.entries(spec.overrides)
  return `${spec.lab} · ${spec.preset} · seed ${run.seed}${overrides.length ? ` · ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}` : ''}`
}
