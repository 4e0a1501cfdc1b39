import { dirname, join, resolve } from 'node:path'
import { ApiError } from '../../shared/contract'
import { engineMethods, inferenceMethods } from '../../shared/contract/protocol'
import { createRouter, type Router } from '../api/router'
import { systemClock, type Clock } from '../clock'
import { AuditService } from '../audit/audit-service'
import { AuditStore } from '../store/audit-store'
import { comparisonAmong } from '../agent/ensemble/stored-pairs'
import { RunManager } from '../runs/run-manager'
import { serviceInputResolver } from '../runs/run-inputs'
import { runSurfaceHandlers } from '../runs/run-surfaces'
import { runTerrainHandler } from '../runs/run-terrain'
import { terrainCsvHandlers } from '../runs/terrain-csv'
import { regimeCsvHandlers } from '../runs/regime-csv'
import type { ProcessLauncher } from '../services/process-port'
import { DEFAULT_BACKOFF, SupervisedService, type BackoffPolicy, type EngineService, type InferenceService } from '../services/service-host'
import { BackupError, backupDatabase, backupNextTo } from '../store/backup'
import { openDatabase, type Db } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { StepQuery } from '../store/step-query'
import { SweepsRepository } from '../store/sweeps-repository'
import { SweepManager } from '../runs/sweep-manager'
import { APP_VERSION, CODE_VERSION } from '../version'
import { EventBus } from './event-bus'
import { workstationMemo } from '../memo/workstation-memo'
import { exportDialog, exportFolder, type ChooseExportPath } from '../memo/export-destination'
import { defaultExportDir } from '../paths'
import { AgentCallsStore } from '../store/agent-calls'
import { AgentSettingsFile, agentSettingsPathFor } from '../agent/settings/settings-file'
import { WorkstationAgent } from '../agent/settings/workstation-agent'
import { PortfolioService } from '../risk/portfolio-service'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { PortfolioDesk } from '../risk/portfolio-desk'
import { engineRunner } from '../risk/engine-equity'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { QueueService } from '../queue/queue-service'
import { QueueSettingsStore } from '../queue/queue-settings'
import { CATALOGUE_FILE, readCatalogueFile } from '../labs/catalogue-file'
import type { LabInfo } from '../../shared/contract'

export interface WorkstationOptions {
  host: 'electron' | 'browser'
  databasePath: string
  launcher: ProcessLauncher
  /** Folder holding the built worker entry files (out/main/workers). */
  workersDir: string
  clock?: Clock
  /** Renders a memo's HTML to PDF (Electron's printToPDF); the browser host has none and prints from the page. */
  printToPdf?: (html: string) => Promise<Buffer>
  /** The folder exports go to (browser host: `--export-dir`); default `exports/` beside the database. */
  exportDir?: string
  /** Electron: main's save dialog picks each export's file instead of the export folder. */
  chooseExportPath?: ChooseExportPath
  backoff?: BackoffPolicy
  /** The build's lab catalogue (catalogue-file.ts); default `lab-catalogue.json` in workersDir. */
  catalogueFile?: string
  /** The store at `databasePath`, already opened by the host (the browser host opens it before it listens). */
  db?: Db
}

export interface Workstation {
  readonly router: Router
  readonly events: EventBus
  readonly services: { readonly engine: EngineService; readonly inference: InferenceService }
  readonly runs: RunManager
  readonly sweeps: SweepManager
  readonly queue: QueueService
  readonly db: Db
  /** Resolves once the engine service has said it is ready (inference starts on its first call). */
  readonly servicesReady: Promise<void>
  /** The lab catalogue when it is at hand without waiting for the engine (the build's file, or the engine's answer once given). */
  labsAtHand(): LabInfo[] | null
  close(): Promise<void>
}

/**
 * Everything both hosts share: the store, the supervised services, the run manager and the
 * router. Electron and the browser host differ only in transport and window.
 */
