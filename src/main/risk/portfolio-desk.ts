import { createHash } from 'node:crypto'
import type { z } from 'zod'
import {
  ApiError,
  LIMIT_NAMES,
  PBO_OVERFIT,
  stressVerdict,
  walkForwardVerdict,
  type DeskHistory,
  type LabRunSpec,
  type LimitRow,
  type PortfolioLimitsReport,
  type PortfolioLimitsRequest,
  type PortfolioLogEntry,
  type PortfolioStressReport,
  type PortfolioStressRequest,
  type PortfolioWalkForwardReport,
  type PortfolioWalkForwardRequest,
  type RiskDeskMemoFacts,
  type StressScenario,
  type StressShock
} from '../../shared/contract'
import type { Clock } from '../clock'
import type { PortfolioLogRepository } from '../store/portfolio-log-repository'
import type { PortfoliosRepository, StoredPortfolio } from '../store/portfolios-repository'
import type { RunsRepository } from '../store/runs-repository'
import { assetClassOf } from './asset-classes'
import type { LabRunner } from './engine-equity'
import { applyLimits, DEFAULT_LIMITS, type PortfolioLimits } from './limits'
import { combinatorialPurgedCv, defaultBlocks, probabilityOfOverfitting } from './overfitting'
import { grossIncomparable, netIncomparable, positionUnmeasured, readPodBooks, type PodBook } from './pod-books'
import { PodInputError } from './pods'
import type { PortfolioService } from './portfolio-service'
import { schemeWeights } from './portfolio-risk'
import { applyShock, reverseStress } from './shocks'
import { stressMenus } from './stress-menus'
import { LIMIT_RULES, limitValues, scenarioSummary } from './stress-table'
import { walkForward } from './walk-forward'

/** Progress of a long desk call: done of total lab runs, and which. */
export type DeskProgress = (done: number, total: number, label: string) => void

