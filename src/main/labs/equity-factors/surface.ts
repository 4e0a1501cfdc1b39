import type { Surface } from '../../engine/kernel'
import type { EquityFactorsConfig } from './config'
import { writeCorr, type EquityMarket } from './market'
import { jacobiRotate } from '../common/jacobi'

// The tradable surface of chapter 7: the factor correlation matrix C_t (K × K, a heatmap), from
// which the covariance Σ_t = D·C_t·D follows (book ch.7 §3.3; notebook CELL 4), with its
// summaries: average off-diagonal correlation, dispersion, the top-eigenvalue share λ₁/ΣλI and
// the effective rank exp(−Σ pᵢ ln pᵢ) (spec §3.9: computed here with a cyclic Jacobi solver).

/**
 * Eigenvalues of the symmetric K × K matrix a (row-major) into out, by cyclic Jacobi rotations
 * on the scratch copy w (K ≤ 25: a few sweeps). Order is not sorted.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, K: number, w: Float64Array, out: Float64Array): void {
  for (let i = 0; i < K * K; i++) w[i] = a[i]!
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0
    for (let p = 0; p < K; p++) for (let q = p + 1; q < K; q++) off += w[p * K + q]! * w[p * K + q]!
    if (off < 1e-30) break
    for (let p = 0; p < K; p++) {
      for (let q = p + 1; q < K; q++) {
        if (w[p * K + q] === 0) continue
        jacobiRotate(w, K, p, q)
      }
    }
  }
  for (let i = 0; i < K; i++) out[i] = w[i * K + i]!
}

/** Top-eigenvalue share λ_max/Σλ and effective rank exp(−Σ p ln p), p = max(λ, 0)/Σ max(λ, 0). */
export function eigenSummaries(eigenvalues: Float64Array, out: { topShare: number; effectiveRank: number }): void {
  let total = 0
  let top = 0
  for (const l of eigenvalues) {
    const v = Math.max(l, 0)
    total += v
    top = Math.max(top, v)
  }
  let entropy = 0
  for (const l of eigenvalues) {
    const p = Math.max(l, 0) / total
    if (p > 0) entropy -= p * Math.log(p)
  }
  out.topShare = top / total
  out.effectiveRank = Math.exp(entropy)
}

/** Scratch for eigen summaries at one K (reused across steps). */
export class EigenScratch {
  readonly corr: Float64Array
  readonly work: Float64Array
  readonly values: Float64Array
  readonly result = { topShare: 0, effectiveRank: 0 }
  constructor(readonly K: number) {
    this.corr = new Float64Array(K * K)
    this.work = new Float64Array(K * K)
    this.values = new Float64Array(K)
  }

  /** The eigen summaries of C_t. */
  at(m: EquityMarket, t: number): { topShare: number; effectiveRank: number } {
    writeCorr(m, t, this.corr)
    symmetricEigenvalues(this.corr, this.K, this.work, this.values)
    eigenSummaries(this.values, this.result)
    return this.result
  }
}

/** The surface at step t: C_t over factor × factor (the views draw a 2-axis grid as a heatmap). */
export function correlationSurface(m: EquityMarket, t: number, _config: EquityFactorsConfig): Surface {
  const K = m.K
  const labels = Array.from({ length: K }, (_, i) => `F${i + 1}`)
  const values = new Float64Array(K * K)
  writeCorr(m, t, values)
  return {
    name: 'Factor correlation C_t (covariance Σ_t = D·C_t·D)',
    unit: 'correlation',
    axes: [
      { name: 'factor (row)', unit: 'factor', labels },
      { name: 'factor (column)', unit: 'factor', labels }
    ],
    values
  }
}

/** The summaries of the surface at step t the chapter names: avg corr, dispersion, top-eigenvalue share, effective rank. */
export function surfaceSummaries(m: EquityMarket, t: number): { avgCorr: number; dispersion: number; topEigenShare: number; effectiveRank: number } {
  const eig = new EigenScratch(m.K).at(m, t)
  return { avgCorr: m.avgCorr[t]!, dispersion: m.disp[t]!, topEigenShare: eig.topShare, effectiveRank: eig.effectiveRank }
}
