import { STREAM_SAMPLED_COLUMNS, type LabResults } from '../../../../shared/contract'
import { reconflate } from '../../../../shared/series-conflation'

// The compare view's derivations, kept pure so they are tested without a window: metric deltas
// against the first run, and the book's three questions answered from the runs' own results —
// which constraint became binding, which costs exploded, which actions changed. Every input is
// a number the engine produced; nothing here simulates anything.

export interface ComparedRun {
  id: number
  results: LabResults
  /** The run's stored constraint events (rule and step): the risk gate's own record, the same shape for every lab. */
  events: ReadonlyArray<{ t: number; rule: string }>
}

/** Events per rule from the stored log, and the rule that bound first (earliest step). */
export function storedConstraintCounts(events: ReadonlyArray<{ t: number; rule: string }>): { counts: Record<string, number>; first: { rule: string; t: number } | null } {
  const counts: Record<string, number> = {}
  let first: { rule: string; t: number } | null = null
  for (const e of events) {
    counts[e.rule] = (counts[e.rule] ?? 0) + 1
    if (first === null || e.t < first.t) first = { rule: e.rule, t: e.t }
  }
  return { counts, first }
}

export type Direction = 'higher' | 'lower'
export type Verdict = 'better' | 'worse' | 'same'

// Metric names are the notebooks' own; which way is "better" follows from the word. P&L-like
// words win over cost words (`fee_pnl` is a signed P&L: higher is better). A metric with
// neither kind of word (counts, regime-conditional carry) gets no colour.
const PNL_LIKE = /(pnl|return|equity|sharpe)/
const LOWER_IS_BETTER = /(drawdown|cost|fee|loss|turnover|vol|halted|rejected|breach|slippage|impact|latency|_dd)/
const HIGHER_IS_BETTER = /(win_rate|carry|profit|capture|edge|fill_rate|accuracy|f1)/

/** Which way a metric should move to count as an improvement, or null when the name does not say. */
export function metricDirection(name: string): Direction | null {
  const lower = name.toLowerCase()
  if (PNL_LIKE.test(lower)) return 'higher'
  if (LOWER_IS_BETTER.test(lower)) return 'lower'
  if (HIGHER_IS_BETTER.test(lower)) return 'higher'
  return null
}

export interface MetricRow {
  name: string
  direction: Direction | null
  /** One value per run, in the compared order (null where the run lacks the metric). */
  values: Array<number | null>
  /** value − first run's value; null for the first run and where either is missing. */
  deltas: Array<number | null>
  /** delta / |first|; null where the first is 0 or missing. */
  relative: Array<number | null>
  verdicts: Array<Verdict | null>
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

/** Relative tolerance under which two values count as the same (float noise, not a change). */
const SAME = 1e-12

/** One row per metric (union over runs, first run's order first) with deltas against the first run. */
export function metricRows(runs: readonly ComparedRun[]): MetricRow[] {
  const names: string[] = []
  for (const run of runs) for (const name of Object.keys(run.results.metrics)) if (!names.includes(name)) names.push(name)
  return names.map((name) => {
    const direction = metricDirection(name)
    const values = runs.map((r) => (finite(r.results.metrics[name]) ? (r.results.metrics[name] as number) : null))
    const base = values[0] ?? null
    const deltas = values.map((v, i) => (i === 0 || v === null || base === null ? null : v - base))
    const relative = deltas.map((d) => (d === null || base === null || base === 0 ? null : d / Math.abs(base)))
    const verdicts = deltas.map((d): Verdict | null => {
      if (d === null) return null
      if (Math.abs(d) <= SAME * Math.max(1, Math.abs(base ?? 0))) return 'same'
      if (direction === null) return null
      return (d > 0) === (direction === 'higher') ? 'better' : 'worse'
    })
    return { name, direction, values, deltas, relative, verdicts }
  })
}

/** The risk gate's rules in the words the book uses. */
export const RULE_NAMES: Readonly<Record<string, string>> = {
  forced_flat: 'forced flat (drawdown stop)',
  delever: 'delever',
  position_limit: 'position limit',
  leverage_clip: 'leverage cap (clip)',
  leverage_scale: 'leverage cap (scale)',
  drawdown_stop: 'drawdown stop'
}
export const ruleName = (rule: string): string => RULE_NAMES[rule] ?? rule.replace(/_/g, ' ')

export interface ConstraintRow {
  rule: string
  counts: number[]
  /** Binding in a later run but not in the first. */
  becameBinding: boolean
  /** Binding in the first run but in none of the later ones. */
  stoppedBinding: boolean
}

export function constraintRows(runs: readonly ComparedRun[]): ConstraintRow[] {
  const perRun = runs.map((r) => {
    const counts = storedConstraintCounts(r.events).counts
    if (r.results.halted && !counts.drawdown_stop) counts.drawdown_stop = 1
    return counts
  })
  const rules: string[] = []
  for (const counts of perRun) for (const rule of Object.keys(counts)) if (!rules.includes(rule)) rules.push(rule)
  return rules.map((rule) => {
    const counts = perRun.map((c) => c[rule] ?? 0)
    const [first = 0, ...rest] = counts
    return { rule, counts, becameBinding: first === 0 && rest.some((n) => n > 0), stoppedBinding: first > 0 && rest.length > 0 && rest.every((n) => n === 0) }
  })
}

export interface CostRow {
  component: string
  /** Total cost of the component over the run: the last value of its cumulative series. */
  totals: number[]
  /** total / first run's total; Infinity where the first paid nothing and this one did. */
  ratios: Array<number | null>
  exploded: boolean[]
}

/** A component whose cost at least doubled against the first run counts as exploded. */
export const EXPLODED_RATIO = 2

// A cumulative cost never falls (costs are ≥ 0): the last point of its conflated series is its total.
const lastOf = (series: Float64Array | undefined): number => (series && series.length > 0 ? series[series.length - 1]! : 0)

export function costRows(runs: readonly ComparedRun[]): CostRow[] {
  const components: string[] = []
  for (const run of runs) for (const c of run.results.costComponents) if (!components.includes(c)) components.push(c)
  const rows = components.map((component) => {
    const totals = runs.map((r) => lastOf(r.results.series.columns[`cost:${component}`]))
    const base = totals[0] ?? 0
    const ratios = totals.map((t, i) => (i === 0 ? null : base > 0 ? t / base : t > 0 ? Infinity : null))
    return { component, totals, ratios, exploded: ratios.map((q) => q !== null && q >= EXPLODED_RATIO) }
  })
  const totals = runs.map((r) => lastOf(r.results.series.columns.cumulativeCost))
  const base = totals[0] ?? 0
  const ratios = totals.map((t, i) => (i === 0 ? null : base > 0 ? t / base : t > 0 ? Infinity : null))
  rows.push({ component: 'total', totals, ratios, exploded: ratios.map((q) => q !== null && q >= EXPLODED_RATIO) })
  return rows
}

export interface ActionShareChange {
  /** '' for the whole run, else the regime the share is conditional on. */
  regime: string
  action: string
  /** Share of steps (0–1) per run. */
  shares: number[]
  /** Largest |share − first run's share| over the later runs, in percentage points. */
  maxChangePp: number
}

function shares(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, total > 0 ? v / total : 0]))
}

