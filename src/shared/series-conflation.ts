// Min/max conflation of step series onto one shared time grid, so that every chart of a run
// keeps the same points (lightweight-charts spaces points by index: charts that share a grid
// share their x positions, which is what a synced crosshair and visible range need).
//
// Buckets are aligned to multiples of `width` from step 0. A bucket of `len` steps becomes two
// slots at steps a and a + ⌊len/2⌋ (one slot when len = 1). For an extreme-preserving column the
// slots hold the bucket's minimum and maximum in the order they occurred; a sampled column
// (categorical: regime, action) holds its value at the slot's own step. With width 1 or 2 the
// output is the input, step for step.

/** Steps per bucket so that `total` steps make at most `maxBuckets` buckets. */
export function bucketWidth(total: number, maxBuckets: number): number {
  if (!(maxBuckets >= 1)) throw new RangeError(`maxBuckets must be ≥ 1 (got ${maxBuckets})`)
  return Math.max(1, Math.ceil(total / maxBuckets))
}

export interface ConflatedSeries {
  /** Step of each slot, strictly increasing. */
  t: Float64Array
  columns: Record<string, Float64Array>
}

export interface ConflateOptions {
  /** Steps per bucket (≥ 1). */
  width: number
  /** Columns sampled at the slot's step instead of keeping min and max (categorical codes). */
  sampled?: ReadonlySet<string>
  /** Step of element 0 of the columns; must be a multiple of `width` (bucket-aligned). */
  from?: number
}

/** Number of slots `n` steps starting at a bucket boundary conflate to. */
export function slotCount(n: number, width: number): number {
  const full = Math.floor(n / width)
  const rest = n - full * width
  const perFull = width === 1 ? 1 : 2
  return full * perFull + (rest === 0 ? 0 : rest === 1 ? 1 : 2)
}

/**
 * One bucket of `len` values v[a…a+len) into slot (and slot + 1 when len > 1): the value itself
 * when len is 1 or 2; a sampled column's values at the two slots' steps; else the bucket's
 * first minimum and first maximum in the order they occurred.
 */
function writeBucket(v: ArrayLike<number>, a: number, len: number, sampled: boolean, o: Float64Array, slot: number): void {
  if (len === 1) {
    o[slot] = v[a]!
    return
  }
  if (sampled) {
    o[slot] = v[a]!
    o[slot + 1] = v[a + Math.max(1, Math.floor(len / 2))]!
    return
  }
  if (len === 2) {
    o[slot] = v[a]!
    o[slot + 1] = v[a + 1]!
    return
  }
  let lo = a
  let hi = a
  for (let i = a + 1; i < a + len; i++) {
    // NaN never wins a comparison, so a NaN run keeps its first value at both slots.
    if (v[i]! < v[lo]!) lo = i
    if (v[i]! > v[hi]!) hi = i
  }
  o[slot] = v[Math.min(lo, hi)]!
  o[slot + 1] = v[Math.max(lo, hi)]!
}

/** Conflates the first `n` elements of every column (all the same length) bucket by bucket. */
export function conflateMinMax(columns: Record<string, ArrayLike<number>>, n: number, options: ConflateOptions): ConflatedSeries {
  const width = options.width
  const from = options.from ?? 0
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a whole number ≥ 1 (got ${width})`)
  if (from % width !== 0) throw new RangeError(`from (${from}) must be a multiple of the bucket width (${width})`)
  const names = Object.keys(columns)
  for (const name of names) {
    if (columns[name]!.length < n) throw new RangeError(`column "${name}" has ${columns[name]!.length} values, fewer than ${n}`)
  }
  const slots = slotCount(n, width)
  const t = new Float64Array(slots)
  const out: Record<string, Float64Array> = {}
  for (const name of names) out[name] = new Float64Array(slots)

  let slot = 0
  for (let a = 0; a < n; a += width) {
    const len = Math.min(width, n - a)
    t[slot] = from + a
    if (len > 1) t[slot + 1] = from + a + Math.max(1, Math.floor(len / 2))
    for (const name of names) writeBucket(columns[name]!, a, len, options.sampled?.has(name) ?? false, out[name]!, slot)
    slot += len === 1 ? 1 : 2
  }
  return { t, columns: out }
}

/**
 * Conflates a stream of contiguous chunks with a fixed bucket width: complete buckets go out
 * as soon as they fill, the incomplete tail waits for the next chunk (or `finish`). The output
 * is the same as conflating the whole series at once.
 */
export class StreamConflator {
  /** The bucket being filled: its values per column, in typed arrays of one bucket each. */
  private readonly pending: Float64Array[]
  private pendingFrom = 0
  private pendingLength = 0
  private readonly sampledFlags: boolean[]

  constructor(
    readonly width: number,
    private readonly names: readonly string[],
    sampled: ReadonlySet<string> = new Set()
  ) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a whole number ≥ 1 (got ${width})`)
    this.pending = names.map(() => new Float64Array(width))
    this.sampledFlags = names.map((name) => sampled.has(name))
  }

  /** Steps [from, from + n) of every column; `from` must follow the previous chunk. */
  push(from: number, columns: Record<string, ArrayLike<number>>, n: number): ConflatedSeries | null {
    if (from !== this.pendingFrom + this.pendingLength) {
      throw new RangeError(`chunk starts at step ${from}; the stream is at step ${this.pendingFrom + this.pendingLength}`)
    }
    const sources = this.names.map((name) => {
      const source = columns[name]
      if (!source) throw new RangeError(`the chunk has no column "${name}"`)
      return source
    })
    const w = this.width
    const buckets = Math.floor((this.pendingLength + n) / w)
    if (buckets === 0) {
      for (let c = 0; c < sources.length; c++) for (let i = 0; i < n; i++) this.pending[c]![this.pendingLength + i] = sources[c]![i]!
      this.pendingLength += n
      return null
    }
    const perBucket = w === 1 ? 1 : 2
    const t = new Float64Array(buckets * perBucket)
    const out = this.names.map(() => new Float64Array(buckets * perBucket))
    let consumed = 0 // values of this chunk used so far
    for (let b = 0; b < buckets; b++) {
      const a = this.pendingFrom + b * w
      const slot = b * perBucket
      t[slot] = a
      if (w > 1) t[slot + 1] = a + Math.max(1, Math.floor(w / 2))
      // A bucket is read straight from the chunk unless it began in an earlier one.
      const fromPending = b === 0 && this.pendingLength > 0
      const take = fromPending ? w - this.pendingLength : w
      for (let c = 0; c < sources.length; c++) {
        if (fromPending) {
          const buffer = this.pending[c]!
          for (let i = 0; i < take; i++) buffer[this.pendingLength + i] = sources[c]![i]!
          writeBucket(buffer, 0, w, this.sampledFlags[c]!, out[c]!, slot)
        } else writeBucket(sources[c]!, consumed, w, this.sampledFlags[c]!, out[c]!, slot)
      }
      consumed += take
    }
    const rest = n - consumed
    for (let c = 0; c < sources.length; c++) for (let i = 0; i < rest; i++) this.pending[c]![i] = sources[c]![consumed + i]!
    this.pendingFrom += buckets * w
    this.pendingLength = rest
    return { t, columns: Object.fromEntries(this.names.map((name, c) => [name, out[c]!])) }
  }

  /** The incomplete last bucket, at the end of the stream. */
  finish(): ConflatedSeries | null {
    if (this.pendingLength === 0) return null
    const len = this.pendingLength
    const slots = len === 1 ? 1 : 2
    const t = new Float64Array(slots)
    t[0] = this.pendingFrom
    if (len > 1) t[1] = this.pendingFrom + Math.max(1, Math.floor(len / 2))
    const columns = Object.fromEntries(
      this.names.map((name, c) => {
        const o = new Float64Array(slots)
        writeBucket(this.pending[c]!, 0, len, this.sampledFlags[c]!, o, 0)
        return [name, o]
      })
    )
    this.pendingFrom += len
    this.pendingLength = 0
    return { t, columns }
  }
}