const shockName = (s: StressShock): string => (s.kind === 'corr' ? `corr=${s.level}` : s.kind === 'vol' ? `vol×${s.factor}` : `regime+${s.steps}`)
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`

/** sha256 of a request's canonical JSON and the portfolio's hash: the same question on the same portfolio is logged once. */
function requestHash(method: string, portfolioHash: string, request: unknown): string {
  return createHash('sha256').update(JSON.stringify({ method, portfolioHash, request })).digest('hex')
}

/**
 * The risk desk on a stored portfolio, for the router (and the memo): the stress table and
 * reverse stress, the limits with the constraint events they log, and a member's walk-forward.
 * Every number is the engine's (shocks.ts, limits.ts, walk-forward.ts, overfitting.ts); lab
 * runs go through `runner`, the engine process in the app. Limit breaches, stress and
 * walk-forward reports are appended to the portfolio's chained log, each request once.
 */
export class PortfolioDesk {
  constructor(
    private readonly o: {
      runs: RunsRepository
      portfolios: PortfoliosRepository
      service: PortfolioService
      log: PortfolioLogRepository
      runner: LabRunner
      clock: Clock
    }
  ) {}

  private stored(id: number): StoredPortfolio {
    const stored = this.o.portfolios.get(id)
    if (!stored) throw new ApiError('not_found', `There is no portfolio #${id}.`)
    return stored
  }

  /** The portfolio's pods aligned and today's weights by its scheme. */
  private book(stored: StoredPortfolio): { pods: ReturnType<PortfolioService['book']>['pods']; returns: Float64Array[]; steps: number; weights: number[] } {
    const { pods, returns, steps } = this.o.service.book(stored.spec)
    return { pods, returns, steps, weights: Array.from(schemeWeights(returns, stored.spec).weights) }
  }

  /** Each pod's own book (gross leverage, net exposure) over the portfolio's return calendar. */
  private async podBooks(pods: ReadonlyArray<{ runId: number; lab: string }>, T: number): Promise<PodBook[]> {
    try {
      return await readPodBooks(this.o.runs, pods, T)
    } catch (error) {
      if (error instanceof PodInputError) throw new ApiError('invalid_params', error.message)
      throw error
    }
  }

  async stress(request: z.output<typeof PortfolioStressRequest>, onProgress?: DeskProgress): Promise<PortfolioStressReport> {
    const stored = this.stored(request.id)
    const hash = requestHash('portfolio.stress', stored.summary.hash, request)
    const logged = this.o.log.forRequest(request.id, hash)[0]
    const again = logged && this.o.log.bodyAt<Omit<PortfolioStressReport, 'logSeq'>>(request.id, logged.seq)
    if (logged && again) return { ...again, logSeq: logged.seq }
    const { pods, returns, steps, weights } = this.book(stored)
    const pod = (p: { pod: number; loss: number } | null): StressScenario['worstPod'] => (p ? { runId: pods[p.pod]!.runId, lab: pods[p.pod]!.lab, loss: p.loss } : null)
    const row = (name: string, kind: StressScenario['kind'], s: ReturnType<typeof scenarioSummary>): StressScenario => ({
      name,
      kind,
      totalReturn: s.totalReturn,
      maxDrawdown: s.maxDrawdown,
      worstStep: s.worstStep,
      worstPod: pod(s.worstPod),
      breaches: s.maxDrawdown >= request.lossLimit
    })
    const scenarios: StressScenario[] = [row('base', 'base', scenarioSummary(returns, weights))]
    let reverse
    try {
      for (const shock of request.shocks) scenarios.push(row(shockName(shock), 'shock', scenarioSummary(applyShock(returns, weights, shock), weights)))
      reverse = (['corr', 'vol', 'regime'] as const).map((kind) => reverseStress(returns, weights, kind, request.lossLimit))
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('invalid_params', error.message)
      throw error
    }
    if (request.menus) {
      const specs = pods.map((p) => ({ runId: p.runId, spec: this.o.runs.get(p.runId)!.spec as LabRunSpec }))
      const menus = await stressMenus(specs, returns, weights, request.lossLimit, onProgress, (spec, label) => this.o.runner.returns(spec, label))
      for (const m of menus.rows) scenarios.push({ ...row(`#${m.runId} ${m.variant}`, 'menu', m), breaches: m.breaches })
      if (menus.combined) scenarios.push({ ...row('every pod at its worst variant', 'combined', menus.combined), breaches: menus.combined.breaches })
    }
    const report = { id: request.id, lossLimit: request.lossLimit, steps, weights, scenarios, reverse }
    const worst = scenarios.reduce((a, b) => (b.maxDrawdown > a.maxDrawdown ? b : a))
    const breached = scenarios.filter((s) => s.breaches).length
    const message = `stress: worst ${worst.name}, drawdown ${pct(worst.maxDrawdown)}; ${breached} of ${scenarios.length} scenarios breach the ${pct(request.lossLimit)} loss limit`
    const { entries } = this.o.log.appendOnce(request.id, hash, this.o.clock.isoNow(), [{ kind: 'stress', message, body: report }])
    return { ...report, logSeq: entries[0]!.seq }
  }

  async limits(request: z.output<typeof PortfolioLimitsRequest>): Promise<PortfolioLimitsReport> {
    const stored = this.stored(request.id)
    const { pods, returns, weights } = this.book(stored)
    const limits: Required<PortfolioLimits> = { ...DEFAULT_LIMITS, ...request.limits }
    const books = await this.podBooks(pods, returns[0]!.length)
    const noNet = netIncomparable(books)
    // Position, gross and net read the pods' books in fraction of equity: an additive pod's are lots or notional.
    const notes: Partial<Record<keyof PortfolioLimits, string | null>> = { maxPosition: positionUnmeasured(books), maxGross: grossIncomparable(books), maxNet: noNet }
    const compound = books.map((b) => b.ledger === 'compound')
    const measured = { labs: pods.map((p) => p.lab), assetClasses: pods.map((p) => assetClassOf(p.lab)), leverage: books.map((b) => b.leverage), compound, net: noNet ? null : books.map((b) => b.net), returns }
    const applied = applyLimits(weights, measured, limits)
    const values = limitValues(weights, measured)
    const rows: LimitRow[] = LIMIT_NAMES.map((limit) => {
      const rule = LIMIT_RULES[limit]
      const actions = applied.events.filter((e) => e.rule === rule).map((e) => ({ action: e.action, message: e.message }))
      const { value, at } = values[limit]
      const note = notes[limit] ?? null
      if (value === null) return { limit, rule, value, at, threshold: limits[limit], status: 'unmeasured', note, actions }
      // Over its threshold on the book, even when an earlier limit's action already brought it within.
      const over = limit === 'maxDrawdown' ? value >= limits[limit] : value > limits[limit] + 1e-12
      return { limit, rule, value, at, threshold: limits[limit], status: actions.length || over ? 'breach' : 'ok', note, actions }
    })
    // The check itself is logged, breached or not (so "checked, none breached" is on record),
    // then each binding limit as a constraint event: all once per limit set, chained.
    const hash = requestHash('portfolio.limits', stored.summary.hash, limits)
    const breached = rows.filter((r) => r.status === 'breach')
    const check = {
      kind: 'check' as const,
      message: `limits checked: ${breached.length ? `${breached.length} of ${rows.length} breached (${breached.map((r) => r.limit).join(', ')})` : `none of ${rows.length} breached`}`,
      body: { limits, rows: rows.map(({ limit, value, at, threshold, status }) => ({ limit, value, at, threshold, status })) } satisfies LimitCheckBody
    }
    const { entries } = this.o.log.appendOnce(request.id, hash, this.o.clock.isoNow(), [
      check,
      ...applied.events.map((e) => ({ kind: 'constraint_event' as const, t: e.t, rule: e.rule, action: e.action, message: e.message, before: e.before, after: e.after, body: limits }))
    ])
    const checkEntry = entries.find((e) => e.kind === 'check') ?? null
    return { id: request.id, limits, rows, weights: applied.weights, cash: applied.cash, gross: applied.gross, path: applied.path, check: checkEntry, events: entries.filter((e) => e.kind === 'constraint_event') }
  }

  async walkForward(request: z.output<typeof PortfolioWalkForwardRequest>, onProgress?: DeskProgress): Promise<PortfolioWalkForwardReport> {
    const stored = this.stored(request.id)
    if (!stored.spec.runIds.includes(request.runId)) {
      throw new ApiError('invalid_params', `runId: run #${request.runId} is not a pod of portfolio #${request.id} (pods: ${stored.spec.runIds.map((r) => `#${r}`).join(', ')})`, [{ path: 'runId', message: 'must be a pod of the portfolio' }])
    }
    const base = this.o.runs.get(request.runId)?.spec
    if (!base || base.task !== 'lab') throw new ApiError('invalid_params', `runId: run #${request.runId} is not a lab run`, [{ path: 'runId', message: 'must be a lab run' }])
    const hash = requestHash('portfolio.walkForward', stored.summary.hash, request)
    const logged = this.o.log.forRequest(request.id, hash)[0]
    const again = logged && this.o.log.bodyAt<Omit<PortfolioWalkForwardReport, 'logSeq'>>(request.id, logged.seq)
    if (logged && again) return { ...again, logSeq: logged.seq }
    const specs: LabRunSpec[] = request.values.map((v) => ({ ...base, overrides: { ...base.overrides, [request.param]: v } }))
    // Every candidate is planned before any runs: a bad value fails here, naming the key.
    const planned = Math.min(...(await Promise.all(specs.map((s) => this.o.runner.plan(s)))))
    const step = request.step ?? request.test
    if (request.train + request.test > planned - 1) {
      throw new ApiError('invalid_params', `train ${request.train} and test ${request.test} need ${request.train + request.test} steps; the runs have ${planned - 1} returns`, [{ path: 'train', message: `train + test must be at most ${planned - 1}` }])
    }
    const candidates: Float64Array[] = []
    for (const [i, spec] of specs.entries()) {
      const label = `${request.param}=${JSON.stringify(request.values[i])}`
      candidates.push(await this.o.runner.returns(spec, label))
      onProgress?.(i + 1, specs.length, label)
    }
    const T = Math.min(...candidates.map((c) => c.length))
    const aligned = candidates.map((c) => c.subarray(0, T))
    let report: Omit<PortfolioWalkForwardReport, 'logSeq'>
    try {
      const result = walkForward(aligned, { train: request.train, test: request.test, step, anchored: request.anchored })
      const pbo = probabilityOfOverfitting(aligned, request.blocks ?? defaultBlocks(T))
      const cpcv = combinatorialPurgedCv(aligned, { groups: 6, testGroups: 2, purge: request.purge, embargo: request.purge })
      report = {
        id: request.id,
        runId: request.runId,
        lab: base.lab,
        preset: base.preset,
        seed: this.o.runs.get(request.runId)!.seed,
        param: request.param,
        values: request.values,
        steps: T,
        windows: { train: request.train, test: request.test, step, anchored: request.anchored },
        folds: result.folds.map((f) => ({ ...f, chosen: request.values[f.chosen]! })),
        inSample: result.meanInSample,
        outOfSample: result.meanOutOfSample,
        efficiency: result.efficiency,
        outOfSampleReturn: result.outOfSampleReturn,
        pbo: { value: pbo.pbo, blocks: pbo.blocks, splits: pbo.splits.length, probabilityOfLoss: pbo.probabilityOfLoss },
        cpcv: { groups: cpcv.groups, testGroups: cpcv.testGroups, purge: request.purge, inSample: cpcv.meanInSample, outOfSample: cpcv.meanOutOfSample, paths: cpcv.paths.length }
      }
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('invalid_params', error.message)
      throw error
    }
    const verdict = report.pbo.value > PBO_OVERFIT ? 'overfit' : 'not overfit'
    const message = `walk-forward of ${report.lab} ${report.param} over ${report.values.length} values: mean IS Sharpe ${report.inSample.toFixed(3)}, OOS ${report.outOfSample.toFixed(3)}, PBO ${report.pbo.value.toFixed(3)} (${verdict})`
    const { entries } = this.o.log.appendOnce(request.id, hash, this.o.clock.isoNow(), [{ kind: 'walk_forward', message, body: report }])
    return { ...report, logSeq: entries[0]!.seq }
  }

  /** The portfolio's log, and the seq where its chain first breaks (null: intact). */
  log(id: number): { entries: PortfolioLogEntry[]; brokenAt: number | null } {
    this.stored(id)
    return { entries: this.o.log.list(id), brokenAt: this.o.log.verify(id) }
  }
}

