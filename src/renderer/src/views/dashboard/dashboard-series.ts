import type { RunSeriesChunk } from '../../../../shared/contract'

/** A constraint event as a marker: where, which rule, what it did. */
export interface SeriesEvent {
  t: number
  rule: string
  message: string
}

/**
 * What the dashboard's step charts plot: one time grid `t` shared by every column (equity,
 * drawdown, leverage, cumulativeCost, `cost:<component>`, regime, action), conflated min/max
 * per bucket of `bucket` steps (1: every step), plus the constraint events.
 */
export interface DashboardSeries {
  runId: number
  total: number
  done: number
  bucket: number
  streaming: boolean
  t: Float64Array
  columns: Record<string, Float64Array>
  events: SeriesEvent[]
  /** Constraint events counted per rule, kept as chunks arrive (never recounted over the run). */
  eventsByRule: Record<string, number>
  regimeNames: string[]
  actionNames: string[]
  costComponents: string[]
}

export const costColumn = (component: string): string => `cost:${component}`

function countByRule(counts: Record<string, number>, events: readonly SeriesEvent[]): Record<string, number> {
  if (events.length === 0) return counts
  const next = { ...counts }
  for (const e of events) next[e.rule] = (next[e.rule] ?? 0) + 1
  return next
}

export function fromChunk(chunk: RunSeriesChunk): DashboardSeries {
  return {
    runId: chunk.runId,
    total: chunk.total,
    done: chunk.done,
    bucket: chunk.bucket,
    streaming: true,
    t: chunk.t,
    columns: chunk.columns,
    events: [...chunk.events],
    eventsByRule: countByRule({}, chunk.events),
    regimeNames: chunk.regimeNames,
    actionNames: chunk.actionNames,
    costComponents: chunk.costComponents
  }
}

function grow(a: Float64Array, b: Float64Array, from: number): Float64Array {
  const out = new Float64Array(a.length + b.length - from)
  out.set(a, 0)
  out.set(b.subarray(from), a.length)
  return out
}

/**
 * Appends a streamed chunk. Slots the series already has (a chunk that overlaps the snapshot
 * it was fetched with) are skipped, so the grid stays strictly increasing.
 */
export function appendChunk(series: DashboardSeries, chunk: RunSeriesChunk): DashboardSeries {
  const lastT = series.t.length > 0 ? series.t[series.t.length - 1]! : Number.NEGATIVE_INFINITY
  let skip = 0
  while (skip < chunk.t.length && chunk.t[skip]! <= lastT) skip++
  if (skip === chunk.t.length) return chunk.done > series.done ? { ...series, done: chunk.done } : series
  const columns: Record<string, Float64Array> = {}
  for (const [name, values] of Object.entries(series.columns)) {
    const more = chunk.columns[name]
    if (!more) throw new Error(`a streamed chunk of run #${series.runId} lacks the column "${name}"`)
    columns[name] = grow(values, more, skip)
  }
  const seen = series.events.length > 0 ? series.events[series.events.length - 1]!.t : Number.NEGATIVE_INFINITY
  const added = chunk.events.filter((e) => e.t > seen || skip === 0)
  return {
    ...series,
    done: Math.max(series.done, chunk.done),
    t: grow(series.t, chunk.t, skip),
    columns,
    events: added.length > 0 ? series.events.concat(added) : series.events,
    eventsByRule: countByRule(series.eventsByRule, added)
  }
}
