import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { TerrainBar, TerrainSeries } from '../../../../shared/contract'
import { useCommands } from '../../app/workspace'
import { formatValue } from '../../charts/colour-scale'
import { regimeColour, seriesColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { AssetNetwork } from './AssetNetwork'
import { CorrelationMatrix } from './CorrelationMatrix'
import { PhasePlane } from './PhasePlane'
import { TimeChart } from './TimeChart'

// The Terrain view's panels for one terrain, whatever it was read from (a lab run, a user's
// file): the scrubber, the heatmap by watershed with its readings, the asset network, the phase
// plane, Pressure/Fragility, and the grouping section its source supplies. `series.columns.regime`
// colours the ribbons and the path: a run's true regime, or a grouping method's regimes on a file.

const TRIGGER_NAMES = ['no signal', 'quiet', 'log — don’t fire', 'fire'] as const

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
}

export interface TerrainPanelsProps {
  series: TerrainSeries
  t: number
  setT(t: number | ((now: number) => number)): void
  /** The scrubbed bar's matrix (null while it loads). */
  bar: TerrainBar | null
  /** Date per bar for a file (the scrubber shows dates); null for a run (bar numbers). */
  dates: readonly string[] | null
  /** What colours the ribbons: "true regime", or a grouping method's regimes. */
  regimeLabel: string
  groupingTitle: ReactNode
  grouping: ReactNode
}

