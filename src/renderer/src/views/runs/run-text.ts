import type { RunSummary } from '../../../../shared/contract'
import { formatInteger } from '../../format/numbers'

// How runs are described in words, the same in the runs list, the explorer and the compare view.

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (Number.isInteger(value)) return formatInteger(value)
  return Math.abs(value) >= 1000 ? value.toFixed(2) : value.toPrecision(6)
}

/** A run that stopped because its engine process (or Mechanica) died under it: its error says "Aborted: …". */
export function isAborted(run: RunSummary): boolean {
  return run.status === 'interrupted' && (run.error?.startsWith('Aborted:') ?? false)
}

/**
 * Whether a run that did not complete left steps behind, or null: the decision log batches it
 * committed ("8,192 of 1,000,000 steps were logged before it was aborted"), else its progress.
 */
export function partialNote(run: RunSummary): string | null {
  if (run.status === 'running' || run.status === 'completed') return null
  const ending = isAborted(run) ? 'was aborted' : run.status === 'cancelled' ? 'was cancelled' : run.status === 'interrupted' ? 'was interrupted' : 'failed'
  if (run.partial && run.loggedSteps) return `${formatInteger(run.loggedSteps)} of ${formatInteger(run.progressTotal)} steps were logged before it ${ending}`
  if (run.progressDone <= 0) return null
  return `${formatInteger(run.progressDone)} of ${formatInteger(run.progressTotal)} steps ran before it ${ending}`
}

/** The badge next to the status of a run that kept part of its work: "aborted (partial)" or "partial". */
export function partialBadge(run: RunSummary): string {
  return isAborted(run) ? 'aborted (partial)' : 'partial'
}

/** "<lab id> · corrected · seed 7 · risk_params.pos_limit=0.5" */
export function describeRun(run: RunSummary): string {
  const spec = run.spec
  if (spec.task === 'random-walk') return `random walk · ${formatInteger(spec.steps)} steps · seed ${spec.seed}`
  const overrides = Object.entries(spec.overrides)
  return `${spec.lab} · ${spec.preset} · seed ${run.seed}${overrides.length ? ` · ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}` : ''}`
}
