import fc from 'fast-check'
import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { labResultsHash, runCollected, type LabRun } from './collect'
import type { Decision } from './decision'
import type { ExecutionModel } from './execution'
import type { Lab, StepContext } from './lab'
import { Ledger } from './ledger'
import { ResultsHasher } from './manifest'
import { actionCounts, actionMixByRegime, logReturnsPrepended, maxDrawdown, std, switchesAndStreak } from './metrics'
import type { StepChunk } from './observers'
import { deepMerge, setPath } from './presets'
import { RiskGate } from './risk-gate'
import { runLab } from './run'
import { STEP_CHUNK } from './step-records'

// A toy lab over a given price path: long when the last move was up, flat otherwise.
type Toy = { prices: number[]; regimes: number[]; mode: 'compound' | 'additive'; costBps: number; stop?: number; floor?: number; every?: number }
type ToyObs = { t: number; lastMove: number; regime: number }
type ToyAction = 'FLAT' | 'LONG' | 'SHORT'

const DECISIONS: Record<string, Decision<ToyAction>> = {
  stress: { action: 'SHORT', rationale: 'stress', source: 'BASELINE' },
  up: { action: 'LONG', rationale: 'up', source: 'BASELINE' },
  flat: { action: 'FLAT', rationale: 'not up', source: 'BASELINE' }
}

function toyLab(): Lab<Toy, Toy, ToyObs, ToyAction> {
  const execution: ExecutionModel<StepContext<Toy, Toy, ToyAction>> = {
    name: 'proportional',
    kind: 'cost',
    components: ['proportional'],
    execute: (trade, ctx, cost) => {
      cost[0] = (Math.abs(trade[0] ?? 0) * ctx.config.costBps) / 1e4
      return cost[0]
    }
  }
  return {
    id: 'toy',
    title: 'Toy',
    origin: { kind: 'seed', seed: 'test' },
    description: 'test lab',
    selfDescription: {
      leverageCapPath: null,
      surface: { layout: 'grid', phaseSpace: false },
      suggestedSweep: { axes: [{ path: 'costBps', values: [0, 5] }, { path: 'every', values: [1, 3] }], metric: 'none', why: 'test' }
    },
    config: { schema: z.any(), presets: { faithful: { description: '', overrides: {}, corrections: [] }, corrected: { description: '', overrides: {}, corrections: [] } } },
    actions: ['FLAT', 'LONG', 'SHORT'],
    flatAction: 'FLAT',
    legs: ['asset'],
    pnlComponents: ['price'],
    finalMark: true,
    seed: () => 0,
    steps: (c) => c.prices.length - 1,
    regimes: () => ['calm', 'stress'],
    ledger: (c) => ({ mode: c.mode, initialEquity: c.mode === 'compound' ? 1 : 1000 }),
    decisionEvery: (c) => c.every ?? 1,
    market: (c) => c,
    regimeAt: (m, t) => m.regimes[t] ?? 0,
    mark: (m, t, position, c, out) => {
      const move = (m.prices[t] ?? 0) - (m.prices[t - 1] ?? 0)
      out[0] = (position[0] ?? 0) * (c.mode === 'compound' ? move / (m.prices[t - 1] ?? 1) : move)
    },
    observation: () => ({ t: 0, lastMove: 0, regime: 0 }),
    observe: (ctx, o) => {
      o.t = ctx.t
      o.lastMove = ctx.t > 0 ? (ctx.market.prices[ctx.t] ?? 0) - (ctx.market.prices[ctx.t - 1] ?? 0) : 0
      o.regime = ctx.market.regimes[ctx.t] ?? 0
    },
    baseline: (o) => (o.regime === 1 ? DECISIONS.stress! : o.lastMove > 0 ? DECISIONS.up! : DECISIONS.flat!),
    target: (a, _o, _ctx, out) => {
      out[0] = a === 'LONG' ? 2 : a === 'SHORT' ? -0.5 : 0
    },
    risk: (c) => ({ positionLimit: 1, maxLeverage: { cap: 1, mode: 'clip' }, ...(c.stop ? { drawdownStop: { threshold: c.stop, strict: false, onBreach: 'halt' as const } } : {}),
      ...(c.floor ? { equityFloor: { level: c.floor } } : {})
    }),
    execution: () => execution,
    surface: () => ({ name: 'none', unit: '', axes: [], values: new Float64Array() }),
    report: () => ({ onChunk: () => undefined, finish: () => ({ metrics: {}, telemetry: {} }) }),
    stressMenu: () => []
  }
}