export function TerrainPanels({ series, t, setT, bar, dates, regimeLabel, groupingTitle, grouping }: TerrainPanelsProps) {
  const [panelWidth, setPanelWidth] = useState(480)
  const measured = useRef<ResizeObserver | null>(null)
  // The time charts and the phase plane take their panel's width (charts draw in pixels).
  const measure = useCallback((element: HTMLElement | null) => {
    measured.current?.disconnect()
    if (!element) return
    measured.current = new ResizeObserver(() => setPanelWidth(Math.max(360, element.clientWidth - 22)))
    measured.current.observe(element)
  }, [])
  const last = series.bars - 1
  const [threshold, setThreshold] = useState(0.5)
  const step = useCallback((by: number) => setT((now) => Math.max(0, Math.min(last, now + by))), [last, setT])

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
  }, [step, last, setT])

  useCommands([
    { id: 'terrain.first', title: 'Terrain: first bar', group: 'Terrain', shortcut: 'Home', run: () => setT(0) },
    { id: 'terrain.last', title: 'Terrain: last bar', group: 'Terrain', shortcut: 'End', run: () => setT(last) }
  ])

  const mini = useMemo(
    () =>
      [
            { key: 'eigenHardness', name: 'eigen hardness', unit: '0–1', colour: seriesColour(0) },
            { key: 'edgeHardness', name: 'edge hardness', unit: '0–1', colour: seriesColour(5) },
            { key: 'absorption', name: 'absorption ratio', unit: 'share', colour: seriesColour(1) },
            { key: 'effectiveRank', name: 'effective rank', unit: 'assets', colour: seriesColour(2) },
            { key: 'alertsActive', name: 'pairs in fault alert', unit: 'pairs', colour: seriesColour(3) }
          ] as const,
    []
  )
  const pf = useMemo(
    () =>
      [
            { name: 'pressure', values: series.columns.pressure, colour: seriesColour(1), threshold: series.trailhead.pressureMin },
            { name: 'fragility', values: series.columns.fragility, colour: seriesColour(4), threshold: series.trailhead.fragilityMin }
          ],
    [series]
  )
  const oneWay = useMemo(() => [{ name: 'One-Way', values: series.columns.oneWay, colour: seriesColour(5), ...(series.trailhead.oneWayMin === null ? {} : { threshold: series.trailhead.oneWayMin }) }], [series])
  const marks = useMemo(
    () => [
      { name: 'log', code: 2, colour: 'var(--warn)' },
      { name: 'fire', code: 3, colour: 'var(--bad)' }
    ],
    []
  )
  const c = series.columns
  const regime = c.regime[t]!
  const trigger = c.trigger[t]!
  const counts = countMarks(c.trigger)
  const hasPressure = c.pressure.some(Number.isFinite)
  const at = (k: number) => (dates ? (dates[k] ?? '') : `bar ${formatInteger(k)}`)
  return (
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
              {dates ? `${at(t)} · bar ${formatInteger(t)} / ${formatInteger(last)}` : `${at(t)} / ${formatInteger(last)}`}
            </span>
            <span className="regime-chip" style={{ background: Number.isFinite(regime) ? regimeColour(regime) : 'var(--panel-2)' }} data-testid="terrain-regime" title={regimeLabel}>
              {Number.isFinite(regime) ? (series.regimeNames[regime] ?? regime) : 'regime not read yet'}
            </span>
            <span className={`terrain-trigger trigger-${trigger}`} data-testid="terrain-trigger" data-value={trigger}>
              trailhead: {TRIGGER_NAMES[trigger] ?? trigger}
            </span>
            {bar?.bar !== t && <span className="tag">loading {at(t)}…</span>}
          </div>
          <div className="terrain-grid">
            <section className="panel terrain-panel">
              <header className="panel-title">
                <span>Correlation by watershed</span>
                <span className="tag" data-testid="terrain-frame" data-bar={bar?.bar ?? ''}>
                  {bar ? `${at(bar.bar)}${bar.frameBar !== bar.bar ? ` (matrix of ${at(bar.frameBar)})` : ''} · ${bar.alerts.length} pairs in fault alert` : '…'}
                </span>
              </header>
              {bar ? <CorrelationMatrix bar={bar} assets={series.assets} /> : <div className="terrain-loading" aria-busy />}
              {bar && !bar.alertsComplete && <p className="terrain-warn terrain-note">The record of the fault-alert state stopped at its budget before this bar: the pairs shown are incomplete.</p>}
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
              {bar ? <AssetNetwork bar={bar} assets={series.assets} threshold={threshold} /> : <div className="terrain-loading" aria-busy />}
              {bar && bar.alerts.length > 0 && <AlertList bar={bar} assets={series.assets} at={at} />}
            </section>
            <section className="panel terrain-panel" ref={measure}>
              <header className="panel-title">
                <span>Phase plane · risk × momentum</span>
                <span className="tag">Kalman state, one-step forecast, 95 % ellipse</span>
              </header>
              <PhasePlane series={series} t={t} regimeLabel={regimeLabel} width={Math.min(panelWidth, 640)} height={Math.round(Math.min(panelWidth, 640) * 0.72)} />
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
                <span>· lower ribbon: {regimeLabel} · click a chart to scrub</span>
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
              {!hasPressure && (
                <p className="terrain-warn terrain-note" data-testid="terrain-no-pressure">
                  Pressure and Fragility are trailing {series.trailhead.normalise === 'percentile' ? 'percentiles' : 'z-scores'} over {series.trailhead.window} bars after the state is read (bar {series.stateFrom}): this series of {formatInteger(series.bars)} bars is too short to read them.
                </p>
              )}
              <p className="muted terrain-note">{series.trailhead.note}</p>
            </section>
            <section className="panel terrain-panel terrain-wide">
              <header className="panel-title">{groupingTitle}</header>
              {grouping}
            </section>
          </div>
    </>
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

function AlertList({ bar, assets, at }: { bar: TerrainBar; assets: readonly string[]; at(k: number): string }) {
  const name = (p: number) => assets[bar.order[p]!] ?? p
  const n = bar.order.length
  return (
    <table className="compact terrain-alerts" data-testid="terrain-alerts">
      <thead>
        <tr>
          <th>in fault alert ({bar.alerts.length})</th>
          <th className="num">since</th>
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
            <td className="num mono">{at(a.entered)}</td>
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
