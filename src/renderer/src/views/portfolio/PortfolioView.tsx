import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react'
import type { PortfolioDetail, PortfolioSpecInput, PortfolioSummary, WeightScheme } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useWorkspace } from '../../app/workspace'
import { Heatmap } from '../../charts/Heatmap'
import { LineChart } from '../../charts/LineChart'
import { colourScale } from '../../charts/colour-scale'
import { formatPercent, shortHash } from '../../format/numbers'
import { OverlayChart } from '../compare/OverlayChart'
import { describeRun } from '../runs/run-text'
import { selectPortfolio, useSelectedPortfolio } from './portfolio-selection'
import '../compare/compare.css'
import './portfolio.css'

const SCHEMES: WeightScheme[] = ['equal', 'inverse-vol', 'risk-parity', 'hrp', 'vol-target', 'fixed']
const colorOf = (i: number): string => getComputedStyle(document.documentElement).getPropertyValue(`--series-${(i % 6) + 1}`).trim() || '#4aa3ff'

interface Draft {
  name: string
  scheme: WeightScheme
  fixed: string
  volTarget: string
  rebalanceEvery: string
  costBps: string
  align: 'exact' | 'common'
}

const EMPTY: Draft = { name: '', scheme: 'equal', fixed: '', volTarget: '0.01', rebalanceEvery: '20', costBps: '1', align: 'exact' }

/** The draft as a spec; the router validates it (weights summing, calendars) and answers in one line. */
function specOf(draft: Draft, runIds: number[]): PortfolioSpecInput {
  return {
    name: draft.name.trim() || `pods ${runIds.map((id) => `#${id}`).join(' ')}`,
    runIds,
    scheme: draft.scheme,
    align: draft.align,
    rebalanceEvery: Number(draft.rebalanceEvery),
    costBps: Number(draft.costBps),
    ...(draft.scheme === 'fixed' ? { fixed: draft.fixed.split(',').map(Number) } : {}),
    ...(draft.scheme === 'vol-target' ? { volTarget: Number(draft.volTarget) } : {})
  }
}

