import { z } from 'zod'
import type { TerrainFacts } from '../../shared/contract/memo'

// The market-terrain report's telemetry (labs/market-terrain/metrics.ts: `terrain`, `grouping`,
// `walk_forward`) read into the memo's TerrainFacts. Telemetry is stored as loose JSON, so it is
// parsed here: a run whose telemetry lacks the terrain block (every other lab) gets no terrain facts.

const n = z.number().nullable()
const Telemetry = z.object({
  terrain: z.object({
    fault_alerts: z.int(),
    strongest_alerts: z.array(z.object({ bar: z.int(), pair: z.array(z.string()), z: z.number() })),
    mean_eigen_hardness: n,
    mean_edge_hardness: n,
    clusters: z.array(z.array(z.string())),
    trailhead: z.object({ preset: z.string(), fires: z.int(), logs: z.int(), quiet: z.int() }).optional()
  }),
  grouping: z
    .object({
      train_bars: z.tuple([z.int(), z.int()]),
      test_bars: z.tuple([z.int(), z.int()]),
      methods: z.array(z.object({ method: z.string(), accuracy: z.number(), online_accuracy: z.number(), persistence: z.object({ switches: z.int() }), mean_time_to_detection: n, false_switches: z.int(), lambda: z.number().optional() }))
    })
    .optional(),
  walk_forward: z
    .object({ folds: z.array(z.object({ test: z.tuple([z.int(), z.int()]), risk_z_off: z.number(), total_return: n, sharpe: n, max_drawdown: z.number() })) })
    .optional()
})

export function terrainFacts(telemetry: Record<string, unknown>): TerrainFacts | undefined {
  const parsed = Telemetry.safeParse(telemetry)
  if (!parsed.success) return undefined
  const { terrain, grouping, walk_forward: wf } = parsed.data
  return {
    faultAlerts: terrain.fault_alerts,
    strongestAlerts: terrain.strongest_alerts.map((a) => ({ bar: a.bar, pair: a.pair, z: a.z })),
    meanEigenHardness: terrain.mean_eigen_hardness,
    meanEdgeHardness: terrain.mean_edge_hardness,
    clusters: terrain.clusters,
    trailhead: terrain.trailhead ? { preset: terrain.trailhead.preset, fires: terrain.trailhead.fires, logs: terrain.trailhead.logs, quiet: terrain.trailhead.quiet } : null,
    groupingBars: grouping ? { train: grouping.train_bars, test: grouping.test_bars } : null,
    grouping: (grouping?.methods ?? []).map((m) => ({ method: m.method, accuracy: m.accuracy, onlineAccuracy: m.online_accuracy, switches: m.persistence.switches, meanTimeToDetection: m.mean_time_to_detection, falseSwitches: m.false_switches, lambda: m.lambda ?? null })),
    walkForward: (wf?.folds ?? []).map((f) => ({ test: f.test, riskZOff: f.risk_z_off, totalReturn: f.total_return, sharpe: f.sharpe, maxDrawdown: f.max_drawdown }))
  }
}
