import { useEffect, useState } from 'react'
import type { LimitRow, PortfolioLimitSet, PortfolioLimitsReport, PortfolioLogEntry } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { formatNumber, formatPercent } from '../../format/numbers'
import type { RiskSectionProps } from './risk-sections'

type LimitName = LimitRow['limit']

/** How each limit reads: its label and whether its value is a fraction of equity (shown as %) or a plain number. */
const LIMITS: Record<LimitName, { label: string; percent: boolean }> = {
  maxPodWeight: { label: 'pod concentration (largest weight)', percent: true },
  maxFamilyWeight: { label: 'lab family concentration', percent: true },
  maxAssetClassWeight: { label: 'asset class concentration', percent: true },
  maxPosition: { label: 'single position (weight × leverage, worst step)', percent: true },
  maxCorrelation: { label: 'correlation between pods', percent: false },
  maxGross: { label: 'gross exposure (worst step)', percent: false },
  maxNet: { label: 'net exposure (worst step)', percent: true },
  maxDrawdown: { label: 'drawdown stop', percent: true }
}

const show = (limit: LimitName, v: number | null): string => (v === null ? '—' : LIMITS[limit].percent ? formatPercent(v, 2) : formatNumber(v, 3))

/**
 * The limits table: each limit's value on today's book before any limit acts, its threshold
 * (editable: Enter applies), the status and the action taken; then the constraint events the
 * breaches logged in the portfolio's log, with the chain's state (`portfolio.limits`, `portfolio.log`).
 */
export function LimitsTable({ detail }: RiskSectionProps) {
  const client = useClient()
  const id = detail.portfolio.id
  const [limits, setLimits] = useState<PortfolioLimitSet>({})
  const [drafts, setDrafts] = useState<Partial<Record<LimitName, string>>>({})
  const [report, setReport] = useState<PortfolioLimitsReport | null>(null)
  const [log, setLog] = useState<{ entries: PortfolioLogEntry[]; brokenAt: number | null } | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    setError(null)
    client
      .call('portfolio.limits', { id, limits })
      .then(async (r) => {
        const l = await client.call('portfolio.log', { id })
        if (!live) return
        setReport(r)
        setLog(l)
        setDrafts({})
      })
      .catch((e: Error) => live && setError(e.message))
    return () => {
      live = false
    }
  }, [client, id, limits])

  const apply = (limit: LimitName): void => {
    const text = drafts[limit]
    if (text === undefined) return
    const n = Number(text) / (LIMITS[limit].percent ? 100 : 1)
    if (!(n > 0) || !Number.isFinite(n)) {
      setError(`${limit} must be a number > 0 (got ${JSON.stringify(text)})`)
      return
    }
    setLimits({ ...limits, [limit]: n })
  }

  const events = log?.entries.filter((e) => e.kind === 'constraint_event') ?? []
  return (
    <div className="desk-section" data-testid="limits-section">
      {error && (
        <p className="warn-text" role="alert">
          {error}
        </p>
      )}
      {report && (
        <>
          <table className="data-table compact desk-table" aria-label="Limits">
            <thead>
              <tr>
                <th>limit</th>
                <th className="num">value</th>
                <th className="num">at step</th>
                <th className="num">threshold</th>
                <th>status</th>
                <th>action taken</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.limit} data-limit={r.limit} className={r.status === 'breach' ? 'breach' : undefined}>
                  <td>{LIMITS[r.limit].label}</td>
                  <td className="num" data-testid="limit-value" title={r.note ?? undefined}>
                    {show(r.limit, r.value)}
                  </td>
                  <td className="num">{r.at ?? '—'}</td>
                  <td className="num">
                    <input
                      className="threshold"
                      aria-label={`Threshold of ${LIMITS[r.limit].label}${LIMITS[r.limit].percent ? ' in %' : ''}`}
                      value={drafts[r.limit] ?? String(LIMITS[r.limit].percent ? +(r.threshold * 100).toFixed(6) : r.threshold)}
                      onChange={(e) => setDrafts({ ...drafts, [r.limit]: e.target.value })}
                      onKeyDown={(e) => e.key === 'Enter' && apply(r.limit)}
                      onBlur={() => apply(r.limit)}
                    />
                    {LIMITS[r.limit].percent ? ' %' : ''}
                  </td>
                  <td className={r.status === 'breach' ? 'status-breach' : r.status === 'ok' ? 'status-ok' : 'muted'} data-testid="limit-status">
                    {r.status}
                  </td>
                  <td className="desk-action">{r.actions.length ? r.actions.map((a) => `${a.action.replaceAll('_', ' ')}: ${a.message}`).join('; ') : r.status === 'breach' ? 'none needed: within after the actions above' : (r.note ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted desk-note">
            after the limits: gross {formatNumber(report.gross, 3)}, cash {formatPercent(report.cash, 2)}, drawdown {formatPercent(report.path.maxDrawdown, 2)}
            {report.path.stoppedAt !== null ? `, flat from step ${report.path.stoppedAt + 1}` : ''}
          </p>
          {report.check && (
            <p className="muted desk-note" data-testid="limit-check">
              {report.check.message}: log entry {report.check.seq} at {report.check.createdAt}
            </p>
          )}
        </>
      )}
      {log && (
        <table className="data-table compact desk-table" aria-label="Constraint events in the portfolio's log">
          <thead>
            <tr>
              <th className="num">seq</th>
              <th className="num">step</th>
              <th>rule</th>
              <th>action</th>
              <th>message</th>
              <th title={log.brokenAt === null ? 'every link verifies back to the portfolio' : `the chain breaks at entry ${log.brokenAt}`}>link {log.brokenAt === null ? '✓ chain intact' : `✗ breaks at #${log.brokenAt}`}</th>
            </tr>
          </thead>
          <tbody tabIndex={0} aria-label="Logged constraint events (scroll with ↑/↓)" data-testid="limit-events">
            {events.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No limit has bound: nothing logged.
                </td>
              </tr>
            )}
            {events.map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td className="num">{e.t}</td>
                <td className="mono">{e.rule}</td>
                <td className="mono">{e.action}</td>
                <td>{e.message}</td>
                <td className="mono muted">{e.link.slice(0, 12)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
