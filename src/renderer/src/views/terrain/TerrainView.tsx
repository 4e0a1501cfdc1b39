import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { type RunSummary, type TerrainBar, type TerrainGrouping, type TerrainSeries } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatValue } from '../../charts/colour-scale'
import { regimeColour, seriesColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { AssetNetwork } from './AssetNetwork'
import { CorrelationMatrix } from './CorrelationMatrix'
import { GroupingTable } from './GroupingTable'
import { PhasePlane } from './PhasePlane'
import { TimeChart } from './TimeChart'
import '../../charts/charts.css'
import './terrain.css'

const TRIGGER_NAMES = ['no signal', 'quiet', 'log — don’t fire', 'fire'] as const
/** Bars kept per run after a scrub, so going back is instant. */
const BAR_CACHE = 256

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
}

/** Runs of the labs that declare a terrain (LabInfo.terrainView): the view names no lab itself. */
function isTerrainRun(state: ViewProps['state'], run: RunSummary | undefined): run is RunSummary {
  if (run?.spec.task !== 'lab') return false
  const lab = run.spec.lab
  return state.labs.some((info) => info.id === lab && info.terrainView)
}

function terrainRuns(state: ViewProps['state']): RunSummary[] {
  return state.order.map((id) => state.runs[id]).filter((r) => isTerrainRun(state, r))
}

interface Loaded {
  runId: number
  series: TerrainSeries
  grouping: TerrainGrouping | null
}

/**
 * A terrain lab's run through time (issue 17 item 8): the scrubbed bar's correlation
 * heatmap by watershed and its asset network, the [risk, momentum] phase plane with the forecast
 * ellipse, Pressure/Fragility with the preset's triggers, and the grouping table. The series
 * load once; the scrubber fetches one bar's matrix at a time.
 */
