import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chainRun, stepBytes } from '../src/main/audit/chain'
import { AuditStore } from '../src/main/store/audit-store'
import { openDatabase } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { syntheticStepRecords } from '../src/main/store/synthetic-step-log'

/**
 * The audit chain at a million steps: linking every step and event (done in the engine when a
 * run's records are built) and verifying a stored run chunk by chunk. Baseline: the same
 * canonical bytes through one sha256 (what any content hash of the log costs at least).
 */
export async function benchAuditChain(): Promise<void> {
  const STEPS = 1_000_000
  const records = syntheticStepRecords(STEPS, 1)
  const t0 = performance.now()
  const single = createHash('sha256')
  for (let i = 0; i < STEPS; i++) single.update(stepBytes(records, i))
  single.digest()
  const baselineMs = performance.now() - t0

  const t1 = performance.now()
  records.chain = chainRun(records, records.events)
  const chainMs = performance.now() - t1

  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-chain-'))
  const db = openDatabase(join(dir, 'chain.db'))
  const repository = new RunsRepository(db)
  const spec = { task: 'lab' as const, lab: 'synthetic', preset: 'faithful', overrides: {} }
  const run = repository.create({ spec, seed: 1, steps: STEPS, configHash: 'c'.repeat(64), codeVersion: 'bench', createdAt: new Date(0).toISOString() })
  repository.complete(
    run.id,
    new Date(0).toISOString(),
    { results: { kind: 'random-walk', summary: { steps: STEPS, final: 0, min: 0, max: 0, meanIncrement: 0, stdevIncrement: 0, maxDrawdown: 0 }, pathStride: 1, path: new Float64Array(1) }, resultsHash: 'h'.repeat(64) },
    records
  )
  const t2 = performance.now()
  const report = new AuditStore(db).verify(run.id, records.chain.head)
  const verifyMs = performance.now() - t2
  db.close()
  rmSync(dir, { recursive: true, force: true })
  if (report.status !== 'intact') throw new Error(`bench: the stored chain did not verify (${report.firstBreak?.detail})`)

  console.log(`\naudit chain, ${STEPS.toLocaleString('en-US')} steps + ${records.events.length.toLocaleString('en-US')} events`)
  console.log(`| measure | ms | × one sha256 over the same bytes |`)
  console.log(`|---|---:|---:|`)
  console.log(`| baseline: canonical bytes → one sha256 | ${baselineMs.toFixed(0)} | 1.00 |`)
  console.log(`| link every row (engine, when the run's records are built) | ${chainMs.toFixed(0)} | ${(chainMs / baselineMs).toFixed(2)} |`)
  console.log(`| verify the stored run (decode chunks, relink, compare) | ${verifyMs.toFixed(0)} | ${(verifyMs / baselineMs).toFixed(2)} |`)
}
