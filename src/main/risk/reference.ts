import { readFileSync } from 'node:fs'

/** The NumPy/SciPy reference values made by tools/risk/reference.py (provenance inside the file). */
type Sampled = Array<[number, number]>
interface Backtests {
  breaches: number
  kupiec: [number, number]
  transitions: [number, number, number, number]
  independence: [number, number]
  conditionalCoverage: [number, number]
  es?: [number, number]
}
export interface RiskReference {
  provenance: Record<string, string | number>
  confidence: number
  window: number
  returns: number[]
  special: { normCdf: Array<[number, number]>; normQuantile: Array<[number, number]>; chiSquareSf: Array<[number, number, number]>; binomialCdf: Array<[number, number, number, number]> }
  historical: { var: Sampled; es: Sampled; backtests: Backtests }
  parametric: { var: Sampled; es: Sampled; backtests: Backtests }
  cornishFisher: { var: Sampled; es: Sampled; backtests: Backtests }
  fhsEwma: { var: Sampled; es: Sampled; backtests: Backtests }
  fhsGarch: { refitEvery: number; var: Sampled; es: Sampled; fits: Array<{ t: number; omega: number; alpha: number; beta: number; negLogLik: number }> }
  garchFit: { from: number; to: number; omega: number; alpha: number; beta: number; negLogLik: number }
  portfolio: {
    returns: number[][]
    covariance: number[]
    inverseVol: number[]
    riskParity: number[]
    riskParityContributions: number[]
    hrp: number[]
    hrpOrder: number[]
    hrpLinkage: Array<[number, number, number, number]>
  }
  monteCarlo: { seed: number; scenarios: number; first: number[]; quantile: number; tailMean: number }
}

export const riskReference = JSON.parse(readFileSync(new URL('./__fixtures__/reference.json', import.meta.url), 'utf8')) as RiskReference
