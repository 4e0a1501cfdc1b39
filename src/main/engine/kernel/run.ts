import { throwIfCancelled, type LoopHost } from '../cancellation'
import type { Decision, Policy, PolicyMemory, PolicySource } from './decision'
import type { AnyLab, Lab, LabInputs, StepContext } from './lab'
import { Ledger } from './ledger'
import type { ChunkSink, RunEnd, StepChunk } from './observers'
import { RiskGate } from './risk-gate'
import { STEP_CHUNK } from './step-records'

export const POLICY_SOURCES: readonly PolicySource[] = ['BASELINE', 'AGENT', 'OVERRIDE', 'RISK']

/**
 * Steps of a run, columnar. Per-step arrays have one entry per step; leg arrays are step-major
 * (position[i·legs + leg]). `markedEquity` is the equity after the old book is marked and
 * before the trade; `equity` is after the step settles.
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

export function allocateColumns(steps: number, legs: number, pnl: readonly string[], costs: readonly string[]): StepColumns {
  const perComponent = (names: readonly string[]): Record<string, Float64Array> => Object.fromEntries(names.map((n) => [n, new Float64Array(steps)]))
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

/** The first `steps` rows of columns, as views (no copy). */
export function columnsView(columns: StepColumns, steps: number, legs: number): StepColumns {
  const cut = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T => a.subarray(0, n) as T
  const cutAll = (r: Record<string, Float64Array>): Record<string, Float64Array> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cut(v, steps)]))
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

export interface RunLabOptions<O, A extends string> {
  /** Inputs computed outside the engine that the lab's market needs (the regime model's output). */
  inputs?: LabInputs
  /** Defaults to the lab's baseline; any agent plugs in here. */
  policy?: Policy<O, A>
  /** Cancellation, progress (once per chunk) and a turn of the event loop between chunks. */
  host?: LoopHost
  /** Receive every chunk of steps as it completes: decision log, charts, metrics, hashes. */
  sinks?: readonly ChunkSink[]
  /** The market, when the caller simulated it already (surfaces, tests); else the lab simulates it. */
  market?: unknown
}

/** A finished run: how it ended, and the market it ran on. */
export interface RunOutcome<M> extends RunEnd {
  market: M
}

/**
 * The closed loop. One step:
 *   1. mark the old book over the interval ending at t (no look-ahead by construction);
 *   2. the risk gate may latch forced-flat on drawdown;
 *   3. observe; the policy decides (on its cadence, holding the last decision between);
 *   4. action → target; the risk gate constrains it in its fixed order, logging interventions;
 *   5. execution fills and prices the trade by component; the ledger books it and settles;
 *   6. the step is recorded; a halting drawdown stop ends the run.
 * Steps are recorded into chunk buffers of STEP_CHUNK steps that are handed to the sinks and
 * reused, so a run's memory does not grow with its length; the loop allocates nothing per step
 * (a constraint event and a new rationale allocate once, when they happen).
 */
