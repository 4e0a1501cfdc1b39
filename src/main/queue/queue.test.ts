import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deserialize } from 'node:v8'
import { gunzipSync } from 'node:zlib'
import { Queue } from 'bullmq'
import type { CellSummary, StepLogSlice } from '../../shared/contract/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BUILT_CLI, mechanica } from '../cli-test-support'
import { openDatabase } from '../store/database'
import { QUEUE_NAME } from './jobs'
import { RedisTestServer } from './redis-test-server'

// Queue mode against a real redis-server on a random loopback port, with real `mechanica worker`
// and `mechanica sweep` processes, killed and restarted the way they fail in practice.

let redis: RedisTestServer
let dir: string
const children = new Set<ChildProcess>()

beforeAll(async () => {
  redis = await RedisTestServer.start()
  dir = mkdtempSync(join(tmpdir(), 'mechanica-queue-'))
})
afterEach(async () => {
  await Promise.all([...children].map((c) => stopChild(c, 'SIGKILL')))
})
afterAll(async () => {
  await redis?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Running {
  child: ChildProcess
  stderr: () => string
  done: Promise<{ code: number | null; stdout: string; stderr: string }>
}

function launch(args: string[]): Running {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child)
      resolve({ code, stdout, stderr })
    })
  )
  return { child, stderr: () => stderr, done }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A worker whose jobs come back to the queue 2 s after it dies (not 30 s). */
async function worker(): Promise<Running> {
  const w = launch(['worker', '--queue', redis.url, '--concurrency', '1', '--lock-ms', '2000'])
  await until('the worker to serve', () => w.stderr().includes('worker: serving'))
  return w
}

interface Row {
  label: string
  seed: number
  ok: boolean
  resultsHash?: string
  error?: string
}

function rowsOf(stdout: string): Row[] {
  return (JSON.parse(stdout) as { table: Row[] }).table
}

function storedCells(db: string, sweep: string): Array<{ cell: number; n: number }> {
  const handle = openDatabase(db)
  try {
    return handle.prepare('SELECT cell, count(*) AS n FROM queued_results WHERE sweep_id = ? GROUP BY cell ORDER BY cell').all(sweep) as Array<{ cell: number; n: number }>
  } finally {
    handle.close()
  }
}

const sweepIdIn = (stderr: string): string => /as sweep ([0-9a-f]{12})/.exec(stderr)?.[1] ?? ''

