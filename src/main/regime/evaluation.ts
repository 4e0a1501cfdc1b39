// Regime-classification and strategy metrics (spec §4.8 [REC], §5.7). Labels: 0 = stable,
// 1 = stress; a prediction of −1 means "no prediction" (warm-up) and is excluded.

export interface Confusion {
  tp: number
  fp: number
  tn: number
  fn: number
}

export function confusion(pred: ArrayLike<number>, truth: ArrayLike<number>, from = 0, to = truth.length): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 }
  for (let t = from; t < to; t++) {
    const p = pred[t]
    if (p !== 0 && p !== 1) continue
    if (truth[t] === 1) {
      if (p === 1) c.tp++
      else c.fn++
    } else if (p === 1) c.fp++
    else c.tn++
  }
  return c
}

/** Share of predicted bars equal to the label; null with no predicted bar. */
export function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>, from = 0, to = truth.length): number | null {
  const c = confusion(pred, truth, from, to)
  const n = c.tp + c.fp + c.tn + c.fn
  return n === 0 ? null : (c.tp + c.tn) / n
}

/** F1 of the stress class: 2·TP / (2·TP + FP + FN); null when it has no positive at all. */
export function f1Stress(pred: ArrayLike<number>, truth: ArrayLike<number>, from = 0, to = truth.length): number | null {
  const c = confusion(pred, truth, from, to)
  const d = 2 * c.tp + c.fp + c.fn
  return d === 0 ? null : (2 * c.tp) / d
}

export interface SwitchDetection {
  /** First bar of the new true regime. */
  at: number
  direction: 'to_stress' | 'to_stable'
  /** First bar d ≥ at, before the next true switch, at which pred equals the new regime; null if never. */
  detectedAt: number | null
  /** detectedAt − at (0 = detected on the switch bar). */
  delay: number | null
  /**
   * The classifier's call on the bar before the switch (null: no prediction there). When it is
   * already the new regime the switch was "pre-flagged": its delay 0 is no detection (see
   * time-to-detection.ts).
   */
  calledBefore: 0 | 1 | null
  /** False alarms in the stable segment that ends at this switch (to_stress) — see falseAlarms. */
  falseAlarmsBefore: number
  /** Their rate per 1,000 stable bars of that segment. */
  falseAlarmRateBefore: number | null
}

/**
 * A false alarm is the onset of a predicted stress run (pred 1 at t while pred[t−1] ≠ 1, or at
 * the first predicted bar) at a bar whose true label is 0. Counted per true stable segment.
 */
function isFalseAlarm(pred: ArrayLike<number>, truth: ArrayLike<number>, t: number, from: number): boolean {
  return pred[t] === 1 && truth[t] === 0 && (t === from || pred[t - 1] !== 1)
}

/**
 * Per true switch inside [from, to): time to detection and the false alarms of the stable
 * segment before it. Switches are bars t > from with truth[t] ≠ truth[t−1].
 */
export function switchDetections(pred: ArrayLike<number>, truth: ArrayLike<number>, from = 0, to = truth.length): SwitchDetection[] {
  const switches: number[] = []
  for (let t = from + 1; t < to; t++) if (truth[t] !== truth[t - 1]) switches.push(t)
  return switches.map((at, k) => {
    const end = switches[k + 1] ?? to
    const target = truth[at]!
    let detectedAt: number | null = null
    for (let d = at; d < end; d++) {
      if (pred[d] === target) {
        detectedAt = d
        break
      }
    }
    let alarms = 0
    let stableBars = 0
    if (target === 1) {
      const segStart = k === 0 ? from : switches[k - 1]!
      for (let t = segStart; t < at; t++) {
        if (pred[t] !== 0 && pred[t] !== 1) continue
        stableBars++
        if (isFalseAlarm(pred, truth, t, from)) alarms++
      }
    }
    const before = pred[at - 1]
    return {
      at,
      direction: target === 1 ? 'to_stress' : 'to_stable',
      detectedAt,
      delay: detectedAt === null ? null : detectedAt - at,
      calledBefore: before === 0 || before === 1 ? before : null,
      falseAlarmsBefore: alarms,
      falseAlarmRateBefore: stableBars === 0 ? null : (1000 * alarms) / stableBars
    }
  })
}