const pricePath = fc.array(fc.double({ min: 50, max: 150, noNaN: true }), { minLength: 3, maxLength: 60 })

describe('ledger', () => {
  it('marks before trading and refuses any other order', () => {
    const ledger = new Ledger('additive', 1000, 1)
    expect(() => ledger.trade(Float64Array.of(1), 0)).toThrow('trade must follow mark')
    ledger.mark(5)
    expect(() => ledger.mark(1)).toThrow('mark must come first')
    ledger.trade(Float64Array.of(1), 2)
    expect(ledger.settle()).toBe(3)
    expect(ledger.equity).toBe(1003)
  })

  it('refuses a negative cost', () => {
    const ledger = new Ledger('compound', 1, 1)
    ledger.mark(0)
    expect(() => ledger.trade(Float64Array.of(0), -1e-9)).toThrow('≥ 0')
  })

  it('compound mode settles equity·(1 + mark − cost) in one multiplication', () => {
    const ledger = new Ledger('compound', 1, 1)
    ledger.mark(0.001 + 0.01)
    ledger.trade(Float64Array.of(1), 0.0005)
    ledger.settle()
    expect(ledger.equity).toBe(1 * (1 + (0.001 + 0.01 - 0.0005)))
  })
})

describe('risk gate', () => {
  it('applies position limits, then leverage scaling, logging each with before and after', () => {
    const gate = new RiskGate({ positionLimit: 1, maxLeverage: { cap: 1.5, mode: 'scale' } })
    const target = gate.constrain(4, Float64Array.of(2, -0.5, 0.5), 1, 1)
    expect(Array.from(target)).toEqual([0.75, -0.375, 0.375])
    expect(gate.events.map((e) => e.rule)).toEqual(['position_limit', 'leverage_scale'])
    expect(gate.events[0]).toMatchObject({ t: 4, before: [2, -0.5, 0.5], after: [1, -0.5, 0.5] })
  })

  it('scales a target whose gross notional Σ|leg|·price exceeds the cap × equity, and logs it', () => {
    const prices = [80, 79, 78]
    const gate = new RiskGate({ notionalCap: { cap: 0.5, price: (m, _t, leg) => (m as number[])[leg]! } }, prices)
    const target = Float64Array.from([5000, -5000, 0])
    gate.constrain(3, target, 1_000_000, 1_000_000)
    const gross = 5000 * 80 + 5000 * 79
    const s = 500_000 / (gross + 1e-12)
    expect(Array.from(target)).toEqual([5000 * s, -5000 * s, 0])
    expect(gate.events.map((e) => [e.t, e.rule, e.before])).toEqual([[3, 'leverage_scale', [5000, -5000, 0]]])
    const small = Float64Array.from([100, -100, 0])
    gate.constrain(4, small, 1_000_000, 1_000_000)
    expect(Array.from(small)).toEqual([100, -100, 0])
    expect(gate.events).toHaveLength(1)
  })

  it('latches forced flat on a flattening stop and then zeroes every target', () => {
    const gate = new RiskGate({ drawdownStop: { threshold: 0.2, strict: true, onBreach: 'flatten' } })
    gate.beforeDecision(1, 0.2)
    expect(gate.state.forcedFlat).toBe(false) // strict: 0.2 is not > 0.2
    gate.beforeDecision(2, 0.21)
    expect(gate.state.forcedFlat).toBe(true)
    expect(Array.from(gate.constrain(3, Float64Array.of(0.4), 1, 1))).toEqual([0])
    expect(gate.events.map((e) => e.rule)).toEqual(['drawdown_stop', 'forced_flat'])
  })

  it('delevers below the equity threshold before the limits apply', () => {
    const gate = new RiskGate({ delever: { equityFractionOfPeak: 0.9, factor: 0.5 }, positionLimit: 0.4 })
    expect(Array.from(gate.constrain(0, Float64Array.of(1), 0.85, 1))).toEqual([0.4])
    expect(gate.events.map((e) => e.rule)).toEqual(['delever', 'position_limit'])
  })
})

