import type { MarketTerrainConfig } from './config'
import type { LabelledSeries } from './grouping'
import { type FeatureColumns, groupingFeatures } from './grouping-run'
import { equalWeightIndex, stateFeatures } from './state-features'
import { TerrainScanner } from './terrain/scanner'
import { simulateUniverse, type Universe } from './universe/simulate'

// The grouping's features on another seed's universe (issue 17 §5: fit on training seeds, score
// on held-out seeds). Only what the four features need is computed: the universe, the terrain
// scanner's absorption ratio and mean correlation, and the state features — no state path, flow,
// baskets or walk-forward, so a held-out seed costs one terrain pass, not one lab run.

/** First bar the state features are read: both vol horizons, the trend and the short window filled. */
export function readableFrom(config: MarketTerrainConfig): number {
  const s = config.strategy
  return Math.max(config.terrain.short_window - 1, s.vol_long_bars, s.momentum_bars)
}

/** The assets of the equal-weight index the state reads: the equities (all assets when there are none). */
export function equityMembers(universe: Universe): number[] {
  const members: number[] = []
  for (let i = 0; i < universe.n; i++) if (universe.assets.classOf[i] === 0) members.push(i)
  return members
}

export interface SeedSeries extends LabelledSeries {
  seed: number
}

/** The grouping's labelled series (features and true regimes over the readable bars) of `seed`'s universe. */
export function seedGroupingSeries(config: MarketTerrainConfig, seed: number): SeedSeries {
  const universe = simulateUniverse(config.universe, seed)
  const { n, bars, returns } = universe
  const scanner = new TerrainScanner(n, config.terrain)
  const absorption = new Float64Array(bars).fill(Number.NaN)
  const meanCorrelation = new Float64Array(bars).fill(Number.NaN)
  for (let t = 0; t < bars; t++) {
    const r = scanner.step(returns, t * n)
    if (!r.ready) continue
    absorption[t] = r.absorption
    meanCorrelation[t] = r.meanCorrelation
  }
  const { risk, momentum, termRatio } = stateFeatures(equalWeightIndex(returns, n, bars, equityMembers(universe)), absorption, config.strategy)
  const columns: FeatureColumns = { risk, momentum, meanCorrelation, termRatio }
  const from = readableFrom(config)
  return { seed, features: groupingFeatures(columns, from, bars), labels: Int32Array.from(universe.regime.subarray(from, bars)) }
}
