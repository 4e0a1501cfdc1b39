import {
  ApiError,
  CallMessage,
  MAX_CALL_ARGUMENTS,
  MAX_MESSAGE_BYTES,
  MAX_PARAMS_DEPTH,
  WireDecodeError,
  isMethodName,
  issuesFromZod,
  methods,
  summariseIssues,
  type ApiErrorShape,
  type FieldIssue,
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

/**
 * Params must be plain data: no `__proto__` key anywhere and nesting within MAX_PARAMS_DEPTH.
 * Fuzz finding: JSON.parse makes `__proto__` an own key, and zod's record drops it silently,
 * so `runs.start` / `sweeps.start` with `overrides: {"__proto__": …}` ran and wrote a row
 * instead of being refused; any code that copied such a key by assignment would swap a
 * prototype. Refusing it here covers every method and both transports.
 */
function plainDataProblem(value: unknown, path: readonly string[] = [], depth = 1): FieldIssue | null {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return null
  const where = path.length ? path.join('.') : 'params'
  if (depth > MAX_PARAMS_DEPTH) return { path: where, message: `nested more than ${MAX_PARAMS_DEPTH} levels deep` }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return { path: where, message: 'the key "__proto__" is not accepted' }
    const found = plainDataProblem((value as Record<string, unknown>)[key], [...path, key], depth + 1)
    if (found) return found
  }
  return null
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
    const shapeIssue = plainDataProblem(params)
    if (shapeIssue) {
      return { ok: false, error: { code: 'invalid_params', message: `${method}: ${summariseIssues([shapeIssue])}`, issues: [shapeIssue] } }
    }
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
    } catch (error) {
      const message = error instanceof WireDecodeError ? `Malformed message: ${error.message}.` : 'Message is not valid JSON.'
      return { type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message } }
    }
    const envelope = CallMessage.safeParse(raw)
    if (!envelope.success) {
      // Echo only an id a client could have meant (fuzz finding: 1e400 came back as Infinity, sent as null).
      const given = (raw as { id?: unknown } | null)?.id
      const id = typeof given === 'number' && Number.isSafeInteger(given) && given >= 0 ? given : -1
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
