import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { labSeriesFor } from './lab-regime-compare'

describe('mechanica regime --export-series', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-series-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes each seed\'s closes and true labels as bar,close,label — the lab\'s own numbers', async () => {
    const out = await mechanica('regime', '--lab', 'fx-carry', '--export-series', dir, '--seeds', '5..6', '--json')
    expect(out.code).toBe(0)
    const report = JSON.parse(out.stdout) as { lab: string; files: Array<{ seed: number; bars: number; file: string }> }
    expect(report.files.map((f) => f.seed)).toEqual([5, 6])
    expect(readdirSync(dir).sort()).toEqual(['fx-carry-5.csv', 'fx-carry-6.csv'])
    const lines = readFileSync(join(dir, 'fx-carry-5.csv'), 'utf8').trim().split('\n')
    expect(lines[0]).toBe('bar,close,label')
    const truth = labSeriesFor('fx-carry', 'faithful', {})(5)
    expect(lines.length - 1).toBe(truth.closes.length)
    const [bar, close, label] = lines[42]!.split(',')
    expect(Number(bar)).toBe(41)
    expect(Number(close)).toBe(truth.closes[41]) // shortest round-trip decimal: the same double back
    expect(Number(label)).toBe(truth.labels[41])
  }, 60_000)

  it('refuses a lab without a price series in one line, exit 2, and writes nothing', async () => {
    const target = join(dir, 'nothing')
    const out = await mechanica('regime', '--lab', 'credit-spreads', '--export-series', target, '--seeds', '1..2')
    expect(out.code).toBe(2)
    expect(out.stderr.trim()).toBe('mechanica: credit-spreads trades no single price series the regime model could read')
    expect(existsSync(target)).toBe(false)
  })
})
