import type { ConstraintFacts, MemoFacts, StressComparison, SurfaceFacts } from '../../shared/contract/memo'
import type { LabResults, RunSummary } from '../../shared/contract'
import type { AgentComparison } from '../../shared/contract/agent-comparison'
import type { StepColumnsView } from '../audit/chain'

// The memo's facts, as pure functions of what the store holds: a run's results, its decision
// log (read chunk by chunk), its constraint events and the same for each stress variant. The
// book's reviewer questions [BOOK L580–590] name what is computed: which costs dominate, which
// constraints bind first, which actions are taken and whether they change with regime, and
// under which stress settings the policy fails.

interface RegimeSums {
  steps: number
  netPnl: number
  cost: number
  costByComponent: Record<string, number>
  pnlByComponent: Record<string, number>
  actionCounts: number[]
  /** Per P&L component (in pnlComponents order): Σx², and Σxy for every pair (k × k, row-major). */
  pnlSquares: number[]
  pnlCross: number[]
}

function regimeSums(costComponents: readonly string[], pnlComponents: readonly string[], actions: number): RegimeSums {
  const k = pnlComponents.length
  return { steps: 0, netPnl: 0, cost: 0, costByComponent: zeros(costComponents), pnlByComponent: zeros(pnlComponents), actionCounts: new Array<number>(actions).fill(0), pnlSquares: new Array<number>(k).fill(0), pnlCross: new Array<number>(k * k).fill(0) }
}

/** Sums over a run's decision log, per regime and in total, in step order. */
export interface StepDigest {
  steps: number
  regimeNames: string[]
  actionNames: string[]
  costComponents: string[]
  pnlComponents: string[]
  netPnl: number
  cost: number
  costByComponent: Record<string, number>
  actionCounts: number[]
  /** Indexed by regime code. */
  byRegime: RegimeSums[]
  maxDrawdown: number
  maxLeverage: number
  finalEquity: number | null
}

function zeros(names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, 0]))
}

/** One pass over the stored log, a chunk at a time; nothing but the sums is kept. */
export function digestStepLog(chunks: Iterable<StepColumnsView>, names?: { regimeNames: readonly string[]; actionNames: readonly string[]; costComponents: readonly string[]; pnlComponents: readonly string[] }): StepDigest {
  let digest: StepDigest | null = null
  const start = (n: { regimeNames: readonly string[]; actionNames: readonly string[]; costComponents: readonly string[]; pnlComponents: readonly string[] }): StepDigest => ({
    steps: 0,
    regimeNames: [...n.regimeNames],
    actionNames: [...n.actionNames],
    costComponents: [...n.costComponents],
    pnlComponents: [...n.pnlComponents],
    netPnl: 0,
    cost: 0,
    costByComponent: zeros(n.costComponents),
    actionCounts: n.actionNames.map(() => 0),
    byRegime: n.regimeNames.map(() => regimeSums(n.costComponents, n.pnlComponents, n.actionNames.length)),
    maxDrawdown: 0,
    maxLeverage: 0,
    finalEquity: null
  })
  if (names) digest = start(names)
  for (const view of chunks) {
    digest ??= start({ regimeNames: view.regimeNames, actionNames: view.actionNames, costComponents: Object.keys(view.costByComponent), pnlComponents: Object.keys(view.pnlByComponent) })
    const d = digest
    const n = view.t.length
    const costs = d.costComponents.map((c) => [c, view.costByComponent[c]] as const)
    const pnls = d.pnlComponents.map((c) => [c, view.pnlByComponent[c]] as const)
    const k = pnls.length
    const x = new Float64Array(k)
    for (let i = 0; i < n; i++) {
      const code = view.regime[i]!
      while (d.byRegime.length <= code) {
        d.regimeNames.push(String(d.byRegime.length))
        d.byRegime.push(regimeSums(d.costComponents, d.pnlComponents, d.actionNames.length))
      }
      const r = d.byRegime[code]!
      const action = view.action[i]!
      const net = view.netPnl[i]!
      const cost = view.cost[i]!
      r.steps++
      r.netPnl += net
      r.cost += cost
      r.actionCounts[action] = (r.actionCounts[action] ?? 0) + 1
      d.actionCounts[action] = (d.actionCounts[action] ?? 0) + 1
      d.netPnl += net
      d.cost += cost
      for (const [c, column] of costs) {
        const v = column ? column[i]! : 0
        r.costByComponent[c]! += v
        d.costByComponent[c]! += v
      }
      for (let a = 0; a < k; a++) {
        const [c, column] = pnls[a]!
        x[a] = column ? column[i]! : 0
        r.pnlByComponent[c]! += x[a]!
        r.pnlSquares[a]! += x[a]! * x[a]!
      }
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) r.pnlCross[a * k + b]! += x[a]! * x[b]!
      const dd = view.drawdown[i]!
      const lev = view.leverage[i]!
      if (dd > d.maxDrawdown) d.maxDrawdown = dd
      if (lev > d.maxLeverage) d.maxLeverage = lev
    }
    d.steps += n
    if (n > 0) d.finalEquity = view.equity[n - 1]!
  }
  return digest ?? start({ regimeNames: [], actionNames: [], costComponents: [], pnlComponents: [] })
}

