import type { StepRecordBatch } from '../engine/kernel/step-records'
import type { Db } from './database'
import { encodeStepLog } from './step-log'

interface V2StepRow {
  run_id: number
  t: number
  regime: string
  action: string
  source: string
  rationale: string
  position_json: string
  trade_json: string
  costs_json: string
  pnl_json: string
  cost: number
  net_pnl: number
  equity: number
  drawdown: number
  leverage: number
}

/** Schema v3: every run's v2 per-step rows become columnar chunks; then the v2 table goes. */
export function convertStepRowsToChunks(db: Db): void {
  const runIds = (db.prepare('SELECT DISTINCT run_id FROM run_steps ORDER BY run_id').pluck().all() as number[])
  const rowsOf = db.prepare('SELECT * FROM run_steps WHERE run_id = ? ORDER BY t')
  const insertLog = db.prepare('INSERT INTO run_step_log (run_id, steps, meta_json) VALUES (?, ?, ?)')
  const insertChunk = db.prepare('INSERT INTO run_step_chunks (run_id, chunk, t0, n, name, data) VALUES (?, ?, ?, ?, ?, ?)')
  for (const runId of runIds) {
    const rows = rowsOf.all(runId) as V2StepRow[]
    const batch = fromRows(rows)
    const { meta, steps, chunks } = encodeStepLog(batch)
    insertLog.run(runId, steps, JSON.stringify(meta))
    for (const c of chunks) for (const col of c.columns) insertChunk.run(runId, c.index, c.t0, c.n, col.name, col.data)
  }
  db.exec('DROP TABLE run_steps')
}

function fromRows(rows: V2StepRow[]): StepRecordBatch {
  const n = rows.length
  const codes = (pick: (r: V2StepRow) => string): { names: string[]; values: Int32Array } => {
    const names: string[] = []
    const index = new Map<string, number>()
    const values = new Int32Array(n)
    rows.forEach((r, i) => {
      const name = pick(r)
      let code = index.get(name)
      if (code === undefined) {
        code = names.length
        names.push(name)
        index.set(name, code)
      }
      values[i] = code
    })
    return { names, values }
  }
  const first = rows[0]
  const legs = first ? (JSON.parse(first.position_json) as number[]).length : 0
  const costNames = first ? Object.keys(JSON.parse(first.costs_json) as object) : []
  const pnlNames = first ? Object.keys(JSON.parse(first.pnl_json) as object) : []
  const position = new Float64Array(n * legs)
  const trade = new Float64Array(n * legs)
  const costBy = Object.fromEntries(costNames.map((c) => [c, new Float64Array(n)]))
  const pnlBy = Object.fromEntries(pnlNames.map((c) => [c, new Float64Array(n)]))
  const column = (pick: (r: V2StepRow) => number): Float64Array => Float64Array.from(rows, pick)
  rows.forEach((r, i) => {
    position.set((JSON.parse(r.position_json) as Array<number | null>).map((v) => v ?? Number.NaN), i * legs)
    trade.set((JSON.parse(r.trade_json) as Array<number | null>).map((v) => v ?? Number.NaN), i * legs)
    const costs = JSON.parse(r.costs_json) as Record<string, number | null>
    const pnl = JSON.parse(r.pnl_json) as Record<string, number | null>
    for (const c of costNames) costBy[c]![i] = costs[c] ?? Number.NaN
    for (const c of pnlNames) pnlBy[c]![i] = pnl[c] ?? Number.NaN
  })
  const regime = codes((r) => r.regime)
  const action = codes((r) => r.action)
  const source = codes((r) => r.source)
  const rationale = codes((r) => r.rationale)
  return {
    legs: Array.from({ length: legs }, (_, i) => `leg ${i}`),
    actionNames: action.names,
    regimeNames: regime.names,
    sourceNames: source.names,
    rationales: rationale.names,
    t: Int32Array.from(rows, (r) => r.t),
    regime: regime.values,
    action: action.values,
    source: Uint8Array.from(source.values),
    rationale: rationale.values,
    position,
    trade,
    cost: column((r) => r.cost),
    costByComponent: costBy,
    pnlByComponent: pnlBy,
    netPnl: column((r) => r.net_pnl),
    equity: column((r) => r.equity),
    drawdown: column((r) => r.drawdown),
    leverage: column((r) => r.leverage),
    events: []
  }
}
