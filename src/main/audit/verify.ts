import type { ChainBreak, ChainReport } from '../../shared/contract'
import { GENESIS, LINK_BYTES, nextLink } from './chain'

/** One stored row of the chain, as read back: what it claims to be, its canonical bytes, its stored link. */
export interface StoredEntry extends Pick<ChainBreak, 'kind' | 'index' | 't'> {
  bytes: Buffer
  link: Uint8Array | null
}

/** The chain walk's verdict; the store adds the run, its step count and its reviews (the contract's ChainReport). */
export type VerifyReport = Omit<ChainReport, 'runId' | 'steps' | 'reviews'>

const sameLink = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && a.length === LINK_BYTES && Buffer.compare(a, b) === 0

function describe(e: StoredEntry): string {
  return e.kind === 'step' ? `step ${e.index}` : `${e.kind} #${e.index} (at step ${e.t})`
}

/**
 * Walks the stored chain in log order, recomputing each link from the previous one and the
 * row's canonical bytes. At the first link that does not verify it looks one row ahead to
 * say what happened: a row changed in place, a row deleted (numbering skips), a row inserted
 * (the next row links to the previous one), or two rows swapped. `expectedHead` is the head
 * recorded when the run was written (manifest); a log truncated at its end stops short of it.
 */
export function verifyChain(entries: Iterable<StoredEntry>, expected: { head: string | null; steps: number; eventSeqs?: readonly number[] }): VerifyReport {
  // The first event number missing from the store: a deleted event breaks the link of the row
  // after it, which itself looks intact, so the gap is what names it.
  const seqs = expected.eventSeqs ?? []
  let missingEvent = -1
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i] !== i) {
      missingEvent = i
      break
    }
  }
  let previous: Uint8Array = GENESIS
  let position = 0
  let lastStep = -1
  const lastSeq: Record<StoredEntry['kind'], number> = { step: -1, event: -1, review: -1 }
  const iterator = entries[Symbol.iterator]()
  let current = iterator.next()
  if (!current.done && current.value.link === null) {
    return { status: 'unchained', verified: 0, head: null, expectedHead: expected.head, firstBreak: null }
  }
  const broken = (entry: StoredEntry, problem: ChainBreak['problem'], detail: string): VerifyReport => ({
    status: 'broken',
    verified: position,
    head: Buffer.from(previous).toString('hex'),
    expectedHead: expected.head,
    firstBreak: { position, kind: entry.kind, index: entry.index, t: entry.t, problem, detail }
  })
  while (!current.done) {
    const entry = current.value
    const next = iterator.next()
    // Numbering first: steps run 0, 1, 2 …; events and reviews count up from 0.
    const expectedIndex = entry.kind === 'step' ? lastStep + 1 : lastSeq[entry.kind] + 1
    if (entry.index > expectedIndex) {
      const after = next.done ? null : next.value
      if (after && after.kind === entry.kind && after.index === expectedIndex) {
        return broken(entry, 'reordered', `${describe(entry)} comes before ${describe(after)}`)
      }
      const missing = entry.index - 1 > expectedIndex ? `${expectedIndex}…${entry.index - 1} are` : `${expectedIndex} is`
      return broken(entry, 'deleted', `${entry.kind} ${missing} missing before ${describe(entry)}`)
    }
    if (entry.index < expectedIndex) {
      return broken(entry, 'inserted', `a second ${describe(entry)} appears after ${entry.kind} ${expectedIndex - 1}`)
    }
    const recomputed = nextLink(previous, entry.bytes)
    if (!sameLink(entry.link, recomputed)) {
      const after = next.done ? null : next.value
      if (after && sameLink(after.link, nextLink(previous, after.bytes))) {
        return broken(entry, 'inserted', `${describe(entry)} is not part of the chain: the row after it links to the row before it`)
      }
      if (after && entry.link && sameLink(after.link, nextLink(entry.link, after.bytes))) {
        if (missingEvent >= 0 && lastSeq.event === missingEvent - 1) {
          return broken(entry, 'deleted', `event #${missingEvent} is missing before ${describe(entry)} (the row links to a predecessor that is no longer stored)`)
        }
        return broken(entry, 'changed', `${describe(entry)} was changed after it was written (its content no longer matches its link)`)
      }
      if (after && entry.link && sameLink(entry.link, nextLink(previous, after.bytes))) {
        return broken(entry, 'reordered', `${describe(entry)} and ${describe(after)} are out of order`)
      }
      return broken(entry, 'changed', `${describe(entry)} no longer matches its link, and neither does the row after it (several rows changed, or the chain was rewritten from here on)`)
    }
    previous = recomputed
    if (entry.kind === 'step') lastStep = entry.index
    else lastSeq[entry.kind] = entry.index
    position++
    current = next
  }
  const head = Buffer.from(previous).toString('hex')
  if (lastStep + 1 < expected.steps) {
    return {
      status: 'broken',
      verified: position,
      head,
      expectedHead: expected.head,
      firstBreak: { position, kind: 'step', index: lastStep + 1, t: lastStep + 1, problem: 'deleted', detail: `the log ends after step ${lastStep}; the run recorded ${expected.steps} steps` }
    }
  }
  if (expected.head !== null && head !== expected.head) {
    return {
      status: 'broken',
      verified: position,
      head,
      expectedHead: expected.head,
      firstBreak: { position, kind: 'step', index: lastStep, t: lastStep, problem: 'changed', detail: `every link verifies but the chain ends at ${head.slice(0, 12)}…, not at the recorded head ${expected.head.slice(0, 12)}… (rows were rewritten and re-linked)` }
    }
  }
  return { status: 'intact', verified: position, head, expectedHead: expected.head, firstBreak: null }
}
