import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError, type QueuedSweepDetail, type QueuedSweepStatus, type QueueSettings, type SweepCell, type SweepDetail, type SweepSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatTimestamp } from '../../format/numbers'
import { EnsemblePlot } from './EnsemblePlot'
import { SweepProgress, SweepRowCells } from './SweepParts'
import { QueuedSweepPanel, QueuedSweepsList, QueueSettingsForm } from './QueuePanels'
import { SweepHeatmap } from './SweepHeatmap'
import { defaultAxes, sweepMetric, sweepablePaths, sweepRequest, type SweepFormState, type SweepablePath } from './sweep-form'
import './sweeps.css'

/** What an axis's values input asks for: the options of a choice, else numbers in the path's unit. */
function axisPlaceholder(path: SweepablePath | undefined): string {
  if (path?.options) return path.options.join(', ')
  return path?.unit ? `values in ${path.unit}, comma-separated` : 'values, comma-separated'
}

/** "risk_params.max_leverage (× equity)": the path with its schema unit, for the axis select's tooltip. */
function withUnit(path: SweepablePath | undefined): string | undefined {
  if (!path) return undefined
  return path.unit ? `${path.path} (${path.unit})` : path.path
}

function describeSweep(s: SweepSummary): string {
  return s.kind === 'seeds' ? `seeds ${s.seeds?.from}…${s.seeds?.to}` : s.axes.map((a) => `${a.path} × ${a.values.length}`).join(' · ')
}