/**
 * Every action share (whole run, then per regime) with its change against the first run,
 * largest change first. Regimes a run never visited are left out of that regime's rows.
 */
export function actionChanges(runs: readonly ComparedRun[]): ActionShareChange[] {
  const rows: ActionShareChange[] = []
  const actions: string[] = []
  for (const run of runs) for (const a of run.results.actionNames) if (!actions.includes(a)) actions.push(a)
  const overall = runs.map((r) => shares(r.results.actions))
  for (const action of actions) rows.push(changeRow('', action, overall.map((s) => s[action] ?? 0)))
  const regimes: string[] = []
  for (const run of runs) for (const g of Object.keys(run.results.actionMixByRegime)) if (!regimes.includes(g)) regimes.push(g)
  for (const regime of regimes) {
    const mixes = runs.map((r) => r.results.actionMixByRegime[regime])
    const visited = runs.map((r) => (r.results.regimeCounts[regime] ?? 0) > 0)
    if (!visited[0] || !visited.some((v, i) => i > 0 && v)) continue
    for (const action of actions) {
      const values = mixes.map((m) => m?.[action] ?? 0)
      rows.push(changeRow(regime, action, values, visited))
    }
  }
  return rows.sort((a, b) => b.maxChangePp - a.maxChangePp)
}

function changeRow(regime: string, action: string, values: number[], counted: boolean[] = values.map(() => true)): ActionShareChange {
  const base = values[0] ?? 0
  let maxChangePp = 0
  values.forEach((v, i) => {
    if (i > 0 && counted[i]) maxChangePp = Math.max(maxChangePp, Math.abs(v - base) * 100)
  })
  return { regime, action, shares: values, maxChangePp }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const num = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3))
const ratioText = (q: number): string => (q === Infinity ? 'from nothing' : `×${q.toFixed(q >= 10 ? 0 : 2)}`)

export interface BookAnswers {
  constraints: string[]
  costs: string[]
  actions: string[]
}

/** An action-share change smaller than this (percentage points) is noise, not a changed action. */
export const ACTION_CHANGE_PP = 1

