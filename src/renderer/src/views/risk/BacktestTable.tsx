import { RISK_METHOD_NAMES, type RiskMethod } from '../../../../shared/contract'
import { formatPercent } from '../../format/numbers'
import type { RiskSectionProps } from './risk-sections'

const p = (value: number): string => (value < 0.001 ? value.toExponential(1) : value.toFixed(3))
/** Below 5 % a test rejects the model at the usual level. */
const pClass = (value: number): string | undefined => (value < 0.05 ? 'p-low' : undefined)

/** Per method: latest VaR/ES, breaches, and the p-values of Kupiec, Christoffersen and the ES test, with the traffic-light zone. ↑/↓ move the chart's method. */
export function BacktestTable({ report, method, onMethod }: RiskSectionProps) {
  const move = (step: number): void => {
    const i = RISK_METHOD_NAMES.indexOf(method)
    onMethod(RISK_METHOD_NAMES[(i + step + RISK_METHOD_NAMES.length) % RISK_METHOD_NAMES.length]!)
  }
  return (
    <table className="data-table compact risk-backtests">
      <thead>
        <tr>
          <th>method</th>
          <th className="num">VaR</th>
          <th className="num">ES</th>
          <th className="num">breaches</th>
          <th className="num" title="Kupiec proportion of failures">Kupiec p</th>
          <th className="num" title="Christoffersen independence">indep. p</th>
          <th className="num" title="Christoffersen conditional coverage">cond. cov. p</th>
          <th className="num" title="Du–Escanciano ES test">ES test p</th>
          <th>zone</th>
        </tr>
      </thead>
      <tbody
        tabIndex={0}
        aria-label="Backtests by method (↑/↓ choose the charted method)"
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault()
            move(e.key === 'ArrowDown' ? 1 : -1)
          }
        }}
      >
        {RISK_METHOD_NAMES.map((m: RiskMethod) => {
          const r = report.methods[m]
          const b = r.backtests
          return (
            <tr key={m} data-method={m} className={m === method ? 'chosen' : undefined} onClick={() => onMethod(m)} aria-selected={m === method}>
              <td className="mono">{m}</td>
              <td className="num" data-testid="var">{formatPercent(r.var, 3)}</td>
              <td className="num">{formatPercent(r.es, 3)}</td>
              <td className="num">
                {r.breaches}/{r.days}
              </td>
              <td className={`num ${pClass(b.kupiec.pValue) ?? ''}`}>{p(b.kupiec.pValue)}</td>
              <td className={`num ${pClass(b.christoffersen.independence.pValue) ?? ''}`}>{p(b.christoffersen.independence.pValue)}</td>
              <td className={`num ${pClass(b.christoffersen.conditionalCoverage.pValue) ?? ''}`}>{p(b.christoffersen.conditionalCoverage.pValue)}</td>
              <td className={`num ${pClass(b.es.pValue) ?? ''}`}>{p(b.es.pValue)}</td>
              <td className={`zone-${b.zone.zone}`} data-testid="zone">
                {b.zone.zone} ({b.zone.breaches} in {b.zone.days})
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
