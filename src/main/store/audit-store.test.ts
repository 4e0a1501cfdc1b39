import { describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { runLogged } from '../labs/test-support'
import { runAndStore } from '../runs/store-run'
import { CODE_VERSION } from '../version'
import { AuditError, AuditStore } from './audit-store'
import { blobToFloat64, float64ToBlob } from './series-codec'
import { LINK_COLUMN } from './step-log'
import { RunsRepository } from './runs-repository'
import { useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()

async function storedLabRun(lab = 'fx-carry', overrides: Record<string, unknown> = {}) {
  const db = sandbox.openTracked(`${sandbox.dir}/audit.db`)
  const repo = new RunsRepository(db)
  const spec: LabRunSpec = { task: 'lab', lab, preset: 'faithful', overrides }
  const stored = await runAndStore(repo, spec, { clock: { nowMs: () => 0, isoNow: () => '2026-11-22T00:00:00.000Z' }, codeVersion: CODE_VERSION })
  if (!stored.output) throw stored.error
  // The same run's whole log, for counting what verify must find.
  const { records } = await runLogged(spec)
  return { db, repo, audit: new AuditStore(db), runId: stored.run.id, head: stored.output.results.manifest.chainHead!, output: { ...stored.output, records } }
}

const review = { reviewer: 'A. Reviewer', at: '2026-11-22T09:30:00.000Z', verdict: 'sign-off' as const, notes: 'replayed: identical' }

describe('audit store: the stored decision log verifies against its manifest', () => {
  it('verifies a freshly stored run, every step and event, to the manifest head', async () => {
    const { audit, runId, head, output } = await storedLabRun('credit-spreads')
    expect(head).toMatch(/^[0-9a-f]{64}$/)
    const report = audit.verify(runId, head)
    expect(report.status).toBe('intact')
    expect(report.verified).toBe(output.records.t.length + output.records.events.length)
    expect(report.head).toBe(head)
  })

  it('finds a value edited inside a stored chunk BLOB, at its step', async () => {
    const { db, audit, runId, head } = await storedLabRun()
    const blob = db.prepare(`SELECT data FROM run_step_chunks WHERE run_id = ? AND chunk = 0 AND name = 'equity'`).pluck().get(runId) as Buffer
    const equity = blobToFloat64(blob)
    equity[321] = equity[321]! * 1.01
    db.prepare(`UPDATE run_step_chunks SET data = ? WHERE run_id = ? AND chunk = 0 AND name = 'equity'`).run(float64ToBlob(equity), runId)
    expect(audit.verify(runId, head).firstBreak).toMatchObject({ kind: 'step', index: 321, problem: 'changed' })
  })

  it('finds a deleted or edited constraint event, and a decision log cut short', async () => {
    const { db, audit, runId, head, output } = await storedLabRun('credit-spreads', { 'risk_params.max_leverage': 0.5 })
    expect(output.records.events.length).toBeGreaterThan(2)
    db.prepare(`UPDATE run_events SET message = 'fine' WHERE run_id = ? AND seq = 1`).run(runId)
    expect(audit.verify(runId, head).firstBreak).toMatchObject({ kind: 'event', index: 1, problem: 'changed' })
    db.prepare(`DELETE FROM run_events WHERE run_id = ? AND seq = 1`).run(runId)
    const deleted = audit.verify(runId, head).firstBreak
    expect(deleted?.problem).toBe('deleted')
    expect(deleted?.detail).toMatch(/event #1 is missing/)
  })

  it('finds steps removed from the end (the chunk and its links rewritten shorter)', async () => {
    const { db, audit, runId, head } = await storedLabRun()
    const columns = db.prepare(`SELECT name, data FROM run_step_chunks WHERE run_id = ? AND chunk = 0`).all(runId) as Array<{ name: string; data: Buffer }>
    const steps = db.prepare(`SELECT steps FROM run_step_log WHERE run_id = ?`).pluck().get(runId) as number
    for (const c of columns) {
      const perStep = c.data.byteLength / steps
      db.prepare(`UPDATE run_step_chunks SET data = ? WHERE run_id = ? AND chunk = 0 AND name = ?`).run(c.data.subarray(0, perStep * (steps - 5)), runId, c.name)
    }
    expect(audit.verify(runId, head).firstBreak).toMatchObject({ problem: 'deleted', index: steps - 5 })
  })

  it('appends reviews as links of the chain; the store refuses to edit or delete them', async () => {
    const { db, audit, runId, head } = await storedLabRun()
    const first = audit.appendReview(runId, review, head)
    const second = audit.appendReview(runId, { ...review, verdict: 'findings', notes: 'cost model needs a second look' }, head)
    expect(second.seq).toBe(1)
    expect(audit.reviews(runId).map((r) => r.verdict)).toEqual(['sign-off', 'findings'])
    expect(db.prepare(`SELECT chain_head FROM runs WHERE id = ?`).pluck().get(runId)).toBe(second.link)
    expect(audit.verify(runId, head)).toMatchObject({ status: 'intact', head: second.link, reviews: 2 })
    expect(first.link).not.toBe(second.link)
    expect(() => db.prepare(`UPDATE run_reviews SET notes = 'nothing' WHERE run_id = ?`).run(runId)).toThrow(/append-only/)
    expect(() => db.prepare(`DELETE FROM run_reviews WHERE run_id = ?`).run(runId)).toThrow(/append-only/)
  })

  it('refuses a sign-off on a broken chain but records findings', async () => {
    const { db, audit, runId, head } = await storedLabRun()
    const links = db.prepare(`SELECT data FROM run_step_chunks WHERE run_id = ? AND chunk = 0 AND name = ?`).pluck().get(runId, LINK_COLUMN) as Buffer
    const forged = Buffer.from(links)
    forged[32 * 10] = forged[32 * 10]! ^ 0xff
    db.prepare(`UPDATE run_step_chunks SET data = ? WHERE run_id = ? AND chunk = 0 AND name = ?`).run(forged, runId, LINK_COLUMN)
    expect(() => audit.appendReview(runId, review, head)).toThrow(AuditError)
    expect(() => audit.appendReview(runId, review, head)).toThrow(new RegExp(`^Run #${runId}'s chain does not verify \\(.*step 10.*\\); it cannot be signed off — record findings instead\\.$`))
    expect(audit.appendReview(runId, { ...review, verdict: 'findings', notes: 'chain broken at step 10' }, head).seq).toBe(0)
  })

  it('names a run that does not exist', () => {
    const db = sandbox.openTracked(`${sandbox.dir}/empty.db`)
    expect(() => new AuditStore(db).verify(99, null)).toThrow('There is no run #99.')
  })
})
