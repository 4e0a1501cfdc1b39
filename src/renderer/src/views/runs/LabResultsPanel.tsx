import type { LabResults } from '../../../../shared/contract'
import { LineChart } from '../../charts/LineChart'
import { formatInteger } from '../../format/numbers'
import { MetricsTable } from './MetricsTable'

/** A lab run: the notebook-named metrics, action and regime counts, and the book's diagnostics. */
export function LabResultsPanel({ results }: { results: LabResults }) {
  const totalActions = Object.values(results.actions).reduce((a, b) => a + b, 0)
  return (
    <div className="lab-results">
      <div className="lab-tables">
        <MetricsTable metrics={Object.entries(results.metrics)} label="Metrics" header />
        <table className="compact" aria-label="Action counts">
          <thead>
            <tr>
              <th>action</th>
              <th className="num">steps</th>
              <th className="num">share</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(results.actions).map(([name, count]) => (
              <tr key={name} data-action={name}>
                <td className="mono">{name}</td>
                <td className="num">{formatInteger(count)}</td>
                <td className="num">{totalActions ? `${((100 * count) / totalActions).toFixed(1)}%` : '—'}</td>
              </tr>
            ))}
          </tbody>
          <thead>
            <tr>
              <th>regime</th>
              <th className="num">steps</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {Object.entries(results.regimeCounts).map(([name, count]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td className="num">{formatInteger(count)}</td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
        <div className="lab-notes">
          <p>
            <b>{results.manifest.preset}</b> preset · {formatInteger(results.steps)} of {formatInteger(results.plannedSteps)} steps
            {results.halted ? ` · halted ${results.haltReason === undefined ? 'by the drawdown stop' : `(${results.haltReason})`}` : ''}
          </p>
          {results.corrections.length > 0 && (
            <ul className="corrections">
              {results.corrections.map((c) => (
                <li key={c.id} title={c.why}>
                  <span className="mono">{c.id}</span> — {c.title}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <LineChart x={results.series.t} values={results.series.columns.equity ?? new Float64Array(0)} label="equity" height={220} />
      <LineChart x={results.series.t} values={results.series.columns.cumulativeCost ?? new Float64Array(0)} label="cumulative cost" height={140} />
    </div>
  )
}
