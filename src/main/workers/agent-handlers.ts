import { ApiError } from '../../shared/contract'
import type { AgentMethods } from '../../shared/contract/protocol'
import type { AgentProvider } from '../agent/provider'
import { openProvider } from '../agent/providers/open'
import type { ServiceHandlers } from '../services/protocol'

// The agent service: one provider at a time, opened by `agent.open`, asked by `agent.complete`.
// Whatever the model does, the worst case is this process dying; main restarts it.
let provider: AgentProvider | null = null

export const agentHandlers: ServiceHandlers<AgentMethods> = {
  'agent.open': async ({ target, allowRemote, contextSize, threads, gpu, model, apiKey }, ctx) => {
    const previous = provider
    provider = null
    await previous?.close()
    provider = await openProvider(target, {
      allowRemote,
      contextSize,
      embedded: { threads, gpu, signal: ctx.signal, onLoadProgress: (fraction) => ctx.emit('progress', { fraction: Math.min(1, Math.max(0, fraction)) }) },
      endpoint: { model, apiKey }
    })
    return provider.identity
  },
  'agent.complete': async (request, ctx) => {
    if (!provider) throw new ApiError('service_unavailable', 'no agent model is open in the agent service')
    const reply = await provider.complete(request, ctx.signal)
    // An endpoint may report fractional or missing counts; the table wants whole tokens.
    return { ...reply, promptTokens: Math.round(reply.promptTokens), completionTokens: Math.round(reply.completionTokens) }
  }
}
