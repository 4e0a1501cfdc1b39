import { useCallback, useEffect, useState } from 'react'
import type { RunSummary, TerrainGrouping, TerrainSeries } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useWorkspace } from '../../app/workspace'
import { formatInteger } from '../../format/numbers'
import { FileTerrain } from './FileTerrain'
import { GroupingTable, HeldOutTable } from './GroupingTable'
import { TerrainPanels } from './TerrainPanels'
import { useTerrainBar } from './use-terrain-bar'
import '../../charts/charts.css'
import './terrain.css'

/** Runs of the labs that declare a terrain (LabInfo.terrainView): the view names no lab itself. */
function isTerrainRun(state: ViewProps['state'], run: RunSummary | undefined): run is RunSummary {
  if (run?.spec.task !== 'lab') return false
  const lab = run.spec.lab
  return state.labs.some((info) => info.id === lab && info.terrainView)
}

function terrainRuns(state: ViewProps['state']): RunSummary[] {
  return state.order.map((id) => state.runs[id]).filter((r) => isTerrainRun(state, r))
}

/** Held-out seeds a run is scored on when asked from the view: the next five after its own (each one terrain pass). */
const HELD_OUT_SEEDS = 5

type Source = 'run' | 'file'

/**
 * A terrain through time (issue 17 item 8), from a terrain lab's run or from a user's price file
 * (the source switch): the scrubbed bar's correlation heatmap by watershed and its asset network,
 * the [risk, momentum] phase plane with the forecast ellipse, Pressure/Fragility with the preset's
 * triggers, and the grouping table. The series load once; the scrubber fetches one bar at a time.
 */
export function TerrainView({ state }: ViewProps) {
  const [source, setSource] = useState<Source>('run')
  return (
    <div className="terrain-view" data-testid="terrain-view">
      <header className="viz-header">
        <span className="viz-title">Terrain</span>
        <span className="segmented" role="group" aria-label="Source">
          {(['run', 'file'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={source === s} className="viz-button" onClick={() => setSource(s)} data-testid={`terrain-source-${s}`}>
              {s === 'run' ? 'Run' : 'CSV file'}
            </button>
          ))}
        </span>
        {source === 'run' && <RunPicker state={state} />}
      </header>
      {source === 'run' ? <RunTerrain state={state} /> : <FileTerrain />}
    </div>
  )
}

function useTerrainRun(state: ViewProps['state']): RunSummary | null {
  const workspace = useWorkspace()
  const selected = workspace.selectedRunId !== null ? state.runs[workspace.selectedRunId] : undefined
  return isTerrainRun(state, selected) ? selected : (terrainRuns(state)[0] ?? null)
}

function RunPicker({ state }: { state: ViewProps['state'] }) {
  const workspace = useWorkspace()
  const run = useTerrainRun(state)
  if (!run) return null
  return (
    <select className="run-picker" aria-label="Run" value={run.id} onChange={(e) => workspace.selectRun(Number(e.target.value))}>
      {terrainRuns(state).map((r) => (
        <option key={r.id} value={r.id}>
          #{r.id} {r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset}` : r.task} · seed {r.seed} · {r.status}
        </option>
      ))}
    </select>
  )
}

interface Loaded {
  runId: number
  series: TerrainSeries
  grouping: TerrainGrouping | null
}

