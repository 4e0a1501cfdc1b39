// A page of a synthetic 10,000-step decision log for the renderer's tests: step t has equity
// 1000 + t, cost t/10, net P&L −t, rationale "why t", and one constraint event at offset + 2.
import type { StepsPage } from '../../../../shared/contract'

export function stepsPage(offset: number, n: number): StepsPage {
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(offset + i))
  return {
    runId: 1,
    logged: true,
    steps: 10_000,
    total: 10_000,
    offset,
    names: { legs: ['a', 'b'], actions: ['HOLD', 'BUY'], regimes: ['calm', 'stress'], sources: ['BASELINE'], costComponents: ['fee'], pnlComponents: ['carry'] },
    rows: {
      t: col((t) => t),
      regime: col((t) => t % 2),
      action: col((t) => (t % 3 === 0 ? 1 : 0)),
      source: col(() => 0),
      rationale: Array.from({ length: n }, (_, i) => `why ${offset + i}`),
      position: Float64Array.from({ length: 2 * n }, (_, i) => i),
      trade: new Float64Array(2 * n),
      cost: col((t) => t / 10),
      netPnl: col((t) => -t),
      equity: col((t) => 1000 + t),
      drawdown: col(() => 0),
      leverage: col(() => 1),
      costs: { fee: col((t) => t / 10) },
      pnl: { carry: col((t) => t / 100) }
    },
    events: [{ t: offset + 2, rule: 'clip', message: 'clipped' }]
  }
}
