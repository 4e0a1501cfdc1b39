import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { mechanica } from '../cli-test-support'
import { expectRefusals } from './cli-refusals'
import { findLab, planLab } from '../labs/execute'
import { runAndStore } from '../runs/store-run'
import { openDatabase } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { tableDigests } from '../store/test-support'
import { CODE_VERSION } from '../version'
import { labReturns } from './lab-returns'
import { alignedReturns, readPod } from './pods'
import { pathSummary, reverseStress, weighted } from './shocks'

// `mechanica portfolio stress`: the built CLI against a database the store API wrote, its
// figures recomputed here from the same stored runs and the same lab runs.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-stress-'))
const file = join(dir, 'pods.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
const specs: LabRunSpec[] = [
  { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 300 } },
  { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 12, overrides: { T: 300 } }
]

describe('mechanica portfolio stress', () => {
  beforeAll(async () => {
    const db = openDatabase(file)
    try {
      for (const spec of specs) {
        const stored = await runAndStore(new RunsRepository(db), spec, { clock, codeVersion: CODE_VERSION })
        if (!stored.output) throw stored.error
      }
    } finally {
      db.close()
    }
  })

  it('prints shocks, reverse stress, limits and the re-run stress menus, and writes nothing', async () => {
    const before = (() => {
      const db = openDatabase(file, { readonly: true })
      try {
        return tableDigests(db)
      } finally {
        db.close()
      }
    })()
    const out = await mechanica('portfolio', 'stress', '--db', file, '--runs', '1,2', '--shock', 'vol=3', '--loss-limit', '0.05', '--limit', 'maxPodWeight=0.4', '--menus', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    type Summary = { totalReturn: number; maxDrawdown: number; breaches: boolean }
    const json = JSON.parse(out.stdout) as {
      base: Summary
      shocks: Array<Summary & { shock: unknown }>
      reverse: Array<{ kind: string; shock: number | null }>
      limits: { events: Array<{ rule: string; before: number[]; after: number[] }> }
      menus: { rows: Array<Summary & { pod: number; variant: string; deltaReturn: number }>; combined: Summary & { variants: string[] } }
    }
    const db = openDatabase(file, { readonly: true })
    const repo = new RunsRepository(db)
    const { returns } = alignedReturns([readPod(repo, 1), readPod(repo, 2)], 'exact')
    db.close()
    const w = [0.5, 0.5]
    expect(json.base.totalReturn).toBe(pathSummary(weighted(returns, w)).totalReturn)
    expect(json.base.maxDrawdown).toBe(pathSummary(weighted(returns, w)).maxDrawdown)
    expect(json.shocks[0]!.shock).toEqual({ kind: 'vol', factor: 3 })
    expect(json.reverse.map((r) => r.kind)).toEqual(['corr', 'vol', 'regime'])
    expect(json.reverse[1]!.shock).toBe(reverseStress(returns, w, 'vol', 0.05).shock)
    // Two pods at 0.5 over a 0.4 cap with no free pod: both capped, 0.2 in cash.
    expect(json.limits.events[0]).toMatchObject({ rule: 'pod_concentration', before: [0.5, 0.5], after: [0.4, 0.4] })
    // The menu: every variant of the lab for each pod, recomputed here for the first one.
    const menu = findLab('credit-spreads').stressMenu(planLab(specs[0]!).config)
    expect(json.menus.rows).toHaveLength(2 * menu.length)
    const first = await labReturns({ ...specs[0]!, overrides: { ...specs[0]!.overrides, ...menu[0]!.overrides } }, menu[0]!.name)
    const T = Math.min(first.length, returns[1]!.length)
    const expected = pathSummary(weighted([first.subarray(0, T), returns[1]!.subarray(0, T)], w))
    expect(json.menus.rows[0]).toMatchObject({ pod: 0, variant: menu[0]!.name, totalReturn: expected.totalReturn, maxDrawdown: expected.maxDrawdown })
    // The combined scenario holds each pod at the variant with the portfolio's largest drawdown.
    const worstOf = (pod: number): string => json.menus.rows.filter((r) => r.pod === pod).reduce((a, b) => (b.maxDrawdown > a.maxDrawdown ? b : a)).variant
    expect(json.menus.combined.variants).toEqual([worstOf(0), worstOf(1)])
    const after = openDatabase(file, { readonly: true })
    expect(tableDigests(after)).toEqual(before)
    after.close()
  })

  it('refuses bad input in one line with exit code 2', async () => {
    const base = ['portfolio', 'stress', '--db', file, '--runs', '1,2']
    const cases: Array<[string[], RegExp]> = [
      [[...base, '--shock', 'corr=2'], /corr must be a level in \[0, 1\]/],
      [[...base, '--shock', 'crash=1'], /--shock must be corr=LEVEL/],
      [[...base, '--loss-limit', '1.5'], /--loss-limit must be a fraction/],
      [[...base, '--limit', 'maxLeverage=2'], /--limit must be NAME=VALUE/],
      [['portfolio', 'stress', '--db', file, '--runs', '1,9'], /run #9 does not exist/],
      [['portfolio', 'stress', '--db', join(dir, 'none.db'), '--runs', '1'], /does not exist/]
    ]
    await expectRefusals(cases)
  }, 120_000)
})
