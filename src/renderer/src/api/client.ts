// The error and the codec come from their zod-free modules: importing the contract's index here
// would put every schema (and zod) in the entry bundle that a cold start has to parse.
import { ApiError, type ApiErrorShape } from '../../../shared/contract/api-error'
import type { EventName, EventPayload, MethodName, MethodParams, MethodResult } from '../../../shared/contract'
import { decodeWire, encodeWire } from '../../../shared/contract/wire-codec'
import type { BridgeOutcome, MechanicaBridge } from '../../../shared/bridge'
import { eventHub } from './event-hub'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

/** The renderer's one API: typed calls and events, over Electron's bridge or a WebSocket. */
export interface MechanicaClient {
  readonly transport: 'electron' | 'websocket'
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  onConnection(listener: (state: ConnectionState) => void): () => void
}

/** Low-level transport: sends one call, delivers raw events. */
interface Transport {
  readonly kind: 'electron' | 'websocket'
  call(method: string, params: unknown): Promise<BridgeOutcome>
  subscribe(listener: (event: string, payload: unknown) => void): () => void
  onConnection(listener: (state: ConnectionState) => void): () => void
}

function bridgeTransport(bridge: MechanicaBridge): Transport {
  return {
    kind: 'electron',
    call: (method, params) => bridge.call(method, params),
    subscribe: (listener) => bridge.subscribe(listener),
    onConnection: (listener) => {
      listener('open')
      return () => undefined
    }
  }
}

function webSocketTransport(url: string): Transport {
  type Pending = (outcome: BridgeOutcome) => void
  const pending = new Map<number, Pending>()
  const eventListeners = new Set<(event: string, payload: unknown) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let nextId = 1
  let state: ConnectionState = 'connecting'
  let socket: WebSocket
  let queue: string[] = []
  let retryMs = 250

  const setState = (next: ConnectionState): void => {
    state = next
    for (const listener of connectionListeners) listener(next)
  }

  const connect = (): void => {
    socket = new WebSocket(url)
    socket.onopen = () => {
      retryMs = 250
      setState('open')
      for (const text of queue) socket.send(text)
      queue = []
    }
    socket.onmessage = (message) => {
      const data = decodeWire(String(message.data)) as
        | { type: 'result'; id: number; ok: boolean; value?: unknown; error?: ApiErrorShape }
        | { type: 'event'; event: string; payload: unknown }
      if (data.type === 'event') {
        for (const listener of eventListeners) listener(data.event, data.payload)
        return
      }
      const resolve = pending.get(data.id)
      if (!resolve) return
      pending.delete(data.id)
      resolve(data.ok ? { ok: true, value: data.value } : { ok: false, error: data.error as ApiErrorShape })
    }
    socket.onclose = () => {
      const lost: ApiErrorShape = { code: 'service_unavailable', message: 'Lost the connection to Mechanica; reconnecting.' }
      for (const resolve of pending.values()) resolve({ ok: false, error: lost })
      pending.clear()
      setState('reconnecting')
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  connect()

  return {
    kind: 'websocket',
    call(method, params) {
      const id = nextId++
      const text = encodeWire({ type: 'call', id, method, params })
      return new Promise((resolve) => {
        pending.set(id, resolve)
        if (state === 'open' && socket.readyState === WebSocket.OPEN) socket.send(text)
        else queue.push(text)
      })
    },
    subscribe(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      listener(state)
      return () => connectionListeners.delete(listener)
    }
  }
}

/** The API socket beside the page: the browser host serves the app from a per-launch folder, the only path its cookie is sent to. */
export function apiSocketUrl(pageUrl: string): string {
  const url = new URL('api', pageUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

export function createClient(): MechanicaClient {
  const bridge = (window as unknown as { mechanica?: MechanicaBridge }).mechanica
  const transport = bridge
    ? bridgeTransport(bridge)
    : webSocketTransport(apiSocketUrl(location.href))
  const events = eventHub()
  transport.subscribe((event, payload) => events.emit(event, payload))
  return {
    transport: transport.kind,
    async call(method, params) {
      const outcome = await transport.call(method, params)
      if (!outcome.ok) throw ApiError.fromShape(outcome.error)
      return outcome.value as never
    },
    on: (event, listener) => events.on(event, listener as (payload: unknown) => void),
    onConnection: (listener) => transport.onConnection(listener)
  }
}
