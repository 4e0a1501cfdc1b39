import type { CryptoArbConfig } from './config'
import { Desk, INITIAL_CAPITAL } from './desk'
import { VenueOutages } from './downtime'
import { executeArbitrage } from './execution-engine'
import { ScenarioBook } from './inventory'
import { NA, NM, NV, PriceEngine } from './price-engine'
import { checkTrade } from './risk-manager'
import { Scanner, type Opportunity } from './scanner'

// The notebook's session (book ch.1; notebook CELLS 3 and 6–8): the price engine, the scanner and the
// desk (RiskManager, ExecutionEngine, PortfolioState) on one generator. Executions draw from the same
// generator as the market (latency, drift), so the market is simulated tick by tick as the session
// runs: a trade changes every later price, exactly as in the notebook. This file owns the sequence
// (pre-session ticks, then one engine step and one scan per session step) and the per-step series
// the views read; each role lives in its own file.

/** The ticks a fresh kernel runs before the session: 30 warm-up, 50 validation, 1 sample, 20 scanner diagnostic, 1 test call. */
export const PRE_SESSION = { warmup: 30, validation: 50, sample: 1, diagnostic: 20, test: 1 } as const
export const PRE_SESSION_TICKS = 102

/** The pre-session diagnostics a fresh kernel prints (CELLS 3 and 6). */
export interface PreSession {
  positivePct: number
  ticksWithOpp: number
  bestPerTick: number[]
  oppCounts: number[]
  avgOpps: number
}

export class CryptoMarket extends PriceEngine {
  private readonly scanner = new Scanner()
  /** The scanner's output at the current tick, ranked. */
  readonly opps: Opportunity[] = this.scanner.opps
  // per session step: what the views read
  readonly steps: number
  sessionStep = -1
  /** Who steps the session: the kernel's loop (observe), the surface's replay, or nobody yet. */
  driver: 'none' | 'loop' | 'replay' = 'none'
  readonly oppCount: Int32Array
  readonly bestNet: Float64Array
  readonly truePath: Float64Array
  readonly midPath: Float64Array
  readonly bestNetGrid: Float64Array
  readonly equityPath: Float64Array
  readonly desk = new Desk()
  readonly preSession: PreSession
  /** Scenarios transfer_delay and perpetuals: the inventory left open between steps (null otherwise). */
  readonly scenario: ScenarioBook | null
  /** The desk's equity after the last step, marked (what the scenario execution books gross against). */
  lastEquity = INITIAL_CAPITAL
  /** Scenario venue_downtime: 1 where the venue was up at the session step (steps × NV). */
  readonly venueUp: Uint8Array

  constructor(config: CryptoArbConfig) {
    super(config)
    if (config.scenarios.venue_downtime.enabled) this.outages = new VenueOutages(config)
    this.steps = config.session.num_ticks
    this.oppCount = new Int32Array(this.steps)
    this.bestNet = new Float64Array(this.steps)
    this.truePath = new Float64Array(this.steps * NA)
    this.midPath = new Float64Array(this.steps * NM)
    this.bestNetGrid = new Float64Array(this.steps * NM).fill(Number.NaN)
    this.equityPath = new Float64Array(this.steps)
    const sc = config.scenarios
    this.scenario = sc.transfer_delay.enabled || sc.perpetuals.enabled ? new ScenarioBook(config, this.steps) : null
    this.venueUp = new Uint8Array(this.steps * NV).fill(1)
    this.preSession = this.runPreSession()
  }

  /** CELLS 3, 6 and 7 in a fresh kernel: 102 ticks before the session, with their diagnostics. */
  private runPreSession(): PreSession {
    for (let i = 0; i < PRE_SESSION.warmup; i++) this.step()
    let pos = 0
    let total = 0
    const bestPerTick: number[] = []
    for (let i = 0; i < PRE_SESSION.validation; i++) {
      this.step()
      let best = -9999
      for (let a = 0; a < NA; a++)
        for (let b = 0; b < NV; b++)
          for (let s = 0; s < NV; s++) {
            if (b === s) continue
            const ask = this.ask[b * NA + a]!
            const raw = ((this.bid[s * NA + a]! - ask) / ask) * 10000
            total++
            if (raw > 0) pos++
            if (raw > best) best = raw
          }
      bestPerTick.push(best)
    }
    this.step() // sample dispersion
    const oppCounts: number[] = []
    for (let i = 0; i < PRE_SESSION.diagnostic; i++) {
      this.step()
      oppCounts.push(this.scan())
    }
    this.step() // CELL 7's test call: the scan runs, the LLM is unreachable
    this.scan()
    let sum = 0
    for (const c of oppCounts) sum += c
    return {
      positivePct: pos / Math.max(total, 1),
      ticksWithOpp: bestPerTick.filter((b) => b > 0).length / bestPerTick.length,
      bestPerTick,
      oppCounts,
      avgOpps: sum / oppCounts.length
    }
  }

  /** Session step t (the loop's t): one engine step and one scan, logged. Idempotent per t. */
  advance(t: number): void {
    if (t <= this.sessionStep) return
    this.sessionStep = t
    this.step()
    const n = this.scan()
    this.oppCount[t] = n
    this.bestNet[t] = n > 0 ? this.opps[0]!.net : 0
    this.truePath.set(this.truePrice, t * NA)
    this.midPath.set(this.mid, t * NM)
    if (this.outages instanceof VenueOutages) this.venueUp.set(this.outages.up, t * NV)
    const grid = this.bestNetGrid
    for (const o of this.opps) {
      const k = t * NM + o.buy * NA + o.asset
      if (!(grid[k]! >= o.net)) grid[k] = o.net
    }
  }

  /** ArbitrageScanner.scan (CELL 6) of the current quotes into this.opps; returns the count. */
  scan(): number {
    return this.scanner.scan(this)
  }

  /** RiskManager.check_trade (CELL 5) against this session's desk. */
  checkTrade(size: number, buy: number, sell: number, expectedBps: number): string | null {
    return checkTrade(this.desk, this.ex, this.config.risk, size, buy, sell, expectedBps)
  }

  /** The RiskManager's check of the top-ranked opportunity at `size`, logged (CELL 8's loop): the opportunity when approved, else null. */
  approveTop(size: number): Opportunity | null {
    const o = this.opps[0]
    if (o === undefined) return null
    const reason = this.checkTrade(size, o.buy, o.sell, o.net)
    this.desk.checks.push({ tick: this.tick, size, buy: o.buy, sell: o.sell, expectedBps: o.net, ok: reason === null, reason: reason ?? 'approved' })
    return reason === null ? o : null
  }

  /** execute_arbitrage (CELL 4) at the current tick, booked on the desk (CELL 5). */
  executeArbitrage(asset: number, buy: number, sell: number, size: number, expectedBps: number, step: number) {
    return executeArbitrage(this, this.desk, asset, buy, sell, size, expectedBps, step)
  }
}

export function cryptoArbMarket(config: CryptoArbConfig): CryptoMarket {
  return new CryptoMarket(config)
}
