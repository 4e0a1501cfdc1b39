import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LabRunSpec } from '../src/shared/contract'
import { resolveLabConfig, runLab } from '../src/main/engine/kernel'
import { bareBookLoop } from '../src/main/labs/common/order-book/bare-loop'
import { microstructureLab } from '../src/main/labs/microstructure/lab'
import { runAndStore } from '../src/main/runs/store-run'
import { openDatabase } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { REPEATS, best } from './timing'

// `npm run bench`, microstructure: order-book events per second — a bare loop over the same book
// (depth, quotes, one market order per step, nothing else) against the full lab loop (scenario,
// strategy, fills, ledger, the streaming report), then the full loop with every step's decision
// committed to SQLite in chained batches, as `run --db` and the workstation store it.

const STEPS = 200_000

/** One run through the lab's report (as the engine folds it), and the book events it made. */
async function fullLoop(steps: number): Promise<number> {
  const config = resolveLabConfig(microstructureLab, 'faithful', { steps })
  const market = microstructureLab.market(config, {})
  const report = microstructureLab.report(config, market)
  report.finish(await runLab(microstructureLab, config, { market, sinks: [report] }))
  return market.exchange.book.events
}

export async function benchMicrostructure(): Promise<void> {
  const config = resolveLabConfig(microstructureLab, 'faithful', { steps: STEPS })
  const levels = config.scenario.depth_levels
  bareBookLoop(20_000, levels, 1) // warm-up
  let bareEvents = 0
  const bare = await best(() => {
    bareEvents = bareBookLoop(STEPS, levels, 1).events
  })
  await fullLoop(20_000) // warm-up
  let fullEvents = 0
  const full = await best(async () => {
    fullEvents = await fullLoop(STEPS)
  })
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-micro-'))
  const db = openDatabase(join(dir, 'micro.db'))
  const repository = new RunsRepository(db)
  const spec: LabRunSpec = { task: 'lab', lab: 'microstructure', preset: 'faithful', overrides: { steps: STEPS } }
  const clock = { nowMs: () => 0, isoNow: () => new Date(0).toISOString() }
  const logged = await best(async () => {
    const stored = await runAndStore(repository, spec, { clock, codeVersion: 'bench' })
    if (!stored.output) throw stored.error
  })
  db.close()
  rmSync(dir, { recursive: true, force: true })
  const rate = (events: number, seconds: number): string => `${(events / seconds / 1e6).toFixed(2)} M events/s`
  console.log(`\nmicrostructure — ${STEPS.toLocaleString('en-US')} steps, ${levels} levels per side, best of ${REPEATS}`)
  console.log(`  bare book loop                             ${rate(bareEvents, bare).padStart(18)}   (${(bareEvents / STEPS).toFixed(1)} events/step)`)
  console.log(`  full loop, no logging                      ${rate(fullEvents, full).padStart(18)}   ${((bare / full) * (fullEvents / bareEvents) * 100).toFixed(0)}% of bare`)
  console.log(`  full loop + chained decision log in SQLite ${rate(fullEvents, logged).padStart(18)}   ${((full / logged) * 100).toFixed(0)}% of unlogged`)
}
