import { ApiError, type LabRunSpec } from '../../shared/contract'
import type { RunInputs, StepLogSlice } from '../../shared/contract/protocol'
import type { PreparedAgentRun } from '../agent/settings/workstation-agent'
import type { AgentCall } from '../agent/selector/call'
import { CancelledError } from '../engine/cancellation'
import type { LabExecution } from '../labs/execute'
import type { SeriesChunk } from '../labs/series-stream'
import type { AgentCallsStore } from '../store/agent-calls'

/** What the run manager needs to run a lab with the book's agent: the pre-run check and the calls' store. */
export interface AgentRunSupport {
  /** Checks the saved settings' model for this spec; rejects with a one-line ApiError (nothing is stored then). */
  prepare(spec: LabRunSpec): Promise<PreparedAgentRun>
  store: AgentCallsStore
}

export interface AgentRunHooks {
  signal: AbortSignal
  /** 0 … 1 while the agent service loads the model. */
  onLoad(fraction: number): void
  onProgress(done: number, total: number): void
  onSeries(chunk: SeriesChunk): void
  /** Commits a decision-log slice; the calls it holds are stored right after it. */
  onLogSlice(slice: StepLogSlice): void
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Runs a lab with the book's agent as `run --agent` does: the model in the agent service process
 * (a crash or hang there falls back, never takes the workstation down), the lab here, awaiting
 * each answer. The engine process has no way to ask main a question mid-run, so a run with the
 * agent steps here; between answers it yields to the event loop every recording block, and the
 * model's time dominates it. Every call is stored with its chain link after the log slice it
 * belongs to, exactly as the CLI stores it (store-run.ts), so the decision log and replay read it.
 */
export async function executeWithAgent(runId: number, spec: LabRunSpec, inputs: RunInputs, prepared: PreparedAgentRun, store: AgentCallsStore, hooks: AgentRunHooks): Promise<LabExecution> {
  // The labs' code loads with the first run, not on the host's start path.
  const { executeLab } = await import('../labs/execute')
  const provider = await prepared.open(hooks.onLoad)
  const pending: Array<{ call: AgentCall; link: Uint8Array }> = []
  const flush = (): void => {
    if (pending.length > 0) store.append(runId, pending.splice(0))
  }
  try {
    if (hooks.signal.aborted) throw new ApiError('cancelled', `Run #${runId} was cancelled`)
    const output = await executeLab(spec, {
      inputs,
      host: { signal: hooks.signal, onProgress: hooks.onProgress, yieldControl: yieldToEventLoop },
      onSeries: hooks.onSeries,
      onLogSlice: (slice) => {
        hooks.onLogSlice(slice)
        flush()
      },
      agent: { provider, ...prepared.bounds, onCall: (call, link) => pending.push({ call, link }) }
    })
    flush()
    return output
  } catch (error) {
    // The calls of the steps already committed belong with them; a cancelled run keeps its log too.
    flush()
    if (error instanceof CancelledError) throw new ApiError('cancelled', `Run #${runId} was cancelled`)
    throw error
  } finally {
    await provider.close()
  }
}
