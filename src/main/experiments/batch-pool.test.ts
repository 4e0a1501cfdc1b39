import { describe, expect, it } from 'vitest'
import { ApiError, type LabRunSpec } from '../../shared/contract'
import type { CellOutcome, SweepCellTask } from '../../shared/contract/protocol'
import { executeLab } from '../labs/execute'
import { batchSizeFor, runCellsOnPool } from './batch-pool'
import { runCell } from './run-cell'

const spec = (seed: number): LabRunSpec => ({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 120 }, seed })
const cells = (n: number): SweepCellTask[] => Array.from({ length: n }, (_, i) => ({ spec: spec(i + 1) }))

/** A fake engine: answers each cell with its seed as the results hash, after a tick. */
const echo = async (_w: string, batch: SweepCellTask[]): Promise<CellOutcome[]> => {
  await new Promise((r) => setImmediate(r))
  return batch.map((c) => ({ ok: true, summary: { resultsHash: String(c.spec.seed), manifest: {} as never, metrics: {}, actions: {}, steps: 0, halted: false } }))
}

describe('batched sweep pool', () => {
  it('answers every cell once, in cell order, whichever process ran it', async () => {
    const seen: number[] = []
    const out = await runCellsOnPool(['a', 'b', 'c'], cells(101), echo, { batchSize: 7, onBatch: (first, o) => o.forEach((_, i) => seen.push(first + i)) })
    expect(out.map((o) => (o.ok ? o.summary.resultsHash : null))).toEqual(Array.from({ length: 101 }, (_, i) => String(i + 1)))
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 101 }, (_, i) => i))
  })

  it('keeps two batches queued on each process so it never waits for main', async () => {
    let inFlight = 0
    let most = 0
    await runCellsOnPool(['only'], cells(40), async (w, batch) => {
      most = Math.max(most, ++inFlight)
      const out = await echo(w, batch)
      inFlight--
      return out
    }, { batchSize: 4 })
    expect(most).toBe(2)
  })

  it('marks the cells of a batch whose process failed, and runs the rest', async () => {
    const out = await runCellsOnPool(['a'], cells(9), async (w, batch) => {
      if (batch.some((c) => c.spec.seed === 5)) throw new Error('engine process exited (SIGKILL)')
      return echo(w, batch)
    }, { batchSize: 3 })
    expect(out.map((o) => o.ok)).toEqual([true, true, true, false, false, false, true, true, true])
    expect(out[4]).toEqual({ ok: false, error: { code: 'internal', message: 'engine process exited (SIGKILL)' } })
  })

  it('stops when cancelled and says after how many runs', async () => {
    const controller = new AbortController()
    const run = runCellsOnPool(['a'], cells(50), async (w, batch) => {
      controller.abort()
      return echo(w, batch)
    }, { batchSize: 5, signal: controller.signal })
    await expect(run).rejects.toThrow(ApiError)
    await expect(run).rejects.toThrow(/cancelled after \d+ of 50 runs/)
  })

  it('sizes batches for about sixteen per process, between 1 and 64 cells', () => {
    expect(batchSizeFor(1, 2)).toBe(1)
    expect(batchSizeFor(400, 2)).toBe(13)
    expect(batchSizeFor(100_000, 2)).toBe(64)
  })
})

describe('a sweep cell', () => {
  it('keeps the same results hash, manifest and metrics as the full run', async () => {
    const full = await executeLab(spec(7))
    const cell = await runCell({ spec: spec(7) }, false)
    expect(cell.ok).toBe(true)
    if (!cell.ok) return
    expect(cell.summary.resultsHash).toBe(full.resultsHash)
    expect(cell.summary.manifest).toEqual(full.results.manifest)
    expect(cell.summary.metrics).toEqual(full.results.metrics)
    expect(cell.log).toBeUndefined()
  })

  it('carries its decision log when asked, and its head is the manifest chain head', async () => {
    const cell = await runCell({ spec: spec(7) }, true)
    if (!cell.ok) throw new Error(cell.error.message)
    expect(cell.log?.at(-1)?.last).toBe(true)
    expect(cell.log?.at(-1)?.chain.head).toBe(cell.summary.manifest.chainHead)
    expect(cell.log?.reduce((n, s) => n + s.t.length, 0)).toBe(120)
  })

  it('is a failed outcome, not a thrown error, when its spec is bad', async () => {
    const cell = await runCell({ spec: { ...spec(1), overrides: { T: -5 } } }, false)
    expect(cell).toMatchObject({ ok: false, error: { code: 'invalid_params' } })
    if (!cell.ok) expect(cell.error.message).toMatch(/T/)
  })
})