/**
 * Which constraints bound: counts per rule, the rule of the earliest constraint event (the one
 * that binds first) and the most frequent rule. Events come in logged order.
 */
export function summariseConstraints(events: Iterable<{ t: number; rule: string; message: string }>): ConstraintFacts {
  const byRule = new Map<string, { rule: string; count: number; firstT: number; firstMessage: string }>()
  let first: { rule: string; t: number; message: string } | null = null
  let total = 0
  for (const e of events) {
    total++
    if (first === null || e.t < first.t) first = { rule: e.rule, t: e.t, message: e.message }
    const entry = byRule.get(e.rule)
    if (entry) {
      entry.count++
      if (e.t < entry.firstT) {
        entry.firstT = e.t
        entry.firstMessage = e.message
      }
    } else byRule.set(e.rule, { rule: e.rule, count: 1, firstT: e.t, firstMessage: e.message })
  }
  const rules = [...byRule.values()].sort((a, b) => a.firstT - b.firstT)
  let mostFrequent: { rule: string; count: number } | null = null
  for (const r of rules) if (!mostFrequent || r.count > mostFrequent.count) mostFrequent = { rule: r.rule, count: r.count }
  return { total, byRule: rules, firstBinding: first, mostFrequent }
}

/**
 * Pearson correlation of each pair of P&L components within each regime, from the digest's
 * sums: how the legs co-move in calm and in stress. Null where a component does not vary.
 */
export function pnlCorrelations(d: StepDigest): Array<{ regime: string; pairs: Array<{ a: string; b: string; r: number | null }> }> {
  const names = d.pnlComponents
  const k = names.length
  return d.regimeNames.map((regime, i) => {
    const r = d.byRegime[i]
    const pairs: Array<{ a: string; b: string; r: number | null }> = []
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        let value: number | null = null
        if (r && r.steps > 1) {
          const n = r.steps
          const sa = r.pnlByComponent[names[a]!]!
          const sb = r.pnlByComponent[names[b]!]!
          const va = r.pnlSquares[a]! - (sa * sa) / n
          const vb = r.pnlSquares[b]! - (sb * sb) / n
          const cov = r.pnlCross[a * k + b]! - (sa * sb) / n
          // Below this the component is constant up to rounding.
          const tiny = 1e-12 * Math.max(r.pnlSquares[a]!, r.pnlSquares[b]!, 1e-300)
          if (va > tiny && vb > tiny) value = Math.max(-1, Math.min(1, cov / Math.sqrt(va * vb)))
        }
        pairs.push({ a: names[a]!, b: names[b]!, r: value })
      }
    }
    return { regime, pairs }
  })
}

/** The cost component with the largest total (null when nothing was paid). */
export function dominantCost(costByComponent: Readonly<Record<string, number>>): string | null {
  let best: string | null = null
  let bestValue = 0
  for (const [name, value] of Object.entries(costByComponent)) {
    if (value > bestValue) {
      best = name
      bestValue = value
    }
  }
  return best
}

/** What the surface source gives back for a whole run (summaries only). */
export interface SurfaceOverview {
  name: string
  unit: string
  layout: string
  axes: Array<{ name: string; unit: string; labels: string[] }>
  stride: number
  regime: ArrayLike<number>
  regimeNames: readonly string[]
  summaries: Array<{ name: string; unit: string; description: string; values: ArrayLike<number> }>
}

