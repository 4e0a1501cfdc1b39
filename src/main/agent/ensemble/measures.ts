import type { RunMeasures } from '../../../shared/contract/agent-comparison'
import type { ChunkSink, StepChunk } from '../../engine/kernel'

/**
 * A run's ensemble measures, folded step by step from the decision log's columns — the live
 * chunks of a run (MeasuresSink) or a stored run's chunks, read back — so a pair compared now
 * and the same pair compared later from the store give the same numbers.
 */
export class MeasuresAccumulator {
  private steps = 0
  private netPnl = 0
  private costs = 0
  private maxDrawdown = 0
  // Welford's running mean and sum of squares of the per-step returns.
  private returns = 0
  private mean = 0
  private m2 = 0

  /** Adds `count` steps: net P&L, cost, equity after the step and drawdown, one entry per step. */
  add(netPnl: ArrayLike<number>, cost: ArrayLike<number>, equity: ArrayLike<number>, drawdown: ArrayLike<number>, count: number): void {
    for (let i = 0; i < count; i++) {
      const net = netPnl[i]!
      this.netPnl += net
      this.costs += cost[i]!
      if (drawdown[i]! > this.maxDrawdown) this.maxDrawdown = drawdown[i]!
      const before = equity[i]! - net
      if (before > 0) {
        const r = net / before
        this.returns++
        const delta = r - this.mean
        this.mean += delta / this.returns
        this.m2 += delta * (r - this.mean)
      }
    }
    this.steps += count
  }

  finish(): RunMeasures {
    const sd = this.returns > 1 ? Math.sqrt(this.m2 / (this.returns - 1)) : 0
    return { steps: this.steps, netPnl: this.netPnl, sharpe: sd > 0 ? this.mean / sd : null, maxDrawdown: this.maxDrawdown, costs: this.costs }
  }
}

/** The measures of a run as it runs (one of executeLab's sinks). */
export class MeasuresSink implements ChunkSink {
  private readonly acc = new MeasuresAccumulator()

  onChunk(chunk: StepChunk): void {
    const c = chunk.columns
    this.acc.add(c.netPnl, c.cost, c.equity, c.drawdown, chunk.count)
  }

  finish(): RunMeasures {
    return this.acc.finish()
  }
}
