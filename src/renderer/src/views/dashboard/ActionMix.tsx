import type { RunSeriesView } from '../../../../shared/contract'
import { seriesColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'

/**
 * Action counts by regime (the book's fourth diagnostic): per regime, one bar per action whose
 * length is the action's share of that regime's steps (the engine's actionMixByRegime).
 */
export function ActionMix({ results }: { results: NonNullable<RunSeriesView['summary']> }) {
  const regimes = results.regimeNames
  const actions = results.actionNames
  return (
    <div className="action-mix" data-testid="action-mix">
      <div className="action-mix-keys">
        {actions.map((a, i) => (
          <span key={a}>
            <i className="swatch" style={{ background: seriesColour(i) }} /> {a}
          </span>
        ))}
      </div>
      {regimes.map((regime) => {
        const steps = results.regimeCounts[regime] ?? 0
        const mix = results.actionMixByRegime[regime] ?? {}
        return (
          <div key={regime} className="action-mix-group" data-regime={regime}>
            <div className="action-mix-regime">
              <span className="mono">{regime}</span> <span className="muted">{formatInteger(steps)} steps</span>
            </div>
            {actions.map((action, i) => {
              const share = mix[action] ?? 0
              return (
                <div key={action} className="action-mix-row" title={`${regime} · ${action}: ${(share * 100).toFixed(1)}% of ${formatInteger(steps)} steps`}>
                  <span className="action-mix-label mono">{action}</span>
                  <span className="action-mix-track">
                    <span className="action-mix-bar" style={{ width: `${(share * 100).toFixed(2)}%`, background: seriesColour(i) }} />
                  </span>
                  <span className="num mono">{formatInteger(Math.round(share * steps))}</span>
                  <span className="num mono muted">{(share * 100).toFixed(1)}%</span>
                </div>
              )
            })}
          </div>
        )
      })}
    </div>
  )
}
