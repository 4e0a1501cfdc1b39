import type { LabReport, LabRun } from '../../engine/kernel'
import type { MarketTerrainConfig } from './config'
import { finiteMean, flowCapture, meanSurprise, windowStats } from './evaluation'
import { groupingAgainstTruth, groupingFeatures, groupingOnHeldOutSeeds } from './grouping-run'
import { seedGroupingSeries } from './grouping-seeds'
import type { TerrainMarket } from './market'
import { PROXIES, triggerCounts } from './state-path'
import { RISK_Z_GRID } from './walk-forward'

// The run's metrics (spec §1.3 evaluation, §3.3 KPIs: Surprise and Flow Capture, evaluation.ts)
// and its blocks (issue 17 §9): terrain (fault alerts, mean hardness, clusters, the trailhead),
// grouping (jump model, K-means, HMM against the true regimes, grouping-run.ts) and walk_forward
// (the anchored folds of the state boundary, walk-forward.ts), from the run's columns and the
// market the run read.

const mean = finiteMean

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
  const from = m.stateFrom
  for (let t = from; t < n; t++) {
    read++
    if (m.run.estimate[t] === m.universe.regime[t]) hits++
  }
  const capture = flowCapture(eq, m.universe.returns, m.flow.net, m.n, from, n, year)
  const terrain = { ...terrainBlock(m, Math.max(0, n - 1)), trailhead: trailheadBlock(m, config, n) }
  const within = groupingAgainstTruth(groupingColumns(m), m.universe.regime, from, m.bars, config.grouping.train_share, config.grouping.kmeans_restarts, config.grouping.clip_sigma)
  const grouping = within && config.grouping.heldout_seeds.length > 0 ? { ...within, held_out: heldOutBlock(m, config) } : within
  const walkForward = walkForwardBlock(m, eq, n, year)
  const accuracy = (method: string) => grouping?.methods.find((r) => r.method === method)?.accuracy ?? null
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
      surprise: meanSurprise(m.state.surprise, from, n),
      flow_capture: capture.flowCapture,
      flow_path_return: capture.pathReturn,
      trailhead_fires: terrain.trailhead.fires,
      trailhead_logs: terrain.trailhead.logs,
      oos_sharpe: walkForward.out_of_sample?.sharpe ?? null,
      jump_accuracy: accuracy('jump'),
      kmeans_accuracy: accuracy('kmeans'),
      hmm_accuracy: accuracy('hmm'),
      fault_alerts: terrain.fault_alerts,
      mean_eigen_hardness: terrain.mean_eigen_hardness,
      mean_edge_hardness: terrain.mean_edge_hardness
    },
    telemetry: { terrain, ...(grouping ? { grouping } : {}), walk_forward: walkForward, assets: m.universe.assets.labels, regime_names: ['risk_on', 'risk_off'] }
  }
}

/** The grouping fitted on this run's universe (all readable bars) and grouping.train_seeds', scored on grouping.heldout_seeds'. */
function heldOutBlock(m: TerrainMarket, config: MarketTerrainConfig) {
  const own = { seed: config.seed, features: groupingFeatures(groupingColumns(m), m.stateFrom, m.bars), labels: Int32Array.from(m.universe.regime.subarray(m.stateFrom, m.bars)) }
  const train = [own, ...config.grouping.train_seeds.map((s) => seedGroupingSeries(config, s))]
  const heldOut = config.grouping.heldout_seeds.map((s) => seedGroupingSeries(config, s))
  return groupingOnHeldOutSeeds(train, heldOut, [m.stateFrom, m.bars], config.grouping.kmeans_restarts, config.grouping.clip_sigma)
}

export function groupingColumns(m: TerrainMarket) {
  return { risk: m.risk, momentum: m.momentum, meanCorrelation: m.meanCorrelation, termRatio: m.termRatio }
}

/** The trailhead over the run: preset, counts of fire / log / quiet bars, the first fires, the proxies read. */
function trailheadBlock(m: TerrainMarket, config: MarketTerrainConfig, n: number) {
  const counts = triggerCounts(m.state.trigger, 0, n)
  return {
    preset: config.state.trailhead_preset,
    ...counts,
    first_fires: m.state.events.filter((e) => e.kind === 'fire' && e.bar < n).slice(0, 10).map((e) => e.bar),
    proxies: PROXIES
  }
}

/** The anchored folds with the run's own test-window figures, and all test windows together. */
function walkForwardBlock(m: TerrainMarket, eq: Float64Array, n: number, year: number) {
  const folds = m.walkForward.folds.filter((f) => f.testFrom < n)
  const stats = (from: number, to: number) => {
    const w = windowStats(eq, from, Math.min(to, n), year)
    return { total_return: w.totalReturn, sharpe: w.sharpe, max_drawdown: w.maxDrawdown }
  }
  const first = folds[0]
  return {
    boundary_grid: RISK_Z_GRID,
    folds: folds.map((f) => ({ train: [f.trainFrom, f.testFrom], test: [f.testFrom, Math.min(f.testTo, n)], risk_z_off: f.threshold, train_score: f.trainScore, ...stats(f.testFrom, f.testTo) })),
    in_sample: first ? { bars: [m.stateFrom, first.testFrom], ...stats(m.stateFrom, first.testFrom) } : null,
    out_of_sample: first ? { bars: [first.testFrom, n], ...stats(first.testFrom, n) } : null
  }
}
