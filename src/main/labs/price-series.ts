// Price series of the labs, for regime inference on any lab (issue 5 §8). Every lab orders
// its regimes calm first (calm/risk_off, calm/stressed, stable/crash…), so "stress" is any
// regime after the first: the label the regime model's evaluation compares against.

/** 1 where the lab's regime is not its first (calm) one, else 0. */
export function stressLabels(regime: ArrayLike<number>): Int8Array {
  const out = new Int8Array(regime.length)
  for (let t = 0; t < regime.length; t++) out[t] = regime[t]! > 0 ? 1 : 0
  return out
}

/** An index level from simple returns: start × Π(1 + r_t), with bar 0 at `start`. */
export function closesFromReturns(returns: ArrayLike<number>, start = 100): Float64Array {
  const out = new Float64Array(returns.length)
  let level = start
  for (let t = 0; t < returns.length; t++) {
    if (t > 0) level *= 1 + returns[t]!
    out[t] = level
  }
  return out
}
