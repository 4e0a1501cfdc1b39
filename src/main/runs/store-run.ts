import type { LabRunSpec, RunSummary } from '../../shared/contract'
import type { Clock } from '../clock'
import type { LoopHost } from '../engine/cancellation'
import type { AgentCall } from '../agent/selector/call'
import type { LabAgentOptions } from '../agent/selector/lab-run'
import type { ChunkSink, LabInputs } from '../engine/kernel'
import { executeLab, planLab, type LabExecution } from '../labs/execute'
import type { AgentCallsStore } from '../store/agent-calls'
import type { RunsRepository } from '../store/runs-repository'

/**
 * Runs a lab spec in this process and stores it the way the workstation does: the run's row
 * first, the decision log committed slice by slice while the run advances, then the results
 * with the last slice in one transaction. For the CLI, the headless memo and benchmarks; the
 * workstation does the same across its engine process (RunManager). A run that fails is
 * recorded failed, with what it committed kept, and returned with its error.
 */
export async function runAndStore(
  repository: RunsRepository,
  spec: LabRunSpec,
  options: { clock: Clock; codeVersion: string; inputs?: LabInputs; host?: LoopHost; agent?: { options: Omit<LabAgentOptions, 'onCall'>; store: AgentCallsStore }; sinks?: ChunkSink[] }
): Promise<{ run: RunSummary; output: LabExecution } | { run: RunSummary; output: null; error: Error }> {
  const plan = planLab(spec)
  const row = repository.create({ spec, seed: plan.seed, steps: plan.steps, configHash: plan.configHash, codeVersion: options.codeVersion, createdAt: options.clock.isoNow() })
  let logged = 0
  // The agent's calls are committed with the log slice they belong to, the rest with the results.
  const agentCalls = options.agent?.store ?? null
  const pendingCalls: Array<{ call: AgentCall; link: Uint8Array }> = []
  const flushCalls = (): void => {
    if (agentCalls && pendingCalls.length > 0) agentCalls.append(row.id, pendingCalls.splice(0))
  }
  try {
    const output = await executeLab(spec, {
      inputs: options.inputs,
      host: options.host,
      ...(options.sinks ? { sinks: options.sinks } : {}),
      onLogSlice: (slice) => {
        logged = repository.appendStepLog(row.id, slice)
        flushCalls()
      },
      ...(options.agent ? { agent: { ...options.agent.options, onCall: (call: AgentCall, link: Uint8Array) => pendingCalls.push({ call, link }) } } : {})
    })
    flushCalls()
    return { run: repository.complete(row.id, options.clock.isoNow(), output, undefined, output.logTail), output }
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught))
    flushCalls()
    return { run: repository.end(row.id, 'failed', options.clock.isoNow(), logged, error.message), output: null, error }
  }
}
