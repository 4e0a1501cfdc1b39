import { formatFact } from '../../shared/contract/memo-sections'
import type { LabResults } from '../../shared/contract'
import type { MemoFacts } from '../../shared/contract/memo'

// The book's four diagnostics (equity with the regime plot, cumulative cost, action counts) plus
// drawdown and leverage, as inline SVG drawn from the stored series: no script, no ids, no clock,
// coordinates rounded to 0.1 px, so the same series give the same bytes.

export interface MemoChart {
  title: string
  svg: string
}

const WIDTH = 720
const HEIGHT = 170
const PAD = { left: 64, right: 12, top: 22, bottom: 24 }
const RIBBON = 8
/** Print-friendly, distinguishable on white. */
const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bc4c00', '#0a7ea4', '#9a6700', '#57606a']

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

const px = (x: number): string => (Math.round(x * 10) / 10).toFixed(1)

/** Min and max of each pixel column, in the order they occur, so spikes survive decimation. */
export function decimate(values: ArrayLike<number>, columns: number): Array<[number, number]> {
  const n = values.length
  const points: Array<[number, number]> = []
  if (n === 0) return points
  if (n <= columns * 2) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) points.push([i, values[i]!])
    return points
  }
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns)
    const to = Math.floor(((c + 1) * n) / columns)
    let lo = -1
    let hi = -1
    for (let i = from; i < to; i++) {
      const v = values[i]!
      if (!Number.isFinite(v)) continue
      if (lo < 0 || v < values[lo]!) lo = i
      if (hi < 0 || v > values[hi]!) hi = i
    }
    if (lo < 0) continue
    if (lo === hi) points.push([lo, values[lo]!])
    else if (lo < hi) points.push([lo, values[lo]!], [hi, values[hi]!])
    else points.push([hi, values[hi]!], [lo, values[lo]!])
  }
  return points
}

function range(series: ReadonlyArray<ArrayLike<number>>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!
      if (!Number.isFinite(v)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  if (!Number.isFinite(lo)) return [0, 1]
  if (lo === hi) return [lo - 1, hi + 1]
  return [lo, hi]
}

function frame(title: string, lo: number, hi: number, steps: number, bottomExtra = 0): string {
  const plotBottom = HEIGHT - PAD.bottom - bottomExtra
  return [
    `<rect x="${PAD.left}" y="${PAD.top}" width="${WIDTH - PAD.left - PAD.right}" height="${plotBottom - PAD.top}" fill="#ffffff" stroke="#d0d7de"/>`,
    `<text x="${PAD.left}" y="14" font-size="11" font-weight="600" fill="#1f2328">${escapeXml(title)}</text>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + 9}" font-size="9" text-anchor="end" fill="#57606a">${escapeXml(formatFact(hi))}</text>`,
    `<text x="${PAD.left - 4}" y="${plotBottom}" font-size="9" text-anchor="end" fill="#57606a">${escapeXml(formatFact(lo))}</text>`,
    `<text x="${PAD.left}" y="${HEIGHT - 6}" font-size="9" fill="#57606a">step 0</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 6}" font-size="9" text-anchor="end" fill="#57606a">step ${escapeXml(formatFact(Math.max(0, steps - 1)))}</text>`
  ].join('')
}

/** A series of a run's conflated chart series: values at steps `t` of a run of `steps` steps. */
interface Line {
  t: ArrayLike<number>
  steps: number
}

function polyline(line: Line, values: ArrayLike<number>, lo: number, hi: number, colour: string, bottomExtra = 0): string {
  const plotW = WIDTH - PAD.left - PAD.right
  const plotBottom = HEIGHT - PAD.bottom - bottomExtra
  const plotH = plotBottom - PAD.top
  const last = Math.max(1, line.steps - 1)
  const pts = decimate(values, plotW).map(([i, v]) => `${px(PAD.left + (line.t[i]! / last) * plotW)},${px(plotBottom - ((v - lo) / (hi - lo)) * plotH)}`)
  return pts.length ? `<polyline fill="none" stroke="${colour}" stroke-width="1.2" points="${pts.join(' ')}"/>` : ''
}

function legend(names: readonly string[], colourOffset = 0, y = PAD.top - 8): string {
  let x = WIDTH - PAD.right
  const parts: string[] = []
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i]!
    const w = name.length * 5.6 + 18
    x -= w
    parts.push(`<rect x="${px(x)}" y="${y - 7}" width="10" height="3" fill="${PALETTE[(i + colourOffset) % PALETTE.length]}"/><text x="${px(x + 13)}" y="${y - 3}" font-size="9" fill="#1f2328">${escapeXml(name)}</text>`)
  }
  return parts.reverse().join('')
}

function svg(label: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(label)}" font-family="Helvetica, Arial, sans-serif">${body}</svg>`
}

