import type { StepRecordBatch } from '../engine/kernel/step-records'

/**
 * A deterministic decision log of any length, shaped like a lab's (two legs, four actions,
 * two regimes, every source, a few hundred distinct rationales, constraint events on about
 * 1% of steps), for the decision-log bench, its property tests and the 1M-row UI bench.
 * No lab reaches a million steps in seconds; this measures the log, not a lab.
 */
export const SYNTHETIC_ACTIONS = ['HOLD', 'BUY_SPREAD', 'SELL_SPREAD', 'FLATTEN']
export const SYNTHETIC_REGIMES = ['calm', 'stress']
export const SYNTHETIC_SOURCES = ['BASELINE', 'AGENT', 'OVERRIDE', 'RISK']

/** mulberry32: a tiny seeded generator, enough for fixture data and test schedules (not a lab's RNG). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function syntheticStepRecords(steps: number, seed = 1): StepRecordBatch {
  const next = mulberry32(seed)
  const legs = ['spot', 'perp']
  const rationales: string[] = []
  for (const side of ['buy', 'sell']) for (let bps = 1; bps <= 120; bps++) rationales.push(`edge ${bps} bps over threshold: ${side} spread`)
  for (let bps = 0; bps <= 40; bps++) rationales.push(`edge ${bps} bps below threshold: hold`)
  rationales.push('drawdown stop: flatten', 'regime switch to stress: flatten')
  const holdBase = 240
  const t = new Int32Array(steps)
  const regime = new Int32Array(steps)
  const action = new Int32Array(steps)
  const source = new Uint8Array(steps)
  const rationale = new Int32Array(steps)
  const position = new Float64Array(steps * 2)
  const trade = new Float64Array(steps * 2)
  const cost = new Float64Array(steps)
  const fee = new Float64Array(steps)
  const impact = new Float64Array(steps)
  const basis = new Float64Array(steps)
  const carry = new Float64Array(steps)
  const netPnl = new Float64Array(steps)
  const equity = new Float64Array(steps)
  const drawdown = new Float64Array(steps)
  const leverage = new Float64Array(steps)
  const events: StepRecordBatch['events'] = []
  let stress = 0
  let held = 0
  let value = 1_000_000
  let peak = value
  for (let i = 0; i < steps; i++) {
    t[i] = i
    if (next() < (stress ? 0.01 : 0.001)) stress = 1 - stress
    regime[i] = stress
    const u = next()
    const a = u < 0.6 ? 0 : u < 0.78 ? 1 : u < 0.96 ? 2 : 3
    action[i] = a
    source[i] = next() < 0.7 ? 0 : next() < 0.8 ? 1 : next() < 0.5 ? 2 : 3
    const edge = 1 + Math.floor(next() * 120)
    rationale[i] = a === 1 ? edge - 1 : a === 2 ? 120 + edge - 1 : a === 0 ? holdBase + Math.floor(next() * 41) : stress ? 282 : 281
    const target = a === 1 ? 1 : a === 2 ? -1 : a === 3 ? 0 : held
    const change = target - held
    held = target
    position[2 * i] = held
    position[2 * i + 1] = -held
    trade[2 * i] = change
    trade[2 * i + 1] = -change
    fee[i] = Math.abs(change) * 10
    impact[i] = Math.abs(change) * (stress ? 6 : 2)
    cost[i] = fee[i]! + impact[i]!
    basis[i] = held * (next() - 0.5) * (stress ? 400 : 120)
    carry[i] = held * 1.5
    netPnl[i] = basis[i]! + carry[i]! - cost[i]!
    value += netPnl[i]!
    peak = Math.max(peak, value)
    equity[i] = value
    drawdown[i] = (peak - value) / peak
    leverage[i] = Math.abs(held) * 1.25 + next() * 0.5
    if (next() < 0.01) {
      const gross = 1.5 + next()
      events.push({ t: i, rule: 'leverage_clip', message: `gross leverage ${gross.toFixed(2)} > 1.50: clipped`, before: [held, -held], after: [held * 0.9, -held * 0.9] })
      if (next() < 0.1) events.push({ t: i, rule: 'position_limit', message: `position ${Math.abs(held).toFixed(2)} at the limit: scaled`, before: [held, -held], after: [held, -held] })
    }
  }
  return {
    legs,
    actionNames: SYNTHETIC_ACTIONS,
    regimeNames: SYNTHETIC_REGIMES,
    sourceNames: SYNTHETIC_SOURCES,
    rationales,
    t,
    regime,
    action,
    source,
    rationale,
    position,
    trade,
    cost,
    costByComponent: { fee, impact },
    pnlByComponent: { basis, carry },
    netPnl,
    equity,
    drawdown,
    leverage,
    events
  }
}
