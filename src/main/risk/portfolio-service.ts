import {
  ApiError,
  PORTFOLIO_SERIES_POINTS,
  PortfolioRiskRequest,
  PortfolioSpec,
  issuesFromZod,
  summariseIssues,
  type BookSeries,
  type NetExposure,
  type PortfolioCheck,
  type PortfolioDetail,
  type PortfolioMember,
  type PortfolioMemoFacts,
  type PortfolioRiskReport,
  type PortfolioSpecInput,
  type PortfolioSummary
} from '../../shared/contract'
import type { z } from 'zod'
import type { Clock } from '../clock'
import type { PortfoliosRepository, StoredPortfolio } from '../store/portfolios-repository'
import type { RunsRepository } from '../store/runs-repository'
import { simulateBook, summariseBook, type PortfolioBook } from './book'
import { alignedReturns, PodInputError, readPod, type PodSeries } from './pods'
import { netExposure, readPodBooks } from './pod-books'
import { bookHash, portfolioHash } from './portfolio-identity'
import { portfolioRisk, RISK_METHODS, type PortfolioRisk, type PortfolioRiskOptions } from './portfolio-risk'

/**
 * Stored portfolios for the router and the CLI: built from stored runs, kept with their
 * members' hashes, and on every read re-simulated from those runs and checked — a portfolio
 * whose member changed, whose numbers no longer reproduce or whose link is broken says so.
 */
