import { describe, expect, it, vi } from 'vitest'
import type { LabResults, RunSummary } from '../../shared/contract'
import { runCollected } from '../engine/kernel'
import { planLab } from '../labs/execute'
import type { MarketTerrainConfig } from '../labs/market-terrain/config'
import { marketTerrainLab } from '../labs/market-terrain/lab'
import { marketTerrainReport } from '../labs/market-terrain/metrics'
import type { EngineService } from '../services/service-host'
import type { RunsRepository } from '../store/runs-repository'
import { runTerrainHandler, storedGrouping } from './run-terrain'

describe('storedGrouping', () => {
  it('reads the report’s grouping block as the lab writes it: each method’s accuracy, persistence and time to detection', async () => {
    const config = planLab({ task: 'lab', lab: 'market-terrain', preset: 'faithful', overrides: { universe: { bars: 420 } } }).config as MarketTerrainConfig
    const report = marketTerrainReport(await runCollected(marketTerrainLab, config), config)
    // Through JSON, as the store keeps it.
    const grouping = storedGrouping(JSON.parse(JSON.stringify(report.telemetry.grouping)))!
    expect(grouping.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    expect(grouping.methods.map((m) => m.accuracy)).toEqual([report.metrics.jump_accuracy, report.metrics.kmeans_accuracy, report.metrics.hmm_accuracy])
    expect(grouping.methods[0]!.lambda).toBeGreaterThan(0)
    expect(grouping.methods[1]!.lambda).toBeNull()
    expect(grouping.testBars[1]).toBe(420)
  })

  it('reads the held-out block: means, the per-seed accuracy range, pooled detection; null without held-out seeds', async () => {
    const config = planLab({ task: 'lab', lab: 'market-terrain', preset: 'corrected', seed: 4, overrides: { universe: { bars: 420 }, grouping: { heldout_seeds: [5, 6] } } }).config as MarketTerrainConfig
    const report = marketTerrainReport(await runCollected(marketTerrainLab, config), config)
    const stored = JSON.parse(JSON.stringify(report.telemetry.grouping)) as { held_out: { methods: Array<{ accuracy: number; detected: number; persistence: { switches: number }; per_seed: Array<{ accuracy: number; switches: number }> }> } }
    const heldOut = storedGrouping(stored)!.heldOut!
    expect(heldOut.trainSeeds).toEqual([4])
    expect(heldOut.seeds).toEqual([5, 6])
    heldOut.methods.forEach((m, k) => {
      const block = stored.held_out.methods[k]!
      const perSeed = block.per_seed.map((x) => x.accuracy)
      expect([m.accuracy, m.accuracyMin, m.accuracyMax]).toEqual([block.accuracy, Math.min(...perSeed), Math.max(...perSeed)])
      expect(m.accuracy).toBeCloseTo((perSeed[0]! + perSeed[1]!) / 2, 12)
      expect(m.switches).toBe((block.per_seed[0]!.switches + block.per_seed[1]!.switches) / 2)
      expect(m.detected).toBe(block.detected)
    })
    expect(storedGrouping(JSON.parse(JSON.stringify({ ...stored, held_out: undefined })))!.heldOut).toBeNull()
  })

  it('is null for a run with no grouping block, and a block of another shape is an error, not a silent blank', () => {
    expect(storedGrouping(undefined)).toBeNull()
    expect(() => storedGrouping({ methods: 'none' })).toThrow(/the stored grouping block does not read as grouping-run.ts writes it/)
  })
})

describe('runTerrainHandler', () => {
  const run = (spec: RunSummary['spec']) => ({ id: 7, spec }) as RunSummary
  const setup = (summary: RunSummary | undefined, results: Partial<LabResults> | null = null) => {
    const call = vi.fn(async () => ({ series: null, bar: null }))
    const repository = { get: () => summary, results: () => results } as unknown as RunsRepository
    return { call, view: runTerrainHandler(repository, { call } as unknown as EngineService) }
  }

  it('refuses a missing run and a run of another lab before asking the engine', async () => {
    const missing = setup(undefined)
    await expect(missing.view({ runId: 7, series: true })).rejects.toThrow('There is no run #7.')
    const other = setup(run({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: {} } as never))
    await expect(other.view({ runId: 7, series: true })).rejects.toThrow('Run #7 is a fx-carry run; the Terrain view reads market-terrain runs.')
    expect(missing.call).not.toHaveBeenCalled()
    expect(other.call).not.toHaveBeenCalled()
  })

  it('asks the engine with the run’s spec and adds no grouping while the run has no results', async () => {
    const spec = { task: 'lab', lab: 'market-terrain', preset: 'faithful', overrides: {} } as never
    const { call, view } = setup(run(spec))
    expect(await view({ runId: 7, bar: 12, series: false })).toEqual({ runId: 7, series: null, bar: null, grouping: null })
    expect(call).toHaveBeenCalledWith('engine.terrain', { spec, series: false, bar: 12 })
  })
})
