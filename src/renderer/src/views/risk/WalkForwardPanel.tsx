import { useEffect, useMemo, useState } from 'react'
import { PBO_OVERFIT, type EventPayload, type PortfolioWalkForwardReport } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { formatPercent } from '../../format/numbers'
import type { RiskSectionProps } from './risk-sections'
import { WalkForwardChart } from './WalkForwardChart'

/** The numeric knobs of a lab's default config as dotted paths (the seed is the run's, not a parameter). */
export function numericPaths(config: Record<string, unknown>, prefix = ''): Array<{ path: string; value: number }> {
  return Object.entries(config).flatMap(([key, v]) => {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof v === 'number' && key !== 'seed') return [{ path, value: v }]
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return numericPaths(v as Record<string, unknown>, path)
    return []
  })
}

/** Three candidates around the default: half, as is, double (0 → 0, 1, 2). */
const candidatesAround = (v: number): string => (v === 0 ? '0, 1, 2' : [v / 2, v, v * 2].map((x) => +x.toPrecision(6)).join(', '))

/**
 * Walk-forward of one pod's lab parameter: the candidates run on the pod's own seed and
 * config (in the engine process, with progress), the in- vs out-of-sample Sharpe per fold as a
 * chart and a table, and PBO by CSCV with its verdict (`portfolio.walkForward`).
 */
export function WalkForwardPanel({ detail, labs }: RiskSectionProps) {
  const client = useClient()
  const id = detail.portfolio.id
  const returns = detail.summary.steps - 1
  const [runId, setRunId] = useState(detail.members[0]!.runId)
  const lab = labs.find((l) => l.id === detail.members.find((m) => m.runId === runId)?.lab)
  const params = useMemo(() => (lab ? numericPaths(lab.defaults) : []), [lab])
  const [param, setParam] = useState('')
  const [values, setValues] = useState('')
  const [train, setTrain] = useState(Math.max(2, Math.floor(returns * 0.4)))
  const [test, setTest] = useState(Math.max(2, Math.floor(returns * 0.2)))
  const [anchored, setAnchored] = useState(false)
  const [report, setReport] = useState<PortfolioWalkForwardReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<EventPayload<'task.progress'> | null>(null)

  useEffect(() => client.on('task.progress', (frame) => frame.task === 'portfolio.walkForward' && setProgress(frame)), [client])
  // A new pod's lab offers its own knobs: a cost knob first where it has one.
  useEffect(() => {
    const first = params.find((p) => /cost/.test(p.path)) ?? params[0]
    setParam(first?.path ?? '')
    setValues(first ? candidatesAround(first.value) : '')
  }, [params])

  const run = (): void => {
    const parsed = values.split(',').map((v) => v.trim()).filter(Boolean).map((v) => (Number.isFinite(Number(v)) ? Number(v) : v))
    setBusy(true)
    setError(null)
    setProgress(null)
    client.call('portfolio.walkForward', { id, runId, param, values: parsed, train, test, anchored }).then(
      (r) => {
        setReport(r)
        setBusy(false)
      },
      (e: Error) => {
        setError(e.message)
        setBusy(false)
      }
    )
  }

  const series = useMemo(() => {
    const folds = report?.folds ?? []
    return { is: folds.map((f) => f.inSample), oos: folds.map((f) => f.outOfSample), best: folds.map((f) => f.bestOutOfSample) }
  }, [report])
  const overfit = report ? report.pbo.value > PBO_OVERFIT : false
  return (
    <div className="desk-section" data-testid="walk-forward-section">
      <form
        className="risk-controls"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        <label>
          pod
          <select value={runId} onChange={(e) => setRunId(Number(e.target.value))} aria-label="Pod whose lab parameter to walk forward">
            {detail.members.map((m) => (
              <option key={m.runId} value={m.runId}>
                #{m.runId} {m.lab}
              </option>
            ))}
          </select>
        </label>
        <label>
          parameter
          <select value={param} onChange={(e) => setParam(e.target.value)} aria-label="Parameter">
            {params.map((p) => (
              <option key={p.path} value={p.path}>
                {p.path} ({p.value})
              </option>
            ))}
          </select>
        </label>
        <label>
          values
          <input value={values} onChange={(e) => setValues(e.target.value)} aria-label="Candidate values, comma-separated" size={18} />
        </label>
        <label>
          train
          <input type="number" min={2} value={train} onChange={(e) => setTrain(Number(e.target.value))} aria-label="Training window (steps)" className="narrow" />
        </label>
        <label>
          test
          <input type="number" min={2} value={test} onChange={(e) => setTest(Number(e.target.value))} aria-label="Test window (steps)" className="narrow" />
        </label>
        <label>
          <input type="checkbox" checked={anchored} onChange={(e) => setAnchored(e.target.checked)} aria-label="Anchored folds" />
          anchored
        </label>
        <button type="submit" disabled={busy || !param} title="Run every candidate and walk forward (Enter)">
          Walk forward
        </button>
        {busy && (
          <span className="muted" role="status">
            {progress && progress.total > 0 ? `walk-forward: ${progress.done}/${progress.total} candidate runs · ${progress.label}` : 'running the candidates…'}
          </span>
        )}
      </form>
      {error && (
        <p className="warn-text" role="alert">
          {error}
        </p>
      )}
      {report && (
        <>
          <p className="risk-legend desk-verdict" data-testid="walk-forward-verdict">
            <span>
              {report.lab} {report.param}, {report.folds.length} {report.windows.anchored ? 'anchored' : 'rolling'} folds on seed {report.seed}
            </span>
            <span>mean Sharpe IS {report.inSample.toFixed(3)} → OOS {report.outOfSample.toFixed(3)}</span>
            <span>efficiency {report.efficiency === null ? '—' : report.efficiency.toFixed(2)}</span>
            {report.outOfSampleReturn !== null && <span>OOS return {formatPercent(report.outOfSampleReturn, 2)}</span>}
            <span className={overfit ? 'status-breach' : 'status-ok'} data-testid="pbo">
              PBO {report.pbo.value.toFixed(3)} ({report.pbo.splits} CSCV splits): {overfit ? 'overfit' : 'not overfit'}
            </span>
            <span>CPCV OOS {report.cpcv.outOfSample.toFixed(3)} over {report.cpcv.paths} paths</span>
          </p>
          <div className="desk-split">
            <WalkForwardChart inSample={series.is} outOfSample={series.oos} bestOutOfSample={series.best} />
            <table className="data-table compact desk-table" aria-label="Walk-forward folds">
              <thead>
                <tr>
                  <th className="num">fold</th>
                  <th>train</th>
                  <th>test</th>
                  <th className="num">chosen</th>
                  <th className="num">IS Sharpe</th>
                  <th className="num">OOS Sharpe</th>
                  <th className="num">best OOS</th>
                </tr>
              </thead>
              <tbody tabIndex={0} aria-label="Folds (scroll with ↑/↓)">
                {report.folds.map((f, k) => (
                  <tr key={k}>
                    <td className="num">{k + 1}</td>
                    <td className="mono">
                      {f.trainFrom}–{f.trainTo}
                    </td>
                    <td className="mono">
                      {f.testFrom}–{f.testTo}
                    </td>
                    <td className="num mono">{String(f.chosen)}</td>
                    <td className="num">{f.inSample.toFixed(3)}</td>
                    <td className={`num ${f.outOfSample < 0 ? 'neg' : ''}`} data-testid="oos">
                      {f.outOfSample.toFixed(3)}
                    </td>
                    <td className="num">{f.bestOutOfSample.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  )
}