/** Build a portfolio from the runs ticked in Runs, and read one: P&L by pod, correlation, risk contributions. */
export function PortfolioView({ state, notify }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const ticked = workspace.compareRunIds
  const selected = useSelectedPortfolio()
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [error, setError] = useState<string | null>(null)
  const [building, setBuilding] = useState(false)
  const [list, setList] = useState<PortfolioSummary[]>([])
  const [detail, setDetail] = useState<PortfolioDetail | null>(null)

  const reload = useCallback(() => client.call('portfolio.list', { limit: 200 }).then(({ portfolios }) => setList(portfolios), (e: Error) => notify(e.message)), [client, notify])
  useEffect(() => void reload(), [reload])

  useEffect(() => {
    if (selected === null) return setDetail(null)
    let live = true
    client.call('portfolio.get', { id: selected }).then(
      (d) => live && setDetail(d),
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, selected])

  const build = (event: FormEvent): void => {
    event.preventDefault()
    setBuilding(true)
    setError(null)
    client.call('portfolio.create', { spec: specOf(draft, ticked) }).then(
      (made) => {
        setBuilding(false)
        setDetail(made)
        selectPortfolio(made.portfolio.id)
        void reload()
      },
      (e: Error) => {
        setBuilding(false)
        setError(e.message)
      }
    )
  }

  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }))

  return (
    <div className="portfolio-view">
      <section className="panel portfolio-build" aria-label="Build a portfolio">
        <header className="panel-title">
          <span>Portfolio</span>
          <span className="muted">pods are the runs ticked in Runs (Alt+2); weights set on a cadence from past returns, cost on what is traded</span>
        </header>
        <div className="chips">
          {ticked.length === 0 && <span className="muted">No runs ticked: tick completed lab runs in Runs (Space ticks the selected run).</span>}
          {ticked.map((id, i) => (
            <span key={id} className="chip" data-run-id={id} style={{ borderLeftColor: colorOf(i) }}>
              <b>#{id}</b>
              <span className="chip-text">{state.runs[id] ? describeRun(state.runs[id]) : 'not loaded'}</span>
            </span>
          ))}
        </div>
        <form className="portfolio-form" onSubmit={build}>
          <label>
            name <input value={draft.name} onChange={(e) => set('name')(e.target.value)} placeholder="pods #…" aria-label="Portfolio name" />
          </label>
          <label>
            weights
            <select value={draft.scheme} onChange={(e) => set('scheme')(e.target.value as WeightScheme)} aria-label="Weighting scheme">
              {SCHEMES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          {draft.scheme === 'fixed' && (
            <label>
              fixed <input value={draft.fixed} onChange={(e) => set('fixed')(e.target.value)} placeholder="0.5,0.3,0.2" aria-label="Fixed weights" />
            </label>
          )}
          {draft.scheme === 'vol-target' && (
            <label>
              target σ/step <input value={draft.volTarget} onChange={(e) => set('volTarget')(e.target.value)} aria-label="Volatility target" />
            </label>
          )}
          <label>
            rebalance every <input className="narrow" value={draft.rebalanceEvery} onChange={(e) => set('rebalanceEvery')(e.target.value)} aria-label="Rebalance every" /> steps
          </label>
          <label>
            cost <input className="narrow" value={draft.costBps} onChange={(e) => set('costBps')(e.target.value)} aria-label="Cost in basis points" /> bps
          </label>
          <label>
            calendar
            <select value={draft.align} onChange={(e) => set('align')(e.target.value as Draft['align'])} aria-label="Calendar alignment">
              <option value="exact">exact</option>
              <option value="common">common steps</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={ticked.length === 0 || building}>
            {building ? 'Building…' : 'Build portfolio'}
          </button>
          <label className="stored">
            stored
            <select value={selected ?? ''} onChange={(e) => selectPortfolio(e.target.value ? Number(e.target.value) : null)} aria-label="Stored portfolios">
              <option value="">{list.length ? 'choose…' : 'none yet'}</option>
              {list.map((p) => (
                <option key={p.id} value={p.id}>
                  #{p.id} {p.name} · {p.pods} pods · {p.scheme}
                </option>
              ))}
            </select>
          </label>
        </form>
        {error && (
          <p className="warn-text" role="alert" data-testid="portfolio-error">
            {error}
          </p>
        )}
      </section>
      {detail && <PortfolioDetailPanels detail={detail} onRisk={() => workspace.navigate('risk')} />}
    </div>
  )
}

