import { join } from 'node:path'
import { ApiError } from '../../shared/contract'
import { agentMethods, type AgentOpenShape, type AgentMethods } from '../../shared/contract/protocol'
import type { ServiceEventListeners, ServiceMethodName, ServiceParams, ServiceResult } from '../../shared/contract/protocol'
import { launchNodeProcess } from '../services/node-launcher'
import type { ExitInfo, ProcessLauncher, ProcessPort } from '../services/process-port'
import { eventDispatcher, parseReply } from '../services/protocol'
import type { FromWorker } from '../services/worker-protocol'
import type { AgentProvider, AgentReply, AgentRequest, ModelIdentity } from './provider'

/**
 * The agent as its own process: an AgentProvider whose questions go to a child process
 * (src/main/workers/agent.ts) that hosts the embedded or endpoint provider. A crashed or hung
 * model costs that child, never the caller:
 * - the child answers its own timeout (the provider aborts generation) and stays up;
 * - a child that does not even answer that (native code stuck) is killed `graceMs` after the
 *   request's timeout, and the request rejects;
 * - a child that dies mid-request rejects the request with the exit's reason.
 * Either way the next request starts a fresh child and opens the same model again.
 */
export interface ProcessAgentOptions {
  /** What to open in the child: the target and the options that cross the boundary. */
  open: AgentOpenShape
  /** The built worker: out/main/workers/agent.js. */
  entryFile: string
  launch?: ProcessLauncher
  /** 0 … 1 while the child loads the weights (each time it starts). */
  onLoadProgress?: (fraction: number) => void
  /** How long starting the child and opening the model may take. */
  openTimeoutMs?: number
  /** Beyond a request's own timeout, how long the child has to say so before it is killed. */
  graceMs?: number
}

const OPEN_TIMEOUT_MS = 300_000
const GRACE_MS = 2_000

interface Pending {
  settle(value: unknown): void
  reject(error: Error): void
  onEvent(name: string, payload: unknown): ApiError | null
}

/** One child process and the calls waiting on it; dead once it exits or is killed. */
class AgentChild {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private exit: ExitInfo | null = null
  /** Set before a deliberate kill, so the pending calls get that reason rather than the signal. */
  private killReason: string | null = null
  readonly ready: Promise<void>
  readonly exited: Promise<void>

  constructor(private readonly port: ProcessPort) {
    let markExited!: () => void
    this.exited = new Promise((resolve) => (markExited = resolve))
    let markReady!: () => void
    let failReady!: (error: Error) => void
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve
      failReady = reject
    })
    port.onMessage((message: FromWorker) => {
      if (message.type === 'ready') return markReady()
      const call = this.pending.get(message.id)
      if (!call) return
      if (message.type === 'event') {
        const malformed = call.onEvent(message.name, message.payload)
        if (!malformed) return
        this.pending.delete(message.id)
        return call.reject(malformed)
      }
      this.pending.delete(message.id)
      if (message.ok) call.settle(message.value)
      else call.reject(ApiError.fromShape(message.error))
    })
    port.onExit((info) => {
      this.exit = info
      const reason = this.killReason ?? `the agent process stopped (${info.reason}) while answering; it restarts on the next request`
      failReady(new Error(reason))
      const calls = [...this.pending.values()]
      this.pending.clear()
      for (const call of calls) call.reject(new Error(reason))
      markExited()
    })
    // A child that exits before anyone waits on `ready` must not leave an unhandled rejection.
    this.ready.catch(() => undefined)
  }

  get alive(): boolean {
    return this.exit === null
  }

  get pid(): number | null {
    return this.port.pid
  }

  kill(reason: string): void {
    if (!this.alive) return
    this.killReason = reason
    this.port.kill()
  }

  call<M extends ServiceMethodName<AgentMethods>>(
    method: M,
    params: ServiceParams<AgentMethods, M>,
    options: { watchdogMs: number; watchdogReason: string; signal?: AbortSignal; on?: ServiceEventListeners<AgentMethods, M> }
  ): Promise<ServiceResult<AgentMethods, M>> {
    if (!this.alive) return Promise.reject(new Error('the agent process is not running'))
    const id = this.nextId++
    return new Promise<ServiceResult<AgentMethods, M>>((resolve, reject) => {
      const watchdog = setTimeout(() => this.kill(options.watchdogReason), options.watchdogMs)
      const onAbort = (): void => this.port.send({ type: 'cancel', id })
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const done = (): void => {
        clearTimeout(watchdog)
        options.signal?.removeEventListener('abort', onAbort)
      }
      this.pending.set(id, {
        settle: (value) => {
          done()
          try {
            resolve(parseReply(agentMethods[method].response, method, value) as ServiceResult<AgentMethods, M>)
          } catch (error) {
            reject(error as Error)
          }
        },
        reject: (error) => {
          done()
          reject(error)
        },
        onEvent: eventDispatcher(agentMethods, method, options.on)
      })
      this.port.send({ type: 'call', id, method, params })
    })
  }
}

