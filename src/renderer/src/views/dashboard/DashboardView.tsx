import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { RunSeriesView, RunSummary } from '../../../../shared/contract'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { ChartGroup } from '../../charts/chart-group'
import { formatInteger } from '../../format/numbers'
import { ActionMix } from './ActionMix'
import { DiagnosticsCharts } from './DiagnosticsCharts'
import { leverageCap, leverageCapOfSpec } from './leverage-cap'
import { useDashboardSeries } from './useDashboardSeries'
import { MetricsTable as MetricsRows } from '../runs/MetricsTable'
import '../../charts/charts.css'
import './dashboard.css'
import { partialBadge } from '../runs/run-text'

/** The lab runs the dashboard can show, newest first. */
export function labRuns(state: ViewProps['state']): RunSummary[] {
  return state.order.map((id) => state.runs[id]).filter((r): r is RunSummary => r !== undefined && r.spec.task === 'lab')
}

/** The workspace's selected run when it is a lab run, else the newest lab run. */
export function currentLabRun(state: ViewProps['state'], selectedRunId: number | null): RunSummary | null {
  const selected = selectedRunId !== null ? state.runs[selectedRunId] : undefined
  if (selected && selected.spec.task === 'lab') return selected
  return labRuns(state)[0] ?? null
}

export function RunPicker({ state, run, onPick }: { state: ViewProps['state']; run: RunSummary | null; onPick(id: number): void }) {
  const runs = labRuns(state).slice(0, 200)
  return (
    <select className="run-picker" aria-label="Run" value={run?.id ?? ''} onChange={(e) => onPick(Number(e.target.value))}>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          #{r.id} {r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset}` : r.task} · seed {r.seed} · {r.status}
        </option>
      ))}
    </select>
  )
}

function MetricsTable({ results, run, done }: { results: RunSeriesView['summary'] | null; run: RunSummary; done: number }) {
  if (!results) {
    return (
      <p className="muted dash-note">
        {run.status === 'running' ? `Running: ${formatInteger(done)} of ${formatInteger(run.progressTotal)} steps. The notebook-named metrics come with the results.` : 'No metrics: the run did not complete.'}
      </p>
    )
  }
  return (
    <MetricsRows metrics={Object.entries(results.metrics)} label="Metrics" className="compact dash-metrics" testId="dashboard-metrics" />
  )
}

/**
 * The run dashboard: the book's four diagnostics on one synced step axis (equity with
 * drawdown and constraint events, regime ribbon, cumulative cost by component, action counts
 * by regime), leverage against its cap and the metrics table. A running lab run streams in.
 */
export function DashboardView({ state }: ViewProps) {
  const workspace = useWorkspace()
  const run = currentLabRun(state, workspace.selectedRunId)
  const group = useMemo(() => new ChartGroup(), [])
  const body = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(1000)
  useLayoutEffect(() => {
    const element = body.current
    if (!element) return
    const observer = new ResizeObserver(() => setWidth(Math.max(300, element.clientWidth)))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  // Width changes re-conflate only in steps of 256 px, not on every pixel of a drag.
  const bucketWidthPx = Math.ceil(width / 256) * 256
  const { series, results, error } = useDashboardSeries(run, bucketWidthPx)

  const lab = run?.spec.task === 'lab' ? run.spec : null
  const labInfo = lab ? state.labs.find((l) => l.id === lab.lab) : undefined
  const cap = useMemo(() => {
    if (!lab || !labInfo) return null
    if (results) return leverageCap(labInfo.leverageCap, results.config)
    return leverageCapOfSpec(labInfo.leverageCap, lab.preset, lab.overrides)
  }, [lab, results, labInfo])

  // A decision-log row (or any view) focused a step of this run: show it on every chart.
  const focus = workspace.focus
  useEffect(() => {
    if (focus && series && focus.runId === series.runId) group.showTime(focus.t)
  }, [focus, series, group])

  useCommands([
    { id: 'dashboard.resetZoom', title: 'Dashboard: reset zoom', group: 'Dashboard', run: () => group.resetZoom() },
    ...(series && series.events.length > 0
      ? [
          {
            id: 'dashboard.firstEvent',
            title: `Dashboard: show the first constraint event (step ${series.events[0]!.t})`,
            group: 'Dashboard',
            run: () => workspace.focusAt({ runId: series.runId, t: series.events[0]!.t })
          }
        ]
      : [])
  ])

  const progress = run ? state.progress[run.id] : undefined
  const done = series?.done ?? progress?.done ?? 0
  return (
    <div className="dashboard-view" data-testid="dashboard-view" ref={body}>
      <header className="viz-header">
        <span className="viz-title">Dashboard</span>
        {run ? <RunPicker state={state} run={run} onPick={(id) => workspace.selectRun(id)} /> : null}
        {run && (
          <span className="muted" data-testid="dashboard-status">
            <span className={`status status-${run.status}`}>{run.status}</span>
            {run.partial && <span className="badge badge-partial">{partialBadge(run)}</span>} {formatInteger(done)} / {formatInteger(run.progressTotal)} steps
            {series && series.bucket > 1 ? ` · ${formatInteger(series.bucket)} steps per bucket (min/max kept)` : ''}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="viz-button" onClick={() => group.resetZoom()} title="Dashboard: reset zoom">
          Reset zoom
        </button>
      </header>
      {!run && <p className="empty-state dash-note">No lab runs yet. Start one from the Explorer or the Runs view; it streams in here while it runs.</p>}
      {run && error && <p className="error-text dash-note">{error}</p>}
      {run && !error && !series && <p className="muted dash-note">{run.status === 'running' ? 'Waiting for the first steps…' : 'Loading the run…'}</p>}
      {run && series && (
        <div className="dash-grid">
          <DiagnosticsCharts series={series} cap={cap} group={group} onPick={(t) => workspace.focusAt({ runId: series.runId, t })} />
          <aside className="dash-side">
            <section className="panel">
              <header className="panel-title">
                <span>Metrics</span>
                {results && <span className="tag">{results.manifest.preset}</span>}
              </header>
              <MetricsTable results={results} run={run} done={done} />
            </section>
            <section className="panel">
              <header className="panel-title">
                <span>Actions by regime</span>
              </header>
              {results ? <ActionMix results={results} /> : <p className="muted dash-note">Counted over the whole run when it completes.</p>}
            </section>
            <section className="panel">
              <header className="panel-title">
                <span>Constraint events</span>
                <span className="tag" data-testid="event-count">
                  {series.events.length}
                </span>
              </header>
              <EventsByRule counts={series.eventsByRule} />
            </section>
          </aside>
        </div>
      )}
    </div>
  )
}

/** Counts kept by the series as chunks arrive: a render never walks the run's events. */
function EventsByRule({ counts }: { counts: Record<string, number> }) {
  const rules = Object.entries(counts)
  if (rules.length === 0) return <p className="muted dash-note">The risk gate did not intervene.</p>
  return (
    <table className="compact">
      <tbody>
        {rules.map(([rule, n]) => (
          <tr key={rule}>
            <td className="mono">{rule}</td>
            <td className="num mono">{formatInteger(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
