import { ApiError, type ReplayReport, type Review, type RunAudit, type VerificationStatus } from '../../shared/contract'
import { recordedAgent } from '../agent/replay/recorded-agent'
import type { Clock } from '../clock'
import type { InputResolver } from '../runs/run-inputs'
import type { EngineService } from '../services/service-host'
import type { AgentCallsStore } from '../store/agent-calls'
import { AuditError, type AuditStore } from '../store/audit-store'
import type { RunsRepository } from '../store/runs-repository'
import { ReplayComparator, replayReport, sliceFeeder } from './replay'
import type { VerifyReport } from './verify'

/** "Not verified" until a reviewer signs off; "Chain broken" whatever the reviews say when the chain does not verify. */
export function verificationStatus(chain: VerifyReport, reviews: readonly Review[]): VerificationStatus {
  if (chain.status === 'broken') return 'Chain broken'
  const last = reviews.at(-1)
  if (!last) return 'Not verified'
  return last.verdict === 'sign-off' ? 'Verified' : 'Findings'
}

/** Verify, review and replay stored runs: what a reviewer does before trusting a memo. */
export class AuditService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly audit: AuditStore,
    private readonly engine: EngineService,
    private readonly clock: Clock,
    private readonly resolveInputs?: InputResolver,
    /** The runs' agent calls: a run with the book's agent replays from them, without the model. */
    private readonly agentCalls?: AgentCallsStore
  ) {}

  private manifestHead(runId: number): string | null {
    const results = this.runs.results(runId)
    return results?.kind === 'lab' ? (results.manifest.chainHead ?? null) : null
  }

  private guard<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      if (error instanceof AuditError) throw new ApiError(error.message.startsWith('There is no run') ? 'not_found' : 'invalid_params', error.message)
      throw error
    }
  }

  status(runId: number): RunAudit {
    return this.guard(() => {
      const chain = this.audit.verify(runId, this.manifestHead(runId))
      const reviews = this.audit.reviews(runId)
      return { runId, chain, reviews, verificationStatus: verificationStatus(chain, reviews) }
    })
  }

  review(runId: number, input: { reviewer: string; verdict: 'sign-off' | 'findings'; notes: string }): RunAudit {
    this.guard(() => this.audit.appendReview(runId, { ...input, at: this.clock.isoNow() }, this.manifestHead(runId)))
    return this.status(runId)
  }

  /** Re-runs a stored run from its spec in the engine and compares it with the stored log, step by step. */
  async replay(runId: number, signal?: AbortSignal): Promise<ReplayReport> {
    const run = this.runs.get(runId)
    if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
    if (run.spec.task !== 'lab') throw new ApiError('invalid_params', `Run #${runId} is a random walk; replay compares decision logs, which only lab runs keep.`)
    if (run.status !== 'completed') throw new ApiError('invalid_params', `Run #${runId} is ${run.status}; only a completed run has a full log to compare with.`)
    const spec = run.spec
    const plan = await this.engine.call('engine.plan', { spec }, { signal })
    const resolved = plan.requires.length > 0 && this.resolveInputs ? await this.resolveInputs(spec, plan.requires, signal) : {}
    const results = this.runs.results(runId)
    const agent = this.agentCalls ? recordedAgent(results?.kind === 'lab' ? results.manifest.agent : undefined, this.agentCalls.calls(runId)) : undefined
    const inputs = agent ? { ...resolved, agent } : resolved
    // The replay's log is compared slice by slice as the engine emits it: neither run is held whole.
    const stored = this.audit.storedLog(runId)
    const comparator = new ReplayComparator(stored.chunks, stored.events)
    const feed = sliceFeeder(comparator)
    const output = await this.engine.call('engine.run', { spec, inputs, logBatches: true }, { signal, on: { log: feed } })
    if (!output.logTail) throw new ApiError('internal', `engine.run answered the replay of run #${runId} without the last slice of its decision log.`)
    feed(output.logTail)
    return replayReport(runId, comparator.finish(), run.resultsHash, output.resultsHash)
  }
}
