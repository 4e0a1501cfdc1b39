import { existsSync } from 'node:fs'
import type { ChainReport, LabRunSpec, VerificationStatus } from '../../shared/contract'
import type { LabInputs, LabRequirement } from '../engine/kernel'
import { executeLab, planLab } from '../labs/execute'
import { AuditStore } from '../store/audit-store'
import { openDatabase } from '../store/database'
import { LATEST_SCHEMA_VERSION } from '../store/migrations'
import { RunsRepository } from '../store/runs-repository'
import { verificationStatus } from './audit-service'
import { ReplayComparator, replayReport, sliceFeeder } from './replay'
import { recordedAgent } from '../agent/replay/recorded-agent'
import { firstDifference } from '../agent/replay/recorded-provider'
import { withCliAgent, type OpenProvider } from '../agent/cli-run-agent'
import type { RecordedAgent } from '../../shared/contract/agent'
import type { AgentCall } from '../agent/selector/call'
import { AgentCallsStore } from '../store/agent-calls'

// `mechanica verify` and `mechanica replay`: the audit trail headless, on a database opened
// read-only (neither command writes), in the app's and the memo's words.

export class AuditUsageError extends Error {}

function fail(message: string): never {
  throw new AuditUsageError(message)
}

/** An existing database opened read-only for auditing: verify and replay never write. */
function openForAudit(file: string | undefined): { repository: RunsRepository; audit: AuditStore; agentCalls: AgentCallsStore } {
  if (!file) fail('needs --db FILE')
  if (!existsSync(file)) fail(`${file} does not exist`)
  let db
  try {
    db = openDatabase(file, { readonly: true })
  } catch (error) {
    fail((error as Error).message)
  }
  const version = db.pragma('user_version', { simple: true }) as number
  if (version < LATEST_SCHEMA_VERSION) fail(`${file} has schema v${version}; open it once with this build (npm start -- --db ${file}) to upgrade it to v${LATEST_SCHEMA_VERSION}, then verify`)
  return { repository: new RunsRepository(db), audit: new AuditStore(db), agentCalls: new AgentCallsStore(db) }
}

function parseRunId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const id = Number(text)
  if (!Number.isInteger(id) || id < 1) fail(`--run must be a run id such as 12 (got ${JSON.stringify(text)})`)
  return id
}

const manifestHead = (repository: RunsRepository, id: number): string | null => {
  const results = repository.results(id)
  return results?.kind === 'lab' ? (results.manifest.chainHead ?? null) : null
}

/** A run's chain report with its verification status, in the words the app and the memo use. */
function auditOf(repository: RunsRepository, audit: AuditStore, id: number): ChainReport & { verificationStatus: VerificationStatus } {
  const report = audit.verify(id, manifestHead(repository, id))
  return { ...report, verificationStatus: verificationStatus(report, audit.reviews(id)) }
}

export async function commandVerify(values: { db?: string; run?: string; json?: boolean }): Promise<void> {
  const { repository, audit } = openForAudit(values.db)
  const one = parseRunId(values.run)
  const ids = one !== undefined ? [one] : repository.list({ limit: 1_000_000, offset: 0 }).runs.map((r) => r.id).sort((a, b) => a - b)
  const reports = ids.map((id) => {
    try {
      return auditOf(repository, audit, id)
    } catch (error) {
      fail((error as Error).message)
    }
  })
  if (values.json) console.log(JSON.stringify(one !== undefined ? reports[0] : { runs: reports }, null, 2))
  else {
    for (const r of reports) {
      const what = r.status === 'intact' ? `intact: ${r.verified} links to head ${r.head?.slice(0, 16)}…` : r.status === 'unchained' ? 'unchained (written before hash chaining)' : `BROKEN at position ${r.firstBreak!.position}: ${r.firstBreak!.problem} — ${r.firstBreak!.detail}`
      // A run that stopped early verifies up to its last committed batch of the log.
      const run = repository.get(r.runId)
      const partial = run?.partial ? ` (partial: ${r.steps} of ${run.progressTotal} steps logged before it ended ${run.status})` : ''
      console.log(`run #${r.runId}: ${r.verificationStatus} — ${what}${partial}`)
    }
  }
  if (reports.some((r) => r.status === 'broken')) process.exitCode = 1
}

