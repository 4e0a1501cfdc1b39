import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterEach, describe, expect, it } from 'vitest'
import { compareStart, labSeriesFor, scoreOnSeries } from '../../src/main/inference/lab-regime-compare'
import { RegimeModel, loadRegimeModel } from '../../src/main/inference/regime-model'

// tools/regime-model/diagnose_labs.py reads a model's errors on validation lab series; the README sets
// its figures beside the CLI comparison's, so it must score exactly as the comparison does (start bar,
// P(stress) > 0.5, the 3-bar hysteresis). It needs a python3 that imports torch; skipped where none does.
const script = join(__dirname, 'diagnose_labs.py')
const models = join(__dirname, '..', '..', 'resources', 'models')
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0)

const temps: string[] = []
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A folder of `<lab>-<seed>.csv` files as `regime --export-series` writes them. */
function exported(lab: string, seeds: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-diagnose-'))
  temps.push(dir)
  const seriesFor = labSeriesFor(lab, 'faithful', {})
  for (const seed of seeds) {
    const { closes, labels } = seriesFor(seed)
    writeFileSync(join(dir, `${lab}-${seed}.csv`), `bar,close,label\n${Array.from(closes, (c, t) => `${t},${c},${labels[t]}`).join('\n')}\n`)
  }
  return dir
}

const diagnose = (dir: string) => spawnSync(python!, [script, dir, '--models', models], { encoding: 'utf8', timeout: 180_000 })

describe.skipIf(python === undefined)('diagnose_labs.py (a model\'s lab errors on validation seeds)', () => {
  it('scores the shipped v2 on fx-carry as the comparison does: same accuracy and stress F1', async () => {
    const seeds = [2000, 2001]
    const dir = exported('fx-carry', seeds)
    const model = await RegimeModel.create(ort, loadRegimeModel(models, 'regime-ssm-v2'))
    const seriesFor = labSeriesFor('fx-carry', 'faithful', {})
    const scores = []
    for (const seed of seeds) {
      const series = seriesFor(seed)
      const n = series.closes.length
      const start = compareStart(n)
      const out = await model.classify(series.closes)
      const pStable = new Float64Array(n).fill(Number.NaN)
      for (let t = start; t < n; t++) pStable[t] = out.pStable[t - out.firstBar]!
      scores.push(scoreOnSeries(pStable, series, start))
    }
    await model.release()
    const mean = (key: 'accuracy' | 'f1_stress'): number => scores.reduce((a, s) => a + s[key]!, 0) / scores.length

    const run = diagnose(dir)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const [header, ...rows] = run.stdout.trim().split('\n').map((l) => l.split('\t'))
    expect(rows).toHaveLength(1)
    const cell = (name: string): number => Number(rows[0]![header!.indexOf(name)])
    expect(rows[0]![0]).toBe('fx-carry')
    expect(cell('bars')).toBe(800)
    // printed to 3 decimals; PyTorch and ONNX Runtime agree to ~1e-6 in P(stress), so no bar flips here
    expect(Math.abs(cell('acc') - mean('accuracy'))).toBeLessThanOrEqual(0.0005)
    expect(Math.abs(cell('F1') - mean('f1_stress'))).toBeLessThanOrEqual(0.0005)
    expect(cell('oracle_acc')).toBeGreaterThanOrEqual(cell('acc') - 0.0005)
    expect(cell('auc')).toBeGreaterThan(0.5)
  }, 240_000)

  it('refuses a held-out seed (≥ 3000) in one line', () => {
    const run = diagnose(exported('fx-carry', [3000]))
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('diagnose_labs: fx-carry-3000.csv is a held-out seed (≥ 3000); diagnose on validation seeds only\n')
  }, 240_000)
})
