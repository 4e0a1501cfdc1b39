import { useCallback, useEffect, useMemo, useState } from 'react'
import { TERRAIN_CSV_MAX_CHARS, TERRAIN_CSV_WINDOW, type EventPayload, type TerrainCsvView } from '../../../../shared/contract'
import { sendInParts } from '../../api/csv-upload'
import { useClient } from '../../app/ClientContext'
import { useFileDrop } from '../../app/use-file-drop'
import { formatInteger } from '../../format/numbers'
import { FileGroupingTable, METHOD_NAMES } from './GroupingTable'
import { TerrainPanels } from './TerrainPanels'
import { useTerrainBar } from './use-terrain-bar'

// A user's multi-asset CSV in the Terrain view (issue 17 "Done when"): chosen or dropped, sent
// in parts through `terrain.csv`, validated and run in the engine process with progress, and
// shown with the same panels as a run — dates on the scrubber, and the grouping methods' own
// regimes where a run has true ones. Nothing is stored; the file stays on the user's disk.

export function FileTerrain() {
  const client = useClient()
  const [shortWindow, setShortWindow] = useState(TERRAIN_CSV_WINDOW)
  const [view, setView] = useState<TerrainCsvView | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [progress, setProgress] = useState<EventPayload<'task.progress'> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [t, setT] = useState(0)
  const [method, setMethod] = useState('jump')
  useEffect(() => client.on('task.progress', (frame) => frame.task === 'terrain.csv' && setProgress(frame)), [client])

  async function load(file: File): Promise<void> {
    setError(null)
    if (file.size > TERRAIN_CSV_MAX_CHARS) {
      setError(`${file.name} is ${formatInteger(file.size)} bytes; the most a file's terrain reads is ${formatInteger(TERRAIN_CSV_MAX_CHARS)}`)
      return
    }
    setProgress(null)
    try {
      const answer = await sendInParts(
        await file.text(),
        (part) => client.call('terrain.csv', { ...part, name: file.name, window: shortWindow }),
        (part, parts) => setBusy(part < parts - 1 ? `Sending ${file.name}: part ${part + 1} of ${parts}…` : `Reading the terrain of ${file.name}…`)
      )
      if (answer.status === 'done') {
        setView(answer.view)
        setT(answer.view.series.bars - 1)
        setMethod(answer.view.grouping.methods[0]?.method ?? 'jump')
      }
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(null)
    }
  }

  const drop = useFileDrop((file) => void load(file))
  const fetchBar = useCallback((key: string, bar: number) => client.call('terrain.csvBar', { key, bar }).then((answer) => answer.bar), [client])
  const bar = useTerrainBar(view?.key ?? null, t, fetchBar, setError)
  const chosen = view?.grouping.methods.find((m) => m.method === method) ?? view?.grouping.methods[0] ?? null
  // The ribbons and the phase path take the chosen method's causal regimes (a file has no true ones).
  const series = useMemo(() => (view ? { ...view.series, columns: { ...view.series.columns, regime: chosen?.online ?? view.series.columns.regime } } : null), [view, chosen])
  const methodName = chosen ? (METHOD_NAMES[chosen.method] ?? chosen.method) : null

  return (
    <>
      <div
        className={`terrain-file${drop.dragging ? ' dragging' : ''}`}
        data-testid="terrain-file"
        {...drop.handlers}
      >
        <label className="terrain-file-pick">
          Price file (date,ticker,close or date,A,B,…):{' '}
          <input type="file" accept=".csv,text/csv" aria-label="CSV file" data-testid="terrain-file-input" disabled={busy !== null} onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </label>
        <label>
          window{' '}
          <input type="number" min={3} max={10_000} value={shortWindow} onChange={(e) => setShortWindow(Math.max(3, Math.round(Number(e.target.value) || TERRAIN_CSV_WINDOW)))} aria-label="Short window" className="terrain-window" />{' '}
          bars (long window 4×)
        </label>
        <span className="muted">or drop a file here · nothing is stored</span>
        {busy && (
          <span className="tag" data-testid="terrain-file-busy">
            {busy}
            {progress && progress.total > 0 ? ` ${Math.round((100 * progress.done) / progress.total)} % (${progress.label})` : ''}
          </span>
        )}
      </div>
      {error && (
        <p className="error-text terrain-note" data-testid="terrain-file-error">
          {error}
        </p>
      )}
      {!view && !error && !busy && <p className="muted terrain-note">Choose or drop a multi-asset price file: its terrain, fault lines, state and regime grouping show here, as for a run.</p>}
      {view && series && (
        <>
          <p className="muted terrain-note" data-testid="terrain-file-summary">
            {view.name} · {series.assets.length} assets · {formatInteger(series.bars)} bars ({view.dates[0]} – {view.dates[view.dates.length - 1]}) · window {view.window}/{view.longWindow} · {formatInteger(view.faultAlerts)} fault alerts · terrain read from {view.dates[series.terrainFrom]}, state from {view.dates[series.stateFrom]}
          </p>
          <TerrainPanels
            series={series}
            t={t}
            setT={setT}
            bar={bar}
            dates={view.dates}
            regimeLabel={methodName ? `${methodName} regimes; no true regimes in a file` : 'no regimes: no true regimes in a file'}
            groupingTitle={
              <>
                <span>Regime grouping on the file — no true regimes in a file, so no accuracy: each method’s own regimes</span>
                <span className="tag">
                  fitted on bars {view.grouping.bars[0]}–{view.grouping.bars[1] - 1} · features: {view.grouping.features.join(', ')}
                </span>
              </>
            }
            grouping={view.grouping.skipped !== null ? <p className="muted terrain-note">No grouping: {view.grouping.skipped}.</p> : <FileGroupingTable grouping={view.grouping} chosen={chosen?.method ?? ''} onChoose={setMethod} />}
          />
        </>
      )}
    </>
  )
}
