import { STEP_CHUNK, type StepRecordBatch } from '../engine/kernel/step-records'
import { LINK_BYTES } from '../audit/chain'
import { blobToFloat64, float64ToBlob } from './series-codec'

/**
 * The decision log on disk: columnar chunks of STEP_CHUNK steps, one BLOB per column per
 * chunk, plus the name tables once per run. Writing a million steps is a few hundred memcpys
 * (a row per step cost ~4 µs each); reading a page touches one or two chunks, never the run.
 */
export { STEP_CHUNK }
/** The chunk column holding each step's hash-chain link (32 bytes per step). */
export const LINK_COLUMN = '$link'

export interface StepLogMeta {
  legs: string[]
  actionNames: string[]
  regimeNames: string[]
  sourceNames: string[]
  rationales: string[]
  costComponents: string[]
  pnlComponents: string[]
}

export interface StepRow {
  t: number
  regime: string
  action: string
  source: string
  rationale: string
  position: number[]
  trade: number[]
  costs: Record<string, number>
  pnl: Record<string, number>
  cost: number
  netPnl: number
  equity: number
  drawdown: number
  leverage: number
}

export interface EncodedChunk {
  index: number
  t0: number
  n: number
  columns: Array<{ name: string; data: Buffer }>
}

const CODE_COLUMNS = ['t', 'regime', 'action', 'source', 'rationale'] as const
const VALUE_COLUMNS = ['cost', 'netPnl', 'equity', 'drawdown', 'leverage'] as const

function int32Blob(values: ArrayLike<number>, from: number, to: number): Buffer {
  const out = new Int32Array(to - from)
  for (let i = from; i < to; i++) out[i - from] = values[i] ?? 0
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}

function blobToInt32(blob: Buffer): Int32Array {
  const out = new Int32Array(blob.byteLength / 4)
  new Uint8Array(out.buffer).set(blob)
  return out
}

/** The log's name tables as stored (meta_json): the same key order however the log was written. */
export function stepLogMeta(r: Pick<StepRecordBatch, 'legs' | 'actionNames' | 'regimeNames' | 'sourceNames' | 'costByComponent' | 'pnlByComponent'>, rationales: string[]): StepLogMeta {
  return {
    legs: r.legs,
    actionNames: r.actionNames,
    regimeNames: r.regimeNames,
    sourceNames: r.sourceNames,
    rationales,
    costComponents: Object.keys(r.costByComponent),
    pnlComponents: Object.keys(r.pnlByComponent)
  }
}

type ChunkColumns = Omit<StepRecordBatch, 'rationales' | 'chain' | 'events'> & { chain?: { stepLinks: Uint8Array } | undefined }

/**
 * Steps [first, first + n) as chunks: `first` must start a chunk, and the records' steps must
 * be first, first + 1, … with none missing (pages are addressed by step number).
 */
export function encodeStepChunks(r: ChunkColumns, first: number): EncodedChunk[] {
  const legs = r.legs.length
  const n = r.t.length
  if (first % STEP_CHUNK !== 0) throw new Error(`a slice of the decision log must start a chunk (step ${first} is not a multiple of ${STEP_CHUNK})`)
  for (let i = 0; i < n; i++) {
    if (r.t[i] !== first + i) throw new Error(`step records must run ${first}…${first + n - 1} without gaps (record ${i} has t = ${r.t[i]})`)
  }
  const costComponents = Object.keys(r.costByComponent)
  const pnlComponents = Object.keys(r.pnlByComponent)
  const chunks: EncodedChunk[] = []
  for (let from = 0; from < n; from += STEP_CHUNK) {
    const to = Math.min(n, from + STEP_CHUNK)
    const columns: EncodedChunk['columns'] = []
    for (const name of CODE_COLUMNS) columns.push({ name, data: int32Blob(r[name], from, to) })
    for (const name of VALUE_COLUMNS) columns.push({ name, data: float64ToBlob(r[name].subarray(from, to)) })
    columns.push({ name: 'position', data: float64ToBlob(r.position.subarray(from * legs, to * legs)) })
    columns.push({ name: 'trade', data: float64ToBlob(r.trade.subarray(from * legs, to * legs)) })
    for (const c of costComponents) columns.push({ name: `cost:${c}`, data: float64ToBlob(r.costByComponent[c]!.subarray(from, to)) })
    for (const c of pnlComponents) columns.push({ name: `pnl:${c}`, data: float64ToBlob(r.pnlByComponent[c]!.subarray(from, to)) })
    if (r.chain) columns.push({ name: LINK_COLUMN, data: Buffer.from(r.chain.stepLinks.subarray(from * LINK_BYTES, to * LINK_BYTES)) })
    chunks.push({ index: (first + from) / STEP_CHUNK, t0: first + from, n: to - from, columns })
  }
  return chunks
}

export function encodeStepLog(r: StepRecordBatch): { meta: StepLogMeta; steps: number; chunks: EncodedChunk[] } {
  return { meta: stepLogMeta(r, r.rationales), steps: r.t.length, chunks: encodeStepChunks(r, 0) }
}

/** Rows [from, to) of one decoded chunk. */
export function decodeChunkRows(meta: StepLogMeta, columns: ReadonlyMap<string, Buffer>, from: number, to: number): StepRow[] {
  const legs = meta.legs.length
  const need = (name: string): Buffer => {
    const blob = columns.get(name)
    if (!blob) throw new Error(`the stored decision log lacks column "${name}"`)
    return blob
  }
  const [t, regime, action, source, rationale] = CODE_COLUMNS.map((c) => blobToInt32(need(c)))
  const [cost, netPnl, equity, drawdown, leverage] = VALUE_COLUMNS.map((c) => blobToFloat64(need(c)))
  const position = blobToFloat64(need('position'))
  const trade = blobToFloat64(need('trade'))
  const costs = meta.costComponents.map((c) => [c, blobToFloat64(need(`cost:${c}`))] as const)
  const pnl = meta.pnlComponents.map((c) => [c, blobToFloat64(need(`pnl:${c}`))] as const)
  const rows: StepRow[] = []
  for (let i = from; i < to; i++) {
    rows.push({
      t: t![i]!,
      regime: meta.regimeNames[regime![i]!] ?? String(regime![i]),
      action: meta.actionNames[action![i]!] ?? String(action![i]),
      source: meta.sourceNames[source![i]!] ?? String(source![i]),
      rationale: meta.rationales[rationale![i]!] ?? '',
      position: Array.from(position.subarray(i * legs, (i + 1) * legs)),
      trade: Array.from(trade.subarray(i * legs, (i + 1) * legs)),
      costs: Object.fromEntries(costs.map(([c, v]) => [c, v[i]!])),
      pnl: Object.fromEntries(pnl.map(([c, v]) => [c, v[i]!])),
      cost: cost![i]!,
      netPnl: netPnl![i]!,
      equity: equity![i]!,
      drawdown: drawdown![i]!,
      leverage: leverage![i]!
    })
  }
  return rows
}
