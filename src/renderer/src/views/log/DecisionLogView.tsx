import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react'
import type { StepFilter, StepLogNames } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatInteger } from '../../format/numbers'
import { LogFilterBar, type LogFilterState } from './LogFilterBar'
import { formatPercentCell, formatShort, formatSigned, formatValue, regimeColour, sourceClass } from './log-format'
import type { LogRow } from './step-pages'
import { useStepLog } from './useStepLog'
import './log.css'
import { StepDetail } from './StepDetail'

/** Fixed row height: positions are arithmetic, nothing is measured while scrolling. */
export const ROW_HEIGHT = 20
/**
 * Browsers cap an element's height (Chromium near 33.5M px). Past this, the scrollbar maps
 * onto the rows proportionally, so a 2M-step log scrolls end to end all the same.
 */
const MAX_SCROLL_PX = 15_000_000
const OVERSCAN = 6
/** More than the rows ever on screen plus overscan, so no two visible rows share a slot. */
const ROW_SLOTS = 512

const EMPTY_FILTER: LogFilterState = { actions: [], regimes: [], sources: [], constraintHit: false, text: '' }

interface Column {
  id: string
  title: string
  width: string
  numeric?: boolean
  hint?: string
}

function columnsFor(names: StepLogNames): Column[] {
  return [
    { id: 't', title: 't', width: '64px', numeric: true, hint: 'step' },
    { id: 'regime', title: 'regime', width: '128px' },
    { id: 'position', title: 'position', width: `${Math.max(90, names.legs.length * 58 + 12)}px`, numeric: true, hint: `position per leg: ${names.legs.join(' / ')}` },
    { id: 'leverage', title: 'lev', width: '60px', numeric: true, hint: 'gross leverage' },
    { id: 'equity', title: 'equity', width: '96px', numeric: true },
    { id: 'drawdown', title: 'dd', width: '60px', numeric: true, hint: 'drawdown from the running peak' },
    { id: 'action', title: 'action', width: '150px' },
    { id: 'source', title: 'source', width: '74px' },
    { id: 'events', title: '⚑', width: '28px', hint: 'constraint events (hover a marker for the messages)' },
    { id: 'cost', title: 'cost', width: '76px', numeric: true, hint: 'total cost of the step' },
    ...names.costComponents.map((c) => ({ id: `cost:${c}`, title: `c·${c}`, width: '76px', numeric: true, hint: `cost component ${c}` })),
    ...names.pnlComponents.map((c) => ({ id: `pnl:${c}`, title: `p&l·${c}`, width: '84px', numeric: true, hint: `P&L component ${c}` })),
    { id: 'netPnl', title: 'net p&l', width: '88px', numeric: true },
    // Last, so the numbers stay on screen and the rationale takes what width is left.
    { id: 'rationale', title: 'rationale', width: 'minmax(260px, 1fr)' }
  ]
}

