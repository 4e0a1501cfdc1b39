import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { StepFilter } from '../src/shared/contract/steps'
import { openDatabase } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { StepQuery } from '../src/main/store/step-query'
import { syntheticStepRecords } from '../src/main/store/synthetic-step-log'

/**
 * The decision log at a million steps: a page at a random offset (cold: a fresh reader, so the
 * chunk comes from SQLite; warm: cached), and building a filter index over every row. The
 * baselines are the naive readers — one page through the row-object decoder
 * (RunsRepository.steps), and a filter by decoding every row to objects and testing them.
 */
export async function benchDecisionLog(): Promise<void> {
  const STEPS = 1_000_000
  const PAGE = 200
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-log-'))
  const db = openDatabase(join(dir, 'log.db'))
  const repository = new RunsRepository(db)
  const records = syntheticStepRecords(STEPS, 1)
  const spec = { task: 'lab' as const, lab: 'synthetic', preset: 'faithful', overrides: {} }
  const run = repository.create({ spec, seed: 1, steps: STEPS, configHash: 'c'.repeat(64), codeVersion: 'bench', createdAt: new Date(0).toISOString() })
  const written = performance.now()
  repository.complete(
    run.id,
    new Date(0).toISOString(),
    { results: { kind: 'random-walk', summary: { steps: STEPS, final: 0, min: 0, max: 0, meanIncrement: 0, stdevIncrement: 0, maxDrawdown: 0 }, pathStride: 1, path: new Float64Array(1) }, resultsHash: 'h'.repeat(64) },
    records
  )
  const writeMs = performance.now() - written

  // Deterministic "random" offsets spread over the run.
  const offsets = Array.from({ length: 200 }, (_, i) => ((i * 7_919_993) % (STEPS - PAGE)) | 0)
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const time = (fn: () => void): number => {
    const t0 = performance.now()
    fn()
    return performance.now() - t0
  }
  repository.steps(run.id, 0, PAGE) // warm-up of both readers
  new StepQuery(repository).page(run.id, 0, PAGE)
  const naivePage = median(offsets.map((o) => time(() => repository.steps(run.id, o, PAGE))))
  const coldPage = median(offsets.map((o) => time(() => new StepQuery(repository).page(run.id, o, PAGE))))
  const query = new StepQuery(repository)
  for (const o of offsets) query.page(run.id, o, PAGE)
  const warmPage = median(offsets.map((o) => time(() => query.page(run.id, o, PAGE))))

  // Filters over all rows: each on a fresh reader so the index and the columns are built from SQLite.
  const filters: Array<[string, StepFilter]> = [
    ['action = FLATTEN', { actions: ['FLATTEN'] }],
    ['regime = stress and source = RISK', { regimes: ['stress'], sources: ['RISK'] }],
    ['constraint hits only', { constraintHit: true }],
    ['text "clipped" (event messages)', { text: 'clipped' }],
    ['text "edge 17 bps" (rationales)', { text: 'edge 17 bps' }]
  ]
  const rows: Array<{ name: string; ms: number; matches: number; pageMs: number }> = []
  for (const [name, filter] of filters) {
    const fresh = new StepQuery(repository)
    let matches = 0
    const ms = time(() => {
      matches = fresh.count(run.id, filter)
    })
    const pageMs = median(offsets.slice(0, 50).map((o) => time(() => fresh.page(run.id, o % Math.max(1, matches), PAGE, filter))))
    rows.push({ name, ms, matches, pageMs })
  }
  // Baseline for a filter: decode every row to objects (the row reader), then test each one.
  const naiveFilter = time(() => {
    let matches = 0
    for (let t = 0; t < STEPS; t += 4096) for (const row of repository.steps(run.id, t, 4096)) if (row.action === 'FLATTEN') matches++
    if (matches !== rows[0]!.matches) throw new Error(`naive filter found ${matches}, the index ${rows[0]!.matches}`)
  })
  db.close()
  rmSync(dir, { recursive: true, force: true })

  console.log(`\ndecision log — ${STEPS.toLocaleString('en-US')} synthetic steps (${records.events.length.toLocaleString('en-US')} constraint events), page of ${PAGE} rows`)
  console.log(`  write the log (columnar chunks)                 ${writeMs.toFixed(0).padStart(7)} ms`)
  console.log(`  baseline: page via the row-object reader        ${naivePage.toFixed(3).padStart(7)} ms`)
  console.log(`  page at a random offset, cold (from SQLite)     ${coldPage.toFixed(3).padStart(7)} ms   × ${(coldPage / naivePage).toFixed(2)} of baseline`)
  console.log(`  page at a random offset, warm (cached chunks)   ${warmPage.toFixed(3).padStart(7)} ms   × ${(warmPage / naivePage).toFixed(2)} of baseline`)
  console.log(`  baseline: filter by decoding every row          ${naiveFilter.toFixed(0).padStart(7)} ms`)
  for (const r of rows) {
    console.log(
      `  filter index: ${r.name.padEnd(34)}${r.ms.toFixed(0).padStart(7)} ms   × ${(r.ms / naiveFilter).toFixed(3)} of baseline; ${r.matches.toLocaleString('en-US').padStart(9)} rows, then a page ${r.pageMs.toFixed(3)} ms`
    )
  }
}
