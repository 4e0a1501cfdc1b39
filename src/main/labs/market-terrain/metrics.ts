import type { LabReport, LabRun } from '../../engine/kernel'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'

// The run's metrics (spec §1.3 evaluation, §3.3 KPIs) and its terrain block (issue 17 §9: fault
// alerts, mean hardness, clusters), from the run's columns and the market the run read.

const mean = (xs: ArrayLike<number>, from = 0, to = xs.length): number | null => {
  let s = 0
  let k = 0
  for (let i = from; i < to; i++) {
    const x = xs[i]!
    if (Number.isFinite(x)) {
      s += x
      k++
    }
  }
  return k > 0 ? s / k : null
}

/** The watersheds at bar t as lists of asset labels, in leaf order. */
function watersheds(m: TerrainMarket, labels: Int16Array, t: number): string[][] {
  const groups = new Map<number, string[]>()
  for (let i = 0; i < m.n; i++) {
    const g = labels[t * m.n + i]!
    if (!groups.has(g)) groups.set(g, [])
    groups.get(g)!.push(m.universe.assets.labels[i]!)
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, names]) => names)
}

/** The terrain block of the CLI's JSON and the memo: alerts, hardness, watersheds at the last bar. */
export function terrainBlock(m: TerrainMarket, lastBar: number) {
  const labels = m.universe.assets.labels
  const strongest = [...m.alertLog].sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.bar - b.bar).slice(0, 10)
  return {
    fault_alerts: m.alertTotal,
    strongest_alerts: strongest.map((a) => ({ bar: a.bar, pair: [labels[a.i]!, labels[a.j]!], rho: a.rho, norm: a.norm, z: a.z })),
    mean_eigen_hardness: mean(m.eigenHardness, 0, lastBar + 1),
    mean_edge_hardness: mean(m.edgeHardness, 0, lastBar + 1),
    mean_absorption: mean(m.absorption, 0, lastBar + 1),
    mean_effective_rank: mean(m.effectiveRank, 0, lastBar + 1),
    clusters: watersheds(m, m.ward, lastBar),
    precision_clusters: watersheds(m, m.precision, lastBar)
  }
}

export function marketTerrainReport(run: LabRun<TerrainMarket>, config: MarketTerrainConfig): LabReport {
  const n = run.steps
  const m = run.market
  const eq = run.columns.equity.subarray(0, n)
  const rets = new Float64Array(Math.max(n - 1, 0))
  for (let i = 1; i < n; i++) rets[i - 1] = eq[i]! / eq[i - 1]! - 1
  const mu = mean(rets) ?? 0
  let v = 0
  for (const r of rets) v += (r - mu) ** 2
  const sd = rets.length > 1 ? Math.sqrt(v / (rets.length - 1)) : 0
  const year = config.universe.bars_per_year
  let maxDd = 0
  for (let i = 0; i < n; i++) maxDd = Math.max(maxDd, run.columns.drawdown[i]!)
  let turnover = 0
  const legs = run.legs.length
  for (let k = 0; k < n * legs; k++) turnover += Math.abs(run.columns.trade[k]!)
  // State accuracy against the simulator's true regimes, over the bars the estimate was read.
  let hits = 0
  let read = 0
  const from = Math.max(config.terrain.short_window - 1, config.strategy.vol_long_bars)
  for (let t = from; t < n; t++) {
    read++
    if (m.run.estimate[t] === m.universe.regime[t]) hits++
  }
  // Surprise (spec §1.3, §7.7): squared error of the random-walk forecast risk_t against the risk
  // reading surprise_lag bars later — with no lag it scores the state against itself: 0.
  const lag = config.corrections.surprise_lag
  let surprise = 0
  let scored = 0
  for (let t = from; t + lag < n; t++) {
    surprise += (m.risk[t + lag]! - m.risk[t]!) ** 2
    scored++
  }
  const terrain = terrainBlock(m, Math.max(0, n - 1))
  return {
    metrics: {
      final_equity: n > 0 ? eq[n - 1]! : null,
      total_return: n > 0 ? eq[n - 1]! / run.initialEquity - 1 : null,
      max_drawdown: maxDd,
      ann_return: mu * year,
      ann_vol: sd * Math.sqrt(year),
      sharpe: sd > 0 ? (mu / sd) * Math.sqrt(year) : null,
      avg_turnover: n > 0 ? turnover / n : 0,
      cum_costs: run.columns.cost.subarray(0, n).reduce((a, b) => a + b, 0),
      state_accuracy: read > 0 ? hits / read : null,
      kill_switch_trips: m.run.killTrips,
      surprise: scored > 0 ? surprise / scored : null,
      fault_alerts: terrain.fault_alerts,
      mean_eigen_hardness: terrain.mean_eigen_hardness,
      mean_edge_hardness: terrain.mean_edge_hardness
    },
    telemetry: { terrain, assets: m.universe.assets.labels, regime_names: ['risk_on', 'risk_off'] }
  }
}
