import { throwIfCancelled, type LoopHost } from '../cancellation'
import type { Decision, Policy, PolicyMemory, PolicySource } from './decision'
import type { CostBreakdown } from './execution'
import type { LabDefinition, StepContext } from './lab'
import { Ledger } from './ledger'
import { RiskGate, type ConstraintEvent } from './risk-gate'

export const POLICY_SOURCES: readonly PolicySource[] = ['BASELINE', 'AGENT', 'OVERRIDE', 'RISK']

/**
 * Every step of a run, columnar. Per-step arrays have one entry per executed step; leg arrays
 * are step-major (position[t·legs + leg]). `markedEquity` is the equity after the old book is
 * marked and before the trade; `equity` is after the step settles.
 */
export interface StepColumns {
  t: Int32Array
  regime: Int32Array
  action: Int32Array
  source: Uint8Array
  rationale: Int32Array
  position: Float64Array
  trade: Float64Array
  markPnl: Float64Array
  pnlByComponent: Record<string, Float64Array>
  cost: Float64Array
  costByComponent: Record<string, Float64Array>
  netPnl: Float64Array
  markedEquity: Float64Array
  equity: Float64Array
  drawdown: Float64Array
  leverage: Float64Array
}

export interface LabRun<M> {
  labId: string
  market: M
  legs: readonly string[]
  actions: readonly string[]
  regimeNames: readonly string[]
  initialEquity: number
  /** Steps executed (fewer than planned when a drawdown stop halted the run). */
  steps: number
  plannedSteps: number
  halted: boolean
  columns: StepColumns
  /** Distinct rationale strings; columns.rationale indexes into it. */
  rationales: string[]
  events: ConstraintEvent[]
  /** After the closing mark, for labs whose P&L is marked forward. */
  finalEquity: number
}

function allocate(steps: number, legs: number, pnl: readonly string[], costs: readonly string[]): StepColumns {
  const perComponent = (names: readonly string[]): Record<string, Float64Array> =>
    Object.fromEntries(names.map((n) => [n, new Float64Array(steps)]))
  return {
    t: new Int32Array(steps),
    regime: new Int32Array(steps),
    action: new Int32Array(steps),
    source: new Uint8Array(steps),
    rationale: new Int32Array(steps),
    position: new Float64Array(steps * legs),
    trade: new Float64Array(steps * legs),
    markPnl: new Float64Array(steps),
    pnlByComponent: perComponent(pnl),
    cost: new Float64Array(steps),
    costByComponent: perComponent(costs),
    netPnl: new Float64Array(steps),
    markedEquity: new Float64Array(steps),
    equity: new Float64Array(steps),
    drawdown: new Float64Array(steps),
    leverage: new Float64Array(steps)
  }
}

function truncate(columns: StepColumns, steps: number, legs: number): StepColumns {
  const cut = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T => a.subarray(0, n) as T
  const cutAll = (r: Record<string, Float64Array>): Record<string, Float64Array> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cut(v, steps)]))
  return {
    t: cut(columns.t, steps),
    regime: cut(columns.regime, steps),
    action: cut(columns.action, steps),
    source: cut(columns.source, steps),
    rationale: cut(columns.rationale, steps),
    position: cut(columns.position, steps * legs),
    trade: cut(columns.trade, steps * legs),
    markPnl: cut(columns.markPnl, steps),
    pnlByComponent: cutAll(columns.pnlByComponent),
    cost: cut(columns.cost, steps),
    costByComponent: cutAll(columns.costByComponent),
    netPnl: cut(columns.netPnl, steps),
    markedEquity: cut(columns.markedEquity, steps),
    equity: cut(columns.equity, steps),
    drawdown: cut(columns.drawdown, steps),
    leverage: cut(columns.leverage, steps)
  }
}

