import type { StepFilter, StepIndex, StepLogNames, StepsPage } from '../../shared/contract/steps'
import { blobToFloat64 } from './series-codec'
import { STEP_CHUNK, type StepLogMeta } from './step-log'

/**
 * Filtered, paged reads of the decision log without ever loading a run whole. A page decodes
 * only the chunks it spans; a filter decodes only the columns it tests, once per
 * (run, filter), into a sorted index of matching step numbers that later pages walk through.
 * Decoded columns, name tables, events and filter indexes share one LRU bounded in bytes.
 */

/** What the query needs from the store (RunsRepository provides it). */
export interface StepLogSource {
  stepLog(runId: number): { steps: number; meta: StepLogMeta } | null
  stepColumn(runId: number, chunk: number, name: string): Buffer | null
  /** Every column of a chunk in one read (a page needs them all). */
  stepChunk(runId: number, chunk: number): Map<string, Buffer>
  stepEvents(runId: number): Array<{ t: number; rule: string; message: string }>
  /** Events of steps [from, to] only. */
  stepEventsBetween(runId: number, from: number, to: number): Array<{ t: number; rule: string; message: string }>
}

/** Bytes the caches may hold in all; a 1M-step log's filter columns fit several times over. */
export const DEFAULT_STEP_CACHE_BYTES = 96 * 1024 * 1024

const CODE_COLUMNS = new Set(['t', 'regime', 'action', 'source', 'rationale'])

interface Header {
  steps: number
  meta: StepLogMeta
  names: StepLogNames
}

/** A run's constraint events sorted by step, columnar. */
interface EventTable {
  t: Int32Array
  rule: string[]
  message: string[]
  /** Distinct steps with at least one event, ascending. */
  hitSteps: Int32Array
}

type Column = Int32Array | Float64Array

/** Least-recently-used map bounded by the sum of its entries' sizes. */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>()
  private used = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, bytes: number): void {
    const old = this.entries.get(key)
    if (old) {
      this.used -= old.bytes
      this.entries.delete(key)
    }
    this.entries.set(key, { value, bytes })
    this.used += bytes
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes || k === key) break
      this.entries.delete(k)
      this.used -= e.bytes
    }
  }

  get bytes(): number {
    return this.used
  }

  get size(): number {
    return this.entries.size
  }
}

const stringBytes = (strings: readonly string[]): number => strings.reduce((sum, s) => sum + 16 + s.length * 2, 0)

/** The filter with defaults removed and lists sorted, so equal filters share one index. */
export function normaliseFilter(filter: StepFilter | undefined): StepFilter | null {
  if (!filter) return null
  const list = (values: string[] | undefined): string[] | undefined => (values && values.length > 0 ? [...new Set(values)].sort() : undefined)
  const text = filter.text?.trim().toLowerCase()
  const normal: StepFilter = {}
  const actions = list(filter.actions)
  const regimes = list(filter.regimes)
  const sources = list(filter.sources)
  if (actions) normal.actions = actions
  if (regimes) normal.regimes = regimes
  if (sources) normal.sources = sources
  if (filter.constraintHit) normal.constraintHit = true
  if (text) normal.text = text
  return Object.keys(normal).length > 0 ? normal : null
}

function maskOf(names: readonly string[], chosen: readonly string[] | undefined): Uint8Array | null {
  if (!chosen) return null
  const wanted = new Set(chosen)
  return Uint8Array.from(names, (n) => (wanted.has(n) ? 1 : 0))
}

function textMask(names: readonly string[], text: string): Uint8Array {
  return Uint8Array.from(names, (n) => (n.toLowerCase().includes(text) ? 1 : 0))
}

function emptyPage(runId: number, offset: number, names: StepLogNames, steps: number, total: number, logged: boolean): StepsPage {
  const none = new Float64Array(0)
  return {
    runId,
    logged,
    steps,
    total,
    offset,
    names,
    rows: {
      t: none,
      regime: none,
      action: none,
      source: none,
      rationale: [],
      position: none,
      trade: none,
      cost: none,
      netPnl: none,
      equity: none,
      drawdown: none,
      leverage: none,
      costs: Object.fromEntries(names.costComponents.map((c) => [c, none])),
      pnl: Object.fromEntries(names.pnlComponents.map((c) => [c, none]))
    },
    events: []
  }
}

