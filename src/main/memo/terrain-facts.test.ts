import { describe, expect, it } from 'vitest'
import { terrainBlocks } from '../../shared/contract/memo-sections'
import { MemoFacts } from '../../shared/contract/memo'
import { runCollected } from '../engine/kernel'
import { planLab } from '../labs/execute'
import type { MarketTerrainConfig } from '../labs/market-terrain/config'
import { marketTerrainLab } from '../labs/market-terrain/lab'
import { marketTerrainReport } from '../labs/market-terrain/metrics'
import { terrainFacts } from './terrain-facts'

// The memo of a market-terrain run states its terrain: fault lines, hardness, watersheds, the
// trailhead, the grouping table and the walk-forward folds, from the report the run stored.

describe('market-terrain facts in the memo', () => {
  it('carries the report’s terrain, grouping and walk-forward into tables with the same numbers', async () => {
    const config = planLab({ task: 'lab', lab: 'market-terrain', preset: 'corrected', overrides: { universe: { bars: 800 } } }).config as MarketTerrainConfig
    const run = await runCollected(marketTerrainLab, config)
    const report = marketTerrainReport(run, config)
    // Stored telemetry is JSON: read it back as the memo service does.
    const telemetry = JSON.parse(JSON.stringify(report.telemetry)) as Record<string, unknown>
    const t = terrainFacts(telemetry)!
    expect(MemoFacts.shape.terrain.parse(t)).toEqual(t)
    expect(t.faultAlerts).toBe(report.metrics.fault_alerts)
    expect(t.grouping.map((g) => g.method)).toEqual(['jump', 'kmeans', 'hmm'])
    expect(t.grouping[0]!.accuracy).toBe(report.metrics.jump_accuracy)
    const metrics = Object.entries(report.metrics).map(([name, value]) => ({ name, value }))
    const blocks = terrainBlocks({ terrain: t, metrics })
    const grouping = blocks.find((b) => b.kind === 'table' && b.caption.startsWith('Regime grouping'))
    expect(grouping?.kind === 'table' && grouping.rows.map((r) => r[0])).toEqual(['jump', 'kmeans', 'hmm'])
    expect(grouping?.kind === 'table' && grouping.rows[1]![1]).toBe(`${(report.metrics.kmeans_accuracy! * 100).toFixed(1)}%`)
    const folds = blocks.find((b) => b.kind === 'table' && b.caption.startsWith('Anchored walk-forward'))
    expect(folds?.kind === 'table' && folds.rows).toHaveLength(4)
    const text = blocks[0]!.kind === 'text' ? blocks[0]!.text : ''
    expect(text).toContain(`${t.faultAlerts.toLocaleString('en-US')} fault-line alerts`)
    expect(text).toContain('Flow Capture')
  }, 60_000)

  it('gives no terrain facts for a run whose telemetry has no terrain block', () => {
    expect(terrainFacts({ assets: ['a'] })).toBeUndefined()
    expect(terrainBlocks({ metrics: [] })).toEqual([])
  })
})