/** What a check entry keeps: the limits it used and each one's value, threshold and status. */
type LimitCheckBody = NonNullable<RiskDeskMemoFacts['limits']>['checked'] & object

/** What a run's memo states of the desk's stored work on portfolio `id`: the newest stress, limit check and walk-forward in its log. */
export function riskDeskMemoFacts(log: PortfolioLogRepository, id: number): RiskDeskMemoFacts {
  const stress = log.newest<Omit<PortfolioStressReport, 'logSeq'>>(id, 'stress')
  const walk = log.newest<Omit<PortfolioWalkForwardReport, 'logSeq'>>(id, 'walk_forward')
  // The newest limit check: the newest check or breach entry, then every entry its request logged
  // (a check entry is written before its breaches; a log written before checks were logged has none).
  const check = log.newest(id, 'check')
  const event = log.newest(id, 'constraint_event')
  const newest = check && (!event || check.entry.seq > event.entry.seq) ? check.entry : event?.entry
  let limits: RiskDeskMemoFacts['limits'] = null
  if (newest) {
    const entries = log.forRequest(id, newest.requestHash)
    const checkEntry = entries.find((e) => e.kind === 'check')
    const checked = checkEntry ? log.bodyAt<LimitCheckBody>(id, checkEntry.seq) : null
    const events = entries.filter((e) => e.kind === 'constraint_event')
    limits = {
      limits: checked?.limits ?? (events[0] ? (log.bodyAt<Record<string, number>>(id, events[0].seq) ?? {}) : {}),
      checkedAt: newest.createdAt,
      checkSeq: checkEntry?.seq ?? null,
      checked,
      events
    }
  }
  return {
    portfolioId: id,
    stress: stress?.body ? { ...stress.body, logSeq: stress.entry.seq } : null,
    limits,
    walkForward: walk?.body ? { ...walk.body, logSeq: walk.entry.seq } : null,
    logIntact: log.verify(id) === null,
    history: { stress: deskHistory(log, id, 'stress', stressVerdict), walkForward: deskHistory(log, id, 'walk_forward', walkForwardVerdict) }
  }
}

/** Every logged report of a kind, judged: the newest's verdict against those before it (null: none logged). */
function deskHistory<T>(log: PortfolioLogRepository, id: number, kind: 'stress' | 'walk_forward', verdict: (report: T) => string): DeskHistory | null {
  const verdicts = log
    .list(id)
    .filter((e) => e.kind === kind)
    .map((e) => log.bodyAt<T>(id, e.seq))
    .filter((b): b is T => b !== null)
    .map(verdict)
  const newest = verdicts.at(-1)
  if (newest === undefined) return null
  const earlier = verdicts.slice(0, -1)
  return { earlier: earlier.length, newestVerdict: newest, earlierVerdicts: [...new Set(earlier)], changed: earlier.some((v) => v !== newest) }
}
