import { CsvValidationError, parseIsoDate, splitCsvLine, type CsvProblem } from '../../regime/csv'
import { MarketTerrainConfigSchema } from './config'
import { panelMarket } from './csv-market'
import { GROUPING_FEATURES } from './grouping-run'
import { triggerCounts } from './state-path'

// A user's multi-asset price file for the terrain (issue 17 §7): long `date,ticker,close` or wide
// `date,A,B,…`. No CSV package is installed (no csv-parse, no papaparse): the field splitter and
// ISO dates are the regime CSV's (src/main/regime/csv.ts); the rules here are the panel's —
// duplicates, gaps and non-positive prices are named by row, and nothing is filled in.

export interface PricePanel {
  dates: string[]
  tickers: string[]
  /** Closes, date-major: closes[t·n + i]. */
  closes: Float64Array
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function price(text: string, row: number, what: string, problems: CsvProblem[]): number | null {
  if (text === '') {
    problems.push({ row, message: `${what} is missing (a gap: the terrain needs every asset on every date)` })
    return null
  }
  const x = NUMBER.test(text) ? Number(text) : Number.NaN
  if (!Number.isFinite(x)) problems.push({ row, message: `${what} ${JSON.stringify(text)} is not a number` })
  else if (!(x > 0)) problems.push({ row, message: `${what} must be > 0 (got ${x})` })
  else return x
  return null
}

/** Parses and validates a long or wide panel; throws CsvValidationError naming each offending row. */
export function parsePriceCsvPanel(text: string): PricePanel {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.trim())
  const lower = header?.map((h) => h.toLowerCase())
  if (!header || lower?.[0] !== 'date' || header.length < 2) throw new CsvValidationError([{ row: 1, message: `the header must be "date,ticker,close" (long) or "date,A,B,…" (wide) (got ${JSON.stringify(lines[0] ?? '')})` }])
  const long = header.length === 3 && lower[1] === 'ticker' && lower[2] === 'close'
  const problems: CsvProblem[] = []
  const byDate = new Map<number, { date: string; row: number; values: Map<string, number> }>()
  const tickers: string[] = []
  if (!long) {
    const names = header.slice(1)
    names.forEach((name, k) => {
      if (name === '') problems.push({ row: 1, message: `column ${k + 2} has no ticker name` })
      else if (names.indexOf(name) !== k) problems.push({ row: 1, message: `ticker ${name} is named twice` })
    })
    tickers.push(...names)
  }
  const seenTicker = new Set(tickers)
  const firstRow = new Map<string, number>()
  for (let i = 1; i < lines.length; i++) {
    const row = i + 1
    if (lines[i]!.trim() === '') continue
    const fields = splitCsvLine(lines[i]!)?.map((f) => f.trim())
    if (!fields) {
      problems.push({ row, message: 'a quoted field is not closed' })
      continue
    }
    if (fields.length !== header.length) {
      problems.push({ row, message: `expected ${header.length} fields (${header.join(',')}), got ${fields.length}` })
      continue
    }
    const ms = parseIsoDate(fields[0]!)
    if (ms === null) {
      problems.push({ row, message: `date ${JSON.stringify(fields[0])} is not an ISO date (YYYY-MM-DD)` })
      continue
    }
    let entry = byDate.get(ms)
    if (long) {
      const ticker = fields[1]!
      if (ticker === '') {
        problems.push({ row, message: 'ticker is missing' })
        continue
      }
      const key = `${ms}|${ticker}`
      if (firstRow.has(key)) {
        problems.push({ row, message: `${ticker} on ${fields[0]} duplicates row ${firstRow.get(key)}` })
        continue
      }
      firstRow.set(key, row)
      if (!seenTicker.has(ticker)) {
        seenTicker.add(ticker)
        tickers.push(ticker)
      }
      const x = price(fields[2]!, row, `close of ${ticker}`, problems)
      if (!entry) byDate.set(ms, (entry = { date: fields[0]!, row, values: new Map() }))
      if (x !== null) entry.values.set(ticker, x)
    } else {
      if (entry) {
        problems.push({ row, message: `date ${fields[0]} duplicates row ${entry.row}` })
        continue
      }
      byDate.set(ms, (entry = { date: fields[0]!, row, values: new Map() }))
      tickers.forEach((ticker, k) => {
        const x = price(fields[k + 1]!, row, ticker, problems)
        if (x !== null) entry!.values.set(ticker, x)
      })
    }
  }
  if (problems.length === 0 && tickers.length < 2) problems.push({ row: 1, message: `the file holds ${tickers.length} asset${tickers.length === 1 ? '' : 's'}; a terrain needs at least two (it is made of pairs)` })
  const dates = [...byDate.keys()].sort((a, b) => a - b)
  if (problems.length === 0 && long) {
    // A gap in long format: a date on which some ticker has no row.
    for (const ms of dates) {
      const entry = byDate.get(ms)!
      const missing = tickers.filter((t) => !entry.values.has(t))
      if (missing.length > 0) problems.push({ row: entry.row, message: `${missing.join(', ')} ha${missing.length === 1 ? 's' : 've'} no close on ${entry.date} (a gap: the terrain needs every asset on every date)` })
    }
  }
  if (problems.length > 0) throw new CsvValidationError(problems)
  const n = tickers.length
  const closes = new Float64Array(dates.length * n)
  dates.forEach((ms, t) => tickers.forEach((ticker, i) => (closes[t * n + i] = byDate.get(ms)!.values.get(ticker)!)))
  return { dates: dates.map((ms) => byDate.get(ms)!.date), tickers, closes }
}

