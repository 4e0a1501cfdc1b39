import { binomialCdf, chiSquareSf, normCdf } from './special'

/**
 * Backtests of a VaR/ES forecast against realised returns. Each reads the breach sequence
 * Iₜ = 1{rₜ < −VaRₜ} (or, for ES, the PIT uₜ) over the forecast days and answers a statistic
 * with its p-value: small p-values reject the model.
 */
export interface TestResult {
  statistic: number
  pValue: number
}

/** x·ln(y) with 0·ln 0 = 0, the convention every likelihood ratio below needs. */
const xlogy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y))

/** The breach indicator over forecast days [from, to): 1 where r[t] < −VaR[t]. */
export function breaches(r: ArrayLike<number>, var_: ArrayLike<number>, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from)
  for (let t = from; t < to; t++) out[t - from] = r[t]! < -var_[t]! ? 1 : 0
  return out
}

const sum = (hits: Uint8Array): number => hits.reduce((s, h) => s + h, 0)

/** Kupiec (1995) proportion of failures: LR = −2 ln[L(p)/L(x/T)] ~ χ²(1) for x breaches in T days at breach probability p. */
export function kupiec(hits: Uint8Array, p: number): TestResult & { breaches: number; days: number } {
  const T = hits.length
  const x = sum(hits)
  return { ...kupiecFromCount(x, T, p), breaches: x, days: T }
}

export function kupiecFromCount(x: number, T: number, p: number): TestResult {
  const phat = x / T
  const statistic = Math.max(0, -2 * (xlogy(T - x, 1 - p) + xlogy(x, p) - xlogy(T - x, 1 - phat) - xlogy(x, phat)))
  return { statistic, pValue: chiSquareSf(statistic, 1) }
}

/**
 * Christoffersen (1998): independence of breaches (a first-order Markov chain against an i.i.d.
 * one, χ²(1)) and conditional coverage (Kupiec's LR plus independence, χ²(2)).
 */
export function christoffersen(hits: Uint8Array, p: number): { independence: TestResult; conditionalCoverage: TestResult; transitions: [number, number, number, number] } {
  let n00 = 0
  let n01 = 0
  let n10 = 0
  let n11 = 0
  for (let t = 1; t < hits.length; t++) {
    const a = hits[t - 1]!
    const b = hits[t]!
    if (a === 0) {
      if (b === 0) n00++
      else n01++
    } else if (b === 0) n10++
    else n11++
  }
  const pi01 = n01 / Math.max(1, n00 + n01)
  const pi11 = n11 / Math.max(1, n10 + n11)
  const pi = (n01 + n11) / Math.max(1, n00 + n01 + n10 + n11)
  const restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
  const unrestricted = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
  const lrInd = Math.max(0, -2 * (restricted - unrestricted))
  const lrCc = kupiec(hits, p).statistic + lrInd
  return {
    independence: { statistic: lrInd, pValue: chiSquareSf(lrInd, 1) },
    conditionalCoverage: { statistic: lrCc, pValue: chiSquareSf(lrCc, 2) },
    transitions: [n00, n01, n10, n11]
  }
}

/**
 * Du & Escanciano (2017) unconditional ES backtest: the cumulative violations
 * Hₜ = (p − uₜ)/p · 1{uₜ ≤ p} of the PITs uₜ have mean p/2 and variance p(1/3 − p/4) under a
 * correct model, so U = √T (H̄ − p/2)/√(p(1/3 − p/4)) → N(0, 1); two-sided p-value. H̄ above p/2
 * (U > 0) says losses beyond VaR were larger or more frequent than the model's ES allows.
 */
export function duEscanciano(pit: ArrayLike<number>, from: number, to: number, p: number): TestResult & { meanViolation: number } {
  const T = to - from
  let s = 0
  for (let t = from; t < to; t++) {
    const u = pit[t]!
    if (u <= p) s += (p - u) / p
  }
  const meanViolation = s / T
  const statistic = (Math.sqrt(T) * (meanViolation - p / 2)) / Math.sqrt(p * (1 / 3 - p / 4))
  return { statistic, pValue: 2 * normCdf(-Math.abs(statistic)), meanViolation }
}

export type Zone = 'green' | 'yellow' | 'red'

/**
 * The Basel traffic light (BCBS 1996, "Supervisory framework for the use of backtesting"):
 * green while the binomial probability of at most x breaches stays below 95 %, yellow below
 * 99.99 %, red beyond; at 99 % over 250 days that is green 0–4, yellow 5–9, red 10 or more.
 */
export function trafficLight(breachCount: number, days: number, p: number): Zone {
  const cumulative = binomialCdf(breachCount, days, p)
  return cumulative < 0.95 ? 'green' : cumulative < 0.9999 ? 'yellow' : 'red'
}