describe('closed loop', () => {
  const lab = toyLab()

  it('runs every step, records columns, and is deterministic byte for byte', async () => {
    const config: Toy = { prices: [100, 101, 100, 102, 103, 101], regimes: [0, 0, 0, 1, 0, 0], mode: 'additive', costBps: 10 }
    const a = await runCollected(lab, config)
    const b = await runCollected(lab, config)
    expect(a.steps).toBe(5)
    expect(Array.from(a.columns.action).map((i) => lab.actions[i])).toEqual(['FLAT', 'LONG', 'FLAT', 'SHORT', 'LONG'])
    // LONG targets 2, clipped to the position limit 1: one logged event per LONG step.
    expect(a.events.filter((e) => e.rule === 'position_limit').map((e) => e.t)).toEqual([1, 4])
    expect(labResultsHash(a)).toBe(labResultsHash(b))
  })

  it('the decision cadence holds the last decision between decision steps', async () => {
    const config: Toy = { prices: [100, 101, 100, 99, 98, 99, 100], regimes: [0, 0, 0, 0, 0, 0, 0], mode: 'additive', costBps: 0, every: 3 }
    const run = await runCollected(lab, config)
    expect(Array.from(run.columns.action).map((i) => lab.actions[i])).toEqual(['FLAT', 'FLAT', 'FLAT', 'FLAT', 'FLAT', 'FLAT'])
    const run2 = await runCollected(lab, { ...config, prices: [100, 101, 102, 101, 100, 99, 98] })
    // Decides at t = 0 (flat), t = 3 (down → flat); never sees the up-moves at t = 1, 2.
    expect(Array.from(run2.columns.action).map((i) => lab.actions[i])).toEqual(['FLAT', 'FLAT', 'FLAT', 'FLAT', 'FLAT', 'FLAT'])
  })

  it('a halting drawdown stop ends the run at the breaching step', async () => {
    const config: Toy = { prices: [100, 110, 60, 50, 40, 30], regimes: [0, 0, 0, 0, 0, 0], mode: 'compound', costBps: 0, stop: 0.3 }
    const run = await runCollected(lab, config)
    expect(run.halted).toBe(true)
    expect(run.steps).toBe(3)
    expect(run.columns.equity.length).toBe(3)
    expect(run.events.at(-1)?.rule).toBe('drawdown_stop')
  })

  it('an equity floor ends the run before the step at the floor trades, its mark booked as the closing mark', async () => {
    // additive from 1000: long 1 from t = 1 (the up-move at t = 1), then the price falls
    const config: Toy = { prices: [100, 110, 500, 100, 90, 80], regimes: [0, 0, 0, 0, 0, 0], mode: 'additive', costBps: 0, floor: 995 }
    const run = await runCollected(lab, config)
    expect(run.halted).toBe(true)
    // t = 3 marks 1 × (100 − 500): equity 1000 + 390 − 400 = 990 ≤ 995, so step 3 is not recorded
    expect(run.steps).toBe(3)
    expect(run.columns.equity.length).toBe(3)
    expect(Array.from(run.closingMark)).toEqual([-400])
    expect(run.finalEquity).toBe(run.columns.equity[2]! - 400)
    expect(run.events.at(-1)).toMatchObject({ t: 2, rule: 'drawdown_stop' })
  })

  it('a lab that halts the run ends it after that step, with its reason, and no closing mark', async () => {
    // A lab whose reference cannot go past step 2: the run keeps steps 0–2 and says why it ended.
    const halting: typeof lab = { ...lab, halt: (t, book) => (t === 2 ? `reference fails at t = ${t + 1} (equity ${book.equity.toFixed(0)})` : null) }
    const config: Toy = { prices: [100, 101, 102, 103, 104, 105], regimes: [0, 0, 0, 0, 0, 0], mode: 'additive', costBps: 0 }
    const full = await runCollected(lab, config)
    const run = await runCollected(halting, config)
    expect([run.halted, run.steps, run.plannedSteps, run.columns.equity.length]).toEqual([true, 3, 5, 3])
    expect(run.haltReason).toBe(`reference fails at t = 3 (equity ${run.columns.equity[2]!.toFixed(0)})`)
    expect(Array.from(run.columns.equity)).toEqual(Array.from(full.columns.equity.subarray(0, 3)))
    // no closing mark after a halt: the final equity is the last step's
    expect(run.finalEquity).toBe(run.columns.equity[2])
    expect(full.haltReason).toBeUndefined()
    // the reason is part of the results hash
    expect(labResultsHash(run)).not.toBe(labResultsHash({ ...run, haltReason: 'other' }))
    // the risk gate's own halt takes precedence: the lab is not asked after it
    const asked: number[] = []
    const both: typeof lab = { ...lab, halt: (t) => (asked.push(t), null) }
    const stopped = await runCollected(both, { prices: [100, 110, 60, 50, 40, 30], regimes: [0, 0, 0, 0, 0, 0], mode: 'compound', costBps: 0, stop: 0.3 })
    expect([stopped.halted, stopped.haltReason, asked]).toEqual([true, undefined, [0, 1]])
  })

  it('property: additive equity = initial + Σ marks − Σ costs; costs are never negative', async () => {
    await fc.assert(
      fc.asyncProperty(pricePath, fc.integer({ min: 0, max: 50 }), async (prices, costBps) => {
        const regimes = prices.map((_, i) => (i % 7 === 6 ? 1 : 0))
        const run = await runCollected(lab, { prices, regimes, mode: 'additive', costBps })
        let marks = 0
        let costs = 0
        for (let t = 0; t < run.steps; t++) {
          marks += run.columns.markPnl[t]!
          costs += run.columns.cost[t]!
          expect(run.columns.cost[t]!).toBeGreaterThanOrEqual(0)
        }
        expect(run.columns.equity[run.steps - 1]!).toBeCloseTo(1000 + marks - costs, 8)
      }),
      { numRuns: 60 }
    )
  })

  it('property: no look-ahead — changing prices after step s changes nothing recorded up to s', async () => {
    await fc.assert(
      fc.asyncProperty(pricePath, fc.double({ min: 0.5, max: 2, noNaN: true }), async (prices, shock) => {
        const s = Math.floor(prices.length / 2)
        const regimes = prices.map(() => 0)
        const future = prices.map((p, i) => (i > s ? p * shock : p))
        const a = await runCollected(lab, { prices, regimes, mode: 'compound', costBps: 5 })
        const b = await runCollected(lab, { prices: future, regimes, mode: 'compound', costBps: 5 })
        for (let t = 0; t <= s && t < a.steps; t++) {
          expect(b.columns.action[t]).toBe(a.columns.action[t])
          expect(b.columns.equity[t]).toBe(a.columns.equity[t])
          expect(b.columns.position[t]).toBe(a.columns.position[t])
        }
      }),
      { numRuns: 60 }
    )
  })
})

