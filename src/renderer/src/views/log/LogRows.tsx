import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type MouseEvent as ReactMouseEvent, type RefObject } from 'react'
import type { StepLogNames } from '../../../../shared/contract'
import { columnEdges, ROW_HEIGHT, rowAtY, scrollScale, visibleRows } from './grid-geometry'
import { GridPainter, readGridTheme } from './grid-paint'
import { regimeColour } from './log-format'
import { rowCells, type Cell } from './row-cells'
import type { LogRow, PageStore } from './step-pages'

// The decision log's scrolling body, drawn into one canvas. On a slow machine the DOM grid spent
// its frames restyling, laying out, layerizing and painting the rows that scrolled in (issue 21);
// the canvas draws what is on screen in one pass per frame, with nothing measured. A tall
// spacer under it gives the native scrollbar and wheel. Under the canvas an invisible layer of
// real rows (role=row, aria-rowindex, the cells' text) follows the scroll once it settles, for
// screen readers, tests and hit targets; it is never re-rendered while the view is scrolling.

/** Rows of the accessible layer rendered beyond each edge of the viewport. */
const OVERSCAN = 6
/** The accessible layer follows the scroll this long after the last scroll event. */
const SETTLE_MS = 250
/** The rationale column takes what width is left, never less than this. */
const RATIONALE_MIN_PX = 260
/** Formatted rows kept between frames (a row's cells never change within one view). */
const MAX_CACHED_ROWS = 2000

export interface Column {
  id: string
  title: string
  /** Width in pixels; the rationale (last) column's is its minimum, it fills what is left. */
  px: number
  numeric?: boolean
  hint?: string
}

export function columnsFor(names: StepLogNames): Column[] {
  return [
    { id: 't', title: 't', px: 64, numeric: true, hint: 'step' },
    { id: 'regime', title: 'regime', px: 128 },
    { id: 'position', title: 'position', px: Math.max(90, names.legs.length * 58 + 12), numeric: true, hint: `position per leg: ${names.legs.join(' / ')}` },
    { id: 'leverage', title: 'lev', px: 60, numeric: true, hint: 'gross leverage' },
    { id: 'equity', title: 'equity', px: 96, numeric: true },
    { id: 'drawdown', title: 'dd', px: 60, numeric: true, hint: 'drawdown from the running peak' },
    { id: 'action', title: 'action', px: 150 },
    { id: 'source', title: 'source', px: 74 },
    { id: 'events', title: '⚑', px: 28, hint: 'constraint events (hover a marker for the messages)' },
    { id: 'cost', title: 'cost', px: 76, numeric: true, hint: 'total cost of the step' },
    ...names.costComponents.map((c) => ({ id: `cost:${c}`, title: `c·${c}`, px: 76, numeric: true, hint: `cost component ${c}` })),
    ...names.pnlComponents.map((c) => ({ id: `pnl:${c}`, title: `p&l·${c}`, px: 84, numeric: true, hint: `P&L component ${c}` })),
    { id: 'netPnl', title: 'net p&l', px: 88, numeric: true },
    // Last, so the numbers stay on screen and the rationale takes what width is left.
    { id: 'rationale', title: 'rationale', px: RATIONALE_MIN_PX }
  ]
}

/**
 * The column widths for a viewport `viewportPx` wide, the rationale widened to fill it; the grid
 * template the header uses; and the one width of header and rows.
 */
export function columnLayout(columns: readonly Column[], viewportPx: number): { template: string; widthPx: number; widthsPx: number[] } {
  const fixed = columns.slice(0, -1).reduce((sum, c) => sum + c.px, 0)
  const last = columns[columns.length - 1]
  const lastPx = last ? Math.max(last.px, Math.floor(viewportPx) - fixed) : 0
  const widthsPx = [...columns.slice(0, -1).map((c) => c.px), ...(last ? [lastPx] : [])]
  return { template: widthsPx.map((w) => `${w}px`).join(' '), widthPx: fixed + lastPx, widthsPx }
}

