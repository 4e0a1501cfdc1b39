import type { RunSeriesChunk } from '../../../../shared/contract'
import { reconflate } from '../../../../shared/series-conflation'
import { appendChunk, fromChunk, type DashboardSeries } from './dashboard-series'

// What the dashboard's series worker does with a running run's chunks (series.worker.ts runs it
// off the main thread): joins them, and conflates the stream's up to 4,096 buckets again to
// about the charts' width, so that the charts hold a number of points set by their pixels, not
// by the run's length. The group width (p stream buckets) is fixed for the run and a group is
// shown once all its buckets arrived: the charts lag by at most one group (about a pixel),
// and a shown point never changes, so the charts only ever append.

export class StreamMerger {
  private stream: DashboardSeries | null = null
  /** Stream buckets per shown group, fixed by the run's length and the charts' width. */
  private perGroup = 0

  constructor(
    /** Buckets the charts show at most (about their width in pixels). */
    private readonly maxBuckets: number,
    /** Categorical columns (regime, action): sampled, not min/max-conflated. */
    private readonly sampled: ReadonlySet<string>
  ) {
    if (!(maxBuckets >= 1)) throw new RangeError(`maxBuckets must be ≥ 1 (got ${maxBuckets})`)
  }

  push(chunk: RunSeriesChunk): void {
    if (this.stream && chunk.runId !== this.stream.runId) throw new Error(`a chunk of run #${chunk.runId} in the stream of run #${this.stream.runId}`)
    this.stream = this.stream ? appendChunk(this.stream, chunk) : fromChunk(chunk)
    if (this.perGroup === 0) this.perGroup = Math.max(1, Math.ceil(Math.ceil(chunk.total / Math.max(1, chunk.bucket)) / this.maxBuckets))
  }

  /** The whole groups of the stream, conflated to the charts' width; null before the first chunk. */
  view(): DashboardSeries | null {
    const stream = this.stream
    if (!stream) return null
    const p = this.perGroup
    if (p === 1) return stream
    const w = stream.bucket
    const last = stream.t.length > 0 ? stream.t[stream.t.length - 1]! : -1
    const groups = Math.floor((Math.floor(last / w) + 1) / p)
    const steps = groups * p * w
    let slots = stream.t.length
    while (slots > 0 && stream.t[slots - 1]! >= steps) slots--
    const columns: Record<string, Float64Array> = {}
    for (const [name, values] of Object.entries(stream.columns)) columns[name] = values.subarray(0, slots)
    if (groups === 0) return { ...stream, bucket: w * p, t: stream.t.subarray(0, 0), columns }
    // steps is a whole number of groups: reconflate merges exactly p buckets into each.
    const shown = reconflate({ t: stream.t.subarray(0, slots), columns, bucket: w }, steps, groups, this.sampled)
    return { ...stream, bucket: shown.bucket, t: shown.t, columns: shown.columns }
  }
}