export async function startWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const clock = options.clock ?? systemClock
  const db = options.db ?? openDatabase(options.databasePath)
  const repository = new RunsRepository(db)
  const events = new EventBus()
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const services = {
    engine: new SupervisedService('engine', engineMethods, join(options.workersDir, 'engine.js'), options.launcher, backoff),
    inference: new SupervisedService('inference', inferenceMethods, join(options.workersDir, 'inference.js'), options.launcher, backoff)
  }
  for (const service of Object.values(services)) service.onStatus((status) => events.emit('service.status', status))

  const resolveInputs = serviceInputResolver(services.engine, services.inference)
  const agentCalls = new AgentCallsStore(db)
  // The book's agent: settings beside the database, each run's model in its own agent service process.
  const agent = new WorkstationAgent({ file: new AgentSettingsFile(agentSettingsPathFor(options.databasePath)), workersDir: options.workersDir, launch: options.launcher })
  const runs = new RunManager(services.engine, repository, events.emit, clock, CODE_VERSION, resolveInputs, { prepare: (spec) => agent.prepare(spec), store: agentCalls })
  const auditStore = new AuditStore(db)
  const audit = new AuditService(repository, auditStore, services.engine, clock, resolveInputs, agentCalls)
  const interrupted = runs.recoverInterrupted()
  if (interrupted > 0) console.warn(`mechanica: ${interrupted} run(s) from the previous session were marked interrupted`)
  // The decision log's reader (decoded chunks and filter indexes cached, bounded) and sweeps,
  // whose cells are ordinary runs of the run manager.
  const stepQuery = new StepQuery(repository)
  const sweeps = new SweepManager({
    runs,
    plan: (spec) => services.engine.call('engine.plan', { spec }),
    sweeps: new SweepsRepository(db),
    runStatus: (runId) => repository.get(runId)?.status ?? null,
    subscribe: (listener) => events.subscribe(listener),
    emit: events.emit,
    clock
  })
  sweeps.recoverInterrupted()
  // Queued sweeps: main is the coordinator (the store's one writer); the settings sit beside the database.
  const queue = new QueueService({
    db,
    plan: (spec) => services.engine.call('engine.plan', { spec }),
    emit: events.emit,
    clock,
    settings: new QueueSettingsStore(join(dirname(resolve(options.databasePath)), 'queue-settings.json')),
    codeVersion: CODE_VERSION
  })
  const requireRun = (runId: number): void => {
    if (!repository.get(runId)) throw new ApiError('not_found', `There is no run #${runId}.`)
  }

  // Surfaces per step (re-simulated from a run's spec) and stored constraint events, for the dashboard and surface views.
  const runSurfaces = runSurfaceHandlers(repository, services.engine, serviceInputResolver(services.engine, services.inference))

  // The committee memo: facts from the run and its stress variants (stored runs), narrative, exports.
  const memo = workstationMemo({
    db,
    repository,
    audit: new AuditStore(db),
    engine: services.engine,
    runs,
    subscribe: (listener) => events.subscribe(listener),
    emit: (event, payload) => events.emit(event, payload),
    surfaces: (request) => runSurfaces.surfaces(request),
    clock,
    codeVersion: CODE_VERSION,
    ...(options.printToPdf ? { printToPdf: options.printToPdf } : {})
  })

  // Portfolios of stored runs, read and re-simulated in this process from the store.
  const portfolios = new PortfolioService(repository, new PortfoliosRepository(db), clock)
  // The risk desk on them: stress menus' and walk-forwards' lab runs in the engine process; breaches and reports in the portfolio's log.
  const portfolioLog = new PortfolioLogRepository(db)
  const desk = new PortfolioDesk({ runs: repository, portfolios: new PortfoliosRepository(db), service: portfolios, log: portfolioLog, runner: engineRunner(services.engine), clock })
  const deskProgress = (task: string) => (done: number, total: number, label: string) => events.emit('task.progress', { task, done, total, label })

  // Exports never take a path from a client: a name in the export folder, or the user's choice in main's dialog.
  const exports = options.chooseExportPath ? exportDialog(options.chooseExportPath) : exportFolder(options.exportDir ?? defaultExportDir(options.databasePath))

  // The lab catalogue is fixed by the code version: the build's file (catalogue-file.ts), else
  // asked of the engine once (it is about 360 kB, and the shell asks at every connection); a
  // failed answer is asked again next time.
  let labsKnown = readCatalogueFile(options.catalogueFile ?? join(options.workersDir, CATALOGUE_FILE), CODE_VERSION)
  let catalogue: Promise<{ labs: LabInfo[] }> | null = labsKnown ? Promise.resolve({ labs: labsKnown }) : null
  const askCatalogue = () => services.engine.call('engine.labs', {})
  const labCatalogue = (): Promise<{ labs: LabInfo[] }> =>
    (catalogue ??= askCatalogue().then(
      (answer) => {
        labsKnown = answer.labs
        return answer
      },
      (error: unknown) => {
        catalogue = null
        throw error
      }
    ))

  const router = createRouter({
    'app.info': () => ({
      name: 'Mechanica',
      version: APP_VERSION,
      codeVersion: CODE_VERSION,
      host: options.host,
      databasePath: options.databasePath,
      exportDir: exports.folder,
      platform: `${process.platform}-${process.arch}`,
      runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`
    }),
    'services.status': () => ({ services: Object.values(services).map((s) => s.status()) }),
    'inference.status': () => services.inference.call('inference.status', {}),
    'labs.list': () => labCatalogue(),
    'labs.stressMenu': ({ spec }) => services.engine.call('engine.stressMenu', { spec }),
    'regime.classify': async ({ source }) => {
      const series = await services.engine.call('engine.regimeSeries', { source })
      const report = await services.inference.call('inference.regime', { closes: series.closes, labels: series.labels, lab: source.kind === 'lab' ? source.spec.lab : null })
      return { source: series.source, ...report }
    },
    'regime.compare': (request) =>
      services.inference.call('inference.compare', request, {
        on: { progress: ({ done, total }) => events.emit('task.progress', { task: 'regime.compare', done, total, label: `held-out seed ${done} of ${total}` }) }
      }),
    'runs.start': async ({ spec, agent: withAgent }) => ({ run: await runs.start(spec, { agent: withAgent }) }),
    'runs.cancel': ({ runId }) => ({ cancelled: runs.cancel(runId) }),
    'runs.list': ({ limit, offset, status }) => repository.list({ limit, offset, status }),
    'runs.get': ({ runId }) => {
      const run = repository.get(runId)
      if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
      return { run, results: repository.results(runId) }
    },
    'runs.audit': ({ runId }) => audit.status(runId),
    'runs.review': ({ runId, reviewer, verdict, notes }) => audit.review(runId, { reviewer, verdict, notes }),
    'runs.replay': ({ runId }) => audit.replay(runId),
    'runs.rerun': async ({ runId }) => ({ run: await runs.rerun(runId) }),
    'runs.surfaces': (request) => runSurfaces.surfaces(request),
    'runs.events': ({ runId }) => runSurfaces.events(runId),
    'runs.series': ({ runId, maxBuckets }) => runSurfaces.series(runId, maxBuckets),
    'runs.liveSeries': ({ runId }) => {
      requireRun(runId)
      return { chunk: runs.liveSeries(runId) }
    },
    'runs.steps': ({ runId, offset, limit, filter }) => {
      requireRun(runId)
      return stepQuery.page(runId, offset, limit, filter)
    },
    'runs.stepIndex': ({ runId, t, filter }) => {
      requireRun(runId)
      return stepQuery.indexOf(runId, t, filter)
    },
    'runs.agentCall': ({ runId, t }) => {
      requireRun(runId)
      return { call: agentCalls.callAt(runId, t) }
    },
    'runs.agentComparison': ({ runIds }) => {
      for (const id of runIds) requireRun(id)
      return { comparison: comparisonAmong(repository, auditStore, runIds) }
    },
    'agent.settings': () => agent.view(),
    'agent.saveSettings': ({ settings }) => agent.save(settings),
    'agent.check': ({ settings }) => agent.check(settings),
    'sweeps.start': async (request) => ({ sweep: await sweeps.start(request) }),
    'sweeps.list': ({ limit, offset }) => sweeps.list(limit, offset),
    'sweeps.get': ({ sweepId }) => sweeps.get(sweepId),
    'sweeps.cancel': ({ sweepId }) => ({ cancelled: sweeps.cancel(sweepId) }),
    'memo.get': ({ runId }) => memo.get(runId),
    'memo.save': ({ runId, fields }) => memo.save(runId, fields),
    'memo.render': ({ runId, format }) => memo.render(runId, format),
    'memo.export': ({ runId, format, name, overwrite }) => memo.export(runId, format, (fallback) => exports.destination('memo.export', name ?? fallback, overwrite)),
    'runs.exportTable': ({ runId, table, format, name, overwrite }) => memo.exportTable(runId, table, format, (fallback) => exports.destination('runs.exportTable', name ?? fallback, overwrite)),
    'portfolio.create': ({ spec }) => portfolios.create(spec),
    'portfolio.list': ({ limit, offset }) => portfolios.list(limit, offset),
    'portfolio.get': ({ id }) => portfolios.get(id),
    // Main reads the pods from the store; the engine service computes (seconds for a large book), with progress.
    'portfolio.risk': async (request) => {
      const risk = await services.engine.call('engine.portfolioRisk', portfolios.riskTask(request), {
        on: { progress: ({ done, total, label }) => events.emit('task.progress', { task: 'portfolio.risk', done, total, label: `portfolio #${request.id}: ${label}` }) }
      })
      return portfolios.riskReport(request, risk)
    },
    'queue.settings': () => queue.settings(),
    'queue.configure': (input) => queue.configure(input),
    'queue.start': async (request) => ({ sweep: await queue.start(request) }),
    'queue.list': ({ limit }) => ({ sweeps: queue.list(limit) }),
    'queue.get': ({ sweepId }) => queue.get(sweepId),
    'queue.cancel': ({ sweepId }) => queue.cancel(sweepId),
    'terrain.view': runTerrainHandler(repository, services.engine),
    'portfolio.stress': (request) => desk.stress(request, deskProgress('portfolio.stress')),
    'portfolio.limits': (request) => desk.limits(request),
    'portfolio.walkForward': (request) => desk.walkForward(request, deskProgress('portfolio.walkForward')),
    'portfolio.log': ({ id }) => desk.log(id),
    'store.backup': async ({ name }) => {
      try {
        // `name` is a plain file name (the contract refuses separators, "..", hidden names), so
        // the copy lands beside the database and nowhere else.
        const result = name === undefined ? await backupNextTo(db, options.databasePath) : await backupDatabase(db, join(dirname(resolve(options.databasePath)), name))
        return { path: result.path, bytes: result.bytes, runs: result.runs }
      } catch (error) {
        if (!(error instanceof BackupError)) throw error
        if (error.reason === 'exists') throw new ApiError('conflict', `Backup refused: ${error.message}; choose another name.`)
        if (error.reason === 'target') throw new ApiError('invalid_params', `store.backup: name: ${error.message}`, [{ path: 'name', message: error.message }])
        throw new ApiError('internal', `The backup was discarded: ${error.message}.`)
      }
    },
    // A user's CSV in the Terrain view (issue 17): joined here, run in the engine process, nothing stored.
    ...terrainCsvHandlers(services.engine, (progress) => events.emit('task.progress', progress)),
    // A user's closes in the Regime view (issue 20): joined here, compared in the inference process, nothing stored.
    ...regimeCsvHandlers(services.inference, (progress) => events.emit('task.progress', progress))
  })

  // Not awaited: the window comes up at once and calls wait for a service that is still starting.
  // Only the engine starts now: the first screen needs it. The inference service (onnxruntime and
  // its provider probe, about a core-second) starts on its first call — the page asks for its
  // status once it is idle after the first screen — so it never competes with a cold start.
  const servicesReady = services.engine.start()
  servicesReady.catch((error: unknown) => console.error('mechanica: the engine service failed to start:', (error as Error).message))

  return {
    router,
    events,
    services,
    runs,
    sweeps,
    queue,
    db,
    servicesReady,
    labsAtHand: () => labsKnown,
    async close() {
      sweeps.shutdown()
      runs.shutdown()
      await Promise.all(Object.values(services).map((s) => s.stop()))
      await runs.drain()
      await sweeps.drain()
      await queue.close()
      db.close()
    }
  }
}
