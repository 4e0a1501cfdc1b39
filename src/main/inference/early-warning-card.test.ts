import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { earlyWarningSignal } from '../regime/early-warning'
import { filterSeries } from '../regime/filter'
import { regimeInputFromReport } from '../runs/run-inputs'
import { reportRegimes } from './classify-series'
import { PREVIOUS_MODEL, loadRegimeModel } from './regime-model'

// A card's `early_warning` block (written by tools/regime-model/tune_early_warning.py) reaches
// every consumer of the model: the report decides with it and hands it to runs as an input.

const shipped = join(__dirname, '../../../resources/models')
const dir = mkdtempSync(join(tmpdir(), 'early-warning-card-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The shipped v1 files in a scratch folder, its card with `early_warning` set to `block`. */
function cardWith(block: unknown): void {
  const card = JSON.parse(readFileSync(join(shipped, `${PREVIOUS_MODEL}.card.json`), 'utf8')) as Record<string, unknown>
  for (const file of [`${PREVIOUS_MODEL}.onnx`, `${PREVIOUS_MODEL}.chunk64.onnx`]) copyFileSync(join(shipped, file), join(dir, file))
  writeFileSync(join(dir, `${PREVIOUS_MODEL}.card.json`), JSON.stringify({ ...card, early_warning: block }))
}

const RULE = { reference: -2, threshold: 8, cap: 11 }

describe("a model card's early-warning rule", () => {
  it('is read from the card and decides the report; the run input carries it on', () => {
    cardWith({ rule: 'log_odds_cusum', ...RULE, tuned_on: 'validation seeds' })
    const { card } = loadRegimeModel(dir, PREVIOUS_MODEL)
    expect(card.early_warning).toMatchObject({ rule: 'log_odds_cusum', ...RULE })
    const pStable = Float64Array.from({ length: 400 }, (_, t) => 0.5 + 0.45 * Math.cos(t / 30))
    const classification = { firstBar: 101, pStable, phase: new Float64Array(400 * 3), oodDistance: new Float64Array(400), oodRadius: 1 }
    const report = reportRegimes(classification, 501, null, card, 'cpu', 'cpu')
    expect(report.earlyWarning).toEqual(RULE)
    expect(report.filtered).toEqual(Array.from(filterSeries(earlyWarningSignal(pStable, RULE), { threshold: 3 })))
    expect(report.filtered).not.toEqual(Array.from(filterSeries(Array.from(pStable, (p) => (p < 0.5 ? 1 : 0)), { threshold: 3 })))
    expect(regimeInputFromReport(report).earlyWarning).toEqual(RULE)
  })

  it('the shipped cards have none: they decide at P(stable) < 0.5 as before', () => {
    expect(loadRegimeModel(shipped, PREVIOUS_MODEL).card.early_warning).toBeUndefined()
    expect(loadRegimeModel(shipped).card.early_warning).toBeUndefined()
  })

  it('refuses a cap below the threshold, and an unknown rule, naming the field', () => {
    cardWith({ rule: 'log_odds_cusum', reference: -2, threshold: 8, cap: 4 })
    expect(() => loadRegimeModel(dir, PREVIOUS_MODEL)).toThrow(/early_warning\.cap must be ≥ early_warning\.threshold/)
    cardWith({ rule: 'moving_average', ...RULE })
    expect(() => loadRegimeModel(dir, PREVIOUS_MODEL)).toThrow(/early_warning/)
  })
})
