import { throwIfCancelled, type LoopHost } from '../cancellation'
import type { Decision, Policy, PolicyMemory, PolicySource } from './decision'
import type { ExecutionModel } from './execution'
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
 *   6. the step is recorded; a halting drawdown stop, or the lab's halt check, ends the run.
 * Steps are recorded into chunk buffers of STEP_CHUNK steps that are handed to the sinks and
 * reused, so a run's memory does not grow with its length; the loop allocates nothing per step
 * (a constraint event and a new rationale allocate once, when they happen).
 */
export async function runLab<C, M, O, A extends string>(lab: Lab<C, M, O, A>, config: C, options: RunLabOptions<O, A> = {}): Promise<RunOutcome<M>> {
  const host = options.host ?? {}
  const loop = new ClosedLoop(lab, config, options)
  // One chunk at a time: the steps run synchronously (the hot path stays free of the async
  // machinery), then the chunk goes to the sinks and the event loop gets a turn (cancel, progress).
  for (;;) {
    const more = loop.advance()
    // A policy asked something outside the engine at a decision step: wait, then finish the step.
    const waiting = loop.takeWaiting()
    if (waiting !== null) {
      await waiting
      throwIfCancelled(host)
      continue
    }
    if (!more) break
    host.onProgress?.(loop.executed, loop.planned)
    throwIfCancelled(host)
    if (host.yieldControl) await host.yieldControl()
    throwIfCancelled(host)
  }
  host.onProgress?.(loop.planned, loop.planned)
  return loop.outcome()
}

/** One run's loop state: everything is allocated here, once; advance() runs the steps of one chunk. */
class ClosedLoop<C, M, O, A extends string> {
  readonly planned: number
  executed = 0
  private readonly market: M
  private readonly sinks: readonly ChunkSink[]
  private readonly legs: number
  private readonly execution: ExecutionModel<StepContext<C, M, A>>
  private readonly booked: number[]
  private readonly fills: boolean
  private readonly initialEquity: number
  private readonly ledger: Ledger
  private readonly gate: RiskGate
  private readonly every: number
  private readonly actionIndex: Map<string, number>
  private readonly rationaleIndex = new Map<string, number>()
  private readonly rationales: string[] = []
  private readonly policy: Policy<O, A>
  private readonly holdFlat: Decision<A>
  private readonly chunkSize: number
  private readonly columns: StepColumns
  private readonly pnlColumns: Float64Array[]
  private readonly costColumns: Float64Array[]
  private readonly pnl: Float64Array
  private readonly cost: Float64Array
  private readonly bookedPnl: Float64Array
  private readonly target: Float64Array
  private readonly trade: Float64Array
  private readonly context: StepContext<C, M, A>
  private readonly memory: PolicyMemory<A>
  private readonly observation: O
  private decision: Decision<A> | null = null
  // The step's mark and the equity after it, carried from open() to close().
  private markedEquity = 0
  private markTotal = 0
  // The mark booked at the step an equity floor ended the run before (not recorded as a step).
  private haltMark: Float64Array | null = null
  // Codes of the decision last recorded: a held or repeated decision is not looked up again.
  private codedAction: string | null = null
  private codedRationale: string | null = null
  private codedSource: PolicySource | null = null
  private actionCode = 0
  private rationaleCode = 0
  private sourceCode = 0
  private chunkFirst = 0
  private eventSeq = 0
  // Why the lab ended the run (Lab.halt), once it has.
  private haltReason: string | null = null
  // The step observed and waiting on the policy's prepare(), and what it waits on.
  private pausedAt = -1
  private waiting: Promise<void> | null = null

  constructor(
    private readonly lab: Lab<C, M, O, A>,
    private readonly config: C,
    options: RunLabOptions<O, A>
  ) {
    this.sinks = options.sinks ?? []
    this.market = (options.market as M | undefined) ?? lab.market(config, options.inputs ?? {})
    this.planned = lab.steps(config)
    this.legs = lab.legs.length
    this.execution = lab.execution(config)
    const pnlNames = lab.pnlComponents
    const costNames = this.execution.components
    this.booked = (this.execution.bookedPnl ?? []).map((name) => {
      const k = pnlNames.indexOf(name)
      if (k < 0) throw new Error(`${lab.id}: execution books "${name}", which is not one of its P&L components (${pnlNames.join(', ')})`)
      return k
    })
    this.fills = this.execution.kind === 'fill'
    const { mode, initialEquity } = lab.ledger(config)
    this.initialEquity = initialEquity
    this.ledger = new Ledger(mode, initialEquity, this.legs)
    this.gate = new RiskGate(lab.risk(config), this.market)
    this.every = lab.decisionEvery(config)
    if (!Number.isInteger(this.every) || this.every < 1) throw new RangeError(`decisionEvery must be a whole number ≥ 1 (got ${this.every})`)
    this.actionIndex = new Map<string, number>(lab.actions.map((a, i) => [a, i]))
    this.policy = options.policy ?? { name: 'baseline', decide: (o, m) => lab.baseline(o, m) }
    this.holdFlat = { action: lab.flatAction, rationale: 'Drawdown stop: the book is held flat.', source: 'RISK' }
    // The chunk buffers and the per-step scratch, reused for the whole run.
    this.chunkSize = Math.max(1, Math.min(STEP_CHUNK, this.planned))
    this.columns = allocateColumns(this.chunkSize, this.legs, pnlNames, costNames)
    this.pnlColumns = pnlNames.map((n) => this.columns.pnlByComponent[n]!)
    this.costColumns = costNames.map((n) => this.columns.costByComponent[n]!)
    this.pnl = new Float64Array(pnlNames.length)
    this.cost = new Float64Array(costNames.length)
    this.bookedPnl = new Float64Array(this.booked.length)
    this.target = new Float64Array(this.legs)
    this.trade = new Float64Array(this.legs)
    this.context = {
      t: 0,
      config,
      market: this.market,
      position: this.ledger.position,
      equity: initialEquity,
      drawdown: 0,
      leverage: 0,
      lastAction: lab.flatAction,
      cumulativeCost: 0,
      lastCost: 0
    }
    this.memory = { t: 0, lastAction: lab.flatAction, lastDecision: null }
    this.observation = lab.observation(config, this.market)
  }