/** The regime ribbon: one rectangle per run of equal regime codes, from its first slot's step to the next run's. */
function regimeRibbon(line: Line, regime: ArrayLike<number>): string {
  const n = regime.length
  if (n === 0 || line.steps === 0) return ''
  const plotW = WIDTH - PAD.left - PAD.right
  const y = HEIGHT - PAD.bottom - RIBBON
  const parts: string[] = []
  let start = 0
  for (let i = 1; i <= n; i++) {
    if (i < n && regime[i] === regime[start]) continue
    const x0 = PAD.left + (line.t[start]! / line.steps) * plotW
    const x1 = PAD.left + ((i < n ? line.t[i]! : line.steps) / line.steps) * plotW
    const code = regime[start]!
    parts.push(`<rect x="${px(x0)}" y="${y}" width="${px(Math.max(0.1, x1 - x0))}" height="${RIBBON}" fill="${PALETTE[(code + 2) % PALETTE.length]}"/>`)
    start = i
  }
  return parts.join('')
}

export function memoCharts(results: LabResults, facts: MemoFacts): MemoChart[] {
  const s = results.series
  const column = (name: string): Float64Array => s.columns[name] ?? new Float64Array(s.t.length)
  const steps = results.steps
  const line: Line = { t: s.t, steps }
  const charts: MemoChart[] = []

  {
    const equity = column('equity')
    const [lo, hi] = range([equity])
    const ribbonExtra = RIBBON + 4
    const ribbon = regimeRibbon(line, column('regime')) + legend(results.regimeNames, 2)
    const body = frame('Equity, with the regime of each step below', lo, hi, steps, ribbonExtra) + polyline(line, equity, lo, hi, PALETTE[0]!, ribbonExtra) + ribbon
    charts.push({ title: 'Equity and regimes', svg: svg('Equity curve with the regime plot', body) })
  }
  {
    const drawdown = column('drawdown')
    const [lo, hi] = range([drawdown])
    charts.push({ title: 'Drawdown', svg: svg('Drawdown from the running peak', frame('Drawdown from the running peak', Math.min(0, lo), hi, steps) + polyline(line, drawdown, Math.min(0, lo), hi, PALETTE[1]!)) })
  }
  {
    const names = results.costComponents
    const series = names.map((n) => column(`cost:${n}`))
    const [lo, hi] = range([column('cumulativeCost'), ...series])
    const body = frame('Cumulative cost by component', Math.min(0, lo), hi, steps) + series.map((v, i) => polyline(line, v, Math.min(0, lo), hi, PALETTE[i % PALETTE.length]!)).join('') + legend(names)
    charts.push({ title: 'Cumulative cost', svg: svg('Cumulative cost by component', body) })
  }
  {
    const leverage = column('leverage')
    const [lo, hi] = range([leverage])
    charts.push({ title: 'Leverage', svg: svg('Gross leverage', frame('Gross leverage', Math.min(0, lo), hi, steps) + polyline(line, leverage, Math.min(0, lo), hi, PALETTE[3]!)) })
  }
  {
    // Action counts, each bar split by regime.
    const rowH = 16
    const height = PAD.top + facts.actions.length * (rowH + 4) + 30
    const max = Math.max(1, ...facts.actions.map((a) => facts.actionsByRegime.reduce((sum, r) => sum + (r.counts[a] ?? 0), 0)))
    const labelW = 150
    const barW = WIDTH - PAD.right - labelW - 50
    const parts: string[] = [`<text x="${PAD.left}" y="14" font-size="11" font-weight="600" fill="#1f2328">Action counts by regime</text>`]
    facts.actions.forEach((action, row) => {
      const y = PAD.top + row * (rowH + 4)
      let x = labelW
      let total = 0
      parts.push(`<text x="${labelW - 6}" y="${y + 11}" font-size="10" text-anchor="end" fill="#1f2328">${escapeXml(action)}</text>`)
      facts.actionsByRegime.forEach((r, i) => {
        const n = r.counts[action] ?? 0
        total += n
        if (n === 0) return
        const w = (n / max) * barW
        parts.push(`<rect x="${px(x)}" y="${y}" width="${px(w)}" height="${rowH}" fill="${PALETTE[(i + 2) % PALETTE.length]}"/>`)
        x += w
      })
      parts.push(`<text x="${px(x + 4)}" y="${y + 11}" font-size="10" fill="#57606a">${escapeXml(formatFact(total))}</text>`)
    })
    let x = labelW
    facts.actionsByRegime.forEach((r, i) => {
      parts.push(`<rect x="${px(x)}" y="${height - 14}" width="8" height="8" fill="${PALETTE[(i + 2) % PALETTE.length]}"/><text x="${px(x + 11)}" y="${height - 7}" font-size="9" fill="#1f2328">${escapeXml(r.regime)}</text>`)
      x += r.regime.length * 5.6 + 24
    })
    charts.push({
      title: 'Action counts',
      svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Action counts by regime" font-family="Helvetica, Arial, sans-serif">${parts.join('')}</svg>`
    })
  }
  return charts
}
