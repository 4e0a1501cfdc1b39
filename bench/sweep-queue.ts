import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { SweepCellTask } from '../src/shared/contract/protocol'
import { systemClock } from '../src/main/clock'
import { runCell } from '../src/main/experiments/run-cell'
import { parseQueueUrl } from '../src/main/queue/connection'
import { DEFAULT_QUEUE_BATCH, collectSweep, enqueueCells, newQueuedSweepId, openQueue } from '../src/main/queue/coordinator'
import { REDIS_SERVER, RedisTestServer } from '../src/main/queue/redis-test-server'
import { openDatabase } from '../src/main/store/database'
import { QueuedSweepsRepository } from '../src/main/store/queued-sweeps-repository'
import { CODE_VERSION } from '../src/main/version'
import { sweepRate } from './sweep-scaling'

// `npm run bench`, queue: one sweep of an 800-step lab on the local pool (1 and 2 engine
// processes, batched) and through a Redis queue with two local `mechanica worker`s (one engine
// each), in this same run; the queue's cost per job against the pool's; and how many results a
// second the coordinator writes. `npm run bench -- --queue --runs 10000` for the full-size sweep.

const DEFAULT_RUNS = 1000
const WRITES = 10_000

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'cli.js'), 'worker', '--queue', url, '--concurrency', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
  return new Promise((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      if (err.includes('worker: serving')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)))
  })
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

export async function benchQueue(args: string[] = []): Promise<void> {
  const runsText = argValue(args, '--runs')
  const runs = runsText === undefined ? DEFAULT_RUNS : Number(runsText)
  if (!Number.isInteger(runs) || runs < 10) throw new Error(`--runs must be a whole number ≥ 10 (got ${runsText})`)
  if (!existsSync(REDIS_SERVER)) {
    console.log(`\nqueue — skipped: no redis-server at ${REDIS_SERVER} (node tools/bootstrap.mjs --for-tests installs it)`)
    return
  }
  const cells = Array.from({ length: runs }, (_, i): SweepCellTask => ({ spec: { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 800 }, seed: i + 1 } }))
  console.log(`\nqueue — ${runs.toLocaleString('en-US')} runs of fx-carry, 800 steps (load average ${loadavg()[0]!.toFixed(2)} at start)`)
  const one = await sweepRate(cells, 1, true)
  const two = await sweepRate(cells, 2, true)
  console.log(`  local pool, 1 process:         ${one.perSecond.toFixed(0).padStart(6)} runs/s`)
  console.log(`  local pool, 2 processes:       ${two.perSecond.toFixed(0).padStart(6)} runs/s`)

  const redis = await RedisTestServer.start()
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-queue-'))
  const workers: ChildProcess[] = []
  const db = openDatabase(join(dir, 'queue.db'))
  const endpoint = parseQueueUrl(redis.url)
  const queue = openQueue(endpoint)
  try {
    workers.push(...(await Promise.all([startWorker(redis.url), startWorker(redis.url)])))
    const repo = new QueuedSweepsRepository(db)
    // One cell a job (as before batching) against batches, in this run, on the same workers.
    const batches = (argValue(args, '--batches') ?? `1,4,${DEFAULT_QUEUE_BATCH},32`).split(',').map(Number)
    let sweep = null as ReturnType<QueuedSweepsRepository['create']> | null
    for (const batch of batches) {
      const plan = { cells: cells.map((c) => ({ label: 'base', changes: {}, spec: c.spec })), log: false, batch }
      sweep = repo.create({ id: newQueuedSweepId(), lab: 'fx-carry', preset: 'faithful', queue: endpoint.display, plan, codeVersion: CODE_VERSION, createdAt: systemClock.isoNow(), cells: runs })
      const t0 = performance.now()
      await enqueueCells(queue, sweep, cells.map((_, i) => i))
      await collectSweep(queue, repo, sweep, { clock: systemClock, pollMs: 20 })
      const seconds = (performance.now() - t0) / 1000
      const queued = runs / seconds
      const failed = repo.failed(sweep.id)
      // Each worker runs one job at a time: what a job costs beyond its runs is the difference
      // between a worker's time per job and a pool process's time for the same runs.
      const overheadMs = (2 / queued - 2 / two.perSecond) * 1000 * batch
      console.log(
        `  queue, 2 workers, ${String(batch).padStart(2)} cells a job: ${queued.toFixed(0).padStart(5)} runs/s${failed ? ` (${failed} failed)` : ''}; × ${(queued / two.perSecond).toFixed(2)} the 2-process pool; overhead ${overheadMs.toFixed(2)} ms a job, ${(overheadMs / batch).toFixed(2)} ms a run`
      )
    }
    console.log(`  (a run itself: ${((2 / two.perSecond) * 1000).toFixed(2)} ms on the 2-process pool)`)
    if (!sweep) throw new Error('--batches gave no batch size')

    // The coordinator's writer alone: realistic rows, 500 per transaction as collectSweep writes them.
    const sample = await runCell(cells[0]!, false)
    if (!sample.ok) throw new Error(sample.error.message)
    const writes = repo.create({ ...sweep, id: newQueuedSweepId(), cells: WRITES })
    const w0 = performance.now()
    for (let first = 0; first < WRITES; first += 500) {
      const batch = Array.from({ length: Math.min(500, WRITES - first) }, (_, i) => ({ jobId: `${writes.id}-${first + i}`, cell: first + i, ok: true, summary: sample.summary, error: null, worker: 'bench:1', attempts: 1 }))
      repo.write(writes.id, batch, systemClock.isoNow())
    }
    const writeSeconds = (performance.now() - w0) / 1000
    console.log(`  coordinator writes: ${(WRITES / writeSeconds).toFixed(0)} results/s (${WRITES.toLocaleString('en-US')} rows, 500 a transaction, synchronous=FULL)`)
  } finally {
    await queue.close()
    db.close()
    for (const w of workers) w.kill('SIGTERM')
    await redis.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}
