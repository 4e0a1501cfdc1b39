import { basename } from 'node:path'
import type { AgentProvider, ModelIdentity } from '../provider'
import { DEFAULT_CONTEXT, openEmbeddedProvider, quantisationName, type EmbeddedOptions } from './embedded'
import { isLoopbackHost, listEndpointModels, openEndpointProvider, parseEndpointUrl, type EndpointOptions } from './endpoint'
import { checkGgufFile, sha256File } from './gguf-file'

/**
 * Where the agent's model is, as a user writes it: a GGUF file path (embedded) or the base URL of
 * an OpenAI-compatible server (`http://127.0.0.1:8080/v1`, endpoint). The CLI's `--agent`, the
 * settings form and the agent service all go through here.
 */
export type AgentTargetKind = 'embedded' | 'endpoint'

export interface AgentOpenOptions {
  /** Allow an endpoint that is not on this machine; recorded in the identity. */
  allowRemote?: boolean
  /** Tokens of context (embedded: default 2048; endpoint: what the user says it has). */
  contextSize?: number
  embedded?: Omit<EmbeddedOptions, 'contextSize'>
  endpoint?: Omit<EndpointOptions, 'allowRemote' | 'contextSize'>
}

export function agentTargetKind(target: string): AgentTargetKind {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? 'endpoint' : 'embedded'
}

/** Opens the provider the target names: loads the model, or checks the endpoint and picks its model. */
export function openProvider(target: string, options: AgentOpenOptions = {}): Promise<AgentProvider> {
  if (agentTargetKind(target) === 'endpoint') {
    return openEndpointProvider(target, { ...options.endpoint, allowRemote: options.allowRemote, contextSize: options.contextSize })
  }
  return openEmbeddedProvider(target, { ...options.embedded, contextSize: options.contextSize })
}

/**
 * Checks a target before a run starts, without loading weights: the file exists and is GGUF (its
 * identity from the header's metadata), or the endpoint answers `GET /models` within a short
 * timeout and is loopback unless allowed. Throws an Error whose message is one line.
 */
export async function checkAgentTarget(target: string, options: AgentOpenOptions = {}): Promise<ModelIdentity> {
  if (agentTargetKind(target) === 'endpoint') {
    const base = parseEndpointUrl(target, options.allowRemote)
    const { ids, contextSize } = await listEndpointModels(base, options.endpoint)
    const model = options.endpoint?.model ?? ids[0]!
    if (!ids.includes(model)) throw new Error(`agent endpoint ${base.href} does not serve model ${model} (it lists ${ids.join(', ')})`)
    return { provider: 'endpoint', model, endpoint: base.href, remoteAllowed: !isLoopbackHost(base.hostname), contextSize: options.contextSize ?? contextSize }
  }
  const { sizeBytes } = await checkGgufFile(target)
  const { readGgufFileInfo, GgufFileType } = await import('node-llama-cpp')
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>
  try {
    info = await readGgufFileInfo(target, { readTensorInfo: false, sourceType: 'filesystem', logWarnings: false })
  } catch (error) {
    throw new Error(`agent model ${target} has a GGUF header that cannot be read: ${(error as Error).message.split('\n')[0]}`)
  }
  const trained = (info.architectureMetadata as { context_length?: unknown }).context_length
  const contextSize = Math.min(options.contextSize ?? DEFAULT_CONTEXT, typeof trained === 'number' ? trained : Infinity)
  return {
    provider: 'embedded',
    model: basename(target),
    sha256: await sha256File(target),
    sizeBytes,
    quantisation: quantisationName(info.metadata.general?.file_type, GgufFileType as unknown as Record<number, string>),
    contextSize
  }
}