const NO_NAMES: StepLogNames = { legs: [], actions: [], regimes: [], sources: [], costComponents: [], pnlComponents: [] }

/** Lower bound: the first index i with sorted[i] ≥ value. */
function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

export class StepQuery {
  private readonly cache: ByteLru<unknown>

  constructor(
    private readonly source: StepLogSource,
    cacheBytes = DEFAULT_STEP_CACHE_BYTES
  ) {
    this.cache = new ByteLru(cacheBytes)
  }

  /** Bytes held by the caches now (for tests and the bench). */
  get cachedBytes(): number {
    return this.cache.bytes
  }

  /** Rows [offset, offset + limit) of the run's (filtered) log, columnar. */
  page(runId: number, offset: number, limit: number, filter?: StepFilter): StepsPage {
    const header = this.header(runId)
    if (!header) return emptyPage(runId, offset, NO_NAMES, 0, 0, false)
    const normal = normaliseFilter(filter)
    const index = normal ? this.filterIndex(runId, header, normal) : null
    const total = index ? index.length : header.steps
    const from = Math.min(offset, total)
    const to = Math.min(total, from + limit)
    if (to <= from) return emptyPage(runId, offset, header.names, header.steps, total, true)
    const steps = index ? index.subarray(from, to) : Int32Array.from({ length: to - from }, (_, i) => from + i)
    return { runId, logged: true, steps: header.steps, total, offset, names: header.names, ...this.rowsAt(runId, header, steps) }
  }

  /** Rows matching the filter (every step without one). */
  count(runId: number, filter?: StepFilter): number {
    const header = this.header(runId)
    if (!header) return 0
    const normal = normaliseFilter(filter)
    return normal ? this.filterIndex(runId, header, normal).length : header.steps
  }

  /** The row of step t in the (filtered) log, or of the nearest matching step after it, else before it. */
  indexOf(runId: number, t: number, filter?: StepFilter): StepIndex {
    const header = this.header(runId)
    if (!header || header.steps === 0) return { index: null, t: null, exact: false }
    const normal = normaliseFilter(filter)
    if (!normal) {
      const index = Math.min(t, header.steps - 1)
      return { index, t: index, exact: index === t }
    }
    const matching = this.filterIndex(runId, header, normal)
    if (matching.length === 0) return { index: null, t: null, exact: false }
    let index = lowerBound(matching, t)
    if (index === matching.length) index = matching.length - 1
    const at = matching[index]!
    return { index, t: at, exact: at === t }
  }

  private header(runId: number): Header | null {
    const key = `h:${runId}`
    const cached = this.cache.get(key) as Header | undefined
    if (cached) return cached
    // A run without a log yet (running, random walk) is not cached: it may complete later.
    const log = this.source.stepLog(runId)
    if (!log) return null
    const m = log.meta
    const header: Header = {
      steps: log.steps,
      meta: m,
      names: { legs: m.legs, actions: m.actionNames, regimes: m.regimeNames, sources: m.sourceNames, costComponents: m.costComponents, pnlComponents: m.pnlComponents }
    }
    const bytes = stringBytes(m.rationales) + stringBytes(m.actionNames) + stringBytes(m.legs) + 1024
    this.cache.set(key, header, bytes)
    return header
  }