function RunTerrain({ state }: { state: ViewProps['state'] }) {
  const client = useClient()
  const workspace = useWorkspace()
  const run = useTerrainRun(state)
  const runId = run?.id ?? null
  const status = run?.status ?? null
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [t, setT] = useState(0)

  useEffect(() => {
    setError(null)
    if (runId === null) return
    let live = true
    client.call('terrain.view', { runId, series: true }).then(
      (view) => {
        if (!live || !view.series) return
        // A new run starts at its last bar; the same run (completed since) keeps the scrubber.
        setLoaded((before) => {
          if (before?.runId !== runId) setT(view.series!.bars - 1)
          return { runId, series: view.series!, grouping: view.grouping }
        })
      },
      (e: Error) => live && setError(e.message)
    )
    return () => {
      live = false
    }
    // status: a run that completes brings its grouping table
  }, [client, runId, status])

  const fetchBar = useCallback((key: string, bar: number) => client.call('terrain.view', { runId: Number(key), bar, series: false }).then((view) => view.bar!), [client])
  const shown = loaded && loaded.runId === runId ? loaded : null
  const bar = useTerrainBar(shown ? String(shown.runId) : null, t, fetchBar, setError)
  const series = shown?.series ?? null

  // A jump from another view moves the scrubber.
  const focus = workspace.focus
  useEffect(() => {
    if (focus && focus.runId === runId && series) setT(Math.max(0, Math.min(series.bars - 1, focus.t)))
  }, [focus, runId, series])

  if (!run) return <p className="empty-state terrain-note">No runs of a terrain lab yet: start one in the Explorer (Alt+1), or switch the source to a CSV file.</p>
  const grouping = shown?.grouping ?? null
  return (
    <>
      {series && (
        <p className="muted terrain-note">
          {series.assets.length} assets · {formatInteger(series.bars)} bars · trailhead preset {series.trailhead.id} · terrain read from bar {series.terrainFrom}, state from bar {series.stateFrom}
        </p>
      )}
      {error && <p className="error-text terrain-note">{error}</p>}
      {!error && !series && <p className="muted terrain-note">Simulating the run’s market again for its terrain…</p>}
      {series && (
        <TerrainPanels
          series={series}
          t={t}
          setT={setT}
          bar={bar}
          dates={null}
          regimeLabel="true regime"
          groupingTitle={
            <>
              <span>Regime grouping against the true regimes</span>
              {grouping && (
                <span className="tag">
                  fitted on bars {grouping.trainBars[0]}–{grouping.trainBars[1] - 1}, scored on {grouping.testBars[0]}–{grouping.testBars[1] - 1} · features: {grouping.features.join(', ')}
                </span>
              )}
            </>
          }
          grouping={
            grouping ? (
              <>
                <GroupingTable grouping={grouping} />
                <HeldOut run={run} grouping={grouping} onStarted={(id) => workspace.selectRun(id)} />
              </>
            ) : (
              <p className="muted terrain-note">{status === 'running' ? 'The grouping table comes with the run’s results.' : 'This run has no grouping table (it stopped early, or had too few readable bars to fit and score two regimes).'}</p>
            )
          }
        />
      )}
    </>
  )
}

/** The held-out table when the run has one; otherwise a button that runs the same spec scored on the next seeds, and the CLI line. */
function HeldOut({ run, grouping, onStarted }: { run: RunSummary; grouping: TerrainGrouping; onStarted(runId: number): void }) {
  const client = useClient()
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const heldOut = grouping.heldOut
  if (heldOut) {
    return (
      <>
        <div className="terrain-subtitle">
          On held-out seeds: fitted on seed{heldOut.trainSeeds.length > 1 ? 's' : ''} {heldOut.trainSeeds.join(', ')} (λ by walk-forward over them), scored on seeds {heldOut.seeds.join(', ')} — universes the methods never saw
        </div>
        <HeldOutTable heldOut={heldOut} />
      </>
    )
  }
  if (run.spec.task !== 'lab') return null
  const spec = run.spec
  const seeds = Array.from({ length: HELD_OUT_SEEDS }, (_, k) => run.seed + 1 + k)
  const overrides = spec.overrides as Record<string, unknown>
  const groupingOverrides = typeof overrides.grouping === 'object' && overrides.grouping !== null ? (overrides.grouping as Record<string, unknown>) : {}
  const cli = `node out/main/cli.js run ${spec.lab} --preset ${spec.preset} --seed ${run.seed} --set 'grouping.heldout_seeds=[${seeds.join(',')}]' --json`
  async function start(): Promise<void> {
    setStarting(true)
    setError(null)
    try {
      const { run: started } = await client.call('runs.start', { spec: { ...spec, seed: run.seed, overrides: { ...overrides, grouping: { ...groupingOverrides, heldout_seeds: seeds } } } })
      onStarted(started.id)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setStarting(false)
    }
  }
  return (
    <div className="terrain-heldout-ask" data-testid="terrain-heldout-ask">
      <span className="muted">This run was scored on its own later bars only. On held-out seeds (universes the methods never saw):</span>{' '}
      <button type="button" className="viz-button" disabled={starting} onClick={() => void start()} data-testid="terrain-heldout-start">
        Run again scored on seeds {seeds[0]}–{seeds[seeds.length - 1]}
      </button>{' '}
      <span className="muted">
        (one terrain pass per seed) or <code className="mono">{cli}</code>
      </span>
      {error && <p className="error-text terrain-note">{error}</p>}
    </div>
  )
}
