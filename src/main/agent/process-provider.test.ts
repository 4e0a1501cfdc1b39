import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessAgentProvider, openAgentService } from './process-provider'
import type { AgentRequest } from './provider'
import { openEmbeddedProvider } from './providers/embedded'
import { checkAgentTarget } from './providers/open'
import type { ChatServer } from './testing/chat-server'
import { agentQuestion, serveTestModel } from './testing/fixtures'
import { writeTestModel } from './testing/test-model'

// The agent service with the real tiny model in a real child process (the built worker,
// out/main/workers/agent.js, made by the test setup), and its faults made for real: a stopped
// process, a killed one, a server that misbehaves.

const entryFile = join(__dirname, '../../../out/main/workers/agent.js')
const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-process-'))
const modelFile = writeTestModel(dir, 1)
const actions = ['hold', 'hedge', 'unwind']

function request(over: Partial<AgentRequest> = {}): AgentRequest {
  return agentQuestion(actions, { user: 'Delta 0.42, gamma 1.25, regime stress. Choose an action.', seed: 21, ...over })
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('agent service process with the embedded model', () => {
  let agent: ProcessAgentProvider
  const progress: number[] = []

  beforeAll(async () => {
    agent = await ProcessAgentProvider.open({
      entryFile,
      open: { target: modelFile, gpu: false, threads: 1, contextSize: 2048 },
      onLoadProgress: (f) => progress.push(f)
    })
  }, 120_000)
  afterAll(() => agent?.close())

  it('opens the model in a child and names it as the file check does', async () => {
    const checked = await checkAgentTarget(modelFile)
    expect(agent.identity).toEqual({ ...checked, backend: 'cpu' })
    expect(agent.pid).not.toBe(process.pid)
    expect(progress.at(-1)).toBe(1)
  })

  it('answers as the same model in this process does, and the same twice', async () => {
    const inProcess = await openEmbeddedProvider(modelFile, { gpu: false, threads: 1, contextSize: 2048 })
    try {
      const expected = await inProcess.complete(request())
      const reply = await agent.complete(request())
      expect(reply.raw).toBe(expected.raw)
      expect(reply.promptTokens).toBe(expected.promptTokens)
      expect((await agent.complete(request())).raw).toBe(expected.raw)
      expect(actions).toContain((JSON.parse(reply.raw) as { action: string }).action)
    } finally {
      await inProcess.close()
    }
  }, 60_000)

  it('a slow model: the child answers its own timeout and stays up', async () => {
    const pid = agent.pid
    await expect(agent.complete(request({ timeoutMs: 1, maxRationaleChars: 1_000, maxTokens: 1_200 }))).rejects.toThrow(
      'agent.complete failed: the embedded model did not answer within 1 ms'
    )
    expect(agent.pid).toBe(pid)
    expect(JSON.parse((await agent.complete(request())).raw)).toHaveProperty('rationale')
  })

  it('a hung model: the child is killed after the grace, the request rejects, the next one restarts it', async () => {
    const hung = agent.pid!
    const starts = agent.starts
    process.kill(hung, 'SIGSTOP') // the process no longer runs a single instruction, as a stuck native call
    const started = performance.now()
    await expect(agent.complete(request({ timeoutMs: 300 }))).rejects.toThrow(
      'the agent model did not answer within 300 ms (+2000 ms grace); the agent process was stopped and restarts on the next request'
    )
    expect(performance.now() - started).toBeLessThan(10_000)
    await expect.poll(() => isRunning(hung)).toBe(false)
    const reply = await agent.complete(request())
    expect(actions).toContain((JSON.parse(reply.raw) as { action: string }).action)
    expect(agent.starts).toBe(starts + 1)
    expect(agent.pid).not.toBe(hung)
  }, 60_000)

  it('a killed model process: the pending request rejects with the reason, the next one restarts it', async () => {
    const victim = agent.pid!
    const long = agent.complete(request({ maxRationaleChars: 1_500, maxTokens: 1_800 }))
    setTimeout(() => process.kill(victim, 'SIGKILL'), 50)
    await expect(long).rejects.toThrow('the agent process stopped (killed by SIGKILL) while answering; it restarts on the next request')
    expect(JSON.parse((await agent.complete(request())).raw)).toHaveProperty('action')
    expect(agent.pid).not.toBe(victim)
  }, 60_000)

  it('leaves no process behind when closed', async () => {
    const provider = await openAgentService(modelFile, { workersDir: dirname(entryFile), gpu: false, threads: 1 })
    const pid = provider.pid!
    expect(isRunning(pid)).toBe(true)
    await provider.close()
    expect(isRunning(pid)).toBe(false)
    await expect(provider.complete(request())).rejects.toThrow('the agent was closed')
  }, 60_000)

  it('fails to open with the check’s one-line error', async () => {
    await expect(ProcessAgentProvider.open({ entryFile, open: { target: join(dir, 'missing.gguf') } })).rejects.toThrow(
      new RegExp(`^agent model ${join(dir, 'missing.gguf')} does not exist$`)
    )
  })
})

describe('agent service process with an endpoint that misbehaves', () => {
  let served: Awaited<ReturnType<typeof serveTestModel>>
  let server: ChatServer
  let agent: ProcessAgentProvider

  beforeAll(async () => {
    served = await serveTestModel(modelFile, 1024)
    server = served.server
    agent = await ProcessAgentProvider.open({ entryFile, open: { target: server.url } })
  }, 120_000)
  afterAll(async () => {
    await agent?.close()
    await served?.close()
  })

  it('names the endpoint, answers through it', async () => {
    expect(agent.identity).toMatchObject({ provider: 'endpoint', endpoint: server.url, model: 'test-model-seed-1.gguf', remoteAllowed: false })
    expect(actions).toContain((JSON.parse((await agent.complete(request())).raw) as { action: string }).action)
  })

  it('malformed body and silence reject; a foreign action or an over-long rationale come back raw for the selector', async () => {
    const pid = agent.pid
    server.fault = 'malformed-body'
    await expect(agent.complete(request())).rejects.toThrow(/the answer is not JSON/)
    server.fault = 'silent'
    await expect(agent.complete(request({ timeoutMs: 300 }))).rejects.toThrow(`did not answer within 300 ms`)
    server.fault = 'foreign-action'
    expect(JSON.parse((await agent.complete(request())).raw)).toEqual({ action: 'double_down', rationale: 'Not one of the allowed actions.' })
    server.fault = 'long-rationale'
    expect((await agent.complete(request())).raw.length).toBeGreaterThan(5_000)
    server.fault = 'malformed-content'
    expect((await agent.complete(request())).raw).toBe('{"action": "hold", "rationale": "cut off')
    server.fault = null
    // none of it cost the process
    expect(agent.pid).toBe(pid)
  })
})