/**
 * The CLI's summary of a user's panel (`terrain --csv`): alerts, hardness, watersheds, the state
 * path and each grouping method's regimes, from the same pass the Terrain view reads (csv-market.ts).
 */
export function terrainOfPanel(panel: PricePanel, window: number) {
  const m = panelMarket(panel, window)
  const { n, bars, params, stateFrom: from, state: st, groupings } = m
  const num = (x: number) => (Number.isFinite(x) ? x : null)
  const regimeAt = (t: number) => (t < from || groupings.length === 0 ? null : Object.fromEntries(groupings.map((g) => [g.method, g.online[t - from]!])))
  const path: Array<Record<string, unknown> & { eigen_hardness: number | null; edge_hardness: number | null }> = []
  for (let t = 0; t < bars; t++) {
    if (Number.isNaN(m.absorption[t]!)) continue
    path.push({
      date: panel.dates[t + 1]!,
      eigen_hardness: num(m.eigenHardness[t]!),
      edge_hardness: num(m.edgeHardness[t]!),
      absorption: m.absorption[t]!,
      effective_rank: m.effectiveRank[t]!,
      fault_alerts: m.alertsActive[t]!,
      ...(t < from
        ? {}
        : {
            state: [st.state[2 * t]!, st.state[2 * t + 1]!],
            forecast: [st.forecast[2 * t]!, st.forecast[2 * t + 1]!],
            ellipse: Array.from(st.ellipse.subarray(5 * t, 5 * t + 5)),
            surprise: num(st.surprise[t]!),
            pressure: num(st.pressure[t]!),
            fragility: num(st.fragility[t]!),
            trailhead: st.trigger[t]!,
            one_way: num(m.oneWay[t]!),
            regime: regimeAt(t)
          })
    })
  }
  const defaults = MarketTerrainConfigSchema.parse({})
  const surprises = Array.from(st.surprise).filter(Number.isFinite)
  const mean = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null)
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null
  }
  const groups = (labels: Int32Array) => {
    const out = new Map<number, string[]>()
    for (let i = 0; i < n; i++) out.set(labels[i]!, [...(out.get(labels[i]!) ?? []), panel.tickers[i]!])
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, names]) => names)
  }
  return {
    assets: panel.tickers,
    dates: panel.dates.length,
    window: params.short_window,
    long_window: params.long_window,
    terrain: {
      fault_alerts: m.alertTotal,
      strongest_alerts: [...m.alertLog]
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.bar - b.bar)
        .slice(0, 10)
        .map((a) => ({ date: panel.dates[a.bar + 1]!, pair: [panel.tickers[a.i]!, panel.tickers[a.j]!], rho: a.rho, norm: a.norm, z: a.z })),
      mean_eigen_hardness: mean(path.map((p) => p.eigen_hardness)),
      mean_edge_hardness: mean(path.map((p) => p.edge_hardness)),
      clusters: groups(m.lastWard),
      precision_clusters: groups(m.lastPrecision)
    },
    state: {
      from_date: from < bars ? panel.dates[from + 1]! : null,
      mean_surprise: surprises.length > 0 ? surprises.reduce((a, b) => a + b, 0) / surprises.length : null,
      trailhead: { preset: defaults.state.trailhead_preset, ...triggerCounts(st.trigger) }
    },
    grouping: {
      features: GROUPING_FEATURES,
      // Regime 0 is the calmer (lower mean risk), 1 the riskier; path rows carry each method's causal label.
      ...(m.groupingSkipped === null ? {} : { skipped: m.groupingSkipped }),
      methods: groupings.map((g) => ({ method: g.method, switches: g.switches, online_switches: g.onlineSwitches, risky_share: g.labels.reduce((a, b) => a + b, 0) / g.labels.length, ...(g.lambda === undefined ? {} : { lambda: g.lambda }) }))
    },
    path
  }
}
