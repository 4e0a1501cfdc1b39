import type { Queue } from 'bullmq'
import { ApiError, type LabRunSpec, type SweepCell, type SweepStartRequest } from '../../shared/contract'
import type { RunPlan } from '../../shared/contract/protocol'
import type { QueueSettings, QueueSettingsInput, QueueWorker, QueuedSweepDetail, QueuedSweepStatus } from '../../shared/contract/queue'
import type { Clock } from '../clock'
import type { Emit } from '../runs/run-manager'
import { expandSweep, summariseMetrics } from '../runs/sweep-manager'
import type { Db } from '../store/database'
import { QueuedSweepsRepository, type QueuedSweep } from '../store/queued-sweeps-repository'
import { QueueConfigError } from './connection'
import type { QueueProgress } from './coordinator'
import { QueueSettingsStore } from './queue-settings'
import { ThroughputWindow } from './throughput'

export interface QueueServiceDeps {
  db: Db
  /** Validates a cell's spec before anything is queued (the engine's `engine.plan`). */
  plan(spec: LabRunSpec): Promise<RunPlan>
  emit: Emit
  clock: Clock
  settings: QueueSettingsStore
  codeVersion: string
  /** How often the coordinator reads finished jobs back (ms). */
  pollMs?: number
}

/** A sweep this process is collecting: its queue connection and what the last poll saw. */
interface Collecting {
  sweep: QueuedSweep
  queue: Queue
  controller: AbortController
  progress: QueueProgress | null
  connected: Set<string>
  problem: string | null
  rates: ThroughputWindow
  lastEmit: number
  done: Promise<void>
}

/** Progress frames per second per sweep: depth and workers change slowly, a table redraw is not free. */
const EMIT_INTERVAL_MS = 500

/**
 * Queued sweeps from the app: the coordinator runs here in main, the store's one writer, as the
 * CLI's `sweep --queue` does; `queue.progress` carries depth, workers, retries and ETA to the
 * renderer as `sweep.updated` does for local sweeps.
 */
export class QueueService {
  private readonly repo: QueuedSweepsRepository
  private readonly collecting = new Map<string, Collecting>()

  constructor(private readonly deps: QueueServiceDeps) {
    this.repo = new QueuedSweepsRepository(deps.db)
  }

  settings(): QueueSettings {
    return this.deps.settings.view()
  }

  configure(input: QueueSettingsInput): QueueSettings {
    try {
      return this.deps.settings.configure(input)
    } catch (error) {
      if (!(error instanceof QueueConfigError)) throw error
      throw new ApiError('invalid_params', error.message, [{ path: 'url', message: error.message }])
    }
  }

  /** Every cell is planned first (a bad value fails the call, nothing queued); then the cells go on the queue. */
  async start(request: SweepStartRequest): Promise<QueuedSweepStatus> {
    let endpoint
    try {
      endpoint = this.deps.settings.endpoint()
    } catch (error) {
      throw new ApiError('invalid_params', `The queue settings are not usable: ${(error as Error).message}`)
    }
    let expanded: ReturnType<typeof expandSweep>
    try {
      expanded = expandSweep(request)
    } catch (error) {
      throw new ApiError('invalid_params', (error as Error).message)
    }
    const plans = await Promise.all(
      expanded.planned.map((p) =>
        this.deps.plan(p.spec).catch((error: unknown) => {
          if (error instanceof ApiError && (error.code === 'invalid_params' || error.code === 'not_found')) throw new ApiError(error.code, `Sweep cell ${p.label === 'base' ? `seed ${p.seed}` : p.label}: ${error.message}`, error.issues)
          throw error
        })
      )
    )
    const needs = plans.findIndex((p) => p.requires.length > 0)
    if (needs >= 0) throw new ApiError('invalid_params', `${expanded.planned[needs]!.label} needs the regime model, which queue workers do not run; run this sweep on this machine`)
    const cells = expanded.planned.length
    const { newQueuedSweepId, queueBatchSizeFor, openQueue, enqueueCells } = await this.coordinator()
    const sweep = this.repo.create({
      id: newQueuedSweepId(),
      lab: request.lab,
      preset: request.preset,
      queue: endpoint.display,
      plan: {
        cells: expanded.planned.map((p, i) => ({ label: expanded.cells[i]!.label, changes: p.changes, spec: p.spec, coords: expanded.cells[i]!.coords })),
        log: false,
        batch: this.deps.settings.batch() ?? queueBatchSizeFor(cells),
        sweep: expanded.spec
      },
      codeVersion: this.deps.codeVersion,
      createdAt: this.deps.clock.isoNow(),
      cells
    })
    const queue = openQueue(endpoint)
    try {
      await enqueueCells(queue, sweep, Array.from({ length: cells }, (_, i) => i))
    } catch (error) {
      await queue.close().catch(() => undefined)
      this.repo.end(sweep.id, 'failed', this.deps.clock.isoNow())
      throw new ApiError('service_unavailable', `Cannot reach the queue at ${endpoint.display}: ${(error as Error).message}`)
    }
    this.collect(sweep, queue, (await this.coordinator()).collectSweep)
    const status = this.status(sweep.id)
    this.deps.emit('queue.progress', { sweep: status })
    return status
  }

  list(limit: number): QueuedSweepStatus[] {
    return this.repo.list(limit).map((s) => this.statusOf(s))
  }

