// Draws the decision log's visible rows into one canvas. The DOM grid cost a slow machine a
// frame or two per scroll step (style, layout, layerize and paint of ~50 rows × 16 cells);
// here a frame is one pass of fillText over what is on screen, grouped by font so the
// context's state changes little. Colours come from the theme's CSS variables.
import { cssVar } from '../../charts/theme'
import { CELL_PAD, fitMono, fitText, ROW_HEIGHT, type VisibleRows } from './grid-geometry'
import { REGIME_COLOURS } from './log-format'
import type { Cell, CellTone } from './row-cells'

export interface GridTheme {
  panel: string
  hover: string
  selected: string
  grid: string
  accent: string
  tones: Record<CellTone, string>
  regimes: string[]
  mono: string
  sans: string
}

/** The theme's colours and fonts, read now from the CSS variables (again when the theme switches). */
export function readGridTheme(): GridTheme {
  const resolve = (colour: string): string => (colour.startsWith('var(') ? cssVar(colour.slice(4, -1)) : colour)
  const text = cssVar('--text')
  const muted = cssVar('--muted')
  const accent = cssVar('--accent')
  const warn = cssVar('--warn')
  const bad = cssVar('--bad')
  return {
    panel: cssVar('--panel'),
    hover: cssVar('--panel-2'),
    selected: cssVar('--selected'),
    grid: cssVar('--grid'),
    accent,
    tones: { text, dim: muted, up: cssVar('--ok'), down: bad, agent: accent, baseline: muted, override: warn, risk: bad, warn },
    regimes: REGIME_COLOURS.map(resolve),
    mono: cssVar('--mono'),
    sans: cssVar('--sans')
  }
}

export interface GridFrame {
  /** The canvas's size in CSS pixels. */
  width: number
  height: number
  scrollLeft: number
  rows: VisibleRows
  /** Column edges in content pixels (columnEdges). */
  edges: readonly number[]
  /** The column whose text is centred (the constraint marker). */
  centred: number
  /** A row's cells, or null while its page is on its way. */
  cellsOf(index: number): Cell[] | null
  /** The row with the keyboard's focus (an accent edge), and the selected rows, first to last. */
  active: number
  selected: readonly [number, number]
  hover: number
}

const MAX_FIT_CACHE = 4000

