// The book's `RegimeFilter` (spec §5.2; Ch.8.3–8.4): a hysteresis debouncer on a raw 0/1
// signal (0 = stable/long, 1 = stress/cash). With `asymmetric`, the confirm threshold depends on
// the current state: `exit` bars to leave state 0 ("fast out"), `entry` bars to return ("slow in").

export interface RegimeFilterOptions {
  threshold: number
  asymmetric?: { exit: number; entry: number }
}

export class RegimeFilter {
  state = 0
  private counter = 0
  private pending = 0

  constructor(private readonly options: RegimeFilterOptions) {
    const all = [options.threshold, options.asymmetric?.exit ?? 1, options.asymmetric?.entry ?? 1]
    if (all.some((k) => !Number.isInteger(k) || k < 1)) throw new RangeError(`RegimeFilter thresholds must be whole numbers ≥ 1 (got ${all.join(', ')})`)
  }

  /** Ch.8.4 get_dynamic_threshold: 2 when long (state 0), 6 otherwise; the book never wires it in. */
  private confirmThreshold(): number {
    const a = this.options.asymmetric
    if (!a) return this.options.threshold
    return this.state === 0 ? a.exit : a.entry
  }

  /** Ch.8.3 update(raw), exactly: same as state resets; a new raw restarts the count at 1. */
  update(raw: number): number {
    if (raw === this.state) {
      this.counter = 0
      this.pending = raw
      return this.state
    }
    if (raw !== this.pending) {
      this.pending = raw
      this.counter = 1
    } else this.counter++
    if (this.counter >= this.confirmThreshold()) {
      this.state = raw
      this.counter = 0
    }
    return this.state
  }
}

/** Runs a fresh filter over a whole raw series (−1 entries: no signal yet, state held at 0). */
export function filterSeries(raw: ArrayLike<number>, options: RegimeFilterOptions): Int8Array {
  const f = new RegimeFilter(options)
  const out = new Int8Array(raw.length)
  for (let t = 0; t < raw.length; t++) out[t] = raw[t] === 0 || raw[t] === 1 ? f.update(raw[t]!) : -1
  return out
}
