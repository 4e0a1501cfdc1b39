import type { LabRunSpec } from '../../shared/contract'
import { PresetId } from '../../shared/contract'
import { parseSets } from '../cli-args'
import { parseGridAxis } from '../experiments/plan'
import { checkLabSpec, labReturns } from './lab-returns'
import { combinatorialPurgedCv, probabilityOfOverfitting } from './overfitting'
import { walkForward } from './walk-forward'
import { rethrowAsUsage, wholeFlag, type Fail } from './cli-flags'

/** The flags `portfolio walk-forward` reads. */
export interface WalkForwardValues {
  param?: string
  train?: string
  test?: string
  step?: string
  anchored?: boolean
  seed?: string
  preset?: string
  set?: string[]
  blocks?: string
  purge?: string
  json?: boolean
}

/** The largest even number of CSCV blocks ≤ 16 that leaves each block at least 2 steps (PBO's default). */
export const defaultBlocks = (T: number): number => Math.max(2, Math.min(16, 2 * Math.floor(T / 4)))

/**
 * `mechanica portfolio walk-forward <lab> --param PATH=v1,v2,… --train N --test M [--step K]
 * [--anchored] --seed S [--preset P] [--set path=value]… [--blocks 16] [--purge 0] [--json]`:
 * runs the lab once per candidate value on one seed (one market path), then selects the value on
 * each training window and holds it over the test window; CSCV's PBO and CPCV on the same runs.
 */
export async function commandWalkForward(positionals: string[], values: WalkForwardValues, fail: Fail): Promise<void> {
  const [lab, extra] = positionals
  if (lab === undefined) fail('portfolio walk-forward needs a lab id (see `mechanica labs`)')
  if (extra !== undefined) fail(`unexpected argument ${JSON.stringify(extra)}`)
  if (values.param === undefined) fail('portfolio walk-forward needs --param path.to.key=v1,v2,… (the candidate values)')
  let axis
  try {
    axis = parseGridAxis(values.param)
  } catch (error) {
    fail((error as Error).message.replace('--grid', '--param'))
  }
  if (axis.values.length < 2) fail(`--param needs at least two values to choose between (got ${axis.values.length})`)
  const preset = PresetId.safeParse(values.preset ?? 'faithful')
  if (!preset.success) fail(`--preset must be "faithful", "corrected" or a lab profile (got ${JSON.stringify(values.preset)})`)
  const seed = wholeFlag(fail, '--seed', values.seed, undefined, 0, 0xffff_ffff)
  const train = wholeFlag(fail, '--train', values.train, undefined, 2, 10_000_000)
  const test = wholeFlag(fail, '--test', values.test, undefined, 2, 10_000_000)
  const step = wholeFlag(fail, '--step', values.step, test, 1, 10_000_000)
  const purge = wholeFlag(fail, '--purge', values.purge, 0, 0, 10_000_000)
  const base = parseSets(values.set ?? [])
  const chosenBlocks = values.blocks === undefined ? undefined : wholeFlag(fail, '--blocks', values.blocks, undefined, 2, 32)
  if (chosenBlocks !== undefined && chosenBlocks % 2 !== 0) fail(`--blocks must be an even whole number (CSCV splits the blocks in halves; got ${chosenBlocks})`)
  const specs: LabRunSpec[] = axis.values.map((v) => ({ task: 'lab', lab, preset: preset.data, seed, overrides: { ...base, [axis.path]: v } }))
  // Every candidate is planned before any runs: a bad value fails here, naming the key.
  const planned = Math.min(...specs.map(checkLabSpec))
  if (train + test > planned - 1) fail(`--train ${train} and --test ${test} need ${train + test} steps; the runs have ${planned - 1} returns`)
  const candidates: Float64Array[] = []
  for (const [i, spec] of specs.entries()) {
    candidates.push(await labReturns(spec, `${axis.path}=${JSON.stringify(axis.values[i])}`))
    if (!values.json) process.stderr.write(`walk-forward: ${i + 1}/${specs.length} runs\n`)
  }
  const T = Math.min(...candidates.map((c) => c.length))
  const aligned = candidates.map((c) => c.subarray(0, T))
  const blocks = chosenBlocks ?? defaultBlocks(T)
  let output
  try {
    const result = walkForward(aligned, { train, test, step, anchored: values.anchored ?? false })
    const pbo = probabilityOfOverfitting(aligned, blocks)
    const cpcv = combinatorialPurgedCv(aligned, { groups: 6, testGroups: 2, purge, embargo: purge })
    const label = (n: number): unknown => axis.values[n]
    output = {
      lab,
      preset: preset.data,
      seed,
      param: axis.path,
      values: axis.values,
      steps: T,
      windows: { train, test, step, anchored: values.anchored ?? false },
      folds: result.folds.map((f) => ({ ...f, chosen: label(f.chosen) })),
      inSample: result.meanInSample,
      outOfSample: result.meanOutOfSample,
      efficiency: result.efficiency,
      outOfSampleReturn: result.outOfSampleReturn,
      pbo: { value: pbo.pbo, blocks: pbo.blocks, splits: pbo.splits.length, degradation: pbo.degradation, probabilityOfLoss: pbo.probabilityOfLoss },
      cpcv: {
        groups: cpcv.groups,
        testGroups: cpcv.testGroups,
        purge,
        embargo: purge,
        inSample: cpcv.meanInSample,
        outOfSample: cpcv.meanOutOfSample,
        paths: cpcv.paths.map((p) => ({ sharpe: p.sharpe, chosen: p.chosen.map(label) }))
      }
    }
  } catch (error) {
    rethrowAsUsage(fail, error)
  }
  if (values.json) {
    console.log(JSON.stringify(output, null, 2))
    return
  }
  const f3 = (x: number): string => x.toFixed(3)
  console.log(`${lab} walk-forward of ${axis.path} over ${JSON.stringify(axis.values)} (seed ${seed}, ${T} returns, ${output.windows.anchored ? 'anchored' : 'rolling'})`)
  console.log(['train', 'test', 'chosen', 'IS sharpe', 'OOS sharpe', 'best OOS'].join('\t'))
  for (const f of output.folds) console.log([`${f.trainFrom}–${f.trainTo}`, `${f.testFrom}–${f.testTo}`, JSON.stringify(f.chosen), f3(f.inSample), f3(f.outOfSample), f3(f.bestOutOfSample)].join('\t'))
  console.log(`mean IS ${f3(output.inSample)}  mean OOS ${f3(output.outOfSample)}  PBO ${f3(output.pbo.value)} (${output.pbo.splits} CSCV splits)  CPCV OOS ${f3(output.cpcv.outOfSample)}`)
}