/** Paints frames of the grid into one 2D context; keeps what it measured between frames. */
export class GridPainter {
  private fonts = { mono: '', strong: '', chip: '', sans: '' }
  private charPx = { mono: 7, strong: 7, chip: 6 }
  private readonly fitCache = new Map<string, string>()

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private theme: GridTheme
  ) {
    this.setTheme(theme)
  }

  /** New colours or fonts: the monospaced advance is measured once per font, here. */
  setTheme(theme: GridTheme): void {
    this.theme = theme
    this.fonts = { mono: `11px ${theme.mono}`, strong: `600 11px ${theme.mono}`, chip: `10px ${theme.mono}`, sans: `11px ${theme.sans}` }
    const ctx = this.ctx
    const advance = (font: string): number => {
      ctx.font = font
      return ctx.measureText('0000000000').width / 10
    }
    this.charPx = { mono: advance(this.fonts.mono), strong: advance(this.fonts.strong), chip: advance(this.fonts.chip) }
    this.fitCache.clear()
  }

  paint(frame: GridFrame): void {
    const { ctx, theme } = this
    const { width, height, rows, edges, scrollLeft } = frame
    ctx.fillStyle = theme.panel
    ctx.fillRect(0, 0, width, height)
    if (rows.last < rows.first) return
    const count = rows.last - rows.first + 1
    const cells: Array<Cell[] | null> = new Array<Cell[] | null>(count)
    for (let k = 0; k < count; k++) cells[k] = frame.cellsOf(rows.first + k)
    const rowWidth = edges[edges.length - 1]! - scrollLeft

    // Backgrounds, the selection's accent edge, each row's bottom rule, and the bars of rows still loading.
    for (let k = 0; k < count; k++) {
      const index = rows.first + k
      const top = rows.topPx + k * ROW_HEIGHT
      const selected = index >= frame.selected[0] && index <= frame.selected[1]
      if (selected || index === frame.hover) {
        ctx.fillStyle = selected ? theme.selected : theme.hover
        ctx.fillRect(0, top, Math.min(width, rowWidth), ROW_HEIGHT)
      }
      if (index === frame.active) {
        ctx.fillStyle = theme.accent
        ctx.fillRect(0 - scrollLeft, top, 2, ROW_HEIGHT)
      }
      ctx.fillStyle = theme.grid
      ctx.fillRect(0, top + ROW_HEIGHT - 1, Math.min(width, rowWidth), 1)
      if (cells[k] === null) for (let x = 6 - (scrollLeft % 84); x < Math.min(width, rowWidth); x += 84) ctx.fillRect(x, top + 7, 64, 6)
    }

    // Columns on screen, then one pass of text per font.
    const firstColumn = Math.max(0, edges.findIndex((e, c) => c + 1 < edges.length && edges[c + 1]! - scrollLeft > 0))
    let lastColumn = firstColumn
    while (lastColumn + 1 < edges.length - 1 && edges[lastColumn + 1]! - scrollLeft < width) lastColumn++
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    this.monoPass(frame, cells, firstColumn, lastColumn, 'mono', (c) => !c.sans && !c.strong && c.chip === undefined)
    this.monoPass(frame, cells, firstColumn, lastColumn, 'strong', (c) => c.strong === true)
    this.chipPass(frame, cells, firstColumn, lastColumn)
    this.sansPass(frame, cells, firstColumn, lastColumn)
  }

  private setTone(colour: string): void {
    if (this.ctx.fillStyle !== colour) this.ctx.fillStyle = colour
  }

  private monoPass(frame: GridFrame, cells: Array<Cell[] | null>, from: number, to: number, font: 'mono' | 'strong', take: (c: Cell) => boolean): void {
    const { ctx, theme } = this
    const charPx = this.charPx[font]
    ctx.font = this.fonts[font]
    for (let col = from; col <= to; col++) {
      const left = frame.edges[col]! - frame.scrollLeft + CELL_PAD
      const inner = frame.edges[col + 1]! - frame.edges[col]! - 2 * CELL_PAD
      const maxChars = Math.floor(inner / charPx + 1e-6)
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[k]?.[col]
        if (!cell || cell.text === '' || !take(cell)) continue
        const text = fitMono(cell.text, maxChars)
        const textPx = text.length * charPx
        const x = cell.numeric ? left + inner - textPx : frame.centred === col ? left + (inner - textPx) / 2 : left
        this.setTone(theme.tones[cell.tone])
        ctx.fillText(text, x, frame.rows.topPx + k * ROW_HEIGHT + ROW_HEIGHT / 2)
      }
    }
  }

  /** The regime: its name in a rounded outline of the regime's colour. */
  private chipPass(frame: GridFrame, cells: Array<Cell[] | null>, from: number, to: number): void {
    const { ctx, theme } = this
    ctx.font = this.fonts.chip
    ctx.lineWidth = 1
    for (let col = from; col <= to; col++) {
      const left = frame.edges[col]! - frame.scrollLeft + CELL_PAD
      const inner = frame.edges[col + 1]! - frame.edges[col]! - 2 * CELL_PAD
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[k]?.[col]
        if (!cell || cell.chip === undefined) continue
        const colour = theme.regimes[cell.chip % theme.regimes.length]!
        const text = fitMono(cell.text, Math.floor((inner - 14) / this.charPx.chip + 1e-6))
        const w = Math.min(inner, Math.round(text.length * this.charPx.chip) + 14)
        const top = frame.rows.topPx + k * ROW_HEIGHT
        ctx.strokeStyle = colour
        ctx.beginPath()
        ctx.roundRect(Math.round(left) + 0.5, top + 2.5, w - 1, 15, 7.5)
        ctx.stroke()
        this.setTone(colour)
        ctx.fillText(text, left + 7, top + ROW_HEIGHT / 2)
      }
    }
  }

  /** The rationale, in the proportional font: cut by measurement, cached per text and width. */
  private sansPass(frame: GridFrame, cells: Array<Cell[] | null>, from: number, to: number): void {
    const { ctx, theme } = this
    ctx.font = this.fonts.sans
    const measure = (s: string): number => ctx.measureText(s).width
    for (let col = from; col <= to; col++) {
      const left = frame.edges[col]! - frame.scrollLeft + CELL_PAD
      const inner = frame.edges[col + 1]! - frame.edges[col]! - 2 * CELL_PAD
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[k]?.[col]
        if (!cell || !cell.sans || cell.text === '') continue
        const key = `${inner}\u0000${cell.text}`
        let text = this.fitCache.get(key)
        if (text === undefined) {
          if (this.fitCache.size >= MAX_FIT_CACHE) this.fitCache.clear()
          text = fitText(cell.text, inner, measure)
          this.fitCache.set(key, text)
        }
        this.setTone(theme.tones[cell.tone])
        ctx.fillText(text, left, frame.rows.topPx + k * ROW_HEIGHT + ROW_HEIGHT / 2)
      }
    }
  }
}