  /** Runs the next chunk of steps and hands it to the sinks; false when the run has ended. */
  advance(): boolean {
    const end = Math.min(this.planned, this.chunkFirst + this.chunkSize)
    let t = this.executed
    for (; t < end; t++) {
      if (this.step(t)) return true
      if (this.halted) {
        t++
        break
      }
    }
    const more = t < this.planned && !this.halted
    if (more) this.flush(this.executed - this.chunkFirst)
    return more
  }

  /** The drawdown stop (onBreach 'halt') or the lab (Lab.halt) has ended the run. */
  private get halted(): boolean {
    return this.gate.state.halted || this.haltReason !== null
  }

  /** What the loop must await before advancing again (a paused step), once. */
  takeWaiting(): Promise<void> | null {
    const waiting = this.waiting
    this.waiting = null
    return waiting
  }

  /** Runs step t; true when it paused at its decision (the policy's prepare), to be resumed by the next advance(). */
  private step(t: number): boolean {
    if (this.pausedAt === t) this.pausedAt = -1
    else {
      if (this.open(t)) return false
      const prepare = this.policy.prepare
      if (prepare !== undefined && this.decisionDue(t)) {
        const waiting = prepare.call(this.policy, this.observation, this.memory)
        if (waiting !== null) {
          this.waiting = waiting
          this.pausedAt = t
          return true
        }
      }
    }
    this.close(t)
    return false
  }

  /** Whether the policy decides at step t (else the last decision holds, or the book is held flat). */
  private decisionDue(t: number): boolean {
    const decision = this.decision
    return !this.gate.state.forcedFlat && (decision === null || t % this.every === 0 || decision.source === 'RISK')
  }

  /** Steps 1–3 up to the observation; true when an equity floor ended the run at t. */
  private open(t: number): boolean {
    const { lab, market, config, ledger, gate, context, memory, pnl } = this
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

    // 2. An equity floor ends the run here (the mark stays booked, as the closing mark); a
    //    drawdown stop that flattens latches (both checked before acting).
    gate.beforeDecision(t, drawdownNow, markedEquity)
    if (gate.state.halted) {
      this.haltMark = pnl.slice()
      return true
    }

    // 3. Observe and decide.
    context.t = t
    context.equity = ledger.equity
    context.drawdown = drawdownNow
    context.leverage = ledger.leverage()
    context.lastAction = memory.lastAction
    context.cumulativeCost = ledger.cumulativeCost
    lab.observe(context, this.observation)
    memory.t = t
    this.markedEquity = markedEquity
    this.markTotal = markTotal
    return false
  }

