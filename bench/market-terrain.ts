import { performance } from 'node:perf_hooks'
import { TerrainParams } from '../src/main/labs/market-terrain/terrain/params'
import { RollingCorrelation } from '../src/main/labs/market-terrain/terrain/rolling'
import { TerrainScanner } from '../src/main/labs/market-terrain/terrain/scanner'
import { UniverseParams } from '../src/main/labs/market-terrain/universe/params'
import { simulateUniverse } from '../src/main/labs/market-terrain/universe/simulate'

/**
 * The market-terrain lab's full terrain pass per bar (both rolling windows, PCA of each, hardness,
 * Ward watersheds, precision watersheds every 20 bars, fault-line alerts) over 2,520 bars, for 100
 * and 500 assets. Baseline, in the same process on the same returns: the bare incremental O(n²)
 * update of one rolling correlation window (the cheapest thing a per-bar terrain can do).
 * Targets (issue 17): 100 assets < 1 s, 500 assets < 20 s.
 */
export async function benchMarketTerrain(): Promise<void> {
  const BARS = 2520
  const sizes = [
    { n: 100, target: 1, assets: { equity_sectors: 8, assets_per_sector: 10, bonds: 5, commodities: 5, fx: 5, crypto: 5 } },
    { n: 500, target: 20, assets: { equity_sectors: 40, assets_per_sector: 10, bonds: 25, commodities: 25, fx: 25, crypto: 25 } }
  ]
  const params = TerrainParams.parse({})
  console.log(`\nmarket-terrain: full terrain pass per bar, ${BARS.toLocaleString('en-US')} bars`)
  console.log('| assets | baseline: one window’s O(n²) update, s | full terrain pass, s | × baseline | target |')
  console.log('|---:|---:|---:|---:|---|')
  for (const size of sizes) {
    const universe = simulateUniverse(UniverseParams.parse({ bars: BARS, assets: size.assets }), 1)
    const n = universe.n
    if (n !== size.n) throw new Error(`bench: universe has ${n} assets, expected ${size.n}`)
    const corr = new Float64Array(n * n)
    const t0 = performance.now()
    const rolling = new RollingCorrelation(n, params.short_window)
    for (let t = 0; t < BARS; t++) {
      rolling.push(universe.returns, t * n)
      if (rolling.full) rolling.correlation(corr, params.shrinkage)
    }
    const baseline = (performance.now() - t0) / 1000

    const t1 = performance.now()
    const scanner = new TerrainScanner(n, params)
    let hardness = 0
    const tick = Math.ceil(BARS / 10)
    for (let t = 0; t < BARS; t++) {
      const r = scanner.step(universe.returns, t * n)
      if (Number.isFinite(r.edgeHardness)) hardness += r.edgeHardness
      if (n >= 500 && (t + 1) % tick === 0) process.stdout.write(`  ${n} assets: ${Math.round(((t + 1) / BARS) * 100)} % (${((performance.now() - t1) / 1000).toFixed(1)} s)\r`)
    }
    const full = (performance.now() - t1) / 1000
    if (n >= 500) process.stdout.write(' '.repeat(60) + '\r')
    if (!Number.isFinite(hardness)) throw new Error('bench: the terrain pass produced a non-finite hardness')
    console.log(`| ${n} | ${baseline.toFixed(3)} | ${full.toFixed(3)} | ${(full / baseline).toFixed(1)} | < ${size.target} s: ${full < size.target ? 'met' : 'missed'} |`)
  }
}
