import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected, type Policy } from '../../engine/kernel'
import { ORDER_FLOW_PRESETS } from './config'
import { BPS } from './execution'
import { orderFlowLab } from './lab'
import { orderFlowReport } from './metrics'
import { ORDER_FLOW_ACTIONS, type OrderFlowAction, type OrderFlowObservation } from './policy'
import { gridAt } from './surface'

// What each correction of the `corrected` preset changes, one switch at a time against faithful.
// A busy configuration: weak imbalance persistence (|imbalance| often large: the aggressive path is
// taken) and a leverage cap that lets inventory reach the size buckets (the fixture case seed 42).
const BUSY = { seed: 42, T: 200, 'market_params.imbalance_persist': 0.2, 'risk_params.max_leverage': 5, 'risk_params.max_dd_stop': 0.9 }
const faithful = resolveLabConfig(orderFlowLab, 'faithful', BUSY)
const withFix = (path: string, value: unknown, overrides: Record<string, unknown> = BUSY) => resolveLabConfig(orderFlowLab, 'faithful', { ...overrides, [`corrections.${path}`]: value })
const PASSIVE = ORDER_FLOW_ACTIONS.indexOf('PASSIVE_PROVIDE')
const TAKE = ORDER_FLOW_ACTIONS.indexOf('AGGRESSIVE_TAKE')
const FLAT = ORDER_FLOW_ACTIONS.indexOf('FLAT')

