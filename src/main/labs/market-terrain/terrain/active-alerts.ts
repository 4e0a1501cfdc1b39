// The fault-alert state bar by bar (issue 17): which pairs are beyond k·σ at each bar, how far
// and since when. The scanner's alert log holds entries only (a pair that enters, stays and
// leaves is one line), so it cannot say which pairs are active at a bar; this record can. One
// compact run-long record in growable typed arrays (CSR: per bar an offset into the entries),
// written from the scanner's hot loop with no per-bar allocation and read back as subarray views.

/** The pairs in the alert state at one bar, i < j, in the scanner's (i, j) loop order. Views into the record: read, never write. */
export interface ActivePairs {
  readonly i: Int32Array
  readonly j: Int32Array
  /** (ρ − norm)/σ at the bar: the pair's σ-distance from its own history. */
  readonly z: Float64Array
  /** Bar the pair entered the alert state (the first armed bar for the pairs already beyond k·σ then). */
  readonly entered: Int32Array
}

const EMPTY: ActivePairs = { i: new Int32Array(0), j: new Int32Array(0), z: new Float64Array(0), entered: new Int32Array(0) }

export class ActiveAlertRecord {
  private i = new Int32Array(1024)
  private j = new Int32Array(1024)
  private z = new Float64Array(1024)
  private entered = new Int32Array(1024)
  /** start[t] … start[t + 1]: bar t's entries (bars before the scanner was ready hold none). */
  private start = new Int32Array(256).fill(0)
  private size = 0
  private bars = 0
  /** First bar whose pairs did not all fit in the limit (Infinity while complete). */
  truncatedFrom = Number.POSITIVE_INFINITY

  /** limit: the most entries (pair-bars) kept; bars from the one that overflows it on are marked incomplete. */
  constructor(readonly limit: number) {}

  /** Opens bar t (bars are opened in order, each once; skipped bars hold no pairs). */
  open(t: number): void {
    while (this.bars < t + 1) {
      if (this.bars + 1 >= this.start.length) this.start = grow(this.start, this.start.length * 2)
      this.bars++
      this.start[this.bars] = this.size
    }
  }

  /** Adds a pair to the bar opened last. */
  push(i: number, j: number, z: number, entered: number): void {
    if (this.size >= this.limit) {
      this.truncatedFrom = Math.min(this.truncatedFrom, this.bars - 1)
      return
    }
    if (this.size === this.i.length) {
      const cap = Math.min(this.limit, this.size * 2)
      this.i = grow(this.i, cap)
      this.j = grow(this.j, cap)
      this.z = grow(this.z, cap)
      this.entered = grow(this.entered, cap)
    }
    const k = this.size++
    this.i[k] = i
    this.j[k] = j
    this.z[k] = z
    this.entered[k] = entered
    this.start[this.bars] = this.size
  }

  /** Bars opened so far. */
  get length(): number {
    return this.bars
  }

  /** Pair-bars held. */
  get entries(): number {
    return this.size
  }

  /** Whether bar t's pairs are all here (false from the bar the limit was reached on). */
  complete(t: number): boolean {
    return t < this.truncatedFrom
  }

  /** The pairs active at bar t, as views into the record (none for a bar never opened). */
  at(t: number): ActivePairs {
    if (!(t >= 0 && t < this.bars)) return EMPTY
    const a = this.start[t]!
    const b = this.start[t + 1]!
    return { i: this.i.subarray(a, b), j: this.j.subarray(a, b), z: this.z.subarray(a, b), entered: this.entered.subarray(a, b) }
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(length, 1))
  next.set(a)
  return next
}
