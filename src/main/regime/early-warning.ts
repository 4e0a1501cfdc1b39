// The regime model's early-warning decision (issue 20 item 2): when to call stress from its
// P(stable), sooner than a fixed 0.5 threshold at no more false alarms. A one-sided CUSUM
// (Page 1954) of the model's log-odds of stress: it sums how far the log-odds stand above a
// reference and calls stress once the sum reaches a threshold, so several bars of moderate
// evidence (P(stress) 0.3–0.5, where the threshold rule waits) call it as surely as one strong
// bar. The sum is capped a little above the threshold: once the model's odds fall below the
// reference the call ends within a few bars, and the strategy's hysteresis takes it from there.
// Causal: bar t reads P(stable) of bars ≤ t only. Its numbers live in the model's card
// (`early_warning`), tuned on validation seeds only.

/** The rule's numbers, in log-odds of stress. */
export interface EarlyWarningRule {
  /** Log-odds each bar must exceed to add evidence (−2: P(stress) above 0.119). */
  reference: number
  /** Evidence at which stress is called. */
  threshold: number
  /** Most evidence kept (≥ threshold): how long a call outlives the model's odds falling. */
  cap: number
}

/** P(stress) is clipped to [ε, 1 − ε] before the log-odds, so a saturated softmax adds finite evidence. */
export const LOG_ODDS_CLIP = 1e-6

export function checkEarlyWarningRule(rule: EarlyWarningRule): EarlyWarningRule {
  const { reference, threshold, cap } = rule
  if (![reference, threshold, cap].every(Number.isFinite)) throw new RangeError(`early_warning: reference, threshold and cap must be finite (got ${reference}, ${threshold}, ${cap})`)
  if (!(threshold > 0)) throw new RangeError(`early_warning.threshold must be > 0 (got ${threshold})`)
  if (!(cap >= threshold)) throw new RangeError(`early_warning.cap must be ≥ threshold ${threshold} (got ${cap})`)
  return rule
}

/** Streaming form: one bar's P(stable) in, the stress call (1) or not (0) out. */
export class EarlyWarning {
  private evidence = 0

  constructor(private readonly rule: EarlyWarningRule) {
    checkEarlyWarningRule(rule)
  }

  /** NaN (no probability yet) leaves the evidence as it is and returns −1. */
  update(pStable: number): -1 | 0 | 1 {
    if (Number.isNaN(pStable)) return -1
    const q = Math.min(1 - LOG_ODDS_CLIP, Math.max(LOG_ODDS_CLIP, 1 - pStable))
    const logOdds = Math.log(q / (1 - q))
    this.evidence = Math.min(this.rule.cap, Math.max(0, this.evidence + logOdds - this.rule.reference))
    return this.evidence >= this.rule.threshold ? 1 : 0
  }
}

/** The raw stress signal over a whole series (−1 where P(stable) is NaN), from a fresh state. */
export function earlyWarningSignal(pStable: ArrayLike<number>, rule: EarlyWarningRule): Int8Array {
  const trigger = new EarlyWarning(rule)
  const out = new Int8Array(pStable.length)
  for (let t = 0; t < pStable.length; t++) out[t] = trigger.update(pStable[t]!)
  return out
}

/** The raw stress signal of a P(stable) series: the model's early-warning rule where it has one, else P(stable) < pFlat. */
export function rawStressSignal(pStable: ArrayLike<number>, pFlat: number, rule?: EarlyWarningRule): Int8Array {
  if (rule) return earlyWarningSignal(pStable, rule)
  return Int8Array.from({ length: pStable.length }, (_, t) => (Number.isNaN(pStable[t]!) ? -1 : pStable[t]! < pFlat ? 1 : 0))
}
