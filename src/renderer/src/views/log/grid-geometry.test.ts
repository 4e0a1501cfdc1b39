import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { columnEdges, ELLIPSIS, fitMono, fitText, MAX_SCROLL_PX, ROW_HEIGHT, rowAtY, scrollScale, visibleRows } from './grid-geometry'

describe('visibleRows', () => {
  it('names the rows a viewport shows, the first one partly scrolled out', () => {
    // Top at 45 px: row 2 starts at 40 px, 5 px above the view; 100 px down reaches row 7 (140–160 px).
    expect(visibleRows(45, 100, 1000)).toEqual({ first: 2, last: 7, topPx: -5 })
    expect(visibleRows(0, 100, 1000)).toEqual({ first: 0, last: 4, topPx: 0 })
  })

  it('stops at the last row and is empty without rows', () => {
    expect(visibleRows(0, 600, 3)).toEqual({ first: 0, last: 2, topPx: 0 })
    expect(visibleRows(0, 600, 0)).toEqual({ first: 0, last: -1, topPx: 0 })
    expect(visibleRows(1e9, 100, 10).last).toBe(9)
  })

  it('covers the viewport exactly: every pixel row lies in a listed row (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), (total, viewport, at) => {
        const top = at * Math.max(0, total * ROW_HEIGHT - viewport)
        const { first, last, topPx } = visibleRows(top, viewport, total)
        expect(topPx).toBeLessThanOrEqual(0)
        expect(topPx).toBeGreaterThan(-ROW_HEIGHT)
        expect(first).toBe(Math.floor(top / ROW_HEIGHT))
        // The last listed row reaches the viewport's bottom edge, or is the log's last row.
        expect(last === total - 1 || topPx + (last - first + 1) * ROW_HEIGHT >= viewport).toBe(true)
        // …and no row more than needed.
        expect(topPx + (last - first) * ROW_HEIGHT).toBeLessThan(viewport)
      })
    )
  })
})

describe('rowAtY', () => {
  it('hit-tests the row drawn under the pointer', () => {
    expect(rowAtY(0, 0, 10)).toBe(0)
    expect(rowAtY(19.9, 0, 10)).toBe(0)
    expect(rowAtY(20, 0, 10)).toBe(1)
    // Scrolled by 45 px, y = 0 is inside row 2 (40–60 px), y = 16 is row 3.
    expect(rowAtY(0, 45, 10)).toBe(2)
    expect(rowAtY(16, 45, 10)).toBe(3)
    expect(rowAtY(200, 0, 10)).toBeNull()
    expect(rowAtY(-1, 0, 10)).toBeNull()
  })

  it('agrees with visibleRows: the row at y is drawn at y (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (total, at, yAt) => {
        const viewport = 700
        const top = at * Math.max(0, total * ROW_HEIGHT - viewport)
        const rows = visibleRows(top, viewport, total)
        const y = yAt * (viewport - 1)
        const index = rowAtY(y, top, total)
        if (index === null) {
          expect(top + y).toBeGreaterThanOrEqual(total * ROW_HEIGHT)
        } else {
          const drawnTop = rows.topPx + (index - rows.first) * ROW_HEIGHT
          expect(y).toBeGreaterThanOrEqual(drawnTop - 1e-9)
          expect(y).toBeLessThan(drawnTop + ROW_HEIGHT)
        }
      })
    )
  })
})

describe('scrollScale', () => {
  it('is one until the log outgrows the browser’s height cap, then maps the ends onto each other', () => {
    expect(scrollScale(1000, 700)).toEqual({ realHeight: 20_000, scale: 1 })
    const { realHeight, scale } = scrollScale(2_000_000, 700)
    expect(realHeight).toBe(MAX_SCROLL_PX)
    // The last real scroll position shows the last row at the bottom.
    expect((realHeight - 700) * scale + 700).toBeCloseTo(2_000_000 * ROW_HEIGHT, 6)
  })
})

describe('columnEdges', () => {
  it('accumulates widths into left edges, then the right edge', () => {
    expect(columnEdges([64, 128, 28])).toEqual([0, 64, 192, 220])
    expect(columnEdges([])).toEqual([0])
  })
})

describe('text fitting', () => {
  it('cuts monospaced text to a character count, the ellipsis counted', () => {
    expect(fitMono('LONG_SPREAD', 11)).toBe('LONG_SPREAD')
    expect(fitMono('LONG_SPREAD', 6)).toBe(`LONG_${ELLIPSIS}`)
    expect(fitMono('abc', 1)).toBe(ELLIPSIS)
    expect(fitMono('abc', 0)).toBe('')
  })

  it('cuts proportional text to the longest prefix that fits with an ellipsis', () => {
    // One pixel per character, the ellipsis 2: the widest fitting string of 10 px is 8 characters + "…".
    const measure = (s: string): number => [...s].reduce((w, ch) => w + (ch === ELLIPSIS ? 2 : 1), 0)
    expect(fitText('short', 10, measure)).toBe('short')
    expect(fitText('abcdefghijklmnop', 10, measure)).toBe(`abcdefgh${ELLIPSIS}`)
    // Trailing spaces before the ellipsis are dropped, as a reader expects.
    expect(fitText('abc     defghijk', 8, measure)).toBe(`abc${ELLIPSIS}`)
    expect(fitText('abc', 1, measure)).toBe('')
    expect(fitText('abcdef', 2, measure)).toBe(ELLIPSIS)
  })

  it('never returns text wider than the room, and keeps the longest prefix (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 200 }), (text, maxPx) => {
        const measure = (s: string): number => [...s].reduce((w, ch) => w + (ch === ELLIPSIS ? 5 : 3 + (ch.charCodeAt(0) % 4)), 0)
        const fitted = fitText(text, maxPx, measure)
        if (fitted === text) {
          expect(text === '' || measure(text) <= maxPx).toBe(true)
        } else {
          expect(measure(fitted)).toBeLessThanOrEqual(maxPx)
          if (fitted !== '') {
            expect(fitted.endsWith(ELLIPSIS)).toBe(true)
            expect(text.startsWith(fitted.slice(0, -1))).toBe(true)
          }
        }
      })
    )
  })
})
