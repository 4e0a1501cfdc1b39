import type { MemoFacts } from '../../shared/contract/memo'
import type { LabResults } from '../../shared/contract'
import type { StepColumnsView } from '../audit/chain'
import type { StepLogMeta } from '../store/step-log'
import { csvRow, type CsvValue } from './csv'

// A run's tables as files: pieces of text produced a chunk of the decision log at a time, so a
// million-step log is written without ever being held whole.

export interface StoredEventRow {
  seq: number
  t: number
  rule: string
  message: string
  before: readonly number[]
  after: readonly number[]
}

export function metricsRows(results: LabResults): { head: string[]; rows: CsvValue[][] } {
  return { head: ['metric', 'value'], rows: Object.entries(results.metrics).map(([k, v]) => [k, v]) }
}

/** Action × regime counts from the decision log, with each action's total. */
export function actionsRows(facts: MemoFacts): { head: string[]; rows: CsvValue[][] } {
  const regimes = facts.actionsByRegime.map((r) => r.regime)
  return {
    head: ['action', 'total', ...regimes],
    rows: facts.actions.map((a) => {
      const counts = facts.actionsByRegime.map((r) => r.counts[a] ?? 0)
      return [a, counts.reduce((s, n) => s + n, 0), ...counts]
    })
  }
}

export function stepsHead(meta: StepLogMeta): string[] {
  return [
    't',
    'regime',
    'action',
    'source',
    'rationale',
    ...meta.legs.map((l) => `position:${l}`),
    ...meta.legs.map((l) => `trade:${l}`),
    'cost',
    ...meta.costComponents.map((c) => `cost:${c}`),
    ...meta.pnlComponents.map((c) => `pnl:${c}`),
    'netPnl',
    'equity',
    'drawdown',
    'leverage'
  ]
}

function rowValues(meta: StepLogMeta, v: StepColumnsView, i: number): CsvValue[] {
  const legs = meta.legs.length
  const out: CsvValue[] = [v.t[i]!, v.regimeNames[v.regime[i]!] ?? String(v.regime[i]), v.actionNames[v.action[i]!] ?? String(v.action[i]), v.sourceNames[v.source[i]!] ?? String(v.source[i]), v.rationales[v.rationale[i]!] ?? '']
  for (let k = 0; k < legs; k++) out.push(v.position[i * legs + k]!)
  for (let k = 0; k < legs; k++) out.push(v.trade[i * legs + k]!)
  out.push(v.cost[i]!)
  for (const c of meta.costComponents) out.push(v.costByComponent[c]?.[i] ?? null)
  for (const c of meta.pnlComponents) out.push(v.pnlByComponent[c]?.[i] ?? null)
  out.push(v.netPnl[i]!, v.equity[i]!, v.drawdown[i]!, v.leverage[i]!)
  return out
}

/** A JSON number: non-finite values become null, as JSON.stringify writes them. */
const num = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x)

function rowObject(meta: StepLogMeta, v: StepColumnsView, i: number): Record<string, unknown> {
  const legs = meta.legs.length
  return {
    t: v.t[i]!,
    regime: v.regimeNames[v.regime[i]!] ?? String(v.regime[i]),
    action: v.actionNames[v.action[i]!] ?? String(v.action[i]),
    source: v.sourceNames[v.source[i]!] ?? String(v.source[i]),
    rationale: v.rationales[v.rationale[i]!] ?? '',
    position: Object.fromEntries(meta.legs.map((l, k) => [l, num(v.position[i * legs + k])])),
    trade: Object.fromEntries(meta.legs.map((l, k) => [l, num(v.trade[i * legs + k])])),
    cost: num(v.cost[i]),
    costs: Object.fromEntries(meta.costComponents.map((c) => [c, num(v.costByComponent[c]?.[i])])),
    pnl: Object.fromEntries(meta.pnlComponents.map((c) => [c, num(v.pnlByComponent[c]?.[i])])),
    netPnl: num(v.netPnl[i]),
    equity: num(v.equity[i]),
    drawdown: num(v.drawdown[i]),
    leverage: num(v.leverage[i])
  }
}

/** The decision log as CSV, one piece per stored chunk. */
export function* stepsCsv(meta: StepLogMeta, chunks: Iterable<StepColumnsView>): Generator<string> {
  yield csvRow(stepsHead(meta))
  for (const v of chunks) {
    let piece = ''
    for (let i = 0; i < v.t.length; i++) piece += csvRow(rowValues(meta, v, i))
    yield piece
  }
}

/** The decision log as JSON Lines (one step object per line), one piece per stored chunk. */
export function* stepsJsonl(meta: StepLogMeta, chunks: Iterable<StepColumnsView>): Generator<string> {
  for (const v of chunks) {
    let piece = ''
    for (let i = 0; i < v.t.length; i++) piece += `${JSON.stringify(rowObject(meta, v, i))}\n`
    yield piece
  }
}

/** The decision log as one JSON array of step objects. */
export function* stepsJsonArray(meta: StepLogMeta, chunks: Iterable<StepColumnsView>): Generator<string> {
  let first = true
  yield '['
  for (const v of chunks) {
    let piece = ''
    for (let i = 0; i < v.t.length; i++) {
      piece += `${first ? '\n' : ',\n'}${JSON.stringify(rowObject(meta, v, i))}`
      first = false
    }
    yield piece
  }
  yield first ? ']\n' : '\n]\n'
}

export const EVENTS_HEAD = ['seq', 't', 'rule', 'message', 'before', 'after']

export function* eventsCsv(events: Iterable<StoredEventRow>): Generator<string> {
  yield csvRow(EVENTS_HEAD)
  for (const e of events) yield csvRow([e.seq, e.t, e.rule, e.message, JSON.stringify(e.before), JSON.stringify(e.after)])
}

export function eventsJson(events: Iterable<StoredEventRow>): string {
  return `${JSON.stringify([...events].map((e) => ({ seq: e.seq, t: e.t, rule: e.rule, message: e.message, before: e.before, after: e.after })), null, 1)}\n`
}

/** A small table as a JSON array of objects keyed by the header. */
export function rowsJson(head: readonly string[], rows: readonly CsvValue[][]): string {
  return `${JSON.stringify(rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? null]))), null, 1)}\n`
}
