import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react'
import type { StepFilter } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatInteger } from '../../format/numbers'
import { LogFilterBar, type LogFilterState } from './LogFilterBar'
import { ROW_HEIGHT, scrollScale } from './grid-geometry'
import { columnLayout, columnsFor, LogRows } from './LogRows'
import { MAX_COPY_ROWS, selectedRowsTsv } from './log-copy'
import { PAGE_ROWS } from './step-pages'
import { useStepLog } from './useStepLog'
import './log.css'
import { StepDetail } from './StepDetail'

const EMPTY_FILTER: LogFilterState = { actions: [], regimes: [], sources: [], constraintHit: false, text: '' }

/** The decision log: every step of the selected run, filtered, virtualised and paged from the store. */
export function DecisionLogView({ state }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const { selectedRunId, selectRun, focus, focusAt } = workspace
  const run = selectedRunId === null ? undefined : state.runs[selectedRunId]
  const [filterState, setFilterState] = useState<LogFilterState>(EMPTY_FILTER)
  const [text, setText] = useState('')
  const searchRef = useRef<HTMLInputElement>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const headerRef = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState(0)
  // Shift+click and Shift+arrows select the rows from the anchor to the active row.
  const [anchor, setAnchor] = useState(0)
  const [viewport, setViewport] = useState({ width: 1000, height: 600 })
  const ownFocus = useRef<number | null>(null)

  // Search is applied a moment after typing stops, so each keystroke does not rebuild an index.
  useEffect(() => {
    const timer = setTimeout(() => setFilterState((f) => (f.text === text ? f : { ...f, text })), 200)
    return () => clearTimeout(timer)
  }, [text])

  const filter = useMemo<StepFilter>(() => {
    const f: StepFilter = {}
    if (filterState.actions.length) f.actions = filterState.actions
    if (filterState.regimes.length) f.regimes = filterState.regimes
    if (filterState.sources.length) f.sources = filterState.sources
    if (filterState.constraintHit) f.constraintHit = true
    if (filterState.text.trim()) f.text = filterState.text.trim()
    return f
  }, [filterState])

  const runId = run ? run.id : selectedRunId
  const log = useStepLog(runId !== null && run?.status !== 'running' && run?.task !== 'random-walk' ? runId : null, filter)
  const total = log.status === 'ready' ? log.total : 0
  const columns = useMemo(() => (log.names ? columnsFor(log.names) : []), [log.names])
  const layout = useMemo(() => columnLayout(columns, viewport.width), [columns, viewport.width])
  // The scroll position maps onto rows through this scale (see LogRows); keyboard moves use it too.
  const scaleRef = useRef(1)
  scaleRef.current = scrollScale(total, viewport.height).scale

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const measure = (): void => setViewport((v) => (v.width === el.clientWidth && v.height === el.clientHeight ? v : { width: el.clientWidth, height: el.clientHeight }))
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    measure()
    return () => observer.disconnect()
  }, [log.status])

  // A new run or filter starts at the top.
  useEffect(() => {
    setActive(0)
    setAnchor(0)
    if (scrollRef.current) scrollRef.current.scrollTop = 0
  }, [log.key])

  /** Scrolls so that row `index` is visible: centred when jumping, the nearest edge when stepping. */
  const scrollToRow = useCallback(
    (index: number, mode: 'center' | 'nearest') => {
      const el = scrollRef.current
      if (!el) return
      const s = scaleRef.current
      const viewTop = el.scrollTop * s
      const rowTop = index * ROW_HEIGHT
      const height = el.clientHeight
      let target: number
      if (mode === 'center') target = rowTop - height / 2 + ROW_HEIGHT / 2
      else if (rowTop < viewTop) target = rowTop
      else if (rowTop + ROW_HEIGHT > viewTop + height) target = rowTop + ROW_HEIGHT - height
      else return
      el.scrollTop = Math.max(0, target / s)
    },
    []
  )

  const pick = useCallback(
    (index: number, extend = false) => {
      setActive(index)
      if (!extend) setAnchor(index)
      const row = log.store.row(index)
      if (row && runId !== null) {
        ownFocus.current = row.t
        focusAt({ runId, t: row.t })
      }
    },
    [log.store, runId, focusAt]
  )

  // Focus set elsewhere (a chart click, the scrubber): find that step's row and bring it into view.
  useEffect(() => {
    if (!focus || runId === null || focus.runId !== runId || log.status !== 'ready') return
    if (ownFocus.current === focus.t) return
    let stale = false
    client.call('runs.stepIndex', { runId, t: focus.t, filter }).then(
      (found) => {
        if (stale || found.index === null) return
        setActive(found.index)
        setAnchor(found.index)
        scrollToRow(found.index, 'center')
      },
      () => undefined
    )
    return () => {
      stale = true
    }
  }, [focus, runId, log.status, log.key, client, filter, scrollToRow])

  const selection: [number, number] = [Math.min(anchor, active), Math.max(anchor, active)]

  /** The rows are drawn, not text to select: the view puts the selected rows on the clipboard as TSV. */
  const copySelection = (): void => {
    if (runId === null || total === 0) return
    const fetchPage = (page: number) => client.call('runs.steps', { runId, offset: page * PAGE_ROWS, limit: PAGE_ROWS, filter })
    selectedRowsTsv(columns.map((c) => c.title), log.store, selection[0], selection[1], fetchPage)
      .then(({ tsv }) => navigator.clipboard.writeText(tsv))
      .catch(() => undefined)
  }

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1)
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + pageRows, PageUp: active - pageRows, Home: 0, End: total - 1 }
    if (event.key in moves) {
      event.preventDefault()
      const next = Math.max(0, Math.min(total - 1, moves[event.key]!))
      setActive(next)
      if (!event.shiftKey) setAnchor(next)
      scrollToRow(next, 'nearest')
    } else if (event.key === 'Enter') {
      event.preventDefault()
      pick(active)
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault()
      copySelection()
    }
  }

  // `/` focuses the search box from anywhere in the view.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && target?.tagName !== 'INPUT' && target?.tagName !== 'TEXTAREA' && target?.tagName !== 'SELECT') {
        event.preventDefault()
        searchRef.current?.focus()
        searchRef.current?.select()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  useCommands([
    { id: 'log.search', title: 'Decision log: search', group: 'Decision log', shortcut: '/', run: () => searchRef.current?.focus() },
    { id: 'log.constraint-hits', title: 'Decision log: filter constraint hits', group: 'Decision log', run: () => setFilterState((f) => ({ ...f, constraintHit: !f.constraintHit })) },
    {
      id: 'log.clear-filters',
      title: 'Decision log: clear filters',
      group: 'Decision log',
      run: () => {
        setText('')
        setFilterState(EMPTY_FILTER)
      }
    },
    { id: 'log.copy', title: `Decision log: copy the selected rows as TSV (up to ${formatInteger(MAX_COPY_ROWS)})`, group: 'Decision log', shortcut: 'Ctrl+C', run: copySelection },
    { id: 'log.jump', title: 'Decision log: jump to the selected row in the charts', group: 'Decision log', shortcut: 'Enter', run: () => pick(active) }
  ])

  const completedRuns = useMemo(
    () =>
      state.order
        .map((id) => state.runs[id])
        .filter((r): r is NonNullable<typeof r> => r !== undefined && r.status === 'completed')
        .slice(0, 200),
    [state.order, state.runs]
  )

  let body: ReactNode
  if (selectedRunId === null) body = <p className="log-empty">Select a run to read its decision log (pick one above, or in the Runs view).</p>
  else if (run?.task === 'random-walk' || log.status === 'unlogged') body = <p className="log-empty">This run has no decision log (random walks don't log steps).</p>
  else if (run?.status === 'running') body = <p className="log-empty">Run #{run.id} is still running; its decision log is stored when it completes.</p>
  else if (log.status === 'error') body = <p className="log-empty error-text">{log.error}</p>
  else if (log.status === 'idle' || (log.status === 'loading' && !log.names)) body = <p className="log-empty">Loading the decision log…</p>
  else if (log.status === 'ready' && total === 0) body = <p className="log-empty">No step matches these filters.</p>

  return (
    <div className="log-view" data-testid="decision-log">
      <div className="log-toolbar">
        <label className="log-run-picker">
          <span className="muted">run</span>
          <select value={selectedRunId ?? ''} onChange={(e) => selectRun(e.target.value === '' ? null : Number(e.target.value))} aria-label="Run">
            <option value="">—</option>
            {selectedRunId !== null && !completedRuns.some((r) => r.id === selectedRunId) && <option value={selectedRunId}>#{selectedRunId}</option>}
            {completedRuns.map((r) => (
              <option key={r.id} value={r.id}>
                #{r.id} {r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset} · seed ${r.seed}` : r.task}
              </option>
            ))}
          </select>
        </label>
        <span className="log-focus mono" data-testid="log-focus" title="The step the charts show (click a row or press Enter to move it)">
          {focus && focus.runId === runId ? `focus: step ${formatInteger(focus.t)}` : ''}
        </span>
        <span className="log-count mono" data-testid="log-count" aria-live="polite">
          {log.status === 'ready' ? (log.total === log.steps ? `${formatInteger(log.steps)} steps` : `${formatInteger(log.total)} of ${formatInteger(log.steps)} steps`) : log.status === 'loading' && log.names ? 'filtering…' : ''}
        </span>
      </div>
      {log.names && (
        <LogFilterBar
          names={log.names}
          filter={filterState}
          text={text}
          searchRef={searchRef}
          onText={setText}
          onChange={setFilterState}
        />
      )}
      {body ?? (
        // The column template and the row width are CSS variables of the table: rows carry no style of their own.
        <div
          className="log-table"
          role="grid"
          aria-rowcount={total}
          aria-label="Decision log"
          tabIndex={0}
          onKeyDown={onKeyDown}
          style={{ '--log-columns': layout.template, '--log-width': `${layout.widthPx}px` } as CSSProperties}
        >
          <div className="log-header-clip">
            <div className="log-header" ref={headerRef} role="row">
              {columns.map((c) => (
                <span key={c.id} className={`cell${c.numeric ? ' num' : ''}`} title={c.hint ?? c.title} role="columnheader">
                  {c.title}
                </span>
              ))}
            </div>
          </div>
          <LogRows
            total={total}
            viewport={viewport}
            widthsPx={layout.widthsPx}
            centredColumn={columns.findIndex((c) => c.id === 'events')}
            store={log.store}
            version={log.version}
            viewKey={log.key}
            active={active}
            selectedFrom={selection[0]}
            selectedTo={selection[1]}
            scrollRef={scrollRef}
            headerRef={headerRef}
            onPick={pick}
            request={log.request}
            subscribe={log.subscribe}
          />
        </div>
      )}
      {!body && <StepDetail row={log.store.row(active)} runId={runId} />}
    </div>
  )
}
