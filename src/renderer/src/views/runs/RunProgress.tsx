import type { RunSummary } from '../../../../shared/contract'
import type { ProgressFrame } from '../../app/state'
import { formatCompact, formatDuration, formatInteger } from '../../format/numbers'

export interface RunProgressProps {
  run: RunSummary
  frame: ProgressFrame | undefined
  onCancel(): void
}

export function RunProgress({ run, frame, onCancel }: RunProgressProps) {
  const done = frame?.done ?? run.progressDone
  const total = frame?.total ?? run.progressTotal
  const fraction = total > 0 ? done / total : 0
  return (
    <section className="panel progress-panel" aria-label={`Run #${run.id} progress`}>
      <header className="panel-title">
        <span>Run #{run.id}</span>
        <span className="status status-running">running</span>
      </header>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label="Run progress"
      >
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
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
          <dd>{frame ? `${formatCompact(frame.stepsPerSecond)} steps/s` : '—'}</dd>
        </div>
        <div>
          <dt>eta</dt>
          <dd>{formatDuration(frame?.etaSeconds ?? null)}</dd>
        </div>
      </dl>
      <button type="button" className="danger" onClick={onCancel} title="Cancel the run (Esc)">
        Cancel <kbd>Esc</kbd>
      </button>
    </section>
  )
}
