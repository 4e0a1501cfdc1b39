import { describe, expect, it } from 'vitest'
import type { StepsPage } from '../../../../shared/contract'
import { columnEdges, ELLIPSIS, visibleRows } from './grid-geometry'
import { GridPainter, type GridFrame, type GridTheme } from './grid-paint'
import { columnLayout, columnsFor } from './LogRows'
import { rowCells, rowsAsTsv, type Cell } from './row-cells'
import { PageStore } from './step-pages'

// The canvas grid against a recording 2D context: what text lands where, in which colour.
// Every character is 7 px wide in the monospaced fonts and 5 px in the proportional one.

interface Call {
  op: string
  args: number[]
  text?: string
  fill: string
  font: string
}

function recordingContext(): { ctx: CanvasRenderingContext2D; calls: Call[] } {
  const calls: Call[] = []
  const state = { fillStyle: '', strokeStyle: '', font: '', textAlign: 'left', textBaseline: 'alphabetic', lineWidth: 1 }
  const charPx = (): number => (state.font.includes('sans') ? 5 : 7)
  const ctx = {
    ...{},
    get fillStyle() {
      return state.fillStyle
    },
    set fillStyle(v: string) {
      state.fillStyle = v
    },
    get font() {
      return state.font
    },
    set font(v: string) {
      state.font = v
    },
    set strokeStyle(v: string) {
      state.strokeStyle = v
    },
    set textAlign(v: string) {
      state.textAlign = v
    },
    set textBaseline(v: string) {
      state.textBaseline = v
    },
    set lineWidth(v: number) {
      state.lineWidth = v
    },
    measureText: (s: string) => ({ width: [...s].length * charPx() }),
    fillRect: (...args: number[]) => calls.push({ op: 'fillRect', args, fill: state.fillStyle, font: state.font }),
    fillText: (text: string, ...args: number[]) => calls.push({ op: 'fillText', args, text, fill: state.fillStyle, font: state.font }),
    beginPath: () => undefined,
    roundRect: (...args: number[]) => calls.push({ op: 'roundRect', args, fill: state.strokeStyle, font: state.font }),
    stroke: () => undefined
  }
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls }
}

const theme: GridTheme = {
  panel: '#panel',
  hover: '#hover',
  selected: '#selected',
  grid: '#grid',
  accent: '#accent',
  tones: { text: '#text', dim: '#dim', up: '#up', down: '#down', agent: '#agent', baseline: '#baseline', override: '#override', risk: '#risk', warn: '#warn' },
  regimes: ['#calm', '#stress'],
  mono: 'mono',
  sans: 'sans'
}

const names = { legs: ['a', 'b'], actions: ['HOLD', 'BUY'], regimes: ['calm', 'stress'], sources: ['BASELINE', 'AGENT', 'OVERRIDE'], costComponents: ['fee'], pnlComponents: ['carry'] }

function store(n: number): PageStore {
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i))
  const page: StepsPage = {
    runId: 1,
    logged: true,
    steps: n,
    total: n,
    offset: 0,
    names,
    rows: {
      t: col((t) => t),
      regime: col((t) => t % 2),
      action: col((t) => t % 2),
      source: col((t) => t % 3),
      rationale: Array.from({ length: n }, (_, i) => (i === 1 ? 'a rationale far too long for the room the column leaves it on this narrow screen'.repeat(4) : `why ${i}`)),
      position: Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? -0.25 : 1.5)),
      cost: col(() => 0.001),
      costs: { fee: col(() => 0.001) },
      pnl: { carry: col((t) => (t % 2 ? -1 : 1)) },
      netPnl: col((t) => (t % 2 ? -1 : 1)),
      equity: col(() => 1000),
      drawdown: col(() => 0.01),
      leverage: col(() => 1.75)
    },
    events: [{ t: 2, rule: 'leverage_cap', message: 'scaled to 1' }]
  } as unknown as StepsPage
  const s = new PageStore()
  s.put(0, page)
  return s
}

function frame(rowsStore: PageStore, over: Partial<GridFrame> = {}): GridFrame {
  const columns = columnsFor(names)
  const layout = columnLayout(columns, 1400)
  return {
    width: 1400,
    height: 100,
    scrollLeft: 0,
    rows: visibleRows(0, 100, 3),
    edges: columnEdges(layout.widthsPx),
    centred: columns.findIndex((c) => c.id === 'events'),
    cellsOf: (i) => {
      const row = rowsStore.row(i)
      return row ? rowCells(row) : null
    },
    active: -1,
    selected: [-1, -1],
    hover: -1,
    ...over
  }
}

