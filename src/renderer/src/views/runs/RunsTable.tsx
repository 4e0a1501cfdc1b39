import type { RunSummary } from '../../../../shared/contract'
import { elapsedSeconds, formatDuration, formatInteger, formatTimestamp, shortHash } from '../../format/numbers'

export interface RunsTableProps {
  runs: RunSummary[]
  total: number
  selectedId: number | null
  onSelect(id: number): void
}

export function RunsTable({ runs, total, selectedId, onSelect }: RunsTableProps) {
  if (runs.length === 0) {
    return (
      <section className="panel runs-table empty" aria-label="Runs">
        <header className="panel-title">
          <span>Runs</span>
        </header>
        <p className="empty-state">No runs yet. Set the parameters on the left and press Run (or Enter).</p>
      </section>
    )
  }
  return (
    <section className="panel runs-table" aria-label="Runs">
      <header className="panel-title">
        <span>Runs</span>
        <span className="muted">{formatInteger(total)} stored · ↑/↓ to move</span>
      </header>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th className="num">#</th>
              <th>status</th>
              <th>task</th>
              <th className="num">steps</th>
              <th className="num">seed</th>
              <th>config hash</th>
              <th>results hash</th>
              <th>started</th>
              <th className="num">took</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr
                key={run.id}
                className={run.id === selectedId ? 'selected' : undefined}
                onClick={() => onSelect(run.id)}
                data-run-id={run.id}
                aria-selected={run.id === selectedId}
              >
                <td className="num">{run.id}</td>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span>
                </td>
                <td>{run.spec.task === 'lab' ? `${run.spec.lab} · ${run.spec.preset}` : run.task}</td>
                <td className="num">{formatInteger(run.progressTotal)}</td>
                <td className="num">{run.seed}</td>
                <td className="mono">{shortHash(run.configHash)}</td>
                <td className="mono" data-testid="results-hash">
                  {shortHash(run.resultsHash)}
                </td>
                <td>{formatTimestamp(run.startedAt)}</td>
                <td className="num">{formatDuration(elapsedSeconds(run.startedAt, run.finishedAt))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
