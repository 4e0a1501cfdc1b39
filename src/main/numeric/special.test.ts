import { describe, expect, it } from 'vitest'
import { gammaP, logGamma, studentTLogPdf } from './special'
import reference from './special.reference.json'

// special.reference.json: SciPy's values (its version is in the file), written by
// tools/regime-model/reference/special_reference.py.

const close = (actual: number, expected: number, rel: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)))
}

describe('special functions against SciPy ' + reference.scipy, () => {
  it('logGamma matches scipy.special.gammaln', () => {
    for (const [x, want] of reference.gammaln) close(logGamma(x!), want!, 2e-14)
  })

  it('gammaP matches scipy.special.gammainc on both sides of x = a + 1', () => {
    for (const [a, x, want] of reference.gammainc) close(gammaP(a!, x!), want!, 1e-14)
  })

  it('studentTLogPdf matches scipy.stats.t.logpdf', () => {
    for (const [x, nu, mu, s, want] of reference.t_logpdf) close(studentTLogPdf(x!, nu!, mu!, s!), want!, 2e-14)
  })

  it('refuses arguments outside the domain', () => {
    expect(() => logGamma(0)).toThrow(/x > 0/)
    expect(() => gammaP(-1, 1)).toThrow(/a > 0/)
    expect(() => gammaP(1, -1)).toThrow(/x ≥ 0/)
    expect(gammaP(2, 0)).toBe(0)
  })
})