/** The book's three questions, answered in sentences for every later run against the first. */
export function bookAnswers(runs: readonly ComparedRun[]): BookAnswers {
  if (runs.length < 2) return { constraints: [], costs: [], actions: [] }
  const first = runs[0]!
  const name = (i: number): string => `#${runs[i]!.id}`

  const constraintRowsAll = constraintRows(runs)
  const constraints: string[] = []
  for (let i = 1; i < runs.length; i++) {
    for (const row of constraintRowsAll) {
      const [before = 0] = row.counts
      const after = row.counts[i] ?? 0
      if (before === 0 && after > 0) constraints.push(`${name(i)}: ${ruleName(row.rule)} became binding — ${after} event${after === 1 ? '' : 's'} (none in #${first.id}).`)
      else if (before > 0 && after === 0) constraints.push(`${name(i)}: ${ruleName(row.rule)} no longer binds (${before} events in #${first.id}).`)
      else if (before > 0 && after !== before) constraints.push(`${name(i)}: ${ruleName(row.rule)} bound ${after} times against ${before} in #${first.id}.`)
    }
    const firstBound = storedConstraintCounts(runs[i]!.events).first
    const baselineFirst = storedConstraintCounts(first.events).first
    if (firstBound && firstBound.rule !== baselineFirst?.rule) constraints.push(`${name(i)}: ${ruleName(firstBound.rule)} bound first, at step ${firstBound.t}${baselineFirst ? ` (in #${first.id}: ${ruleName(baselineFirst.rule)} at step ${baselineFirst.t})` : ''}.`)
    if (runs[i]!.results.halted && !first.results.halted) constraints.push(`${name(i)}: the drawdown stop halted the run at step ${runs[i]!.results.steps} of ${runs[i]!.results.plannedSteps}.`)
  }
  if (constraints.length === 0) {
    const any = constraintRowsAll.filter((r) => r.counts.some((n) => n > 0))
    constraints.push(
      any.length === 0
        ? 'No risk constraint bound in any of these runs: the gate never intervened.'
        : `The same constraints bound equally often in every run (${any.map((r) => `${ruleName(r.rule)} ${r.counts[0]}`).join(', ')}).`
    )
  }

  const costs: string[] = []
  const rows = costRows(runs)
  for (let i = 1; i < runs.length; i++) {
    const exploded = rows.filter((r) => r.component !== 'total' && r.exploded[i]).sort((a, b) => (b.ratios[i] ?? 0) - (a.ratios[i] ?? 0))
    const total = rows.find((r) => r.component === 'total')!
    const totalText = `total ${num(total.totals[0] ?? 0)} → ${num(total.totals[i] ?? 0)}${total.ratios[i] !== null ? ` (${ratioText(total.ratios[i]!)})` : ''}`
    if (exploded.length > 0) {
      costs.push(`${name(i)}: ${exploded.map((r) => `${r.component} ${ratioText(r.ratios[i]!)} (${num(r.totals[0] ?? 0)} → ${num(r.totals[i] ?? 0)})`).join(', ')} exploded; ${totalText}.`)
    } else {
      // The largest move either way: ×0.45 is a bigger change than ×1.2.
      const size = (q: number | null): number => (q === null || q <= 0 ? 0 : Math.abs(Math.log(q)))
      const largest = rows.filter((r) => r.component !== 'total' && r.ratios[i] !== null).sort((a, b) => size(b.ratios[i]!) - size(a.ratios[i]!))[0]
      costs.push(`${name(i)}: no cost component doubled${largest ? `; the largest move is ${largest.component} ${ratioText(largest.ratios[i]!)}` : ''}; ${totalText}.`)
    }
  }

  const actions: string[] = []
  const changes = actionChanges(runs)
  for (let i = 1; i < runs.length; i++) {
    const moved = changes
      .filter((c) => Math.abs((c.shares[i] ?? 0) - (c.shares[0] ?? 0)) * 100 >= ACTION_CHANGE_PP)
      .sort((a, b) => Math.abs((b.shares[i] ?? 0) - (b.shares[0] ?? 0)) - Math.abs((a.shares[i] ?? 0) - (a.shares[0] ?? 0)))
      .slice(0, 3)
    if (moved.length === 0) {
      actions.push(`${name(i)}: the policy chose the same actions (every share within ${ACTION_CHANGE_PP} pp of #${first.id}).`)
      continue
    }
    const parts = moved.map((c) => {
      const delta = ((c.shares[i] ?? 0) - (c.shares[0] ?? 0)) * 100
      return `${c.action}${c.regime ? ` in ${c.regime}` : ''} ${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)} pp (${pct(c.shares[0] ?? 0)} → ${pct(c.shares[i] ?? 0)})`
    })
    actions.push(`${name(i)}: ${parts.join('; ')}.`)
  }
  return { constraints, costs, actions }
}

export interface OverlayLine {
  id: number
  /** Step numbers: one shared grid for every run, so the chart lines up step t of each. */
  x: Float64Array
  y: Float64Array
}

/**
 * One line per run from its stored chart series (conflated on its own step grid), conflated
 * further where a run has more than about `maxPoints` points; x is the step. Extremes survive:
 * each bucket keeps its minimum and maximum, so a crash in a long run still shows.
 */
export function overlayLines(runs: readonly ComparedRun[], column: string, maxPoints = 4000): OverlayLine[] {
  return runs.map((run) => {
    const series = reconflate(run.results.series, run.results.steps, Math.max(1, Math.floor(maxPoints / 2)), new Set(STREAM_SAMPLED_COLUMNS))
    return { id: run.id, x: series.t, y: series.columns[column] ?? new Float64Array(series.t.length) }
  })
}
