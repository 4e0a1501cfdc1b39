import type { AssetList } from './assets'
import { ASSET_CLASSES, REGIME_NAMES, type CorrelationBlocks } from './params'

// A regime's correlation matrix from its blocks (constant correlation within and between asset
// classes; seed L2124) and its Cholesky factor, which is also the positive-semi-definiteness check.

type Regime = (typeof REGIME_NAMES)[number]

/** Correlation between two classes' assets in a regime (classes in ASSET_CLASSES order). */
function classPair(blocks: CorrelationBlocks, regime: Regime, a: number, b: number): number {
  const [x, y] = a <= b ? [ASSET_CLASSES[a]!, ASSET_CLASSES[b]!] : [ASSET_CLASSES[b]!, ASSET_CLASSES[a]!]
  const key = `${x}_${y}` === 'equity_bond' ? 'stock_bond' : `${x}_${y}`
  return (blocks as Record<string, Record<Regime, number>>)[key]![regime]
}

/** The N × N correlation matrix (row-major) of a regime. */
export function regimeCorrelation(blocks: CorrelationBlocks, regime: Regime, assets: AssetList): Float64Array {
  const n = assets.labels.length
  const C = new Float64Array(n * n)
  const extra = blocks.equity_sector_extra[regime]
  for (let i = 0; i < n; i++) {
    C[i * n + i] = 1
    for (let j = 0; j < i; j++) {
      const ci = assets.classOf[i]!
      const cj = assets.classOf[j]!
      let rho = classPair(blocks, regime, ci, cj)
      if (ci === 0 && cj === 0 && assets.groupOf[i] === assets.groupOf[j]) rho = Math.min(0.999, rho + extra)
      C[i * n + j] = rho
      C[j * n + i] = rho
    }
  }
  return C
}

/** Pivots below −tolerance mean a negative eigenvalue; between them and 0 the matrix is semi-definite. */
const PSD_TOLERANCE = 1e-10

/**
 * Lower Cholesky factor L (row-major, L·Lᵀ = C) of a positive semi-definite matrix; a zero pivot
 * gives a zero column. Throws a one-line error when C is not positive semi-definite.
 */
export function choleskyPsd(C: Float64Array, n: number, what: string): Float64Array {
  const L = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let d = C[j * n + j]!
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!
    if (d < -PSD_TOLERANCE) throw new Error(`${what} is not positive semi-definite (Cholesky pivot ${j + 1} is ${d.toPrecision(3)}): no set of assets can have these correlations`)
    const pivot = d > PSD_TOLERANCE ? Math.sqrt(d) : 0
    L[j * n + j] = pivot
    for (let i = j + 1; i < n; i++) {
      let s = C[i * n + j]!
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!
      L[i * n + j] = pivot === 0 ? 0 : s / pivot
    }
  }
  if (n > 0) {
    // A zero pivot only works when the rest of its column was zero too: check L·Lᵀ = C.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0
        for (let k = 0; k <= j; k++) s += L[i * n + k]! * L[j * n + k]!
        if (Math.abs(s - C[i * n + j]!) > 1e-8) throw new Error(`${what} is not positive semi-definite (singular at pivot ${j + 1}): no set of assets can have these correlations`)
      }
    }
  }
  return L
}
