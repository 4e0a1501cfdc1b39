import { useEffect, useMemo, useRef, useState } from 'react'
import { MAX_SURFACE_FRAMES, MAX_SURFACE_VALUES, type LabInfo, type RegimeReport, type RunSummary } from '../../../../shared/contract'
import type { MechanicaClient } from '../../api/client'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { ScatterCanvas, type ScatterHandle, type ScatterOverlay } from '../../charts/ScatterCanvas'
import type { Rgb } from '../../charts/colour-scale'
import { regimeColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { RunPicker, currentLabRun } from '../dashboard/DashboardView'
import '../../charts/charts.css'
import './phase.css'

/** Bars in the latent view's worm when no phase-space surface sets the window. */
const DEFAULT_WORM = 100
const LATENT_AXES = ['PC1', 'PC2', 'PC3'] as const

const hexToRgb = (hex: string): Rgb => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]
const PALETTE: Rgb[] = [0, 1, 2, 3].map((i) => hexToRgb(regimeColour(i)))

interface Takens {
  /** Per bar, row-major [bars × dims]: the surface's coordinates (NaN where undefined). */
  coords: Float64Array
  dims: number
  /** The coordinates' names, from the surface's second axis. */
  coordinates: string[]
  /** Bars per frame: the surface's trailing window, and the worm's length. */
  window: number
  /** True regime label per bar. */
  regime: Float64Array
  regimeNames: string[]
  bars: number
}

/**
 * Every bar's coordinates from the run's phase-space surface (lag × coordinate: each frame is
 * the trailing window of bars up to its step) and its regime.
 */
async function loadTakens(client: MechanicaClient, runId: number, steps: number): Promise<Takens> {
  // The regime of every step and the surface's own axes (summaries only: cheap).
  const regime = new Float64Array(steps)
  let regimeNames: string[] = []
  let axes: Array<{ labels: string[] }> = []
  for (let from = 0; from < steps; from += MAX_SURFACE_FRAMES) {
    const part = await client.call('runs.surfaces', { runId, from, count: MAX_SURFACE_FRAMES, stride: 1, frames: false })
    regime.set(part.regime, from)
    regimeNames = part.regimeNames
    axes = part.axes
  }
  const window = axes[0]?.labels.length ?? 0
  const coordinates = axes[1]?.labels ?? []
  const dims = coordinates.length
  const coords = new Float64Array(steps * dims).fill(Number.NaN)
  if (window === 0 || dims === 0) throw new Error(`run #${runId}'s surface is not a trajectory of coordinates (axes: ${axes.length})`)
  // Frames at t = w − 1, 2w − 1, … cover bars 0 … w − 1, w … 2w − 1, …; a last frame at steps − 1 covers the tail.
  const frameSize = window * dims
  const perCall = Math.min(MAX_SURFACE_FRAMES, Math.floor(MAX_SURFACE_VALUES / frameSize))
  for (let from = window - 1; from < steps; from += window * perCall) {
    const part = await client.call('runs.surfaces', { runId, from, count: perCall, stride: window, frames: true })
    part.t.forEach((t, k) => coords.set(part.frames!.subarray(k * frameSize, (k + 1) * frameSize), (t - (window - 1)) * dims))
  }
  if (steps % window !== 0 || steps < window) {
    const tail = await client.call('runs.surfaces', { runId, from: steps - 1, count: 1, stride: 1, frames: true })
    const first = steps - window
    for (let k = 0; k < window; k++) if (first + k >= 0) coords.set(tail.frames!.subarray(k * dims, (k + 1) * dims), (first + k) * dims)
  }
  return { coords, dims, coordinates, window, regime, regimeNames, bars: steps }
}

function column(values: ArrayLike<number>, dims: number, d: number, from = 0): Float64Array {
  const n = Math.floor(values.length / dims) - from
  const out = new Float64Array(Math.max(0, n))
  for (let i = 0; i < out.length; i++) out[i] = values[(from + i) * dims + d]!
  return out
}

