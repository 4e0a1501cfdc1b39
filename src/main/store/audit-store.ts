import type { Database as Db } from 'better-sqlite3'
import type { ChainReport, Review } from '../../shared/contract'
import { chainEntries, reviewLink, type ReviewContent, type StepColumnsView, type StoredEvent, type StoredReview, type StoredStepChunk } from '../audit/chain'
import { verifyChain } from '../audit/verify'
import { blobToFloat64 } from './series-codec'
import { LINK_COLUMN, type StepLogMeta } from './step-log'

export class AuditError extends Error {}

function int32(blob: Buffer | undefined): Int32Array {
  if (!blob) return new Int32Array(0)
  const out = new Int32Array(blob.byteLength / 4)
  new Uint8Array(out.buffer).set(blob)
  return out
}

function float64(blob: Buffer | undefined): Float64Array {
  return blob ? blobToFloat64(blob) : new Float64Array(0)
}

/** A stored chunk's columns as the chain reads them: names resolved through the run's tables. */
export function chunkView(meta: StepLogMeta, columns: ReadonlyMap<string, Buffer>): StepColumnsView {
  return {
    legs: meta.legs,
    actionNames: meta.actionNames,
    regimeNames: meta.regimeNames,
    sourceNames: meta.sourceNames,
    rationales: meta.rationales,
    t: int32(columns.get('t')),
    regime: int32(columns.get('regime')),
    action: int32(columns.get('action')),
    source: int32(columns.get('source')),
    rationale: int32(columns.get('rationale')),
    position: float64(columns.get('position')),
    trade: float64(columns.get('trade')),
    cost: float64(columns.get('cost')),
    costByComponent: Object.fromEntries(meta.costComponents.map((c) => [c, float64(columns.get(`cost:${c}`))])),
    pnlByComponent: Object.fromEntries(meta.pnlComponents.map((c) => [c, float64(columns.get(`pnl:${c}`))])),
    netPnl: float64(columns.get('netPnl')),
    equity: float64(columns.get('equity')),
    drawdown: float64(columns.get('drawdown')),
    leverage: float64(columns.get('leverage'))
  }
}

/**
 * The audit trail on disk: verifying a run's hash chain chunk by chunk (never the whole log in
 * memory), and the append-only reviews that extend it.
 */
export class AuditStore {
  private readonly runStmt
  private readonly logStmt
  private readonly chunkIdsStmt
  private readonly chunkStmt
  private readonly eventsStmt
  private readonly reviewsStmt
  private readonly insertReviewStmt
  private readonly headStmt

