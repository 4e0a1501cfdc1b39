// Scoring a labelling against the true regimes. Cluster numbers are arbitrary, so every score
// first maps predicted labels onto regimes with the permutation that agrees most often.

/** All permutations of 0…k−1 in lexicographic order (k ≤ 8: at most 40,320). */
function permutations(k: number): number[][] {
  if (k > 8) throw new RangeError(`k must be at most 8 to search label permutations (got ${k})`)
  const out: number[][] = []
  const perm = Array.from({ length: k }, (_, i) => i)
  const used = new Array<boolean>(k).fill(false)
  const cur: number[] = []
  const walk = (): void => {
    if (cur.length === k) {
      out.push(cur.slice())
      return
    }
    for (const p of perm) {
      if (used[p]) continue
      used[p] = true
      cur.push(p)
      walk()
      cur.pop()
      used[p] = false
    }
  }
  walk()
  return out
}

export interface Permutation {
  /** map[predicted] = regime. */
  map: Int32Array
  accuracy: number
}

function checkLabels(pred: Int32Array, truth: Int32Array, k: number): void {
  if (pred.length !== truth.length) throw new RangeError(`labels have ${pred.length} bars, truth has ${truth.length}`)
  if (pred.length === 0) throw new RangeError('labels are empty')
  for (let t = 0; t < pred.length; t++) {
    if (!(pred[t]! >= 0 && pred[t]! < k)) throw new RangeError(`predicted label at bar ${t} must be in 0…${k - 1} (got ${pred[t]})`)
    if (!(truth[t]! >= 0 && truth[t]! < k)) throw new RangeError(`true regime at bar ${t} must be in 0…${k - 1} (got ${truth[t]})`)
  }
}

/** The label map with the highest agreement (first in lexicographic order on ties). */
export function bestPermutation(pred: Int32Array, truth: Int32Array, k: number): Permutation {
  checkLabels(pred, truth, k)
  const confusion = new Float64Array(k * k)
  for (let t = 0; t < pred.length; t++) confusion[pred[t]! * k + truth[t]!]!++
  let best: number[] = []
  let bestHits = -1
  for (const p of permutations(k)) {
    let hits = 0
    for (let j = 0; j < k; j++) hits += confusion[j * k + p[j]!]!
    if (hits > bestHits) [best, bestHits] = [p, hits]
  }
  return { map: Int32Array.from(best), accuracy: bestHits / pred.length }
}

/** Share of bars where two label sequences agree. */
export function agreement(a: Int32Array, b: Int32Array): number {
  let hits = 0
  for (let t = 0; t < a.length; t++) if (a[t] === b[t]) hits++
  return hits / a.length
}

export function applyMap(labels: Int32Array, map: Int32Array): Int32Array {
  return labels.map((s) => map[s]!)
}

export interface Persistence {
  switches: number
  /** Switches per bar transition. */
  switchRate: number
  /** Bars per run: T / (switches + 1). */
  meanRunLength: number
}

export function persistence(labels: Int32Array): Persistence {
  let switches = 0
  for (let t = 1; t < labels.length; t++) if (labels[t] !== labels[t - 1]) switches++
  return { switches, switchRate: labels.length > 1 ? switches / (labels.length - 1) : 0, meanRunLength: labels.length / (switches + 1) }
}

export interface Detection {
  /** True regime changes (bar t where truth[t] ≠ truth[t−1]). */
  changes: number
  /** Changes the online labels caught before the next true change. */
  detected: number
  /** Mean bars from a true change to the first bar whose mapped online label agrees; NaN if none detected. */
  meanDelay: number
  /** Each change's delay in bars, or −1 when missed. */
  delays: Int32Array
  /** Switches of the mapped online labels into a regime that is not the true one at that bar. */
  falseSwitches: number
}

/**
 * Time to detection of each true regime change, for causal (online) labels already mapped onto
 * regimes. A change counts as detected at the first bar at or after it whose label equals the new
 * regime, if that comes before the next true change; the delay is 0 when the label switches on
 * the change bar itself. Bars where the labels already agree with the new regime count as 0.
 */
export function detection(mapped: Int32Array, truth: Int32Array): Detection {
  if (mapped.length !== truth.length) throw new RangeError(`labels have ${mapped.length} bars, truth has ${truth.length}`)
  const starts: number[] = []
  for (let t = 1; t < truth.length; t++) if (truth[t] !== truth[t - 1]) starts.push(t)
  const delays = new Int32Array(starts.length).fill(-1)
  let sum = 0
  let detected = 0
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : truth.length
    for (let t = s; t < end; t++) {
      if (mapped[t] === truth[s]) {
        delays[i] = t - s
        sum += t - s
        detected++
        return
      }
    }
  })
  let falseSwitches = 0
  for (let t = 1; t < mapped.length; t++) if (mapped[t] !== mapped[t - 1] && mapped[t] !== truth[t]) falseSwitches++
  return { changes: starts.length, detected, meanDelay: detected > 0 ? sum / detected : Number.NaN, delays, falseSwitches }
}

export interface GroupingScore {
  /** Accuracy of the fitted (in-sample, smoothed) labels under their best permutation. */
  accuracy: number
  /** Accuracy of the causal labels under the fitted labels' permutation. */
  onlineAccuracy: number
  persistence: Persistence
  onlinePersistence: Persistence
  detection: Detection
}

/**
 * The full score of one method: fitted labels for accuracy, causal labels for detection. `map`
 * (predicted → regime) is the permutation learnt where the model was fitted; without one, the
 * fitted labels' best permutation on these bars is used (an in-sample score).
 */
export function scoreGrouping(fitted: Int32Array, online: Int32Array, truth: Int32Array, k: number, map?: Int32Array): GroupingScore {
  const useMap = map ?? bestPermutation(fitted, truth, k).map
  checkLabels(fitted, truth, k)
  checkLabels(online, truth, k)
  const accuracy = agreement(applyMap(fitted, useMap), truth)
  const mapped = applyMap(online, useMap)
  return {
    accuracy,
    onlineAccuracy: agreement(mapped, truth),
    persistence: persistence(fitted),
    onlinePersistence: persistence(online),
    detection: detection(mapped, truth)
  }
}
