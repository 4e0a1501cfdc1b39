import { join } from 'node:path'
import { ApiError, type ServiceName } from '../../shared/contract'
import { createRouter, type Router } from '../api/router'
import { systemClock, type Clock } from '../clock'
import { RunManager } from '../runs/run-manager'
import type { ProcessLauncher } from '../services/process-port'
import { DEFAULT_BACKOFF, SupervisedService, type BackoffPolicy, type ServiceHost } from '../services/service-host'
import { openDatabase, type Db } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { APP_VERSION, CODE_VERSION } from '../version'
import { EventBus } from './event-bus'

export interface WorkstationOptions {
  host: 'electron' | 'browser'
  databasePath: string
  launcher: ProcessLauncher
  /** Folder holding the built worker entry files (out/main/workers). */
  workersDir: string
  clock?: Clock
  backoff?: BackoffPolicy
}

export interface Workstation {
  readonly router: Router
  readonly events: EventBus
  readonly services: Record<ServiceName, ServiceHost>
  readonly runs: RunManager
  readonly db: Db
  /** Resolves once every service process has said it is ready. */
  readonly servicesReady: Promise<void>
  close(): Promise<void>
}

/**
 * Everything both hosts share: the store, the supervised services, the run manager and the
 * router. Electron and the browser host differ only in transport and window.
 */
export async function startWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const clock = options.clock ?? systemClock
  const db = openDatabase(options.databasePath)
  const repository = new RunsRepository(db)
  const events = new EventBus()
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const services: Record<ServiceName, ServiceHost> = {
    engine: new SupervisedService('engine', join(options.workersDir, 'engine.js'), options.launcher, backoff),
    inference: new SupervisedService('inference', join(options.workersDir, 'inference.js'), options.launcher, backoff)
  }
  for (const service of Object.values(services)) service.onStatus((status) => events.emit('service.status', status))

  const runs = new RunManager(services.engine, repository, events.emit, clock, CODE_VERSION)
  const interrupted = runs.recoverInterrupted()
  if (interrupted > 0) console.warn(`mechanica: ${interrupted} run(s) from the previous session were marked interrupted`)

  const router = createRouter({
    'app.info': () => ({
      name: 'Mechanica',
      version: APP_VERSION,
      codeVersion: CODE_VERSION,
      host: options.host,
      databasePath: options.databasePath,
      platform: `${process.platform}-${process.arch}`,
      runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`
    }),
    'services.status': () => ({ services: Object.values(services).map((s) => s.status()) }),
    'inference.status': (_input) => services.inference.call('inference.status', {}),
    'labs.list': () => services.engine.call('engine.labs', {}),
    'regime.classify': async ({ source }) => {
      const series = await services.engine.call<{ source: string; closes: Float64Array; labels: Int8Array | null }>('engine.regimeSeries', source)
      const report = await services.inference.call<Record<string, unknown>>('inference.regime', { closes: series.closes, labels: series.labels })
      return { source: series.source, ...report } as never
    },
    'runs.start': async ({ spec }) => ({ run: await runs.start(spec) }),
    'runs.cancel': ({ runId }) => ({ cancelled: runs.cancel(runId) }),
    'runs.list': ({ limit, offset, status }) => repository.list({ limit, offset, status }),
    'runs.get': ({ runId }) => {
      const run = repository.get(runId)
      if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
      return { run, results: repository.results(runId) }
    }
  })

  // Not awaited: the window comes up at once and calls wait for a service that is still starting.
  const servicesReady = Promise.all(Object.values(services).map((s) => s.start())).then(() => undefined)
  servicesReady.catch((error: unknown) => console.error('mechanica: a service failed to start:', (error as Error).message))

  return {
    router,
    events,
    services,
    runs,
    db,
    servicesReady,
    async close() {
      runs.shutdown()
      await Promise.all(Object.values(services).map((s) => s.stop()))
      await runs.drain()
      db.close()
    }
  }
}