export class PortfolioService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly portfolios: PortfoliosRepository,
    private readonly clock: Clock
  ) {}

  /** The members' pods, aligned; bad runs and calendars become `invalid_params` / `not_found`. */
  book(spec: PortfolioSpec): { pods: PodSeries[]; steps: number; returns: Float64Array[]; book: PortfolioBook } {
    try {
      const pods = spec.runIds.map((id) => readPod(this.runs, id))
      const { steps, returns } = alignedReturns(pods, spec.align)
      const book = simulateBook(returns, spec)
      return { pods, steps, returns, book }
    } catch (error) {
      if (error instanceof PodInputError) throw new ApiError(/does not exist/.test(error.message) ? 'not_found' : 'invalid_params', error.message)
      if (error instanceof RangeError) throw new ApiError('invalid_params', error.message)
      throw error
    }
  }

  private member(pod: PodSeries): PortfolioMember {
    if (pod.resultsHash === null) throw new ApiError('invalid_params', `run #${pod.runId} has no results hash to hold a portfolio to`)
    const results = this.runs.results(pod.runId)
    const chainHead = results?.kind === 'lab' ? (results.manifest.chainHead ?? null) : null
    return { runId: pod.runId, lab: pod.lab, preset: pod.preset, resultsHash: pod.resultsHash, chainHead }
  }

  async create(input: PortfolioSpecInput): Promise<PortfolioDetail> {
    const parsed = PortfolioSpec.safeParse(input)
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error, input, 'spec')
      throw new ApiError('invalid_params', summariseIssues(issues.slice(0, 1)), issues)
    }
    const spec = parsed.data
    const { pods, steps, returns, book } = this.book(spec)
    const members = pods.map((p) => this.member(p))
    const stored = this.portfolios.create({
      spec,
      members,
      hash: portfolioHash(spec, members),
      resultsHash: bookHash(book),
      book: { steps, ...summariseBook(returns, book, spec.window) },
      createdAt: this.clock.isoNow()
    })
    return this.detail(stored, pods, book, { membersUnchanged: true, hashMatches: true, reproduced: true, chainIntact: this.portfolios.verifyChain(stored.summary.id) === null, problems: [] })
  }

  list(limit: number, offset: number): { portfolios: PortfolioSummary[]; total: number } {
    return this.portfolios.list(limit, offset)
  }

  private stored(id: number): StoredPortfolio {
    const stored = this.portfolios.get(id)
    if (!stored) throw new ApiError('not_found', `There is no portfolio #${id}.`)
    return stored
  }

  /** The stored portfolio, re-simulated from its members now and checked against what was stored. */
  async get(id: number): Promise<PortfolioDetail> {
    const stored = this.stored(id)
    const problems: string[] = []
    const broken = this.portfolios.verifyChain(id)
    if (broken !== null) problems.push(`the chain of portfolios breaks at #${broken}`)
    const { pods, book } = this.book(stored.spec)
    const now = pods.map((p) => this.member(p))
    stored.members.forEach((m, i) => {
      const n = now[i]!
      if (n.resultsHash !== m.resultsHash) problems.push(`run #${m.runId}'s results hash is ${n.resultsHash.slice(0, 12)}…, not ${m.resultsHash.slice(0, 12)}… as when the portfolio was made`)
      else if (n.chainHead !== m.chainHead) problems.push(`run #${m.runId}'s decision-log chain head changed since the portfolio was made`)
    })
    const hashMatches = portfolioHash(stored.spec, now) === stored.summary.hash
    if (!hashMatches) problems.push('the portfolio hash recomputed from its spec and members differs from the stored one')
    const reproduced = bookHash(book) === stored.summary.resultsHash
    if (!reproduced) problems.push('re-simulating the book from its members does not give the stored results hash')
    const check: PortfolioCheck = { membersUnchanged: stored.members.every((m, i) => m.resultsHash === now[i]!.resultsHash && m.chainHead === now[i]!.chainHead), hashMatches, reproduced, chainIntact: broken === null, problems }
    return this.detail(stored, pods, book, check)
  }

  /** The stored summary with the net exposure read now from the members' logs (a summary stored before it lacks it). */
  private async detail(stored: StoredPortfolio, pods: readonly PodSeries[], book: PortfolioBook, check: PortfolioCheck): Promise<PortfolioDetail> {
    return { portfolio: stored.summary, spec: stored.spec, members: stored.members, summary: { ...stored.book, net: await this.netOf(pods, book) }, check, series: thinSeries(book) }
  }

  /** The book's net exposure read now from its members' logs: per pod, and a total only where every pod compounds. */
  async net(spec: PortfolioSpec): Promise<NetExposure> {
    const { pods, book } = this.book(spec)
    return this.netOf(pods, book)
  }

  private async netOf(pods: readonly PodSeries[], book: PortfolioBook): Promise<NetExposure> {
    try {
      return netExposure(await readPodBooks(this.runs, pods, book.exposure[0]!.length), book.exposure)
    } catch (error) {
      if (error instanceof PodInputError) throw new ApiError('invalid_params', error.message)
      throw error
    }
  }

  /** VaR/ES by every method with backtests, for the portfolio's pods under its weighting scheme, computed here (CLI, memo). */
  risk(request: z.output<typeof PortfolioRiskRequest>): PortfolioRiskReport {
    const task = this.riskTask(request)
    let risk
    try {
      risk = portfolioRisk(task.returns, task.options)
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('invalid_params', error.message)
      throw error
    }
    return this.riskReport(request, risk)
  }

  /** What the risk computation needs, read from the store: the pods' aligned returns and the options (the router sends it to the engine service). */
  riskTask(request: z.output<typeof PortfolioRiskRequest>): { returns: Float64Array[]; options: PortfolioRiskOptions } {
    const stored = this.stored(request.id)
    const { returns } = this.book(stored.spec)
    const T = returns[0]!.length
    if (T <= request.window) throw new ApiError('invalid_params', `portfolio #${request.id} has ${T} returns; a window of ${request.window} leaves none to forecast and backtest`, [{ path: 'window', message: `must be below ${T}` }])
    const { scheme, fixed, volTarget } = stored.spec
    return {
      returns,
      options: { scheme, ...(fixed ? { fixed } : {}), ...(volTarget !== undefined ? { volTarget } : {}), confidence: request.confidence, window: request.window, horizon: request.horizon, refitEvery: 20, scenarios: request.scenarios, seed: request.seed }
    }
  }

  /** The router's report from the computed figures: NaN before the first window becomes null. */
  riskReport(request: z.output<typeof PortfolioRiskRequest>, risk: Pick<PortfolioRisk, 'weights' | 'riskContributions' | 'methods' | 'podMonteCarlo' | 'series'>): PortfolioRiskReport {
    const plain = (a: Float64Array): Array<number | null> => Array.from(a, (x) => (Number.isNaN(x) ? null : x))
    return {
      id: request.id,
      confidence: request.confidence,
      window: request.window,
      horizon: request.horizon,
      weights: risk.weights,
      riskContributions: risk.riskContributions,
      methods: risk.methods,
      podMonteCarlo: risk.podMonteCarlo,
      series: {
        returns: Array.from(risk.series.returns),
        bands: Object.fromEntries(RISK_METHODS.map((m) => [m, { var: plain(risk.series.bands[m].var), es: plain(risk.series.bands[m].es), breaches: Array.from(risk.series.bands[m].breaches) }])) as PortfolioRiskReport['series']['bands']
      }
    }
  }
}

