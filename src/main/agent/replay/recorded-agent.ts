import type { RecordedAgent } from '../../../shared/contract/agent'
import type { AgentCall } from '../selector/call'
import type { LabAgentOptions } from '../selector/lab-run'
import { RecordedProvider } from './recorded-provider'

/** What a replay needs to answer the agent's questions without the model: the stored calls under the run's manifest entry. */
export function recordedAgent(manifest: RecordedAgent['manifest'] | undefined, calls: readonly AgentCall[]): RecordedAgent | undefined {
  return manifest === undefined ? undefined : { manifest, calls: [...calls] }
}

/** The run options that replay a recorded agent: the same bounds, the recorded replies in place of the model. */
export function replayAgentOptions(recorded: RecordedAgent): LabAgentOptions {
  const { manifest } = recorded
  const { provider, model, sha256, sizeBytes, endpoint, remoteAllowed, quantisation, contextSize } = manifest
  const identity = { provider, model, contextSize, ...(sha256 === undefined ? {} : { sha256 }), ...(sizeBytes === undefined ? {} : { sizeBytes }), ...(endpoint === undefined ? {} : { endpoint }), ...(remoteAllowed === undefined ? {} : { remoteAllowed }), ...(quantisation === undefined ? {} : { quantisation }) }
  return {
    provider: new RecordedProvider(recorded.calls, identity),
    replayed: true,
    timeoutMs: manifest.timeoutMs,
    maxRationaleChars: manifest.maxRationaleChars,
    maxSentences: manifest.maxSentences,
    maxTokens: manifest.maxTokens
  }
}
