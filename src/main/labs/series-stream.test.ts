import { describe, expect, it } from 'vitest'
import { STREAM_MAX_BUCKETS } from '../../shared/contract'
import { bucketWidth, concatConflated, conflateMinMax } from '../../shared/series-conflation'
import { executeLab, planLab } from './execute'
import { SeriesStream, type SeriesChunk } from './series-stream'

async function streamed(lab: string, overrides: Record<string, unknown>) {
  const spec = { task: 'lab' as const, lab, preset: 'faithful', overrides }
  const plan = planLab(spec)
  const definition = plan.module.definition
  const chunks: SeriesChunk[] = []
  const stream = new SeriesStream(
    plan.steps,
    { regimeNames: definition.regimeNames(plan.config), actionNames: definition.actions, costComponents: definition.execution(plan.config).components },
    (chunk) => chunks.push(chunk)
  )
  const output = await executeLab(spec, { onSteps: stream.onSteps })
  stream.finish()
  return { chunks, output, plan }
}

describe('streamed series of a running lab', () => {
  it('arrive in chunks that join to the conflated final series, with every constraint event', async () => {
    // 60,000 steps: 14 blocks of 4,096 recorded steps, bucket width 15
    const { chunks, output, plan } = await streamed('latency-arb', { T: 60_000 })
    expect(chunks.length).toBeGreaterThan(10)
    const width = bucketWidth(plan.steps, STREAM_MAX_BUCKETS)
    expect(chunks.every((c) => c.bucket === width && c.total === 60_000)).toBe(true)
    // done grows chunk by chunk: the chart can show the series growing
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.done).toBeGreaterThan(chunks[i - 1]!.done)

    const joined = concatConflated(chunks.map((c) => ({ t: c.t, columns: c.columns })))
    const s = output.results.series
    const costs = Object.fromEntries(output.results.costComponents.map((c) => [`cost:${c}`, s.cumulativeCostByComponent[c]!]))
    const whole = conflateMinMax(
      { equity: s.equity, drawdown: s.drawdown, leverage: s.leverage, cumulativeCost: s.cumulativeCost, regime: s.regime, action: s.action, ...costs },
      output.results.steps,
      { width, sampled: new Set(['regime', 'action']) }
    )
    expect(Array.from(joined.t)).toEqual(Array.from(whole.t))
    for (const name of Object.keys(whole.columns)) {
      const a = joined.columns[name]!
      const b = whole.columns[name]!
      expect(a.length).toBe(b.length)
      // running sums are added step by step in both, in the same order
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 9)
    }
    const events = chunks.flatMap((c) => c.events)
    expect(events.length).toBe(output.records.events.length)
    expect(events.map((e) => e.t)).toEqual(output.records.events.map((e) => e.t))
  })

  it('a run shorter than one block still streams its steps once, at the end', async () => {
    const { chunks, output } = await streamed('fx-carry', {})
    expect(chunks.length).toBe(1)
    expect(chunks[0]!.bucket).toBe(1)
    expect(chunks[0]!.t.length).toBe(output.results.steps)
    expect(Array.from(chunks[0]!.columns.equity!)).toEqual(Array.from(output.results.series.equity))
  })
})
