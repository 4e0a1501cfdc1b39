import { useEffect, useMemo, useState, type ReactNode } from 'react'
import type { LabResults, RunSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatMetric, describeRun } from '../runs/run-text'
import { actionChanges, bookAnswers, constraintRows, costRows, metricRows, overlayLines, ruleName, type ComparedRun } from './compare-analysis'
import { OverlayChart } from './OverlayChart'
import { AgentPairsPanel } from './AgentPairsPanel'
import type { AgentComparison } from '../../../../shared/contract/agent-comparison'
import './compare.css'

type Loaded = { results: LabResults; events: ReadonlyArray<{ t: number; rule: string }> } | { error: string }

const SERIES_COLORS = 6
const colorOf = (i: number): string => getComputedStyle(document.documentElement).getPropertyValue(`--series-${(i % SERIES_COLORS) + 1}`).trim() || '#4aa3ff'

const signed = (x: number): string => (x > 0 ? `+${formatMetric(x)}` : x < 0 ? `−${formatMetric(-x)}` : '0')

/** Two or more runs side by side: metric deltas, overlaid equity and costs, and the book's questions answered. */
export function CompareView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const ids = workspace.compareRunIds
  const [loaded, setLoaded] = useState<Record<number, Loaded>>({})

  const summaries = ids.map((id) => state.runs[id]).filter((r): r is RunSummary => r !== undefined)
  const completedKey = summaries.filter((r) => r.status === 'completed').map((r) => r.id).join(',')

  useEffect(() => {
    let live = true
    for (const id of completedKey ? completedKey.split(',').map(Number) : []) {
      if (loaded[id]) continue
      Promise.all([client.call('runs.get', { runId: id }), client.call('runs.events', { runId: id })]).then(
        ([detail, { events }]) =>
          live &&
          setLoaded((l) => ({ ...l, [id]: detail.results?.kind === 'lab' ? { results: detail.results, events } : { error: 'has no lab results (a random walk cannot be compared here)' } })),
        (e: Error) => live && setLoaded((l) => ({ ...l, [id]: { error: e.message } }))
      )
    }
    return () => {
      live = false
    }
  }, [client, completedKey]) // eslint-disable-line react-hooks/exhaustive-deps -- `loaded` only guards refetching

  const compared: ComparedRun[] = summaries.flatMap((r) => {
    const l = loaded[r.id]
    return l && 'results' in l ? [{ id: r.id, results: l.results, events: l.events }] : []
  })
  const waiting = summaries.filter((r) => r.status === 'completed' && !loaded[r.id])
  const notComparable = summaries.flatMap((r) => {
    if (r.status !== 'completed') return [`#${r.id} is ${r.status}: only completed runs have results to compare.`]
    const l = loaded[r.id]
    return l && 'error' in l ? [`#${r.id} ${l.error}`] : []
  })
  const missing = ids.filter((id) => !state.runs[id] && state.order.length > 0)
  const labsCompared = new Set(compared.map((c) => c.results.manifest.lab))

  const candidates = state.order.map((id) => state.runs[id]!).filter((r) => r && r.spec.task === 'lab' && r.status === 'completed' && !ids.includes(r.id))
  const setIds = (next: number[]): void => workspace.setCompareRunIds(next)

  useCommands(
    compared.length >= 2
      ? compared.slice(1).map((c) => ({ id: `compare.base.${c.id}`, title: `Compare against run #${c.id} as the baseline`, group: 'Compare', run: () => setIds([c.id, ...ids.filter((x) => x !== c.id)]) }))
      : []
  )

  // Agent/baseline pairs among the compared runs: the engine's paired comparison, when there are any.
  // Asked once every ticked run has loaded, so a partial verdict (one seed of four) never shows.
  const comparedKey = waiting.length === 0 ? compared.map((c) => c.id).join(',') : ''
  const [agentComparison, setAgentComparison] = useState<AgentComparison | null>(null)
  useEffect(() => {
    let live = true
    const runIds = comparedKey ? comparedKey.split(',').map(Number) : []
    const hasAgentRun = compared.some((c) => c.results.manifest.agent !== undefined)
    if (runIds.length < 2 || !hasAgentRun) {
      setAgentComparison(null)
      return
    }
    client.call('runs.agentComparison', { runIds }).then(
      ({ comparison }) => live && setAgentComparison(comparison),
      () => live && setAgentComparison(null)
    )
    return () => {
      live = false
    }
  }, [client, comparedKey]) // eslint-disable-line react-hooks/exhaustive-deps -- `compared` follows comparedKey

  const colors = useMemo(() => compared.map((_, i) => colorOf(i)), [compared.length]) // eslint-disable-line react-hooks/exhaustive-deps
  const analysis = useMemo(() => {
    if (compared.length < 2) return null
    return {
      metrics: metricRows(compared),
      answers: bookAnswers(compared),
      constraints: constraintRows(compared),
      costs: costRows(compared),
      actions: actionChanges(compared).filter((c) => c.maxChangePp >= 0.05).slice(0, 10),
      equity: overlayLines(compared, 'equity'),
      cost: overlayLines(compared, 'cumulativeCost')
    }
  }, [compared.map((c) => c.id).join(',')]) // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="compare-view">
      <section className="panel compare-picker" aria-label="Compared runs">
        <header className="panel-title">
          <span>Compare</span>
          <span className="muted">the first run is the baseline; deltas are against it</span>
        </header>
        <div className="chips">
          {ids.map((id, i) => {
            const run = state.runs[id]
            return (
              <span key={id} className="chip" data-run-id={id} style={{ borderLeftColor: colors[compared.findIndex((c) => c.id === id)] }}>
                <b>#{id}</b>
                {i === 0 && <span className="badge">baseline</span>}
                <span className="chip-text">{run ? describeRun(run) : 'not in the loaded runs'}</span>
                {i > 0 && (
                  <button type="button" className="icon-button" title="Make this the baseline" aria-label={`Make run #${id} the baseline`} onClick={() => setIds([id, ...ids.filter((x) => x !== id)])}>
                    ⤒
                  </button>
                )}
                <button type="button" className="icon-button" aria-label={`Remove run #${id}`} onClick={() => setIds(ids.filter((x) => x !== id))}>
                  ×
                </button>
              </span>
            )
          })}
          <select
            aria-label="Add a run"
            value=""
            onChange={(e) => {
              const id = Number(e.target.value)
              if (id > 0) setIds([...ids, id])
            }}
            disabled={candidates.length === 0}
          >
            <option value="">{candidates.length ? '+ add a completed lab run…' : 'no other completed lab runs'}</option>
            {candidates.slice(0, 200).map((r) => (
              <option key={r.id} value={r.id}>
                #{r.id} {describeRun(r)}
              </option>
            ))}
          </select>
        </div>
        {notComparable.length > 0 && <p className="warn-text">{notComparable.join(' ')}</p>}
        {missing.length > 0 && <p className="muted">Runs {missing.map((id) => `#${id}`).join(', ')} are not among the newest stored runs (or were removed).</p>}
        {labsCompared.size > 1 && <p className="warn-text">These runs come from different labs ({[...labsCompared].join(', ')}): only metrics with the same name line up.</p>}
      </section>

      {compared.length < 2 ? (
        <section className="panel">
          <p className="empty-state" data-testid="compare-empty">
            {waiting.length > 0
              ? `Loading the results of ${waiting.map((r) => `#${r.id}`).join(', ')}…`
              : state.order.length === 0
                ? 'No runs yet. Run a lab in the Explorer (Alt+1) — its stress menu makes variants worth comparing — then tick the runs here or in Runs (Alt+2).'
                : 'Pick two or more completed lab runs: tick them in Runs (Alt+2, Space ticks the selected run) or add them with the picker above. From the Explorer, “Compare with previous” opens a run against the one before it.'}
          </p>
        </section>
      ) : (
        analysis && (
          <>
            {agentComparison && <AgentPairsPanel comparison={agentComparison} />}
            <section className="panel book-questions" aria-label="The book's questions">
              <header className="panel-title">
                <span>The book’s questions, answered from the runs</span>
              </header>
              <div className="answers">
                <Answer question="constraints" title="Which constraint became binding?" answers={analysis.answers.constraints} first="rule" runs={compared} rows={analysis.constraints.map((row) => ({
                  key: row.rule,
                  className: row.becameBinding ? 'worse' : row.stoppedBinding ? 'better' : undefined,
                  label: ruleName(row.rule),
                  cells: row.counts.map((n) => ({ text: String(n) }))
                }))} />
                <Answer question="costs" title="Which costs exploded?" answers={analysis.answers.costs} first="component" runs={compared} ratioHeaders alwaysTable rows={analysis.costs.map((row) => ({
                  key: row.component,
                  data: { 'data-cost': row.component },
                  label: row.component,
                  cells: row.totals.map((t, i) => ({
                    text: `${formatMetric(t)}${i > 0 && row.ratios[i] !== null ? ` (${row.ratios[i] === Infinity ? 'new' : `×${row.ratios[i]!.toFixed(2)}`})` : ''}`,
                    className: row.exploded[i] ? 'worse' : undefined
                  }))
                }))} />
                <Answer question="actions" title="Which actions changed?" answers={analysis.answers.actions} first="action (regime)" runs={compared} rows={analysis.actions.map((row) => ({
                  key: `${row.regime}/${row.action}`,
                  label: (
                    <>
                      <span className="mono">{row.action}</span>
                      {row.regime && <span className="muted"> in {row.regime}</span>}
                    </>
                  ),
                  cells: row.shares.map((share) => ({ text: `${(share * 100).toFixed(1)}%` }))
                }))} />
              </div>
            </section>

            <section className="panel compare-charts" aria-label="Overlaid series">
              <OverlayChart lines={analysis.equity} colors={colors} label="equity" height={230} />
              <OverlayChart lines={analysis.cost} colors={colors} label="cumulative cost" height={170} />
            </section>

            <section className="panel compare-metrics" aria-label="Metric deltas">
              <header className="panel-title">
                <span>Metrics</span>
                <span className="muted">Δ against #{compared[0]!.id} · green better, red worse (where the metric’s name says which way is better)</span>
              </header>
              <div className="table-scroll">
                <table className="compact">
                  <thead>
                    <tr>
                      <th>metric</th>
                      {compared.map((c, i) => (
                        <th key={c.id} className="num" colSpan={i === 0 ? 1 : 2}>
                          <i className="swatch" style={{ background: colors[i] }} />#{c.id}
                          {i > 0 ? ' · Δ' : ''}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {analysis.metrics.map((row) => (
                      <tr key={row.name} data-metric={row.name}>
                        <td className="mono" title={row.direction ? `${row.direction} is better` : 'no better/worse direction'}>
                          {row.name}
                        </td>
                        {row.values.map((v, i) =>
                          i === 0 ? (
                            <td key={i} className="num mono">
                              {formatMetric(v)}
                            </td>
                          ) : (
                            [
                              <td key={`${i}v`} className="num mono">
                                {formatMetric(v)}
                              </td>,
                              <td key={`${i}d`} className={`num mono delta ${row.verdicts[i] ?? ''}`} data-delta={i}>
                                {row.deltas[i] === null ? '—' : signed(row.deltas[i]!)}
                                {row.relative[i] !== null && row.relative[i] !== 0 ? <span className="rel"> ({(row.relative[i]! * 100).toFixed(1)}%)</span> : null}
                              </td>
                            ]
                          )
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </>
        )
      )}
    </div>
  )
}

interface AnswerRow {
  key: string
  label: ReactNode
  className?: string | undefined
  data?: Record<string, string>
  cells: Array<{ text: string; className?: string | undefined }>
}

/** One of the book's questions: the sentences that answer it, and the table they come from (one column per run). */
function Answer(props: { question: string; title: string; answers: string[]; first: string; runs: ComparedRun[]; rows: AnswerRow[]; ratioHeaders?: boolean; alwaysTable?: boolean }) {
  const { question, title, answers, first, runs, rows, ratioHeaders = false, alwaysTable = false } = props
  return (
    <div className="answer" data-question={question}>
      <h3>{title}</h3>
      <ul>
        {answers.map((a) => (
          <li key={a}>{a}</li>
        ))}
      </ul>
      {(alwaysTable || rows.length > 0) && (
        <table className="compact">
          <thead>
            <tr>
              <th>{first}</th>
              {runs.map((c, i) => (
                <th key={c.id} className="num">
                  #{c.id}
                  {ratioHeaders && i > 0 ? ' (×)' : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} className={row.className} {...row.data}>
                <td>{row.label}</td>
                {row.cells.map((cell, i) => (
                  <td key={i} className={`num mono${cell.className ? ` ${cell.className}` : ''}`}>
                    {cell.text}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
