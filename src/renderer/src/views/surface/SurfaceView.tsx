import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { SurfaceAxisInfo, SurfaceFrames, SurfaceSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { Heatmap } from '../../charts/Heatmap'
import { Network } from '../../charts/Network'
import { Sparkline, StripCurve, type StripCompanion } from '../../charts/StripCurve'
import { colourScale, extent, formatValue } from '../../charts/colour-scale'
import { regimeColour, seriesColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { RunPicker, currentLabRun } from '../dashboard/DashboardView'
import '../../charts/charts.css'
import './surface.css'

/** Steps per second the play button advances at. */
const SPEEDS = [5, 20, 60, 200, 1000] as const
/** Frames in the overview of a run (summary features only). */
const OVERVIEW_FRAMES = 2000
/** Values per page of frames fetched around the scrubbed step. */
const PAGE_VALUES = 100_000

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
}

interface Loaded {
  runId: number
  overview: SurfaceFrames
  pageSize: number
}

/**
 * A lab's tradable surface through a run: the engine re-simulates the run's market and computes
 * each step's surface; a heatmap for 2-D grids, curves for 1-D strips and for trajectories, a
 * node-and-link drawing for networks; a
 * scrubber with play to watch it deform; the regime at the scrubbed step; summary features over time.
 */
export function SurfaceView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const run = currentLabRun(state, workspace.selectedRunId)
  const runId = run?.id ?? null
  const totalSteps = run?.progressTotal ?? 0
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [t, setT] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(20)
  const pages = useRef(new Map<number, SurfaceFrames>())
  const [page, setPage] = useState<SurfaceFrames | null>(null)

  // The overview: layout, axes and every summary feature over the run.
  useEffect(() => {
    setLoaded(null)
    setPage(null)
    setError(null)
    setPlaying(false)
    pages.current = new Map()
    if (runId === null || totalSteps < 1) return
    let live = true
    const stride = Math.max(1, Math.ceil(totalSteps / OVERVIEW_FRAMES))
    client.call('runs.surfaces', { runId, from: 0, count: Math.min(OVERVIEW_FRAMES, totalSteps), stride, frames: false }).then(
      (overview) => {
        if (!live) return
        // a curve's companions come with its frames, one value per point each
        const perFrame = overview.size * (1 + (overview.companions?.length ?? 0))
        const pageSize = Math.max(20, Math.min(5000, Math.floor(PAGE_VALUES / perFrame)))
        setLoaded({ runId, overview, pageSize })
        setT((current) => Math.min(current, overview.steps - 1))
      },
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, runId, totalSteps])

  // The page of frames holding t, fetched once and kept.
  const pageIndex = loaded ? Math.floor(t / loaded.pageSize) : -1
  useEffect(() => {
    if (!loaded || pageIndex < 0) return
    const cached = pages.current.get(pageIndex)
    if (cached) {
      setPage(cached)
      return
    }
    let live = true
    client.call('runs.surfaces', { runId: loaded.runId, from: pageIndex * loaded.pageSize, count: loaded.pageSize, stride: 1, frames: true }).then(
      (frames) => {
        pages.current.set(pageIndex, frames)
        if (live) setPage(frames)
      },
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
  }, [client, loaded, pageIndex])

  // A jump from another view (decision log, dashboard click) moves the scrubber.
  const focus = workspace.focus
  useEffect(() => {
    if (focus && focus.runId === runId) setT(Math.max(0, Math.min(totalSteps - 1, focus.t)))
  }, [focus, runId, totalSteps])

  const lastStep = (loaded?.overview.steps ?? 1) - 1
  const step = useCallback((by: number) => setT((current) => Math.max(0, Math.min(lastStep, current + by))), [lastStep])

  // Play: advance at `speed` steps per second on animation frames; stop at the end.
  useEffect(() => {
    if (!playing) return
    let frame = 0
    let last = performance.now()
    let carry = 0
    const tick = (now: number): void => {
      carry += ((now - last) / 1000) * speed
      last = now
      const whole = Math.floor(carry)
      if (whole > 0) {
        carry -= whole
        setT((current) => {
          const next = Math.min(lastStep, current + whole)
          if (next >= lastStep) setPlaying(false)
          return next
        })
      }
      frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(frame)
  }, [playing, speed, lastStep])

  // Space plays/pauses, ←/→ step (Shift: 10), Home/End jump.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isEditable(event.target)) return
      const by = event.shiftKey ? 10 : 1
      if (event.key === ' ') setPlaying((p) => !p)
      else if (event.key === 'ArrowRight') step(by)
      else if (event.key === 'ArrowLeft') step(-by)
      else if (event.key === 'Home') setT(0)
      else if (event.key === 'End') setT(lastStep)
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [step, lastStep])

  useCommands([
    { id: 'surface.play', title: playing ? 'Surface: pause' : 'Surface: play', group: 'Surface', shortcut: 'Space', run: () => setPlaying((p) => !p) },
    { id: 'surface.start', title: 'Surface: go to the first step', group: 'Surface', shortcut: 'Home', run: () => setT(0) }
  ])

  const overview = loaded?.overview ?? null
  const frameIndex = page ? t - page.from : -1
  const frame = page && page.frames && frameIndex >= 0 && frameIndex < page.t.length ? page.frames.subarray(frameIndex * page.size, (frameIndex + 1) * page.size) : null
  const companions = useMemo(
    (): StripCompanion[] =>
      frame && page
        ? (page.companions ?? []).flatMap((c) => (c.values ? [{ name: c.name, unit: c.unit, values: c.values.subarray(frameIndex * page.size, (frameIndex + 1) * page.size) }] : []))
        : [],
    [frame, page, frameIndex]
  )
  // One colour domain over the whole run (overview) and the loaded page, so the surface deforms against a fixed scale.
  // (A network colours its nodes by their first quantity: its range over the run.)
  const range = useMemo((): readonly [number, number] => {
    if (!overview) return [0, 1]
    const generic = (name: string) => overview.summaries.find((s) => s.name === name && s.source !== 'lab')?.values ?? []
    if (overview.layout === 'network') {
      const first = overview.axes[1]!.labels[overview.axes[0]!.labels.length] ?? ''
      const bounds = extent(generic(`${first} min`))
      extent(generic(`${first} max`), bounds)
      return bounds
    }
    const bounds = extent(generic('min'))
    extent(generic('max'), bounds)
    if (page?.frames) extent(page.frames, bounds)
    return bounds
  }, [overview, page])
  const scale = useMemo(() => colourScale(range[0], range[1]), [range])

  const regimeCode = page && frameIndex >= 0 && frameIndex < page.regime.length ? page.regime[frameIndex]! : null
  const regimeName = regimeCode === null ? null : (overview?.regimeNames[regimeCode] ?? String(regimeCode))

  if (!run) return <div className="surface-view"><p className="empty-state surface-note">No lab runs yet: a lab run's surface shows here.</p></div>
  return (
    <div className="surface-view" data-testid="surface-view">
      <header className="viz-header">
        <span className="viz-title">Surface</span>
        <RunPicker state={state} run={run} onPick={(id) => workspace.selectRun(id)} />
        {overview && (
          <span className="muted">
            {overview.name} · <span className="mono">{overview.unit}</span> · {overview.axes.map((a) => `${a.name} (${a.labels.length})`).join(' × ')}
          </span>
        )}
      </header>
      {error && <p className="error-text surface-note">{error}</p>}
      {!error && !overview && <p className="muted surface-note">Simulating the run's market again for its surfaces…</p>}
      {overview && (
        <>
          <div className="scrubber" data-testid="scrubber">
            <button type="button" className="viz-button" onClick={() => setPlaying((p) => !p)} aria-pressed={playing} data-testid="surface-play" title="Play / pause (Space)">
              {playing ? '❚❚ Pause' : '▶ Play'}
            </button>
            <button type="button" className="viz-button" onClick={() => step(-1)} title="Back one step (←)">
              ◀
            </button>
            <button type="button" className="viz-button" onClick={() => step(1)} title="Forward one step (→)">
              ▶
            </button>
            <input
              type="range"
              min={0}
              max={lastStep}
              value={t}
              onChange={(e) => setT(Number(e.target.value))}
              aria-label="Step"
              data-testid="surface-slider"
            />
            <span className="mono scrub-step" data-testid="surface-step" data-t={t}>
              step {formatInteger(t)} / {formatInteger(lastStep)}
            </span>
            <label className="muted">
              speed{' '}
              <select className="viz-select" value={speed} onChange={(e) => setSpeed(Number(e.target.value) as (typeof SPEEDS)[number])} aria-label="Speed">
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s} steps/s
                  </option>
                ))}
              </select>
            </label>
            <span className="regime-chip" style={{ background: regimeColour(regimeCode ?? 0), opacity: regimeName ? 1 : 0.4 }} data-testid="surface-regime">
              {regimeName ?? '…'}
            </span>
          </div>
          <div className="surface-body">
            <section className="panel surface-plot" data-testid="surface-plot" data-layout={overview.layout}>
              {!frame && <p className="muted surface-note">Loading step {formatInteger(t)}…</p>}
              {frame && overview.layout === 'grid' && (
                <Heatmap values={frame} rows={overview.axes[0]!} columns={overview.axes[1]!} unit={overview.unit} scale={scale} />
              )}
              {frame && overview.layout === 'curve' && (
                <>
                  <StripCurve values={frame} labels={overview.axes[0]!.labels} axis={overview.axes[0]!} unit={overview.unit} domain={range} companions={companions} />
                  {companions.length > 0 && <CompanionTable axis={overview.axes[0]!} companions={companions} />}
                </>
              )}
              {frame && overview.layout === 'coordinates' && <Coordinates frame={frame} overview={overview} />}
              {frame && overview.layout === 'network' && <Network values={frame} nodes={overview.axes[0]!} link={overview.axes[1]!} unit={overview.unit} scale={scale} />}
            </section>
            <section className="panel surface-summaries">
              <header className="panel-title">
                <span>Summary features over the run</span>
                <span className="tag">cursor at step {formatInteger(t)}</span>
              </header>
              <table className="compact" data-testid="surface-summaries">
                {(['generic', 'lab'] as const).map((source) => {
                  const rows = overview.summaries.flatMap((summary, i) => ((summary.source ?? 'generic') === source ? [{ summary, i }] : []))
                  if (rows.length === 0) return null
                  return (
                    <tbody key={source} data-source={source}>
                      <tr className="summary-group">
                        <th colSpan={4}>{source === 'lab' ? 'the lab’s own features' : 'read off the surface'}</th>
                      </tr>
                      {rows.map(({ summary, i }) => (
                        <SummaryRow key={`${source}:${summary.name}`} summary={summary} t={overview.t} cursor={t} exact={page && frameIndex >= 0 ? page.summaries[i]?.values[frameIndex] : undefined} />
                      ))}
                    </tbody>
                  )
                })}
              </table>
            </section>
          </div>
        </>
      )}
    </div>
  )
}