describe('metrics', () => {
  it('computes max drawdown, population and sample std, and NumPy-style prepended log returns', () => {
    expect(maxDrawdown([1, 1.2, 0.9, 1.3, 1.04])).toBeCloseTo(0.25, 15)
    expect(std([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(1.25), 15)
    expect(std([1, 2, 3, 4], 1)).toBeCloseTo(Math.sqrt(5 / 3), 15)
    expect(Array.from(logReturnsPrepended([1, Math.E, 1]))).toEqual([0, 1, -1])
  })

  it('counts actions, switches, streaks and the row-normalised action mix by regime', () => {
    const actions = ['FLAT', 'LONG']
    const idx = [0, 0, 1, 1, 1, 0]
    expect(actionCounts(actions, idx)).toEqual({ FLAT: 3, LONG: 3 })
    expect(switchesAndStreak(idx)).toEqual({ switches: 2, longestHold: 3 })
    expect(actionMixByRegime(actions, ['calm', 'stress'], idx, [0, 0, 0, 1, 1, 1])).toEqual({
      calm: { FLAT: 2 / 3, LONG: 1 / 3 },
      stress: { FLAT: 1 / 3, LONG: 2 / 3 }
    })
  })
})

describe('presets and overrides', () => {
  it('deep-merges nested overrides without touching the base', () => {
    const base = { risk_params: { max_leverage: 2, pos_limit: 1 }, T: 800 }
    const merged = deepMerge(base, { risk_params: { max_leverage: 1 } })
    expect(merged).toEqual({ risk_params: { max_leverage: 1, pos_limit: 1 }, T: 800 })
    expect(base.risk_params.max_leverage).toBe(2)
  })

  it('sets a dotted path and refuses prototype keys', () => {
    expect(setPath({ a: { b: 1 } }, 'a.c', 2)).toEqual({ a: { b: 1, c: 2 } })
    expect(() => setPath({}, '__proto__.x', 1)).toThrow('not a valid key path')
  })
})

describe('execution that decides what was executed', () => {
  it('books the executed part only, with its P&L at execution, and keeps the equity identity', async () => {
    const base = toyLab()
    const lab: typeof base = {
      ...base,
      pnlComponents: ['price', 'spread'],
      mark: (m, t, position, c, out) => {
        base.mark(m, t, position, c, out)
        out[1] = 0
      },
      execution: () => ({
        name: 'half-fill',
        kind: 'fill',
        components: ['fee'],
        bookedPnl: ['spread'],
        execute: (trade, _ctx, cost, pnl) => {
          for (let i = 0; i < trade.length; i++) trade[i] = trade[i]! / 2
          cost[0] = Math.abs(trade[0] ?? 0) * 0.1
          pnl[0] = Math.abs(trade[0] ?? 0) * 0.5
          return cost[0]
        }
      })
    }
    const run = await runCollected(lab, { prices: [100, 101, 102, 103, 104], regimes: [0, 0, 0, 0, 0], mode: 'additive', costBps: 0 })
    // LONG targets 1 each step from t = 1: the book moves half-way each time.
    expect(Array.from(run.columns.position)).toEqual([0, 0.5, 0.75, 0.875])
    expect(Array.from(run.columns.trade)).toEqual([0, 0.5, 0.25, 0.125])
    expect(Array.from(run.columns.pnlByComponent.spread!)).toEqual([0, 0.25, 0.125, 0.0625])
    let total = 1000
    for (let t = 0; t < run.steps; t++) total += run.columns.markPnl[t]! + run.columns.pnlByComponent.spread![t]! - run.columns.cost[t]!
    expect(run.columns.equity[run.steps - 1]).toBeCloseTo(total, 12)
  })

  it('a cost model leaves the constrained target as the book (no position + (target − position) rounding)', async () => {
    const lab = toyLab()
    const run = await runCollected(lab, { prices: [100, 101, 102], regimes: [0, 0, 0], mode: 'additive', costBps: 1 })
    expect(Array.from(run.columns.position)).toEqual([0, 1])
  })
})

describe('chunks', () => {
  // A long toy path: up-moves every other step so the book trades and events happen throughout.
  const long = (n: number): Toy => {
    const prices = Array.from({ length: n }, (_, i) => 100 + (i % 2) - (i % 5 === 0 ? 1 : 0))
    return { prices, regimes: prices.map((_, i) => (i % 97 === 0 ? 1 : 0)), mode: 'additive', costBps: 3 }
  }

  it('hands the sinks whole chunks of STEP_CHUNK steps in order, then the rest, with each event in its chunk', async () => {
    const lab = toyLab()
    const config = long(2 * STEP_CHUNK + 123)
    const seen: Array<{ first: number; count: number; events: number[]; firstEvent: number }> = []
    const outcome = await runLab(lab, config, { sinks: [{ onChunk: (c: StepChunk) => seen.push({ first: c.first, count: c.count, events: c.events.map((e) => e.t), firstEvent: c.firstEvent }) }] })
    expect(seen.map((c) => [c.first, c.count])).toEqual([
      [0, STEP_CHUNK],
      [STEP_CHUNK, STEP_CHUNK],
      [2 * STEP_CHUNK, 122]
    ])
    for (const c of seen) for (const t of c.events) expect(t >= c.first && t < c.first + c.count).toBe(true)
    expect(seen[1]!.firstEvent).toBe(seen[0]!.events.length)
    expect(seen.reduce((n, c) => n + c.events.length, 0)).toBe(outcome.eventCount)
  })

  it('folds the same results hash while streaming as over the collected run, and a different one for another run', async () => {
    const lab = toyLab()
    const config = long(STEP_CHUNK + 500)
    const hasher = new ResultsHasher()
    const outcome = await runLab(lab, config, { sinks: [hasher] })
    const streamed = hasher.finish(outcome)
    const whole: LabRun<Toy> = await runCollected(lab, config)
    expect(labResultsHash(whole)).toBe(streamed)
    expect(labResultsHash(await runCollected(lab, { ...config, costBps: 4 }))).not.toBe(streamed)
  })
})
