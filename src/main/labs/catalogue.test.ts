import { describe, expect, it } from 'vitest'
import { LabInfo } from '../../shared/contract'
import { runCollected } from '../engine/kernel'
import { labCatalogue } from './catalogue'
import { planLab } from './execute'
import { labRegistry } from './registry'
import { surfaceLayout } from './surfaces'

// Each lab describes itself to the views (LabSelfDescription); these tests hold every claim to
// the lab's own functions, for every preset and profile, so a view can trust LabInfo.
const catalogue = labCatalogue()
const moduleOf = (id: string) => labRegistry.get(id)!
const presetsOf = (info: LabInfo) => Object.keys(info.presetConfigs)

describe('the catalogue\'s self-descriptions', () => {
  it('go over the wire as LabInfo', () => {
    for (const info of catalogue) expect(() => LabInfo.parse(info), info.id).not.toThrow()
  })

  describe('leverage cap equals riskRules(config).maxLeverage?.cap ?? null', () => {
    for (const info of catalogue) {
      it(info.id, () => {
        for (const preset of presetsOf(info)) {
          const plan = planLab({ task: 'lab', lab: info.id, preset, overrides: {} })
          const rules = plan.lab.risk(plan.config)
          expect(info.leverageCap?.byPreset[preset] ?? null, preset).toBe(rules.maxLeverage?.cap ?? null)
          if (!info.leverageCap) continue
          // The declared path is the one the rule reads: an override there moves the cap.
          const moved = planLab({ task: 'lab', lab: info.id, preset, overrides: { [info.leverageCap.path]: rules.maxLeverage!.cap / 2 } })
          expect(moved.lab.risk(moved.config).maxLeverage?.cap, preset).toBe(rules.maxLeverage!.cap / 2)
        }
      })
    }
  })

  describe('surface layout and phase space match surface()', () => {
    for (const info of catalogue) {
      it(info.id, () => {
        const plan = planLab({ task: 'lab', lab: info.id, preset: 'faithful', overrides: {} })
        const lab = plan.lab
        const market = lab.market(plan.config, {})
        const surface = lab.surface(market, 0, plan.config)
        expect(surfaceLayout(surface)).toBe(info.surface.layout)
        if (!info.surface.phaseSpace) return
        // A phase-space surface is a trailing window of coordinates: frame t + 1 is frame t moved up one bar.
        expect(info.surface.layout).toBe('coordinates')
        const window = surface.axes[0]!.labels.length
        const q = surface.axes[1]!.labels.length
        const t = window + 5
        const now = lab.surface(market, t, plan.config).values
        const next = lab.surface(market, t + 1, plan.config).values
        expect(Array.from(next.subarray(0, (window - 1) * q))).toEqual(Array.from(now.subarray(q)))
      })
    }
  })

  it('regime price series: the lab\'s own, under its name, with a series for every preset; null where the lab has none', () => {
    for (const info of catalogue) {
      const lab = moduleOf(info.id)
      expect(info.regimePriceSeries === null, info.id).toBe(lab.priceSeries === undefined)
      if (!lab.priceSeries) continue
      expect(info.regimePriceSeries!.name).toBe(lab.priceSeries.name)
      for (const preset of ['faithful', 'corrected']) {
        const plan = planLab({ task: 'lab', lab: info.id, preset, overrides: {} })
        expect(lab.priceSeries.series(plan.config).closes.length, `${info.id} ${preset}`).toBeGreaterThan(100)
      }
    }
  })

  it('one lab is the regime model\'s home, with a price series and a preset and seed that plan', () => {
    const homes = catalogue.filter((l) => l.regimeModelHome !== null)
    expect(homes.map((l) => l.id)).toHaveLength(1)
    const home = homes[0]!
    expect(home.regimePriceSeries).not.toBeNull()
    expect(planLab({ task: 'lab', lab: home.id, preset: home.regimeModelHome!.preset, seed: home.regimeModelHome!.seed, overrides: {} }).seed).toBe(home.regimeModelHome!.seed)
  })

  describe('suggested sweep: two form paths, units from the schema, values every preset accepts, a metric the lab reports', () => {
    for (const info of catalogue) {
      it(info.id, async () => {
        const [rows, columns] = info.suggestedSweep.axes
        expect(rows.path).not.toBe(columns.path)
        for (const axis of [rows, columns]) {
          const field = info.form.fields.find((f) => f.path === axis.path)
          expect(field?.kind, axis.path).toMatch(/^(number|enum|boolean)$/)
          expect(axis.unit, axis.path).toBe(field?.unit ?? null)
          for (const preset of presetsOf(info)) {
            for (const value of axis.values) expect(() => planLab({ task: 'lab', lab: info.id, preset, overrides: { [axis.path]: value } }), `${preset} ${axis.path}=${value}`).not.toThrow()
          }
        }
        const plan = planLab({ task: 'lab', lab: info.id, preset: 'faithful', overrides: {} })
        const market = plan.lab.market(plan.config, {})
        const report = plan.lab.report(plan.config, market)
        const run = await runCollected(plan.lab, plan.config, { market, sinks: [report] })
        expect(Object.keys(report.finish(run).metrics)).toContain(info.suggestedSweep.metric)
      })
    }
  })
})