export function TerrainView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const runs = terrainRuns(state)
  const selected = workspace.selectedRunId !== null ? state.runs[workspace.selectedRunId] : undefined
  const run = isTerrainRun(state, selected) ? selected : (runs[0] ?? null)
  const runId = run?.id ?? null
  const status = run?.status ?? null
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [t, setT] = useState(0)
  const [bar, setBar] = useState<TerrainBar | null>(null)
  const [threshold, setThreshold] = useState(0.5)
  const cache = useRef(new Map<number, TerrainBar>())
  const pending = useRef<{ runId: number; bar: number } | null>(null)
  const busy = useRef(false)
  const loadedRun = useRef<number | null>(null)
  loadedRun.current = loaded?.runId ?? null

  useEffect(() => {
    setError(null)
    if (runId === null) return
    let live = true
    client.call('terrain.view', { runId, series: true }).then(
      (view) => {
        if (!live || !view.series) return
        // A new run starts at its last bar; the same run (completed since) keeps the scrubber.
        if (loadedRun.current !== runId) {
          cache.current = new Map()
          setBar(null)
          setT(view.series.bars - 1)
        }
        setLoaded({ runId, series: view.series, grouping: view.grouping })
      },
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
    // status: a run that completes brings its grouping table
  }, [client, runId, status])

  // One bar at a time: while a request is out, only the latest wanted bar is remembered.
  const pump = useCallback(() => {
    const want = pending.current
    if (busy.current || !want) return
    const hit = cache.current.get(want.bar)
    if (hit) {
      pending.current = null
      setBar(hit)
      return
    }
    busy.current = true
    client
      .call('terrain.view', { runId: want.runId, bar: want.bar, series: false })
      .then(
        (view) => {
          if (!view.bar) return
          if (cache.current.size >= BAR_CACHE) cache.current.delete(cache.current.keys().next().value!)
          cache.current.set(view.bar.bar, view.bar)
          if (pending.current?.runId === want.runId && pending.current.bar === want.bar) pending.current = null
          if (loadedRun.current === want.runId) setBar(view.bar)
        },
        (e: Error) => setError(e.message)
      )
      .finally(() => {
        busy.current = false
        pump()
      })
  }, [client])
  useEffect(() => {
    if (!loaded) return
    pending.current = { runId: loaded.runId, bar: t }
    pump()
  }, [loaded, t, pump])

  const series = loaded?.series ?? null
  const [panelWidth, setPanelWidth] = useState(480)
  const measured = useRef<ResizeObserver | null>(null)
  // The time charts and the phase plane take their panel's width (charts draw in pixels).
  const measure = useCallback((element: HTMLElement | null) => {
    measured.current?.disconnect()
    if (!element) return
    measured.current = new ResizeObserver(() => setPanelWidth(Math.max(360, element.clientWidth - 22)))
    measured.current.observe(element)
  }, [])
  const last = (series?.bars ?? 1) - 1
  const step = useCallback((by: number) => setT((now) => Math.max(0, Math.min(last, now + by))), [last])

  // A jump from another view moves the scrubber.
  const focus = workspace.focus
  useEffect(() => {
    if (focus && focus.runId === runId && series) setT(Math.max(0, Math.min(series.bars - 1, focus.t)))
  }, [focus, runId, series])

  // ←/→ step (Shift: 21 bars, a month), Home/End jump.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isEditable(event.target)) return
      if (event.key === 'ArrowRight') step(event.shiftKey ? 21 : 1)
      else if (event.key === 'ArrowLeft') step(event.shiftKey ? -21 : -1)
      else if (event.key === 'Home') setT(0)
      else if (event.key === 'End') setT(last)
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [step, last])

  useCommands([
    { id: 'terrain.first', title: 'Terrain: first bar', group: 'Terrain', shortcut: 'Home', run: () => setT(0) },
    { id: 'terrain.last', title: 'Terrain: last bar', group: 'Terrain', shortcut: 'End', run: () => setT(last) }
  ])

  const mini = useMemo(
    () =>
      series
        ? [
            { key: 'eigenHardness', name: 'eigen hardness', unit: '0–1', colour: seriesColour(0) },
            { key: 'edgeHardness', name: 'edge hardness', unit: '0–1', colour: seriesColour(5) },
            { key: 'absorption', name: 'absorption ratio', unit: 'share', colour: seriesColour(1) },
            { key: 'effectiveRank', name: 'effective rank', unit: 'assets', colour: seriesColour(2) },
            { key: 'alertsActive', name: 'pairs in fault alert', unit: 'pairs', colour: seriesColour(3) }
          ] as const
        : [],
    [series]
  )
  const pf = useMemo(
    () =>
      series
        ? [
            { name: 'pressure', values: series.columns.pressure, colour: seriesColour(1), threshold: series.trailhead.pressureMin },
            { name: 'fragility', values: series.columns.fragility, colour: seriesColour(4), threshold: series.trailhead.fragilityMin }
          ]
        : [],
    [series]
  )
  const oneWay = useMemo(() => (series ? [{ name: 'One-Way', values: series.columns.oneWay, colour: seriesColour(5), ...(series.trailhead.oneWayMin === null ? {} : { threshold: series.trailhead.oneWayMin }) }] : []), [series])
  const marks = useMemo(
    () => [
      { name: 'log', code: 2, colour: 'var(--warn)' },
      { name: 'fire', code: 3, colour: 'var(--bad)' }
    ],
    []
  )

  if (!run) return <div className="terrain-view"><p className="empty-state terrain-note">No runs of a terrain lab yet: start one in the Explorer (Alt+1) and its terrain shows here.</p></div>
  const c = series?.columns
  const regime = c ? c.regime[t]! : 0
  const trigger = c ? c.trigger[t]! : 0
  const counts = c ? countMarks(c.trigger) : { log: 0, fire: 0 }
  return (
    <div className="terrain-view" data-testid="terrain-view">
      <header className="viz-header">
        <span className="viz-title">Terrain</span>
        <select className="run-picker" aria-label="Run" value={run.id} onChange={(e) => workspace.selectRun(Number(e.target.value))}>
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              #{r.id} {r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset}` : r.task} · seed {r.seed} · {r.status}
            </option>
          ))}
        </select>
        {series && (
          <span className="muted">
            {series.assets.length} assets · {formatInteger(series.bars)} bars · trailhead preset {series.trailhead.id} · terrain read from bar {series.terrainFrom}, state from bar {series.stateFrom}
          </span>
        )}
      </header>
      {error && <p className="error-text terrain-note">{error}</p>}
      {!error && !series && <p className="muted terrain-note">Simulating the run’s market again for its terrain…</p>}
      {series && c && (
        <>
          <div className="terrain-scrub" data-testid="terrain-scrubber">
            <button type="button" className="viz-button" onClick={() => step(-1)} title="Back one bar (←; Shift: 21)">
              ◀
            </button>
            <button type="button" className="viz-button" onClick={() => step(1)} title="Forward one bar (→; Shift: 21)">
              ▶
            </button>
            <input type="range" min={0} max={last} value={t} onChange={(e) => setT(Number(e.target.value))} aria-label="Bar" data-testid="terrain-slider" />
            <span className="mono scrub-step" data-testid="terrain-bar" data-t={t}>
              bar {formatInteger(t)} / {formatInteger(last)}
            </span>
            <span className="regime-chip" style={{ background: regimeColour(regime) }} data-testid="terrain-regime">
              {series.regimeNames[regime] ?? regime}
            </span>
            <span className={`terrain-trigger trigger-${trigger}`} data-testid="terrain-trigger" data-value={trigger}>
              trailhead: {TRIGGER_NAMES[trigger] ?? trigger}
            </span>
            {bar?.bar !== t && <span className="tag">loading bar {formatInteger(t)}…</span>}
          </div>
          <div className="terrain-grid">
            <section className="panel terrain-panel">
              <header className="panel-title">
                <span>Correlation by watershed</span>
                <span className="tag" data-testid="terrain-frame" data-bar={bar?.bar ?? ''}>
                  {bar ? `bar ${formatInteger(bar.bar)}${bar.frameBar !== bar.bar ? ` (matrix of bar ${formatInteger(bar.frameBar)})` : ''} · ${bar.alerts.length} pairs in fault alert` : '…'}
                </span>
              </header>
              {bar ? <CorrelationMatrix bar={bar} assets={series.assets} /> : <div className="terrain-placeholder" aria-busy />}
              {bar && !bar.alertsComplete && <p className="terrain-warn terrain-note">The run’s record of the fault-alert state stopped at its budget before this bar: the pairs shown are incomplete.</p>}
              <table className="compact terrain-readings" data-testid="terrain-readings">
                <tbody>
                  {mini.map((m) => (
                    <tr key={m.key} data-name={m.key}>
                      <td>{m.name}</td>
                      <td className="num mono" data-testid={`reading-${m.key}`} data-value={String(c[m.key][t])}>
                        {m.key === 'alertsActive' ? formatInteger(c[m.key][t]!) : formatValue(c[m.key][t]!)}
                      </td>
                      <td className="muted">{m.unit}</td>
                      <td className="terrain-spark">
                        <TimeChart lines={[{ name: m.name, values: c[m.key], colour: m.colour }]} t={t} regime={c.regime} width={240} height={30} onSeek={setT} testId={`spark-${m.key}`} bare />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="panel terrain-panel">
              <header className="panel-title">
                <span>Asset network</span>
                <label className="tag terrain-threshold">
                  |ρ| ≥{' '}
                  <input type="range" min={0} max={0.95} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} aria-label="Edge threshold" data-testid="terrain-threshold" />{' '}
                  <span className="mono">{threshold.toFixed(2)}</span>
                </label>
              </header>
              {bar ? <AssetNetwork bar={bar} assets={series.assets} threshold={threshold} /> : <div className="terrain-placeholder" aria-busy />}
              {bar && bar.alerts.length > 0 && <AlertList bar={bar} assets={series.assets} />}
            </section>
            <section className="panel terrain-panel" ref={measure}>
              <header className="panel-title">
                <span>Phase plane · risk × momentum</span>
                <span className="tag">Kalman state, one-step forecast, 95 % ellipse</span>
              </header>
              <PhasePlane series={series} t={t} width={Math.min(panelWidth, 640)} height={Math.round(Math.min(panelWidth, 640) * 0.72)} />
              <table className="compact terrain-readings" data-testid="terrain-state">
                <tbody>
                  <Reading name="state risk, momentum" pair={[c.stateRisk[t]!, c.stateMomentum[t]!]} id="state" />
                  <Reading name="forecast risk, momentum" pair={[c.forecastRisk[t]!, c.forecastMomentum[t]!]} id="forecast" />
                  <Reading name="ellipse semi-axes (major, minor)" pair={[c.ellipseMajor[t]!, c.ellipseMinor[t]!]} id="ellipse" />
                  <Reading name="risk_off boundary" pair={[c.riskOffBoundary[t]!]} id="boundary" />
                </tbody>
              </table>
            </section>
            <section className="panel terrain-panel">
              <header className="panel-title">
                <span>Pressure · Fragility (preset {series.trailhead.id})</span>
                <span className="tag" title={series.trailhead.note}>
                  {series.trailhead.normalise === 'percentile' ? 'trailing percentile' : 'trailing z'} over {series.trailhead.window} bars · {counts.fire} fire · {counts.log} log
                </span>
              </header>
              <TimeChart lines={pf} t={t} regime={c.regime} marks={marks} codes={c.trigger} width={panelWidth} height={230} onSeek={setT} testId="terrain-pressure-chart" {...(series.trailhead.normalise === 'percentile' ? { fixed: [0, 1] as const } : {})} />
              <div className="colour-legend">
                <span className="terrain-swatch" style={{ background: seriesColour(1) }} /> pressure ≥ {series.trailhead.pressureMin}
                <span className="terrain-swatch" style={{ background: seriesColour(4) }} /> fragility ≥ {series.trailhead.fragilityMin}
                <span className="terrain-swatch" style={{ background: 'var(--warn)' }} /> log, don’t fire (one lit)
                <span className="terrain-swatch" style={{ background: 'var(--bad)' }} /> fire
                <span>· lower ribbon: true regime · click a chart to scrub</span>
              </div>
              <div className="terrain-subtitle">One-Way confidence: the top exit’s share of the stressed flow</div>
              <TimeChart lines={oneWay} t={t} regime={c.regime} width={panelWidth} height={64} onSeek={setT} testId="terrain-oneway-chart" fixed={[0, 1]} />
              <table className="compact terrain-readings" data-testid="terrain-trailhead">
                <tbody>
                  <Reading name="pressure" pair={[c.pressure[t]!]} id="pressure" />
                  <Reading name="fragility" pair={[c.fragility[t]!]} id="fragility" />
                  <Reading name={`One-Way confidence${series.trailhead.oneWayMin === null ? '' : ` (needs ≥ ${series.trailhead.oneWayMin})`}`} pair={[c.oneWay[t]!]} id="oneWay" />
                </tbody>
              </table>
              <p className="muted terrain-note">{series.trailhead.note}</p>
            </section>
            <section className="panel terrain-panel terrain-wide">
              <header className="panel-title">
                <span>Regime grouping against the true regimes</span>
                {loaded?.grouping && (
                  <span className="tag">
                    fitted on bars {loaded.grouping.trainBars[0]}–{loaded.grouping.trainBars[1] - 1}, scored on {loaded.grouping.testBars[0]}–{loaded.grouping.testBars[1] - 1} · features: {loaded.grouping.features.join(', ')}
                  </span>
                )}
              </header>
              {loaded?.grouping ? (
                <GroupingTable grouping={loaded.grouping} />
              ) : (
                <p className="muted terrain-note">{status === 'running' ? 'The grouping table comes with the run’s results.' : 'This run has no grouping table (it stopped early, or had too few readable bars to fit and score two regimes).'}</p>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  )
}

function countMarks(trigger: ArrayLike<number>): { log: number; fire: number } {
  let log = 0
  let fire = 0
  for (let i = 0; i < trigger.length; i++) {
    if (trigger[i] === 2) log++
    else if (trigger[i] === 3) fire++
  }
  return { log, fire }
}

function Reading({ name, pair, id }: { name: string; pair: readonly number[]; id: string }) {
  return (
    <tr data-name={id}>
      <td>{name}</td>
      <td className="num mono" data-testid={`reading-${id}`} data-value={pair.map(String).join(',')}>
        {pair.map((v) => formatValue(v)).join(', ')}
      </td>
    </tr>
  )
}

function AlertList({ bar, assets }: { bar: TerrainBar; assets: readonly string[] }) {
  const name = (p: number) => assets[bar.order[p]!] ?? p
  const n = bar.order.length
  return (
    <table className="compact terrain-alerts" data-testid="terrain-alerts">
      <thead>
        <tr>
          <th>in fault alert ({bar.alerts.length})</th>
          <th className="num">since bar</th>
          <th className="num">ρ</th>
          <th className="num">edge hardness</th>
          <th className="num">move</th>
        </tr>
      </thead>
      <tbody>
        {bar.alerts.slice(0, 6).map((a) => (
            <tr key={`${a.a}-${a.b}`}>
              <td className="mono">
                {name(a.a)} × {name(a.b)}
              </td>
              <td className="num mono">{a.entered}</td>
              <td className="num mono">{formatValue(bar.correlation[a.a * n + a.b]!, 1)}</td>
              <td className="num mono">{formatValue(bar.edgeHardness[a.a * n + a.b]!, 1)}</td>
              <td className="num mono">
                {a.z >= 0 ? '+' : ''}
                {a.z.toFixed(2)}σ
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  )
}
