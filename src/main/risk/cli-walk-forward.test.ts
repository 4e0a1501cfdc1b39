import { describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { expectRefusals } from './cli-refusals'
import { labReturns } from './lab-returns'
import { probabilityOfOverfitting } from './overfitting'
import { walkForward } from './walk-forward'

// `mechanica portfolio walk-forward`: the built CLI against the same runs made in this process.

describe('mechanica portfolio walk-forward', () => {
  it('prints in- and out-of-sample per fold and the PBO of the same runs', async () => {
    const out = await mechanica('portfolio', 'walk-forward', 'fx-carry', '--param', 'execution_params.cost_bps=0.5,5,15', '--train', '200', '--test', '150', '--step', '150', '--seed', '7', '--blocks', '8', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as { steps: number; folds: Array<{ trainFrom: number; testTo: number; chosen: number; inSample: number; outOfSample: number }>; pbo: { value: number; splits: number }; cpcv: { paths: unknown[] } }
    const values = [0.5, 5, 15]
    const candidates = await Promise.all(values.map((v) => labReturns({ task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: { 'execution_params.cost_bps': v } }, String(v))))
    const expected = walkForward(candidates, { train: 200, test: 150, step: 150, anchored: false })
    expect(json.steps).toBe(799)
    // 799 returns: folds start at 0, 150, 300, 450 (450 + 350 > 799 ends them).
    expect(json.folds.map((f) => [f.trainFrom, f.testTo])).toEqual([[0, 350], [150, 500], [300, 650]])
    json.folds.forEach((f, i) => {
      expect(f.chosen).toBe(values[expected.folds[i]!.chosen])
      expect(f.inSample).toBe(expected.folds[i]!.inSample)
      expect(f.outOfSample).toBe(expected.folds[i]!.outOfSample)
    })
    expect(json.pbo.value).toBe(probabilityOfOverfitting(candidates, 8).pbo)
    expect(json.pbo.splits).toBe(70)
    expect(json.cpcv.paths).toHaveLength(5)
  })

  it('refuses bad input in one line with exit code 2', async () => {
    const base = ['portfolio', 'walk-forward', 'fx-carry', '--seed', '7', '--train', '200', '--test', '100']
    const cases: Array<[string[], RegExp]> = [
      [[...base], /needs --param/],
      [[...base, '--param', 'execution_params.cost_bps=1'], /at least two values/],
      [[...base, '--param', 'nope.key=1,2'], /unknown key "nope"/],
      [[...base, '--param', 'execution_params.cost_bps=1,2', '--train', '700'], /need 800 steps; the runs have 799/],
      [['portfolio', 'walk-forward', 'fx-carry', '--param', 'execution_params.cost_bps=1,2', '--train', '200', '--test', '100'], /--seed is required/],
      [[...base, '--param', 'execution_params.cost_bps=1,2', '--blocks', '7'], /even whole number/],
      [['portfolio', 'walk-forward', 'no-such-lab', '--param', 'a=1,2', '--seed', '1', '--train', '5', '--test', '5'], /unknown lab "no-such-lab"/]
    ]
    await expectRefusals(cases)
  }, 120_000)
})