export async function runLab<C, M, O, A extends string>(lab: Lab<C, M, O, A>, config: C, options: RunLabOptions<O, A> = {}): Promise<RunOutcome<M>> {
  const host = options.host ?? {}
  const sinks = options.sinks ?? []
  const market = (options.market as M | undefined) ?? lab.market(config, options.inputs ?? {})
  const planned = lab.steps(config)
  const legs = lab.legs.length
  const execution = lab.execution(config)
  const pnlNames = lab.pnlComponents
  const costNames = execution.components
  const booked = (execution.bookedPnl ?? []).map((name) => {
    const k = pnlNames.indexOf(name)
    if (k < 0) throw new Error(`${lab.id}: execution books "${name}", which is not one of its P&L components (${pnlNames.join(', ')})`)
    return k
  })
  const fills = execution.kind === 'fill'
  const { mode, initialEquity } = lab.ledger(config)
  const ledger = new Ledger(mode, initialEquity, legs)
  const gate = new RiskGate(lab.risk(config))
  const every = lab.decisionEvery(config)
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`decisionEvery must be a whole number ≥ 1 (got ${every})`)
  const actionIndex = new Map<string, number>(lab.actions.map((a, i) => [a, i]))
  const rationaleIndex = new Map<string, number>()
  const rationales: string[] = []
  const policy: Policy<O, A> = options.policy ?? { name: 'baseline', decide: (o, m) => lab.baseline(o, m) }
  const holdFlat: Decision<A> = { action: lab.flatAction, rationale: 'Drawdown stop: the book is held flat.', source: 'RISK' }

  // The chunk buffers and the per-step scratch, reused for the whole run.
  const chunkSize = Math.max(1, Math.min(STEP_CHUNK, planned))
  const columns = allocateColumns(chunkSize, legs, pnlNames, costNames)
  const pnlColumns = pnlNames.map((n) => columns.pnlByComponent[n]!)
  const costColumns = costNames.map((n) => columns.costByComponent[n]!)
  const pnl = new Float64Array(pnlNames.length)
  const cost = new Float64Array(costNames.length)
  const bookedPnl = new Float64Array(booked.length)
  const target = new Float64Array(legs)
  const trade = new Float64Array(legs)
  const context: StepContext<C, M, A> = {
    t: 0,
    config,
    market,
    position: ledger.position,
    equity: ledger.equity,
    drawdown: 0,
    leverage: 0,
    lastAction: lab.flatAction,
    cumulativeCost: 0,
    lastCost: 0
  }
  const memory: PolicyMemory<A> = { t: 0, lastAction: lab.flatAction, lastDecision: null }
  const observation = lab.observation(config, market)

  let decision: Decision<A> | null = null
  // Codes of the decision last recorded: a held or repeated decision is not looked up again.
  let codedAction: string | null = null
  let codedRationale: string | null = null
  let codedSource: PolicySource | null = null
  let actionCode = 0
  let rationaleCode = 0
  let sourceCode = 0

  let executed = 0
  let chunkFirst = 0
  let eventSeq = 0
  const flush = (count: number): void => {
    if (count === 0 && chunkFirst > 0) return
    const events = gate.drain()
    const chunk: StepChunk = {
      first: chunkFirst,
      count,
      columns: count === chunkSize ? columns : columnsView(columns, count, legs),
      events,
      firstEvent: eventSeq,
      rationales
    }
    for (const sink of sinks) sink.onChunk(chunk)
    eventSeq += events.length
    chunkFirst += count
  }

  for (let t = 0; t < planned; t++) {
    // 1. Mark the book carried into t.
    let markTotal = 0
    if (t === 0) pnl.fill(0)
    else {
      lab.mark(market, t, ledger.position, config, pnl)
      for (let k = 0; k < pnl.length; k++) markTotal += pnl[k]!
    }
    ledger.mark(markTotal)
    const markedEquity = ledger.equity
    const drawdownNow = ledger.drawdown()

    // 2. Drawdown stop that flattens (checked before acting).
    gate.beforeDecision(t, drawdownNow)

    // 3. Observe and decide.
    context.t = t
    context.equity = ledger.equity
    context.drawdown = drawdownNow
    context.leverage = ledger.leverage()
    context.lastAction = memory.lastAction
    context.cumulativeCost = ledger.cumulativeCost
    lab.observe(context, observation)
    memory.t = t
    if (gate.state.forcedFlat) decision = holdFlat
    else if (decision === null || t % every === 0 || decision.source === 'RISK') decision = policy.decide(observation, memory)
    if (decision.action !== codedAction) {
      const code = actionIndex.get(decision.action)
      if (code === undefined) throw new Error(`${policy.name} chose "${decision.action}", which is not an action of ${lab.id}`)
      actionCode = code
      codedAction = decision.action
    }
    if (decision.rationale !== codedRationale) {
      let code = rationaleIndex.get(decision.rationale)
      if (code === undefined) {
        code = rationales.length
        rationales.push(decision.rationale)
        rationaleIndex.set(decision.rationale, code)
      }
      rationaleCode = code
      codedRationale = decision.rationale
    }
    if (decision.source !== codedSource) {
      sourceCode = POLICY_SOURCES.indexOf(decision.source)
      codedSource = decision.source
    }

    // 4. Target and constraints.
    lab.target(decision.action, observation, context, target)
    gate.constrain(t, target, ledger.equity, ledger.peak)

    // 5. Execution and booking. A fill model may execute less (or other) than was asked.
    for (let i = 0; i < legs; i++) trade[i] = target[i]! - ledger.position[i]!
    const costTotal = execution.execute(trade, context, cost, bookedPnl)
    let executionPnl = 0
    for (let k = 0; k < booked.length; k++) executionPnl += bookedPnl[k]!
    // What a fill model executed becomes the book (a cost model's target stands as constrained).
    if (fills) for (let i = 0; i < legs; i++) target[i] = ledger.position[i]! + trade[i]!
    ledger.trade(target, costTotal, executionPnl)
    const net = ledger.settle()
    context.lastCost = costTotal
    if (!Number.isFinite(ledger.equity)) {
      // A blown-up book cannot be audited or stored; say where it happened.
      throw new Error(`${lab.id}: equity became ${ledger.equity} at step ${t} (mark ${markTotal}, cost ${costTotal})`)
    }

    // 6. Record.
    const i = t - chunkFirst
    columns.t[i] = t
    columns.regime[i] = lab.regimeAt(market, t)
    columns.action[i] = actionCode
    columns.source[i] = sourceCode
    columns.rationale[i] = rationaleCode
    columns.position.set(ledger.position, i * legs)
    columns.trade.set(trade, i * legs)
    columns.markPnl[i] = markTotal
    for (let k = 0; k < pnlColumns.length; k++) pnlColumns[k]![i] = pnl[k]!
    for (let b = 0; b < booked.length; b++) pnlColumns[booked[b]!]![i] = pnl[booked[b]!]! + bookedPnl[b]!
    columns.cost[i] = costTotal
    for (let k = 0; k < costColumns.length; k++) costColumns[k]![i] = cost[k]!
    columns.netPnl[i] = net
    columns.markedEquity[i] = markedEquity
    columns.equity[i] = ledger.equity
    columns.drawdown[i] = ledger.drawdown()
    columns.leverage[i] = ledger.leverage()
    memory.lastAction = decision.action
    memory.lastDecision = decision
    executed = t + 1

    gate.afterStep(t, ledger.drawdown())
    if (gate.state.halted) break

    if (executed - chunkFirst === chunkSize && executed < planned) {
      flush(chunkSize)
      host.onProgress?.(executed, planned)
      throwIfCancelled(host)
      if (host.yieldControl) await host.yieldControl()
      throwIfCancelled(host)
    }
  }

  const closingMark = new Float64Array(pnlNames.length)
  let finalEquity = ledger.equity
  if (lab.finalMark && !gate.state.halted && executed === planned) {
    lab.mark(market, planned, ledger.position, config, closingMark)
    let total = 0
    for (let k = 0; k < closingMark.length; k++) total += closingMark[k]!
    ledger.mark(total)
    ledger.settle()
    finalEquity = ledger.equity
  }
  flush(executed - chunkFirst)
  host.onProgress?.(planned, planned)

  return {
    labId: lab.id,
    market,
    legs: lab.legs,
    actions: lab.actions,
    regimeNames: lab.regimes(config),
    pnlComponents: pnlNames,
    costComponents: costNames,
    initialEquity,
    steps: executed,
    plannedSteps: planned,
    halted: gate.state.halted,
    finalEquity,
    closingMark,
    rationales,
    eventCount: eventSeq
  }
}

/** runLab for registries and runners that hold an erased lab. */
export const runAnyLab = (lab: AnyLab, config: unknown, options: RunLabOptions<unknown, string> = {}): Promise<RunOutcome<unknown>> => runLab(lab, config, options)
