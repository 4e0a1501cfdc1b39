/**
 * Out-of-sample checks of a parameter choice over a matrix of candidate returns (T steps × N
 * candidates, one Float64Array per candidate):
 *   - the probability of backtest overfitting by combinatorially symmetric cross-validation
 *     (Bailey, Borwein, López de Prado and Zhu, "The probability of backtest overfitting",
 *     J. Computational Finance 20(4), 2017, §2–3);
 *   - combinatorial purged cross-validation (López de Prado, "Advances in Financial Machine
 *     Learning", 2018, §12.4): every choice of k test groups out of G, the training steps next
 *     to a test group purged and embargoed, and the C(G−1, k−1) backtest paths it yields.
 * The performance of a candidate over a set of steps is its Sharpe ratio per step (mean over
 * sample standard deviation, ddof 1; 0 when the standard deviation is 0).
 */

/** Sharpe ratio per step of x over the listed steps. */
export function sharpeOver(x: Float64Array, steps: Int32Array): number {
  const n = steps.length
  if (n < 2) return 0
  let s = 0
  for (let i = 0; i < n; i++) s += x[steps[i]!]!
  const m = s / n
  let ss = 0
  for (let i = 0; i < n; i++) {
    const d = x[steps[i]!]! - m
    ss += d * d
  }
  const sd = Math.sqrt(ss / (n - 1))
  return sd > 0 ? m / sd : 0
}

/** Sharpe ratio per step of x over [from, to). */
export function sharpe(x: Float64Array, from = 0, to = x.length): number {
  return sharpeOver(x, Int32Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i))
}

/** All k-subsets of 0…n − 1 in lexicographic order (itertools.combinations). */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = []
  const pick: number[] = []
  const walk = (start: number): void => {
    if (pick.length === k) {
      out.push(pick.slice())
      return
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i)
      walk(i + 1)
      pick.pop()
    }
  }
  walk(0)
  return out
}

export function binomial(n: number, k: number): number {
  let c = 1
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
  return Math.round(c)
}

/** The candidate with the best score; the first on a tie (numpy.argmax). */
function argmax(scores: Float64Array): number {
  let best = 0
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i
  return best
}

/** Rank of scores[i] among scores, ascending from 1, ties averaged (scipy.stats.rankdata 'average'). */
export function averageRank(scores: Float64Array, i: number): number {
  let below = 0
  let equal = 0
  for (let j = 0; j < scores.length; j++) {
    if (scores[j]! < scores[i]!) below++
    else if (scores[j]! === scores[i]!) equal++
  }
  return below + (equal + 1) / 2
}

export interface CscvSplit {
  /** The blocks of the in-sample half. */
  train: number[]
  /** The candidate with the best in-sample Sharpe ratio. */
  chosen: number
  inSample: number
  outOfSample: number
  /** Relative rank ω̄ of the chosen candidate out of sample, rank/(N + 1). */
  relativeRank: number
  /** λ = ln(ω̄ / (1 − ω̄)): ≤ 0 when the in-sample best is at or below the out-of-sample median. */
  logit: number
}

export interface PboResult {
  blocks: number
  blockLength: number
  /** Steps left off the start so that the blocks are of equal length. */
  dropped: number
  candidates: number
  splits: CscvSplit[]
  /** Share of splits whose λ ≤ 0. */
  pbo: number
  /** Least-squares line of out-of-sample on in-sample Sharpe of the chosen candidate (the paper's performance degradation). */
  degradation: { slope: number; intercept: number }
  /** Share of splits whose chosen candidate loses out of sample (Sharpe < 0). */
  probabilityOfLoss: number
}

/**
 * CSCV: the T × N matrix cut into S blocks of ⌊T/S⌋ steps (the first T mod S steps left off),
 * every half of the blocks taken in turn as the in-sample set J and its complement as J̄.
 */
export function probabilityOfOverfitting(candidates: readonly Float64Array[], blocks: number): PboResult {
  const N = candidates.length
  if (N < 2) throw new RangeError(`the probability of backtest overfitting needs at least 2 candidates (got ${N})`)
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0) throw new RangeError(`the number of CSCV blocks must be an even whole number ≥ 2 (got ${blocks})`)
  const T = candidates[0]!.length
  const blockLength = Math.floor(T / blocks)
  if (blockLength < 2) throw new RangeError(`${T} steps make blocks of ${blockLength} steps for ${blocks} blocks; each needs at least 2`)
  const dropped = T - blockLength * blocks
  const stepsOf = (set: readonly number[]): Int32Array => {
    const out = new Int32Array(set.length * blockLength)
    set.forEach((b, i) => {
      for (let j = 0; j < blockLength; j++) out[i * blockLength + j] = dropped + b * blockLength + j
    })
    return out
  }
  const splits: CscvSplit[] = []
  const is = new Float64Array(N)
  const oos = new Float64Array(N)
  for (const train of combinations(blocks, blocks / 2)) {
    const test = Array.from({ length: blocks }, (_, b) => b).filter((b) => !train.includes(b))
    const inSteps = stepsOf(train)
    const outSteps = stepsOf(test)
    for (let n = 0; n < N; n++) {
      is[n] = sharpeOver(candidates[n]!, inSteps)
      oos[n] = sharpeOver(candidates[n]!, outSteps)
    }
    const chosen = argmax(is)
    const relativeRank = averageRank(oos, chosen) / (N + 1)
    splits.push({ train, chosen, inSample: is[chosen]!, outOfSample: oos[chosen]!, relativeRank, logit: Math.log(relativeRank / (1 - relativeRank)) })
  }
  const count = splits.length
  const pbo = splits.filter((s) => s.logit <= 0).length / count
  const mx = splits.reduce((a, s) => a + s.inSample, 0) / count
  const my = splits.reduce((a, s) => a + s.outOfSample, 0) / count
  let sxx = 0
  let sxy = 0
  for (const s of splits) {
    sxx += (s.inSample - mx) ** 2
    sxy += (s.inSample - mx) * (s.outOfSample - my)
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  return {
    blocks,
    blockLength,
    dropped,
    candidates: N,
    splits,
    pbo,
    degradation: { slope, intercept: my - slope * mx },
    probabilityOfLoss: splits.filter((s) => s.outOfSample < 0).length / count
  }
}

