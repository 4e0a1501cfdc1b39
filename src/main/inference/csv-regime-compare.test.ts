import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { Xoshiro128 } from '../engine/rng'
import type { ModelRegimeOutput } from '../regime/model-output'
import { compareOnCsv } from './csv-regime-compare'
import { compareStart } from './lab-regime-compare'
import { COMPARED_CLASSIFIERS } from './regime-compare'

// `regime --csv FILE --compare`: a user's closes have no true regimes, so the comparison must
// run every classifier, score what needs no labels, and say plainly what it cannot score.

/** Calm (σ 0.6 %) and stressed (σ 3 %) blocks of 200 bars, alternating, as closes; the blocks for the oracle. */
function blocks(seed: number, bars: number): { closes: Float64Array; stress: Int8Array } {
  const rng = new Xoshiro128(seed)
  const closes = new Float64Array(bars)
  const stress = new Int8Array(bars)
  closes[0] = 100
  for (let t = 1; t < bars; t++) {
    stress[t] = Math.floor(t / 200) % 2
    closes[t] = closes[t - 1]! * Math.exp((stress[t] ? 0.03 : 0.006) * rng.standardNormal())
  }
  return { closes, stress }
}

const oracle = (stress: Int8Array): ModelRegimeOutput => ({
  firstBar: 0,
  pStable: Float64Array.from(stress, (s) => 1 - s),
  oodDistance: new Float64Array(stress.length),
  oodRadius: 1,
  model: { name: 'oracle', sha256: '0'.repeat(64) },
  executionProvider: 'cpu'
})

describe('the five-way comparison on an unlabelled series', () => {
  it('scores what needs no labels and names what it cannot score', async () => {
    const { closes, stress } = blocks(3, 1400)
    const steps: Array<[number, number]> = []
    const { comparison: c, ssmStress } = await compareOnCsv(closes, async () => oracle(stress), (done, total) => steps.push([done, total]))
    const start = compareStart(1400)
    expect(steps).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]))
    expect(c).toMatchObject({ bars: 1400, start, scoredBars: 1400 - start, labels: false })
    expect(c.note).toMatch(/no true regimes/)
    expect(c.rows.map((r) => r.classifier)).toEqual([...COMPARED_CLASSIFIERS])
    for (const r of c.rows) expect(Object.keys(r)).not.toContain('accuracy')
    // the oracle, through the 3-bar hysteresis: its read-out two bars late
    const ssm = c.rows.find((r) => r.classifier === 'ssm')!
    let expected = 0
    let flips = 0
    for (let t = start; t < 1400; t++) {
      if (stress[t - 2] === 1) expected++
      if (t > start && stress[t - 2] === 1 && stress[t - 3] === 0) flips++
    }
    expect(ssm.stress_share).toBeCloseTo(expected / (1400 - start), 12)
    expect(ssm.switches_to_stress).toBe(flips)
    // the read-out the view shades: the oracle two bars late, from the start on
    expect(ssmStress).toEqual(Array.from({ length: 1400 - start }, (_, i) => stress[start + i - 2]))
    expect(ssm.ood_share).toBe(0)
    // every classifier scored the same bars of the same benchmark
    expect(new Set(c.rows.map((r) => r.buy_and_hold_return)).size).toBe(1)
    // the unsupervised baselines see blocks this plain
    for (const r of c.rows) expect(Math.abs(r.stress_share! - ssm.stress_share!), r.classifier).toBeLessThan(0.1)
  }, 120_000)

  it('refuses a series too short to score', async () => {
    const { closes, stress } = blocks(4, 102)
    await expect(compareOnCsv(closes, async () => oracle(stress))).rejects.toThrow(/102 bars; the comparison scores bars from 102 on/)
  })
})

describe('mechanica regime --csv FILE --compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-csv-compare-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'closes.csv')
  const { closes } = blocks(5, 600)
  writeFileSync(file, ['date,close', ...Array.from(closes, (x, i) => `${new Date(Date.UTC(2015, 0, 1 + i)).toISOString().slice(0, 10)},${x}`)].join('\n'))

  it('runs end to end on a user CSV and says there are no true regimes', async () => {
    const out = await mechanica('regime', '--csv', file, '--compare', '--json')
    expect(out.code, out.stderr).toBe(0)
    const report = JSON.parse(out.stdout) as { csv: string; model: string; labels: boolean; note: string; rows: Array<{ classifier: string; stress_share: number; sharpe: number | null }> }
    expect(report).toMatchObject({ csv: file, model: 'regime-ssm-v2', labels: false })
    expect(report.note).toMatch(/^no true regimes in a CSV/)
    expect(report.rows.map((r) => r.classifier)).toEqual([...COMPARED_CLASSIFIERS])
    for (const r of report.rows) {
      expect(r.stress_share).toBeGreaterThanOrEqual(0)
      expect(r.stress_share).toBeLessThanOrEqual(1)
    }
    const text = await mechanica('regime', '--csv', file, '--compare')
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('no true regimes in a CSV')
    expect(text.stdout).toContain('stress_share')
  }, 120_000)

  it('refuses --seeds on a CSV in one line with exit 2', async () => {
    const out = await mechanica('regime', '--csv', file, '--compare', '--seeds', '1..2')
    expect(out.code).toBe(2)
    expect(out.stderr.trim()).toBe('mechanica: --seeds applies to a lab (--lab LAB --compare); a CSV is one series')
  }, 60_000)
})
