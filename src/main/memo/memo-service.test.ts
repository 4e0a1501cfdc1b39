import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMITTEE_SECTIONS, MEMO_FIELDS, type LabResults, type LabRunSpec } from '../../shared/contract'
import { formatFact } from '../../shared/contract/memo-sections'
import type { Clock } from '../clock'
import { runAndStore } from '../runs/store-run'
import { AuditStore } from '../store/audit-store'
import { openDatabase, type Db } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { parseCsv } from './csv'
import { exportFolder, type PlaceExport } from './export-destination'
import { localMemo } from './local-memo'
import type { MemoService } from './memo-service'
import { crc32, readZip } from './zip'

// The memo service end to end on a real stored run, with the engine in this process: facts
// equal the engine's own numbers, stress variants become stored runs (once), exports are
// byte-stable and change with the narrative.

const clock: Clock = { nowMs: () => 0, isoNow: () => '2026-01-02T03:04:05.000Z' }
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

describe('memo service on a stored credit-spreads run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-memo-'))
  const databasePath = join(dir, 'memo.db')
  let db: Db
  let repo: RunsRepository
  let memo: MemoService
  let runId: number
  let results: LabResults

  beforeAll(async () => {
    db = openDatabase(databasePath)
    repo = new RunsRepository(db)
    // A leverage cap of 1 makes the risk gate scale some targets: the run has constraint events.
    const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { 'risk_params.max_leverage': 1 } }
    // Created at 00:00:00, finished at 00:00:01: the memo is dated by the run's finish.
    const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z']
    const runClock: Clock = { nowMs: () => 0, isoNow: () => times.shift() ?? '2026-01-01T00:00:01.000Z' }
    const stored = await runAndStore(repo, spec, { clock: runClock, codeVersion: 'memo-test' })
    if (!stored.output) throw stored.error
    runId = stored.run.id
    results = stored.output.results
    memo = localMemo({ db, clock, codeVersion: 'memo-test' })
  }, 120_000)

  /** Exports into `sub/` under the test folder, as the browser host's export folder places them. */
  const into =
    (sub: string, name?: string, overwrite = false): PlaceExport =>
    (fallback) =>
      exportFolder(join(dir, sub)).destination('memo.export', name ?? fallback, overwrite)

  afterAll(() => {
    db?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('computes the facts from the log, equal to the engine’s own telemetry', async () => {
    const { facts } = await memo.get(runId)
    // Regime P&L is the stored log's net P&L summed by the step's regime (the notebook's own
    // pnl_net_by_regime marks forward, so it is not the same attribution); costs agree with it.
    const telemetry = results.telemetry.regime as { cost_by_regime: Record<string, number> }
    const rows = repo.steps(runId, 0, results.steps)
    for (const r of facts.regimePnl) {
      const mine = rows.filter((row) => row.regime === r.regime)
      expect(r.netPnl).toBe(mine.reduce((sum, row) => sum + row.netPnl, 0))
      for (const c of facts.pnlComponents) expect(r.pnlByComponent[c]).toBe(mine.reduce((sum, row) => sum + row.pnl[c]!, 0))
      expect(r.cost).toBeCloseTo(telemetry.cost_by_regime[r.regime]!, 9)
    }
    expect(facts.regimePnl.map((r) => r.steps)).toEqual(results.regimeNames.map((n) => results.regimeCounts[n]))
    // Cost components: the log's sums are the cumulative series' last values.
    for (const c of facts.costs.components) {
      const series = results.series.columns[`cost:${c.name}`]!
      expect(c.total).toBeCloseTo(series[series.length - 1]!, 9)
    }
    expect(facts.costs.dominant).toBe('impact')
    // Actions by regime: the counts add up to the engine's action counts and match its mix.
    for (const a of results.actionNames) {
      expect(facts.actionsByRegime.reduce((s, r) => s + (r.counts[a] ?? 0), 0)).toBe(results.actions[a])
      for (const r of facts.actionsByRegime) if (r.steps > 0) expect((r.counts[a] ?? 0) / r.steps).toBeCloseTo(results.actionMixByRegime[r.regime]![a]!, 12)
    }
    // Constraints: the first event in the store is the first binding one.
    const events = repo.events(runId)
    expect(events.length).toBeGreaterThan(0)
    expect(facts.constraints.total).toBe(events.length)
    expect(facts.constraints.firstBinding).toEqual({ rule: events[0]!.rule, t: events[0]!.t, message: events[0]!.message })
    expect(facts.manifest).toMatchObject({ configHash: results.manifest.configHash, resultsHash: results.manifest.resultsHash, chainHead: results.manifest.chainHead })
    expect(facts.surface?.features.length).toBeGreaterThan(0)
  })

  it('runs each stress variant once as a stored run and reuses it afterwards', async () => {
    const { facts } = await memo.get(runId)
    const variants = facts.stress.variants
    expect(variants.length).toBeGreaterThan(3)
    for (const v of variants) {
      expect(v.error).toBeNull()
      const stored = repo.get(v.runId!)!
      expect(stored.status).toBe('completed')
      expect(stored.configHash).toBe(v.configHash)
      expect(stored.spec).toMatchObject({ lab: 'credit-spreads', preset: 'faithful', seed: 11 })
    }
    const before = repo.list({ limit: 100, offset: 0 }).total
    // A second service (fresh cache) finds the stored variants by config hash and runs nothing.
    const again = localMemo({ db, clock, codeVersion: 'memo-test' })
    const second = await again.get(runId)
    expect(repo.list({ limit: 100, offset: 0 }).total).toBe(before)
    expect(second.facts).toEqual(facts)
  })

  it('saves the narrative append-only and returns every field', async () => {
    const saved = memo.save(runId, { mechanism: 'Carry harvested, spread risk sold.', riskControl: 'Leverage cap at 1.' })
    expect(saved.fields.mechanism).toBe('Carry harvested, spread risk sold.')
    expect(saved.fields.controls).toBe('')
    expect(saved.edits).toBe(2)
    expect(memo.save(runId, { mechanism: 'Carry harvested, spread risk sold.' }).edits).toBe(2)
    expect(memo.save(runId, { riskControl: 'Leverage cap at 1; drawdown stop.' }).edits).toBe(3)
    expect(() => db.prepare('UPDATE run_memos SET text = ? WHERE run_id = ?').run('x', runId)).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM run_memos WHERE run_id = ?').run(runId)).toThrow(/append-only/)
  })

  it('writes Markdown with the book’s six fields and committee sections, the engine’s numbers and the manifest', async () => {
    const { text } = await memo.render(runId, 'md')
    for (const f of MEMO_FIELDS) expect(text).toContain(`. ${f.title}`)
    for (const s of COMMITTEE_SECTIONS) expect(text).toContain(`### ${s.title}`)
    expect(text).toContain('Leverage cap at 1; drawdown stop.')
    for (const [name, value] of Object.entries(results.metrics)) expect(text).toContain(`| ${name} | ${formatFact(value)} |`)
    expect(text).toContain(results.manifest.configHash)
    expect(text).toContain(results.manifest.resultsHash)
    expect(text).toContain(results.manifest.chainHead!)
    expect(text).toContain('verification status: **Not verified**')
    expect(text).toContain('Run finished 2026-01-01T00:00:01.000Z')
    expect(text).not.toContain('2026-01-02T03:04:05') // the clock never reaches an export
  })

  it('exports md, html and zip byte-identically twice; one narrative character changes them', async () => {
    const first = {
      md: await memo.export(runId, 'md', into('a', 'memo.md')),
      html: await memo.export(runId, 'html', into('a', 'memo.html')),
      zip: await memo.export(runId, 'zip', into('a', 'memo.zip'))
    }
    const second = {
      md: await memo.export(runId, 'md', into('b', 'memo.md')),
      html: await memo.export(runId, 'html', into('b', 'memo.html')),
      zip: await memo.export(runId, 'zip', into('b', 'memo.zip'))
    }
    for (const k of ['md', 'html', 'zip'] as const) {
      expect(second[k].sha256).toBe(first[k].sha256)
      expect(sha(readFileSync(first[k].path))).toBe(first[k].sha256)
      expect(readFileSync(first[k].path).length).toBe(first[k].bytes)
    }
    memo.save(runId, { controls: 'Flatten on a drawdown of 8%.' })
    const changed = { md: await memo.export(runId, 'md', into('c', 'memo.md')), html: await memo.export(runId, 'html', into('c', 'memo.html')), zip: await memo.export(runId, 'zip', into('c', 'memo.zip')) }
    memo.save(runId, { controls: 'Flatten on a drawdown of 9%.' })
    const oneChar = await memo.export(runId, 'md', into('d', 'memo.md'))
    for (const k of ['md', 'html', 'zip'] as const) expect(changed[k].sha256).not.toBe(first[k].sha256)
    expect(oneChar.sha256).not.toBe(changed.md.sha256)
    expect(first.md.path).toBe(join(dir, 'a/memo.md'))
  })

  it('bundles the memo, the decision log, events, telemetry, metrics and a manifest of their hashes', async () => {
    const written = await memo.export(runId, 'zip', into('exports'))
    expect(written.path).toBe(join(dir, 'exports', `run-${runId}-memo.zip`))
    const zip = readFileSync(written.path)
    const entries = readZip(zip)
    expect(entries.map((e) => e.name)).toEqual(['memo.md', 'memo.html', 'steps.csv', 'steps.jsonl', 'events.csv', 'telemetry.json', 'metrics.csv', 'manifest.json'])
    const files = new Map(entries.map((e) => [e.name, e.method === 8 ? inflateRawSync(e.data) : e.data]))
    for (const e of entries) {
      expect(files.get(e.name)!.length).toBe(e.size)
      expect(crc32(files.get(e.name)!)).toBe(e.crc)
      expect(e.date).toBe(0x21) // 1980-01-01
      expect(e.time).toBe(0)
    }
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { manifest: { configHash: string; chainHead: string }; files: Array<{ name: string; sha256: string; bytes: number }> }
    expect(manifest.manifest.chainHead).toBe(results.manifest.chainHead)
    for (const f of manifest.files) expect(sha(files.get(f.name)!)).toBe(f.sha256)
    const steps = parseCsv(files.get('steps.csv')!.toString('utf8'))
    expect(steps.length).toBe(results.steps + 1)
    const stored = repo.steps(runId, 0, 3)
    expect(steps[1]!.slice(0, 5)).toEqual([String(stored[0]!.t), stored[0]!.regime, stored[0]!.action, stored[0]!.source, stored[0]!.rationale])
    expect(Number(steps[3]![steps[0]!.indexOf('equity')])).toBe(stored[2]!.equity)
    const jsonl = files.get('steps.jsonl')!.toString('utf8').trimEnd().split('\n')
    expect(jsonl.length).toBe(results.steps)
    expect(JSON.parse(jsonl[2]!)).toMatchObject({ t: 2, action: stored[2]!.action, netPnl: stored[2]!.netPnl })
    expect(parseCsv(files.get('events.csv')!.toString('utf8')).length).toBe(repo.events(runId).length + 1)
    // Python's zipfile agrees: every CRC checks.
    const check = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip() or "ok", len(z.namelist()))', written.path], { encoding: 'utf8' })
    expect(check.trim()).toBe('ok 8')
  })

  it('exports tables as CSV and JSON, and refuses PDF without Electron with a pointer to the print route', async () => {
    const metrics = await memo.exportTable(runId, 'metrics', 'csv', into('exports'))
    expect(metrics.path).toBe(join(dir, 'exports', `run-${runId}-metrics.csv`))
    expect(parseCsv(readFileSync(metrics.path, 'utf8')).slice(1)).toEqual(Object.entries(results.metrics).map(([k, v]) => [k, v === null ? '' : String(v)]))
    const steps = await memo.exportTable(runId, 'steps', 'json', into('exports'))
    const rows = JSON.parse(readFileSync(steps.path, 'utf8')) as Array<{ t: number; equity: number }>
    expect(rows.length).toBe(results.steps)
    expect(steps.rows).toBe(results.steps)
    expect(rows[10]!.equity).toBe(repo.steps(runId, 10, 1)[0]!.equity)
    const events = await memo.exportTable(runId, 'events', 'json', into('exports'))
    expect(JSON.parse(readFileSync(events.path, 'utf8'))).toHaveLength(repo.events(runId).length)
    expect(events.rows).toBe(repo.events(runId).length)
    const actions = await memo.exportTable(runId, 'actions', 'csv', into('exports'))
    const table = parseCsv(readFileSync(actions.path, 'utf8'))
    expect(table[0]).toEqual(['action', 'total', ...results.regimeNames])
    expect(table.slice(1).map((r) => [r[0], Number(r[1])])).toEqual(results.actionNames.map((a) => [a, results.actions[a]]))
    await expect(memo.export(runId, 'pdf', into('exports'))).rejects.toThrow(/Print button/)
    expect(existsSync(join(dir, 'exports', `run-${runId}-memo.pdf`))).toBe(false)
  })

  it('writes self-contained HTML: no script, a CSP that loads nothing, every section, inline SVG charts', async () => {
    const { text } = await memo.render(runId, 'html')
    expect(text).not.toMatch(/<script|src=|href=/i)
    expect(text).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
    for (const f of MEMO_FIELDS) expect(text).toContain(`. ${f.title}</h3>`)
    for (const s of COMMITTEE_SECTIONS) expect(text).toContain(`<h3>${s.title}</h3>`)
    expect(text.match(/<svg /g)?.length).toBe(5)
    expect(text).toContain(`<td class="num">${formatFact(results.metrics.total_costs!)}</td>`)
    expect(text).toContain('Flatten on a drawdown of 9%.')
  })

  it('names the file it could not write and why', async () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, 'x')
    await expect(memo.export(runId, 'md', into('a-file/sub'))).rejects.toThrow(/Export failed: cannot write .*a-file.*\(ENOTDIR\)/)
    await expect(memo.exportTable(runId, 'steps', 'csv', into('a-file/sub'))).rejects.toMatchObject({ code: 'invalid_params' })
  })

  it('asks where to write only after the run is known to export, and never for a missing run', async () => {
    let asked = 0
    const place: PlaceExport = async (name) => {
      asked++
      return { path: join(dir, 'never', name), replace: false }
    }
    await expect(memo.export(9999, 'md', place)).rejects.toMatchObject({ code: 'not_found' })
    await expect(memo.exportTable(9999, 'metrics', 'csv', place)).rejects.toMatchObject({ code: 'not_found' })
    await expect(memo.export(runId, 'pdf', place)).rejects.toThrow(/Print button/)
    expect(asked).toBe(0)
    expect(existsSync(join(dir, 'never'))).toBe(false)
  })

  it('says why a memo cannot be made for a missing run', async () => {
    await expect(memo.get(9999)).rejects.toThrow('There is no run #9999.')
    expect(new AuditStore(db).reviews(runId)).toEqual([])
  })
})