function AxisPicker({ names, x, y, onChange }: { names: readonly string[]; x: number; y: number; onChange(x: number, y: number): void }) {
  return (
    <span className="phase-axes">
      x{' '}
      <select className="viz-select" aria-label="x axis" value={x} onChange={(e) => onChange(Number(e.target.value), y)}>
        {names.map((n, i) => (
          <option key={n} value={i}>
            {n}
          </option>
        ))}
      </select>{' '}
      y{' '}
      <select className="viz-select" aria-label="y axis" value={y} onChange={(e) => onChange(x, Number(e.target.value))}>
        {names.map((n, i) => (
          <option key={n} value={i}>
            {n}
          </option>
        ))}
      </select>
    </span>
  )
}

const LAYOUT_WORDS: Readonly<Record<LabInfo['surface']['layout'], string>> = { grid: 'grid', curve: 'curve', coordinates: 'trajectory of coordinates', network: 'network of nodes and links' }

/** What the Phase view can show of a run, from its lab's own description (LabInfo). */
function phaseCapabilities(info: LabInfo | undefined): { phaseSpace: boolean; priceSeries: string | null } {
  return { phaseSpace: info?.surface.phaseSpace === true, priceSeries: info?.regimePriceSeries?.name ?? null }
}

/**
 * Phase space of a run: the Takens view (the coordinates of the lab's phase-space surface, for
 * a lab whose surface is one) and the regime model's latent view (frozen PCA of its state, with
 * the regime centroids and the out-of-distribution ring) of the lab's price series, each point
 * coloured by its regime, with the trajectory worm of the window up to the scrubbed step.
 */