  /** Steps 3–6 from the decision: target, constraints, execution, booking, record. */
  private close(t: number): void {
    const { lab, market, config, ledger, gate, context, memory, pnl, target, trade, legs, columns, markedEquity, markTotal } = this
    let decision = this.decision
    if (gate.state.forcedFlat) decision = this.holdFlat
    else if (decision === null || t % this.every === 0 || decision.source === 'RISK') decision = this.policy.decide(this.observation, memory)
    this.decision = decision
    this.code(decision)

    // 4. Target and constraints.
    lab.target(decision.action, this.observation, context, target)
    gate.constrain(t, target, ledger.equity, ledger.peak)

    // 5. Execution and booking. A fill model may execute less (or other) than was asked.
    for (let i = 0; i < legs; i++) trade[i] = target[i]! - ledger.position[i]!
    const costTotal = this.execution.execute(trade, context, this.cost, this.bookedPnl)
    let executionPnl = 0
    for (let k = 0; k < this.bookedPnl.length; k++) executionPnl += this.bookedPnl[k]!
    // What a fill model executed becomes the book (a cost model's target stands as constrained).
    if (this.fills) for (let i = 0; i < legs; i++) target[i] = ledger.position[i]! + trade[i]!
    ledger.trade(target, costTotal, executionPnl)
    const net = ledger.settle()
    context.lastCost = costTotal
    if (!Number.isFinite(ledger.equity)) {
      // A blown-up book cannot be audited or stored; say where it happened.
      throw new Error(`${lab.id}: equity became ${ledger.equity} at step ${t} (mark ${markTotal}, cost ${costTotal})`)
    }

    // 6. Record.
    const i = t - this.chunkFirst
    columns.t[i] = t
    columns.regime[i] = lab.regimeAt(market, t)
    columns.action[i] = this.actionCode
    columns.source[i] = this.sourceCode
    columns.rationale[i] = this.rationaleCode
    columns.position.set(ledger.position, i * legs)
    columns.trade.set(trade, i * legs)
    columns.markPnl[i] = markTotal
    for (let k = 0; k < this.pnlColumns.length; k++) this.pnlColumns[k]![i] = pnl[k]!
    for (let b = 0; b < this.booked.length; b++) this.pnlColumns[this.booked[b]!]![i] = pnl[this.booked[b]!]! + this.bookedPnl[b]!
    columns.cost[i] = costTotal
    for (let k = 0; k < this.costColumns.length; k++) this.costColumns[k]![i] = this.cost[k]!
    columns.netPnl[i] = net
    columns.markedEquity[i] = markedEquity
    columns.equity[i] = ledger.equity
    const drawdownAfter = ledger.drawdown()
    columns.drawdown[i] = drawdownAfter
    columns.leverage[i] = ledger.leverage()
    memory.lastAction = decision.action
    memory.lastDecision = decision
    this.executed = t + 1
    gate.afterStep(t, drawdownAfter)
    if (!gate.state.halted && lab.halt) this.haltReason = lab.halt(t, ledger, config, market)
  }

  /** The decision's codes in the log's tables; looked up only when a field changed. */
  private code(decision: Decision<A>): void {
    if (decision.action !== this.codedAction) {
      const code = this.actionIndex.get(decision.action)
      if (code === undefined) throw new Error(`${this.policy.name} chose "${decision.action}", which is not an action of ${this.lab.id}`)
      this.actionCode = code
      this.codedAction = decision.action
    }
    if (decision.rationale !== this.codedRationale) {
      let code = this.rationaleIndex.get(decision.rationale)
      if (code === undefined) {
        code = this.rationales.length
        this.rationales.push(decision.rationale)
        this.rationaleIndex.set(decision.rationale, code)
      }
      this.rationaleCode = code
      this.codedRationale = decision.rationale
    }
    if (decision.source !== this.codedSource) {
      this.sourceCode = POLICY_SOURCES.indexOf(decision.source)
      this.codedSource = decision.source
    }
  }

  /** Hands the chunk's `count` recorded steps, and the events logged during them, to every sink. */
  private flush(count: number): void {
    if (count === 0 && this.chunkFirst > 0) return
    const events = this.gate.drain()
    const chunk: StepChunk = {
      first: this.chunkFirst,
      count,
      columns: count === this.chunkSize ? this.columns : columnsView(this.columns, count, this.legs),
      events,
      firstEvent: this.eventSeq,
      rationales: this.rationales
    }
    for (const sink of this.sinks) sink.onChunk(chunk)
    this.eventSeq += events.length
    this.chunkFirst += count
  }

  /** The closing mark (forward-marked labs), the last chunk, and how the run ended. */
  outcome(): RunOutcome<M> {
    const { lab, ledger } = this
    const closingMark = this.haltMark ?? new Float64Array(lab.pnlComponents.length)
    let finalEquity = ledger.equity
    if (lab.finalMark && !this.halted && this.executed === this.planned) {
      lab.mark(this.market, this.planned, ledger.position, this.config, closingMark)
      let total = 0
      for (let k = 0; k < closingMark.length; k++) total += closingMark[k]!
      ledger.mark(total)
      ledger.settle()
      finalEquity = ledger.equity
    }
    this.flush(this.executed - this.chunkFirst)
    return {
      labId: lab.id,
      market: this.market,
      legs: lab.legs,
      actions: lab.actions,
      regimeNames: lab.regimes(this.config),
      pnlComponents: lab.pnlComponents,
      costComponents: this.execution.components,
      initialEquity: this.initialEquity,
      steps: this.executed,
      plannedSteps: this.planned,
      halted: this.halted,
      ...(this.haltReason === null ? {} : { haltReason: this.haltReason }),
      finalEquity,
      closingMark,
      rationales: this.rationales,
      eventCount: this.eventSeq
    }
  }
}

/** runLab for registries and runners that hold an erased lab. */
export const runAnyLab = (lab: AnyLab, config: unknown, options: RunLabOptions<unknown, string> = {}): Promise<RunOutcome<unknown>> => runLab(lab, config, options)
