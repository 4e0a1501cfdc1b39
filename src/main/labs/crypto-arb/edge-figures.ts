import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { cryptoArbLab } from './lab'

// The thin-edges lesson in figures (spec §2.4; book ch.1 "edge disappears after costs and
// latency"): what the scanner promised, what the fills made and what the costs took, summed over
// a seed ensemble. README.md's table and scenarios' tests read these.

export interface EdgeFigures {
  seeds: number
  trades: number
  /** Σ size × the scanner's expected net spread: the edge the scanner promised after its own cost estimate. */
  expected: number
  /** Σ gross P&L at the quotes the legs were sent to (before slippage). */
  grossAtQuotes: number
  /** Σ slippage: impact and latency drift (inside the fills' gross). */
  slippage: number
  /** Σ gross P&L at the fills. */
  gross: number
  fees: number
  withdrawal: number
  /** Σ net P&L (gross − fees − withdrawal). */
  net: number
}

export async function edgeFigures(overrides: Record<string, unknown>, seeds: readonly number[]): Promise<EdgeFigures> {
  const f: EdgeFigures = { seeds: seeds.length, trades: 0, expected: 0, grossAtQuotes: 0, slippage: 0, gross: 0, fees: 0, withdrawal: 0, net: 0 }
  for (const seed of seeds) {
    const m = (await runCollected(cryptoArbLab, resolveLabConfig(cryptoArbLab, 'faithful', { ...overrides, seed }))).market
    for (const t of m.desk.tradeLog) {
      f.trades++
      f.expected += (t.size * t.expectedBps) / 10000
      f.grossAtQuotes += t.gross + t.slippage
      f.slippage += t.slippage
      f.gross += t.gross
      f.fees += t.fees
      f.withdrawal += t.withdrawal
      f.net += t.net
    }
  }
  return f
}
