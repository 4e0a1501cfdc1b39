import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

// tools/regime-model/card_lab_table.py: the per-lab held-out table of a model card, gathered
// from the CLI's `regime --compare --json` reports. Plain Python 3 (json only).
const script = join(__dirname, 'card_lab_table.py')
const shippedCard = join(__dirname, '..', '..', 'resources', 'models', 'regime-ssm-v2.card.json')
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0)

const temps: string[] = []
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

const bins = Array.from({ length: 10 }, (_, k) => ({ from: k / 10, to: (k + 1) / 10, count: k === 0 ? 900 : k === 9 ? 100 : 0, mean_p_stress: k === 0 ? 0.02 : k === 9 ? 0.97 : null, observed_stress: k === 0 ? 0.01 : k === 9 ? 0.9 : null }))
const fair = (classifier: string, ttd: number) => ({ ttd_from_calm: ttd, ttd_from_calm_ci: [ttd - 2, ttd + 2], switches_from_calm: 8, detected_from_calm: 7, pre_flagged: 2, missed: 1, ssm_minus_ttd_ci: classifier === 'ssm' ? null : [-5, -1], ssm_detects_first: classifier === 'ssm' ? null : 'yes' })
const row = (classifier: string, accuracy: number, ttd = classifier === 'ssm' ? 6 : 9) => ({ classifier, accuracy, f1_stress: 0.5, ...fair(classifier, ttd), mean_time_to_detection: 4.5, detected: 9, switches: 10, false_alarms_per_1000_stable_bars: 1.25, downside_capture: 0.3, sortino: null, sharpe: 0.9, max_drawdown: 0.1, total_return: 0.2, paranoia_cost_10: 0.001, brier: 0.07, ood_share: 0, reliability: bins })
const report = (lab: string, over: Record<string, unknown> = {}) => ({ lab, model: 'regime-ssm-v2', seeds: [3000, 3001, 3002], preset: 'faithful', signOff: { downsideCaptureBelow: 0.2, sharpeAbove: 1.5 }, rows: [row('ssm', 0.9), row('hmm', 0.8)], ...over })

/** A copy of the shipped v2 card and the given reports in a temporary folder. */
function workspace(reports: Record<string, unknown>): { dir: string; card: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-card-table-'))
  temps.push(dir)
  const card = join(dir, 'card.json')
  copyFileSync(shippedCard, card)
  const files = Object.entries(reports).map(([name, body]) => {
    writeFileSync(join(dir, name), JSON.stringify(body))
    return join(dir, name)
  })
  return { dir, card, files }
}

/** The card as the training scripts write it (indent 1, no final newline), without its per-lab table. */
const DROP_TABLE = 'import json,sys; c = json.load(open(sys.argv[1])); c.pop("heldout_per_lab", None); print(json.dumps(c, indent=1), end="")'

const run = (args: string[]) => spawnSync(python!, [script, ...args], { encoding: 'utf8', timeout: 60_000 })

