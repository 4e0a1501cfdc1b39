import type { Surface } from '../../engine/kernel'
import type { OrderFlowConfig } from './config'
import type { OrderFlowPath } from './market'

// The tradable surface: expected impact in bps on a grid of trade size × execution horizon,
// rising with size (convexly, more so when toxic), with toxicity and volatility, falling with
// depth and with √horizon (book ch.8 §4.4; notebook CELL 4, build_liquidity_grid).

export const SIZES = 4
export const HORIZONS = 4
export const GRID = SIZES * HORIZONS

/** The illiquidity proxy (0.7·tox + 0.3·min(1, lv/(base_vol + 1e−9)))/(depth + 1e−9), unbounded (exec_trade reads it so). */
export function illiquidity(toxicity: number, latentVol: number, depth: number, baseVol: number): number {
  return (0.7 * toxicity + 0.3 * Math.min(1.0, latentVol / (baseVol + 1e-9))) / (depth + 1e-9)
}

/**
 * The grid into out (row-major: size i, horizon j):
 *   illiq = clamp(illiquidity, 0.02, 3),  α = 1.10 + 0.55·tox,  G[i,j] = 3·illiq·q_i^α·(1/√h_j)
 * notebook CELL 4 (build_liquidity_grid); q^α is CPython's pow (glibc), here V8's: they can differ
 * in the last bit.
 */
export function writeGrid(toxicity: number, latentVol: number, depth: number, config: OrderFlowConfig, out: Float64Array): void {
  const { size_buckets: sizes, horizon_buckets: horizons } = config.surface_params.axes
  let illiq = illiquidity(toxicity, latentVol, depth, config.market_params.base_vol)
  illiq = illiq < 3.0 ? illiq : 3.0
  illiq = illiq > 0.02 ? illiq : 0.02
  const alpha = 1.1 + 0.55 * toxicity
  const base = 3.0 * illiq
  for (let i = 0; i < SIZES; i++) {
    const qa = sizes[i]! ** alpha
    for (let j = 0; j < HORIZONS; j++) out[i * HORIZONS + j] = base * qa * (1.0 / Math.sqrt(horizons[j]!))
  }
}

/**
 * The run's grid at step t, computed once when first read in the step: the baseline reads none of
 * it, so a step that neither trades nor asks for the summary builds no grid (notebook CELL 4
 * precomputes every step's; the values are the same).
 */
export function stepGrid(market: OrderFlowPath & { run: { grid: Float64Array; gridT: number } }, t: number, config: OrderFlowConfig): Float64Array {
  const run = market.run
  if (run.gridT !== t) {
    writeGrid(market.toxicity[t]!, market.latentVol[t]!, market.depth[t]!, config, run.grid)
    run.gridT = t
  }
  return run.grid
}

/** The grid at step t of a path. */
export function gridAt(market: OrderFlowPath, t: number, config: OrderFlowConfig, out: Float64Array = new Float64Array(GRID)): Float64Array {
  writeGrid(market.toxicity[t]!, market.latentVol[t]!, market.depth[t]!, config, out)
  return out
}

/**
 * The policy's surface summary (the LLM context of CELL 8): min, median (np.median: mean of the two
 * middle values of 16) and max of the grid. `scratch` (16 long) is sorted in place.
 */
export function summarizeGrid(grid: Float64Array, scratch: Float64Array, out: { impactBpsMin: number; impactBpsMedian: number; impactBpsMax: number }): void {
  scratch.set(grid)
  // insertion sort of 16 values: no allocation on the hot path
  for (let i = 1; i < GRID; i++) {
    const v = scratch[i]!
    let j = i - 1
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!
      j--
    }
    scratch[j + 1] = v
  }
  out.impactBpsMin = scratch[0]!
  out.impactBpsMedian = (scratch[GRID / 2 - 1]! + scratch[GRID / 2]!) / 2
  out.impactBpsMax = scratch[GRID - 1]!
}

/**
 * Impact in bps for a trade of |Δq| units at horizon column j, read off the grid: linear in size
 * through (0, 0) and the buckets, the last segment extended above the largest (corrected preset).
 */
export function impactAtSize(grid: Float64Array, sizes: readonly number[], j: number, size: number): number {
  let q0 = 0
  let g0 = 0
  for (let i = 0; i < SIZES; i++) {
    const q1 = sizes[i]!
    const g1 = grid[i * HORIZONS + j]!
    if (size <= q1 || i === SIZES - 1) return g0 + ((g1 - g0) * (size - q0)) / (q1 - q0)
    q0 = q1
    g0 = g1
  }
  return g0
}

/** The liquidity / impact grid at step t as a kernel Surface: size × horizon (a 2-axis surface draws as a heatmap). */
export function impactSurface(market: OrderFlowPath, t: number, config: OrderFlowConfig): Surface {
  const { size_buckets: sizes, horizon_buckets: horizons } = config.surface_params.axes
  return {
    name: 'Liquidity / impact grid',
    unit: 'bps',
    axes: [
      { name: 'size', unit: 'inventory units', labels: sizes.map((q) => `${q}`), values: [...sizes] },
      { name: 'horizon', unit: 'steps', labels: horizons.map((h) => `${h}`), values: [...horizons] }
    ],
    values: gridAt(market, t, config)
  }
}
