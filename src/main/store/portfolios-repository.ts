import type { BookSummary, PortfolioMember, PortfolioSpec, PortfolioSummary } from '../../shared/contract'
import { PORTFOLIO_GENESIS, portfolioLink } from '../risk/portfolio-identity'
import type { Db } from './database'

export interface StoredPortfolio {
  summary: PortfolioSummary
  spec: PortfolioSpec
  members: PortfolioMember[]
  book: BookSummary
}

export interface NewPortfolio {
  spec: PortfolioSpec
  members: PortfolioMember[]
  hash: string
  resultsHash: string
  book: BookSummary
  createdAt: string
}

interface Row {
  id: number
  name: string
  spec_json: string
  members_json: string
  hash: string
  results_hash: string
  summary_json: string
  created_at: string
  link: Buffer
}

function toStored(row: Row): StoredPortfolio {
  const spec = JSON.parse(row.spec_json) as PortfolioSpec
  const book = JSON.parse(row.summary_json) as BookSummary
  return {
    summary: { id: row.id, name: row.name, createdAt: row.created_at, scheme: spec.scheme, pods: spec.runIds.length, hash: row.hash, resultsHash: row.results_hash, link: row.link.toString('hex'), totalReturn: book.totalReturn },
    spec,
    members: JSON.parse(row.members_json) as PortfolioMember[],
    book
  }
}

/**
 * Stored portfolios (migration 10): append-only rows, each linked to the one before, so the
 * list of portfolios is itself a hash chain that `verifyChain` walks.
 */
export class PortfoliosRepository {
  private readonly insertStmt
  private readonly getStmt
  private readonly listStmt
  private readonly countStmt
  private readonly lastStmt
  private readonly chainStmt
  private readonly holdingStmt

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO portfolios (id, name, spec_json, members_json, hash, results_hash, summary_json, created_at, link) VALUES (@id, @name, @spec_json, @members_json, @hash, @results_hash, @summary_json, @created_at, @link)`)
    this.getStmt = db.prepare(`SELECT * FROM portfolios WHERE id = ?`)
    this.listStmt = db.prepare(`SELECT * FROM portfolios ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.countStmt = db.prepare(`SELECT count(*) FROM portfolios`).pluck()
    this.lastStmt = db.prepare(`SELECT id, link FROM portfolios ORDER BY id DESC LIMIT 1`)
    this.holdingStmt = db.prepare(`SELECT * FROM portfolios WHERE EXISTS (SELECT 1 FROM json_each(members_json) WHERE json_extract(value, '$.runId') = ?) ORDER BY id DESC LIMIT 1`)
    this.chainStmt = db.prepare(`SELECT id, name, hash, results_hash, created_at, link FROM portfolios WHERE id <= ? ORDER BY id`)
  }

  /** Stores a portfolio as the next link of the chain, in one transaction. */
  create(p: NewPortfolio): StoredPortfolio {
    return this.db.transaction(() => {
      const last = this.lastStmt.get() as { id: number; link: Buffer } | undefined
      // AUTOINCREMENT never reuses an id, and rows are never deleted, so the next id is last + 1.
      const id = (last?.id ?? 0) + 1
      const link = portfolioLink(last?.link ?? PORTFOLIO_GENESIS, { id, name: p.spec.name, hash: p.hash, resultsHash: p.resultsHash, createdAt: p.createdAt })
      const row: Row = { id, name: p.spec.name, spec_json: JSON.stringify(p.spec), members_json: JSON.stringify(p.members), hash: p.hash, results_hash: p.resultsHash, summary_json: JSON.stringify(p.book), created_at: p.createdAt, link }
      this.insertStmt.run(row)
      return toStored(row)
    })()
  }

  get(id: number): StoredPortfolio | null {
    const row = this.getStmt.get(id) as Row | undefined
    return row ? toStored(row) : null
  }

  list(limit: number, offset: number): { portfolios: PortfolioSummary[]; total: number } {
    return { portfolios: (this.listStmt.all(limit, offset) as Row[]).map((r) => toStored(r).summary), total: this.countStmt.get() as number }
  }

  /** The newest portfolio that holds run `runId` as a pod. */
  newestHolding(runId: number): StoredPortfolio | null {
    const row = this.holdingStmt.get(runId) as Row | undefined
    return row ? toStored(row) : null
  }

  /** Walks the chain from the genesis up to portfolio `id`; the first id whose link fails, or null. */
  verifyChain(id: number): number | null {
    let previous: Uint8Array = PORTFOLIO_GENESIS
    let expectedId = 1
    for (const r of this.chainStmt.iterate(id) as Iterable<Omit<Row, 'spec_json' | 'members_json' | 'summary_json'>>) {
      // A gap in ids is a removed portfolio: the chain breaks at the one after it.
      if (r.id !== expectedId) return r.id
      const link = portfolioLink(previous, { id: r.id, name: r.name, hash: r.hash, resultsHash: r.results_hash, createdAt: r.created_at })
      if (!link.equals(r.link)) return r.id
      previous = r.link
      expectedId++
    }
    return expectedId > id ? null : id
  }
}
