import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { mechanica } from '../cli-test-support'
import { runAndStore } from '../runs/store-run'
import { openDatabase } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { fileDigests } from '../store/test-support'
import { CODE_VERSION } from '../version'
import { RISK_METHODS, type MethodReport } from './portfolio-risk'

// `mechanica portfolio risk`: stored runs held as pods, VaR/ES by six methods with backtests.
// Runs the BUILT cli (out/main/cli.js) against a database the store API wrote.

// One database for the suite: storing four lab runs is the slow part.
const dir = mkdtempSync(join(tmpdir(), 'mechanica-portfolio-'))
const file = join(dir, 'pods.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const digests = (): ReturnType<typeof fileDigests> => fileDigests(file)

async function store(db: ReturnType<typeof openDatabase>, seed: number, T: number): Promise<void> {
  const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed, overrides: { T } }
  const stored = await runAndStore(new RunsRepository(db), spec, { clock: { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }, codeVersion: CODE_VERSION })
  if (!stored.output) throw stored.error
}

describe('mechanica portfolio risk', () => {
  beforeAll(async () => {
    const db = openDatabase(file)
    try {
      // credit-spreads logs T − 1 steps: 599 steps, 598 returns for T = 600.
      for (const seed of [11, 12, 13]) await store(db, seed, 600) // runs #1–#3
      await store(db, 14, 500) // run #4: a shorter calendar
    } finally {
      db.close()
    }
  })

  it('prints per method the latest VaR and ES, the breaches and the backtests', async () => {
    const out = await mechanica('portfolio', 'risk', '--db', file, '--runs', '1,2,3', '--weights', 'risk-parity', '--window', '250', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as { steps: number; runs: Array<{ weight: number; riskContribution: number }>; methods: Record<string, MethodReport>; correlation: number[][] }
    expect(json.steps).toBe(599)
    expect(json.runs.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 12)
    for (const r of json.runs) expect(r.riskContribution).toBeCloseTo(1 / 3, 9)
    expect(json.correlation.map((row, i) => row[i])).toEqual([1, 1, 1])
    expect(Object.keys(json.methods)).toEqual([...RISK_METHODS])
    for (const m of RISK_METHODS) {
      const x = json.methods[m]!
      expect(x.es).toBeGreaterThanOrEqual(x.var - 1e-12)
      expect(x.days).toBe(598 - 250)
      expect(x.breaches).toBeGreaterThanOrEqual(0)
      for (const p of [x.backtests.kupiec.pValue, x.backtests.christoffersen.independence.pValue, x.backtests.christoffersen.conditionalCoverage.pValue, x.backtests.es.pValue]) {
        expect(p).toBeGreaterThanOrEqual(0)
        expect(p).toBeLessThanOrEqual(1)
      }
      expect(['green', 'yellow', 'red']).toContain(x.backtests.zone.zone)
      expect(x.backtests.es.test).toBe('du-escanciano')
    }
    // Same database, same flags: the same bytes.
    expect((await mechanica('portfolio', 'risk', '--db', file, '--runs', '1,2,3', '--weights', 'risk-parity', '--window', '250', '--json')).stdout).toBe(out.stdout)
  })

  it.each([
    [['--runs', '1,2,9'], 'mechanica: run #9 does not exist in this database'],
    [['--runs', '1,4'], 'mechanica: runs #1 (599 steps) and #4 (499 steps) are on different step calendars; pass --align common to use the steps they share'],
    [['--runs', '1,2', '--confidence', '1.2'], 'mechanica: --confidence must be a number in (0, 1) such as 0.99 (got "1.2")'],
    [['--runs', '1,2', '--weights', '0.7,0.2'], 'mechanica: --weights must sum to 1 (got 0.8999999999999999)'],
    [['--runs', '1,2', '--weights', 'momentum'], 'mechanica: --weights must be equal|inverse-vol|vol-target|risk-parity|hrp or fixed weights such as 0.5,0.3,0.2 (got "momentum")'],
    [['--runs', '1,2', '--window', '700'], 'mechanica: the runs share 598 returns; --window 700 leaves none to forecast and backtest']
  ])('refuses %j with one line and exit code 2, writing nothing', async (args, message) => {
    const before = digests()
    const out = await mechanica('portfolio', 'risk', '--db', file, ...args, '--json')
    expect(out.code).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr.trim()).toBe(message)
    expect(digests()).toEqual(before)
  })

  it('aligns unequal calendars on the steps they share when asked', async () => {
    const out = await mechanica('portfolio', 'risk', '--db', file, '--runs', '1,4', '--align', 'common', '--weights', '0.5,0.5', '--series', '--json')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as { steps: number; methods: Record<string, MethodReport>; series: { returns: number[]; bands: Record<string, { var: Array<number | null>; breaches: number[] }> } }
    expect(json.steps).toBe(499)
    // With --series, the bands a chart draws: null before the first window, breaches as counted.
    expect(json.series.returns).toHaveLength(498)
    expect(json.series.bands['fhs-garch']!.var[249]).toBeNull()
    expect(json.series.bands['fhs-garch']!.breaches).toHaveLength(json.methods['fhs-garch']!.breaches)
  })
})
