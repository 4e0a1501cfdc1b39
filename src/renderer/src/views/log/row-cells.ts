// One decision-log row as the cells it shows: text, tone and hover title per column. The canvas
// grid draws these and the accessible row layer renders them, so both say the same thing.
import { formatPercentCell, formatShort, formatSigned, formatValue, sourceClass } from './log-format'
import type { LogRow } from './step-pages'

/** The colour a cell's text takes: a theme variable's role. */
export type CellTone = 'text' | 'dim' | 'up' | 'down' | 'agent' | 'baseline' | 'override' | 'risk' | 'warn'

export interface Cell {
  text: string
  /** CSS classes after `cell` in the DOM row (num, dim, up, …); the canvas reads the fields below. */
  className: string
  numeric: boolean
  tone: CellTone
  title?: string
  strong?: boolean
  /** Drawn in the proportional font (the rationale). */
  sans?: boolean
  /** The regime chip's colour index. */
  chip?: number
}

const SOURCE_TONE: Record<string, CellTone> = { 'src-agent': 'agent', 'src-override': 'override', 'src-risk': 'risk', 'src-baseline': 'baseline' }
const signTone = (v: number): CellTone => (v > 0 ? 'up' : v < 0 ? 'down' : 'dim')

/** The cells of `row` in column order (columnsFor's order). */
export function rowCells(row: LogRow): Cell[] {
  const hit = row.events.length > 0
  const source = sourceClass(row.source)
  const cells: Cell[] = [
    { text: String(row.t), className: 'num', numeric: true, tone: 'text' },
    { text: row.regime, className: '', numeric: false, tone: 'text', chip: row.regimeCode },
    {
      text: Array.from(row.position, (p) => formatShort(p)).join(' / '),
      className: 'num',
      numeric: true,
      tone: 'text',
      title: Array.from(row.position, (p) => String(p)).join(' / ')
    },
    { text: formatShort(row.leverage), className: 'num', numeric: true, tone: 'text' },
    { text: formatValue(row.equity), className: 'num', numeric: true, tone: 'text' },
    { text: formatPercentCell(row.drawdown), className: 'num', numeric: true, tone: 'text' },
    { text: row.action, className: 'action', numeric: false, tone: 'text' },
    { text: row.source, className: source, numeric: false, tone: SOURCE_TONE[source] ?? 'baseline' },
    {
      text: hit ? (row.events.length > 1 ? `⚑${row.events.length}` : '⚑') : '',
      className: 'events',
      numeric: false,
      tone: hit ? 'warn' : 'text',
      title: row.events.map((e) => `${e.rule}: ${e.message}`).join('\n') || undefined
    },
    { text: formatValue(row.cost), className: 'num', numeric: true, tone: 'text', title: row.costs.map(([c, v]) => `${c}: ${formatValue(v)}`).join('\n') },
    ...row.costs.map(([, v]): Cell => ({ text: formatValue(v), className: 'num dim', numeric: true, tone: 'dim' })),
    ...row.pnl.map(([, v]): Cell => ({ text: formatSigned(v), className: `num ${signTone(v)}`, numeric: true, tone: signTone(v) })),
    { text: formatSigned(row.netPnl), className: `num strong ${row.netPnl > 0 ? 'up' : row.netPnl < 0 ? 'down' : ''}`.trimEnd(), numeric: true, tone: row.netPnl === 0 ? 'text' : signTone(row.netPnl), strong: true },
    { text: row.rationale, className: 'rationale', numeric: false, tone: 'text', sans: true, title: row.rationale }
  ]
  return cells
}

/** Rows as tab-separated values (header first), as a spreadsheet pastes them. */
export function rowsAsTsv(titles: readonly string[], rows: readonly Cell[][]): string {
  const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ')
  return [titles.map(clean).join('\t'), ...rows.map((cells) => cells.map((c) => clean(c.text)).join('\t'))].join('\n') + '\n'
}
