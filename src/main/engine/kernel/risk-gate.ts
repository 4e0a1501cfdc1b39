import { grossNotional } from './execution'

/** The risk gate's interventions, in the fixed order they are applied and logged. */
export type ConstraintRule = 'forced_flat' | 'delever' | 'position_limit' | 'leverage_clip' | 'leverage_scale' | 'drawdown_stop'

export interface ConstraintEvent {
  t: number
  rule: ConstraintRule
  message: string
  before: number[]
  after: number[]
}

/**
 * The rules a lab switches on. Order of application is fixed (forced flat → delever →
 * position limits → leverage → drawdown stop) so runs are comparable and auditable.
 */
export interface RiskRules {
  /** Per-leg |position| bound. */
  positionLimit?: number
  /** Gross leverage cap: 'clip' bounds each leg by the cap (the notebooks' scalar books), 'scale' shrinks all legs proportionally. */
  maxLeverage?: { cap: number; mode: 'clip' | 'scale' }
  /** Below this fraction of peak equity the target is scaled down by `factor`. */
  delever?: { equityFractionOfPeak: number; factor: number }
  /**
   * Drawdown stop: `strict` compares dd > threshold, else dd ≥ threshold. `halt` ends the run
   * (checked after each step); `flatten` forces the book flat from then on (checked before deciding).
   */
  drawdownStop?: { threshold: number; strict: boolean; onBreach: 'halt' | 'flatten' }
  /**
   * Gross notional cap for legs held in units of a priced instrument (contracts): when
   * Σ|leg_i|·price_i exceeds cap × equity, the whole target is scaled by cap·equity/(gross + 1e-12)
   * (chapter 2's notebook, its operations in its order). `price(market, t, leg)` reads the leg's
   * price at step t from the run's market. Applied after the leverage rule.
   */
  notionalCap?: { cap: number; price: (market: unknown, t: number, leg: number) => number }
  /**
   * Equity floor (currency): the run ends at the first step whose marked equity is ≤ `level`,
   * before that step decides or trades (the notebooks' `done = equity <= k·notional`, checked on
   * the equity that holds the last interval's P&L). The step's mark is booked, as the run's
   * closing mark; the step itself is not recorded.
   */
  equityFloor?: { level: number }
}

export interface GateState {
  forcedFlat: boolean
  halted: boolean
}

function exceedsBound(target: Float64Array, bound: number): boolean {
  for (let i = 0; i < target.length; i++) {
    const v = target[i] ?? 0
    if (v > bound || v < -bound) return true
  }
  return false
}

function clipInPlace(target: Float64Array, bound: number): void {
  for (let i = 0; i < target.length; i++) target[i] = Math.max(-bound, Math.min(bound, target[i] ?? 0))
}

function exceeds(dd: number, stop: NonNullable<RiskRules['drawdownStop']>): boolean {
  return stop.strict ? dd > stop.threshold : dd >= stop.threshold
}

/** Applies a lab's RiskRules and records every intervention as a constraint event. */
export class RiskGate {
  readonly state: GateState = { forcedFlat: false, halted: false }
  /** Events not yet drained into a chunk. */
  readonly events: ConstraintEvent[] = []
  private logged = 0

  constructor(
    private readonly rules: RiskRules,
    /** The run's market, which a notional cap prices the legs from. */
    private readonly market: unknown = null
  ) {}

  /** Before the policy decides: an equity floor ends the run (from t ≥ 1); a 'flatten' stop latches forced-flat. */
  beforeDecision(t: number, drawdown: number, equity = Number.POSITIVE_INFINITY): void {
    const floor = this.rules.equityFloor
    if (floor && t > 0 && equity <= floor.level) {
      this.state.halted = true
      // Logged on the last recorded step: the interval that ended at the floor is its P&L.
      this.events.push({ t: t - 1, rule: 'drawdown_stop', message: `equity ${equity.toFixed(2)} at or below the floor ${floor.level}: run ended`, before: [], after: [] })
      return
    }
    const stop = this.rules.drawdownStop
    if (stop?.onBreach === 'flatten' && !this.state.forcedFlat && exceeds(drawdown, stop)) {
      this.state.forcedFlat = true
      this.events.push({
        t,
        rule: 'drawdown_stop',
        message: `drawdown ${drawdown.toFixed(6)} breached the stop at ${stop.threshold}: book forced flat from here on`,
        before: [],
        after: []
      })
    }
  }

