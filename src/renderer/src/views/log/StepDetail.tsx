import { useEffect, useState } from 'react'
import type { AgentCallRecord } from '../../../../shared/contract/agent'
import { useClient } from '../../app/ClientContext'
import type { LogRow } from './step-pages'
import { formatNumber } from '../../format/numbers'

/**
 * The selected decision in full, under the table: the rationale and every constraint message
 * (the table truncates both), with the step's costs and P&L by component.
 */
export function StepDetail({ row, runId }: { row: LogRow | null; runId: number | null }) {
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
      {runId !== null && askedAgent(row) && <AgentCallDetail runId={runId} t={row.t} />}
      <div className="step-detail-numbers mono">
        cost {formatNumber(row.cost, 6)}
        {row.costs.map(([name, value]) => ` · ${name} ${formatNumber(value, 6)}`).join('')} | p&amp;l {formatNumber(row.netPnl, 6)}
        {row.pnl.map(([name, value]) => ` · ${name} ${formatNumber(value, 6)}`).join('')}
      </div>
    </div>
  )
}

/** Whether the book's agent was asked for this step's decision: its own, a fallback from it, or the selector's override. */
function askedAgent(row: LogRow): boolean {
  return row.source === 'AGENT' || row.source === 'OVERRIDE' || row.rationale.includes('[agent fallback: ')
}

/** The agent call behind the selected step, fetched when the row is selected (never per table row): verdict, prompt, raw reply. */
function AgentCallDetail({ runId, t }: { runId: number; t: number }) {
  const client = useClient()
  const [state, setState] = useState<{ key: string; call: AgentCallRecord | null; error: string | null } | null>(null)
  const key = `${runId}:${t}`
  useEffect(() => {
    let live = true
    client.call('runs.agentCall', { runId, t }).then(
      (r) => live && setState({ key, call: r.call, error: null }),
      (e: unknown) => live && setState({ key, call: null, error: e instanceof Error ? e.message : String(e) })
    )
    return () => {
      live = false
    }
  }, [client, runId, t, key])
  if (state === null || state.key !== key) return <div className="step-agent muted">Loading the agent call…</div>
  if (state.error !== null) return <div className="step-agent error">Agent call: {state.error}</div>
  const call = state.call
  if (call === null) return <div className="step-agent muted">No agent call is stored for this step.</div>
  const verdict = call.valid ? 'valid reply, used' : `rejected: ${call.reason}${call.detail ? ` (${call.detail})` : ''}`
  return (
    <div className="step-agent" data-testid="step-agent">
      <div className="step-agent-head mono">
        agent call at step {call.t} · {verdict} · {formatNumber(call.latencyMs, 1)} ms · tokens {call.promptTokens}/{call.completionTokens}
      </div>
      <details>
        <summary>prompt</summary>
        <pre className="step-agent-text">{`${call.system}\n\n${call.user}`}</pre>
      </details>
      <details open>
        <summary>reply</summary>
        <pre className="step-agent-text">{call.raw ?? '(no reply)'}</pre>
      </details>
    </div>
  )
}