/** One row; memoised on its index and whether its page has arrived, so scrolling re-renders only new rows. */
const LogRowView = memo(
  function LogRowView({ row, index, active, onPick }: { row: LogRow | null; index: number; active: boolean; onPick(index: number): void }) {
    // A row whose page is still on its way: one cheap element, so a fast scroll stays within its frame.
    if (!row) return <div className="log-row placeholder" role="row" aria-rowindex={index + 1} aria-busy="true" />
    const hit = row.events.length > 0
    return (
      <div
        className={`log-row${active ? ' active' : ''}${hit ? ' hit' : ''}`}
        role="row"
        aria-rowindex={index + 1}
        aria-selected={active}
        data-t={row.t}
        onClick={() => onPick(index)}
      >
        <span className="cell num">{row.t}</span>
        <span className="cell">
          <span className="regime-chip" style={{ color: regimeColour(row.regimeCode), borderColor: regimeColour(row.regimeCode) }}>
            {row.regime}
          </span>
        </span>
        <span className="cell num" title={Array.from(row.position, (p) => String(p)).join(' / ')}>
          {Array.from(row.position, (p) => formatShort(p)).join(' / ')}
        </span>
        <span className="cell num">{formatShort(row.leverage)}</span>
        <span className="cell num">{formatValue(row.equity)}</span>
        <span className="cell num">{formatPercentCell(row.drawdown)}</span>
        <span className="cell action">{row.action}</span>
        <span className={`cell ${sourceClass(row.source)}`}>{row.source}</span>
        <span className="cell events" title={row.events.map((e) => `${e.rule}: ${e.message}`).join('\n') || undefined} data-events={row.events.length || undefined}>
          {hit ? (row.events.length > 1 ? `⚑${row.events.length}` : '⚑') : ''}
        </span>
        <span className="cell num" title={row.costs.map(([c, v]) => `${c}: ${formatValue(v)}`).join('\n')}>
          {formatValue(row.cost)}
        </span>
        {row.costs.map(([c, v]) => (
          <span key={c} className="cell num dim">
            {formatValue(v)}
          </span>
        ))}
        {row.pnl.map(([c, v]) => (
          <span key={c} className={`cell num ${v > 0 ? 'up' : v < 0 ? 'down' : 'dim'}`}>
            {formatSigned(v)}
          </span>
        ))}
        <span className={`cell num strong ${row.netPnl > 0 ? 'up' : row.netPnl < 0 ? 'down' : ''}`}>{formatSigned(row.netPnl)}</span>
        <span className="cell rationale" title={row.rationale}>
          {row.rationale}
        </span>
      </div>
    )
  },
  (a, b) => a.index === b.index && a.active === b.active && (a.row === null) === (b.row === null) && (a.row === null || a.row.t === b.row!.t)
)

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
  const [viewportHeight, setViewportHeight] = useState(600)
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
  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns])

  // Scaled scrolling for very long logs: tanstack works in "virtual" pixels, the element in real ones.
  const virtualHeight = total * ROW_HEIGHT
  const realHeight = Math.min(virtualHeight, MAX_SCROLL_PX)
  const scale = virtualHeight > realHeight && realHeight > viewportHeight ? (virtualHeight - viewportHeight) / (realHeight - viewportHeight) : 1
  const scaleRef = useRef(scale)
  scaleRef.current = scale

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    observeElementOffset: (instance, cb) => observeElementOffset(instance, (offset, scrolling) => cb(offset * scaleRef.current, scrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scaleRef.current, options, instance)
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1
  const { request } = log

  useEffect(() => {
    if (log.status === 'ready') request(first, last)
  }, [first, last, log.status, log.key, request])

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight))
    observer.observe(el)
    setViewportHeight(el.clientHeight)
    return () => observer.disconnect()
  }, [log.status])

  // A new run or filter starts at the top.
  useEffect(() => {
    setActive(0)
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
    (index: number) => {
      setActive(index)
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
        scrollToRow(found.index, 'center')
      },
      () => undefined
    )
    return () => {
      stale = true
    }
  }, [focus, runId, log.status, log.key, client, filter, scrollToRow])

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1)
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + pageRows, PageUp: active - pageRows, Home: 0, End: total - 1 }
    if (event.key in moves) {
      event.preventDefault()
      const next = Math.max(0, Math.min(total - 1, moves[event.key]!))
      setActive(next)
      scrollToRow(next, 'nearest')
    } else if (event.key === 'Enter') {
      event.preventDefault()
      pick(active)
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

  const virtualOffset = virtualizer.scrollOffset ?? 0
  const realScrollTop = virtualOffset / scale
  const rowsTop = items.length ? realScrollTop + (items[0]!.start - virtualOffset) : 0

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
        // The column template is one CSS variable for header and rows: rows carry no style of their own.
        <div className="log-table" role="grid" aria-rowcount={total} aria-label="Decision log" tabIndex={0} onKeyDown={onKeyDown} style={{ '--log-columns': template } as CSSProperties}>
          <div className="log-header-clip">
            <div className="log-header" ref={headerRef} role="row">
              {columns.map((c) => (
                <span key={c.id} className={`cell${c.numeric ? ' num' : ''}`} title={c.hint ?? c.title} role="columnheader">
                  {c.title}
                </span>
              ))}
            </div>
          </div>
          <div
            className="log-scroll"
            ref={scrollRef}
            onScroll={(e) => {
              if (headerRef.current) headerRef.current.style.transform = `translateX(${-e.currentTarget.scrollLeft}px)`
            }}
          >
            <div className="log-spacer" style={{ height: realHeight }}>
              <div className="log-rows" style={{ transform: `translateY(${rowsTop}px)` }}>
                {items.map((item) => (
                  <LogRowView
                    // Keyed by slot, not by row: scrolling updates the same DOM rows instead of creating new ones.
                    key={item.index % ROW_SLOTS}
                    row={log.store.row(item.index)}
                    index={item.index}
                    active={item.index === active}
                    onPick={pick}
                  />
                ))}
              </div>
            </div>
          </div>
        </div>
      )}
      {!body && <StepDetail row={log.store.row(active)} runId={runId} />}
    </div>
  )
}
