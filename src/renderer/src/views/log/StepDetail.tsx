import type { LogRow } from './step-pages'
import { formatNumber } from '../../format/numbers'

/**
 * The selected decision in full, under the table: the rationale and every constraint message
 * (the table truncates both), with the step's costs and P&L by component.
 */
export function StepDetail({ row }: { row: LogRow | null }) {
  if (!row) return <div className="step-detail muted" data-testid="step-detail">Select a row (↑/↓ or click) to read its decision in full.</div>
  return (
    <div className="step-detail" data-testid="step-detail" aria-live="polite">
      <div className="step-detail-head mono">
        step {row.t} · <b>{row.action}</b> · {row.source} · regime {row.regime}
      </div>
      <p className="step-detail-rationale">{row.rationale || '(no rationale recorded)'}</p>
      {row.events.length > 0 && (
        <ul className="step-detail-events">
          {row.events.map((e, i) => (
            <li key={i}>
              <span className="mono">⚑ {e.rule}</span> {e.message}
            </li>
          ))}
        </ul>
      )}
      <div className="step-detail-numbers mono">
        cost {formatNumber(row.cost, 6)}
        {row.costs.map(([name, value]) => ` · ${name} ${formatNumber(value, 6)}`).join('')} | p&amp;l {formatNumber(row.netPnl, 6)}
        {row.pnl.map(([name, value]) => ` · ${name} ${formatNumber(value, 6)}`).join('')}
      </div>
    </div>
  )
}
