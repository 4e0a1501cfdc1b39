import { useEffect, useState } from 'react'
import type { EventPayload, ReverseStressRow } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { formatPercent } from '../../format/numbers'
import type { RiskSectionProps } from './risk-sections'
import { useCall } from './use-call'

const LOSS_LIMITS = [0.05, 0.1, 0.2, 0.3]

const FACTOR: Record<ReverseStressRow['kind'], { name: string; unit: (x: number) => string }> = {
  corr: { name: 'correlation to one', unit: (x) => `ρ ${x.toFixed(3)}` },
  vol: { name: 'volatility × k', unit: (x) => `× ${x.toFixed(3)}` },
  regime: { name: 'stress regime for n more steps', unit: (x) => `${x} steps` }
}

function reverseText(r: ReverseStressRow): string {
  if (r.alreadyBreached) return 'breached unshocked'
  if (r.shock === null) return `none up to ${FACTOR[r.kind].unit(r.searched)}`
  return FACTOR[r.kind].unit(r.shock)
}

/**
 * The stress table: the base path, the user shocks and (on request) every member's stress
 * menu re-run with the combined worst case — each with the portfolio's loss (maximum
 * drawdown), the pod that lost most over it and whether it breaches the loss limit — and the
 * reverse stress per factor. The numbers are the engine's (`portfolio.stress`).
 */
export function StressTable({ detail }: RiskSectionProps) {
  const client = useClient()
  const id = detail.portfolio.id
  // The drawdown stop's default (limits.ts): the loss the desk would act on.
  const [lossLimit, setLossLimit] = useState(0.2)
  const [menus, setMenus] = useState(false)
  const { value: report, error, busy } = useCall('portfolio.stress', { id, lossLimit, menus })
  const [progress, setProgress] = useState<EventPayload<'task.progress'> | null>(null)

  useEffect(() => client.on('task.progress', (frame) => frame.task === 'portfolio.stress' && setProgress(frame)), [client])
  // Progress belongs to the call in flight: a new call starts from nothing.
  useEffect(() => setProgress(null), [id, lossLimit, menus])

  const worst = report?.scenarios.reduce((a, b) => (b.maxDrawdown > a.maxDrawdown ? b : a))
  return (
    <div className="desk-section" data-testid="stress-section">
      <div className="risk-controls">
        <label>
          loss limit (drawdown)
          <select value={lossLimit} onChange={(e) => setLossLimit(Number(e.target.value))} aria-label="Loss limit">
            {LOSS_LIMITS.map((l) => (
              <option key={l} value={l}>
                {formatPercent(l, 0)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={menus} onChange={(e) => setMenus(e.target.checked)} aria-label="Re-run the members' stress menus" />
          members’ stress menus (one lab run per variant)
        </label>
        {busy && (
          <span className="muted" role="status">
            {progress && progress.total > 0 ? `stress: ${progress.done}/${progress.total} lab runs · ${progress.label}` : 'stressing the portfolio…'}
          </span>
        )}
        {report && worst && (
          <span className="risk-legend" data-testid="stress-worst">
            <span>
              worst: {worst.name}, loss {formatPercent(worst.maxDrawdown, 2)}
            </span>
            <span>{report.scenarios.filter((s) => s.breaches).length} of {report.scenarios.length} breach</span>
            <span>log entry #{report.logSeq}</span>
          </span>
        )}
      </div>
      {error && (
        <p className="warn-text" role="alert">
          {error}
        </p>
      )}
      {report && (
        <div className="desk-split">
          <table className="data-table compact desk-table" aria-label="Stress scenarios">
            <thead>
              <tr>
                <th>scenario</th>
                <th className="num" title="Maximum drawdown of the portfolio under today's weights">portfolio loss</th>
                <th className="num">total return</th>
                <th className="num">worst step</th>
                <th title="The pod whose weighted returns summed lowest over the worst drawdown">worst pod</th>
                <th>breach</th>
              </tr>
            </thead>
            <tbody tabIndex={0} aria-label="Stress scenarios (scroll with ↑/↓)">
              {report.scenarios.map((s) => (
                <tr key={`${s.kind}-${s.name}`} data-kind={s.kind} className={s.breaches ? 'breach' : undefined}>
                  <td className="mono wrap">{s.name}</td>
                  <td className="num" data-testid="stress-loss">{formatPercent(s.maxDrawdown, 2)}</td>
                  <td className={`num ${s.totalReturn < 0 ? 'neg' : ''}`}>{formatPercent(s.totalReturn, 2)}</td>
                  <td className="num">{formatPercent(s.worstStep, 2)}</td>
                  <td className="mono">{s.worstPod ? `#${s.worstPod.runId} ${s.worstPod.lab} (−${formatPercent(s.worstPod.loss, 2)})` : '—'}</td>
                  <td className={s.breaches ? 'status-breach' : 'status-ok'}>{s.breaches ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="data-table compact desk-table" aria-label="Reverse stress">
            <thead>
              <tr>
                <th>reverse stress: factor</th>
                <th className="num" title={`The smallest shock whose drawdown reaches ${formatPercent(report.lossLimit, 0)}`}>smallest breaching shock</th>
                <th className="num">loss there</th>
              </tr>
            </thead>
            <tbody>
              {report.reverse.map((r) => (
                <tr key={r.kind} data-factor={r.kind}>
                  <td>{FACTOR[r.kind].name}</td>
                  <td className="num mono" data-testid="reverse-shock">{reverseText(r)}</td>
                  <td className="num">{r.loss === null ? '—' : formatPercent(r.loss, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
