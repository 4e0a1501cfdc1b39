import { useEffect, useState } from 'react'
import type { PortfolioDetail, PortfolioRiskReport, RiskMethod } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useWorkspace } from '../../app/workspace'
import { formatPercent } from '../../format/numbers'
import { useSelectedPortfolio } from '../portfolio/portfolio-selection'
import '../portfolio/portfolio.css'
import { RiskBandsChart } from './RiskBandsChart'
import { RISK_SECTIONS } from './risk-sections'

const CONFIDENCES = [0.95, 0.975, 0.99]

/** A window that leaves returns to backtest: 250 steps, or half the history when it is shorter. */
const defaultWindow = (steps: number): number => Math.max(20, Math.min(250, Math.floor((steps - 1) / 2)))

/** The selected portfolio's VaR/ES by six methods: bands over P&L with breaches marked, then the backtests and the sections after them. */
export function RiskView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const id = useSelectedPortfolio()
  const [detail, setDetail] = useState<PortfolioDetail | null>(null)
  const [confidence, setConfidence] = useState(0.99)
  const [window, setWindow] = useState<number | null>(null)
  const [method, setMethod] = useState<RiskMethod>('fhs-garch')
  const [report, setReport] = useState<PortfolioRiskReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    setDetail(null)
    setReport(null)
    setWindow(null)
    if (id === null) return
    let live = true
    client.call('portfolio.get', { id }).then(
      (d) => {
        if (!live) return
        setDetail(d)
        setWindow(defaultWindow(d.summary.steps))
      },
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, id])

  useEffect(() => {
    if (id === null || window === null) return
    let live = true
    setBusy(true)
    setError(null)
    client.call('portfolio.risk', { id, confidence, window }).then(
      (r) => {
        if (!live) return
        setReport(r)
        setBusy(false)
      },
      (e: Error) => {
        if (!live) return
        setError(e.message)
        setBusy(false)
      }
    )
    return () => {
      live = false
    }
  }, [client, id, confidence, window])

  if (id === null) {
    return (
      <div className="risk-view">
        <section className="panel">
          <p className="empty-state" data-testid="risk-empty">
            No portfolio chosen. Build or choose one in the Portfolio view.{' '}
            <button type="button" onClick={() => workspace.navigate('portfolio')}>
              Portfolio view
            </button>
          </p>
        </section>
      </div>
    )
  }

  const band = report?.series.bands[method]
  const chosen = report?.methods[method]
  return (
    <div className="risk-view">
      <section className="panel" aria-label="Risk of the portfolio">
        <header className="panel-title">
          <span>Risk{detail ? ` · #${detail.portfolio.id} ${detail.portfolio.name}` : ''}</span>
          <span className="muted">one-step VaR and ES as losses (fraction of equity), rolling with no look-ahead; each method backtested on its own forecasts</span>
        </header>
        <div className="risk-controls">
          <label>
            confidence
            <select value={confidence} onChange={(e) => setConfidence(Number(e.target.value))} aria-label="Confidence level">
              {CONFIDENCES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            window
            <select value={window ?? ''} onChange={(e) => setWindow(Number(e.target.value))} aria-label="Estimation window">
              {[...new Set([60, 125, 250, 500, window ?? 250])].sort((a, b) => a - b).map((w) => (
                <option key={w} value={w} disabled={detail ? w >= detail.summary.steps - 1 : false}>
                  {w} steps
                </option>
              ))}
            </select>
          </label>
          <label>
            charted method
            <select value={method} onChange={(e) => setMethod(e.target.value as RiskMethod)} aria-label="Charted method">
              {report && Object.keys(report.methods).map((m) => <option key={m}>{m}</option>)}
            </select>
          </label>
          {busy && <span className="muted" role="status">computing VaR/ES by six methods and their backtests…</span>}
          {chosen && (
            <span className="risk-legend" data-testid="risk-latest">
              <span>latest VaR {formatPercent(chosen.var, 3)}</span>
              <span>ES {formatPercent(chosen.es, 3)}</span>
              <span>{chosen.breaches} breaches in {chosen.days} steps</span>
            </span>
          )}
        </div>
        {error && (
          <p className="warn-text" role="alert">
            {error}
          </p>
        )}
        {report && band && <RiskBandsChart returns={report.series.returns} var={band.var} es={band.es} breaches={band.breaches} />}
      </section>
      {report &&
        detail &&
        RISK_SECTIONS.map((section) => (
          <section key={section.id} className="panel" aria-label={section.title} data-section={section.id}>
            <header className="panel-title">
              <span>{section.title}</span>
            </header>
            {section.render({ detail, report, method, onMethod: setMethod, labs: state.labs })}
          </section>
        ))}
    </div>
  )
}