  /** Constrains a target in place, in the fixed order, logging each change. Allocates only when it intervenes. */
  constrain(t: number, target: Float64Array, equity: number, peakEquity: number): Float64Array {
    if (this.state.forcedFlat) {
      if (grossNotional(target) > 0) {
        const before = target.slice()
        target.fill(0)
        this.record(t, 'forced_flat', 'forced flat after the drawdown stop', before, target)
      }
      return target
    }
    const delever = this.rules.delever
    if (delever && equity < delever.equityFractionOfPeak * peakEquity && grossNotional(target) > 0) {
      const before = target.slice()
      for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) * delever.factor
      this.record(t, 'delever', `equity below ${delever.equityFractionOfPeak} of peak: target scaled by ${delever.factor}`, before, target)
    }
    const limit = this.rules.positionLimit
    if (limit !== undefined && exceedsBound(target, limit)) {
      const before = target.slice()
      clipInPlace(target, limit)
      this.record(t, 'position_limit', `a leg exceeded the position limit ${limit}`, before, target)
    }
    const leverage = this.rules.maxLeverage
    if (leverage?.mode === 'clip' && exceedsBound(target, leverage.cap)) {
      const before = target.slice()
      clipInPlace(target, leverage.cap)
      this.record(t, 'leverage_clip', `a leg exceeded the leverage cap ${leverage.cap}`, before, target)
    } else if (leverage?.mode === 'scale') {
      const gross = grossNotional(target)
      if (gross > leverage.cap && gross > 1e-12) {
        const before = target.slice()
        const s = leverage.cap / gross
        for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) * s
        this.record(t, 'leverage_scale', `gross leverage ${gross.toFixed(6)} above the cap ${leverage.cap}: target scaled by ${s.toFixed(6)}`, before, target)
      }
    }
    const notional = this.rules.notionalCap
    if (notional) {
      let gross = 0
      for (let i = 0; i < target.length; i++) gross += Math.abs(target[i]!) * notional.price(this.market, t, i)
      const cap = notional.cap * equity
      if (gross > cap) {
        const before = target.slice()
        const s = cap / (gross + 1e-12)
        for (let i = 0; i < target.length; i++) target[i] = target[i]! * s
        this.record(t, 'leverage_scale', `gross notional ${gross.toFixed(2)} above ${notional.cap} × equity ${equity.toFixed(2)}: target scaled by ${s.toFixed(6)}`, before, target)
      }
    }
    return target
  }

  /** The events logged since the last call (the kernel hands them to the chunk that holds their steps). */
  drain(): ConstraintEvent[] {
    const out = this.events.splice(0, this.events.length)
    this.logged += out.length
    return out
  }

  /** Events logged so far in the run, drained or not. */
  get count(): number {
    return this.logged + this.events.length
  }

  private record(t: number, rule: ConstraintRule, message: string, before: Float64Array, after: Float64Array): void {
    this.events.push({ t, rule, message, before: Array.from(before), after: Array.from(after) })
  }

  /** After the step is booked: a 'halt' stop ends the run. */
  afterStep(t: number, drawdown: number): void {
    const stop = this.rules.drawdownStop
    if (stop?.onBreach === 'halt' && exceeds(drawdown, stop)) {
      this.state.halted = true
      this.events.push({
        t,
        rule: 'drawdown_stop',
        message: `drawdown ${drawdown.toFixed(6)} reached the stop at ${stop.threshold}: run halted`,
        before: [],
        after: []
      })
    }
  }
}
