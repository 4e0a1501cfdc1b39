// The metrics library: pure functions over a run's columns. Labs name their summary metrics
// the way their notebook does and compute them from these.

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0
  return sum / values.length
}

/** Standard deviation; ddof 0 is NumPy's default (population), 1 is pandas'. */
export function std(values: ArrayLike<number>, ddof: 0 | 1 = 0): number {
  const n = values.length
  if (n - ddof <= 0) return Number.NaN
  const m = mean(values)
  let ss = 0
  for (let i = 0; i < n; i++) {
    const d = (values[i] ?? 0) - m
    ss += d * d
  }
  return Math.sqrt(ss / (n - ddof))
}

export function sum(values: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0
  return s
}

/** Largest fall from the running peak as a fraction of the peak (0 when equity never falls). */
export function maxDrawdown(equity: ArrayLike<number>, floor = 1e-12): number {
  let peak = Number.NEGATIVE_INFINITY
  let worst = 0
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] ?? 0
    if (e > peak) peak = e
    const dd = 1 - e / Math.max(peak, floor)
    if (dd > worst) worst = dd
  }
  return worst
}

/** Simple returns e[t]/e[t−1] − 1, length n − 1. */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1))
  for (let i = 1; i < equity.length; i++) out[i - 1] = (equity[i] ?? 0) / (equity[i - 1] ?? 1) - 1
  return out
}

/** Log returns with NumPy's diff(prepend=first) convention: length n, first element 0. */
export function logReturnsPrepended(equity: ArrayLike<number>, floor = 1e-12): Float64Array {
  const out = new Float64Array(equity.length)
  let previous = Math.log(Math.max(equity[0] ?? 0, floor))
  for (let i = 0; i < equity.length; i++) {
    const current = Math.log(Math.max(equity[i] ?? 0, floor))
    out[i] = current - previous
    previous = current
  }
  return out
}

/**
 * How often each index of `names` occurs in `index`, counted in a typed array (entries that name
 * nothing are skipped): a string-keyed increment per step showed in long runs' reports.
 */
function countByIndex(names: readonly string[], index: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(names.length)
  for (let i = 0; i < index.length; i++) {
    const k = index[i] ?? -1
    if (names[k] !== undefined) counts[k | 0]! += 1
  }
  return counts
}

/** Counts of each action by name, in the lab's action order. */
export function actionCounts(actions: readonly string[], actionIndex: ArrayLike<number>): Record<string, number> {
  const counts = Object.fromEntries(actions.map((a) => [a, 0])) as Record<string, number>
  const byIndex = countByIndex(actions, actionIndex)
  for (let k = 0; k < actions.length; k++) if (byIndex[k]! > 0) counts[actions[k]!] = (counts[actions[k]!] ?? 0) + byIndex[k]!
  return counts
}

/** Counts of each regime by name. */
export function regimeCounts(regimeNames: readonly string[], regimes: ArrayLike<number>): Record<string, number> {
  return actionCounts(regimeNames, regimes)
}

/** Row-normalised action mix per regime: mix[regime][action] = share of that regime's steps. */
export function actionMixByRegime(
  actions: readonly string[],
  regimeNames: readonly string[],
  actionIndex: ArrayLike<number>,
  regimes: ArrayLike<number>
): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {}
  for (const r of regimeNames) table[r] = Object.fromEntries(actions.map((a) => [a, 0]))
  // steps counted by (regime, action) index first, then named (names may repeat: they add up)
  const A = actions.length
  const counts = new Float64Array(regimeNames.length * A)
  for (let i = 0; i < actionIndex.length; i++) {
    const r = regimes[i] ?? -1
    const a = actionIndex[i] ?? -1
    if (regimeNames[r] === undefined || actions[a] === undefined) continue
    counts[(r | 0) * A + (a | 0)]! += 1
  }
  const totals = new Map<string, number>()
  for (let r = 0; r < regimeNames.length; r++) {
    for (let a = 0; a < A; a++) {
      const c = counts[r * A + a]!
      if (c === 0) continue
      table[regimeNames[r]!]![actions[a]!]! += c
      totals.set(regimeNames[r]!, (totals.get(regimeNames[r]!) ?? 0) + c)
    }
  }
  for (const r of regimeNames) {
    const n = totals.get(r) ?? 0
    for (const a of actions) table[r]![a] = n > 0 ? table[r]![a]! / n : 0
  }
  return table
}

/** Σ values per regime. */
export function sumByRegime(regimeNames: readonly string[], regimes: ArrayLike<number>, values: ArrayLike<number>): Record<string, number> {
  const out = Object.fromEntries(regimeNames.map((r) => [r, 0])) as Record<string, number>
  for (let i = 0; i < values.length; i++) {
    const r = regimeNames[regimes[i] ?? -1]
    if (r !== undefined) out[r] = (out[r] ?? 0) + (values[i] ?? 0)
  }
  return out
}

/** Number of times the action changed, and the longest run of one action. */
export function switchesAndStreak(actionIndex: ArrayLike<number>): { switches: number; longestHold: number } {
  let switches = 0
  let streak = 0
  let longest = 0
  for (let i = 0; i < actionIndex.length; i++) {
    if (i > 0 && actionIndex[i] !== actionIndex[i - 1]) {
      switches++
      streak = 1
    } else streak++
    if (streak > longest) longest = streak
  }
  return { switches, longestHold: longest }
}

/** Running sum, for cumulative cost and P&L series. */
export function cumulative(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length)
  let s = 0
  for (let i = 0; i < values.length; i++) {
    s += values[i] ?? 0
    out[i] = s
  }
  return out
}
