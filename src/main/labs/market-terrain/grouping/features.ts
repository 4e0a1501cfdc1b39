/**
 * A feature matrix: T bars × F features, row-major (bar t's features at x[t·F … t·F+F−1]).
 * Every grouping method takes one; the lab builds it from the terrain and state paths.
 */
export interface Features {
  readonly x: Float64Array
  readonly T: number
  readonly F: number
}

/** Throws a one-line error naming the first bad field or cell; returns the matrix unchanged. */
export function checkFeatures(f: Features, what = 'features'): Features {
  if (!Number.isInteger(f.T) || f.T < 1) throw new RangeError(`${what}.T must be a positive integer (got ${f.T})`)
  if (!Number.isInteger(f.F) || f.F < 1) throw new RangeError(`${what}.F must be a positive integer (got ${f.F})`)
  if (f.x.length !== f.T * f.F) throw new RangeError(`${what}.x has ${f.x.length} values, expected T·F = ${f.T * f.F}`)
  for (let i = 0; i < f.x.length; i++) {
    if (!Number.isFinite(f.x[i]!)) throw new RangeError(`${what} row ${Math.floor(i / f.F)}, column ${i % f.F} is not finite (got ${f.x[i]})`)
  }
  return f
}

export function checkK(k: number, T: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`)
  if (k > T) throw new RangeError(`k must be at most the number of bars T = ${T} (got ${k})`)
}

/** Squared Euclidean distance between row t of x and row j of c (both with F columns). */
export function sqDist(x: Float64Array, t: number, c: Float64Array, j: number, F: number): number {
  let s = 0
  const a = t * F
  const b = j * F
  for (let f = 0; f < F; f++) {
    const d = x[a + f]! - c[b + f]!
    s += d * d
  }
  return s
}

/**
 * Column z-scores with the mean and (population) standard deviation of bars [0, fitBars) only,
 * so a model fitted on a training prefix never sees the validation bars' moments (no look-ahead).
 * A constant column is centred and left unscaled.
 */
export function standardise(f: Features, fitBars = f.T): Features {
  checkFeatures(f)
  if (!Number.isInteger(fitBars) || fitBars < 1 || fitBars > f.T) throw new RangeError(`fitBars must be in 1…${f.T} (got ${fitBars})`)
  const { x, T, F } = f
  const out = new Float64Array(x.length)
  for (let c = 0; c < F; c++) {
    let mean = 0
    for (let t = 0; t < fitBars; t++) mean += x[t * F + c]!
    mean /= fitBars
    let v = 0
    for (let t = 0; t < fitBars; t++) v += (x[t * F + c]! - mean) ** 2
    const sd = Math.sqrt(v / fitBars)
    const scale = sd > 0 ? 1 / sd : 1
    for (let t = 0; t < T; t++) out[t * F + c] = (x[t * F + c]! - mean) * scale
  }
  return { x: out, T, F }
}

/**
 * The preprocessing of the sparse jump model's reference code (Shu & Mulvey's `jumpmodels`:
 * `DataClipperStd(mul=3)` then `StandardScalerPD`), fitted on training rows only: each column is
 * clipped to mean ± clip·sd of the training rows, then z-scored with the clipped training rows'
 * mean and (population) sd. Clipping keeps a few extreme bars (a volatility spike) from pulling a
 * centroid: the squared distance of the jump model and K-means is not robust to them.
 * clip = Infinity is plain standardisation. A constant column is centred and left unscaled.
 */
export interface Scaler {
  readonly lo: Float64Array
  readonly hi: Float64Array
  readonly mean: Float64Array
  readonly scale: Float64Array
}

function columnMoments(x: Float64Array, T: number, F: number, c: number, lo = -Infinity, hi = Infinity): { mean: number; sd: number } {
  let mean = 0
  for (let t = 0; t < T; t++) mean += Math.min(hi, Math.max(lo, x[t * F + c]!))
  mean /= T
  let v = 0
  for (let t = 0; t < T; t++) v += (Math.min(hi, Math.max(lo, x[t * F + c]!)) - mean) ** 2
  return { mean, sd: Math.sqrt(v / T) }
}

export function fitScaler(train: Features, clip = 3): Scaler {
  checkFeatures(train)
  if (!(clip > 0)) throw new RangeError(`clip must be a positive number of standard deviations or Infinity (got ${clip})`)
  const { x, T, F } = train
  const s = { lo: new Float64Array(F), hi: new Float64Array(F), mean: new Float64Array(F), scale: new Float64Array(F) }
  for (let c = 0; c < F; c++) {
    const raw = columnMoments(x, T, F, c)
    s.lo[c] = Number.isFinite(clip) ? raw.mean - clip * raw.sd : -Infinity
    s.hi[c] = Number.isFinite(clip) ? raw.mean + clip * raw.sd : Infinity
    const clipped = columnMoments(x, T, F, c, s.lo[c], s.hi[c])
    s.mean[c] = clipped.mean
    s.scale[c] = clipped.sd > 0 ? 1 / clipped.sd : 1
  }
  return s
}

export function applyScaler(f: Features, s: Scaler): Features {
  checkFeatures(f)
  if (f.F !== s.mean.length) throw new RangeError(`features have ${f.F} columns, the scaler ${s.mean.length}`)
  const { x, T, F } = f
  const out = new Float64Array(x.length)
  for (let t = 0; t < T; t++) for (let c = 0; c < F; c++) out[t * F + c] = (Math.min(s.hi[c]!, Math.max(s.lo[c]!, x[t * F + c]!)) - s.mean[c]!) * s.scale[c]!
  return { x: out, T, F }
}

/** Rows [from, to) as their own matrix (a view, not a copy). */
export function sliceRows(f: Features, from: number, to: number): Features {
  return { x: f.x.subarray(from * f.F, to * f.F), T: to - from, F: f.F }
}

/**
 * centroids[j] ← the mean of the bars labelled j (the centre step of Lloyd and of the jump
 * model). A label with no bars keeps its centroid (scipy kmeans2's 'warn' behaviour): it may win
 * bars back on the next assignment.
 */
export function labelMeans(f: Features, labels: Int32Array, k: number, centroids: Float64Array): void {
  const { x, T, F } = f
  const sums = new Float64Array(k * F)
  const counts = new Int32Array(k)
  for (let t = 0; t < T; t++) {
    const j = labels[t]!
    counts[j]!++
    for (let c = 0; c < F; c++) sums[j * F + c]! += x[t * F + c]!
  }
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue
    for (let c = 0; c < F; c++) centroids[j * F + c] = sums[j * F + c]! / counts[j]!
  }
}
