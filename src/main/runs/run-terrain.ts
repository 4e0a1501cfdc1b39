import { z } from 'zod'
import { ApiError, type MethodInput, type MethodResult, type TerrainGrouping } from '../../shared/contract'
import type { EngineService } from '../services/service-host'
import type { RunsRepository } from '../store/runs-repository'

/**
 * `terrain.view`: a market-terrain run's Terrain view. The series and the scrubbed bar come from
 * the engine (the run's market simulated again from its spec, the same cached market as its
 * surfaces); the grouping table from the run's stored report, as the CLI and the memo print it.
 */
export function runTerrainHandler(repository: RunsRepository, engine: EngineService) {
  return async function view(request: MethodInput<'terrain.view'>): Promise<MethodResult<'terrain.view'>> {
    const run = repository.get(request.runId)
    if (!run) throw new ApiError('not_found', `There is no run #${request.runId}.`)
    if (run.spec.task !== 'lab' || run.spec.lab !== 'market-terrain') {
      const what = run.spec.task === 'lab' ? `a ${run.spec.lab} run` : `a ${run.spec.task}`
      throw new ApiError('invalid_params', `Run #${run.id} is ${what}; the Terrain view reads market-terrain runs.`)
    }
    const { series, bar } = await engine.call('engine.terrain', { spec: run.spec, series: request.series, ...(request.bar === undefined ? {} : { bar: request.bar }) })
    const results = request.series ? repository.results(run.id) : null
    return { runId: run.id, series, bar, grouping: results?.kind === 'lab' ? storedGrouping(results.telemetry.grouping) : null }
  }
}

// The report's grouping block as metrics.ts writes it (grouping-run.ts `GroupingBlock`).
const StoredRow = z.object({
  method: z.string(),
  accuracy: z.number(),
  online_accuracy: z.number(),
  persistence: z.object({ switches: z.int(), mean_run_length: z.number() }),
  mean_time_to_detection: z.number().nullable(),
  detected: z.int(),
  true_changes: z.int(),
  false_switches: z.int(),
  lambda: z.number().optional()
})
// grouping-run.ts `HeldOutBlock`: means over the held-out seeds, detection pooled, and each seed's row.
const StoredHeldOutRow = z.object({
  method: z.string(),
  accuracy: z.number(),
  online_accuracy: z.number(),
  persistence: z.object({ switches: z.number() }),
  mean_time_to_detection: z.number().nullable(),
  detected: z.int(),
  true_changes: z.int(),
  false_switches: z.number(),
  lambda: z.number().optional(),
  per_seed: z.array(z.object({ seed: z.int(), accuracy: z.number() })).min(1)
})
const StoredGrouping = z.object({
  features: z.array(z.string()),
  train_bars: z.tuple([z.int(), z.int()]),
  test_bars: z.tuple([z.int(), z.int()]),
  methods: z.array(StoredRow),
  held_out: z.object({ train_seeds: z.array(z.int()), seeds: z.array(z.int()), methods: z.array(StoredHeldOutRow) }).optional()
})

/** The stored grouping block in the contract's shape; null when the run had none (too few bars to fit and score). */
export function storedGrouping(block: unknown): TerrainGrouping | null {
  if (block === undefined || block === null) return null
  const parsed = StoredGrouping.safeParse(block)
  if (!parsed.success) throw new Error(`the stored grouping block does not read as grouping-run.ts writes it: ${parsed.error.message}`)
  const g = parsed.data
  return {
    features: g.features,
    trainBars: g.train_bars,
    testBars: g.test_bars,
    methods: g.methods.map((r) => ({
      method: r.method,
      accuracy: r.accuracy,
      onlineAccuracy: r.online_accuracy,
      switches: r.persistence.switches,
      meanRunLength: r.persistence.mean_run_length,
      meanTimeToDetection: r.mean_time_to_detection,
      detected: r.detected,
      trueChanges: r.true_changes,
      falseSwitches: r.false_switches,
      lambda: r.lambda ?? null
    })),
    heldOut: g.held_out
      ? {
          trainSeeds: g.held_out.train_seeds,
          seeds: g.held_out.seeds,
          methods: g.held_out.methods.map((r) => ({
            method: r.method,
            accuracy: r.accuracy,
            accuracyMin: Math.min(...r.per_seed.map((x) => x.accuracy)),
            accuracyMax: Math.max(...r.per_seed.map((x) => x.accuracy)),
            onlineAccuracy: r.online_accuracy,
            switches: r.persistence.switches,
            meanTimeToDetection: r.mean_time_to_detection,
            detected: r.detected,
            trueChanges: r.true_changes,
            falseSwitches: r.false_switches,
            lambda: r.lambda ?? null
          }))
        }
      : null
  }
}
