// The decision log's geometry as plain arithmetic: which rows a scroll position shows, which row
// lies under a pointer, where each column starts, and how a cell's text is cut to its width.
// The canvas grid (LogRows.tsx) and its tests share it; nothing here touches the DOM.

/** Fixed row height: positions are arithmetic, nothing is measured while scrolling. */
export const ROW_HEIGHT = 20
/** A cell's horizontal padding on each side (the DOM grid's `padding: 0 6px`). */
export const CELL_PAD = 6
/**
 * Browsers cap an element's height (Chromium near 33.5M px). Past this, the scrollbar maps
 * onto the rows proportionally, so a 2M-step log scrolls end to end all the same.
 */
export const MAX_SCROLL_PX = 15_000_000

/** The scroll scale for `total` rows in a viewport `viewportPx` high: virtual (row) pixels per real pixel. */
export function scrollScale(total: number, viewportPx: number): { realHeight: number; scale: number } {
  const virtualHeight = total * ROW_HEIGHT
  const realHeight = Math.min(virtualHeight, MAX_SCROLL_PX)
  const scale = virtualHeight > realHeight && realHeight > viewportPx ? (virtualHeight - viewportPx) / (realHeight - viewportPx) : 1
  return { realHeight, scale }
}

export interface VisibleRows {
  /** First row at least partly on screen. */
  first: number
  /** Last row at least partly on screen (first − 1 when there is none). */
  last: number
  /** The first row's top edge in viewport pixels (≤ 0: a row scrolled partly out of view). */
  topPx: number
}

/** The rows a viewport `viewportPx` high shows when its top is at virtual pixel `virtualTop`. */
export function visibleRows(virtualTop: number, viewportPx: number, total: number): VisibleRows {
  if (total <= 0 || viewportPx <= 0) return { first: 0, last: -1, topPx: 0 }
  const top = Math.max(0, Math.min(virtualTop, total * ROW_HEIGHT))
  const first = Math.min(total - 1, Math.floor(top / ROW_HEIGHT))
  const last = Math.min(total - 1, Math.ceil((top + viewportPx) / ROW_HEIGHT) - 1)
  return { first, last: Math.max(first, last), topPx: first * ROW_HEIGHT - top }
}

/** The row under viewport y (pixels from the rows' top edge), or null past the last row or above the first. */
export function rowAtY(y: number, virtualTop: number, total: number): number | null {
  if (y < 0) return null
  const index = Math.floor((Math.max(0, virtualTop) + y) / ROW_HEIGHT)
  return index >= 0 && index < total ? index : null
}

/** Each column's left edge in content pixels, then the right edge of the last. */
export function columnEdges(widthsPx: readonly number[]): number[] {
  const edges = [0]
  for (const w of widthsPx) edges.push(edges[edges.length - 1]! + w)
  return edges
}

export const ELLIPSIS = '…'

/** `text` cut to `maxChars` characters of a monospaced font, its last one an ellipsis when cut. */
export function fitMono(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  if (maxChars <= 0) return ''
  return text.slice(0, maxChars - 1) + ELLIPSIS
}

/**
 * The longest prefix of `text` that fits `maxPx` with an ellipsis, as CSS `text-overflow: ellipsis`
 * shows it; `measure` gives a string's width. Binary search: log2(length) measurements.
 */
export function fitText(text: string, maxPx: number, measure: (s: string) => number): string {
  if (maxPx <= 0 || text === '') return ''
  if (measure(text) <= maxPx) return text
  let lo = 0
  let hi = text.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (measure(text.slice(0, mid) + ELLIPSIS) <= maxPx) lo = mid
    else hi = mid - 1
  }
  return lo === 0 ? (measure(ELLIPSIS) <= maxPx ? ELLIPSIS : '') : text.slice(0, lo).trimEnd() + ELLIPSIS
}