/** Appends conflated chunks (same columns) into one series. */
export function concatConflated(parts: readonly ConflatedSeries[]): ConflatedSeries {
  const total = parts.reduce((s, p) => s + p.t.length, 0)
  const t = new Float64Array(total)
  const columns: Record<string, Float64Array> = {}
  const names = parts[0] ? Object.keys(parts[0].columns) : []
  for (const name of names) columns[name] = new Float64Array(total)
  let at = 0
  for (const part of parts) {
    t.set(part.t, at)
    for (const name of names) {
      const column = part.columns[name]
      if (!column) throw new RangeError(`a chunk lacks column "${name}"`)
      columns[name]!.set(column, at)
    }
    at += part.t.length
  }
  return { t, columns }
}

/**
 * Conflates an already conflated series (buckets of `width` steps over `steps` steps) to at most
 * `maxBuckets` buckets, merging k = ⌈buckets / maxBuckets⌉ neighbours into buckets of k·width
 * steps. For extreme-preserving columns the result equals conflating the original steps with
 * width k·width directly: a bucket's stored slots hold the first occurrences of its minimum and
 * maximum in step order, so the merged bucket's first minimum and maximum are among them. A
 * sampled column takes its value at the merged slot's step, which is a stored slot's step for
 * every whole bucket; in a short last bucket it takes the latest stored slot at or before it.
 */
export function reconflate(series: ConflatedSeries & { bucket: number }, steps: number, maxBuckets: number, sampled: ReadonlySet<string> = new Set()): ConflatedSeries & { bucket: number } {
  const buckets = Math.ceil(steps / series.bucket)
  if (buckets <= maxBuckets) return series
  const width = series.bucket * Math.ceil(buckets / maxBuckets)
  const names = Object.keys(series.columns)
  const slots = slotCount(steps, width)
  const t = new Float64Array(slots)
  const out: Record<string, Float64Array> = Object.fromEntries(names.map((name) => [name, new Float64Array(slots)]))
  const source = series.t
  let j = 0 // first stored slot of the current bucket
  let slot = 0
  for (let a = 0; a < steps; a += width) {
    const len = Math.min(width, steps - a)
    let end = j
    while (end < source.length && source[end]! < a + len) end++
    const second = a + Math.max(1, Math.floor(len / 2))
    t[slot] = a
    if (len > 1) t[slot + 1] = second
    for (const name of names) {
      const v = series.columns[name]!
      const o = out[name]!
      if (len === 1) {
        o[slot] = v[j]!
        continue
      }
      if (sampled.has(name)) {
        let at = j
        while (at + 1 < end && source[at + 1]! <= second) at++
        o[slot] = v[j]!
        o[slot + 1] = v[at]!
        continue
      }
      if (len === 2) {
        o[slot] = v[j]!
        o[slot + 1] = v[j + 1]!
        continue
      }
      let lo = j
      let hi = j
      for (let i = j + 1; i < end; i++) {
        if (v[i]! < v[lo]!) lo = i
        if (v[i]! > v[hi]!) hi = i
      }
      o[slot] = v[Math.min(lo, hi)]!
      o[slot + 1] = v[Math.max(lo, hi)]!
    }
    j = end
    slot += len === 1 ? 1 : 2
  }
  return { bucket: width, t, columns: out }
}
