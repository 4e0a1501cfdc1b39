import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { OIL_CURVE_PRESETS } from './config'
import { oilCurveLab } from './lab'
import { LEG_COUNT, oilMarket } from './market'
import { notebookRows, oilCurveMetrics } from './metrics'
import { futuresPrice, seasonalFactor, tenor } from './surface'

// Each fix of the corrected preset, switched on alone against the faithful preset: what it changes.

const faithful = (overrides: Record<string, unknown> = {}) => resolveLabConfig(oilCurveLab, 'faithful', overrides)
const CONTANGO = 0

describe('oil-curve corrections', () => {
  it('the corrected preset names every fix it applies, and the faithful preset none', () => {
    expect(OIL_CURVE_PRESETS.faithful.corrections).toEqual([])
    expect(OIL_CURVE_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['seasonality', 'inventory_regime', 'mark_book', 'roll_accrual', 'total_pnl'])
  })

  it('seasonality: in calendar time a contract keeps its season as it ages, and the curve reaches contango', () => {
    const tenorOnly = faithful()
    const calendar = faithful({ 'corrections.seasonality': 'calendar' })
    const dt = calendar.market.dt
    for (const t of [0, 17, 250]) {
      // the same delivery date one step later: τ − dt at t + 1
      expect(seasonalFactor(calendar, t + 1, tenor(3) - dt)).toBeCloseTo(seasonalFactor(calendar, t, tenor(3)), 12)
      expect(seasonalFactor(tenorOnly, t + 1, tenor(3))).toBe(seasonalFactor(tenorOnly, t, tenor(3)))
    }
    // the notebook's curve never leaves backwardation (spec §3.4); with the seasons it does
    for (const seed of [1, 7]) {
      const notebook = oilMarket(faithful({ seed, T: 1000 }))
      const seasons = oilMarket(faithful({ seed, T: 1000, 'corrections.seasonality': 'calendar' }))
      expect(notebook.curveLabel.filter((l) => l === CONTANGO).length, `seed ${seed}`).toBe(0)
      expect(seasons.curveLabel.filter((l) => l === CONTANGO).length, `seed ${seed}`).toBeGreaterThan(50)
      expect(Array.from(seasons.spot)).toEqual(Array.from(notebook.spot)) // the same draws
    }
  })

  it('inventory_regime: glut and tight switch, set the inventory level and scale spot volatility', async () => {
    const config = faithful({ T: 4000, 'corrections.inventory_regime': true })
    expect(oilCurveLab.regimes(config)).toEqual(['glut', 'tight'])
    const m = oilMarket(config)
    let switches = 0
    const inv = [0, 0]
    const n = [0, 0]
    const moves = [0, 0]
    for (let t = 1; t < m.states; t++) {
      const r = m.inventoryRegime[t]!
      if (r !== m.inventoryRegime[t - 1]) switches++
      inv[r]! += m.inventory[t]!
      n[r]!++
      moves[r]! += Math.log(m.spot[t]! / m.spot[t - 1]!) ** 2
    }
    expect(switches).toBeGreaterThan(10)
    // glut holds more inventory (lower convenience yield) than tight, and tight is the volatile one;
    // inventory follows its regime's level slowly (inv_kappa = 1 a year, a regime lasts months)
    expect(inv[0]! / n[0]!).toBeGreaterThan(inv[1]! / n[1]! + 0.2)
    expect(moves[1]! / n[1]!).toBeGreaterThan(2 * (moves[0]! / n[0]!))
    // the regime is the run's regime column
    const run = await runCollected(oilCurveLab, { ...config, T: 400 })
    expect(Array.from(run.columns.regime)).toEqual(Array.from(oilMarket({ ...config, T: 400 }).inventoryRegime.subarray(0, 400)))
    // off, the regime column is the notebook's curve label
    expect(oilCurveLab.regimes(faithful())).toEqual(['CONTANGO', 'BACKWARDATION', 'FLAT'])
  })

  it('mark_book: the book traded at t earns t → t+1 (the notebook marks the book it held before)', async () => {
    for (const [mark, lag] of [
      ['pre_trade', 2],
      ['traded', 1]
    ] as const) {
      const config = faithful({ T: 60, 'policy.thresh': 0.06, 'corrections.mark_book': mark })
      const run = await runCollected(oilCurveLab, config)
      const f = run.market.front
      for (let t = lag; t < run.steps; t++) {
        let expected = 0
        for (let i = 0; i < LEG_COUNT; i++) expected += run.columns.position[(t - lag) * LEG_COUNT + i]! * (f[t * LEG_COUNT + i]! - f[(t - 1) * LEG_COUNT + i]!)
        expect(run.columns.markPnl[t], `${mark} t=${t}`).toBeCloseTo(expected, 9)
      }
    }
  })

  it('roll_accrual: a held contract earns its roll down the curve, F_t(τ − dt) − F_{t−1}(τ) in all', async () => {
    const config = faithful({ T: 80, 'corrections.mark_book': 'traded', 'corrections.roll_accrual': true })
    const run = await runCollected(oilCurveLab, config)
    const m = run.market
    const roll = run.columns.pnlByComponent.roll!
    let booked = 0
    for (let t = 1; t < run.steps; t++) {
      let contract = 0
      for (let i = 0; i < LEG_COUNT; i++) {
        const aged = futuresPrice(config, m.spot[t]!, m.cy[t]!, t, tenor(i + 1) - config.market.dt)
        contract += run.columns.position[(t - 1) * LEG_COUNT + i]! * (aged - m.front[(t - 1) * LEG_COUNT + i]!)
      }
      expect(run.columns.markPnl[t]).toBeCloseTo(contract, 6)
      booked += roll[t]!
    }
    // SPREAD_L1_S2 throughout: on the notebook's curve the second month rolls up faster than the
    // front (the seasonal hump), so the spread pays roll although its proxy (F1 − F2)/F1 is positive
    expect(run.columns.action.every((a) => oilCurveLab.actions[a] === 'SPREAD_L1_S2')).toBe(true)
    expect(m.rollLongFront[0]).toBeGreaterThan(0)
    expect(booked).toBeLessThan(0)
    const off = await runCollected(oilCurveLab, faithful({ T: 80, 'corrections.mark_book': 'traded' }))
    expect(off.columns.pnlByComponent.roll!.every((v) => v === 0)).toBe(true)
  })

  it('total_pnl: from the notional, so the first step\'s P&L and costs count', async () => {
    const notebook = faithful()
    const corrected = faithful({ 'corrections.total_pnl': 'from_notional' })
    const run = await runCollected(oilCurveLab, notebook)
    const rows = notebookRows(run)
    expect(oilCurveMetrics(run, notebook).total_pnl).toBe(rows.equity[399]! - rows.equity[0]!)
    expect(oilCurveMetrics(run, corrected).total_pnl).toBe(rows.equity[399]! - 1_000_000)
    expect(oilCurveMetrics(run, corrected).total_pnl! - oilCurveMetrics(run, notebook).total_pnl!).toBeCloseTo(rows.equity[0]! - 1_000_000, 9)
  })

  it('the corrected preset runs end to end: both curve shapes, both regimes, both carry spreads', async () => {
    const config = resolveLabConfig(oilCurveLab, 'corrected', { seed: 1 })
    const run = await runCollected(oilCurveLab, config)
    expect(run.steps).toBe(400)
    const actions = new Set(Array.from(run.columns.action, (a) => oilCurveLab.actions[a]))
    expect(actions.has('SPREAD_L1_S2') && actions.has('SPREAD_S1_L2')).toBe(true)
    expect(new Set(run.columns.regime).size).toBe(2)
  })
})
