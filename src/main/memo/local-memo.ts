import type { LabRunSpec } from '../../shared/contract'
import type { Clock } from '../clock'
import { labCatalogue } from '../labs/catalogue'
import type { LabInputs, LabRequirement } from '../engine/kernel'
import { findLab, planLab } from '../labs/execute'
import { surfaceFrames, surfaceSource } from '../labs/surfaces'
import { AuditStore } from '../store/audit-store'
import type { Db } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { runAndStore } from '../runs/store-run'
import { MemoService } from './memo-service'
import { surfaceWindow } from './workstation-memo'
import { PortfolioService, portfolioMemoFacts } from '../risk/portfolio-service'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { riskDeskMemoFacts } from '../risk/portfolio-desk'

export interface LocalMemoOptions {
  db: Db
  clock: Clock
  codeVersion: string
  /** Inputs a plan requires (the regime model's output), computed in this process. */
  inputs?(spec: LabRunSpec, requires: readonly LabRequirement[]): Promise<LabInputs>
  onProgress?(done: number, total: number, label: string): void
}

/**
 * The memo service headless (the CLI, tests): the engine runs in this process, and stress
 * variants are written to the same database as ordinary runs, as the app would write them.
 */
export function localMemo(o: LocalMemoOptions): MemoService {
  const repository = new RunsRepository(o.db)
  const inputsFor = async (spec: LabRunSpec): Promise<LabInputs> => {
    const requires = planLab(spec).requires
    return requires.length > 0 && o.inputs ? o.inputs(spec, requires) : {}
  }
  const portfolios = new PortfoliosRepository(o.db)
  const portfolioLog = new PortfolioLogRepository(o.db)
  const portfolioService = new PortfolioService(repository, portfolios, o.clock)
  return new MemoService({
    portfolio: (runId) => portfolioMemoFacts(portfolioService, portfolios, runId),
    riskDesk: (portfolioId) => riskDeskMemoFacts(portfolioLog, portfolioId),
    db: o.db,
    runs: repository,
    audit: new AuditStore(o.db),
    clock: o.clock,
    codeVersion: o.codeVersion,
    labInfo: async (lab) => {
      const info = labCatalogue().find((l) => l.id === lab)
      return info ? { title: info.title, chapter: info.chapter, description: info.description } : { title: lab, chapter: 0, description: '' }
    },
    stress: {
      menu: async (spec) => findLab(spec.lab).stressMenu(planLab(spec).config),
      configHash: async (spec) => planLab(spec).configHash,
      // A variant that fails is stored failed; the memo reports it without results.
      run: async (spec) => (await runAndStore(repository, spec, { clock: o.clock, codeVersion: o.codeVersion, inputs: await inputsFor(spec) })).run.id
    },
    surface: async (run, steps) => {
      if (run.spec.task !== 'lab') return null
      const { count, stride } = surfaceWindow(steps)
      const s = surfaceFrames(surfaceSource(run.spec, await inputsFor(run.spec)), { from: 0, count, stride, frames: false })
      return { name: s.name, unit: s.unit, layout: s.layout, axes: s.axes, stride: s.stride, regime: s.regime, regimeNames: s.regimeNames, summaries: s.summaries }
    },
    ...(o.onProgress ? { onProgress: o.onProgress } : {})
  })
}
