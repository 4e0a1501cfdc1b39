import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec, PortfolioDetail } from '../../shared/contract'
import { formatFact } from '../../shared/contract/memo-sections'
import { mechanica } from '../cli-test-support'
import { runAndStore } from '../runs/store-run'
import { openDatabase } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { fileDigests } from '../store/test-support'
import { CODE_VERSION } from '../version'
import type { MethodReport } from './portfolio-risk'
import { memoWindow } from './portfolio-service'

// `mechanica portfolio create | show`: stored portfolios from the command line. Runs the BUILT
// cli (out/main/cli.js) against a database the store API wrote.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-portfolio-store-'))
const file = join(dir, 'pods.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const digests = (): ReturnType<typeof fileDigests> => fileDigests(file)

beforeAll(async () => {
  const db = openDatabase(file)
  try {
    const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
    for (const [seed, T] of [[31, 400], [32, 400], [33, 400], [34, 300]] as const) {
      const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed, overrides: { T } }
      const stored = await runAndStore(new RunsRepository(db), spec, { clock, codeVersion: CODE_VERSION })
      if (!stored.output) throw stored.error
    }
  } finally {
    db.close()
  }
})

describe('mechanica portfolio create and show', () => {
  it('stores a portfolio of runs and shows it back, reproduced from its members', async () => {
    const out = await mechanica('portfolio', 'create', '--db', file, '--name', 'credit book', '--runs', '1,2,3', '--weights', '0.5,0.3,0.2', '--rebalance', '20', '--cost-bps', '1', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const made = JSON.parse(out.stdout) as PortfolioDetail
    expect(made.portfolio).toMatchObject({ id: 1, name: 'credit book', scheme: 'fixed', pods: 3 })
    expect(made.spec).toEqual({ name: 'credit book', runIds: [1, 2, 3], align: 'exact', scheme: 'fixed', fixed: [0.5, 0.3, 0.2], window: 250, rebalanceEvery: 20, costBps: 1 })
    expect(made.summary.weights).toEqual([0.5, 0.3, 0.2])
    expect(made.summary.totalReturn).toBeCloseTo(made.summary.podPnl.reduce((a, b) => a + b, 0) - made.summary.totalCost, 12)
    expect(made.summary.totalCost).toBeGreaterThan(0)
    const shown = await mechanica('portfolio', 'show', '--db', file, '--id', '1', '--json')
    expect(shown.code).toBe(0)
    const read = JSON.parse(shown.stdout) as PortfolioDetail
    expect(read.check).toEqual({ membersUnchanged: true, hashMatches: true, reproduced: true, chainIntact: true, problems: [] })
    expect({ ...read, check: made.check }).toEqual(made)
    const text = await mechanica('portfolio', 'show', '--db', file, '--id', '1')
    expect(text.stdout).toMatch(/^portfolio #1 credit book: 3 pods, fixed weights, rebalanced every 20 steps at 1 bps, 399 steps\n/)
    expect(text.stdout).toContain('check: members unchanged, hash and book reproduced, chain intact')
  })

  it.each([
    [['--name', 'x', '--runs', '1,9'], 'mechanica: run #9 does not exist in this database'],
    [['--name', 'x', '--runs', '1,4'], 'mechanica: runs #1 (399 steps) and #4 (299 steps) are on different step calendars; pass --align common to use the steps they share'],
    [['--name', 'x', '--runs', '1,2', '--weights', '0.7,0.2'], 'mechanica: --weights: fixed weights must sum to 1 (got 0.8999999999999999)'],
    [['--name', 'x', '--runs', '1,2', '--weights', '0.5,0.3,0.2'], 'mechanica: --weights: lists 3 weights for 2 runs'],
    [['--name', 'x', '--runs', '1,2', '--weights', 'vol-target'], 'mechanica: --target: the vol-target scheme needs the target volatility per step'],
    [['--name', 'x', '--runs', '1,2', '--rebalance', '0'], 'mechanica: --rebalance: must be at least 1 step (got 0)'],
    [['--name', 'x', '--runs', '1,2', '--cost-bps=-1'], 'mechanica: --cost-bps: must be ≥ 0 (got -1)'],
    [['--name', 'x', '--runs', '1,2', '--align', 'nearest'], 'mechanica: --align: Invalid option: expected one of "exact"|"common" (got "nearest")'],
    [['--runs', '1,2'], 'mechanica: portfolio create needs --name NAME']
  ])('refuses %j with one line and exit code 2, storing nothing', async (args, message) => {
    const before = digests()
    const out = await mechanica('portfolio', 'create', '--db', file, ...args, '--json')
    expect([out.code, out.stdout, out.stderr.trim()]).toEqual([2, '', message])
    expect(digests()).toEqual(before)
  })

  it('aligns unequal calendars when told the rule, and refuses an unknown portfolio', async () => {
    const out = await mechanica('portfolio', 'create', '--db', file, '--name', 'aligned', '--runs', '1,4', '--align', 'common', '--weights', 'inverse-vol', '--json')
    expect(out.code).toBe(0)
    expect((JSON.parse(out.stdout) as PortfolioDetail).summary.steps).toBe(299)
    const missing = await mechanica('portfolio', 'show', '--db', file, '--id', '42')
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'mechanica: There is no portfolio #42.'])
  })

  it("fills the run's memo with the portfolio's VaR/ES, backtest verdicts and contributions, as the engine gives them", async () => {
    const memo = await mechanica('memo', '--db', file, '--run', '2', '--out', join(dir, 'run-2.md'), '--json')
    expect(memo.code, memo.stderr).toBe(0)
    const text = readFileSync(join(dir, 'run-2.md'), 'utf8')
    expect(text).toContain('Held in portfolio #1 “credit book” (fixed weights, 3 pods, 399 steps')
    expect(text).toContain('weight 0.3,')
    // The same numbers `portfolio risk` prints for the same pods, weights and window.
    const risk = await mechanica('portfolio', 'risk', '--db', file, '--runs', '1,2,3', '--weights', '0.5,0.3,0.2', '--window', String(memoWindow(398)), '--json')
    const methods = (JSON.parse(risk.stdout) as { methods: Record<string, MethodReport> }).methods
    for (const [method, m] of Object.entries(methods)) {
      expect(text).toMatch(new RegExp(`\\| ${method} \\| ${formatFact(m.var).replace('.', '\\.')} \\| ${formatFact(m.es).replace('.', '\\.')} \\| ${m.breaches}/${m.days} \\|.*\\| ${m.backtests.zone.zone} \\|`))
    }
    expect(text).toContain('Contributions to portfolio risk')
    // Credit-spreads keeps an additive ledger (positions in notional): each pod's net, no book total.
    expect(text).toContain('Net exposure per pod only, no total for the book, because #1 (credit-spreads), #2 (credit-spreads), #3 (credit-spreads) keep an additive ledger, positions in lots or notional, not a fraction of equity.')
    expect(text).toMatch(/\| #2 \| credit-spreads \| additive \| -?[\d,.e+-]+ \(lab units\) \|/)
  })
})
