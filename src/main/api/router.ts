import {
  ApiError,
  CallMessage,
  MAX_CALL_ARGUMENTS,
  MAX_MESSAGE_BYTES,
  isMethodName,
  issuesFromZod,
  methods,
  summariseIssues,
  type ApiErrorShape,
  type MethodInput,
  type MethodName,
  type MethodResult,
  type ResultMessage
} from '../../shared/contract'
import { decodeWire } from '../../shared/contract'

export interface CallContext {
  transport: 'electron-ipc' | 'websocket' | 'direct'
}

export type Handler<M extends MethodName> = (input: MethodInput<M>, ctx: CallContext) => Promise<MethodResult<M>> | MethodResult<M>
export type Handlers = { [M in MethodName]: Handler<M> }

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape }

export interface Router {
  /** Validates and runs one call; never throws, never leaks a stack or schema internals. */
  call(method: string, params: unknown, ctx: CallContext): Promise<CallOutcome>
  /** A raw WebSocket text frame: size cap, JSON, envelope, then `call`. */
  handleText(text: string, ctx: CallContext): Promise<ResultMessage>
  /** Electron's invoke arguments after the channel: argument-count and size caps, then `call`. */
  handleInvoke(args: unknown[], ctx: CallContext): Promise<CallOutcome>
  readonly methods: readonly MethodName[]
}

export type Logger = (message: string, error?: unknown) => void

const fail = (code: ApiErrorShape['code'], message: string): CallOutcome => ({ ok: false, error: { code, message } })

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export function createRouter(handlers: Handlers, log: Logger = (m, e) => console.error(m, e ?? '')): Router {
  // The type says every method has a handler; this also catches extras smuggled in at runtime.
  for (const name of Object.keys(handlers)) {
    if (!isMethodName(name)) throw new Error(`handler "${name}" has no schema in the contract`)
  }
  for (const name of Object.keys(methods)) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') throw new Error(`method "${name}" has no handler`)
  }

  async function call(method: string, params: unknown, ctx: CallContext): Promise<CallOutcome> {
    if (!isMethodName(method)) return fail('unknown_method', `Unknown method "${method.slice(0, 100)}".`)
    const schema = methods[method]
    const parsed = schema.request.safeParse(params ?? {})
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error, params)
      return { ok: false, error: { code: 'invalid_params', message: `${method}: ${summariseIssues(issues)}`, issues } }
    }
    try {
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown
      const value = await handler(parsed.data, ctx)
      const checked = schema.response.safeParse(value)
      if (!checked.success) {
        log(`router: ${method} returned a value that does not match its response schema`, checked.error)
        return fail('internal', `${method} produced an invalid response; see the main process log.`)
      }
      return { ok: true, value: checked.data }
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error: error.toShape() }
      log(`router: ${method} failed`, error)
      return fail('internal', `${method} failed unexpectedly; see the main process log.`)
    }
  }

  async function handleText(text: string, ctx: CallContext): Promise<ResultMessage> {
    if (byteLength(text) > MAX_MESSAGE_BYTES) {
      return { type: 'result', id: -1, ok: false, error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` } }
    }
    let raw: unknown
    try {
      raw = decodeWire(text)
    } catch {
      return { type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message: 'Message is not valid JSON.' } }
    }
    const envelope = CallMessage.safeParse(raw)
    if (!envelope.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1
      const issues = issuesFromZod(envelope.error, raw, 'message')
      return { type: 'result', id, ok: false, error: { code: 'invalid_request', message: `Malformed call: ${summariseIssues(issues)}` } }
    }
    const outcome = await call(envelope.data.method, envelope.data.params, ctx)
    return { type: 'result', id: envelope.data.id, ...outcome }
  }

  async function handleInvoke(args: unknown[], ctx: CallContext): Promise<CallOutcome> {
    if (args.length !== MAX_CALL_ARGUMENTS + 1) {
      return fail('invalid_request', `A call takes a method name and ${MAX_CALL_ARGUMENTS} parameters object (got ${args.length} arguments).`)
    }
    const [method, params] = args
    if (typeof method !== 'string') return fail('invalid_request', 'The method name must be a string.')
    let size: number
    try {
      size = byteLength(JSON.stringify(params) ?? '')
    } catch {
      return fail('invalid_request', 'Parameters must be plain data.')
    }
    if (size > MAX_MESSAGE_BYTES) return fail('payload_too_large', `Parameters are larger than ${MAX_MESSAGE_BYTES} bytes.`)
    return call(method, params, ctx)
  }

  return { call, handleText, handleInvoke, methods: Object.keys(methods) as MethodName[] }
}
