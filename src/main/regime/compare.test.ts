import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HestonRegimeConfig } from '../labs/heston-regime/config'
import { resolveConfig } from '../labs/heston-regime/lab'
import { compareOnSeeds } from './compare'

describe('SSM against the baselines on held-out seeds', () => {
  it('scores all three classifiers on the same bars, deterministically', async () => {
    const base = resolveConfig('corrected', { n_steps: 2500 }) as HestonRegimeConfig
    const dir = join(__dirname, '../../../resources/models')
    const rows = await compareOnSeeds(base, [3001], dir)
    expect(rows.map((r) => r.classifier)).toEqual(['ssm', 'rv_threshold', 'hmm'])
    for (const r of rows) {
      expect(r.accuracy).toBeGreaterThan(0)
      expect(r.accuracy).toBeLessThanOrEqual(1)
      expect(r.switches).toBeGreaterThanOrEqual(r.detected)
    }
    // Every classifier sees the same true switches.
    expect(new Set(rows.map((r) => r.switches)).size).toBe(1)
    expect(await compareOnSeeds(base, [3001], dir)).toEqual(rows)
  })
})
