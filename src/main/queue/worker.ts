import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import { serialize } from 'node:v8'
import { gzipSync } from 'node:zlib'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import { issuesFromZod, summariseIssues } from '../../shared/contract'
import { engineMethods } from '../../shared/contract/protocol'
import type { ProcessLauncher } from '../services/process-port'
import { SupervisedService } from '../services/service-host'
import { CODE_VERSION } from '../version'
import type { QueueEndpoint } from './connection'
import { QUEUE_NAME, SweepJob, jobIdOf, type SweepJobResult } from './jobs'

export interface QueueWorkerOptions {
  endpoint: QueueEndpoint
  /** Cells run at once, one engine process each. */
  concurrency: number
  engineFile: string
  launcher: ProcessLauncher
  /** One line per event worth a person's attention (rejected jobs, failures, throughput). */
  log: (line: string) => void
  /** How long a job stays locked to this worker without a renewal (a killed worker's jobs go back after it). */
  lockMs?: number
  codeVersion?: string
}

export interface QueueWorker {
  readonly cellsDone: number
  close(): Promise<void>
}

/**
 * A sweep worker: takes jobs (batches of cells) off the queue, runs each batch in one of its
 * engine processes and answers with each cell's summary (and compressed decision log when
 * asked). A job is parsed with the router's schemas first; a malformed one, or one planned by another code version, is
 * refused for good (UnrecoverableError: no retry) with a reason, and the worker goes on.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const codeVersion = options.codeVersion ?? CODE_VERSION
  const identity = { host: hostname(), pid: process.pid }
  const engines = Array.from({ length: options.concurrency }, () => new SupervisedService('engine', engineMethods, options.engineFile, options.launcher))
  await Promise.all(engines.map((e) => e.start()))
  const idle = [...engines]
  const waiting: Array<(engine: (typeof engines)[number]) => void> = []
  const take = (): Promise<(typeof engines)[number]> => (idle.length > 0 ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve)))
  const give = (engine: (typeof engines)[number]): void => {
    const next = waiting.shift()
    if (next) next(engine)
    else idle.push(engine)
  }
  let cellsDone = 0

  const processJob = async (job: Job): Promise<SweepJobResult> => {
    const parsed = SweepJob.safeParse(job.data)
    if (!parsed.success) {
      const reason = `malformed sweep job ${job.id}: ${summariseIssues(issuesFromZod(parsed.error, job.data, 'job'))}`
      options.log(`worker: rejected ${reason}`)
      throw new UnrecoverableError(reason)
    }
    const data = parsed.data
    if (job.id !== jobIdOf(data.sweep, data.first)) {
      const reason = `sweep job ${job.id} names sweep ${data.sweep} from cell ${data.first}, whose id is ${jobIdOf(data.sweep, data.first)}`
      options.log(`worker: rejected ${reason}`)
      throw new UnrecoverableError(reason)
    }
    if (data.codeVersion !== codeVersion) {
      const reason = `sweep job ${job.id} was planned by code version ${data.codeVersion}; this worker runs ${codeVersion} (start workers from the coordinator's commit)`
      options.log(`worker: rejected ${reason}`)
      throw new UnrecoverableError(reason)
    }
    const engine = await take()
    try {
      const t0 = performance.now()
      const { cells } = await engine.call('engine.runCells', { cells: data.specs.map((spec) => ({ spec })), log: data.log })
      const runMs = performance.now() - t0
      cellsDone += cells.length
      return {
        codeVersion,
        worker: identity,
        cells: cells.map((outcome) =>
          outcome.ok
            ? { outcome: { ok: true as const, summary: outcome.summary }, ...(outcome.log ? { stepLog: gzipSync(serialize(outcome.log)).toString('base64') } : {}) }
            : { outcome }
        ),
        runMs
      }
    } finally {
      give(engine)
    }
  }

  const lockDuration = options.lockMs ?? 30_000
  const worker = new Worker(QUEUE_NAME, processJob, {
    connection: options.endpoint.connection,
    // Two jobs per engine: the next one is fetched from Redis while the engine runs this one.
    concurrency: options.concurrency * 2,
    name: `${identity.host}:${identity.pid}`,
    lockDuration,
    stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
    // A job whose worker died goes back to the queue (not to "failed") a few times over.
    maxStalledCount: 5
  })
  worker.on('failed', (job, error) => {
    if (!(error instanceof UnrecoverableError)) options.log(`worker: job ${job?.id ?? '?'} failed: ${error.message}`)
  })
  worker.on('error', (error) => options.log(`worker: ${error.message}`))
  await worker.waitUntilReady()
  return {
    get cellsDone() {
      return cellsDone
    },
    async close() {
      await worker.close()
      await Promise.all(engines.map((e) => e.stop()))
    }
  }
}