export async function commandReplay(
  values: { db?: string; run?: string; json?: boolean; agent?: string },
  localInputs: (spec: LabRunSpec, requires: readonly LabRequirement[]) => Promise<LabInputs>,
  openAgent: OpenProvider | null = null
): Promise<void> {
  const { repository, audit, agentCalls } = openForAudit(values.db)
  const id = parseRunId(values.run) ?? fail('replay needs --run ID')
  const run = repository.get(id) ?? fail(`There is no run #${id}.`)
  if (run.spec.task !== 'lab') fail(`run #${id} is a random walk; replay compares decision logs, which only lab runs keep`)
  if (run.status !== 'completed') fail(`run #${id} is ${run.status}; only a completed run has a full log to compare with`)
  const spec = run.spec
  const plan = planLab(spec)
  if (values.agent !== undefined) {
    const stored = repository.results(id)
    const manifest = stored?.kind === 'lab' ? stored.manifest.agent : undefined
    if (!manifest) fail(`run #${id} did not use the agent; there is no model to re-ask`)
    return reask(id, spec, manifest, agentCalls.calls(id), run.resultsHash, await localInputs(spec, plan.requires), values, openAgent)
  }
  const stored = audit.storedLog(id)
  const comparator = new ReplayComparator(stored.chunks, stored.events)
  const feed = sliceFeeder(comparator)
  // A run with the book's agent replays from its recorded calls, without the model.
  const results = repository.results(id)
  const agent = recordedAgent(results?.kind === 'lab' ? results.manifest.agent : undefined, agentCalls.calls(id))
  const inputs = { ...(await localInputs(spec, plan.requires)), ...(agent ? { agent } : {}) }
  const output = await executeLab(spec, { inputs, onLogSlice: feed })
  if (output.logTail) feed(output.logTail)
  const report = replayReport(id, comparator.finish(), run.resultsHash, output.resultsHash)
  // A replay does not change the status: the reviewer records what it showed (sign-off or findings).
  const { verificationStatus: status } = auditOf(repository, audit, id)
  if (values.json) console.log(JSON.stringify({ ...report, verificationStatus: status }, null, 2))
  else if (report.identical) console.log(`run #${id}: ${status} — replay identical (${report.stepsCompared} steps), results hash ${report.replayedResultsHash}`)
  else {
    const d = report.firstDivergence!
    console.log(`run #${id}: ${status} — replay differs at step ${d.t}, field ${d.field}: stored ${d.stored}, replayed ${d.replayed}`)
  }
  if (!report.identical) process.exitCode = 1
}

/**
 * `replay --run ID --agent MODEL`: re-ask. The run again with the model answering live (same
 * spec, seed and bounds), nothing stored; reports the first step whose decision (action or
 * source) differs from the recorded one, or that none does.
 */
async function reask(
  id: number,
  spec: LabRunSpec,
  manifest: NonNullable<RecordedAgent['manifest']>,
  recorded: readonly AgentCall[],
  storedHash: string | null,
  inputs: LabInputs,
  values: { agent?: string; json?: boolean },
  openAgent: OpenProvider | null
): Promise<void> {
  const fresh: AgentCall[] = []
  const output = await withCliAgent(values.agent, openAgent, fail, (provider) =>
    executeLab(spec, {
      inputs,
      agent: { provider, timeoutMs: manifest.timeoutMs, maxRationaleChars: manifest.maxRationaleChars, maxSentences: manifest.maxSentences, maxTokens: manifest.maxTokens, onCall: (call) => fresh.push(call) }
    })
  )
  const difference = firstDifference(recorded, fresh)
  const brief = (c: AgentCall | null) => (c === null ? null : { t: c.t, action: c.action, source: c.source, reason: c.reason })
  const report = {
    runId: id,
    reasked: true,
    recordedCalls: recorded.length,
    freshCalls: fresh.length,
    sameDecisions: difference === null,
    firstDifference: difference === null ? null : { t: difference.t, recorded: brief(difference.recorded), fresh: brief(difference.fresh) },
    storedResultsHash: storedHash,
    reaskedResultsHash: output.resultsHash
  }
  if (values.json) console.log(JSON.stringify(report, null, 2))
  else if (difference === null) console.log(`run #${id}: re-asked ${fresh.length} calls — every decision as recorded; results hash ${output.resultsHash === storedHash ? 'identical' : 'differs'}`)
  else {
    const d = report.firstDifference!
    const say = (c: typeof d.recorded): string => (c === null ? 'no call' : `${c.action} (${c.source})`)
    console.log(`run #${id}: re-asked — first different decision at step ${d.t}: recorded ${say(d.recorded)}, now ${say(d.fresh)}`)
  }
}