/** Grid sweeps as heatmaps and seed ensembles as distributions; each cell is a stored run. */
export function SweepsView({ state, notify }: ViewProps) {
  const client = useClient()
  const { selectRun, navigate } = useWorkspace()
  const labs = state.labs
  const [form, setForm] = useState<SweepFormState>(() => ({ lab: '', preset: 'faithful', mode: 'grid', axes: [], seed: '', seedFrom: '1', seedTo: '20', overrides: '' }))
  const [formError, setFormError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const [sweeps, setSweeps] = useState<SweepSummary[]>([])
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [detail, setDetail] = useState<SweepDetail | null>(null)
  const [metric, setMetric] = useState<string>('')
  const labSelectRef = useRef<HTMLSelectElement>(null)
  // Queue mode: where a new sweep runs, the queued sweeps, and which kind of sweep the main pane shows.
  const [runOn, setRunOn] = useState<'local' | 'queue'>('local')
  const [queueSettings, setQueueSettings] = useState<QueueSettings | null>(null)
  const [queued, setQueued] = useState<QueuedSweepStatus[]>([])
  const [queuedId, setQueuedId] = useState<string | null>(null)
  const [queuedDetail, setQueuedDetail] = useState<QueuedSweepDetail | null>(null)
  const [focus, setFocus] = useState<'local' | 'queue'>('local')
  const queuedIdRef = useRef<string | null>(null)
  queuedIdRef.current = queuedId

  // The first lab once the catalogue arrives, with the grid it suggests.
  useEffect(() => {
    if (form.lab || labs.length === 0) return
    const lab = labs[0]!
    // a lab the user picked before this effect ran is kept
    setForm((f) => (f.lab ? f : { ...f, lab: lab.id, axes: defaultAxes(lab) }))
  }, [labs, form.lab])

  const lab = labs.find((l) => l.id === form.lab)
  const paths = useMemo(() => sweepablePaths(lab), [lab])
  const presets = lab ? ['faithful', 'corrected', ...lab.profiles.map((p) => p.id)] : ['faithful', 'corrected']

  const refreshList = useCallback(() => {
    client.call('sweeps.list', { limit: 100 }).then(({ sweeps }) => setSweeps(sweeps), (e: Error) => notify(e.message))
  }, [client, notify])

  const refreshDetail = useCallback(
    (id: number) => {
      client.call('sweeps.get', { sweepId: id }).then(
        (d) => setDetail((current) => (current === null || current.sweep.id === id || id === selectedIdRef.current ? d : current)),
        (e: Error) => notify(e.message)
      )
    },
    [client, notify]
  )
  const selectedIdRef = useRef<number | null>(null)
  selectedIdRef.current = selectedId

  useEffect(() => {
    if (state.connection === 'open') refreshList()
  }, [state.connection, refreshList])

  useEffect(() => {
    if (selectedId === null && sweeps[0]) setSelectedId(sweeps[0].id)
  }, [sweeps, selectedId])

  useEffect(() => {
    if (selectedId === null) return setDetail(null)
    refreshDetail(selectedId)
  }, [selectedId, refreshDetail])

  // Live: each cell's start and end arrives as sweep.updated.
  useEffect(
    () =>
      client.on('sweep.updated', ({ sweep }) => {
        setSweeps((list) => (list.some((s) => s.id === sweep.id) ? list.map((s) => (s.id === sweep.id ? sweep : s)) : [sweep, ...list]))
        if (sweep.id === selectedIdRef.current) refreshDetail(sweep.id)
      }),
    [client, refreshDetail]
  )

  const refreshQueued = useCallback(
    (id: string) => {
      client.call('queue.get', { sweepId: id }).then((d) => {
        if (id === queuedIdRef.current) setQueuedDetail(d)
      }, (e: Error) => notify(e.message))
    },
    [client, notify]
  )
  useEffect(() => {
    if (state.connection === 'open') client.call('queue.list', { limit: 50 }).then(({ sweeps }) => setQueued(sweeps), (e: Error) => notify(e.message))
  }, [state.connection, client, notify])
  useEffect(() => {
    if (queuedId === null) return setQueuedDetail(null)
    refreshQueued(queuedId)
  }, [queuedId, refreshQueued])
  // Live: depth, workers and progress of queued sweeps (≤ 2 frames/s each).
  useEffect(
    () =>
      client.on('queue.progress', ({ sweep }) => {
        setQueued((list) => (list.some((s) => s.id === sweep.id) ? list.map((s) => (s.id === sweep.id ? sweep : s)) : [sweep, ...list]))
        if (sweep.id === queuedIdRef.current) refreshQueued(sweep.id)
      }),
    [client, refreshQueued]
  )
  const onQueueSaved = useCallback((s: QueueSettings) => setQueueSettings(s), [])

  // Keep the chosen metric if the sweep has it; otherwise the one its lab suggests.
  const shown = focus === 'queue' ? queuedDetail : detail
  useEffect(() => {
    if (!shown || shown.metricNames.length === 0) return
    const next = sweepMetric(shown.metricNames, metric, labs.find((l) => l.id === shown.sweep.lab))
    if (next !== metric) setMetric(next)
  }, [shown, metric, labs])

  async function start() {
    const { request, error } = sweepRequest(form)
    if (!request) return setFormError(error)
    setFormError(null)
    setStarting(true)
    try {
      if (runOn === 'queue') {
        const { sweep } = await client.call('queue.start', request)
        setQueued((list) => [sweep, ...list.filter((s) => s.id !== sweep.id)])
        setQueuedId(sweep.id)
        setFocus('queue')
      } else {
        const { sweep } = await client.call('sweeps.start', request)
        setSweeps((list) => [sweep, ...list.filter((s) => s.id !== sweep.id)])
        setSelectedId(sweep.id)
        setFocus('local')
      }
    } catch (e) {
      setFormError(e instanceof ApiError && e.issues?.length ? e.issues.map((i) => `${i.path}: ${i.message}`).join('\n') : (e as Error).message)
    } finally {
      setStarting(false)
    }
  }

  function cancelQueued(id: string) {
    client.call('queue.cancel', { sweepId: id }).catch((e: Error) => notify(e.message))
  }

  function cancel(id: number) {
    client.call('sweeps.cancel', { sweepId: id }).catch((e: Error) => notify(e.message))
  }

  const open = (cell: SweepCell) => {
    if (cell.runId === null) return
    selectRun(cell.runId)
    navigate('dashboard')
  }

  const running = sweeps.find((s) => s.status === 'running')
  useCommands([
    { id: 'sweeps.new', title: 'Sweeps: new sweep', group: 'Sweeps', run: () => labSelectRef.current?.focus() },
    ...(running ? [{ id: 'sweeps.cancel', title: `Sweeps: cancel sweep #${running.id}`, group: 'Sweeps', run: () => cancel(running.id) }] : [])
  ])

  const setAxis = (i: number, patch: Partial<{ path: string; values: string }>) =>
    setForm((f) => {
      const axes = [...f.axes]
      while (axes.length <= i) axes.push({ path: '', values: '' })
      axes[i] = { ...axes[i]!, ...patch }
      return { ...f, axes }
    })

  const sweep = detail?.sweep
  const metricPicker = (names: string[], overrides: Record<string, unknown>) => (
    <div className="metric-picker">
      <label>
        <span className="muted">metric</span>
        <select name="metric" value={metric} onChange={(e) => setMetric(e.target.value)} disabled={names.length === 0}>
          {names.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      {Object.keys(overrides).length > 0 && <span className="muted mono">every cell: {Object.entries(overrides).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}</span>}
    </div>
  )
  return (
    <div className="sweeps-view">
      <aside className="sweeps-side">
        <section className="panel" aria-label="New sweep">
          <header className="panel-title">
            <span>New sweep</span>
          </header>
          <form
            className="sweep-form"
            onSubmit={(e) => {
              e.preventDefault()
              void start()
            }}
          >
            <label>
              <span>lab</span>
              <select
                ref={labSelectRef}
                name="lab"
                value={form.lab}
                onChange={(e) => {
                  const next = labs.find((l) => l.id === e.target.value)
                  setForm((f) => ({ ...f, lab: e.target.value, preset: 'faithful', axes: defaultAxes(next) }))
                }}
              >
                {labs.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.id}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>preset</span>
              <select name="preset" value={form.preset} onChange={(e) => setForm((f) => ({ ...f, preset: e.target.value }))}>
                {presets.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <div className="segmented" role="radiogroup" aria-label="Sweep kind">
              {(['grid', 'seeds'] as const).map((m) => (
                <button key={m} type="button" role="radio" className={`tab${form.mode === m ? ' active' : ''}`} aria-checked={form.mode === m} onClick={() => setForm((f) => ({ ...f, mode: m }))}>
                  {m === 'grid' ? 'grid' : 'seed ensemble'}
                </button>
              ))}
            </div>
            {form.mode === 'grid' ? (
              <>
                {[0, 1].map((i) => (
                  <div key={i} className="axis-row">
                    <select
                      name={`axis${i}-path`}
                      aria-label={`axis ${i + 1} config path`}
                      title={withUnit(paths.find((p) => p.path === form.axes[i]?.path))}
                      value={form.axes[i]?.path ?? ''}
                      onChange={(e) => setAxis(i, { path: e.target.value })}
                    >
                      <option value="">{i === 0 ? 'config path (rows)…' : '(optional) columns…'}</option>
                      {paths.map((p) => (
                        <option key={p.path} value={p.path}>
                          {p.path}
                        </option>
                      ))}
                    </select>
                    <input
                      name={`axis${i}-values`}
                      aria-label={`axis ${i + 1} values`}
                      placeholder={axisPlaceholder(paths.find((p) => p.path === form.axes[i]?.path))}
                      value={form.axes[i]?.values ?? ''}
                      onChange={(e) => setAxis(i, { values: e.target.value })}
                    />
                  </div>
                ))}
                {lab && (
                  <p className="muted sweep-suggestion" data-testid="sweep-suggestion">
                    {lab.id} suggests {lab.suggestedSweep.axes.map((a) => (a.unit ? `${a.path} (${a.unit})` : a.path)).join(' × ')}, read by {lab.suggestedSweep.metric}: {lab.suggestedSweep.why}
                  </p>
                )}
                <label>
                  <span>seed</span>
                  <input name="seed" placeholder="preset's" value={form.seed} onChange={(e) => setForm((f) => ({ ...f, seed: e.target.value }))} />
                </label>
              </>
            ) : (
              <div className="axis-row">
                <input name="seed-from" aria-label="first seed" value={form.seedFrom} onChange={(e) => setForm((f) => ({ ...f, seedFrom: e.target.value }))} />
                <span className="muted">…</span>
                <input name="seed-to" aria-label="last seed" value={form.seedTo} onChange={(e) => setForm((f) => ({ ...f, seedTo: e.target.value }))} />
              </div>
            )}
            <label className="wide">
              <span>overrides for every cell (path=value, one per line)</span>
              <textarea name="overrides" rows={2} value={form.overrides} placeholder="T=5000" onChange={(e) => setForm((f) => ({ ...f, overrides: e.target.value }))} />
            </label>
            <div className="segmented" role="radiogroup" aria-label="Run on">
              {(['local', 'queue'] as const).map((m) => (
                <button key={m} type="button" role="radio" className={`tab${runOn === m ? ' active' : ''}`} aria-checked={runOn === m} onClick={() => setRunOn(m)}>
                  {m === 'local' ? 'this machine' : `queue${queueSettings ? ` · ${queueSettings.display}` : ''}`}
                </button>
              ))}
            </div>
            {formError && <p className="error-text">{formError}</p>}
            <button type="submit" className="primary" disabled={starting || !form.lab}>
              {starting ? 'Planning…' : runOn === 'queue' ? 'Queue sweep' : 'Run sweep'}
            </button>
          </form>
        </section>
        <section className="panel sweeps-list" aria-label="Sweeps">
          <header className="panel-title">
            <span>Sweeps</span>
            <span className="muted">{sweeps.length}</span>
          </header>
          {sweeps.length === 0 ? (
            <p className="empty-state">No sweeps yet.</p>
          ) : (
            <table className="compact">
              <tbody>
                {sweeps.map((s) => (
                  <tr
                    key={s.id}
                    className={focus === 'local' && s.id === selectedId ? 'selected' : undefined}
                    onClick={() => {
                      setSelectedId(s.id)
                      setFocus('local')
                    }}
                    data-sweep-id={s.id}
                  >
                    <SweepRowCells id={`#${s.id}`} lab={s.lab} description={describeSweep(s)} done={s.done} cells={s.cells} status={s.status} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel sweeps-list" aria-label="Queued sweeps">
          <header className="panel-title">
            <span>Queued sweeps</span>
            <span className="muted">{queued.length}</span>
          </header>
          <QueuedSweepsList
            sweeps={queued}
            selected={focus === 'queue' ? queuedId : null}
            onSelect={(id) => {
              setQueuedId(id)
              setFocus('queue')
            }}
          />
        </section>
        <section className="panel" aria-label="Queue">
          <header className="panel-title">
            <span>Queue</span>
          </header>
          <QueueSettingsForm onSaved={onQueueSaved} />
        </section>
      </aside>
      <main className="sweeps-main">
        {focus === 'queue' && queuedDetail ? (
          <QueuedSweepPanel detail={queuedDetail} metric={metric} metricPicker={metricPicker(queuedDetail.metricNames, queuedDetail.sweep.overrides)} onCancel={() => cancelQueued(queuedDetail.sweep.id)} />
        ) : !sweep || !detail ? (
          <p className="empty-state">Define a grid over one or two config paths, or a seed ensemble, and run it. Each cell becomes a run in the Runs list.</p>
        ) : (
          <section className="panel" aria-label={`Sweep ${sweep.id}`} data-testid="sweep-detail">
            <header className="panel-title">
              <span>
                Sweep #{sweep.id} · {sweep.lab} · {sweep.preset} · {describeSweep(sweep)}
              </span>
              <span className="sweep-actions">
                <span className={`status status-${sweep.status}`} data-testid="sweep-status">
                  {sweep.status}
                </span>
                {sweep.status === 'running' && (
                  <button type="button" className="danger" onClick={() => cancel(sweep.id)}>
                    Cancel
                  </button>
                )}
              </span>
            </header>
            <SweepProgress done={sweep.done} cells={sweep.cells}>
              {sweep.done}/{sweep.cells} cells{sweep.failed ? `, ${sweep.failed} failed` : ''} · started {formatTimestamp(sweep.createdAt)}
            </SweepProgress>
            {metricPicker(detail.metricNames, sweep.overrides)}
            {sweep.kind === 'grid' ? (
              <SweepHeatmap sweep={sweep} cells={detail.cells} metric={metric} stats={detail.stats[metric]} onOpen={open} />
            ) : (
              <EnsemblePlot cells={detail.cells} metric={metric} stats={detail.stats[metric]} onOpen={open} />
            )}
          </section>
        )}
      </main>
    </div>
  )
}