describe('sweeps through a Redis queue', () => {
  it('gives the local pool’s rows, cell for cell, and writes each cell once', async () => {
    const args = ['sweep', 'fx-carry', '--seeds', '1..6', '--set', 'T=200', '--json']
    const local = await mechanica(...args, '--jobs', '1')
    expect(local.code, local.stderr).toBe(0)
    await Promise.all([worker(), worker()])
    const db = join(dir, 'equal.db')
    // Batches of 4: a full batch and a short one.
    const queued = await mechanica(...args, '--queue', redis.url, '--db', db, '--step-log', '--batch', '4')
    expect(queued.code, queued.stderr).toBe(0)
    expect(rowsOf(queued.stdout)).toEqual(rowsOf(local.stdout))
    const sweep = sweepIdIn(queued.stderr)
    expect(storedCells(db, sweep)).toEqual([0, 1, 2, 3, 4, 5].map((cell) => ({ cell, n: 1 })))
    // The decision log came back compressed: every step, chained up to the manifest's head.
    const handle = openDatabase(db)
    try {
      const row = handle.prepare('SELECT step_log, summary_json FROM queued_results WHERE sweep_id = ? AND cell = 2').get(sweep) as { step_log: Buffer; summary_json: string }
      const slices = deserialize(gunzipSync(row.step_log)) as StepLogSlice[]
      expect(slices.reduce((n, slice) => n + slice.t.length, 0)).toBe(200)
      expect(slices.at(-1)?.chain.head).toBe((JSON.parse(row.summary_json) as CellSummary).manifest.chainHead)
    } finally {
      handle.close()
    }
  }, 120_000)

  it('retries a killed worker’s job on another worker: nothing missing, nothing doubled', async () => {
    const local = await mechanica('sweep', 'fx-carry', '--seeds', '1..4', '--set', 'T=30000', '--json', '--jobs', '1')
    const doomed = await worker()
    const db = join(dir, 'killed.db')
    // Two cells a job: the killed worker's whole batch is retried, and still no cell is written twice.
    const sweep = launch(['sweep', 'fx-carry', '--seeds', '1..4', '--set', 'T=30000', '--json', '--queue', redis.url, '--db', db, '--batch', '2'])
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      await until('a job to be running', async () => (await queue.getJobCounts('active')).active! > 0)
    } finally {
      await queue.close()
    }
    await stopChild(doomed.child, 'SIGKILL')
    await worker()
    const out = await sweep.done
    expect(out.code, out.stderr).toBe(0)
    expect(rowsOf(out.stdout)).toEqual(rowsOf(local.stdout))
    expect(storedCells(db, sweepIdIn(out.stderr))).toEqual([0, 1, 2, 3].map((cell) => ({ cell, n: 1 })))
  }, 180_000)

  it('resumes when Redis restarts mid-sweep', async () => {
    await worker()
    const db = join(dir, 'restart.db')
    // Long enough runs that the sweep is still going when Redis goes down, however many workers
    // earlier tests left serving: restart once some job is running and not all are done.
    // (progress prints at most once a second, so the sweep must outlast a few seconds)
    const sweep = launch(['sweep', 'fx-carry', '--seeds', '1..16', '--set', 'T=100000', '--json', '--queue', redis.url, '--db', db])
    await until('a job running mid-sweep', () => /sweep: ([0-9]|1[0-5])\/16 runs \(queue: \d+ waiting, [1-9]\d* running/.test(sweep.stderr()))
    await redis.restart()
    const out = await sweep.done
    expect(out.code, out.stderr).toBe(0)
    const rows = rowsOf(out.stdout)
    expect(rows.map((r) => r.seed)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    expect(rows.every((r) => r.ok)).toBe(true)
    expect(storedCells(db, sweepIdIn(out.stderr)).map((c) => c.n)).toEqual(new Array(16).fill(1))
  }, 180_000)

  it('collects a sweep whose coordinator was killed with sweep --attach', async () => {
    const db = join(dir, 'attach.db')
    const args = ['sweep', 'fx-carry', '--seeds', '1..5', '--set', 'T=200', '--json']
    const coordinator = launch([...args, '--queue', redis.url, '--db', db])
    await until('the cells to be queued', () => sweepIdIn(coordinator.stderr()) !== '')
    const id = sweepIdIn(coordinator.stderr())
    await stopChild(coordinator.child, 'SIGKILL')
    await worker()
    const attached = await mechanica('sweep', '--attach', id, '--db', db, '--json')
    expect(attached.code, attached.stderr).toBe(0)
    const local = await mechanica(...args, '--jobs', '1')
    expect(rowsOf(attached.stdout)).toEqual(rowsOf(local.stdout))
    expect(storedCells(db, id).map((c) => c.n)).toEqual([1, 1, 1, 1, 1])
  }, 120_000)

  it('rejects a malformed or foreign job with its reason, and goes on working', async () => {
    const w = await worker()
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      await queue.add('cells', { kind: 'mechanica.sweep-cells', hack: true }, { jobId: 'bogus-1' })
      const spec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 100 }, seed: 1 }
      await queue.add('cells', { kind: 'mechanica.sweep-cells', codeVersion: '0.0.1+elsewhere', sweep: 'abcdefabcdef', first: 0, specs: [spec], log: false }, { jobId: 'abcdefabcdef-0' })
      await until('both jobs to fail', async () => (await queue.getJobCounts('failed')).failed === 2)
      const malformed = await queue.getJob('bogus-1')
      const foreign = await queue.getJob('abcdefabcdef-0')
      expect(malformed?.failedReason).toMatch(/^malformed sweep job bogus-1: /)
      expect(foreign?.failedReason).toMatch(/was planned by code version 0\.0\.1\+elsewhere; this worker runs /)
      expect(foreign?.attemptsMade).toBe(1)
      await queue.obliterate({ force: true })
    } finally {
      await queue.close()
    }
    expect(w.stderr()).toMatch(/worker: rejected malformed sweep job bogus-1/)
    expect(w.stderr()).toMatch(/worker: rejected sweep job abcdefabcdef-0 was planned by code version/)
    const after = await mechanica('sweep', 'fx-carry', '--seeds', '1..2', '--set', 'T=100', '--json', '--queue', redis.url, '--db', join(dir, 'after.db'))
    expect(after.code, after.stderr).toBe(0)
    expect(rowsOf(after.stdout).every((r) => r.ok)).toBe(true)
  }, 120_000)

  it('refuses a Redis on another host without --allow-remote, before anything is queued', async () => {
    const out = await mechanica('sweep', 'fx-carry', '--seeds', '1..2', '--queue', 'redis://192.0.2.1:6379', '--db', join(dir, 'remote.db'))
    expect(out.code).toBe(2)
    expect(out.stderr.trim()).toBe('mechanica: --queue 192.0.2.1 is not this machine; pass --allow-remote to use a Redis on another host (and give it a password and TLS: rediss://user:password@host)')
  })
})