/** One summary over the run: its sparkline with the cursor, and its exact value at the scrubbed step. */
function SummaryRow({ summary, t, cursor, exact }: { summary: SurfaceSummary; t: Float64Array; cursor: number; exact: number | undefined }) {
  return (
    <tr title={summary.description} data-source={summary.source ?? 'generic'} data-name={summary.name}>
      <td className="mono">{summary.name}</td>
      <td className="spark">
        <Sparkline t={t} values={summary.values} cursor={cursor} />
      </td>
      <td className="num mono" data-value={exact === undefined ? undefined : String(exact)}>
        {exact === undefined ? '…' : formatValue(exact)}
      </td>
      <td className="muted">{summary.unit}</td>
    </tr>
  )
}

/** The lab's companions of the scrubbed curve: a row per quantity, a column per point of the axis. */
function CompanionTable({ axis, companions }: { axis: SurfaceAxisInfo; companions: readonly StripCompanion[] }) {
  return (
    <table className="compact companion-table" data-testid="surface-companions">
      <thead>
        <tr>
          <th className="muted">{axis.unit ? `${axis.name} (${axis.unit})` : axis.name}</th>
          {axis.labels.map((label) => (
            <th key={label} className="num mono">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {companions.map((c) => {
          // one number of digits per row, so the row's values line up
          const [lo, hi] = extent(c.values)
          const span = Math.max(Math.abs(lo), Math.abs(hi))
          return (
            <tr key={c.name} data-companion={c.name}>
              <th className="mono">
                {c.name}
                {c.unit && <span className="companion-unit">{c.unit}</span>}
              </th>
              {Array.from(c.values, (v, i) => (
                <td key={axis.labels[i] ?? i} className="num mono" data-value={String(v)}>
                  {formatValue(v, Number.isFinite(span) ? span : Math.abs(v))}
                </td>
              ))}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** A trajectory window (lag × quantities in different units): one curve per quantity over the lag. */
function Coordinates({ frame, overview }: { frame: Float64Array; overview: SurfaceFrames }) {
  const rows = overview.axes[0]!
  const quantities = overview.axes[1]!.labels
  const q = quantities.length
  return (
    <div className="coordinates">
      {quantities.map((name, j) => {
        const values = new Float64Array(rows.labels.length)
        for (let k = 0; k < values.length; k++) values[k] = frame[k * q + j]!
        return (
          <div key={name}>
            <div className="coordinates-title mono">{name}</div>
            <StripCurve values={values} labels={rows.labels} axis={rows} unit="" width={420} height={150} colour={seriesColour(j)} testId={`coordinate-${name}`} />
          </div>
        )
      })}
    </div>
  )
}