export class ProcessAgentProvider implements AgentProvider {
  private child: AgentChild | null = null
  private starting: Promise<AgentChild> | null = null
  private closed = false
  /** How many children were started: 1 for a model that never failed. */
  starts = 0

  private constructor(
    private readonly options: ProcessAgentOptions,
    private current: ModelIdentity
  ) {}

  /** Starts the child and opens the model in it; rejects with the open's one-line error. */
  static async open(options: ProcessAgentOptions): Promise<ProcessAgentProvider> {
    const provider = new ProcessAgentProvider(options, { provider: 'embedded', model: options.open.target, contextSize: 0 })
    try {
      await provider.ensureChild()
    } catch (error) {
      await provider.close()
      throw error
    }
    return provider
  }

  get identity(): ModelIdentity {
    return this.current
  }

  /** The child's process id, or null while none runs. */
  get pid(): number | null {
    return this.child?.alive ? this.child.pid : null
  }

  async complete(request: AgentRequest, signal?: AbortSignal): Promise<AgentReply> {
    signal?.throwIfAborted()
    const child = await this.ensureChild()
    const grace = this.options.graceMs ?? GRACE_MS
    return child.call('agent.complete', { ...request, actions: [...request.actions] }, {
      signal,
      watchdogMs: request.timeoutMs + grace,
      watchdogReason: `the agent model did not answer within ${request.timeoutMs} ms (+${grace} ms grace); the agent process was stopped and restarts on the next request`
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const child = this.child ?? (await this.starting?.catch(() => null)) ?? null
    this.child = null
    if (child?.alive) {
      child.kill('the agent was closed')
      await child.exited
    }
  }

  private ensureChild(): Promise<AgentChild> {
    if (this.closed) return Promise.reject(new Error('the agent was closed'))
    if (this.child?.alive) return Promise.resolve(this.child)
    this.starting ??= this.start().finally(() => {
      this.starting = null
    })
    return this.starting
  }

  private async start(): Promise<AgentChild> {
    const launch = this.options.launch ?? launchNodeProcess
    const child = new AgentChild(launch(this.options.entryFile, 'agent'))
    this.starts++
    const timeoutMs = this.options.openTimeoutMs ?? OPEN_TIMEOUT_MS
    const reason = `the agent model did not open within ${timeoutMs} ms; the agent process was stopped`
    const watchdog = setTimeout(() => child.kill(reason), timeoutMs)
    try {
      await child.ready
      const identity = await child.call('agent.open', this.options.open, {
        watchdogMs: timeoutMs,
        watchdogReason: reason,
        on: { progress: ({ fraction }) => this.options.onLoadProgress?.(fraction) }
      })
      // A restart must answer with the same model: a run's provenance names one.
      if (this.starts > 1 && identity.sha256 !== this.current.sha256) {
        throw new Error(`agent model ${this.options.open.target} changed since it was first opened (sha256 ${this.current.sha256} → ${identity.sha256})`)
      }
      this.current = identity
      this.child = child
      return child
    } catch (error) {
      child.kill('the agent model failed to open')
      throw error instanceof ApiError ? new Error(error.message.replace(/^agent\.open failed: /, '')) : error
    } finally {
      clearTimeout(watchdog)
    }
  }
}

/**
 * The agent service for a model file or endpoint URL, as `run --agent` and the app open it:
 * `workersDir` is where the built workers are (out/main/workers, `join(__dirname, 'workers')`
 * from a bundle in out/main).
 */
export function openAgentService(
  target: string,
  options: Omit<AgentOpenShape, 'target'> & { workersDir: string; launch?: ProcessLauncher; onLoadProgress?: (fraction: number) => void }
): Promise<ProcessAgentProvider> {
  const { workersDir, launch, onLoadProgress, ...open } = options
  return ProcessAgentProvider.open({ entryFile: join(workersDir, 'agent.js'), open: { ...open, target }, launch, onLoadProgress })
}
