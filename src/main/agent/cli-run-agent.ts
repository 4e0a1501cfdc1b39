import type { LabResults } from '../../shared/contract'
import type { AgentProvider } from './provider'

/**
 * Opens the agent a `--agent TARGET` names (a GGUF model file or an OpenAI-compatible endpoint):
 * the agent runtime's openProvider. It rejects with a one-line message (missing file, not GGUF,
 * endpoint not answering) that the CLI prints before anything is opened or stored.
 */
export type OpenProvider = (target: string) => Promise<AgentProvider>

/** Runs `work` with the provider `--agent` names (null without `--agent`), and closes it after, whatever happened. */
export async function withCliAgent<T>(target: string | undefined, open: OpenProvider | null, fail: (message: string) => never, work: (provider: AgentProvider | null) => Promise<T>): Promise<T> {
  if (target === undefined) return work(null)
  if (open === null) fail('--agent: this build has no agent runtime to open a model with')
  let provider: AgentProvider
  try {
    provider = await open(target)
  } catch (error) {
    fail(`--agent ${target}: ${(error as Error).message}`)
  }
  try {
    return await work(provider)
  } finally {
    await provider.close()
  }
}

/** The `agent` block of `run --json`: provider, model identity, calls, valid replies, fallbacks by reason, latency p50/p95. */
export function agentJson(results: LabResults): Record<string, unknown> | undefined {
  const block = results.agent
  if (block === undefined) return undefined
  const m = results.manifest.agent
  const fallbacks = Object.fromEntries(Object.entries(block.fallbacks).filter(([, n]) => n > 0))
  return {
    status: block.status,
    message: block.message,
    provider: block.provider,
    ...(m ? { model: { name: m.model, sha256: m.sha256, sizeBytes: m.sizeBytes, endpoint: m.endpoint, quantisation: m.quantisation, contextSize: m.contextSize, temperature: m.temperature, decisionEvery: m.decisionEvery } } : {}),
    calls: block.calls,
    valid: block.valid,
    fallbacks,
    overrides: block.overrides,
    controlShare: block.controlShare,
    latencyP50Ms: block.latencyP50Ms,
    latencyP95Ms: block.latencyP95Ms
  }
}
