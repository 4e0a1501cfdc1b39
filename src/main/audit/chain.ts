import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import type { Review } from '../../shared/contract'
import type { StoredEntry } from './verify'

// The tamper-evident decision log (issue 7 §1). Every step record and every constraint event
// is one link of a hash chain, in the order they happened: step t, then step t's events (by
// seq), then step t + 1 … Reviews append after the last step. Each link stores
//   link_i = sha256(link_{i−1} ‖ canonical bytes of row i)
// so changing, deleting, inserting or reordering any row breaks every link from there on.
// Canonical bytes spell names out (not the integer codes the store keeps), so rewriting a
// name table is caught too.

export const LINK_BYTES = 32
/** The link before the first row: a constant, so an empty log still has a defined head. */
export const GENESIS = createHash('sha256').update('mechanica decision log v1').digest()

/** One chunk's (or a whole run's) step columns, as the engine produces and the store decodes them. */
export interface StepColumnsView {
  legs: readonly string[]
  actionNames: readonly string[]
  regimeNames: readonly string[]
  sourceNames: readonly string[]
  rationales: readonly string[]
  t: ArrayLike<number>
  regime: ArrayLike<number>
  action: ArrayLike<number>
  source: ArrayLike<number>
  rationale: ArrayLike<number>
  position: ArrayLike<number>
  trade: ArrayLike<number>
  cost: ArrayLike<number>
  costByComponent: Readonly<Record<string, ArrayLike<number>>>
  pnlByComponent: Readonly<Record<string, ArrayLike<number>>>
  netPnl: ArrayLike<number>
  equity: ArrayLike<number>
  drawdown: ArrayLike<number>
  leverage: ArrayLike<number>
}

export interface ChainEvent {
  t: number
  rule: string
  message: string
  before: readonly number[]
  after: readonly number[]
}

/**
 * A little-endian byte writer reused across rows (no allocation per row once warm). The first
 * LINK_BYTES are kept free for the previous link, so a row is hashed in one call, in place.
 */
class CanonicalWriter {
  private buffer = Buffer.alloc(512)
  private length = LINK_BYTES

  reset(tag: number): this {
    this.length = LINK_BYTES
    this.ensure(1)
    this.buffer[this.length++] = tag
    return this
  }

  /** Bytes already in canonical form (a pre-encoded name). */
  raw(bytes: Buffer): this {
    this.ensure(bytes.length)
    bytes.copy(this.buffer, this.length)
    this.length += bytes.length
    return this
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }

  int(value: number): this {
    this.ensure(4)
    this.buffer.writeInt32LE(value, this.length)
    this.length += 4
    return this
  }

  float(value: number): this {
    this.ensure(8)
    this.buffer.writeDoubleLE(value, this.length)
    this.length += 8
    return this
  }

  floats(values: ArrayLike<number>, from: number, to: number): this {
    this.int(to - from)
    for (let i = from; i < to; i++) this.float(values[i]!)
    return this
  }

  text(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8')
    this.int(bytes)
    this.ensure(bytes)
    this.buffer.write(value, this.length, 'utf8')
    this.length += bytes
    return this
  }

  /** The row's canonical bytes (a view: copy it to keep it past the next row). */
  bytes(): Buffer {
    return this.buffer.subarray(LINK_BYTES, this.length)
  }

  /** sha256(previous ‖ this row), hashed in place. */
  link(previous: Uint8Array): Buffer {
    this.buffer.set(previous, 0)
    return sha256(this.buffer.subarray(0, this.length))
  }
}

// One-shot hashing (Node ≥ 20.12) avoids a Hash object per row: about twice as fast for rows this small.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash
const sha256 = (data: Uint8Array): Buffer => (oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest())

/**
 * Names (regimes, actions, rationales) encoded once per table: length-prefixed UTF-8. Each
 * entry remembers the string it encoded and is re-encoded if the table's entry changed (a
 * table that grows during a run, or one edited in place), so the cache never hides an edit.
 */
const encodedTables = new WeakMap<readonly string[], { names: string[]; bytes: Buffer[] }>()
function encodeText(value: string): Buffer {
  const text = Buffer.from(value, 'utf8')
  const out = Buffer.alloc(4 + text.length)
  out.writeInt32LE(text.length, 0)
  text.copy(out, 4)
  return out
}
function nameBytes(table: readonly string[], code: number): Buffer {
  const name = table[code]
  if (name === undefined) return encodeText(`#${code}`)
  let cache = encodedTables.get(table)
  if (!cache) encodedTables.set(table, (cache = { names: [], bytes: [] }))
  if (cache.names[code] !== name) {
    cache.names[code] = name
    cache.bytes[code] = encodeText(name)
  }
  return cache.bytes[code]!
}