/** One row of the accessible layer: the same cells the canvas draws, as text a screen reader reads. */
const AccessibleRow = memo(function AccessibleRow({ row, index, active, selected }: { row: LogRow | null; index: number; active: boolean; selected: boolean }) {
  if (!row) return <div className="log-row loading" role="row" aria-rowindex={index + 1} aria-busy="true" />
  return (
    <div className={`log-row${active ? ' active' : ''}${row.events.length ? ' hit' : ''}`} role="row" aria-rowindex={index + 1} aria-selected={selected} data-t={row.t}>
      {rowCells(row).map((cell, c) => (
        <span key={c} className={`cell${cell.className ? ` ${cell.className}` : ''}`} role="gridcell" title={cell.title} data-events={cell.className === 'events' ? row.events.length || undefined : undefined}>
          {cell.chip !== undefined ? (
            <span className="regime-chip" style={{ color: regimeColour(cell.chip), borderColor: regimeColour(cell.chip) }}>
              {cell.text}
            </span>
          ) : (
            cell.text
          )}
        </span>
      ))}
    </div>
  )
},
(a, b) => a.index === b.index && a.active === b.active && a.selected === b.selected && (a.row === null) === (b.row === null) && (a.row === null || a.row.t === b.row!.t))

export interface LogRowsProps {
  total: number
  viewport: { width: number; height: number }
  /** Column widths in pixels (columnLayout's widthsPx); the constraint marker's column is centred. */
  widthsPx: readonly number[]
  centredColumn: number
  store: PageStore
  /** Bumped when pages arrive: rows re-read the store. */
  version: number
  /** The (run, filter) view the rows belong to: a new one asks for its pages afresh. */
  viewKey: string
  active: number
  /** The selected rows, first to last (the active row alone without a Shift selection). */
  selectedFrom: number
  selectedTo: number
  scrollRef: RefObject<HTMLDivElement | null>
  headerRef: RefObject<HTMLDivElement | null>
  /** A click on row `index`; `extend` with Shift held (select from the anchor). */
  onPick(index: number, extend: boolean): void
  /** Tells the loader which rows are on screen. */
  request(first: number, last: number): void
  /** Pages arrived (useStepLog's subscribe): the canvas redraws without a React render. */
  subscribe(listener: () => void): () => void
}

