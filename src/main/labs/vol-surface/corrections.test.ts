import { describe, expect, it } from 'vitest'
import { POLICY_SOURCES, resolveLabConfig, runCollected, type Policy } from '../../engine/kernel'
import { VOL_SURFACE_PRESETS, type VolSurfaceConfig } from './config'
import { volSurfaceLab } from './lab'
import { STRESS } from './market'
import { notebookDrawdown, volSurfaceMetrics, volSurfaceReport } from './metrics'
import type { VolSurfaceAction, VolSurfaceObservation } from './policy'
import { bsAtmCashGamma, bsAtmVega, fillSurface, stressAtExpiry } from './surface'

// What each correction of the `corrected` preset changes, one switch at a time against faithful.

const faithful = resolveLabConfig(volSurfaceLab, 'faithful', {})
const withSwitch = (overrides: Record<string, unknown>) => resolveLabConfig(volSurfaceLab, 'faithful', overrides)
const always = (action: VolSurfaceAction): Policy<VolSurfaceObservation, VolSurfaceAction> => ({ name: `always ${action}`, decide: () => ({ action, rationale: action, source: 'AGENT' }) })

describe('vol-surface corrected preset', () => {
  it('names each fix and sets exactly the switches under `corrections` (and the impact scale)', () => {
    expect(VOL_SURFACE_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['tenor_sensitivity', 'calendar_slope', 'impact_base', 'drawdown_stop', 'greeks'])
    for (const c of VOL_SURFACE_PRESETS.corrected.corrections) expect(c.why.length).toBeGreaterThan(40)
    const corrected = resolveLabConfig(volSurfaceLab, 'corrected', {})
    const undo = { ...corrected, corrections: faithful.corrections, execution_params: { ...corrected.execution_params, impact_scale: faithful.execution_params.impact_scale } }
    expect(undo).toEqual(faithful)
    expect(corrected.corrections).toEqual({ tenor_sensitivity: 'per_tenor', calendar_slope: 'grid_atm', impact_base: 'current_equity', drawdown_stop: 'de_risk', greeks: 'black_scholes', regime_anticipation: 'none' })
  })

  it('tenor_sensitivity: a jump lifts the 7-day row more than the 180-day row; the notebook scales every tenor alike', () => {
    const fixed = withSwitch({ 'corrections.tenor_sensitivity': 'per_tenor' })
    const a = volSurfaceLab.market(faithful, {})
    const b = volSurfaceLab.market(fixed, {})
    expect(b.vol).toEqual(a.vol) // the state is the same; only the grid's shape changes
    const t = a.jump.findIndex((j, i) => j > 0 && a.regime[i] === STRESS)
    expect(t).toBeGreaterThan(0)
    const gridA = new Float64Array(20)
    const gridB = new Float64Array(20)
    fillSurface(a, t, a.grid, gridA)
    fillSurface(b, t, b.grid, gridB)
    const lift = (row: number) => gridB[row * 5 + 2]! / gridA[row * 5 + 2]!
    // 1 + a_i·vov + b_i·|jump| with a = [1, 0.6, 0.3, 0.1], b = [6, 3, 1, 0.3]
    expect(lift(0)).toBeCloseTo(1 + 1.0 * a.vov[t]! + 6.0 * a.jump[t]!, 12)
    expect(lift(3)).toBeCloseTo(1 + 0.1 * a.vov[t]! + 0.3 * a.jump[t]!, 12)
    expect(lift(0)).toBeGreaterThan(lift(1))
    expect(lift(1)).toBeGreaterThan(lift(2))
    expect(lift(2)).toBeGreaterThan(lift(3))
    // faithful: row ratios are the regime's term factors, whatever σ and the jump
    const calm = a.regime.findIndex((r, i) => i > 0 && r === 0)
    const gridC = new Float64Array(20)
    fillSurface(a, calm, a.grid, gridC)
    const gridD = new Float64Array(20)
    fillSurface(a, calm + 1, a.grid, gridD)
    if (a.regime[calm + 1] === 0) expect(gridC[2]! / gridC[17]!).toBeCloseTo(gridD[2]! / gridD[17]!, 12)
  })

  it('calendar_slope: calendar P&L moves every step off the grid slope, not only on regime switches', async () => {
    const fixed = withSwitch({ 'corrections.calendar_slope': 'grid_atm' })
    const policy = always('CALENDAR_VOL')
    const [a, b] = await Promise.all([runCollected(volSurfaceLab, faithful, { policy }), runCollected(volSurfaceLab, fixed, { policy })])
    const switches = (k: number) => a.market.regime[k + 1] !== a.market.regime[k]
    let moved = 0
    let movedNotebook = 0
    for (let k = 1; k < a.steps; k++) {
      if (!switches(k)) expect(a.columns.pnlByComponent.calendar![k]).toBe(0)
      if (a.columns.pnlByComponent.calendar![k] !== 0) movedNotebook++
      if (b.columns.pnlByComponent.calendar![k] !== 0) moved++
    }
    // (without per-tenor dynamics the measured slope is flat in transition, whose slope is 0)
    expect(moved).toBeGreaterThan(0.8 * (b.steps - 1))
    expect(movedNotebook).toBeLessThan(0.1 * (a.steps - 1))
    const m = b.market
    const grid = new Float64Array(20)
    fillSurface(m, 100, m.grid, grid)
    expect(m.features.termSlope[100]).toBe(grid[3 * 5 + 2]! - grid[2]!)
  })

  it('impact_base: impact on current equity at 1e−3 is comparable to the bps cost; the notebook\'s is ~1/2000 of it', async () => {
    const fixed = withSwitch({ 'corrections.impact_base': 'current_equity', 'execution_params.impact_scale': 1e-3 })
    const [a, b] = await Promise.all([runCollected(volSurfaceLab, faithful), runCollected(volSurfaceLab, fixed)])
    // the first step: a 0.25-unit trade in calm from E0
    expect(a.columns.costByComponent.proportional![0]).toBeCloseTo(50, 9)
    expect(a.columns.costByComponent.impact![0]).toBeCloseTo(0.0225, 12)
    expect(b.columns.costByComponent.impact![0]).toBeCloseTo(22.5, 9)
    const ma = volSurfaceMetrics(a, faithful)
    const mb = volSurfaceMetrics(b, fixed)
    expect(ma.cost_impact! / ma.cost_proportional!).toBeLessThan(0.002)
    expect(mb.cost_impact! / mb.cost_proportional!).toBeGreaterThan(0.5)
  })

  it('drawdown_stop: past the stop the notebook keeps trading; de_risk goes flat at the rate limit and stays flat', async () => {
    const tight = { 'risk_params.max_dd_stop': 0.02 }
    const recorded = withSwitch(tight)
    const fixed = withSwitch({ ...tight, 'corrections.drawdown_stop': 'de_risk' })
    const [a, b] = await Promise.all([runCollected(volSurfaceLab, recorded), runCollected(volSurfaceLab, fixed)])
    const stopAt = volSurfaceMetrics(a, recorded)['Stop triggered at t']!
    expect(stopAt).toBeGreaterThan(0)
    expect(volSurfaceMetrics(b, fixed)['Stop triggered at t']).toBe(stopAt)
    const gross = (r: typeof a, k: number) => Math.abs(r.columns.position[2 * k]!) + Math.abs(r.columns.position[2 * k + 1]!)
    // kernel step k is the notebook's t = k + 1: the stop at t acts from step t on
    let after = 0
    for (let k = stopAt; k < a.steps; k++) after += gross(a, k)
    expect(after).toBeGreaterThan(0)
    for (let k = stopAt; k < b.steps; k++) {
      expect(gross(b, k)).toBeLessThanOrEqual(gross(b, k - 1))
      expect(Math.abs(b.columns.trade[2 * k]!)).toBeLessThanOrEqual(0.25)
      expect(POLICY_SOURCES[b.columns.source[k]!]).toBe('RISK')
    }
    expect(gross(b, b.steps - 1)).toBe(0)
    expect(notebookDrawdown(b)[b.steps - 1]).toBeLessThan(notebookDrawdown(a)[a.steps - 1]! + 1)
  })

  it('drawdown_stop binds a plugged-in agent too: its action is recorded, the book still goes flat', async () => {
    const fixed = withSwitch({ 'risk_params.max_dd_stop': 0.02, 'corrections.drawdown_stop': 'de_risk' })
    const r = await runCollected(volSurfaceLab, fixed, { policy: always('SHORT_VOL') })
    const stopAt = volSurfaceMetrics(r, fixed)['Stop triggered at t']!
    expect(stopAt).toBeGreaterThan(0)
    expect(r.columns.position[2 * (r.steps - 1)]).toBe(0)
  })

  it('greeks: the book\'s Black–Scholes vega and cash gamma from the grid — short vol and the calendar are short gamma', async () => {
    const run = async (config: VolSurfaceConfig, action: VolSurfaceAction) => {
      const seen: Array<{ t: number; outright: number; calendar: number; vega: number; gamma: number }> = []
      const policy: Policy<VolSurfaceObservation, VolSurfaceAction> = {
        name: 'recorder',
        decide: (o) => {
          seen.push({ t: o.t, outright: o.outright, calendar: o.calendar, vega: o.bookVega, gamma: o.bookCashGamma })
          return { action, rationale: action, source: 'AGENT' }
        }
      }
      const r = await runCollected(volSurfaceLab, config, { policy })
      return { seen, market: r.market }
    }
    const fixed = withSwitch({ 'corrections.greeks': 'black_scholes' })
    const none = await run(faithful, 'SHORT_VOL')
    expect(none.seen.every((s) => s.vega === 0 && s.gamma === 0)).toBe(true)
    const short = await run(fixed, 'SHORT_VOL')
    const s = short.seen[100]!
    expect(s.outright).toBe(-1)
    expect(s.vega).toBe(-8500)
    const m = short.market
    const sigma30 = m.features.ivAtmByTenor[s.t * 4 + 1]!
    expect(s.gamma).toBeCloseTo(-(8500 / bsAtmVega(sigma30, 30)) * bsAtmCashGamma(sigma30, 30), 9)
    // ATM with zero rates: Γ·S²/vega = 1/(σ·τ)
    expect(s.gamma).toBeCloseTo(-8500 / (sigma30 * 30), 9)
    const calendar = await run(fixed, 'CALENDAR_VOL')
    const c = calendar.seen[100]!
    expect(c.calendar).toBe(1)
    expect(c.vega).toBe(0)
    expect(c.gamma).toBeLessThan(0) // short the 7-day leg's gamma, long the 180-day leg's smaller one
    // the report carries the Greeks only when they are on
    const report = async (config: VolSurfaceConfig) => (volSurfaceReport(await runCollected(volSurfaceLab, config), config).telemetry as { greeks: { min_book_cash_gamma: number } | null }).greeks
    expect(await report(faithful)).toBeNull()
    expect((await report(fixed))!.min_book_cash_gamma).toBeLessThan(0)
  })

  it('regime_anticipation (an option, off in both presets): long tenors carry the chance of stress at expiry', () => {
    const on = withSwitch({ 'corrections.regime_anticipation': 'markov_horizon' })
    expect(resolveLabConfig(volSurfaceLab, 'corrected', {}).corrections.regime_anticipation).toBe('none')
    const P = faithful.regimes.markov_P
    const p = stressAtExpiry(P, [1, 180])
    expect(p[0]).toBe(P[0]![2]) // one step ahead from calm: P[calm][stress]
    expect(p[2 * 2]).toBe(P[2]![2])
    // far out every regime converges to the stationary chance of stress (≈ 0.127)
    expect(p[1]).toBeCloseTo(0.127, 2)
    expect(p[2 * 2 + 1]).toBeCloseTo(0.127, 2)
    const a = volSurfaceLab.market(faithful, {})
    const b = volSurfaceLab.market(on, {})
    const calm = a.regime.findIndex((r, i) => i > 0 && r === 0)
    const gridA = new Float64Array(20)
    const gridB = new Float64Array(20)
    fillSurface(a, calm, a.grid, gridA)
    fillSurface(b, calm, b.grid, gridB)
    // in calm the 180-day vols rise more than the 7-day ones: stress is likelier by expiry
    expect(gridB[17]! / gridA[17]!).toBeGreaterThan(gridB[2]! / gridA[2]!)
    expect(gridB[2]! / gridA[2]!).toBeCloseTo(1 + 0.5 * stressAtExpiry(P, [7])[0]!, 12)
  })

  it('the corrected preset runs end to end, differs from faithful and reaches LONG_VOL in stress', async () => {
    const corrected = resolveLabConfig(volSurfaceLab, 'corrected', {})
    const [a, b] = await Promise.all([runCollected(volSurfaceLab, faithful), runCollected(volSurfaceLab, corrected)])
    expect(b.steps).toBe(799)
    expect(b.columns.equity[798]).not.toBe(a.columns.equity[798])
    const longVol = volSurfaceLab.actions.indexOf('LONG_VOL')
    expect(a.columns.action.includes(longVol)).toBe(false)
    expect(b.columns.action.includes(longVol)).toBe(true)
  })
})