export interface CpcvSplit {
  test: number[]
  chosen: number
  inSample: number
  outOfSample: number
  /** Training steps left after purging and embargo. */
  trainSteps: number
}

export interface CpcvResult {
  groups: number
  testGroups: number
  purge: number
  embargo: number
  splits: CpcvSplit[]
  /** Each path: the chosen candidate's returns on every group, from the split that tested it; its Sharpe ratio. */
  paths: Array<{ chosen: number[]; sharpe: number }>
  meanInSample: number
  meanOutOfSample: number
}

/**
 * CPCV: T steps in G contiguous groups (sizes differ by at most one, the longer first, as
 * numpy.array_split); for every k-subset as the test set, the candidate chosen on the training
 * steps — less `purge` steps before each test group and `embargo` steps after it — and judged on
 * the test groups.
 */
export function combinatorialPurgedCv(candidates: readonly Float64Array[], o: { groups: number; testGroups: number; purge: number; embargo: number }): CpcvResult {
  const N = candidates.length
  const T = candidates[0]?.length ?? 0
  const { groups: G, testGroups: k, purge, embargo } = o
  if (N < 1) throw new RangeError('combinatorial purged cross-validation needs at least 1 candidate')
  if (!Number.isInteger(G) || G < 2 || !Number.isInteger(k) || k < 1 || k >= G) throw new RangeError(`CPCV needs whole numbers 1 ≤ test groups < groups (got ${k} of ${G})`)
  if (T < 2 * G) throw new RangeError(`${T} steps are too few for ${G} CPCV groups`)
  const bounds: number[] = [0]
  for (let g = 0; g < G; g++) bounds.push(bounds[g]! + Math.floor(T / G) + (g < T % G ? 1 : 0))
  const groupSteps = (g: number): Int32Array => Int32Array.from({ length: bounds[g + 1]! - bounds[g]! }, (_, i) => bounds[g]! + i)
  const splits: CpcvSplit[] = []
  const is = new Float64Array(N)
  for (const test of combinations(G, k)) {
    const excluded = new Uint8Array(T)
    for (const g of test) for (let t = Math.max(0, bounds[g]! - purge); t < Math.min(T, bounds[g + 1]! + embargo); t++) excluded[t] = 1
    const train: number[] = []
    for (let t = 0; t < T; t++) if (!excluded[t]) train.push(t)
    if (train.length < 2) throw new RangeError(`purge ${purge} and embargo ${embargo} leave no training steps when groups ${test.join(',')} are tested`)
    const trainSteps = Int32Array.from(train)
    for (let n = 0; n < N; n++) is[n] = sharpeOver(candidates[n]!, trainSteps)
    const chosen = argmax(is)
    const testSteps = Int32Array.from(test.flatMap((g) => Array.from(groupSteps(g))))
    splits.push({ test, chosen, inSample: is[chosen]!, outOfSample: sharpeOver(candidates[chosen]!, testSteps), trainSteps: train.length })
  }
  // Path j takes, for every group, the j-th split (in order) that tested it.
  const pathCount = binomial(G - 1, k - 1)
  const testedBy = Array.from({ length: G }, (_, g) => splits.filter((s) => s.test.includes(g)))
  const paths = Array.from({ length: pathCount }, (_, j) => {
    const chosen = testedBy.map((list) => list[j]!.chosen)
    const path = new Float64Array(T)
    for (let g = 0; g < G; g++) for (let t = bounds[g]!; t < bounds[g + 1]!; t++) path[t] = candidates[chosen[g]!]![t]!
    return { chosen, sharpe: sharpe(path) }
  })
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  return { groups: G, testGroups: k, purge, embargo, splits, paths, meanInSample: avg(splits.map((s) => s.inSample)), meanOutOfSample: avg(splits.map((s) => s.outOfSample)) }
}

/** The largest even number of CSCV blocks ≤ 16 that leaves each block at least 2 steps (PBO's default). */
export const defaultBlocks = (T: number): number => Math.max(2, Math.min(16, 2 * Math.floor(T / 4)))