/** Each surface feature's mean over the run and in each regime: the state → surface-feature mapping. */
export function surfaceFacts(surface: SurfaceOverview): SurfaceFacts {
  const frames = surface.regime.length
  return {
    name: surface.name,
    unit: surface.unit,
    layout: surface.layout,
    axes: surface.axes.map((a) => ({ name: a.name, unit: a.unit, size: a.labels.length })),
    frames,
    stride: surface.stride,
    features: surface.summaries.map((s) => {
      const sums = surface.regimeNames.map(() => ({ sum: 0, n: 0 }))
      let sum = 0
      let n = 0
      for (let i = 0; i < frames; i++) {
        const v = s.values[i]!
        if (!Number.isFinite(v)) continue
        sum += v
        n++
        const bucket = sums[surface.regime[i]!]
        if (bucket) {
          bucket.sum += v
          bucket.n++
        }
      }
      return {
        name: s.name,
        unit: s.unit,
        description: s.description,
        mean: n > 0 ? sum / n : null,
        byRegime: Object.fromEntries(surface.regimeNames.map((r, i) => [r, sums[i]!.n > 0 ? sums[i]!.sum / sums[i]!.n : null]))
      }
    })
  }
}

/** A run as the comparison reads it. */
export interface RunDigest {
  runId: number
  configHash: string
  resultsHash: string | null
  halted: boolean
  digest: StepDigest
  constraints: ConstraintFacts
}

