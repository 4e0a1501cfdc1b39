import { describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { chainRun } from '../audit/chain'
import { STEP_CHUNK, runCollected, type StepRecordBatch } from '../engine/kernel'
import { executeLab, planLab } from './execute'
import { toStepRecords } from './log-stream'
import { runLogged } from './test-support'

// credit-spreads at half its leverage cap: 9,999 steps (two full chunks and a tail), thousands of
// leverage_scale constraint events, and a rationale table that grows while the run advances.
const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 10_000, 'risk_params.max_leverage': 0.5 } }

/** The run streamed as the workstation runs it, and the same run's whole log from the kernel's collector. */
async function streamed(s: LabRunSpec = spec) {
  const { output, slices } = await runLogged(s)
  const plan = planLab(s)
  const records = toStepRecords(plan.lab, await runCollected(plan.lab, plan.config))
  return { output: { ...output, records }, slices }
}

function concatFloat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('decision log streamed in slices while a lab runs', () => {
  it('emits whole chunks while the run advances and the rest as its last slice', async () => {
    const { output, slices } = await streamed()
    const steps = output.records.t.length
    expect(steps).toBe(9_999)
    expect(slices.map((s) => [s.first, s.t.length, s.last])).toEqual([
      [0, STEP_CHUNK, false],
      [STEP_CHUNK, STEP_CHUNK, false],
      [2 * STEP_CHUNK, steps - 2 * STEP_CHUNK, true]
    ])
    // Every slice's events continue the numbering and happened at or before its last step.
    let nextEvent = 0
    for (const s of slices) {
      expect(s.firstEvent).toBe(nextEvent)
      nextEvent += s.events.length
      for (const e of s.events) expect(e.t).toBeLessThan(s.first + s.t.length)
    }
    expect(nextEvent).toBe(output.records.events.length)
    expect(nextEvent).toBeGreaterThan(1000)
  })

  it('holds the same rows, codes, names and links as the whole log, and ends on the chainRun head in the manifest', async () => {
    const { output, slices } = await streamed()
    const r: StepRecordBatch = output.records
    const whole = chainRun(r, r.events)
    expect(output.results.manifest.chainHead).toBe(whole.head)
    expect(slices.at(-1)!.chain.head).toBe(whole.head)
    expect(concatBytes(slices.map((s) => s.chain.stepLinks))).toEqual(whole.stepLinks)
    expect(concatBytes(slices.map((s) => s.chain.eventLinks))).toEqual(whole.eventLinks)
    expect(Int32Array.from(slices.flatMap((s) => [...s.t]))).toEqual(r.t)
    expect(Int32Array.from(slices.flatMap((s) => [...s.rationale]))).toEqual(r.rationale)
    expect(Uint8Array.from(slices.flatMap((s) => [...s.source]))).toEqual(r.source)
    for (const name of ['equity', 'drawdown', 'leverage', 'cost', 'netPnl', 'position', 'trade'] as const) {
      expect(concatFloat(slices.map((s) => s[name])), name).toEqual(r[name])
    }
    for (const c of Object.keys(r.costByComponent)) expect(concatFloat(slices.map((s) => s.costByComponent[c]!))).toEqual(r.costByComponent[c])
    expect(slices.flatMap((s) => s.events)).toEqual(r.events)
    // The rationale table arrives in pieces, each continuing the last, and adds up to the run's.
    let table: string[] = []
    for (const s of slices) {
      expect(s.rationalesFrom).toBe(table.length)
      table = [...table, ...s.newRationales]
    }
    expect(table).toEqual(r.rationales)
    expect(slices.slice(1).some((s) => s.newRationales.length > 0)).toBe(true)
  })

  it('gives the same results and results hash as a run without a log; the chain head is the whole log\'s', async () => {
    const { output } = await streamed()
    const unlogged = await executeLab(spec)
    expect(output.resultsHash).toBe(unlogged.resultsHash)
    expect(output.results.metrics).toEqual(unlogged.results.metrics)
    // Without a log there is no chain, so the manifest carries no head.
    expect(unlogged.results.manifest.chainHead).toBeUndefined()
    expect({ ...output.results.manifest, chainHead: undefined }).toEqual({ ...unlogged.results.manifest, chainHead: undefined })
    expect(chainRun(output.records, output.records.events).head).toBe(output.results.manifest.chainHead)
  })

  it('sends an exact multiple of the chunk size as full slices and an empty last slice', async () => {
    const exact: LabRunSpec = { task: 'lab', lab: 'latency-arb', preset: 'faithful', seed: 3, overrides: { T: 2 * STEP_CHUNK } }
    const { output, slices } = await streamed(exact)
    expect(slices.map((s) => [s.first, s.t.length, s.last])).toEqual([
      [0, STEP_CHUNK, false],
      [STEP_CHUNK, STEP_CHUNK, false],
      [2 * STEP_CHUNK, 0, true]
    ])
    expect(slices.at(-1)!.chain.head).toBe(chainRun(output.records, output.records.events).head)
  })
})
