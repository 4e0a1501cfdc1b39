import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec, PortfolioLimitsReport, PortfolioStressReport, PortfolioWalkForwardReport } from '../../shared/contract'
import { mechanica } from '../cli-test-support'
import { runAndStore } from '../runs/store-run'
import { openDatabase } from '../store/database'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { CODE_VERSION } from '../version'
import { expectRefusals } from './cli-refusals'
import { inProcessRunner } from './engine-equity'
import { PortfolioDesk } from './portfolio-desk'
import { PortfolioService } from './portfolio-service'
import { fixedClock } from './test-support'

// `mechanica portfolio stress|walk-forward`: the built CLI goes through the same desk as the
// router, so its reports equal the desk's on a twin store, and land in the portfolio's chained log.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-desk-cli-'))
const file = join(dir, 'pods.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const specs: LabRunSpec[] = [
  { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: {} },
  { task: 'lab', lab: 'fx-carry', preset: 'corrected', seed: 8, overrides: {} }
]

async function storeBook(path: string): Promise<void> {
  const db = openDatabase(path)
  try {
    const runs = new RunsRepository(db)
    for (const spec of specs) {
      const stored = await runAndStore(runs, spec, { clock: fixedClock, codeVersion: CODE_VERSION })
      if (!stored.output) throw stored.error
    }
    await new PortfolioService(runs, new PortfoliosRepository(db), fixedClock).create({ name: 'carry', runIds: [1, 2], scheme: 'equal' })
  } finally {
    db.close()
  }
}

function readLog(): { kinds: string[]; brokenAt: number | null } {
  const db = openDatabase(file, { readonly: true })
  try {
    const log = new PortfolioLogRepository(db)
    return { kinds: log.list(1).map((e) => e.kind), brokenAt: log.verify(1) }
  } finally {
    db.close()
  }
}

describe('mechanica portfolio stress and walk-forward through the desk', () => {
  beforeAll(() => storeBook(file), 120_000)

  it('stress: the desk’s report, logged with its limit check, and answered from the log when asked again', async () => {
    const args = ['portfolio', 'stress', '--db', file, '--id', '1', '--shock', 'vol=3', '--loss-limit', '0.05', '--limit', 'maxPodWeight=0.4', '--json']
    const out = await mechanica(...args)
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as { stress: PortfolioStressReport; limits: PortfolioLimitsReport }
    // The same desk on a twin store in this process gives the same numbers.
    const twin = join(dir, 'twin.db')
    await storeBook(twin)
    const db = openDatabase(twin)
    const runs = new RunsRepository(db)
    const portfolios = new PortfoliosRepository(db)
    const desk = new PortfolioDesk({ runs, portfolios, service: new PortfolioService(runs, portfolios, fixedClock), log: new PortfolioLogRepository(db), runner: inProcessRunner, clock: fixedClock })
    const stress = await desk.stress({ id: 1, shocks: [{ kind: 'vol', factor: 3 }], lossLimit: 0.05, menus: false })
    const limits = await desk.limits({ id: 1, limits: { maxPodWeight: 0.4 } })
    db.close()
    expect(json.stress.scenarios).toEqual(stress.scenarios)
    expect(json.stress.reverse).toEqual(stress.reverse)
    expect(json.limits.rows).toEqual(limits.rows)
    // Two pods at 0.5 over a 0.4 cap with no free pod: both capped, 0.2 in cash.
    expect(json.limits.events[0]).toMatchObject({ rule: 'pod_concentration', before: [0.5, 0.5], after: [0.4, 0.4] })
    const log = readLog()
    expect(log.kinds).toEqual(['stress', 'check', ...json.limits.events.map(() => 'constraint_event')])
    expect(log.brokenAt).toBeNull()
    // Asked again: the same report from the log, nothing appended.
    const again = await mechanica(...args)
    expect(JSON.parse(again.stdout)).toEqual(json)
    expect(readLog().kinds).toHaveLength(log.kinds.length)
  }, 120_000)

  it('walk-forward: a pod’s parameter through the desk, logged on the portfolio', async () => {
    const out = await mechanica('portfolio', 'walk-forward', '--db', file, '--id', '1', '--run', '1', '--param', 'execution_params.cost_bps=0.5,5,15', '--train', '200', '--test', '150', '--blocks', '8', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as PortfolioWalkForwardReport
    expect(json).toMatchObject({ runId: 1, lab: 'fx-carry', seed: 7, steps: 799, values: [0.5, 5, 15] })
    expect(json.folds.map((f) => [f.trainFrom, f.testTo])).toEqual([[0, 350], [150, 500], [300, 650]])
    expect(json.pbo.splits).toBe(70) // C(8, 4)
    const log = readLog()
    expect(log.kinds.at(-1)).toBe('walk_forward')
    expect(log.brokenAt).toBeNull()
  }, 120_000)

  it('refuses bad input in one line with exit code 2', async () => {
    const stress = ['portfolio', 'stress', '--db', file, '--id', '1']
    const walk = ['portfolio', 'walk-forward', '--db', file, '--id', '1', '--run', '1', '--train', '200', '--test', '100']
    const cases: Array<[string[], RegExp]> = [
      [[...stress, '--shock', 'corr=2'], /corr must be a level in \[0, 1\]/],
      [[...stress, '--shock', 'crash=1'], /--shock must be corr=LEVEL/],
      [[...stress, '--loss-limit', '1.5'], /--loss-limit must be a fraction/],
      [[...stress, '--limit', 'maxLeverage=2'], /--limit must be NAME=VALUE/],
      [['portfolio', 'stress', '--db', file], /portfolio stress needs --id/],
      [['portfolio', 'stress', '--db', file, '--id', '9'], /There is no portfolio #9/],
      [['portfolio', 'stress', '--db', join(dir, 'none.db'), '--id', '1'], /does not exist/],
      [[...walk], /needs --param/],
      [[...walk, '--param', 'execution_params.cost_bps=1'], /--param: needs at least two values/],
      [[...walk, '--param', 'execution_params.cost_bps=1,2', '--train', '700'], /need 800 steps; the runs have 799/],
      [[...walk, '--param', 'execution_params.cost_bps=1,2', '--blocks', '7'], /--blocks: must be even/],
      [[...walk, '--param', 'execution_params.cost_bps=1,2', '--run', '5'], /runId: run #5 is not a pod of portfolio #1/]
    ]
    await expectRefusals(cases)
  }, 180_000)
})
