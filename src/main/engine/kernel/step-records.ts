/**
 * Every step of a lab run as it crosses from the engine process to the store: columnar typed
 * arrays plus the name tables their integer codes index into.
 */
export interface StepRecordBatch {
  legs: string[]
  actionNames: string[]
  regimeNames: string[]
  sourceNames: string[]
  rationales: string[]
  t: Int32Array
  regime: Int32Array
  action: Int32Array
  source: Uint8Array
  rationale: Int32Array
  /** Step-major, legs per step. */
  position: Float64Array
  trade: Float64Array
  cost: Float64Array
  costByComponent: Record<string, Float64Array>
  pnlByComponent: Record<string, Float64Array>
  netPnl: Float64Array
  equity: Float64Array
  drawdown: Float64Array
  leverage: Float64Array
  events: Array<{ t: number; rule: string; message: string; before: number[]; after: number[] }>
}
