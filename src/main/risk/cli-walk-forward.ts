import { PortfolioWalkForwardRequest, type PortfolioWalkForwardReport } from '../../shared/contract'
import { parseGridAxis } from '../experiments/plan'
import { parseRequest, portfolioIdFlag, withDesk } from './cli-desk'
import { wholeFlag, type Fail } from './cli-flags'

/** The flags `portfolio walk-forward` reads. */
export interface WalkForwardValues {
  db?: string
  id?: string
  run?: string
  param?: string
  train?: string
  test?: string
  step?: string
  anchored?: boolean
  blocks?: string
  purge?: string
  json?: boolean
}

/** The request's fields as the flags that set them, so a refusal names what the user typed. */
const FLAGS = { id: '--id', runId: '--run', param: '--param', values: '--param', train: '--train', test: '--test', step: '--step', blocks: '--blocks', purge: '--purge' }

/**
 * `mechanica portfolio walk-forward --db FILE --id ID --run R --param path=v1,v2,… --train N
 * --test M [--step K] [--anchored] [--blocks 16] [--purge 0] [--json]`: runs pod R's lab once
 * per candidate value on its seed (one market path), selects the value on each training window
 * and holds it over the test window, with CSCV's PBO and CPCV on the same runs — through the
 * desk, so the report is logged in the portfolio's chained log.
 */
export async function commandWalkForward(positionals: string[], values: WalkForwardValues, fail: Fail): Promise<void> {
  if (positionals.length) fail(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const file = values.db ?? fail('portfolio walk-forward needs --db FILE')
  const id = portfolioIdFlag('walk-forward', values.id, fail)
  if (values.run === undefined || !/^[1-9]\d*$/.test(values.run)) fail(`portfolio walk-forward needs --run, the pod whose parameter to walk forward, such as 1 (got ${JSON.stringify(values.run)})`)
  if (values.param === undefined) fail('portfolio walk-forward needs --param path.to.key=v1,v2,… (the candidate values)')
  let axis
  try {
    axis = parseGridAxis(values.param)
  } catch (error) {
    fail((error as Error).message.replace('--grid', '--param'))
  }
  const request = parseRequest(
    PortfolioWalkForwardRequest,
    {
      id,
      runId: Number(values.run),
      param: axis.path,
      values: axis.values,
      train: wholeFlag(fail, '--train', values.train, undefined, 0, 10_000_000),
      test: wholeFlag(fail, '--test', values.test, undefined, 0, 10_000_000),
      step: values.step === undefined ? undefined : wholeFlag(fail, '--step', values.step, undefined, 0, 10_000_000),
      anchored: values.anchored ?? false,
      blocks: values.blocks === undefined ? undefined : wholeFlag(fail, '--blocks', values.blocks, undefined, 0, 32),
      purge: values.purge === undefined ? undefined : wholeFlag(fail, '--purge', values.purge, undefined, 0, 10_000_000)
    },
    FLAGS,
    fail
  )
  const progress = (done: number, total: number): unknown => values.json || process.stderr.write(`walk-forward: ${done}/${total} runs\n`)
  const report: PortfolioWalkForwardReport = await withDesk(file, fail, (desk) => desk.walkForward(request, progress))
  if (values.json) {
    console.log(JSON.stringify(report, null, 2))
    return
  }
  const f3 = (x: number): string => x.toFixed(3)
  console.log(`pod #${report.runId} ${report.lab}: walk-forward of ${report.param} over ${JSON.stringify(report.values)} (seed ${report.seed}, ${report.steps} returns, ${report.windows.anchored ? 'anchored' : 'rolling'}; log entry ${report.logSeq})`)
  console.log(['train', 'test', 'chosen', 'IS sharpe', 'OOS sharpe', 'best OOS'].join('\t'))
  for (const f of report.folds) console.log([`${f.trainFrom}–${f.trainTo}`, `${f.testFrom}–${f.testTo}`, JSON.stringify(f.chosen), f3(f.inSample), f3(f.outOfSample), f3(f.bestOutOfSample)].join('\t'))
  console.log(`mean IS ${f3(report.inSample)}  mean OOS ${f3(report.outOfSample)}  PBO ${f3(report.pbo.value)} (${report.pbo.splits} CSCV splits)  CPCV OOS ${f3(report.cpcv.outOfSample)} (${report.cpcv.paths} paths)`)
}
