import { useEffect, useState } from 'react'
import type { LabResults, RunSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ProgressFrame } from '../../app/state'
import { formatCompact, formatDuration, formatInteger } from '../../format/numbers'
import { partialNote } from '../runs/run-text'
import { MetricsTable } from '../runs/MetricsTable'

export interface RunMonitorProps {
  run: RunSummary
  frame: ProgressFrame | undefined
  /** What started it ("stress: impact doubled"), when the explorer knows. */
  label: string | undefined
  onCancel(): void
  onOpenDashboard(): void
  /** Compare this run with the one started before it, when there is one. */
  onCompare: (() => void) | null
}

/** The explorer's run: live progress with rate and ETA, then its outcome and where to look next. */
export function RunMonitor({ run, frame, label, onCancel, onOpenDashboard, onCompare }: RunMonitorProps) {
  const client = useClient()
  const [results, setResults] = useState<LabResults | null>(null)
  const [error, setError] = useState<string | null>(null)
  const done = frame?.done ?? run.progressDone
  const total = frame?.total ?? run.progressTotal
  const fraction = total > 0 ? Math.min(1, done / total) : 0

  useEffect(() => {
    let live = true
    setResults(null)
    setError(null)
    if (run.status !== 'completed') return
    client.call('runs.get', { runId: run.id }).then(
      (detail) => live && setResults(detail.results?.kind === 'lab' ? detail.results : null),
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, run.id, run.status])

  const partial = partialNote(run)
  const metrics = results ? Object.entries(results.metrics).slice(0, 8) : []
  return (
    <section className="panel run-monitor" aria-label={`Run #${run.id} progress`} data-run-id={run.id}>
      <header className="panel-title">
        <span>
          Run #{run.id} · {run.spec.task === 'lab' ? `${run.spec.lab} · ${run.spec.preset}` : run.task}
        </span>
        <span className={`status status-${run.status}`}>{run.status}</span>
      </header>
      {label && <p className="muted run-label">{label}</p>}
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="Run progress">
        <div className={`progress-fill${run.status === 'failed' || run.status === 'interrupted' ? ' bad' : ''}`} style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
      </div>
      <dl className="progress-stats">
        <div>
          <dt>done</dt>
          <dd>
            {formatInteger(done)} / {formatInteger(total)} ({(fraction * 100).toFixed(1)}%)
          </dd>
        </div>
        <div>
          <dt>rate</dt>
          <dd data-testid="steps-per-second">{run.status === 'running' && frame ? `${formatCompact(frame.stepsPerSecond)} steps/s` : '—'}</dd>
        </div>
        <div>
          <dt>eta</dt>
          {/* Every step done and still running: the engine is shaping and storing the results. */}
          <dd>{run.status !== 'running' ? '—' : done >= total && total > 0 ? 'storing results…' : formatDuration(frame?.etaSeconds ?? null)}</dd>
        </div>
      </dl>
      {run.status === 'running' && (
        <button type="button" className="danger" onClick={onCancel} title="Cancel the run (Esc)">
          Cancel <kbd>Esc</kbd>
        </button>
      )}
      {run.error && (
        <p className="error-text" role="alert" data-testid="run-error">
          {run.error}
        </p>
      )}
      {partial && (
        <p className="muted">
          <span className="badge badge-partial">partial</span> {partial}; its progress is kept with the run, no results were stored.
        </p>
      )}
      {error && <p className="error-text">Could not load the results: {error}</p>}
      {results && (
        <>
          <MetricsTable metrics={metrics} label="Headline metrics" />
          {results.halted && (
            <p className="warn-text">
              Halted {results.haltReason === undefined ? 'by the drawdown stop' : `(${results.haltReason})`} after {formatInteger(results.steps)} of {formatInteger(results.plannedSteps)} steps.
            </p>
          )}
        </>
      )}
      {run.status === 'completed' && (
        <div className="form-actions">
          <button type="button" className="primary" onClick={onOpenDashboard} data-testid="open-dashboard">
            Open dashboard
          </button>
          {onCompare && (
            <button type="button" onClick={onCompare}>
              Compare with previous
            </button>
          )}
        </div>
      )}
    </section>
  )
}
