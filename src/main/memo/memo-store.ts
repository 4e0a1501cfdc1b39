import type { Db } from '../store/database'
import { MEMO_FIELD_IDS, type MemoFieldId } from '../../shared/contract/memo'
import type { StoredEventRow } from './tables'

/**
 * The memo's narrative on disk: every save appends one row per changed field (the table refuses
 * updates and deletes), and a field's text is its latest row. Also the two reads the memo needs
 * that the runs repository does not offer: stored runs by config hash, and events streamed.
 */
export class MemoStore {
  private readonly latestStmt
  private readonly countStmt
  private readonly lastSeqStmt
  private readonly insertStmt
  private readonly byConfigStmt
  private readonly eventsStmt

  constructor(private readonly db: Db) {
    this.latestStmt = db.prepare(
      `SELECT m.field, m.text, m.saved_at FROM run_memos m
       WHERE m.run_id = ? AND m.seq = (SELECT max(seq) FROM run_memos WHERE run_id = m.run_id AND field = m.field)`
    )
    this.countStmt = db.prepare(`SELECT count(*) FROM run_memos WHERE run_id = ?`).pluck()
    this.lastSeqStmt = db.prepare(`SELECT max(seq) FROM run_memos WHERE run_id = ?`).pluck()
    this.insertStmt = db.prepare(`INSERT INTO run_memos (run_id, seq, field, text, saved_at) VALUES (?, ?, ?, ?, ?)`)
    this.byConfigStmt = db.prepare(`SELECT id FROM runs WHERE config_hash = ? AND code_version = ? AND status = 'completed' ORDER BY id LIMIT 1`).pluck()
    this.eventsStmt = db.prepare(`SELECT seq, t, rule, message, before_json, after_json FROM run_events WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?`)
  }

  /** Every field's current text ('' when never written), when it was last saved and how many edits there are. */
  narrative(runId: number): { fields: Record<MemoFieldId, string>; updatedAt: string | null; edits: number } {
    const fields = Object.fromEntries(MEMO_FIELD_IDS.map((id) => [id, ''])) as Record<MemoFieldId, string>
    let updatedAt: string | null = null
    for (const row of this.latestStmt.all(runId) as Array<{ field: string; text: string; saved_at: string }>) {
      if (!(MEMO_FIELD_IDS as readonly string[]).includes(row.field)) continue
      fields[row.field as MemoFieldId] = row.text
      if (updatedAt === null || row.saved_at > updatedAt) updatedAt = row.saved_at
    }
    return { fields, updatedAt, edits: this.countStmt.get(runId) as number }
  }

  /** Appends the fields whose text changed; returns how many were appended. */
  save(runId: number, fields: Partial<Record<MemoFieldId, string>>, savedAt: string): number {
    return this.db.transaction(() => {
      const current = this.narrative(runId).fields
      let seq = ((this.lastSeqStmt.get(runId) as number | null) ?? -1) + 1
      let appended = 0
      for (const id of MEMO_FIELD_IDS) {
        const text = fields[id]
        if (text === undefined || text === current[id]) continue
        this.insertStmt.run(runId, seq++, id, text, savedAt)
        appended++
      }
      return appended
    })()
  }

  /** The first completed run with this config hash under this code version (a stress variant run before). */
  completedRunWith(configHash: string, codeVersion: string): number | null {
    return (this.byConfigStmt.get(configHash, codeVersion) as number | undefined) ?? null
  }

  /**
   * A run's constraint events in logged order, a page at a time: no statement stays open
   * between pages, so writes can go on while an export awaits its file.
   */
  *events(runId: number, pageSize = 4096): Generator<StoredEventRow> {
    for (let from = 0; ; ) {
      const page = this.eventsStmt.all(runId, from, pageSize) as Array<{ seq: number; t: number; rule: string; message: string; before_json: string; after_json: string }>
      for (const e of page) yield { seq: e.seq, t: e.t, rule: e.rule, message: e.message, before: JSON.parse(e.before_json) as number[], after: JSON.parse(e.after_json) as number[] }
      if (page.length < pageSize) return
      from = page[page.length - 1]!.seq + 1
    }
  }
}
