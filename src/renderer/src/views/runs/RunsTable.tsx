import type { RunSummary } from '../../../../shared/contract'
import type { ProgressFrame } from '../../app/state'
import { elapsedSeconds, formatDuration, formatInteger, formatTimestamp, shortHash } from '../../format/numbers'
import { partialBadge } from './run-text'

export interface RunsTableProps {
  runs: RunSummary[]
  total: number
  selectedId: number | null
  onSelect(id: number): void
  /** Runs ticked for the compare view, in the order ticked. */
  compareIds: number[]
  onToggleCompare(id: number): void
  progress: Record<number, ProgressFrame>
}

function describeTask(run: RunSummary): string {
  if (run.spec.task !== 'lab') return run.task
  const n = Object.keys(run.spec.overrides).length
  return `${run.spec.lab} · ${run.spec.preset}${n > 0 ? ` · ${n} override${n === 1 ? '' : 's'}` : ''}`
}

export function RunsTable({ runs, total, selectedId, onSelect, compareIds, onToggleCompare, progress }: RunsTableProps) {
  return (
    <div className="table-scroll runs-scroll">
      <table>
        <thead>
          <tr>
            <th title="Tick runs to compare them (Space ticks the selected run)">cmp</th>
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
          {runs.map((run) => {
            const ticked = compareIds.indexOf(run.id)
            const frame = progress[run.id]
            const done = frame?.done ?? run.progressDone
            const partial = run.status !== 'completed' && run.status !== 'running' && (run.partial === true || run.progressDone > 0)
            return (
              <tr key={run.id} className={run.id === selectedId ? 'selected' : undefined} onClick={() => onSelect(run.id)} data-run-id={run.id} aria-selected={run.id === selectedId}>
                <td onClick={(e) => e.stopPropagation()}>
                  <label className="compare-tick" title={ticked >= 0 ? `compared as #${ticked + 1}` : 'add to the comparison'}>
                    <input type="checkbox" checked={ticked >= 0} onChange={() => onToggleCompare(run.id)} aria-label={`Compare run #${run.id}`} disabled={run.spec.task !== 'lab'} />
                    {ticked >= 0 && <span className="tick-order">{ticked + 1}</span>}
                  </label>
                </td>
                <td className="num">{run.id}</td>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span>
                  {partial && <span className="badge badge-partial">{partialBadge(run)}</span>}
                </td>
                <td>{describeTask(run)}</td>
                <td className="num">{run.status === 'running' ? `${formatInteger(done)} / ${formatInteger(run.progressTotal)}` : formatInteger(run.progressTotal)}</td>
                <td className="num">{run.seed}</td>
                <td className="mono">{shortHash(run.configHash)}</td>
                <td className="mono" data-testid="results-hash">
                  {shortHash(run.resultsHash)}
                </td>
                <td>{formatTimestamp(run.startedAt)}</td>
                <td className="num">{formatDuration(elapsedSeconds(run.startedAt, run.finishedAt))}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {runs.length < total && <p className="muted table-foot">Showing the newest {formatInteger(runs.length)} of {formatInteger(total)} stored runs.</p>}
    </div>
  )
}
