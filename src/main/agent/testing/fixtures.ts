import { createServer, type AddressInfo } from 'node:net'
import type { AgentRequest } from '../provider'
import { openEmbeddedProvider, type EmbeddedProvider } from '../providers/embedded'
import { startChatServer, type ChatServer } from './chat-server'

/** A question about a market lab with bounds that suit the tiny model; tests override what they are about. */
export function agentQuestion(actions: readonly string[], over: Partial<AgentRequest> = {}): AgentRequest {
  return {
    system: 'You choose one action for a market lab. Answer in JSON.',
    user: 'Spread 1.25 bp, inventory 3, regime calm. Choose an action.',
    actions,
    maxRationaleChars: 50,
    temperature: 0,
    seed: 11,
    maxTokens: 200,
    timeoutMs: 30_000,
    ...over
  }
}

/** A loopback port nothing listens on: one the OS just handed out and took back. */
export async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** The tiny model behind a loopback chat-completions server, CPU and one thread; `close` ends both. */
export async function serveTestModel(modelFile: string, contextSize: number): Promise<{ model: EmbeddedProvider; server: ChatServer; close(): Promise<void> }> {
  const model = await openEmbeddedProvider(modelFile, { gpu: false, threads: 1, contextSize })
  const server = await startChatServer(model)
  return {
    model,
    server,
    async close() {
      await server.close()
      await model.close()
    }
  }
}