export interface StressOutcome {
  name: string
  overrides: Record<string, unknown>
  /** The variant's run, or why there is none. */
  run: RunDigest | null
  error: string | null
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

/**
 * The book's comparison after each stress run [BOOK L83–94]: "which constraint became binding,
 * which costs exploded, which actions changed".
 */
export function compareStress(base: RunDigest, outcome: StressOutcome): StressComparison {
  const empty = { constraintsBinding: [], costExploded: null, actionsChanged: [] }
  if (!outcome.run) {
    return {
      name: outcome.name,
      overrides: outcome.overrides,
      runId: null,
      configHash: null,
      resultsHash: null,
      error: outcome.error ?? 'not run',
      steps: null,
      halted: null,
      netPnl: null,
      deltaNetPnl: null,
      maxDrawdown: null,
      totalCost: null,
      dominantCost: null,
      constraintEvents: null,
      firstBinding: null,
      ...empty
    }
  }
  const v = outcome.run
  const baseCounts = new Map(base.constraints.byRule.map((r) => [r.rule, r.count]))
  const constraintsBinding = v.constraints.byRule
    .filter((r) => r.count > (baseCounts.get(r.rule) ?? 0))
    .map((r) => ({ rule: r.rule, base: baseCounts.get(r.rule) ?? 0, stressed: r.count }))
  let costExploded: StressComparison['costExploded'] = null
  for (const component of v.digest.costComponents) {
    const b = base.digest.costByComponent[component] ?? 0
    const s = v.digest.costByComponent[component] ?? 0
    if (s <= b) continue
    if (!costExploded || s - b > costExploded.stressed - costExploded.base) costExploded = { component, base: b, stressed: s, ratio: b > 0 ? s / b : null }
  }
  const actionsChanged = v.digest.actionNames
    .map((action, i) => ({ action, base: base.digest.actionCounts[base.digest.actionNames.indexOf(action)] ?? 0, stressed: v.digest.actionCounts[i] ?? 0 }))
    .filter((a) => a.base !== a.stressed)
    .sort((a, b) => Math.abs(b.stressed - b.base) - Math.abs(a.stressed - a.base) || a.action.localeCompare(b.action))
  return {
    name: outcome.name,
    overrides: outcome.overrides,
    runId: v.runId,
    configHash: v.configHash,
    resultsHash: v.resultsHash,
    error: null,
    steps: v.digest.steps,
    halted: v.halted,
    netPnl: finiteOrNull(v.digest.netPnl),
    deltaNetPnl: finiteOrNull(v.digest.netPnl - base.digest.netPnl),
    maxDrawdown: finiteOrNull(v.digest.maxDrawdown),
    totalCost: finiteOrNull(v.digest.cost),
    dominantCost: dominantCost(v.digest.costByComponent),
    constraintEvents: v.constraints.total,
    firstBinding: v.constraints.firstBinding,
    constraintsBinding,
    costExploded,
    actionsChanged
  }
}

/** The variant with the lowest net P&L, when it is below the base's. */
export function worstVariant(variants: readonly StressComparison[]): string | null {
  let worst: StressComparison | null = null
  for (const v of variants) {
    if (v.deltaNetPnl === null || v.deltaNetPnl >= 0) continue
    if (!worst || v.deltaNetPnl < worst.deltaNetPnl!) worst = v
  }
  return worst?.name ?? null
}

export interface MemoFactsInput {
  run: RunSummary
  results: LabResults
  lab: { title: string; chapter: number; description: string }
  /** The instruments (the decision log's legs). */
  legs: readonly string[]
  base: RunDigest
  surface: SurfaceOverview | null
  stressMethod: string
  stress: StressOutcome[]
  /** The paired agent/baseline ensemble the run belongs to, when the store holds one. */
  agentComparison?: AgentComparison | null
}

/** Everything the memo states as fact about one run. */
export function memoFacts(input: MemoFactsInput): MemoFacts {
  const { run, results, base } = input
  const d = base.digest
  const spec = run.spec.task === 'lab' ? run.spec : null
  const variants = input.stress.map((s) => compareStress(base, s))
  const finite = (x: number): number => (Number.isFinite(x) ? x : 0)
  return {
    run: {
      id: run.id,
      lab: results.manifest.lab,
      labTitle: input.lab.title,
      chapter: input.lab.chapter,
      description: input.lab.description,
      preset: results.manifest.preset,
      seed: results.manifest.seed,
      overrides: spec?.overrides ?? {},
      steps: results.steps,
      plannedSteps: results.plannedSteps,
      halted: results.halted,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt
    },
    manifest: {
      configHash: results.manifest.configHash,
      resultsHash: results.manifest.resultsHash,
      chainHead: results.manifest.chainHead ?? null,
      codeVersion: results.manifest.codeVersion,
      environment: results.manifest.environment
    },
    instruments: [...input.legs],
    actions: [...results.actionNames],
    regimes: [...results.regimeNames],
    corrections: results.corrections.map((c) => ({ id: c.id, title: c.title })),
    metrics: Object.entries(results.metrics).map(([name, value]) => ({ name, value: value === null ? null : finiteOrNull(value) })),
    totals: { netPnl: finite(d.netPnl), cost: finite(d.cost), finalEquity: d.finalEquity === null ? null : finiteOrNull(d.finalEquity), maxDrawdown: finite(d.maxDrawdown), maxLeverage: finite(d.maxLeverage) },
    costs: {
      components: d.costComponents.map((name) => ({ name, total: finite(d.costByComponent[name] ?? 0), share: d.cost > 0 ? (d.costByComponent[name] ?? 0) / d.cost : null })),
      dominant: dominantCost(d.costByComponent)
    },
    constraints: base.constraints,
    actionsByRegime: d.regimeNames.map((regime, i) => ({
      regime,
      steps: d.byRegime[i]?.steps ?? 0,
      counts: Object.fromEntries(d.actionNames.map((a, j) => [a, d.byRegime[i]?.actionCounts[j] ?? 0]))
    })),
    regimePnl: d.regimeNames.map((regime, i) => {
      const r = d.byRegime[i]
      return {
        regime,
        steps: r?.steps ?? 0,
        netPnl: finite(r?.netPnl ?? 0),
        cost: finite(r?.cost ?? 0),
        pnlByComponent: Object.fromEntries(d.pnlComponents.map((c) => [c, finite(r?.pnlByComponent[c] ?? 0)]))
      }
    }),
    pnlComponents: [...d.pnlComponents],
    pnlCorrelation: pnlCorrelations(d),
    surface: input.surface ? surfaceFacts(input.surface) : null,
    stress: { method: input.stressMethod, variants, worst: worstVariant(variants) },
    ...(results.agent ? { agent: results.agent } : {}),
    ...(input.agentComparison ? { agentComparison: input.agentComparison } : {})
  }
}