export function PhaseView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const run = currentLabRun(state, workspace.selectedRunId)
  const labId = run?.spec.task === 'lab' ? run.spec.lab : null
  const info = labId === null ? undefined : state.labs.find((l) => l.id === labId)
  const { phaseSpace, priceSeries } = phaseCapabilities(info)
  const [takens, setTakens] = useState<Takens | null>(null)
  const [report, setReport] = useState<RegimeReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [latentError, setLatentError] = useState<string | null>(null)
  const [classifying, setClassifying] = useState(false)
  const [t, setT] = useState(0)
  const [takensAxes, setTakensAxes] = useState<[number, number]>([1, 2])
  const [latentAxes, setLatentAxes] = useState<[number, number]>([0, 1])
  const takensHandle = useRef<ScatterHandle>(null)
  const latentHandle = useRef<ScatterHandle>(null)
  const body = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(1200)
  useEffect(() => {
    const element = body.current
    if (!element) return
    const observer = new ResizeObserver(() => setWidth(element.clientWidth))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const runId = run?.id ?? null
  const steps = run?.progressTotal ?? 0
  const status = run?.status ?? null
  const spec = run?.spec ?? null

  const classify = (target: RunSummary): void => {
    if (target.spec.task !== 'lab') return
    setClassifying(true)
    setLatentError(null)
    client.call('regime.classify', { source: { kind: 'lab', spec: target.spec } }).then(
      (r) => {
        setReport(r)
        setClassifying(false)
      },
      (e: Error) => {
        setLatentError(e.message)
        setClassifying(false)
      }
    )
  }

  useEffect(() => {
    setTakens(null)
    setReport(null)
    setError(null)
    setLatentError(null)
    // A classification still running for the run shown before is dropped (live = false) and must not keep this one waiting.
    setClassifying(false)
    setT(Math.max(0, steps - 1))
    if (runId === null || !phaseSpace || !spec || spec.task !== 'lab') return
    let live = true
    loadTakens(client, runId, steps).then(
      (data) => {
        if (!live) return
        setTakens(data)
        setTakensAxes(data.dims >= 3 ? [1, 2] : [0, Math.min(1, data.dims - 1)])
      },
      (e: Error) => live && setError(e.message)
    )
    // The same trajectory through the regime model's eyes, where the lab has a price series for it.
    if (priceSeries) {
      setClassifying(true)
      client.call('regime.classify', { source: { kind: 'lab', spec } }).then(
        (r) => {
          if (!live) return
          setReport(r)
          setClassifying(false)
        },
        (e: Error) => {
          if (!live) return
          setLatentError(e.message)
          setClassifying(false)
        }
      )
    }
    return () => {
      live = false
    }
    // spec identity follows the run id; status changes do not change the market
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, runId, phaseSpace, priceSeries, steps])

  const focus = workspace.focus
  useEffect(() => {
    if (focus && focus.runId === runId) setT(Math.max(0, Math.min(steps - 1, focus.t)))
  }, [focus, runId, steps])

  useCommands([
    {
      id: 'phase.fit',
      title: 'Phase: fit view',
      group: 'Phase',
      run: () => {
        takensHandle.current?.fit()
        latentHandle.current?.fit()
      }
    }
  ])

  // Takens scatter: the chosen two coordinates of every bar, coloured by the true regime.
  const takensData = useMemo(() => {
    if (!takens) return null
    const x = column(takens.coords, takens.dims, takensAxes[0])
    const y = column(takens.coords, takens.dims, takensAxes[1])
    return { x, y, colour: takens.regime }
  }, [takens, takensAxes])
  const worm = takens?.window ?? DEFAULT_WORM
  const takensOverlay = useMemo((): ScatterOverlay => {
    if (!takensData) return {}
    const from = Math.max(0, t - worm + 1)
    return { worm: { x: takensData.x.subarray(from, t + 1), y: takensData.y.subarray(from, t + 1) } }
  }, [takensData, t, worm])

  // Latent scatter: the model's PCA coordinates from its first bar on; true labels where the lab has them, else the filtered regime.
  const latentData = useMemo(() => {
    if (!report) return null
    const dims = report.phase.dims
    const x = Float64Array.from(column(report.phase.values, dims, latentAxes[0]))
    const y = Float64Array.from(column(report.phase.values, dims, latentAxes[1]))
    const colour = new Float64Array(x.length)
    for (let i = 0; i < colour.length; i++) colour[i] = takens ? (takens.regime[report.firstBar + i] ?? -1) : (report.filtered[i] ?? -1)
    return { x, y, colour, dims }
  }, [report, latentAxes, takens])
  const latentOverlay = useMemo((): ScatterOverlay => {
    if (!report || !latentData) return {}
    const i = Math.min(latentData.x.length - 1, t - report.firstBar)
    const centroidNames = ['stable', 'stress']
    const centroids = report.phase.centroids.map((c, k) => ({ x: c[latentAxes[0]] ?? 0, y: c[latentAxes[1]] ?? 0, label: `${centroidNames[k] ?? `regime ${k}`} centroid`, colour: regimeColour(k) }))
    const stable = report.phase.centroids[0]
    return {
      worm: i >= 0 ? { x: latentData.x.subarray(Math.max(0, i - worm + 1), i + 1), y: latentData.y.subarray(Math.max(0, i - worm + 1), i + 1) } : undefined,
      centroids,
      ring: stable ? { x: stable[latentAxes[0]] ?? 0, y: stable[latentAxes[1]] ?? 0, r: report.ood.radius, label: `OOD r = ${report.ood.radius.toFixed(3)}` } : undefined
    }
  }, [report, latentData, t, latentAxes, worm])

  // Two panels side by side: each panel adds 22 px of padding and border, the grid 8 px gaps and
  // padding, and a vertical scrollbar may take ~15 px once the panels are in.
  const plotWidth = Math.max(320, Math.floor((width - 16 - 8 - 2 * 22 - 24) / 2))
  const plotHeight = 460
  if (!run) return <div className="phase-view"><p className="empty-state phase-note">No lab runs yet.</p></div>
  // Without the lab's labels the colours are the model's filtered regime: stable / stress.
  const regimeNames = takens?.regimeNames ?? ['stable', 'stress']
  return (
    <div className="phase-view" data-testid="phase-view" ref={body}>
      <header className="viz-header">
        <span className="viz-title">Phase space</span>
        <RunPicker state={state} run={run} onPick={(id) => workspace.selectRun(id)} />
        {phaseSpace && (
          <>
            <input type="range" className="phase-slider" min={0} max={Math.max(0, steps - 1)} value={t} onChange={(e) => setT(Number(e.target.value))} aria-label="Step" data-testid="phase-slider" />
            <span className="mono" data-testid="phase-step">
              step {formatInteger(t)}
            </span>
          </>
        )}
        <span className="spacer" />
        <span className="phase-keys">
          {regimeNames.map((name, i) => (
            <span key={name}>
              <i className="swatch" style={{ background: regimeColour(i) }} /> {name}
            </span>
          ))}
        </span>
        <button
          type="button"
          className="viz-button"
          onClick={() => {
            takensHandle.current?.fit()
            latentHandle.current?.fit()
          }}
        >
          Fit
        </button>
      </header>
      {!phaseSpace && labId !== null && !info && <p className="muted phase-note">Waiting for the lab catalogue…</p>}
      {!phaseSpace && info && (
        <div className="phase-note" data-testid="phase-empty">
          <p>
            Phase space needs the regime model: the Takens view draws a lab's own phase-space surface, and the latent view is the regime model reading a
            price series. Run #{run.id} is a {info.id} run: its surface is a {LAYOUT_WORDS[info.surface.layout]}, not a phase-space trajectory,{' '}
            {priceSeries ? `and the model can read its ${priceSeries}.` : 'and it trades no single price series the model could read.'}
          </p>
          {priceSeries && status === 'completed' && (
            <p>
              <button type="button" className="viz-button" disabled={classifying} onClick={() => classify(run)} data-testid="phase-classify">
                {classifying ? 'Classifying…' : `Classify this run's price series (${priceSeries})`}
              </button>
            </p>
          )}
          {latentError && <p className="error-text">{latentError}</p>}
        </div>
      )}
      {error && <p className="error-text phase-note">{error}</p>}
      <div className="phase-grid">
        {phaseSpace && (
          <section className="panel" data-testid="phase-takens">
            <header className="panel-title">
              <span>Takens view{takens ? ` (${takens.coordinates.join(', ')})` : ''}</span>
              {takens && <AxisPicker names={takens.coordinates} x={takensAxes[0]} y={takensAxes[1]} onChange={(x, y) => setTakensAxes([x, y])} />}
            </header>
            {takens && takensData ? (
              <ScatterCanvas
                x={takensData.x}
                y={takensData.y}
                colourIndex={takensData.colour}
                palette={PALETTE}
                overlay={takensOverlay}
                xLabel={takens.coordinates[takensAxes[0]]!}
                yLabel={takens.coordinates[takensAxes[1]]!}
                width={plotWidth}
                height={plotHeight}
                handle={takensHandle}
              />
            ) : (
              <p className="muted phase-note">Reading the run's phase-space surface…</p>
            )}
          </section>
        )}
        {((phaseSpace && priceSeries) || report || classifying) && (
          <section className="panel" data-testid="phase-latent">
            <header className="panel-title">
              <span>Regime model latent space (frozen PCA)</span>
              <AxisPicker names={LATENT_AXES} x={latentAxes[0]} y={latentAxes[1]} onChange={(x, y) => setLatentAxes([x, y])} />
            </header>
            {latentData && report ? (
              <>
                <ScatterCanvas
                  x={latentData.x}
                  y={latentData.y}
                  colourIndex={latentData.colour}
                  palette={PALETTE}
                  overlay={latentOverlay}
                  xLabel={LATENT_AXES[latentAxes[0]]!}
                  yLabel={LATENT_AXES[latentAxes[1]]!}
                  width={plotWidth}
                  height={plotHeight}
                  handle={latentHandle}
                />
                <p className="muted phase-caption">
                  {report.source} · {report.model.name} on {report.executionProvider} · {formatInteger(report.bars)} bars from bar {formatInteger(report.firstBar)} ·{' '}
                  {formatInteger(report.ood.barsOutside)} outside the OOD ring
                  {takens ? ' · colours: true regime' : ' · colours: the filtered regime'}
                </p>
              </>
            ) : latentError ? (
              <p className="error-text phase-note">{latentError}</p>
            ) : (
              <p className="muted phase-note">The regime model is reading the price series…</p>
            )}
          </section>
        )}
      </div>
    </div>
  )
}
