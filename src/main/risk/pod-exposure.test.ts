import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { runAndStore } from '../runs/store-run'
import { openDatabase, type Db } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { blobToFloat64 } from '../store/series-codec'
import { CODE_VERSION } from '../version'
import { readPodExposure } from './pods'

// Net exposure is readable from what a run stores: each leg's signed position per step. The
// log's leverage column is the gross of the same positions, which pins the reading.

const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
let db: Db
let repo: RunsRepository

async function store(spec: LabRunSpec): Promise<number> {
  const stored = await runAndStore(repo, spec, { clock, codeVersion: CODE_VERSION })
  if (!stored.output) throw stored.error
  return stored.run.id
}

beforeAll(() => {
  db = openDatabase(':memory:')
  repo = new RunsRepository(db)
})
afterAll(() => db.close())

describe('a pod’s net and gross exposure from its decision log', () => {
  it('a multi-leg book: gross equals the stored leverage column, net keeps the legs’ signs', async () => {
    const id = await store({ task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 5, overrides: { T: 300 } })
    const e = readPodExposure(repo, id)
    const leverage = blobToFloat64(repo.stepColumn(id, 0, 'leverage')!)
    expect(e.legs.length).toBeGreaterThan(1)
    expect(Array.from(e.gross)).toEqual(Array.from(leverage.subarray(0, e.gross.length)))
    for (let t = 0; t < e.net.length; t++) expect(Math.abs(e.net[t]!)).toBeLessThanOrEqual(e.gross[t]! + 1e-12)
    // A spread book holds legs of both signs at some step: net strictly inside ±gross there.
    expect(e.net.some((n, t) => Math.abs(n) < e.gross[t]! - 1e-9)).toBe(true)
  })

  it('a one-leg book: net is the signed inventory (microstructure, lots)', async () => {
    const id = await store({ task: 'lab', lab: 'microstructure', preset: 'crowded_execution', seed: 3, overrides: {} })
    const e = readPodExposure(repo, id)
    expect(e.legs).toEqual(['inventory'])
    // The lone agent's TWAP sells 100 lots over 50 steps: net ends at −100, gross at 100.
    expect(e.net[e.net.length - 1]).toBe(-100)
    expect(e.gross[e.gross.length - 1]).toBe(100)
  })
})
