/**
 * How a lab's book turns P&L into equity.
 * - `compound`: P&L is a return on equity; each step settles equity ← equity·(1 + mark − cost)
 *   (the notebooks' scalar-return books, e.g. FX carry).
 * - `additive`: P&L is in currency; the mark is booked when marked, costs when traded
 *   (the notebooks' "equity points" books, e.g. credit spreads).
 */
export type LedgerMode = 'compound' | 'additive'

/**
 * The book: positions per leg, equity, its peak, cumulative costs. Always marks the old book
 * before a trade (no look-ahead by construction): `mark` → `trade` → `settle`, once per step.
 */
export class Ledger {
  readonly position: Float64Array
  // Numbers from the start: a class field declared without a value starts undefined, and V8
  // then stores every later double in it as a new heap number (an allocation per step).
  equity = 0
  peak = 0
  cumulativeCost = 0
  private stepMark = 0
  private stepCost = 0
  private phase: 'idle' | 'marked' | 'traded' = 'idle'

  constructor(
    readonly mode: LedgerMode,
    readonly initialEquity: number,
    legs: number
  ) {
    if (!(initialEquity > 0)) throw new RangeError(`initial equity must be > 0 (got ${initialEquity})`)
    this.position = new Float64Array(legs)
    this.equity = initialEquity
    this.peak = initialEquity
  }

  /** Books the old position's P&L over the interval ending now (the sum of its components). */
  mark(total: number): number {
    if (this.phase !== 'idle') throw new Error('mark must come first in a step')
    this.stepMark = total
    if (this.mode === 'additive') {
      this.equity += total
      this.peak = Math.max(this.peak, this.equity)
    }
    this.phase = 'marked'
    return total
  }

  /** Drawdown from the running peak, as seen now (after the mark, before trading). */
  drawdown(floor = 1e-12): number {
    return 1 - this.equity / Math.max(this.peak, floor)
  }

  /** Moves the book to `target`, pays `cost` and books P&L realised at execution (spread capture, rebates). */
  trade(target: Float64Array, cost: number, executionPnl = 0): void {
    if (this.phase !== 'marked') throw new Error('trade must follow mark')
    if (!(cost >= 0)) throw new RangeError(`a trade cost must be ≥ 0 (got ${cost})`)
    this.position.set(target)
    this.stepCost = cost
    this.cumulativeCost += cost
    this.stepMark += executionPnl
    if (this.mode === 'additive') {
      this.equity += executionPnl - cost
      this.peak = Math.max(this.peak, this.equity)
    }
    this.phase = 'traded'
  }

  /** Ends the step; returns the step's net P&L (mark − cost) in the ledger's unit. */
  settle(): number {
    if (this.phase === 'idle') throw new Error('settle needs a mark')
    const net = this.stepMark - this.stepCost
    if (this.mode === 'compound') this.equity = this.equity * (1 + net)
    this.peak = Math.max(this.peak, this.equity)
    this.stepMark = 0
    this.stepCost = 0
    this.phase = 'idle'
    return net
  }

  leverage(): number {
    let gross = 0
    for (let i = 0; i < this.position.length; i++) gross += Math.abs(this.position[i] ?? 0)
    return gross
  }
}