/** Component columns with their encoded names, once per record object (no entries array per row). */
const componentLists = new WeakMap<object, Array<readonly [Buffer, ArrayLike<number>]>>()
function components(record: Readonly<Record<string, ArrayLike<number>>>): Array<readonly [Buffer, ArrayLike<number>]> {
  let list = componentLists.get(record)
  if (!list) componentLists.set(record, (list = Object.entries(record).map(([name, values]) => [encodeText(name), values] as const)))
  return list
}

const STEP_TAG = 0x53 // 'S'
const EVENT_TAG = 0x45 // 'E'
const REVIEW_TAG = 0x52 // 'R'

const writer = new CanonicalWriter()

/** Writes step i of a columns view (index into the view, not the step number) into the writer. */
function writeStep(v: StepColumnsView, i: number): CanonicalWriter {
  const legs = v.legs.length
  const w = writer.reset(STEP_TAG).int(v.t[i]!)
  w.raw(nameBytes(v.regimeNames, v.regime[i]!)).raw(nameBytes(v.actionNames, v.action[i]!))
  w.raw(nameBytes(v.sourceNames, v.source[i]!)).raw(nameBytes(v.rationales, v.rationale[i]!))
  w.floats(v.position, i * legs, (i + 1) * legs).floats(v.trade, i * legs, (i + 1) * legs)
  w.float(v.cost[i]!)
  for (const [name, values] of components(v.costByComponent)) w.raw(name).float(values[i]!)
  for (const [name, values] of components(v.pnlByComponent)) w.raw(name).float(values[i]!)
  return w.float(v.netPnl[i]!).float(v.equity[i]!).float(v.drawdown[i]!).float(v.leverage[i]!)
}

/** Canonical bytes of step i of a columns view (a view into a reused buffer: copy to keep). */
export function stepBytes(v: StepColumnsView, i: number): Buffer {
  return writeStep(v, i).bytes()
}

/**
 * An event's before/after values as the store keeps them (JSON): −0 reads back as 0 and
 * NaN/±Infinity as null, so the chain links those forms, or a stored event could never verify.
 */
const asStored = (values: readonly (number | null)[]): number[] => values.map((v) => (v === null || !Number.isFinite(v) ? Number.NaN : v === 0 ? 0 : v))

function writeEvent(e: ChainEvent, seq: number): CanonicalWriter {
  const w = writer.reset(EVENT_TAG).int(e.t).int(seq).text(e.rule).text(e.message)
  const before = asStored(e.before)
  const after = asStored(e.after)
  return w.floats(before, 0, before.length).floats(after, 0, after.length)
}

export function eventBytes(e: ChainEvent, seq: number): Buffer {
  return writeEvent(e, seq).bytes()
}

/** What a reviewer writes; the chain adds its sequence number and link (the contract's Review). */
export type ReviewContent = Omit<Review, 'seq' | 'link'>

export function reviewBytes(r: ReviewContent, seq: number): Buffer {
  return writer.reset(REVIEW_TAG).int(seq).text(r.reviewer).text(r.at).text(r.verdict).text(r.notes).bytes()
}

/** sha256(previous ‖ content): the link of a row whose canonical bytes are `content`. */
export function nextLink(previous: Uint8Array, content: Uint8Array): Buffer {
  const joined = Buffer.allocUnsafe(LINK_BYTES + content.length)
  joined.set(previous, 0)
  joined.set(content, LINK_BYTES)
  return sha256(joined)
}

/** The chain over a whole run: one link per step and per event, in log order. */
export interface RunChain {
  /** 32 bytes per step, step order. */
  stepLinks: Uint8Array
  /** 32 bytes per event, event (seq) order. */
  eventLinks: Uint8Array
  head: string
}

/**
 * The chain carried across a run written in batches: each call links the next steps and the
 * events at or before them, starting from the link the previous call ended on. Batches in
 * order give exactly the links and head chainRun gives over the whole run (tested).
 */
export class ChainCursor {
  private link: Uint8Array = GENESIS
  private stepsLinked = 0
  private eventsLinked = 0