  get(id: string): QueuedSweepDetail {
    const sweep = this.require(id)
    const results = new Map(this.repo.results(id).map((r) => [r.cell, r]))
    const cells = sweep.plan.cells.map((c, index): SweepCell => {
      const r = results.get(index)
      const live = this.collecting.has(id)
      return {
        index,
        label: c.label,
        seed: c.spec.seed ?? null,
        coords: c.coords ?? [],
        changes: c.changes,
        runId: null,
        status: r ? (r.ok ? 'completed' : 'failed') : live ? 'pending' : sweep.status === 'cancelled' ? 'cancelled' : 'interrupted',
        metrics: r?.summary?.metrics ?? null,
        error: r?.error ?? null
      }
    })
    return { sweep: this.statusOf(sweep), cells, ...summariseMetrics(cells) }
  }

  status(id: string): QueuedSweepStatus {
    return this.statusOf(this.require(id))
  }

  /** Stops collecting and removes the jobs no worker has taken; jobs already running finish on their workers unread. */
  async cancel(id: string): Promise<{ cancelled: boolean; removedJobs: number }> {
    const sweep = this.require(id)
    const live = this.collecting.get(id)
    if (!live) return { cancelled: false, removedJobs: 0 }
    live.controller.abort()
    await live.done
    const removedJobs = await (await this.coordinator()).removeWaitingJobs(live.queue, sweep)
    this.repo.end(id, 'cancelled', this.deps.clock.isoNow())
    await live.queue.close().catch(() => undefined)
    this.deps.emit('queue.progress', { sweep: this.status(id) })
    return { cancelled: true, removedJobs }
  }

  /** On quit: stop collecting (what is written stays; `sweep --attach` or a later start picks the rest up). */
  async close(): Promise<void> {
    const all = [...this.collecting.values()]
    for (const c of all) c.controller.abort()
    await Promise.all(all.map((c) => c.done))
    for (const c of all) this.repo.end(c.sweep.id, 'interrupted', this.deps.clock.isoNow())
    await Promise.all(all.map((c) => c.queue.close().catch(() => undefined)))
  }

  private require(id: string): QueuedSweep {
    const sweep = this.repo.get(id)
    if (!sweep) throw new ApiError('not_found', `There is no queued sweep ${id}.`)
    return sweep
  }

  /** bullmq takes about 0.2 s to load: the host loads it with the first queued sweep, not at start. */
  private coordinatorModule: Promise<typeof import('./coordinator')> | null = null
  private coordinator(): Promise<typeof import('./coordinator')> {
    return (this.coordinatorModule ??= import('./coordinator'))
  }

  private collect(sweep: QueuedSweep, queue: Queue, collectSweep: (typeof import('./coordinator'))['collectSweep']): void {
    const c: Collecting = { sweep, queue, controller: new AbortController(), progress: null, connected: new Set(), problem: null, rates: new ThroughputWindow(), lastEmit: 0, done: Promise.resolve() }
    this.collecting.set(sweep.id, c)
    const { clock } = this.deps
    c.done = collectSweep(queue, this.repo, sweep, {
      clock,
      signal: c.controller.signal,
      pollMs: this.deps.pollMs ?? 200,
      onProgress: (progress, workers) => {
        c.progress = progress
        c.problem = null
        c.connected = new Set(workers)
        c.rates.add(clock.nowMs(), progress.done, this.repo.cellsByWorker(sweep.id))
        if (clock.nowMs() - c.lastEmit >= EMIT_INTERVAL_MS || progress.done === progress.total) {
          c.lastEmit = clock.nowMs()
          this.deps.emit('queue.progress', { sweep: this.statusOf(sweep) })
        }
      },
      onError: (error) => {
        if (c.problem === error.message) return
        c.problem = error.message
        this.deps.emit('queue.progress', { sweep: this.statusOf(sweep) })
      }
    }).then(async () => {
      this.collecting.delete(sweep.id)
      if (c.controller.signal.aborted) return
      this.repo.end(sweep.id, 'completed', clock.isoNow())
      await queue.close().catch(() => undefined)
      this.deps.emit('queue.progress', { sweep: this.status(sweep.id) })
    })
  }

  private statusOf(sweep: QueuedSweep): QueuedSweepStatus {
    const live = this.collecting.get(sweep.id)
    const done = this.repo.written(sweep.id)
    const failed = this.repo.failed(sweep.id)
    const spec = sweep.plan.sweep
    const byWorker = new Map(this.repo.cellsByWorker(sweep.id).map((w) => [w.worker, w.cells]))
    const names = [...new Set([...(live?.connected ?? []), ...byWorker.keys()])].sort()
    const workers = names.map(
      (name): QueueWorker => ({
        name,
        host: name.includes(':') ? name.slice(0, name.lastIndexOf(':')) : name,
        connected: live?.connected.has(name) ?? false,
        cells: byWorker.get(name) ?? 0,
        cellsPerSecond: live?.rates.workerRate(name) ?? null
      })
    )
    const rate = live?.rates.rate() ?? null
    return {
      id: sweep.id,
      lab: sweep.lab,
      preset: sweep.preset,
      kind: spec?.kind ?? 'seeds',
      axes: spec?.axes ?? [],
      seeds: spec?.seeds ?? null,
      overrides: spec?.overrides ?? {},
      queue: sweep.queue,
      status: sweep.status,
      createdAt: sweep.createdAt,
      finishedAt: sweep.finishedAt,
      cells: sweep.cells,
      batch: sweep.plan.batch ?? 1,
      done,
      completed: done - failed,
      failed,
      waitingJobs: live?.progress?.waiting ?? null,
      activeJobs: live?.progress?.active ?? null,
      retries: live?.progress?.retries ?? 0,
      workers,
      runsPerSecond: rate,
      etaSeconds: rate && rate > 0 && done < sweep.cells ? (sweep.cells - done) / rate : null,
      problem: live?.problem ?? null
    }
  }
}
