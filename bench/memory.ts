import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { LabRunSpec } from '../src/shared/contract'
import { systemClock } from '../src/main/clock'
import { executeLab } from '../src/main/labs/execute'
import { runAndStore } from '../src/main/runs/store-run'
import { openDatabase } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'

// `npm run bench`, memory: peak resident memory of one microstructure run (the lab that runs to
// 20,000,000 steps) against its length, each in a fresh process, as the CLI runs it: with its
// decision log committed to SQLite batch by batch (`run --db`), and without a store.

export const MEMORY_PROBE_FLAG = '--memory-probe'
const LENGTHS = [1_000_000, 2_000_000, 10_000_000]

const spec = (steps: number): LabRunSpec => ({ task: 'lab', lab: 'microstructure', preset: 'faithful', overrides: { steps } })

/** In the child: one run, then its peak RSS and time as a JSON line. */
export async function memoryProbe(args: string[]): Promise<void> {
  const steps = Number(args[0])
  const store = args[1] === 'store'
  const t0 = performance.now()
  if (store) {
    const dir = mkdtempSync(join(tmpdir(), 'mechanica-memory-'))
    const db = openDatabase(join(dir, 'probe.db'))
    try {
      const stored = await runAndStore(new RunsRepository(db), spec(steps), { clock: systemClock, codeVersion: 'bench' })
      if (!stored.output) throw stored.error
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  } else {
    await executeLab(spec(steps))
  }
  const seconds = (performance.now() - t0) / 1000
  console.log(JSON.stringify({ steps, store, seconds, maxRssKb: process.resourceUsage().maxRSS }))
}

export async function benchMemory(): Promise<void> {
  console.log('\nmemory — microstructure (faithful, baseline_mm), peak resident set of one run in a fresh process')
  console.log(`${'steps'.padStart(12)} ${'decision log'.padEnd(22)} ${'peak RSS'.padStart(10)} ${'seconds'.padStart(8)} ${'steps/s'.padStart(9)}`)
  for (const store of [true, false]) {
    for (const steps of LENGTHS) {
      const out = spawnSync(process.execPath, [process.argv[1]!, MEMORY_PROBE_FLAG, String(steps), store ? 'store' : 'none'], { encoding: 'utf8', timeout: 15 * 60_000 })
      if (out.status !== 0) {
        console.log(`${steps.toLocaleString('en-US').padStart(12)} failed: ${(out.stderr || out.error?.message || '').trim().split('\n').at(-1)}`)
        continue
      }
      const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssKb: number }
      console.log(
        `${steps.toLocaleString('en-US').padStart(12)} ${(store ? 'SQLite, in batches' : 'none (no store)').padEnd(22)} ${`${(r.maxRssKb / 1024).toFixed(0)} MB`.padStart(10)} ${r.seconds.toFixed(1).padStart(8)} ${`${(steps / r.seconds / 1e3).toFixed(0)} k`.padStart(9)}`
      )
    }
  }
}
