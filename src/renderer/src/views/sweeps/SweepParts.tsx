import type { ReactNode } from 'react'

// What a local and a queued sweep show alike: a row of a sweeps list and the progress bar.

export function SweepRowCells({ id, lab, description, done, cells, status }: { id: ReactNode; lab: string; description: string; done: number; cells: number; status: string }) {
  return (
    <>
      <td className="num mono">{id}</td>
      <td>
        {lab}
        <div className="muted small">{description}</div>
      </td>
      <td className="num">
        {done}/{cells}
      </td>
      <td>
        <span className={`status status-${status}`}>{status}</span>
      </td>
    </>
  )
}

export function SweepProgress({ done, cells, children }: { done: number; cells: number; children: ReactNode }) {
  return (
    <div className="sweep-progress">
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={cells} aria-valuenow={done}>
        <div className="progress-fill" style={{ width: `${(done / Math.max(1, cells)) * 100}%` }} />
      </div>
      <span className="mono">{children}</span>
    </div>
  )
}
