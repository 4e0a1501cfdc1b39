import { describe, expect, it } from 'vitest'
import { STREAM_MAX_BUCKETS } from '../../shared/contract'
import { bucketWidth, concatConflated, conflateMinMax } from '../../shared/series-conflation'
import { cumulative, runCollected } from '../engine/kernel'
import { executeLab, planLab } from './execute'
import type { SeriesChunk } from './series-stream'

async function streamed(lab: string, overrides: Record<string, unknown>) {
  const spec = { task: 'lab' as const, lab, preset: 'faithful', overrides }
  const plan = planLab(spec)
  const chunks: SeriesChunk[] = []
  const output = await executeLab(spec, { onSeries: (chunk) => chunks.push(chunk) })
  // The same run's every step, from the kernel's collector: what the stream conflates.
  const run = await runCollected(plan.lab, plan.config)
  const c = run.columns
  const whole = conflateMinMax(
    {
      equity: c.equity,
      drawdown: c.drawdown,
      leverage: c.leverage,
      cumulativeCost: cumulative(c.cost),
      regime: c.regime,
      action: c.action,
      ...Object.fromEntries(run.costComponents.map((name) => [`cost:${name}`, cumulative(c.costByComponent[name]!)]))
    },
    run.steps,
    { width: bucketWidth(plan.steps, STREAM_MAX_BUCKETS), sampled: new Set(['regime', 'action']) }
  )
  return { chunks, output, plan, run, whole }
}

describe('streamed series of a running lab', () => {
  it('arrive in chunks that join to the conflated whole run, the stored series, with every constraint event', async () => {
    // 60,000 steps: 14 blocks of 4,096 recorded steps, bucket width 15
    const { chunks, output, plan, run, whole } = await streamed('latency-arb', { T: 60_000 })
    expect(chunks.length).toBeGreaterThan(10)
    const width = bucketWidth(plan.steps, STREAM_MAX_BUCKETS)
    expect(chunks.every((c) => c.bucket === width && c.total === 60_000)).toBe(true)
    // done grows chunk by chunk: the chart can show the series growing
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.done).toBeGreaterThan(chunks[i - 1]!.done)

    const joined = concatConflated(chunks.map((c) => ({ t: c.t, columns: c.columns })))
    const stored = output.results.series
    expect(stored.bucket).toBe(width)
    for (const series of [joined, stored]) {
      expect(Array.from(series.t)).toEqual(Array.from(whole.t))
      for (const name of Object.keys(whole.columns)) {
        // running sums are added step by step in both, in the same order
        expect(Array.from(series.columns[name]!), name).toEqual(Array.from(whole.columns[name]!))
      }
    }
    const events = chunks.flatMap((c) => c.events)
    expect(events.map((e) => e.t)).toEqual(run.events.map((e) => e.t))
  })

  it('a run shorter than one block streams its steps once, at the end, every step kept', async () => {
    const { chunks, output, run } = await streamed('fx-carry', {})
    expect(chunks.length).toBe(1)
    expect(chunks[0]!.bucket).toBe(1)
    expect(chunks[0]!.t.length).toBe(output.results.steps)
    expect(Array.from(chunks[0]!.columns.equity!)).toEqual(Array.from(run.columns.equity))
    expect(Array.from(output.results.series.columns.equity!)).toEqual(Array.from(run.columns.equity))
  })
})
