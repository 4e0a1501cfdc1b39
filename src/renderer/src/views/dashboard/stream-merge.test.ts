import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunSeriesChunk } from '../../../../shared/contract'
import { conflateMinMax, StreamConflator } from '../../../../shared/series-conflation'
import { StreamMerger } from './stream-merge'

const SAMPLED = new Set(['regime'])

/** A run of `total` steps streamed as the engine does: buckets of `width`, chunks of `chunkSteps` steps. */
function streamed(values: { equity: number[]; regime: number[] }, total: number, width: number, chunkSteps: number): { chunks: RunSeriesChunk[]; steps: number } {
  const conflator = new StreamConflator(width, ['equity', 'regime'], SAMPLED)
  const chunks: RunSeriesChunk[] = []
  for (let from = 0; from < values.equity.length; from += chunkSteps) {
    const n = Math.min(chunkSteps, values.equity.length - from)
    const part = conflator.push(from, { equity: values.equity.slice(from, from + n), regime: values.regime.slice(from, from + n) }, n)
    if (!part) continue
    chunks.push({ runId: 7, total, done: from + n, bucket: width, t: part.t, columns: part.columns, events: [], regimeNames: ['a', 'b', 'c'], actionNames: [], costComponents: [] })
  }
  return { chunks, steps: values.equity.length }
}

describe('the dashboard series worker’s merge of a running run', () => {
  it('shows the whole groups of the stream, equal to conflating the steps at the group width directly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 1500 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 4, max: 40 }),
        fc.integer({ min: 1, max: 200 }),
        (equity, width, maxBuckets, chunkSteps) => {
          const regime = equity.map((v) => Math.abs(v) % 3)
          const total = equity.length + 500 // the run goes on past what streamed so far
          const { chunks, steps } = streamed({ equity, regime }, total, width, chunkSteps)
          const merger = new StreamMerger(maxBuckets, SAMPLED)
          for (const chunk of chunks) merger.push(chunk)
          const view = merger.view()
          if (chunks.length === 0) {
            expect(view).toBeNull()
            return
          }
          const perGroup = Math.max(1, Math.ceil(Math.ceil(total / width) / maxBuckets))
          const group = width * perGroup
          expect(view!.bucket).toBe(group)
          // Whole groups only: the steps of complete stream buckets, rounded down to groups.
          const shownSteps = perGroup === 1 ? Math.floor(steps / width) * width : Math.floor(Math.floor(steps / width) / perGroup) * group
          const direct = conflateMinMax({ equity, regime }, shownSteps, { width: group, sampled: SAMPLED })
          expect(Array.from(view!.t)).toEqual(Array.from(direct.t))
          expect(Array.from(view!.columns.equity!)).toEqual(Array.from(direct.columns.equity!))
          expect(Array.from(view!.columns.regime!)).toEqual(Array.from(direct.columns.regime!))
          // The whole run will fit the charts' width (or the stream's buckets, if those are fewer).
          expect(Math.ceil(total / group)).toBeLessThanOrEqual(Math.max(maxBuckets, perGroup === 1 ? Math.ceil(total / width) : 0))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('only ever appends: each view starts with the previous one', () => {
    const equity = Array.from({ length: 3000 }, (_, i) => Math.sin(i / 37) * 100 + (i % 11))
    const regime = equity.map((_, i) => Math.floor(i / 400) % 3)
    const { chunks } = streamed({ equity, regime }, 100_000, 10, 170)
    const merger = new StreamMerger(512, SAMPLED)
    let previous: Float64Array = new Float64Array(0)
    let grew = 0
    for (const chunk of chunks) {
      merger.push(chunk)
      const view = merger.view()!
      expect(Array.from(view.columns.equity!.subarray(0, previous.length))).toEqual(Array.from(previous))
      if (view.columns.equity!.length > previous.length) grew++
      previous = view.columns.equity!.slice()
    }
    expect(grew).toBeGreaterThan(5)
    // 100,000 steps in buckets of 10 are 10,000 stream buckets: 20 per group for 512 groups.
    expect(merger.view()!.bucket).toBe(200)
  })

  it('refuses a chunk of another run', () => {
    const { chunks } = streamed({ equity: [1, 2, 3, 4], regime: [0, 0, 1, 1] }, 10, 2, 4)
    const merger = new StreamMerger(16, SAMPLED)
    merger.push(chunks[0]!)
    expect(() => merger.push({ ...chunks[0]!, runId: 8 })).toThrow('a chunk of run #8 in the stream of run #7')
  })
})