describe('GridPainter', () => {
  it('draws every cell of the visible rows, numbers right-aligned to their column’s padding', () => {
    const { ctx, calls } = recordingContext()
    new GridPainter(ctx, theme).paint(frame(store(3)))
    const texts = calls.filter((c) => c.op === 'fillText')
    // 3 rows × 14 columns (one cost and one P&L component), less rows 0 and 1's empty constraint marker.
    expect(texts.length).toBe(3 * 14 - 2)
    // t in the first column (64 px, 6 px padding): "0" ends at 58 px, at the middle of row 0.
    const t0 = texts.find((c) => c.text === '0' && c.args[1] === 10)!
    expect(t0.args[0]! + 7).toBe(58)
    // Row 2's source is OVERRIDE, in the override colour; its marker is centred in its 28 px column.
    expect(texts.find((c) => c.text === 'OVERRIDE')!.fill).toBe('#override')
    const marker = texts.find((c) => c.text === '⚑')!
    expect(marker.fill).toBe('#warn')
    const edges = frame(store(3)).edges
    const events = frame(store(3)).centred
    expect(marker.args[0]).toBe(edges[events]! + 6 + (28 - 12 - 7) / 2)
    expect(marker.args[1]).toBe(50)
    // P&L in its sign's colour, the net in the bold font.
    expect(texts.filter((c) => c.text === '-1.0000').map((c) => c.fill)).toEqual(['#down', '#down'])
    expect(texts.filter((c) => c.text === '+1.0000' && c.font.startsWith('600')).length).toBe(2)
  })

  it('cuts the rationale to its column with an ellipsis, in the proportional font', () => {
    const { ctx, calls } = recordingContext()
    const f = frame(store(3))
    new GridPainter(ctx, theme).paint(f)
    const rationale = calls.find((c) => c.op === 'fillText' && c.font.includes('sans') && c.args[1] === 30)!
    const room = f.edges.at(-1)! - f.edges.at(-2)! - 12
    expect(rationale.text!.endsWith(ELLIPSIS)).toBe(true)
    expect([...rationale.text!].length * 5).toBeLessThanOrEqual(room)
    expect([...rationale.text!].length * 5).toBeGreaterThan(room - 10)
  })

  it('marks the selected and hovered rows, and draws bars for a row still loading', () => {
    const { ctx, calls } = recordingContext()
    const s = store(3)
    // Rows 0..4 on screen; rows 3 and 4 have no page.
    new GridPainter(ctx, theme).paint(frame(s, { rows: visibleRows(0, 100, 5), active: 1, selected: [1, 1], hover: 2 }))
    const rects = calls.filter((c) => c.op === 'fillRect')
    expect(rects.find((c) => c.fill === '#selected')!.args.slice(0, 2)).toEqual([0, 20])
    expect(rects.find((c) => c.fill === '#accent')!.args).toEqual([0, 20, 2, 20])
    expect(rects.find((c) => c.fill === '#hover')!.args.slice(0, 2)).toEqual([0, 40])
    // Loading bars (64 × 6 px) only in rows 3 and 4, and no text there.
    const bars = rects.filter((c) => c.args[2] === 64 && c.args[3] === 6)
    expect(new Set(bars.map((c) => c.args[1]))).toEqual(new Set([67, 87]))
    expect(calls.filter((c) => c.op === 'fillText' && c.args[1]! > 60).length).toBe(0)
  })

  it('paints a Shift selection as one band, the accent edge on the active row only', () => {
    const { ctx, calls } = recordingContext()
    new GridPainter(ctx, theme).paint(frame(store(3), { rows: visibleRows(0, 100, 5), active: 3, selected: [1, 3] }))
    const rects = calls.filter((c) => c.op === 'fillRect')
    expect(rects.filter((c) => c.fill === '#selected').map((c) => c.args[1])).toEqual([20, 40, 60])
    expect(rects.filter((c) => c.fill === '#accent').map((c) => c.args[1])).toEqual([60])
  })

  it('follows the horizontal scroll and skips columns out of view', () => {
    const { ctx, calls } = recordingContext()
    const f = frame(store(3), { width: 300, scrollLeft: 64 })
    new GridPainter(ctx, theme).paint(f)
    const texts = calls.filter((c) => c.op === 'fillText')
    // The t column is scrolled out: no step numbers; the regime chip starts at the left edge.
    expect(texts.some((c) => c.text === 'calm' && c.args[0] === 6 + 7)).toBe(true)
    expect(texts.every((c) => c.args[0]! < 300)).toBe(true)
    expect(texts.some((c) => c.text === 'why 0')).toBe(false)
  })
})

describe('rowsAsTsv', () => {
  it('writes a header and one line per row, tabs and newlines in text flattened', () => {
    const cells = (texts: string[]): Cell[] => texts.map((text) => ({ text, className: '', numeric: false, tone: 'text' }))
    expect(rowsAsTsv(['t', 'rationale'], [cells(['1', 'a\tb']), cells(['2', 'c\nd'])])).toBe('t\trationale\n1\ta b\n2\tc d\n')
  })
})
