import { createHash } from 'node:crypto'
import type { PortfolioLogEntry } from '../../shared/contract'
import type { Db } from './database'

/**
 * A portfolio's log (migration 11): the constraint events its limits logged and the stress and
 * walk-forward reports the desk ran on it, append-only. Each entry's link hashes the link
 * before it — the first entry the portfolio's own link — so the log hangs off the chain of
 * portfolios, and an entry edited, removed or slipped in breaks it (`verify`).
 */
export type LogKind = PortfolioLogEntry['kind']

export interface NewLogEntry {
  kind: LogKind
  t?: number | null
  rule?: string | null
  action?: string | null
  message: string
  before?: number[] | null
  after?: number[] | null
  /** A stress or walk-forward report, kept whole. */
  body?: unknown
}

interface Row {
  portfolio_id: number
  seq: number
  kind: LogKind
  request_hash: string
  t: number | null
  rule: string | null
  action: string | null
  message: string
  before_json: string | null
  after_json: string | null
  body_json: string | null
  created_at: string
  link: Buffer
}

/** link = sha256(previous ‖ seq ‖ kind ‖ request hash ‖ t ‖ rule ‖ action ‖ message ‖ before ‖ after ‖ body ‖ created at), text fields length-prefixed. */
export function logLink(previous: Uint8Array, row: Omit<Row, 'link' | 'portfolio_id'>): Buffer {
  const hash = createHash('sha256').update(previous)
  const seq = Buffer.alloc(8)
  seq.writeInt32LE(row.seq, 0)
  seq.writeInt32LE(row.t ?? -1, 4)
  hash.update(seq)
  for (const text of [row.kind, row.request_hash, row.rule ?? '', row.action ?? '', row.message, row.before_json ?? '', row.after_json ?? '', row.body_json ?? '', row.created_at]) {
    const bytes = Buffer.from(text, 'utf8')
    const length = Buffer.alloc(4)
    length.writeInt32LE(bytes.length, 0)
    hash.update(length).update(bytes)
  }
  return hash.digest()
}

function toEntry(r: Row): PortfolioLogEntry {
  return {
    portfolioId: r.portfolio_id,
    seq: r.seq,
    kind: r.kind,
    requestHash: r.request_hash,
    t: r.t,
    rule: r.rule,
    action: r.action,
    message: r.message,
    before: r.before_json === null ? null : (JSON.parse(r.before_json) as number[]),
    after: r.after_json === null ? null : (JSON.parse(r.after_json) as number[]),
    createdAt: r.created_at,
    link: r.link.toString('hex')
  }
}

export class PortfolioLogRepository {
  private readonly insertStmt
  private readonly lastStmt
  private readonly byRequestStmt
  private readonly allStmt
  private readonly newestStmt
  private readonly portfolioLinkStmt
  private readonly bodyStmt

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO portfolio_log (portfolio_id, seq, kind, request_hash, t, rule, action, message, before_json, after_json, body_json, created_at, link)
       VALUES (@portfolio_id, @seq, @kind, @request_hash, @t, @rule, @action, @message, @before_json, @after_json, @body_json, @created_at, @link)`
    )
    this.lastStmt = db.prepare(`SELECT seq, link FROM portfolio_log WHERE portfolio_id = ? ORDER BY seq DESC LIMIT 1`)
    this.byRequestStmt = db.prepare(`SELECT * FROM portfolio_log WHERE portfolio_id = ? AND request_hash = ? ORDER BY seq`)
    this.allStmt = db.prepare(`SELECT * FROM portfolio_log WHERE portfolio_id = ? ORDER BY seq`)
    this.newestStmt = db.prepare(`SELECT * FROM portfolio_log WHERE portfolio_id = ? AND kind = ? ORDER BY seq DESC LIMIT 1`)
    this.bodyStmt = db.prepare(`SELECT body_json FROM portfolio_log WHERE portfolio_id = ? AND seq = ?`).pluck()
    this.portfolioLinkStmt = db.prepare(`SELECT link FROM portfolios WHERE id = ?`).pluck()
  }

  private genesis(portfolioId: number): Buffer {
    const link = this.portfolioLinkStmt.get(portfolioId) as Buffer | undefined
    if (!link) throw new RangeError(`there is no portfolio #${portfolioId} to log against`)
    return link
  }

  /**
   * Appends the entries answering one request, in one transaction, unless that request was
   * logged already: then the stored entries come back and nothing is written (so reading a
   * limit check twice does not log its breaches twice).
   */
  appendOnce(portfolioId: number, requestHash: string, createdAt: string, entries: readonly NewLogEntry[]): { entries: PortfolioLogEntry[]; appended: boolean } {
    return this.db.transaction(() => {
      const stored = this.byRequestStmt.all(portfolioId, requestHash) as Row[]
      if (stored.length) return { entries: stored.map(toEntry), appended: false }
      const last = this.lastStmt.get(portfolioId) as { seq: number; link: Buffer } | undefined
      let previous: Buffer = last?.link ?? this.genesis(portfolioId)
      let seq = (last?.seq ?? -1) + 1
      const out: PortfolioLogEntry[] = []
      for (const e of entries) {
        const fields = {
          seq,
          kind: e.kind,
          request_hash: requestHash,
          t: e.t ?? null,
          rule: e.rule ?? null,
          action: e.action ?? null,
          message: e.message,
          before_json: e.before ? JSON.stringify(e.before) : null,
          after_json: e.after ? JSON.stringify(e.after) : null,
          body_json: e.body === undefined ? null : JSON.stringify(e.body),
          created_at: createdAt
        }
        const row: Row = { portfolio_id: portfolioId, ...fields, link: logLink(previous, fields) }
        this.insertStmt.run(row)
        out.push(toEntry(row))
        previous = row.link
        seq++
      }
      return { entries: out, appended: true }
    })()
  }

  list(portfolioId: number): PortfolioLogEntry[] {
    return (this.allStmt.all(portfolioId) as Row[]).map(toEntry)
  }

  /** The entries a request logged, or none. */
  forRequest(portfolioId: number, requestHash: string): PortfolioLogEntry[] {
    return (this.byRequestStmt.all(portfolioId, requestHash) as Row[]).map(toEntry)
  }

  /** The report kept whole with entry `seq`, or null. */
  bodyAt<T>(portfolioId: number, seq: number): T | null {
    const json = this.bodyStmt.get(portfolioId, seq) as string | null | undefined
    return json ? (JSON.parse(json) as T) : null
  }

  /** The newest entry of a kind with its body (a stress or walk-forward report), or null. */
  newest<T>(portfolioId: number, kind: LogKind): { entry: PortfolioLogEntry; body: T | null } | null {
    const row = this.newestStmt.get(portfolioId, kind) as Row | undefined
    return row ? { entry: toEntry(row), body: row.body_json === null ? null : (JSON.parse(row.body_json) as T) } : null
  }

  /** Walks the portfolio's log from its genesis; the seq of the first entry whose link fails, or null. */
  verify(portfolioId: number): number | null {
    let previous: Buffer = this.genesis(portfolioId)
    let expected = 0
    for (const r of this.allStmt.iterate(portfolioId) as Iterable<Row>) {
      if (r.seq !== expected) return r.seq
      const { link, portfolio_id: _, ...fields } = r
      if (!logLink(previous, fields).equals(link)) return r.seq
      previous = link
      expected++
    }
    return null
  }
}
