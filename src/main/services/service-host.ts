import { ApiError, type ServiceName, type ServiceStatus } from '../../shared/contract'
import type {
  EngineMethods,
  InferenceMethods,
  ServiceEventListeners,
  ServiceMethodName,
  ServiceParams,
  ServiceResult,
  ServiceTable
} from '../../shared/contract/protocol'
import type { ExitInfo, ProcessLauncher, ProcessPort } from './process-port'
import { eventDispatcher, parseReply } from './protocol'
import type { FromWorker } from './worker-protocol'

export interface CallOptions<T extends ServiceTable, M extends ServiceMethodName<T>> {
  /** A listener per event name the method declares (`progress`, `log` …), each payload validated first. */
  on?: ServiceEventListeners<T, M>
  signal?: AbortSignal
}

/**
 * A supervised service process: call the methods of its table, watch its health, stop it.
 * `call('engine.plan', { spec })` takes the method's params and resolves to its response,
 * both typed from the table; the response and every event are validated before they arrive.
 */
export interface ServiceHost<T extends ServiceTable> {
  readonly name: ServiceName
  start(): Promise<void>
  call<M extends ServiceMethodName<T>>(method: M, params: ServiceParams<T, M>, options?: CallOptions<T, M>): Promise<ServiceResult<T, M>>
  status(): ServiceStatus
  onStatus(listener: (status: ServiceStatus) => void): () => void
  stop(): Promise<void>
}

export type EngineService = ServiceHost<EngineMethods>
export type InferenceService = ServiceHost<InferenceMethods>

export interface BackoffPolicy {
  /** Delay before the first restart; doubles with each consecutive crash. */
  initialMs: number
  maxMs: number
  /** Restarts after consecutive crashes (no stable period between) before giving up. */
  maxRestarts: number
  /** Up this long counts as stable and resets the crash count. */
  stableMs: number
  /** A process that has not said `ready` within this time is killed and counts as a crash. */
  readyTimeoutMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 250,
  maxMs: 8_000,
  maxRestarts: 6,
  stableMs: 30_000,
  readyTimeoutMs: 15_000
}

interface PendingCall {
  method: string
  /** Validates the answer and settles the caller's promise with it (or with `internal`). */
  settle(value: unknown): void
  reject(error: unknown): void
  /** Validates an event and hands it to its listener; the error that ends the call when it is not valid. */
  onEvent(name: string, payload: unknown): ApiError | null
  detachAbort: () => void
}

const labels: Record<ServiceName, string> = { engine: 'engine service', inference: 'inference service' }

/**
 * Starts a service process and keeps it alive: pending calls fail with the crash reason,
 * the process restarts with exponential backoff, and it gives up after repeated crashes.
 * Calls made while the process is still starting wait for it; calls made while it is down fail.
 */
export class SupervisedService<T extends ServiceTable> implements ServiceHost<T> {
  private port: ProcessPort | null = null
  private state: ServiceStatus['state'] = 'stopped'
  private restarts = 0
  private consecutiveCrashes = 0
  private lastExit: string | null = null
  private restartInMs: number | null = null
  private restartTimer: NodeJS.Timeout | null = null
  private stableTimer: NodeJS.Timeout | null = null
  private readyTimer: NodeJS.Timeout | null = null
  private nextId = 1
  private readonly pending = new Map<number, PendingCall>()
  private readonly statusListeners = new Set<(status: ServiceStatus) => void>()
  private readyWaiters: Array<{ resolve(): void; reject(error: unknown): void }> = []
  private stopping = false
  /** Whether start() was ever called: a call before it starts the service rather than failing. */
  private started = false
  /** Set by the ready timer for the process it killed; per spawn, so a later crash keeps its own reason. */
  private timedOutPort: ProcessPort | null = null

  constructor(
    readonly name: ServiceName,
    /** The methods the process serves; every answer and event is checked against it. */
    readonly methods: T,
    private readonly entryFile: string,
    private readonly launch: ProcessLauncher,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF
  ) {}

  start(): Promise<void> {
    this.started = true
    this.stopping = false
    if (this.state === 'ready') return Promise.resolve()
    const ready = this.whenReady()
    if (this.state === 'stopped' || this.state === 'failed') {
      this.consecutiveCrashes = 0
      this.spawn()
    }
    return ready
  }

  status(): ServiceStatus {
    return {
      name: this.name,
      state: this.state,
      pid: this.port?.pid ?? null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      restartInMs: this.restartInMs
    }
  }

  onStatus(listener: (status: ServiceStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  async call<M extends ServiceMethodName<T>>(method: M, params: ServiceParams<T, M>, options: CallOptions<T, M> = {}): Promise<ServiceResult<T, M>> {
    if (!Object.hasOwn(this.methods, method)) throw new ApiError('unknown_method', `the ${labels[this.name]} has no task "${method}"`)
    // A service whose start was deferred (inference waits for the engine) starts on its first call.
    if (!this.started) await this.start()
    if (this.state === 'starting') await this.whenReady()
    const port = this.port
    if (this.state !== 'ready' || !port) throw this.unavailableError()
    if (options.signal?.aborted) throw new ApiError('cancelled', `${method} was cancelled`)

    const id = this.nextId++
    const response: T[M]['response'] = this.methods[method]!.response
    return new Promise<ServiceResult<T, M>>((resolve, reject) => {
      const onAbort = (): void => port.send({ type: 'cancel', id })
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        method,
        settle: (value) => {
          try {
            resolve(parseReply(response, method, value))
          } catch (error) {
            reject(error)
          }
        },
        reject,
        onEvent: eventDispatcher(this.methods, method, options.on),
        detachAbort: () => options.signal?.removeEventListener('abort', onAbort)
      })
      port.send({ type: 'call', id, method, params })
    })
  }

