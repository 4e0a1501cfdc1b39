import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, type RefObject } from 'react'
import type { StepLogNames } from '../../../../shared/contract'
import { formatPercentCell, formatShort, formatSigned, formatValue, regimeColour, sourceClass } from './log-format'
import type { LogRow, PageStore } from './step-pages'

// The decision log's scrolling body. Every row has the same fixed geometry (ROW_HEIGHT high,
// the column widths in pixels, one width for all rows), so nothing is measured while
// scrolling and a row's layout never depends on another's. It is its own component: a scroll
// re-renders the rows, not the view with its toolbar, filter bar and run picker.

/** Fixed row height: positions are arithmetic, nothing is measured while scrolling. */
export const ROW_HEIGHT = 20
/**
 * Browsers cap an element's height (Chromium near 33.5M px). Past this, the scrollbar maps
 * onto the rows proportionally, so a 2M-step log scrolls end to end all the same.
 */
const MAX_SCROLL_PX = 15_000_000
const OVERSCAN = 6
/**
 * Rows are placed in a block of this many rows that moves as a whole (one transform): a row keeps
 * its place in the rows' layer while the view scrolls within the block, so a frame paints the
 * rows that came into view, not every row shifted up by the ones that left.
 */
const BLOCK_ROWS = 1024
/** The rationale column takes what width is left, never less than this. */
const RATIONALE_MIN_PX = 260

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
 * The grid template and the one width of header and rows for a viewport `viewportPx` wide:
 * every track in pixels, the rationale widened to fill the viewport. Definite widths mean a
 * row is laid out without measuring its text (no max-content sizing per row).
 */
export function columnLayout(columns: readonly Column[], viewportPx: number): { template: string; widthPx: number } {
  const fixed = columns.slice(0, -1).reduce((sum, c) => sum + c.px, 0)
  const last = columns[columns.length - 1]
  const lastPx = last ? Math.max(last.px, Math.floor(viewportPx) - fixed) : 0
  return { template: [...columns.slice(0, -1).map((c) => `${c.px}px`), ...(last ? [`${lastPx}px`] : [])].join(' '), widthPx: fixed + lastPx }
}

/** One row; memoised on its index and whether its page has arrived, so scrolling re-renders only new rows. */
const LogRowView = memo(
  function LogRowView({ row, index, top, active, onPick }: { row: LogRow | null; index: number; top: number; active: boolean; onPick(index: number): void }) {
    // A row whose page is still on its way: one cheap element, so a fast scroll stays within its frame.
    if (!row) return <div className="log-row placeholder" role="row" aria-rowindex={index + 1} aria-busy="true" style={{ top }} />
    const hit = row.events.length > 0
    return (
      <div
        className={`log-row${active ? ' active' : ''}${hit ? ' hit' : ''}`}
        role="row"
        aria-rowindex={index + 1}
        aria-selected={active}
        data-t={row.t}
        style={{ top }}
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
  (a, b) => a.index === b.index && a.top === b.top && a.active === b.active && (a.row === null) === (b.row === null) && (a.row === null || a.row.t === b.row!.t)
)

/** The scroll scale for `total` rows in a viewport `viewportPx` high: virtual (row) pixels per real pixel. */
export function scrollScale(total: number, viewportPx: number): { realHeight: number; scale: number } {
  const virtualHeight = total * ROW_HEIGHT
  const realHeight = Math.min(virtualHeight, MAX_SCROLL_PX)
  const scale = virtualHeight > realHeight && realHeight > viewportPx ? (virtualHeight - viewportPx) / (realHeight - viewportPx) : 1
  return { realHeight, scale }
}

export interface LogRowsProps {
  total: number
  viewportHeight: number
  store: PageStore
  /** Bumped when pages arrive: rows re-read the store. */
  version: number
  /** The (run, filter) view the rows belong to: a new one asks for its pages afresh. */
  viewKey: string
  active: number
  scrollRef: RefObject<HTMLDivElement | null>
  headerRef: RefObject<HTMLDivElement | null>
  onPick(index: number): void
  /** Tells the loader which rows are on screen. */
  request(first: number, last: number): void
}

/** The virtualised rows: only what is on screen plus a few rows of overscan exist in the DOM. */
export const LogRows = memo(function LogRows({ total, viewportHeight, store, viewKey, active, scrollRef, headerRef, onPick, request }: LogRowsProps) {
  // Scaled scrolling for very long logs: tanstack works in "virtual" pixels, the element in real ones.
  const { realHeight, scale } = scrollScale(total, viewportHeight)
  const scaleRef = useRef(scale)
  scaleRef.current = scale
  const scrollLeft = useRef(0)

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

  useEffect(() => {
    request(first, last)
  }, [first, last, viewKey, request])

  const virtualOffset = virtualizer.scrollOffset ?? 0
  const realScrollTop = virtualOffset / scale
  const blockStart = (first - (first % BLOCK_ROWS)) * ROW_HEIGHT
  const rowsTop = items.length ? realScrollTop + (blockStart - virtualOffset) : 0

  return (
    <div
      className="log-scroll"
      ref={scrollRef}
      onScroll={(e) => {
        // Vertical scrolls leave the header alone: no style write, nothing to restyle.
        const left = e.currentTarget.scrollLeft
        if (left !== scrollLeft.current && headerRef.current) headerRef.current.style.transform = `translateX(${-left}px)`
        scrollLeft.current = left
      }}
    >
      <div className="log-spacer" style={{ height: realHeight }}>
        <div className="log-rows" style={{ transform: `translateY(${rowsTop}px)` }}>
          {items.map((item) => (
            <LogRowView key={item.index} row={store.row(item.index)} index={item.index} top={item.start - blockStart} active={item.index === active} onPick={onPick} />
          ))}
        </div>
      </div>
    </div>
  )
})