  constructor(private readonly db: Db) {
    this.runStmt = db.prepare(`SELECT id, status, chain_head FROM runs WHERE id = ?`)
    this.logStmt = db.prepare(`SELECT steps, meta_json FROM run_step_log WHERE run_id = ?`)
    this.chunkIdsStmt = db.prepare(`SELECT DISTINCT chunk FROM run_step_chunks WHERE run_id = ? ORDER BY chunk`).pluck()
    this.chunkStmt = db.prepare(`SELECT name, data FROM run_step_chunks WHERE run_id = ? AND chunk = ?`)
    this.eventsStmt = db.prepare(`SELECT seq, t, rule, message, before_json, after_json, link FROM run_events WHERE run_id = ? ORDER BY seq`)
    this.reviewsStmt = db.prepare(`SELECT seq, reviewer, at, verdict, notes, link FROM run_reviews WHERE run_id = ? ORDER BY seq`)
    this.insertReviewStmt = db.prepare(`INSERT INTO run_reviews (run_id, seq, reviewer, at, verdict, notes, link) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    this.headStmt = db.prepare(`UPDATE runs SET chain_head = ? WHERE id = ?`)
  }

  private run(runId: number): { id: number; status: string; chain_head: string | null } {
    const run = this.runStmt.get(runId) as { id: number; status: string; chain_head: string | null } | undefined
    if (!run) throw new AuditError(`There is no run #${runId}.`)
    return run
  }

  /** The stored decision log, a chunk at a time (for replay comparison), and its events. */
  storedLog(runId: number): { steps: number; chunks: Iterable<StepColumnsView>; events: StoredEvent[] } {
    this.run(runId)
    const log = this.logStmt.get(runId) as { steps: number; meta_json: string } | undefined
    const meta = log ? (JSON.parse(log.meta_json) as StepLogMeta) : null
    const chunkIds = this.chunkIdsStmt.all(runId) as number[]
    const chunkStmt = this.chunkStmt
    function* chunks(): Generator<StepColumnsView> {
      if (!meta) return
      for (const chunk of chunkIds) yield chunkView(meta, new Map((chunkStmt.all(runId, chunk) as Array<{ name: string; data: Buffer }>).map((c) => [c.name, c.data])))
    }
    return { steps: log?.steps ?? 0, chunks: chunks(), events: this.events(runId) }
  }

  private events(runId: number): StoredEvent[] {
    return (this.eventsStmt.all(runId) as Array<{ seq: number; t: number; rule: string; message: string; before_json: string; after_json: string; link: Buffer | null }>).map((e) => ({
      seq: e.seq,
      t: e.t,
      rule: e.rule,
      message: e.message,
      before: JSON.parse(e.before_json) as number[],
      after: JSON.parse(e.after_json) as number[],
      link: e.link
    }))
  }

  reviews(runId: number): Review[] {
    this.run(runId)
    return (this.reviewsStmt.all(runId) as Array<Omit<Review, 'link'> & { link: Buffer }>).map((r) => ({ ...r, link: r.link.toString('hex') }))
  }

  /**
   * Verifies the stored chain against the head recorded when the run was written (kept in its
   * manifest) extended by its reviews. Reads one chunk at a time.
   */
  verify(runId: number, manifestHead: string | null): ChainReport {
    const run = this.run(runId)
    const log = this.logStmt.get(runId) as { steps: number; meta_json: string } | undefined
    const steps = log?.steps ?? 0
    const meta = log ? (JSON.parse(log.meta_json) as StepLogMeta) : null
    const chunkIds = this.chunkIdsStmt.all(runId) as number[]
    const chunkStmt = this.chunkStmt
    function* chunks(): Generator<StoredStepChunk> {
      if (!meta) return
      for (const chunk of chunkIds) {
        const columns = new Map((chunkStmt.all(runId, chunk) as Array<{ name: string; data: Buffer }>).map((c) => [c.name, c.data]))
        yield { view: chunkView(meta, columns), links: columns.get(LINK_COLUMN) ?? null }
      }
    }
    const events = this.events(runId)
    const reviews: StoredReview[] = (this.reviewsStmt.all(runId) as Array<Omit<StoredReview, 'link'> & { link: Buffer }>).map((r) => ({ ...r, link: r.link }))
    // The expected head: the manifest's, carried through the reviews' own links (each review
    // is checked as a row of the chain; its stored link is what the head became).
    let expectedHead = manifestHead
    if (expectedHead !== null) for (const r of reviews) expectedHead = reviewLink(expectedHead, r, r.seq)
    if (expectedHead === null && run.chain_head !== null && reviews.length === 0) expectedHead = run.chain_head
    const report = verifyChain(chainEntries(chunks(), events, reviews), { head: expectedHead, steps, eventSeqs: events.map((e) => e.seq) })
    return { ...report, runId, steps, reviews: reviews.length }
  }

  /** Appends a review as the next link of the run's chain; a sign-off needs a chain that verifies. */
  appendReview(runId: number, review: ReviewContent, manifestHead: string | null): Review {
    const run = this.run(runId)
    if (run.status !== 'completed') throw new AuditError(`Run #${runId} is ${run.status}; only a completed run can be reviewed.`)
    if (!run.chain_head) throw new AuditError(`Run #${runId} was written before the decision log was hash-chained; replay it to get a chained run, then review that.`)
    if (review.verdict === 'sign-off') {
      const check = this.verify(runId, manifestHead)
      if (check.status !== 'intact') throw new AuditError(`Run #${runId}'s chain does not verify (${check.firstBreak?.detail ?? check.status}); it cannot be signed off — record findings instead.`)
    }
    return this.db.transaction(() => {
      const seq = (this.reviewsStmt.all(runId) as unknown[]).length
      const link = reviewLink(run.chain_head!, review, seq)
      this.insertReviewStmt.run(runId, seq, review.reviewer, review.at, review.verdict, review.notes, Buffer.from(link, 'hex'))
      this.headStmt.run(link, runId)
      return { ...review, seq, link }
    })()
  }
}

