import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { earlyWarningSignal } from '../../regime/early-warning'
import { filterSeries } from '../../regime/filter'
import type { ModelRegimeOutput } from '../../regime/model-output'
import type { HestonRegimeConfig } from './config'
import { hestonRegimeLab } from './lab'

// The regime model's early-warning rule in the lab's own path (issue 20 item 2): when the
// model's output carries the rule, the raw stress signal is the rule's call, the strategy's
// hysteresis runs over it, and nothing a later bar brings changes an earlier decision.

const RULE = { reference: -2, threshold: 8, cap: 11 }
const FIRST_BAR = 101

function configOf(nSteps: number): HestonRegimeConfig {
  return resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 2001, n_steps: nSteps, 'classifier.kind': 'ssm' }) as HestonRegimeConfig
}

/** A stand-in for the model's output: P(stable) given per bar from FIRST_BAR on. */
function modelOutput(pStable: ArrayLike<number>, earlyWarning?: typeof RULE): ModelRegimeOutput {
  return {
    firstBar: FIRST_BAR,
    pStable: Float64Array.from(pStable),
    oodDistance: new Float64Array(pStable.length),
    oodRadius: 1,
    model: { name: 'stand-in', sha256: '0'.repeat(64) },
    executionProvider: 'cpu',
    ...(earlyWarning ? { earlyWarning } : {})
  }
}

/** A P(stable) path with calm stretches, slow rises and stress, deterministic in t. */
const pathAt = (t: number): number => 0.5 + 0.45 * Math.sin(t / 37) * Math.cos(t / 211)

describe('heston-regime with the model early-warning rule', () => {
  it('calls stress with the rule from the walk-forward start, then the 2/6 hysteresis', () => {
    const config = configOf(2500)
    const p = Array.from({ length: 2500 - FIRST_BAR }, (_, i) => pathAt(FIRST_BAR + i))
    const market = hestonRegimeLab.market(config, { regime: modelOutput(p, RULE) })
    const start = config.strategy.start_bar
    const expectedRaw = earlyWarningSignal(market.inference.pStable, RULE)
    expect(Array.from(market.rawSignal)).toEqual(Array.from(expectedRaw))
    expect(market.rawSignal[start - 1]).toBe(-1)
    expect(Array.from(market.filtered)).toEqual(Array.from(filterSeries(expectedRaw, { threshold: 3, asymmetric: { exit: 2, entry: 6 } })))
    // the rule calls stress where P(stable) < 0.5 would not, so it is not the threshold in disguise
    const threshold = hestonRegimeLab.market(config, { regime: modelOutput(p) })
    expect(Array.from(threshold.rawSignal)).not.toEqual(Array.from(market.rawSignal))
    expect(market.rawSignal.filter((r) => r === 1).length).toBeGreaterThan(threshold.rawSignal.filter((r) => r === 1).length)
  })

  it('is causal: a run of more bars decides the shared bars exactly as the shorter run did (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1200 - FIRST_BAR, maxLength: 1200 - FIRST_BAR }), fc.integer({ min: 1, max: 300 }), (p, extra) => {
        const future = Array.from({ length: extra }, (_, i) => pathAt(i))
        const short = hestonRegimeLab.market(configOf(1200), { regime: modelOutput(p, RULE) })
        const long = hestonRegimeLab.market(configOf(1200 + extra), { regime: modelOutput([...p, ...future], RULE) })
        expect(Array.from(long.filtered.subarray(0, 1200))).toEqual(Array.from(short.filtered))
        expect(Array.from(long.rawSignal.subarray(0, 1200))).toEqual(Array.from(short.rawSignal))
      }),
      { numRuns: 25 }
    )
  })

  it('refuses a rule whose cap is below its threshold', () => {
    const p = new Float64Array(2500 - FIRST_BAR).fill(0.7)
    expect(() => hestonRegimeLab.market(configOf(2500), { regime: modelOutput(p, { reference: -2, threshold: 8, cap: 4 }) })).toThrow(/early_warning\.cap must be ≥ threshold 8/)
  })
})