  /** Steps and events linked so far. */
  get steps(): number {
    return this.stepsLinked
  }

  get events(): number {
    return this.eventsLinked
  }

  get head(): string {
    return Buffer.from(this.link).toString('hex')
  }

  /**
   * Links rows [from, to) of `v` (the run's next steps) and, after each, the events of `events`
   * at or before its step; with `last`, every event left after the last step too. `events` are
   * the run's events from sequence number `firstEvent` on (sorted by t; those already linked are
   * skipped). Returns the new links.
   */
  advance(
    v: StepColumnsView,
    from: number,
    to: number,
    events: readonly ChainEvent[],
    last: boolean,
    firstEvent = 0
  ): { stepLinks: Uint8Array; eventLinks: Uint8Array; firstEvent: number } {
    const start = this.eventsLinked
    const stepLinks = new Uint8Array((to - from) * LINK_BYTES)
    const eventLinks: Uint8Array[] = []
    let link = this.link
    let e = start - firstEvent
    if (e < 0) throw new RangeError(`events from #${firstEvent} were given, but #${start} is the next to link`)
    for (let i = from; i < to; i++) {
      link = writeStep(v, i).link(link)
      stepLinks.set(link, (i - from) * LINK_BYTES)
      for (; e < events.length && events[e]!.t <= v.t[i]!; e++) eventLinks.push((link = writeEvent(events[e]!, firstEvent + e).link(link)))
    }
    if (last) for (; e < events.length; e++) eventLinks.push((link = writeEvent(events[e]!, firstEvent + e).link(link)))
    this.link = link
    this.stepsLinked += to - from
    this.eventsLinked = firstEvent + e
    const joined = new Uint8Array(eventLinks.length * LINK_BYTES)
    eventLinks.forEach((l, k) => joined.set(l, k * LINK_BYTES))
    return { stepLinks, eventLinks: joined, firstEvent: start }
  }
}

/**
 * Links every step and event of a run. Events must be sorted by t (the kernel emits them in
 * step order); each follows the step it happened at.
 */
export function chainRun(v: StepColumnsView, events: readonly ChainEvent[]): RunChain {
  const cursor = new ChainCursor()
  const { stepLinks, eventLinks } = cursor.advance(v, 0, v.t.length, events, true)
  return { stepLinks, eventLinks, head: cursor.head }
}

/** A stored event or review with its sequence number and stored link. */
export interface StoredEvent extends ChainEvent {
  seq: number
  link: Uint8Array | null
}

export interface StoredReview extends ReviewContent {
  seq: number
  link: Uint8Array | null
}

/** A chunk of stored steps: its columns and its stored links (32 bytes per step, or null before chaining). */
export interface StoredStepChunk {
  view: StepColumnsView
  links: Uint8Array | null
}

/**
 * The stored log as chain entries in log order: each step, then the events at or before its
 * step number not yet placed, …, then any events left, then the reviews. The same rule
 * chainRun used to write it, applied to what is stored now.
 */
export function* chainEntries(chunks: Iterable<StoredStepChunk>, events: readonly StoredEvent[], reviews: readonly StoredReview[] = []): Generator<StoredEntry> {
  let e = 0
  const eventEntry = (ev: StoredEvent) => ({ kind: 'event' as const, index: ev.seq, t: ev.t, bytes: Buffer.from(eventBytes(ev, ev.seq)), link: ev.link })
  let lastT = -1
  for (const chunk of chunks) {
    const n = chunk.view.t.length
    for (let i = 0; i < n; i++) {
      const t = chunk.view.t[i]!
      lastT = t
      // Copy: the canonical writer's buffer is reused by the next row.
      yield { kind: 'step', index: t, t, bytes: Buffer.from(stepBytes(chunk.view, i)), link: chunk.links ? chunk.links.subarray(i * LINK_BYTES, (i + 1) * LINK_BYTES) : null }
      for (; e < events.length && events[e]!.t <= t; e++) yield eventEntry(events[e]!)
    }
  }
  for (; e < events.length; e++) yield eventEntry(events[e]!)
  for (const r of reviews) yield { kind: 'review', index: r.seq, t: lastT, bytes: Buffer.from(reviewBytes(r, r.seq)), link: r.link }
}

/** The link a review appended after `head` gets. */
export function reviewLink(head: string, review: ReviewContent, seq: number): string {
  return nextLink(Buffer.from(head, 'hex'), reviewBytes(review, seq)).toString('hex')
}
