import type { ModelIdentity } from './provider'
import { checkAgentTarget } from './providers/open'

/** A wrong `agent` command or a target that fails its check: one line on stderr, exit 2. */
export class AgentUsageError extends Error {}

function describe(identity: ModelIdentity): string {
  const context = identity.contextSize > 0 ? `context ${identity.contextSize}` : 'context not reported'
  if (identity.provider === 'endpoint') {
    return `endpoint ${identity.endpoint} serves ${identity.model}, ${context}${identity.remoteAllowed ? ' (remote, allowed)' : ' (loopback)'}`
  }
  const mib = ((identity.sizeBytes ?? 0) / 2 ** 20).toFixed(1)
  return `embedded ${identity.model}: GGUF ${identity.quantisation ?? 'unknown type'}, ${mib} MiB, ${context}, sha256 ${identity.sha256}`
}

/**
 * `mechanica agent check <model.gguf | http://127.0.0.1:PORT/v1> [--allow-remote] [--json]`:
 * what a run's `--agent` would use, checked without loading weights.
 */
export async function commandAgent(rest: string[], values: { json?: boolean; 'allow-remote'?: boolean }): Promise<void> {
  const [sub, target, extra] = rest
  if (sub !== 'check') throw new AgentUsageError(`agent needs a subcommand: agent check <model.gguf | http://127.0.0.1:PORT/v1> (got ${JSON.stringify(sub ?? '')})`)
  if (!target) throw new AgentUsageError('agent check needs a model file or an endpoint URL')
  if (extra !== undefined) throw new AgentUsageError(`unexpected argument ${JSON.stringify(extra)}`)
  let identity: ModelIdentity
  try {
    identity = await checkAgentTarget(target, { allowRemote: values['allow-remote'] ?? false })
  } catch (error) {
    throw new AgentUsageError((error as Error).message.split('\n')[0])
  }
  console.log(values.json ? JSON.stringify(identity, null, 2) : describe(identity))
}
