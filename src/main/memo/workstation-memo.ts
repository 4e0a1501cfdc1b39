import type { EventName, LabInfo, LabRunSpec, MethodInput, MethodResult, RunSummary } from '../../shared/contract'
import { MAX_SURFACE_FRAMES } from '../../shared/contract'
import type { Clock } from '../clock'
import type { RunManager } from '../runs/run-manager'
import type { EngineService } from '../services/service-host'
import type { AuditStore } from '../store/audit-store'
import type { Db } from '../store/database'
import type { RunsRepository } from '../store/runs-repository'
import type { SurfaceOverview } from './facts'
import { MemoService } from './memo-service'
import { PortfolioService, portfolioMemoFacts } from '../risk/portfolio-service'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { riskDeskMemoFacts } from '../risk/portfolio-desk'

export interface WorkstationMemoOptions {
  db: Db
  repository: RunsRepository
  audit: AuditStore
  engine: EngineService
  runs: RunManager
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void
  emit(event: 'task.progress', payload: { task: string; done: number; total: number; label: string }): void
  surfaces(request: MethodInput<'runs.surfaces'>): Promise<MethodResult<'runs.surfaces'>>
  clock: Clock
  codeVersion: string
  printToPdf?: (html: string) => Promise<Buffer>
}

/** Whole-run surface summaries at most MAX_SURFACE_FRAMES frames long (every stride-th step). */
export function surfaceWindow(steps: number): { count: number; stride: number } {
  const stride = Math.max(1, Math.ceil(steps / MAX_SURFACE_FRAMES))
  return { count: Math.max(1, Math.ceil(steps / stride)), stride }
}

/**
 * The memo service as the app wires it: stress variants are started through the run manager
 * (ordinary stored runs, visible in the runs list) and awaited; the surface comes from the
 * engine like the surface view's.
 */
export function workstationMemo(o: WorkstationMemoOptions): MemoService {
  let labs: Promise<LabInfo[]> | null = null
  const runEnded = (runId: number): Promise<void> =>
    new Promise((resolve) => {
      const unsubscribe = o.subscribe((event, payload) => {
        if (event !== 'run.updated') return
        const run = (payload as { run: RunSummary }).run
        if (run.id === runId && run.status !== 'running') {
          unsubscribe()
          resolve()
        }
      })
      if (o.repository.get(runId)?.status !== 'running') {
        unsubscribe()
        resolve()
      }
    })
  const portfolios = new PortfoliosRepository(o.db)
  const portfolioLog = new PortfolioLogRepository(o.db)
  const portfolioService = new PortfolioService(o.repository, portfolios, o.clock)
  return new MemoService({
    portfolio: (runId) => portfolioMemoFacts(portfolioService, portfolios, runId),
    riskDesk: (portfolioId) => riskDeskMemoFacts(portfolioLog, portfolioId),
    db: o.db,
    runs: o.repository,
    audit: o.audit,
    clock: o.clock,
    codeVersion: o.codeVersion,
    ...(o.printToPdf ? { printToPdf: o.printToPdf } : {}),
    labInfo: async (lab) => {
      labs ??= o.engine.call('engine.labs', {}).then((r) => r.labs)
      labs.catch(() => (labs = null))
      const info = (await labs).find((l) => l.id === lab)
      return info ? { title: info.title, chapter: info.chapter, description: info.description } : { title: lab, chapter: 0, description: '' }
    },
    stress: {
      menu: async (spec: LabRunSpec) => (await o.engine.call('engine.stressMenu', { spec })).variants,
      configHash: async (spec: LabRunSpec) => (await o.engine.call('engine.plan', { spec })).configHash,
      run: async (spec: LabRunSpec) => {
        const run = await o.runs.start(spec)
        await runEnded(run.id)
        return run.id
      }
    },
    surface: async (run, steps): Promise<SurfaceOverview> => {
      const { count, stride } = surfaceWindow(steps)
      const s = await o.surfaces({ runId: run.id, from: 0, count, stride, frames: false })
      return { name: s.name, unit: s.unit, layout: s.layout, axes: s.axes, stride: s.stride, regime: s.regime, regimeNames: s.regimeNames, summaries: s.summaries }
    },
    onProgress: (done, total, label) => o.emit('task.progress', { task: 'memo.stress', done, total, label })
  })
}
