import { describe, expect, it } from 'vitest'
import { leverageCap } from '../../renderer/src/views/dashboard/leverage-cap'
import { planLab } from './execute'
import { labIds } from './registry'

// The dashboard draws the cap line from the resolved config; it must be the cap the risk gate applied.
describe('the dashboard\'s leverage cap agrees with each lab\'s risk rules', () => {
  for (const lab of labIds()) {
    it(lab, () => {
      for (const preset of ['faithful', 'corrected']) {
        const plan = planLab({ task: 'lab', lab, preset, overrides: {} })
        const rules = plan.lab.risk(plan.config)
        expect(leverageCap(lab, plan.config as Record<string, unknown>)).toBe(rules.maxLeverage?.cap ?? null)
      }
    })
  }
})