/** False alarms per 1,000 true-stable predicted bars over [from, to) (spec §4.8 [REC]). */
export function falseAlarmRate(pred: ArrayLike<number>, truth: ArrayLike<number>, from = 0, to = truth.length): number | null {
  let alarms = 0
  let stable = 0
  for (let t = from; t < to; t++) {
    if ((pred[t] !== 0 && pred[t] !== 1) || truth[t] !== 0) continue
    stable++
    if (isFalseAlarm(pred, truth, t, from)) alarms++
  }
  return stable === 0 ? null : (1000 * alarms) / stable
}

/** Compound annual growth of per-bar simple returns over the bars where mask is true. */
function maskedCagr(returns: ArrayLike<number>, mask: (t: number) => boolean, periodsPerYear: number): number | null {
  let logSum = 0
  let n = 0
  for (let t = 0; t < returns.length; t++) {
    if (!mask(t)) continue
    logSum += Math.log1p(returns[t]!)
    n++
  }
  return n === 0 ? null : Math.exp((logSum * periodsPerYear) / n) - 1
}

/**
 * Downside capture (spec §5.7): strategy CAGR over bear bars ÷ benchmark CAGR over the same
 * bars, bear = true label 1 (the book leaves "bear market" undefined). Target < 0.2.
 * Returns are aligned per bar; null when there is no bear bar or the benchmark CAGR is 0.
 */
export function downsideCapture(strategy: ArrayLike<number>, benchmark: ArrayLike<number>, labels: ArrayLike<number>, periodsPerYear = 252): number | null {
  const s = maskedCagr(strategy, (t) => labels[t] === 1, periodsPerYear)
  const b = maskedCagr(benchmark, (t) => labels[t] === 1, periodsPerYear)
  return s === null || b === null || b === 0 ? null : s / b
}

/** Annualised Sharpe: mean/std (ddof 1) × √periods; risk-free 0. Null if flat. */
export function sharpe(returns: ArrayLike<number>, periodsPerYear = 252): number | null {
  const n = returns.length
  if (n < 2) return null
  let m = 0
  for (let t = 0; t < n; t++) m += returns[t]!
  m /= n
  let ss = 0
  for (let t = 0; t < n; t++) ss += (returns[t]! - m) ** 2
  const sd = Math.sqrt(ss / (n - 1))
  return sd === 0 ? null : (m / sd) * Math.sqrt(periodsPerYear)
}

/**
 * Annualised Sortino (spec §5.7, corrected per its [GAP]): mean(r − T) / DD × √periods, with
 * DD = sqrt(mean(min(r − T, 0)²)) over all bars of the strategy's own returns, T = 0.
 */
export function sortino(returns: ArrayLike<number>, periodsPerYear = 252, target = 0): number | null {
  const n = returns.length
  if (n === 0) return null
  let m = 0
  let dd = 0
  for (let t = 0; t < n; t++) {
    const x = returns[t]! - target
    m += x
    if (x < 0) dd += x * x
  }
  m /= n
  dd = Math.sqrt(dd / n)
  return dd === 0 ? null : (m / dd) * Math.sqrt(periodsPerYear)
}

/** Largest fall from the running peak of the equity curve, as a fraction of the peak. */
export function maxDrawdownOf(equity: ArrayLike<number>): number {
  let peak = -Infinity
  let worst = 0
  for (let t = 0; t < equity.length; t++) {
    const e = equity[t]!
    if (e > peak) peak = e
    if (peak > 0) worst = Math.max(worst, 1 - e / peak)
  }
  return worst
}

/**
 * "Paranoia cost" (spec §5.7): benchmark return compounded over the first `days` bars of each
 * new stable segment minus the strategy's over the same bars, averaged over recoveries.
 */
export function paranoiaCost(strategy: ArrayLike<number>, benchmark: ArrayLike<number>, labels: ArrayLike<number>, days = 10): number | null {
  const gaps: number[] = []
  for (let t = 1; t < labels.length; t++) {
    if (!(labels[t] === 0 && labels[t - 1] === 1)) continue
    let s = 1
    let b = 1
    for (let k = t; k < Math.min(labels.length, t + days); k++) {
      s *= 1 + strategy[k]!
      b *= 1 + benchmark[k]!
    }
    gaps.push(b - s)
  }
  return gaps.length === 0 ? null : gaps.reduce((a, x) => a + x, 0) / gaps.length
}
