import { useEffect, useState } from 'react'
import type { MethodResult, RunSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ProgressFrame } from '../../app/state'
import { formatCompact, formatDuration, formatInteger } from '../../format/numbers'
import { partialBadge, partialNote } from './run-text'
import { LabResultsPanel } from './LabResultsPanel'
import { WalkResultsPanel } from './WalkResultsPanel'
import { AuditPanel } from '../audit/AuditPanel'

type Detail = MethodResult<'runs.get'>

function describeSpec(run: RunSummary): string {
  const spec = run.spec
  if (spec.task === 'random-walk') {
    return `steps ${formatInteger(spec.steps)} · seed ${spec.seed} · start ${spec.start} · μ ${spec.drift} · σ ${spec.volatility}`
  }
  const overrides = Object.entries(spec.overrides)
  return `${spec.lab} · ${spec.preset} · seed ${run.seed}${overrides.length ? ` · ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}` : ''}`
}

export interface RunDetailProps {
  run: RunSummary
  frame: ProgressFrame | undefined
  onCancel(): void
  /** Starts a new run from this run's spec (runs.rerun); offered once the run has ended. */
  onRerun?(): void
}

/** One run: its manifest, its progress while it runs, its error and partial steps when it did not complete, its results. */
export function RunDetail({ run, frame, onCancel, onRerun }: RunDetailProps) {
  const client = useClient()
  const [detail, setDetail] = useState<Detail | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    setDetail(null)
    setError(null)
    if (run.status === 'running') return
    client.call('runs.get', { runId: run.id }).then(
      (d) => live && setDetail(d),
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, run.id, run.status])

  const results = detail?.results ?? null
  const partial = partialNote(run)
  const done = frame?.done ?? run.progressDone
  const total = frame?.total ?? run.progressTotal
  return (
    <section className="panel run-detail" aria-label={`Run #${run.id} detail`}>
      <header className="panel-title">
        <span>
          Run #{run.id} · {run.spec.task === 'lab' ? run.spec.lab : run.task}
        </span>
        <span className="runs-actions">
          {partial && <span className="badge badge-partial">{partialBadge(run)}</span>}
          <span className={`status status-${run.status}`}>{run.status}</span>
          {onRerun && run.status !== 'running' && (
            <button type="button" className="small" onClick={onRerun} title="Start a new run from this run's spec (from step 0)">
              Re-run
            </button>
          )}
        </span>
      </header>
      {run.status === 'running' && (
        <div className="detail-progress">
          <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={`Run #${run.id} progress`}>
            <div className="progress-fill" style={{ width: `${total > 0 ? ((100 * done) / total).toFixed(2) : 0}%` }} />
          </div>
          <span className="mono">
            {formatInteger(done)} / {formatInteger(total)}
            {frame ? ` · ${formatCompact(frame.stepsPerSecond)} steps/s · ETA ${formatDuration(frame.etaSeconds)}` : ''}
          </span>
          <button type="button" className="danger small" onClick={onCancel} title="Cancel the run (Esc)">
            Cancel <kbd>Esc</kbd>
          </button>
        </div>
      )}
      <dl className="manifest" aria-label="Run manifest">
        <dt>config hash</dt>
        <dd className="mono" data-testid="config-hash">{run.configHash}</dd>
        <dt>results hash</dt>
        <dd className="mono" data-testid="detail-results-hash">{run.resultsHash ?? '—'}</dd>
        {results?.kind === 'lab' && results.manifest.chainHead && (
          <>
            <dt>chain head</dt>
            <dd className="mono" data-testid="chain-head">{results.manifest.chainHead}</dd>
          </>
        )}
        <dt>code version</dt>
        <dd className="mono">{run.codeVersion}</dd>
        <dt>spec</dt>
        <dd className="mono">{describeSpec(run)}</dd>
        <dt>progress</dt>
        <dd>
          {formatInteger(run.progressDone)} / {formatInteger(run.progressTotal)}
        </dd>
        {run.error && (
          <>
            <dt>error</dt>
            <dd className="error-text" data-testid="run-error">
              {run.error}
            </dd>
          </>
        )}
      </dl>
      {error && <p className="error-text">{error}</p>}
      {run.spec.task === 'lab' && run.status !== 'running' && <AuditPanel runId={run.id} canReplay={run.status === 'completed'} />}
      {results?.kind === 'random-walk' && <WalkResultsPanel results={results} />}
      {results?.kind === 'lab' && <LabResultsPanel results={results} />}
      {run.status !== 'running' && run.status !== 'completed' && (
        <p className="muted">
          This run ended as <b>{run.status}</b>
          {partial ? `: ${partial}. Its progress is kept with the run (marked partial); ` : ' before its first step; '}
          no results were stored.
        </p>
      )}
    </section>
  )
}