  async stop(): Promise<void> {
    this.stopping = true
    this.clearTimers()
    const port = this.port
    this.port = null
    this.failPending(new ApiError('service_unavailable', `The ${labels[this.name]} was stopped.`))
    this.rejectReadyWaiters(new ApiError('service_unavailable', `The ${labels[this.name]} was stopped.`))
    if (port) {
      const exited = new Promise<void>((resolve) => port.onExit(() => resolve()))
      port.kill()
      await exited
    }
    this.setState('stopped')
  }

  private spawn(): void {
    this.restartInMs = null
    this.setState('starting')
    let port: ProcessPort
    try {
      port = this.launch(this.entryFile, this.name)
    } catch (error) {
      this.handleExit(null, { code: null, signal: null, reason: `could not start: ${(error as Error).message}` })
      return
    }
    this.port = port
    port.onMessage((message) => this.handleMessage(port, message))
    port.onExit((info) => this.handleExit(port, info))
    this.readyTimer = setTimeout(() => {
      this.timedOutPort = port
      port.kill()
    }, this.backoff.readyTimeoutMs)
  }

  private handleMessage(port: ProcessPort, message: FromWorker): void {
    if (port !== this.port) return
    if (message.type === 'ready') {
      if (this.readyTimer) clearTimeout(this.readyTimer)
      this.readyTimer = null
      this.setState('ready')
      const waiters = this.readyWaiters
      this.readyWaiters = []
      for (const waiter of waiters) waiter.resolve()
      this.stableTimer = setTimeout(() => {
        this.consecutiveCrashes = 0
      }, this.backoff.stableMs)
      return
    }
    const call = this.pending.get(message.id)
    if (!call) return
    if (message.type === 'event') {
      const malformed = call.onEvent(message.name, message.payload)
      if (!malformed) return
      // The call cannot be trusted past a bad event: it fails here and the service stops working on it.
      this.pending.delete(message.id)
      call.detachAbort()
      port.send({ type: 'cancel', id: message.id })
      call.reject(malformed)
      return
    }
    this.pending.delete(message.id)
    call.detachAbort()
    if (message.ok) call.settle(message.value)
    else call.reject(ApiError.fromShape(message.error))
  }

  private handleExit(port: ProcessPort | null, info: ExitInfo): void {
    if (port && port !== this.port) return
    this.port = null
    this.clearTimers()
    if (this.stopping) return
    const why = port !== null && port === this.timedOutPort ? `did not report ready within ${this.backoff.readyTimeoutMs} ms` : info.reason
    this.timedOutPort = null
    this.lastExit = why
    this.failPending(
      new ApiError('service_crashed', `The ${labels[this.name]} stopped (${why}) while this call was running; it is restarting.`),
      (method) => `The ${labels[this.name]} stopped (${why}) while ${method} was running; it is restarting.`
    )

    this.consecutiveCrashes++
    if (this.consecutiveCrashes > this.backoff.maxRestarts) {
      this.setState('failed')
      this.rejectReadyWaiters(this.unavailableError())
      return
    }
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.consecutiveCrashes - 1))
    this.restarts++
    this.restartInMs = delay
    this.setState('restarting')
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.spawn()
    }, delay)
  }

  private unavailableError(): ApiError {
    const label = labels[this.name]
    const why = this.lastExit ? ` (${this.lastExit})` : ''
    switch (this.state) {
      case 'restarting':
        return new ApiError('service_unavailable', `The ${label} is restarting after it stopped${why}; try again in a moment.`)
      case 'failed':
        return new ApiError(
          'service_unavailable',
          `The ${label} crashed ${this.consecutiveCrashes} ${this.consecutiveCrashes === 1 ? 'time' : 'times'} in a row${why} and was not restarted; restart Mechanica.`
        )
      default:
        return new ApiError('service_unavailable', `The ${label} is not running.`)
    }
  }

  private whenReady(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve()
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }))
  }

  private rejectReadyWaiters(error: unknown): void {
    const waiters = this.readyWaiters
    this.readyWaiters = []
    for (const waiter of waiters) waiter.reject(error)
  }

  private failPending(error: ApiError, messageFor?: (method: string) => string): void {
    const calls = [...this.pending.values()]
    this.pending.clear()
    for (const call of calls) {
      call.detachAbort()
      call.reject(messageFor ? new ApiError(error.code, messageFor(call.method)) : error)
    }
  }

  private clearTimers(): void {
    for (const timer of [this.restartTimer, this.stableTimer, this.readyTimer]) if (timer) clearTimeout(timer)
    this.restartTimer = this.stableTimer = this.readyTimer = null
  }

  private setState(state: ServiceStatus['state']): void {
    this.state = state
    const status = this.status()
    for (const listener of this.statusListeners) listener(status)
  }
}
