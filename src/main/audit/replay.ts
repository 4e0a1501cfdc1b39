import type { ReplayReport } from '../../shared/contract'
import type { ChainEvent, StepColumnsView } from './chain'

/** Where a replay first differs from the stored run. */
type Divergence = NonNullable<ReplayReport['firstDivergence']>

/** The step-by-step part of a replay's verdict (the contract's ReplayReport less the run and the results hashes). */
export type ReplayComparison = Omit<ReplayReport, 'runId' | 'storedResultsHash' | 'replayedResultsHash'>

const show = (x: number | string): string => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : x)
// Bit-identical or nothing: NaN equals NaN, but 0 and −0 differ (a replay must give the same bytes).
const same = (a: number, b: number): boolean => Object.is(a, b)

/**
 * Compares a replayed run with the stored one step by step, in the order a reader would
 * look: decision (regime, action, source, rationale), then book (position, trade), costs and
 * P&L by component, then the account (net P&L, equity, drawdown, leverage); then the events.
 */
export function compareReplay(stored: Iterable<StepColumnsView>, storedEvents: readonly ChainEvent[], replayed: StepColumnsView, replayedEvents: readonly ChainEvent[]): ReplayComparison {
  let compared = 0
  let storedSteps = 0
  const r = replayed
  const replayedSteps = r.t.length
  const result = (firstDivergence: Divergence | null): ReplayComparison => ({ identical: firstDivergence === null, stepsCompared: compared, storedSteps, replayedSteps, firstDivergence })
  let divergence: Divergence | null = null
  for (const s of stored) {
    const n = s.t.length
    storedSteps += n
    if (divergence) continue
    const legs = s.legs.length
    for (let i = 0; i < n && !divergence; i++) {
      const t = s.t[i]!
      const j = t
      if (j >= replayedSteps) {
        divergence = { t, field: 'step', stored: `step ${t}`, replayed: `the replay ended after step ${replayedSteps - 1}` }
        break
      }
      const names: Array<[string, string, string]> = [
        ['regime', s.regimeNames[s.regime[i]!] ?? '', r.regimeNames[r.regime[j]!] ?? ''],
        ['action', s.actionNames[s.action[i]!] ?? '', r.actionNames[r.action[j]!] ?? ''],
        ['source', s.sourceNames[s.source[i]!] ?? '', r.sourceNames[r.source[j]!] ?? ''],
        ['rationale', s.rationales[s.rationale[i]!] ?? '', r.rationales[r.rationale[j]!] ?? '']
      ]
      for (const [field, a, b] of names) {
        if (a !== b) {
          divergence = { t, field, stored: a, replayed: b }
          break
        }
      }
      if (divergence) break
      const numbers: Array<[string, number, number]> = []
      for (let k = 0; k < legs; k++) numbers.push([`position[${k}]`, s.position[i * legs + k]!, r.position[j * legs + k]!])
      for (let k = 0; k < legs; k++) numbers.push([`trade[${k}]`, s.trade[i * legs + k]!, r.trade[j * legs + k]!])
      numbers.push(['cost', s.cost[i]!, r.cost[j]!])
      for (const [name, values] of Object.entries(s.costByComponent)) numbers.push([`cost:${name}`, values[i]!, r.costByComponent[name]?.[j] ?? Number.NaN])
      for (const [name, values] of Object.entries(s.pnlByComponent)) numbers.push([`pnl:${name}`, values[i]!, r.pnlByComponent[name]?.[j] ?? Number.NaN])
      numbers.push(['netPnl', s.netPnl[i]!, r.netPnl[j]!], ['equity', s.equity[i]!, r.equity[j]!], ['drawdown', s.drawdown[i]!, r.drawdown[j]!], ['leverage', s.leverage[i]!, r.leverage[j]!])
      for (const [field, a, b] of numbers) {
        if (!same(a, b)) {
          divergence = { t, field, stored: show(a), replayed: show(b) }
          break
        }
      }
      if (!divergence) compared++
    }
  }
  if (divergence) return result(divergence)
  if (replayedSteps > storedSteps) return result({ t: storedSteps, field: 'step', stored: `the stored log ends after step ${storedSteps - 1}`, replayed: `step ${storedSteps}` })
  const events = Math.max(storedEvents.length, replayedEvents.length)
  for (let k = 0; k < events; k++) {
    const a = storedEvents[k]
    const b = replayedEvents[k]
    if (!a || !b) return result({ t: (a ?? b)!.t, field: `event #${k}`, stored: a ? `${a.rule}: ${a.message}` : '(none)', replayed: b ? `${b.rule}: ${b.message}` : '(none)' })
    for (const field of ['t', 'rule', 'message'] as const) {
      if (a[field] !== b[field]) return result({ t: a.t, field: `event #${k}.${field}`, stored: show(a[field]), replayed: show(b[field]) })
    }
    const av = [...a.before, ...a.after]
    const bv = [...b.before, ...b.after]
    // Stored event values went through JSON: −0 came back as 0 and NaN as null.
    const equalStored = (x: number | null, y: number): boolean => x === y || ((x === null || Number.isNaN(x)) && Number.isNaN(y))
    if (av.length !== bv.length || av.some((x, i) => !equalStored(x, bv[i]!))) return result({ t: a.t, field: `event #${k}.values`, stored: av.join(','), replayed: bv.join(',') })
  }
  return result(null)
}

/**
 * Compares a replay with a stored run: step by step, then the results hash — the log can agree
 * while something it does not keep (the mark-to-market columns) differs, and the hash decides.
 */
export function replayReport(
  runId: number,
  stored: { chunks: Iterable<StepColumnsView>; events: readonly ChainEvent[]; resultsHash: string | null },
  replayed: { records: StepColumnsView & { events: readonly ChainEvent[] }; resultsHash: string }
): ReplayReport {
  const comparison = compareReplay(stored.chunks, stored.events, replayed.records, replayed.records.events)
  if (comparison.identical && stored.resultsHash !== replayed.resultsHash) {
    comparison.identical = false
    comparison.firstDivergence = { t: comparison.replayedSteps - 1, field: 'resultsHash', stored: stored.resultsHash ?? '(none)', replayed: replayed.resultsHash }
  }
  return { runId, ...comparison, storedResultsHash: stored.resultsHash, replayedResultsHash: replayed.resultsHash }
}