describe('order-flow corrected preset', () => {
  it('names each fix and sets exactly the switches under `corrections`', () => {
    expect(ORDER_FLOW_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['costs_once', 'flat_costed', 'impact_at_traded_size', 'stop_override'])
    for (const c of ORDER_FLOW_PRESETS.corrected.corrections) expect(c.why.length).toBeGreaterThan(60)
    const plain = resolveLabConfig(orderFlowLab, 'faithful', {})
    const corrected = resolveLabConfig(orderFlowLab, 'corrected', {})
    expect({ ...corrected, corrections: plain.corrections }).toEqual(plain)
  })

  it('costs_once: faithful charges an aggressive fill twice and cancels a passive fill’s spread; charged once, the fill price is the cost', async () => {
    const twice = await runCollected(orderFlowLab, faithful)
    const onceConfig = withFix('cost_accounting', 'once')
    const once = await runCollected(orderFlowLab, onceConfig)
    const traded = (run: typeof twice, action: number) => Array.from(run.columns.action.keys()).filter((t) => run.columns.action[t] === action && run.columns.trade[t] !== 0)
    const execution = (run: typeof twice, t: number) => run.columns.equity[t]! - run.columns.markedEquity[t]!
    const takes = traded(twice, TAKE)
    const passives = traded(twice, PASSIVE)
    expect(takes.length).toBeGreaterThan(5)
    expect(passives.length).toBeGreaterThan(20)
    for (const t of takes) expect(execution(twice, t)).toBeCloseTo(-2 * twice.market.run.costTotal[t]!, 14)
    for (const t of passives) expect(Math.abs(execution(twice, t))).toBeLessThan(1e-15)
    expect(Array.from(twice.columns.costByComponent.explicit_charge!).some((x) => x > 0)).toBe(true)
    // charged once: the step's execution effect is minus the signed cost, and passive fills earn the spread
    for (const t of [...traded(once, TAKE), ...traded(once, PASSIVE)]) expect(execution(once, t)).toBeCloseTo(-once.market.run.costTotal[t]!, 14)
    expect(Array.from(once.columns.costByComponent.explicit_charge!).every((x) => x === 0)).toBe(true)
    const earned = traded(once, PASSIVE).filter((t) => once.market.run.costTotal[t]! < 0)
    expect(earned.length).toBeGreaterThan(10)
    expect(orderFlowReport(once, onceConfig).metrics.cum_costs!).toBeLessThan(orderFlowReport(twice, faithful).metrics.cum_costs! / 2)
  })

  it('flat_costed: closing inventory with FLAT crosses the spread (aggressive, shortest horizon); faithful closes at mid for free', async () => {
    const free = await runCollected(orderFlowLab, faithful)
    const costed = await runCollected(orderFlowLab, withFix('flat_execution', 'costed'))
    const closes = (run: typeof free) => Array.from(run.columns.action.keys()).filter((t) => run.columns.action[t] === FLAT && run.columns.trade[t] !== 0)
    expect(closes(free).length).toBeGreaterThan(5)
    for (const t of closes(free)) {
      expect(free.columns.cost[t]).toBe(0)
      expect(free.market.run.execPx[t]).toBe(free.market.mid[t])
    }
    for (const t of closes(costed)) {
      expect(costed.columns.cost[t]).toBeGreaterThan(0)
      expect(costed.market.run.isPassive[t]).toBe(0)
      expect(costed.market.run.horizonBucket[t]).toBe(0)
      expect(costed.market.run.bps[t * 6 + BPS.fee_bps]).toBe(faithful.execution_params.fee_bps)
    }
  })

  it('impact_at_traded_size: impact is read at |Δq| in the action’s horizon column, not at the action’s bucket', async () => {
    // the published default: the leverage cap holds |Δq| near 0.02 units while PASSIVE_PROVIDE reads the 0.5-unit bucket
    const base = resolveLabConfig(orderFlowLab, 'faithful', {})
    const bucket = await runCollected(orderFlowLab, base)
    const sized = await runCollected(orderFlowLab, withFix('impact_bucket', 'traded_size', {}))
    const t = Array.from(bucket.columns.action).indexOf(PASSIVE)
    const size = Math.abs(sized.columns.trade[t]!)
    expect(size).toBeLessThan(0.03)
    const grid = gridAt(sized.market, t, base)
    expect(bucket.market.run.bps[t * 6 + BPS.impact_bps]).toBe(grid[1 * 4 + 2])
    // linear through (0, 0) and the 0.25-unit bucket at horizon 8
    expect(sized.market.run.bps[t * 6 + BPS.impact_bps]).toBeCloseTo((grid[0 * 4 + 2]! * size) / 0.25, 15)
    expect(sized.market.run.bps[t * 6 + BPS.impact_bps]! * 10).toBeLessThan(bucket.market.run.bps[t * 6 + BPS.impact_bps]!)
  })

  it('stop_override: a policy that ignores the stop is held flat by the risk gate once the drawdown passes max_dd_stop', async () => {
    const alwaysProvide: Policy<OrderFlowObservation, OrderFlowAction> = {
      name: 'always provide',
      decide: () => ({ action: 'PASSIVE_PROVIDE', rationale: 'provide', source: 'AGENT' })
    }
    const overrides = { ...BUSY, 'risk_params.max_dd_stop': 0.05 }
    const ignored = await runCollected(orderFlowLab, resolveLabConfig(orderFlowLab, 'faithful', overrides), { policy: alwaysProvide })
    const enforced = await runCollected(orderFlowLab, withFix('drawdown_stop', 'override', overrides), { policy: alwaysProvide })
    const stoppedAt = ignored.market.run.stoppedAt.indexOf(1)
    expect(stoppedAt).toBeGreaterThan(0)
    // the notebook's stop is in baseline_policy: another policy keeps providing after it
    expect(Array.from(ignored.columns.action.subarray(stoppedAt)).filter((a) => a === PASSIVE).length).toBe(ignored.steps - stoppedAt)
    const gate = enforced.events.find((e) => e.rule === 'drawdown_stop')
    expect(gate).toBeDefined()
    expect(Array.from(enforced.columns.action.subarray(gate!.t)).every((a) => a === FLAT)).toBe(true)
    expect(Array.from(enforced.columns.position.subarray(gate!.t)).every((q) => q === 0)).toBe(true)
  })
})
