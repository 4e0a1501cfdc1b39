import { createHash } from 'node:crypto'
import type { PortfolioMember, PortfolioSpec } from '../../shared/contract'
import type { PortfolioBook } from './book'

// A stored portfolio's identity, reproducible from its members: the hash of its spec and of its
// members' results hashes and chain heads, the hash of the book those give, and its link in
// the chain of portfolios. Canonical forms spell every field in a fixed order, so the hashes
// do not depend on how a caller happened to order keys.

/** The link before the first portfolio. */
export const PORTFOLIO_GENESIS = createHash('sha256').update('mechanica portfolios v1').digest()

/** The spec with its keys in one order and absent options left out. */
export function canonicalSpec(spec: PortfolioSpec): PortfolioSpec {
  return {
    name: spec.name,
    runIds: [...spec.runIds],
    align: spec.align,
    scheme: spec.scheme,
    ...(spec.fixed === undefined ? {} : { fixed: [...spec.fixed] }),
    ...(spec.volTarget === undefined ? {} : { volTarget: spec.volTarget }),
    window: spec.window,
    rebalanceEvery: spec.rebalanceEvery,
    costBps: spec.costBps
  }
}

/** sha256 over the canonical spec and, per member in order, its run id, results hash and chain head. */
export function portfolioHash(spec: PortfolioSpec, members: readonly Pick<PortfolioMember, 'runId' | 'resultsHash' | 'chainHead'>[]): string {
  const identity = { v: 1, spec: canonicalSpec(spec), members: members.map((m) => ({ runId: m.runId, resultsHash: m.resultsHash, chainHead: m.chainHead })) }
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex')
}

function floats(hash: ReturnType<typeof createHash>, values: Float64Array): void {
  hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
}

/** sha256 over the book's series as little-endian bytes: equity, each pod's P&L, each pod's exposure, cost, rebalance steps. */
export function bookHash(book: PortfolioBook): string {
  const hash = createHash('sha256')
  floats(hash, book.equity)
  for (const p of book.podPnl) floats(hash, p)
  for (const e of book.exposure) floats(hash, e)
  floats(hash, book.cost)
  hash.update(new Uint8Array(book.rebalances.buffer, book.rebalances.byteOffset, book.rebalances.byteLength))
  return hash.digest('hex')
}

export interface PortfolioLinkRow {
  id: number
  name: string
  hash: string
  resultsHash: string
  createdAt: string
}

/** link = sha256(previous link ‖ id ‖ name ‖ hash ‖ results hash ‖ created at), fields length-prefixed. */
export function portfolioLink(previous: Uint8Array, row: PortfolioLinkRow): Buffer {
  const hash = createHash('sha256').update(previous)
  const id = Buffer.alloc(4)
  id.writeInt32LE(row.id, 0)
  hash.update(id)
  for (const text of [row.name, row.hash, row.resultsHash, row.createdAt]) {
    const bytes = Buffer.from(text, 'utf8')
    const length = Buffer.alloc(4)
    length.writeInt32LE(bytes.length, 0)
    hash.update(length).update(bytes)
  }
  return hash.digest()
}
