import { CsvValidationError, parseIsoDate, splitCsvLine, type CsvProblem } from '../../regime/csv'
import { MarketTerrainConfigSchema } from './config'
import { FlowTracker } from './flow-path'
import { GROUPING_FEATURES, groupingUnsupervised } from './grouping-run'
import { equalWeightIndex, stateFeatures } from './state-features'
import { statePath, trailheadComponents, triggerCounts } from './state-path'
import { TerrainParams } from './terrain/params'
import { TerrainScanner } from './terrain/scanner'

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

/** Fewest readable bars the regime grouping is fitted on (two regimes need some of each). */
export const MIN_GROUPING_BARS = 40

/**
 * The terrain of a user's panel with a short window of `window` bars (long window 4×, capped by the
 * series), cut into at most min(6, ⌈n/2⌉) watersheds so a small file still has groups to show.
 */
export function terrainOfPanel(panel: PricePanel, window: number) {
  const n = panel.tickers.length
  const bars = panel.dates.length - 1
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`--window must be a whole number ≥ 3 (got ${window})`)
  if (window >= bars) throw new RangeError(`--window ${window} is longer than the series: ${panel.dates.length} dates give ${bars} returns, and a terrain needs more returns than the window`)
  const params = TerrainParams.parse({ short_window: window, long_window: Math.min(4 * window, bars), fault_min_history: Math.min(window, bars), hardness_min_history: Math.min(window, bars), precision_every: window, watersheds: Math.min(6, Math.ceil(n / 2)) })
  const returns = new Float64Array(bars * n)
  for (let t = 0; t < bars; t++) for (let i = 0; i < n; i++) returns[t * n + i] = Math.log(panel.closes[(t + 1) * n + i]! / panel.closes[t * n + i]!)
  const scanner = new TerrainScanner(n, params)
  // The lab's state and flow settings at their defaults (the corrected Surprise lag: scored on the next bar).
  const defaults = MarketTerrainConfigSchema.parse({})
  const flow = new FlowTracker(n, bars, { every: defaults.state.flow_every, gamma: defaults.state.flow_gamma, horizon: defaults.state.flow_horizon_bars })
  const terrainPath: Array<{ t: number; date: string; eigen_hardness: number | null; edge_hardness: number | null; absorption: number; effective_rank: number; fault_alerts: number }> = []
  const absorption = new Float64Array(bars).fill(Number.NaN)
  const meanCorrelation = new Float64Array(bars).fill(Number.NaN)
  const alertShare = new Float64Array(bars).fill(Number.NaN)
  const meanVol = new Float64Array(bars).fill(Number.NaN)
  let r = scanner.reading
  const num = (x: number) => (Number.isFinite(x) ? x : null)
  for (let t = 0; t < bars; t++) {
    r = scanner.step(returns, t * n)
    flow.step(t, r.ready, r.correlation, r.nodeHardness, r.volatility, returns)
    if (!r.ready) continue
    absorption[t] = r.absorption
    meanCorrelation[t] = r.meanCorrelation
    alertShare[t] = r.alertsActive / ((n * (n - 1)) / 2)
    meanVol[t] = r.volatility.reduce((a, b) => a + b, 0) / n
    terrainPath.push({ t, date: panel.dates[t + 1]!, eigen_hardness: num(r.eigenHardness), edge_hardness: num(r.edgeHardness), absorption: r.absorption, effective_rank: r.effectiveRank, fault_alerts: r.alertsActive })
  }
  // The state on the equal-weight index of every asset (a file has no asset classes).
  const s = defaults.strategy
  const features = stateFeatures(equalWeightIndex(returns, n, bars, []), absorption, s)
  const from = Math.max(params.short_window - 1, s.vol_long_bars, s.momentum_bars)
  const observations = new Float64Array(bars * 2).fill(Number.NaN)
  for (let t = from; t < bars; t++) observations.set([features.risk[t]!, features.momentum[t]!], 2 * t)
  const nanBefore = (x: Float64Array) => x.map((v, t) => (t < from ? Number.NaN : v))
  const components = trailheadComponents({ termRatio: nanBefore(features.termRatio), momentum: nanBefore(features.momentum), absorption, alertShare, volOfVol: nanBefore(features.fragility), meanVol })
  const st = statePath(observations, components, flow.series.oneWay, { phi: defaults.state.kalman_phi, obsNoise: defaults.state.kalman_obs_noise, trailheadPreset: defaults.state.trailhead_preset, trailheadWindow: defaults.state.trailhead_window, surpriseLag: 1 })
  const groupings = bars - from >= MIN_GROUPING_BARS ? groupingUnsupervised({ ...features, meanCorrelation }, from, bars, defaults.grouping.kmeans_restarts) : []
  const regimeAt = (t: number) => (t < from || groupings.length === 0 ? null : Object.fromEntries(groupings.map((g) => [g.method, g.online[t - from]!])))
  const path = terrainPath.map(({ t, ...row }) => ({
    ...row,
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
          one_way: num(flow.series.oneWay[t]!),
          regime: regimeAt(t)
        })
  }))
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
      fault_alerts: scanner.alertTotal,
      strongest_alerts: [...scanner.alertLog]
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.bar - b.bar)
        .slice(0, 10)
        .map((a) => ({ date: panel.dates[a.bar + 1]!, pair: [panel.tickers[a.i]!, panel.tickers[a.j]!], rho: a.rho, norm: a.norm, z: a.z })),
      mean_eigen_hardness: mean(path.map((p) => p.eigen_hardness)),
      mean_edge_hardness: mean(path.map((p) => p.edge_hardness)),
      clusters: groups(r.cluster),
      precision_clusters: groups(r.precisionCluster)
    },
    state: {
      from_date: from < bars ? panel.dates[from + 1]! : null,
      mean_surprise: surprises.length > 0 ? surprises.reduce((a, b) => a + b, 0) / surprises.length : null,
      trailhead: { preset: defaults.state.trailhead_preset, ...triggerCounts(st.trigger) }
    },
    grouping: {
      features: GROUPING_FEATURES,
      // Regime 0 is the calmer (lower mean risk), 1 the riskier; path rows carry each method's causal label.
      ...(groupings.length === 0 ? { skipped: `${Math.max(0, bars - from)} readable bars; the grouping needs ${MIN_GROUPING_BARS}` } : {}),
      methods: groupings.map((g) => ({ method: g.method, switches: g.switches, online_switches: g.onlineSwitches, risky_share: g.labels.reduce((a, b) => a + b, 0) / g.labels.length, ...(g.lambda === undefined ? {} : { lambda: g.lambda }) }))
    },
    path
  }
}