/** The canvas grid over its scroller and the accessible row layer. */
export const LogRows = memo(function LogRows(props: LogRowsProps) {
  const { total, viewport, widthsPx, store, version, viewKey, active, scrollRef, headerRef, subscribe } = props
  const { realHeight, scale } = scrollScale(total, viewport.height)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const painter = useRef<GridPainter | null>(null)
  const frame = useRef(0)
  const settleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const scrollLeft = useRef(0)
  const pointerY = useRef<number | null>(null)
  const requested = useRef<[number, number, string]>([0, -1, ''])
  const cells = useRef({ store, rows: new Map<number, Cell[]>() })
  // What a frame draws, read by the scroll handler's frames without re-rendering React.
  const live = useRef(props)
  live.current = props
  const edges = useRef<number[]>([])
  edges.current = columnEdges(widthsPx)
  const [settledTop, setSettledTop] = useState(0)

  const cellsOf = useCallback((index: number): Cell[] | null => {
    const cache = cells.current
    if (cache.store !== live.current.store) cells.current = { store: live.current.store, rows: new Map() }
    let row = cells.current.rows.get(index)
    if (row) return row
    const data = live.current.store.row(index)
    if (!data) return null
    if (cells.current.rows.size >= MAX_CACHED_ROWS) cells.current.rows.clear()
    row = rowCells(data)
    cells.current.rows.set(index, row)
    return row
  }, [])

  const draw = useCallback(() => {
    const el = scrollRef.current
    const p = painter.current
    if (!el || !p) return
    const { total, viewport, viewKey, active, selectedFrom, selectedTo, request } = live.current
    const virtualTop = el.scrollTop * scrollScale(total, viewport.height).scale
    const rows = visibleRows(virtualTop, viewport.height, total)
    const [first, last, key] = requested.current
    if (first !== rows.first || last !== rows.last || key !== viewKey) {
      requested.current = [rows.first, rows.last, viewKey]
      if (rows.last >= rows.first) request(rows.first, rows.last)
    }
    const hover = pointerY.current === null ? -1 : (rowAtY(pointerY.current, virtualTop, total) ?? -1)
    let waiting = 0
    p.paint({
      width: viewport.width,
      height: viewport.height,
      scrollLeft: el.scrollLeft,
      rows,
      edges: edges.current,
      centred: live.current.centredColumn,
      cellsOf: (index) => {
        const row = cellsOf(index)
        if (!row) waiting++
        return row
      },
      active,
      selected: [selectedFrom, selectedTo],
      hover
    })
    // Rows drawn as still loading, for the bench (one attribute write, only when it changes).
    const canvas = canvasRef.current!
    if (canvas.dataset.waiting !== String(waiting)) canvas.dataset.waiting = String(waiting)
  }, [scrollRef, cellsOf])

  const schedule = useCallback(() => {
    if (frame.current) return
    frame.current = requestAnimationFrame(() => {
      frame.current = 0
      draw()
    })
  }, [draw])

  // The canvas matches the viewport in device pixels, so text is as sharp as the DOM's.
  useLayoutEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const dpr = window.devicePixelRatio || 1
    canvas.width = Math.max(1, Math.round(viewport.width * dpr))
    canvas.height = Math.max(1, Math.round(viewport.height * dpr))
    canvas.style.width = `${viewport.width}px`
    canvas.style.height = `${viewport.height}px`
    const ctx = canvas.getContext('2d', { alpha: false })
    if (!ctx) return
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    painter.current = new GridPainter(ctx, readGridTheme())
    draw()
  }, [viewport.width, viewport.height, draw])

  // Anything but the scroll position changed (pages arrived, selection, columns, view): draw now, before the browser paints.
  useLayoutEffect(() => draw(), [draw, version, active, props.selectedFrom, props.selectedTo, total, viewKey, widthsPx, store])

  // Pages arrived: draw them now, unless this frame's scroll draw is still to come and will.
  useEffect(() => subscribe(() => frame.current === 0 && draw()), [subscribe, draw])

  // The canvas does not follow CSS variables by itself: recolour when the theme switches.
  useEffect(() => {
    const observer = new MutationObserver(() => {
      painter.current?.setTheme(readGridTheme())
      draw()
    })
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    return () => observer.disconnect()
  }, [draw])

  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current)
      clearTimeout(settleTimer.current)
    },
    []
  )

  // A new view starts at its top (the view resets scrollTop, which may fire no scroll event).
  useEffect(() => setSettledTop(scrollRef.current?.scrollTop ?? 0), [viewKey, scrollRef])

  const onScroll = (event: React.UIEvent<HTMLDivElement>): void => {
    const el = event.currentTarget
    // Vertical scrolls leave the header alone: no style write, nothing to restyle.
    if (el.scrollLeft !== scrollLeft.current && headerRef.current) headerRef.current.style.transform = `translateX(${-el.scrollLeft}px)`
    scrollLeft.current = el.scrollLeft
    schedule()
    clearTimeout(settleTimer.current)
    settleTimer.current = setTimeout(() => setSettledTop(el.scrollTop), SETTLE_MS)
  }

  const rowUnder = (event: ReactMouseEvent<HTMLDivElement>): { y: number; index: number | null } => {
    const el = event.currentTarget
    const y = event.clientY - el.getBoundingClientRect().top
    return { y, index: y < el.clientHeight ? rowAtY(y, el.scrollTop * scale, total) : null }
  }

  // The accessible layer: the rows around the settled scroll position, placed where the canvas draws them.
  const settledVirtual = settledTop * scale
  const shown = visibleRows(settledVirtual, viewport.height, total)
  const from = Math.max(0, shown.first - OVERSCAN)
  const to = Math.min(total - 1, shown.last + OVERSCAN)
  const layerTop = settledTop + from * ROW_HEIGHT - settledVirtual
  const accessible: number[] = []
  for (let i = from; i <= to; i++) accessible.push(i)

  return (
    <div className="log-body">
      <div
        className="log-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        onClick={(event) => {
          const { index } = rowUnder(event)
          if (index !== null) props.onPick(index, event.shiftKey)
        }}
        onMouseMove={(event) => {
          pointerY.current = rowUnder(event).y
          schedule()
        }}
        onMouseLeave={() => {
          pointerY.current = null
          schedule()
        }}
      >
        <div className="log-spacer" style={{ height: realHeight }}>
          <div className="log-rows" style={{ transform: `translateY(${layerTop}px)` }}>
            {accessible.map((i) => (
              <AccessibleRow key={i} row={store.row(i)} index={i} active={i === active} selected={i >= props.selectedFrom && i <= props.selectedTo} />
            ))}
          </div>
        </div>
      </div>
      <canvas ref={canvasRef} className="log-canvas" aria-hidden="true" />
    </div>
  )
})