describe.skipIf(python === undefined)('card_lab_table.py (the model card\'s per-lab held-out table)', () => {
  it('adds every lab\'s rows, command and SSM reliability; every other byte of the card unchanged', () => {
    const { card, files } = workspace({ 'fx.json': report('fx-carry'), 'heston.json': report('heston-regime', { preset: 'corrected', seeds: [3000, 3005] }) })
    // the shipped card carries a table already: compare everything but that key, before and after
    const withoutTable = () => spawnSync(python!, ['-c', DROP_TABLE, card], { encoding: 'utf8' }).stdout
    const before = withoutTable()
    expect(before.length).toBeGreaterThan(1000)
    const out = run([card, ...files])
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    const after = JSON.parse(readFileSync(card, 'utf8')) as Record<string, unknown> & { heldout_per_lab: { labs: Record<string, { command: string; seeds: number[]; rows: Record<string, Record<string, unknown>>; ssm_reliability: unknown; sign_off: unknown }> } }
    const { labs } = after.heldout_per_lab
    expect(Object.keys(labs)).toEqual(['fx-carry', 'heston-regime'])
    expect(labs['fx-carry']!.command).toBe('node out/main/cli.js regime --lab fx-carry --preset faithful --compare --seeds 3000..3002 --json --model regime-ssm-v2')
    expect(labs['heston-regime']!.command).toContain('--seeds 3000,3005 ')
    // the fair time to detection and the paired verdict as the CLI gave them; the legacy mean kept under its label
    expect(labs['fx-carry']!.rows['ssm']).toEqual({ accuracy: 0.9, f1_stress: 0.5, ...fair('ssm', 6), ttd_legacy_all_detected: 4.5, detected: 9, switches: 10, false_alarms_per_1000_stable_bars: 1.25, downside_capture: 0.3, sharpe: 0.9, max_drawdown: 0.1, total_return: 0.2, paranoia_cost_10: 0.001, brier: 0.07, ood_share: 0 })
    expect(labs['fx-carry']!.rows['hmm']).toMatchObject({ ttd_from_calm: 9, ssm_minus_ttd_ci: [-5, -1], ssm_detects_first: 'yes', ttd_legacy_all_detected: 4.5 })
    expect(Object.keys(labs['fx-carry']!.rows['ssm']!)).not.toContain('mean_time_to_detection')
    expect(labs['fx-carry']!.rows['hmm']!.accuracy).toBe(0.8)
    // the model against the best baseline, read off the same rows: ahead on accuracy, level on F1
    expect((labs['fx-carry'] as unknown as { ssm_vs_best_baseline: unknown }).ssm_vs_best_baseline).toEqual({
      accuracy: { ssm: 0.9, best_baseline: 'hmm', best: 0.8, matched: true },
      f1_stress: { ssm: 0.5, best_baseline: 'hmm', best: 0.5, matched: true },
      ttd_from_calm: { ssm: 6, best_baseline: 'hmm', best: 9, matched: true, ssm_detects_first: 'yes' }
    })
    expect(labs['fx-carry']!.ssm_reliability).toEqual(bins)
    expect(labs['fx-carry']!.sign_off).toEqual({ downsideCaptureBelow: 0.2, sharpeAbove: 1.5 })
    // the training scripts' layout (indent 1, no final newline) is kept: without the new key, the same bytes
    expect(withoutTable()).toBe(before)
    // running again replaces the table rather than adding to it
    expect(run([card, files[0]!]).status).toBe(0)
    expect(Object.keys((JSON.parse(readFileSync(card, 'utf8')) as typeof after).heldout_per_lab.labs)).toEqual(['fx-carry'])
  })

  it.each([
    ['another model', { 'a.json': report('fx-carry', { model: 'regime-ssm' }) }, /a\.json: measured with regime-ssm, not regime-ssm-v2 \(run the CLI with --model regime-ssm-v2\)/],
    ['seeds the model trained on', { 'a.json': report('fx-carry', { seeds: [1000, 1001] }) }, /a\.json: seeds must all be held out \(≥ 3000\); got 1000\.\.1001/],
    ['two reports for one lab', { 'a.json': report('fx-carry'), 'b.json': report('fx-carry') }, /b\.json: a second report for fx-carry/],
    ['something else than a report', { 'a.json': { lab: 'fx-carry' } }, /a\.json: not a `regime --compare --json` report \(no `model`\)/],
    ['a report without the fair time to detection', { 'a.json': report('fx-carry', { rows: [{ ...row('ssm', 0.9), ttd_from_calm: undefined }] }) }, /a\.json: has no fair time to detection \(ttd_from_calm\)/]
  ])('refuses %s in one line, naming the file, and writes nothing', (_, reports, message) => {
    const { card, files } = workspace(reports)
    const before = readFileSync(card, 'utf8')
    const out = run([card, ...files])
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(message)
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
    expect(readFileSync(card, 'utf8')).toBe(before)
  })
})