/** A loop host that also sees the steps as they are recorded (charts that stream a running run). */
export interface LabLoopHost extends LoopHost {
  /**
   * Steps [from, to) are now in `columns`; `events` holds every constraint event so far and
   * `rationales` the run's rationale table so far (append-only; columns.rationale indexes it).
   * Called before each progress report.
   */
  onSteps?(columns: StepColumns, from: number, to: number, events: readonly ConstraintEvent[], rationales: readonly string[]): void
}

export interface RunLabOptions<O, A extends string> {
  /** Defaults to the lab's baseline; any agent plugs in here. */
  policy?: Policy<O, A>
  host?: LabLoopHost
  /** Give the event loop a turn every this many steps (cancellation, progress). */
  yieldEvery?: number
}

/**
 * The closed loop. One step:
 *   1. mark the old book over the interval ending at t (no look-ahead by construction);
 *   2. the risk gate may latch forced-flat on drawdown;
 *   3. observe; the policy decides (on its cadence, holding the last decision between);
 *   4. action → target; the risk gate constrains it in its fixed order, logging interventions;
 *   5. execution prices the trade by component; the ledger books it and settles;
 *   6. the step is recorded; a halting drawdown stop ends the run.
 */
export async function runLab<C, M, O, A extends string>(
  lab: LabDefinition<C, M, O, A>,
  config: C,
  options: RunLabOptions<O, A> = {}
): Promise<LabRun<M>> {
  const host = options.host ?? {}
  const yieldEvery = options.yieldEvery ?? 4096
  const market = lab.simulateMarket(config)
  const planned = lab.steps(config)
  const legs = lab.legs.length
  const execution = lab.execution(config)
  const columns = allocate(planned, legs, lab.pnlComponents, execution.components)
  const { mode, initialEquity } = lab.ledger(config)
  const ledger = new Ledger(mode, initialEquity, legs)
  const gate = new RiskGate(lab.riskRules(config))
  const every = lab.decisionEvery(config)
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`decisionEvery must be a whole number ≥ 1 (got ${every})`)
  const actionIndex = new Map(lab.actions.map((a, i) => [a, i]))
  const rationaleIndex = new Map<string, number>()
  const rationales: string[] = []
  const policy: Policy<O, A> = options.policy ?? { name: 'baseline', decide: (o, m) => lab.baseline(o, m) }

  let decision: Decision<A> | null = null
  const memory: PolicyMemory<A> = { t: 0, lastAction: lab.flatAction, lastDecision: null }
  let lastCost = 0
  let executed = 0
  let streamed = 0
  // Reused every step: the hot loop allocates nothing per leg.
  const targetBuffer = new Float64Array(legs)
  const tradeBuffer = new Float64Array(legs)

  for (let t = 0; t < planned; t++) {
    // 1. Mark the book carried into t.
    const pnl = t === 0 ? zeroPnl(lab.pnlComponents) : lab.mark(market, t, ledger.position, config)
    const markTotal = ledger.mark(pnl)
    const markedEquity = ledger.equity
    const drawdownNow = ledger.drawdown()

    // 2. Drawdown stop that flattens (checked before acting).
    gate.beforeDecision(t, drawdownNow)

    // 3. Observe and decide.
    const context: StepContext<C, M, A> = {
      t,
      config,
      market,
      position: ledger.position,
      equity: ledger.equity,
      drawdown: drawdownNow,
      leverage: ledger.leverage(),
      lastAction: memory.lastAction,
      cumulativeCost: ledger.cumulativeCost,
      lastCost
    }
    const observation = lab.observe(context)
    memory.t = t
    if (gate.state.forcedFlat) {
      decision = { action: lab.flatAction, rationale: 'Drawdown stop: the book is held flat.', source: 'RISK' }
    } else if (decision === null || t % every === 0 || decision.source === 'RISK') {
      decision = policy.decide(observation, memory)
    }
    const index = actionIndex.get(decision.action)
    if (index === undefined) throw new Error(`${policy.name} chose "${decision.action}", which is not an action of ${lab.id}`)

    // 4. Target and constraints.
    targetBuffer.set(lab.actionToTarget(decision.action, observation, context))
    const target = gate.constrain(t, targetBuffer, ledger.equity, ledger.peak)

    // 5. Execution and booking. A fill model may execute less (or other) than was asked.
    const trade = tradeBuffer
    for (let i = 0; i < legs; i++) trade[i] = (target[i] ?? 0) - (ledger.position[i] ?? 0)
    let cost: CostBreakdown
    let executionPnl: Record<string, number> | undefined
    let executionPnlTotal = 0
    if (execution.execute) {
      const result = execution.execute(trade, context)
      cost = result.cost
      executionPnl = result.pnl
      for (let i = 0; i < legs; i++) {
        trade[i] = result.executed[i] ?? 0
        target[i] = (ledger.position[i] ?? 0) + trade[i]!
      }
      if (executionPnl) for (const key in executionPnl) executionPnlTotal += executionPnl[key] ?? 0
    } else {
      cost = execution.cost(trade, context)
    }
    ledger.trade(target, cost, executionPnlTotal)
    const net = ledger.settle()
    lastCost = cost.total
    if (!Number.isFinite(ledger.equity)) {
      // A blown-up book cannot be audited or stored; say where it happened.
      throw new Error(`${lab.id}: equity became ${ledger.equity} at step ${t} (mark ${markTotal}, cost ${cost.total})`)
    }

    // 6. Record.
    columns.t[t] = t
    columns.regime[t] = lab.regimeAt(market, t)
    columns.action[t] = index
    columns.source[t] = POLICY_SOURCES.indexOf(decision.source)
    let r = rationaleIndex.get(decision.rationale)
    if (r === undefined) {
      r = rationales.length
      rationales.push(decision.rationale)
      rationaleIndex.set(decision.rationale, r)
    }
    columns.rationale[t] = r
    columns.position.set(ledger.position, t * legs)
    columns.trade.set(trade, t * legs)
    columns.markPnl[t] = markTotal
    for (const name of lab.pnlComponents) {
      const marked = pnl[name] ?? 0
      const atExecution = executionPnl?.[name]
      columns.pnlByComponent[name]![t] = atExecution === undefined ? marked : marked + atExecution
    }
    columns.cost[t] = cost.total
    for (const name of execution.components) columns.costByComponent[name]![t] = cost.components[name] ?? 0
    columns.netPnl[t] = net
    columns.markedEquity[t] = markedEquity
    columns.equity[t] = ledger.equity
    columns.drawdown[t] = ledger.drawdown()
    columns.leverage[t] = ledger.leverage()
    memory.lastAction = decision.action
    memory.lastDecision = decision
    executed = t + 1

    gate.afterStep(t, ledger.drawdown())
    if (gate.state.halted) break

    if (executed % yieldEvery === 0 && executed < planned) {
      host.onSteps?.(columns, streamed, executed, gate.events, rationales)
      streamed = executed
      host.onProgress?.(executed, planned)
      throwIfCancelled(host)
      if (host.yieldControl) await host.yieldControl()
      throwIfCancelled(host)
    }
  }

  let finalEquity = ledger.equity
  if (lab.finalMark && !gate.state.halted && executed === planned) {
    ledger.mark(lab.mark(market, planned, ledger.position, config))
    ledger.settle()
    finalEquity = ledger.equity
  }
  if (executed > streamed) host.onSteps?.(columns, streamed, executed, gate.events, rationales)
  host.onProgress?.(planned, planned)

  return {
    labId: lab.id,
    market,
    legs: lab.legs,
    actions: lab.actions,
    regimeNames: lab.regimeNames(config),
    initialEquity,
    steps: executed,
    plannedSteps: planned,
    halted: gate.state.halted,
    columns: executed === planned ? columns : truncate(columns, executed, legs),
    rationales,
    events: gate.events,
    finalEquity
  }
}

function zeroPnl(names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, 0]))
}