/** The memo's window: 250 steps, or half the history when it is shorter (so half is left to backtest). */
export const memoWindow = (returns: number): number => Math.min(250, Math.floor(returns / 2))

/**
 * What a run's memo says about the newest portfolio holding it, at 99 % — or undefined when the
 * run is in none, or its portfolio cannot be read now (a member gone, too short a history to backtest).
 */
export async function portfolioMemoFacts(service: PortfolioService, portfolios: PortfoliosRepository, runId: number): Promise<PortfolioMemoFacts | undefined> {
  const holding = portfolios.newestHolding(runId)
  if (!holding) return undefined
  const id = holding.summary.id
  let report: PortfolioRiskReport
  let net: NetExposure
  try {
    const window = memoWindow(holding.book.steps - 1)
    if (window < 20) return undefined
    report = service.risk({ id, confidence: 0.99, window, horizon: 1, scenarios: 10_000, seed: 1 })
    net = await service.net(holding.spec)
  } catch (error) {
    if (error instanceof ApiError) return undefined
    throw error
  }
  const at = holding.members.findIndex((m) => m.runId === runId)
  return {
    id,
    name: holding.summary.name,
    hash: holding.summary.hash,
    scheme: holding.spec.scheme,
    steps: holding.book.steps,
    confidence: report.confidence,
    window: report.window,
    runId,
    weight: report.weights[at]!,
    riskShare: report.riskContributions[at]!,
    methods: RISK_METHODS.map((method) => {
      const m = report.methods[method]
      return { method, var: m.var, es: m.es, breaches: m.breaches, days: m.days, kupiecP: m.backtests.kupiec.pValue, conditionalCoverageP: m.backtests.christoffersen.conditionalCoverage.pValue, esP: m.backtests.es.pValue, zone: m.backtests.zone.zone }
    }),
    pods: holding.members.map((m, i) => ({ runId: m.runId, lab: m.lab, weight: report.weights[i]!, riskShare: report.riskContributions[i]! })),
    net
  }
}

/** The book's series at most PORTFOLIO_SERIES_POINTS points apart by a fixed stride (the last step always kept). */
export function thinSeries(book: PortfolioBook): BookSeries {
  const T = book.exposure[0]?.length ?? 0
  const stride = Math.max(1, Math.ceil((T + 1) / PORTFOLIO_SERIES_POINTS))
  const t: number[] = []
  for (let i = 0; i <= T; i += stride) t.push(i)
  if (t.at(-1) !== T) t.push(T)
  // Exposure is per step (T of them): the point at T shows the last step's.
  const at = (a: Float64Array): number[] => t.map((i) => a[Math.min(i, a.length - 1)]!)
  return {
    stride,
    t,
    equity: at(book.equity),
    podPnl: book.podPnl.map(at),
    cost: at(book.cost),
    exposure: book.exposure.map(at),
    gross: at(book.gross),
    rebalances: Array.from(book.rebalances)
  }
}
