import { useEffect, useMemo, useState } from 'react'
import type { MethodResult, RunSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { LineChart } from '../../charts/LineChart'
import { formatInteger, formatNumber } from '../../format/numbers'

type Detail = MethodResult<'runs.get'>

export function RunDetail({ run }: { run: RunSummary }) {
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

  const steps = useMemo(() => {
    const results = detail?.results
    if (!results) return null
    const x = new Float64Array(results.path.length)
    for (let k = 0; k < x.length; k++) x[k] = k * results.pathStride
    return x
  }, [detail])

  const summary = detail?.results?.summary
  return (
    <section className="panel run-detail" aria-label={`Run #${run.id} detail`}>
      <header className="panel-title">
        <span>
          Run #{run.id} · {run.task}
        </span>
        <span className={`status status-${run.status}`}>{run.status}</span>
      </header>
      <div className="detail-grid">
        <dl className="manifest" aria-label="Run manifest">
          <dt>config hash</dt>
          <dd className="mono" data-testid="config-hash">{run.configHash}</dd>
          <dt>results hash</dt>
          <dd className="mono" data-testid="detail-results-hash">{run.resultsHash ?? '—'}</dd>
          <dt>code version</dt>
          <dd className="mono">{run.codeVersion}</dd>
          <dt>spec</dt>
          <dd className="mono">
            steps {formatInteger(run.spec.steps)} · seed {run.spec.seed} · start {run.spec.start} · μ {run.spec.drift} · σ {run.spec.volatility}
          </dd>
          <dt>progress</dt>
          <dd>
            {formatInteger(run.progressDone)} / {formatInteger(run.progressTotal)}
          </dd>
          {run.error && (
            <>
              <dt>error</dt>
              <dd className="error-text">{run.error}</dd>
            </>
          )}
        </dl>
        {summary && (
          <dl className="metrics" aria-label="Metrics">
            <dt>final</dt>
            <dd>{formatNumber(summary.final)}</dd>
            <dt>min / max</dt>
            <dd>
              {formatNumber(summary.min)} / {formatNumber(summary.max)}
            </dd>
            <dt>mean increment</dt>
            <dd>{formatNumber(summary.meanIncrement, 6)}</dd>
            <dt>stdev increment</dt>
            <dd>{formatNumber(summary.stdevIncrement, 6)}</dd>
            <dt>max drawdown</dt>
            <dd>{formatNumber(summary.maxDrawdown)}</dd>
          </dl>
        )}
      </div>
      {error && <p className="error-text">{error}</p>}
      {detail?.results && steps && <LineChart x={steps} values={detail.results.path} label="level" />}
      {run.status !== 'running' && run.status !== 'completed' && (
        <p className="muted">
          This run ended as <b>{run.status}</b> after {formatInteger(run.progressDone)} steps; no results were stored.
        </p>
      )}
    </section>
  )
}