  private events(runId: number): EventTable {
    const key = `e:${runId}`
    const cached = this.cache.get(key) as EventTable | undefined
    if (cached) return cached
    const rows = this.source.stepEvents(runId)
    // Stored in seq order, which is step order; sort anyway (stable) so lookups can bisect.
    const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.t - rows[b]!.t || a - b)
    const t = Int32Array.from(order, (i) => rows[i]!.t)
    const hits: number[] = []
    for (let i = 0; i < t.length; i++) if (i === 0 || t[i] !== t[i - 1]) hits.push(t[i]!)
    const table: EventTable = {
      t,
      rule: order.map((i) => rows[i]!.rule),
      message: order.map((i) => rows[i]!.message),
      hitSteps: Int32Array.from(hits)
    }
    this.cache.set(key, table, t.byteLength * 2 + stringBytes(table.rule) + stringBytes(table.message))
    return table
  }

  /** One decoded column of one chunk, from the cache or the store. */
  private column(runId: number, chunk: number, name: string): Column {
    const cached = this.cache.get(`c:${runId}:${chunk}:${name}`) as Column | undefined
    if (cached) return cached
    const blob = this.source.stepColumn(runId, chunk, name)
    if (!blob) throw new Error(`the stored decision log of run #${runId} lacks column "${name}" in chunk ${chunk}`)
    return this.decode(runId, chunk, name, blob)
  }

  /** The named columns of one chunk; when any is not cached, the chunk is read in one query. */
  private columns(runId: number, chunk: number, names: readonly string[]): Column[] {
    const cached = names.map((name) => this.cache.get(`c:${runId}:${chunk}:${name}`) as Column | undefined)
    if (cached.every((c) => c !== undefined)) return cached as Column[]
    const blobs = this.source.stepChunk(runId, chunk)
    return names.map((name, i) => {
      if (cached[i]) return cached[i]
      const blob = blobs.get(name)
      if (!blob) throw new Error(`the stored decision log of run #${runId} lacks column "${name}" in chunk ${chunk}`)
      return this.decode(runId, chunk, name, blob)
    })
  }

  private decode(runId: number, chunk: number, name: string, blob: Buffer): Column {
    let column: Column
    if (CODE_COLUMNS.has(name)) {
      column = new Int32Array(blob.byteLength / 4)
      new Uint8Array(column.buffer).set(blob)
    } else column = blobToFloat64(blob)
    this.cache.set(`c:${runId}:${chunk}:${name}`, column, column.byteLength + 64)
    return column
  }

  /** Sorted step numbers matching a (normalised) filter, built once per run and filter. */
  private filterIndex(runId: number, header: Header, filter: StepFilter): Int32Array {
    const key = `f:${runId}:${JSON.stringify(filter)}`
    const cached = this.cache.get(key) as Int32Array | undefined
    if (cached) return cached
    const index = this.buildIndex(runId, header, filter)
    this.cache.set(key, index, index.byteLength + 64)
    return index
  }

  private buildIndex(runId: number, header: Header, filter: StepFilter): Int32Array {
    const { meta, steps } = header
    const actionMask = maskOf(meta.actionNames, filter.actions)
    const regimeMask = maskOf(meta.regimeNames, filter.regimes)
    const sourceMask = maskOf(meta.sourceNames, filter.sources)
    const events = filter.constraintHit || filter.text ? this.events(runId) : null
    const hitSteps = filter.constraintHit ? events!.hitSteps : null
    // Text: match the name tables first, then test rows by code (no string work per row).
    let rationaleText: Uint8Array | null = null
    let actionText: Uint8Array | null = null
    let eventTextSteps: Int32Array | null = null
    if (filter.text) {
      const text = filter.text
      rationaleText = textMask(meta.rationales, text)
      actionText = textMask(meta.actionNames, text)
      const matched: number[] = []
      for (let i = 0; i < events!.t.length; i++) {
        const at = events!.t[i]!
        if (matched[matched.length - 1] === at) continue
        if (events!.message[i]!.toLowerCase().includes(text) || events!.rule[i]!.toLowerCase().includes(text)) matched.push(at)
      }
      eventTextSteps = Int32Array.from(matched)
      if (!rationaleText.includes(1) && !actionText.includes(1) && eventTextSteps.length === 0) return new Int32Array(0)
    }

    const out = new Int32Array(hitSteps ? hitSteps.length : steps)
    let count = 0
    const accept = (chunk: number, i: number, t: number, textPointer: { at: number }): boolean => {
      if (actionMask && !actionMask[this.column(runId, chunk, 'action')[i]!]) return false
      if (regimeMask && !regimeMask[this.column(runId, chunk, 'regime')[i]!]) return false
      if (sourceMask && !sourceMask[this.column(runId, chunk, 'source')[i]!]) return false
      if (rationaleText && actionText && eventTextSteps) {
        if (rationaleText[this.column(runId, chunk, 'rationale')[i]!]) return true
        if (actionText[this.column(runId, chunk, 'action')[i]!]) return true
        while (textPointer.at < eventTextSteps.length && eventTextSteps[textPointer.at]! < t) textPointer.at++
        return eventTextSteps[textPointer.at] === t
      }
      return true
    }
    const textPointer = { at: 0 }
    const noColumns = !actionMask && !regimeMask && !sourceMask && !filter.text
    if (hitSteps) {
      // Constraint hits are rare: walk them and touch only the chunks that hold one.
      for (const t of hitSteps) {
        if (t < 0 || t >= steps) continue
        const chunk = Math.floor(t / STEP_CHUNK)
        if (noColumns || accept(chunk, t - chunk * STEP_CHUNK, t, textPointer)) out[count++] = t
      }
      return out.slice(0, count)
    }
    for (let chunk = 0, t0 = 0; t0 < steps; chunk++, t0 += STEP_CHUNK) {
      const n = Math.min(STEP_CHUNK, steps - t0)
      // Hoist the chunk's columns out of the row loop: the per-row test is then array reads.
      const action = actionMask || actionText ? this.column(runId, chunk, 'action') : null
      const regime = regimeMask ? this.column(runId, chunk, 'regime') : null
      const source = sourceMask ? this.column(runId, chunk, 'source') : null
      const rationale = rationaleText ? this.column(runId, chunk, 'rationale') : null
      for (let i = 0; i < n; i++) {
        if (actionMask && !actionMask[action![i]!]) continue
        if (regimeMask && !regimeMask[regime![i]!]) continue
        if (sourceMask && !sourceMask[source![i]!]) continue
        if (rationaleText && !rationaleText[rationale![i]!] && !actionText![action![i]!]) {
          const t = t0 + i
          while (textPointer.at < eventTextSteps!.length && eventTextSteps![textPointer.at]! < t) textPointer.at++
          if (eventTextSteps![textPointer.at] !== t) continue
        }
        out[count++] = t0 + i
      }
    }
    return out.slice(0, count)
  }

  /** Every column of the given (ascending) steps, plus their constraint events. */
  private rowsAt(runId: number, header: Header, steps: Int32Array): Pick<StepsPage, 'rows' | 'events'> {
    const { meta } = header
    const legs = meta.legs.length
    const n = steps.length
    const f64 = (): Float64Array => new Float64Array(n)
    const rows = {
      t: f64(),
      regime: f64(),
      action: f64(),
      source: f64(),
      rationale: new Array<string>(n),
      position: new Float64Array(n * legs),
      trade: new Float64Array(n * legs),
      cost: f64(),
      netPnl: f64(),
      equity: f64(),
      drawdown: f64(),
      leverage: f64(),
      costs: Object.fromEntries(meta.costComponents.map((c) => [c, f64()])) as Record<string, Float64Array>,
      pnl: Object.fromEntries(meta.pnlComponents.map((c) => [c, f64()])) as Record<string, Float64Array>
    }
    const scalar = ['t', 'regime', 'action', 'source', 'cost', 'netPnl', 'equity', 'drawdown', 'leverage'] as const
    const names = [...scalar, 'rationale', 'position', 'trade', ...meta.costComponents.map((c) => `cost:${c}`), ...meta.pnlComponents.map((c) => `pnl:${c}`)]
    for (let from = 0; from < n; ) {
      const chunk = Math.floor(steps[from]! / STEP_CHUNK)
      const chunkEnd = (chunk + 1) * STEP_CHUNK
      let to = from
      while (to < n && steps[to]! < chunkEnd) to++
      const decoded = new Map(this.columns(runId, chunk, names).map((column, i) => [names[i]!, column]))
      const col = (name: string): Column => decoded.get(name)!
      const rationale = col('rationale')
      const position = col('position')
      const trade = col('trade')
      const scalars = scalar.map((name) => [rows[name], col(name)] as const)
      const costs = meta.costComponents.map((c) => [rows.costs[c]!, col(`cost:${c}`)] as const)
      const pnl = meta.pnlComponents.map((c) => [rows.pnl[c]!, col(`pnl:${c}`)] as const)
      for (let r = from; r < to; r++) {
        const i = steps[r]! - chunk * STEP_CHUNK
        for (const [target, source] of scalars) target[r] = source[i]!
        for (const [target, source] of costs) target[r] = source[i]!
        for (const [target, source] of pnl) target[r] = source[i]!
        rows.rationale[r] = meta.rationales[rationale[i]!] ?? ''
        for (let l = 0; l < legs; l++) {
          rows.position[r * legs + l] = position[i * legs + l]!
          rows.trade[r * legs + l] = trade[i * legs + l]!
        }
      }
      from = to
    }
    // The events of the page's step range (an indexed read), kept for the page's own steps.
    const onPage = new Set(steps)
    const events = n > 0 ? this.source.stepEventsBetween(runId, steps[0]!, steps[n - 1]!).filter((e) => onPage.has(e.t)) : []
    return { rows, events: events.sort((a, b) => a.t - b.t) }
  }
}
