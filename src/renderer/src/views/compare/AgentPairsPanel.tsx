import type { AgentComparison, MeasureComparison } from '../../../../shared/contract/agent-comparison'
import { formatMetric } from '../runs/run-text'

const LABELS: Readonly<Record<MeasureComparison['measure'], string>> = { netPnl: 'net P&L', sharpe: 'Sharpe (per step)', maxDrawdown: 'max drawdown', costs: 'costs' }
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)
const interval = (x: [number, number] | null): string => (x ? `${formatMetric(x[0])} … ${formatMetric(x[1])}` : '—')

/** Green when the whole t interval favours the agent, red when it all favours the baseline. */
function tone(m: MeasureComparison): string {
  if (!m.tInterval) return ''
  const [lo, hi] = m.tInterval
  const agentBetter = m.better === 'higher' ? lo > 0 : hi < 0
  const agentWorse = m.better === 'higher' ? hi < 0 : lo > 0
  return agentBetter ? 'better' : agentWorse ? 'worse' : ''
}

/**
 * Agent against the rule baseline, when the compared runs hold such pairs (same spec and seed,
 * one answered by the model): the engine's paired comparison, shown as it comes.
 */
export function AgentPairsPanel({ comparison: c }: { comparison: AgentComparison }) {
  const level = `${Math.round(c.confidence * 100)}%`
  const fallbacks = Object.entries(c.agent.fallbacks)
  return (
    <section className="panel agent-pairs" aria-label="Agent against the rule baseline">
      <header className="panel-title">
        <span>Agent − rule baseline</span>
        <span className="muted">
          {c.lab} · {c.preset} · {c.pairs.length} seed{c.pairs.length === 1 ? '' : 's'}, same paths, risk gate and costs
        </span>
      </header>
      <p className="verdict" data-testid="agent-verdict">
        {c.verdict}
      </p>
      <div className="agent-pairs-tables">
        <table className="compact" data-testid="agent-measures">
          <thead>
            <tr>
              <th>measure</th>
              <th className="num">mean Δ</th>
              <th className="num">{level} t interval</th>
              <th className="num">{level} bootstrap</th>
              <th className="num">agent wins</th>
              <th className="num">sign p</th>
            </tr>
          </thead>
          <tbody>
            {c.measures.map((m) => (
              <tr key={m.measure} data-measure={m.measure} className={tone(m)} title={`${m.better} is better for the agent`}>
                <td>{LABELS[m.measure]}</td>
                <td className="num mono">{formatMetric(m.meanDiff)}</td>
                <td className="num mono">{interval(m.tInterval)}</td>
                <td className="num mono">{interval(m.bootstrapInterval)}</td>
                <td className="num mono">
                  {m.wins}/{m.n}
                </td>
                <td className="num mono">{formatMetric(m.signTestP)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="compact" data-testid="agent-pairs">
          <thead>
            <tr>
              <th className="num">seed</th>
              <th>runs</th>
              <th className="num">net P&L baseline</th>
              <th className="num">net P&L agent</th>
              <th className="num">Δ</th>
            </tr>
          </thead>
          <tbody>
            {c.pairs.map((p) => {
              const d = p.agent.netPnl - p.baseline.netPnl
              return (
                <tr key={p.seed} data-seed={p.seed}>
                  <td className="num mono">{p.seed}</td>
                  <td className="mono">
                    #{p.baselineRunId} / #{p.agentRunId}
                  </td>
                  <td className="num mono">{formatMetric(p.baseline.netPnl)}</td>
                  <td className="num mono">{formatMetric(p.agent.netPnl)}</td>
                  <td className={`num mono delta ${d > 0 ? 'better' : d < 0 ? 'worse' : 'same'}`}>{formatMetric(d)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Agent: {c.agent.calls} calls, {c.agent.valid} valid ({pct(c.agent.validityRate)}), control share {pct(c.agent.controlShare)}; fallbacks{' '}
        {fallbacks.length ? fallbacks.map(([r, n]) => `${r} ${n}`).join(', ') : 'none'}.
      </p>
    </section>
  )
}