function PortfolioDetailPanels({ detail, onRisk }: { detail: PortfolioDetail; onRisk(): void }) {
  const { portfolio: p, summary: s, series, members, check } = detail
  const podLines = useMemo(() => {
    const x = Float64Array.from(series.t)
    return series.podPnl.map((y, i) => ({ id: members[i]!.runId, x, y: Float64Array.from(y) }))
  }, [series, members])
  const colors = useMemo(() => members.map((_, i) => colorOf(i)), [members])
  const total = useMemo(() => ({ x: Float64Array.from(series.t), y: Float64Array.from(series.equity, (e) => e - 1) }), [series])
  const labels = members.map((m) => `#${m.runId}`)
  const lastExposure = series.exposure.map((e) => e.at(-1) ?? 0)
  return (
    <>
      <section className="panel portfolio-summary" aria-label="Portfolio summary" data-portfolio-id={p.id}>
        <header className="panel-title">
          <span>
            #{p.id} {p.name}
          </span>
          <span className="muted">
            {detail.spec.scheme} weights · rebalanced every {detail.spec.rebalanceEvery} steps · {detail.spec.costBps} bps · {s.steps} steps · hash {shortHash(p.hash, 12)}
          </span>
          <button type="button" className="primary" onClick={onRisk}>
            Risk view
          </button>
        </header>
        <dl className="stat-row">
          <Stat name="total P&L" value={formatPercent(s.totalReturn)} testId="portfolio-total" />
          <Stat name="cost" value={formatPercent(s.totalCost, 3)} />
          <Stat name="turnover" value={s.turnover.toFixed(2)} />
          <Stat name="rebalances" value={String(s.rebalances)} />
          <Stat name="vol / step" value={formatPercent(s.volatility, 3)} />
          <Stat name="max drawdown" value={formatPercent(s.maxDrawdown)} />
          {s.net && (
            <Stat
              name="net now"
              value={s.net.total === null ? '—' : formatPercent(s.net.total)}
              title={s.net.note ?? (s.net.worst ? `largest: ${formatPercent(s.net.worst.value)} at step ${s.net.worst.at}` : undefined)}
              testId="portfolio-net"
            />
          )}
          <Stat name="check" value={check.problems.length ? 'findings' : 'reproduced'} className={check.problems.length ? 'bad' : 'ok'} title={check.problems.join('\n') || 'members unchanged, hash and book reproduced, chain intact'} />
        </dl>
        {check.problems.length > 0 && <p className="warn-text">{check.problems.join(' ')}</p>}
      </section>
      <section className="panel portfolio-charts" aria-label="P&L by pod">
        <LineChart x={total.x} values={total.y} label="portfolio P&L (fraction of starting equity)" height={170} />
        <OverlayChart lines={podLines} colors={colors} label="P&L by pod (fraction of starting equity)" height={190} />
      </section>
      <div className="portfolio-grid">
        <section className="panel" aria-label="Pods">
          <header className="panel-title">
            <span>Pods: weights and contributions to risk</span>
          </header>
          <table className="data-table portfolio-pods">
            <thead>
              <tr>
                <th>pod</th>
                <th>lab</th>
                <th className="num">target weight</th>
                <th className="num">exposure now</th>
                <th className="num" title="The pod's own net (Σ its legs' signed positions) at the last step, in its own unit">net (own unit)</th>
                <th className="num" title="Exposure now × the pod's net: a fraction of the book's equity (pods in fraction of equity only)">net in book</th>
                <th className="num">P&L</th>
                <th className="num">risk share</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m, i) => (
                <tr key={m.runId} data-run-id={m.runId}>
                  <td>
                    <span className="swatch" style={{ background: colors[i] }} />#{m.runId}
                  </td>
                  <td className="mono">
                    {m.lab} · {m.preset}
                  </td>
                  <td className="num">{s.weights[i]!.toFixed(4)}</td>
                  <td className="num">{lastExposure[i]!.toFixed(4)}</td>
                  <td className="num" data-testid="pod-net" title={s.net ? `${s.net.pods[i]!.unit}; range ${s.net.pods[i]!.min.toFixed(4)} … ${s.net.pods[i]!.max.toFixed(4)}` : undefined}>
                    {s.net ? `${s.net.pods[i]!.last.toFixed(4)}${s.net.pods[i]!.unit === 'lab units' ? ' (lab units)' : ''}` : '—'}
                  </td>
                  <td className="num">{s.net?.pods[i]!.inBook == null ? '—' : formatPercent(s.net.pods[i]!.inBook!, 2)}</td>
                  <td className="num">{formatPercent(s.podPnl[i]!)}</td>
                  <td className="num" data-testid="risk-share">
                    {formatPercent(s.riskContributions[i]!, 1)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.net?.note && (
            <p className="muted" data-testid="net-note">
              {s.net.note}.
            </p>
          )}
        </section>
        <section className="panel" aria-label="Correlation between pods">
          <header className="panel-title">
            <span>Correlation between pods</span>
          </header>
          <Heatmap values={s.correlation.flat()} rows={{ name: 'pod', unit: '', labels }} columns={{ name: 'pod', unit: '', labels }} unit="" scale={colourScale(-1, 1)} cellWidth={56} cellHeight={28} />
        </section>
      </div>
    </>
  )
}

function Stat({ name, value, className, title, testId }: { name: string; value: string; className?: string; title?: string; testId?: string }) {
  return (
    <div className="stat" title={title}>
      <dt>{name}</dt>
      <dd className={className} data-testid={testId}>
        {value}
      </dd>
    </div>
  )
}
