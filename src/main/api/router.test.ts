import { describe, expect, it, vi, type Mock } from 'vitest'
import { z } from 'zod'
import { ApiError, MAX_MESSAGE_BYTES, MAX_PARAMS_DEPTH, encodeWire, methodNames, methods, type MethodName } from '../../shared/contract'
import { createRouter, type CallContext, type Handlers } from './router'

const EXPECTED_METHODS = ['app.info', 'services.status', 'inference.status', 'labs.list', 'labs.stressMenu', 'regime.classify', 'runs.start', 'runs.cancel', 'runs.list', 'runs.get', 'runs.surfaces', 'runs.events', 'runs.liveSeries', 'runs.series', 'runs.steps', 'runs.stepIndex', 'sweeps.start', 'sweeps.list', 'sweeps.get', 'sweeps.cancel', 'store.backup', 'regime.compare', 'runs.audit', 'runs.review', 'runs.replay', 'runs.rerun', 'memo.get', 'memo.save', 'memo.render', 'memo.export', 'runs.exportTable', 'runs.agentCall', 'runs.agentComparison', 'agent.settings', 'agent.saveSettings', 'agent.check', 'portfolio.create', 'portfolio.list', 'portfolio.get', 'portfolio.risk']
// Queued sweeps from the app (issue 19).
EXPECTED_METHODS.push('queue.settings', 'queue.configure', 'queue.start', 'queue.list', 'queue.get', 'queue.cancel')
// The market-terrain lab's Terrain view (issue 17 item 8).
EXPECTED_METHODS.push('terrain.view')
// The risk desk's stress, limits, walk-forward and the portfolio's log (issue 18).
EXPECTED_METHODS.push('portfolio.stress', 'portfolio.limits', 'portfolio.walkForward', 'portfolio.log')
// A user's CSV in the Terrain view (issue 17).
EXPECTED_METHODS.push('terrain.csv', 'terrain.csvBar')
// A user's closes in the Regime view (issue 20).
EXPECTED_METHODS.push('regime.compareCsv')

const ctx: CallContext = { transport: 'direct' }

const INFO = {
  name: 'Mechanica',
  version: '0.1.0',
  codeVersion: 'abc',
  host: 'electron',
  databasePath: '/tmp/m.db',
  exportDir: null,
  platform: 'linux',
  runtime: 'node'
} as const

type MockHandlers = { [M in MethodName]: Mock }

/** Every handler is a mock; those the tests call return valid responses. */
function mockHandlers(): MockHandlers {
  return {
    'app.info': vi.fn(() => INFO),
    'services.status': vi.fn(() => ({ services: [] })),
    'inference.status': vi.fn(() => ({ runtimeVersion: '1', provider: 'cpu', attempts: [], summary: 'cpu' })),
    'labs.list': vi.fn(() => ({ labs: [] })),
    'labs.stressMenu': vi.fn(() => ({ variants: [] })),
    'regime.classify': vi.fn(() => { throw new Error('not used in these tests') }),
    'regime.compare': vi.fn(() => { throw new Error('not used in these tests') }),
    'runs.start': vi.fn(),
    'runs.cancel': vi.fn(async () => ({ cancelled: true })),
    'runs.list': vi.fn(() => ({ runs: [], total: 0 })),
    'runs.get': vi.fn(),
    'runs.audit': vi.fn(),
    'runs.review': vi.fn(),
    'runs.replay': vi.fn(),
    'runs.surfaces': vi.fn(),
    'runs.events': vi.fn(() => ({ events: [] })),
    'runs.liveSeries': vi.fn(() => ({ chunk: null })),
    'runs.series': vi.fn(),
    'runs.steps': vi.fn(),
    'runs.stepIndex': vi.fn(),
    'sweeps.start': vi.fn(),
    'sweeps.list': vi.fn(() => ({ sweeps: [], total: 0 })),
    'sweeps.get': vi.fn(),
    'sweeps.cancel': vi.fn(async () => ({ cancelled: true })),
    'store.backup': vi.fn(async () => ({ path: '/tmp/m.backup-1.db', bytes: 4096, runs: 0 })),
    'runs.rerun': vi.fn(),
    'memo.get': vi.fn(),
    'memo.save': vi.fn(),
    'memo.render': vi.fn(),
    'memo.export': vi.fn(async () => ({ path: '/tmp/exports/run-1-memo.md', bytes: 10, sha256: 'a'.repeat(64) })),
    'runs.exportTable': vi.fn(),
    'runs.agentCall': vi.fn(() => ({ call: null })),
    'runs.agentComparison': vi.fn(() => ({ comparison: null })),
    'agent.settings': vi.fn(),
    'agent.saveSettings': vi.fn(),
    'agent.check': vi.fn(),
    'portfolio.create': vi.fn(),
    'portfolio.list': vi.fn(() => ({ portfolios: [], total: 0 })),
    'portfolio.get': vi.fn(),
    'portfolio.risk': vi.fn(),
    'queue.settings': vi.fn(),
    'queue.configure': vi.fn(),
    'queue.start': vi.fn(),
    'queue.list': vi.fn(() => ({ sweeps: [] })),
    'queue.get': vi.fn(),
    'queue.cancel': vi.fn(),
    'terrain.view': vi.fn(),
    'portfolio.stress': vi.fn(),
    'portfolio.limits': vi.fn(),
    'portfolio.walkForward': vi.fn(),
    'portfolio.log': vi.fn(() => ({ entries: [], brokenAt: null })),
    'terrain.csv': vi.fn(),
    'terrain.csvBar': vi.fn(),
    'regime.compareCsv': vi.fn()
  }
}

function setup(overrides: Partial<MockHandlers> = {}) {
  const handlers = { ...mockHandlers(), ...overrides }
  const log = vi.fn()
  const router = createRouter(handlers as unknown as Handlers, log)
  const noHandlerRan = () => Object.values(handlers).every((h) => h.mock.calls.length === 0)
  return { handlers, log, router, noHandlerRan }
}

describe('method inventory', () => {
  it('is exactly the expected list of methods', () => {
    expect([...methodNames].sort()).toEqual([...EXPECTED_METHODS].sort())
    expect(Object.keys(methods).sort()).toEqual([...EXPECTED_METHODS].sort())
    expect([...setup().router.methods].sort()).toEqual([...EXPECTED_METHODS].sort())
  })

  it('gives every method a request and a response zod schema', () => {
    for (const name of methodNames) {
      expect(methods[name].request, name).toBeInstanceOf(z.ZodType)
      expect(methods[name].response, name).toBeInstanceOf(z.ZodType)
    }
  })

  it('createRouter throws when a method has no handler', () => {
    const { 'runs.get': _missing, ...rest } = mockHandlers()
    expect(() => createRouter(rest as unknown as Handlers, vi.fn())).toThrow('method "runs.get" has no handler')
  })

  it('createRouter throws when a handler is not a function', () => {
    const handlers = { ...mockHandlers(), 'runs.get': 'nope' }
    expect(() => createRouter(handlers as unknown as Handlers, vi.fn())).toThrow('method "runs.get" has no handler')
  })

  it('createRouter throws when an extra handler has no schema', () => {
    const handlers = { ...mockHandlers(), 'runs.delete': vi.fn() }
    expect(() => createRouter(handlers as unknown as Handlers, vi.fn())).toThrow('handler "runs.delete" has no schema in the contract')
  })
})

describe('call', () => {
  it('runs the handler with validated input and the call context, returning its value', async () => {
    const { router, handlers } = setup()
    const outcome = await router.call('runs.cancel', { runId: 3 }, ctx)
    expect(outcome).toEqual({ ok: true, value: { cancelled: true } })
    expect(handlers['runs.cancel']).toHaveBeenCalledExactlyOnceWith({ runId: 3 }, ctx)
  })

  it('fills runs.list defaults: limit 100, offset 0', async () => {
    const { router, handlers } = setup()
    await router.call('runs.list', {}, ctx)
    expect(handlers['runs.list']).toHaveBeenCalledExactlyOnceWith({ limit: 100, offset: 0 }, ctx)
  })

  it('treats missing params as an empty object', async () => {
    const { router, handlers } = setup()
    expect(await router.call('app.info', undefined, ctx)).toEqual({ ok: true, value: INFO })
    expect(handlers['app.info']).toHaveBeenCalledExactlyOnceWith({}, ctx)
  })

  it('refuses an unknown method without running any handler', async () => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.call('runs.delete', {}, ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'unknown_method', message: 'Unknown method "runs.delete".' } })
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses inherited object properties as method names', async () => {
    const { router, noHandlerRan } = setup()
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const outcome = await router.call(name, {}, ctx)
      expect(outcome.ok ? null : outcome.error.code, name).toBe('unknown_method')
    }
    expect(noHandlerRan()).toBe(true)
  })

  it('cuts an unknown method name to 100 characters in the message', async () => {
    const { router } = setup()
    const outcome = await router.call('x'.repeat(5000), {}, ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'unknown_method', message: `Unknown method "${'x'.repeat(100)}".` } })
  })

  it('refuses invalid params with issues naming the field and does not call the handler', async () => {
    const { router, handlers } = setup()
    const outcome = await router.call('runs.start', { spec: { task: 'random-walk', steps: 2e7, seed: 1 } }, ctx)
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'invalid_params',
        message: 'runs.start: spec.steps: must be at most 10,000,000 (got 20000000)',
        issues: [{ path: 'spec.steps', message: 'must be at most 10,000,000 (got 20000000)' }]
      }
    })
    expect(handlers['runs.start']).not.toHaveBeenCalled()
  })

  it('refuses an unknown parameter key', async () => {
    const { router, handlers } = setup()
    const outcome = await router.call('runs.get', { runId: 1, evil: true }, ctx)
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'invalid_params', message: 'runs.get: params: unknown key "evil"', issues: [{ path: 'params', message: 'unknown key "evil"' }] }
    })
    expect(handlers['runs.get']).not.toHaveBeenCalled()
  })

  it('refuses params for a method that takes none', async () => {
    const { router, handlers } = setup()
    const outcome = await router.call('app.info', { verbose: 1 }, ctx)
    expect(outcome.ok ? null : outcome.error.code).toBe('invalid_params')
    expect(handlers['app.info']).not.toHaveBeenCalled()
  })

  it('turns a thrown plain Error into `internal` without its text or stack, and logs the error', async () => {
    const boom = new Error('SQLITE_CORRUPT: secret path /home/alice/db')
    const { router, log } = setup({ 'runs.list': vi.fn(() => Promise.reject(boom)) })
    const outcome = await router.call('runs.list', {}, ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'internal', message: 'runs.list failed unexpectedly; see the main process log.' } })
    const message = outcome.ok ? '' : outcome.error.message
    expect(message).not.toContain('SQLITE_CORRUPT')
    expect(message).not.toContain('secret')
    expect(message).not.toContain('at ')
    expect(outcome.ok ? {} : outcome.error).not.toHaveProperty('issues')
    expect(log).toHaveBeenCalledExactlyOnceWith('router: runs.list failed', boom)
  })

  it('turns a thrown non-Error value into `internal` too', async () => {
    const { router, log } = setup({ 'app.info': vi.fn(() => { throw 'a string' }) })
    const outcome = await router.call('app.info', {}, ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'internal', message: 'app.info failed unexpectedly; see the main process log.' } })
    expect(log).toHaveBeenCalledTimes(1)
  })

  it('refuses a handler response that fails the response schema as `internal` and logs it', async () => {
    const { router, log } = setup({ 'runs.list': vi.fn(() => ({ runs: 'not an array', total: 0 })) })
    const outcome = await router.call('runs.list', {}, ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'internal', message: 'runs.list produced an invalid response; see the main process log.' } })
    expect(log).toHaveBeenCalledTimes(1)
    expect(log.mock.calls[0]?.[0]).toBe('router: runs.list returned a value that does not match its response schema')
  })

  it('refuses a response carrying an extra key (strict response schemas)', async () => {
    const { router } = setup({ 'runs.cancel': vi.fn(() => ({ cancelled: true, stack: 'at x' })) })
    const outcome = await router.call('runs.cancel', { runId: 1 }, ctx)
    expect(outcome.ok ? null : outcome.error.code).toBe('internal')
  })

  it('passes an ApiError thrown by a handler through with its code, message and issues', async () => {
    const issues = [{ path: 'runId', message: 'no such run' }]
    const { router, log } = setup({ 'runs.get': vi.fn(() => { throw new ApiError('not_found', 'Run 42 does not exist.', issues) }) })
    expect(await router.call('runs.get', { runId: 42 }, ctx)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Run 42 does not exist.', issues }
    })
    expect(log).not.toHaveBeenCalled()
  })
})

describe('handleText', () => {
  it('answers a well-formed call with the same id', async () => {
    const { router } = setup()
    const reply = await router.handleText(JSON.stringify({ type: 'call', id: 7, method: 'runs.cancel', params: { runId: 1 } }), ctx)
    expect(reply).toEqual({ type: 'result', id: 7, ok: true, value: { cancelled: true } })
  })

  it('refuses text that is not JSON as invalid_request with id -1', async () => {
    const { router, noHandlerRan } = setup()
    expect(await router.handleText('{"type":"call",', ctx)).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Message is not valid JSON.' }
    })
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses text over MAX_MESSAGE_BYTES as payload_too_large before parsing it', async () => {
    const { router, noHandlerRan } = setup()
    const params = { pad: 'x'.repeat(MAX_MESSAGE_BYTES) }
    const reply = await router.handleText(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params }), ctx)
    expect(reply).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` }
    })
    expect(noHandlerRan()).toBe(true)
  })

  it('counts bytes, not characters, against the cap', async () => {
    const { router } = setup()
    // 30,000 three-byte characters: under the cap in characters, over it in UTF-8 bytes.
    const text = JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: { pad: '€'.repeat(30_000) } })
    expect(text.length).toBeLessThan(MAX_MESSAGE_BYTES)
    const reply = await router.handleText(text, ctx)
    expect(reply.ok ? null : reply.error.code).toBe('payload_too_large')
  })

  it('accepts a message of exactly MAX_MESSAGE_BYTES', async () => {
    const { router } = setup()
    const head = JSON.stringify({ type: 'call', id: 1, method: 'runs.list', params: {} })
    const text = head + ' '.repeat(MAX_MESSAGE_BYTES - head.length)
    expect(Buffer.byteLength(text)).toBe(MAX_MESSAGE_BYTES)
    expect((await router.handleText(text, ctx)).ok).toBe(true)
  })

  it('refuses an envelope with an extra key, echoing its id', async () => {
    const { router, noHandlerRan } = setup()
    const reply = await router.handleText(JSON.stringify({ type: 'call', id: 5, method: 'app.info', params: {}, extra: 1 }), ctx)
    expect(reply).toEqual({
      type: 'result',
      id: 5,
      ok: false,
      error: { code: 'invalid_request', message: 'Malformed call: message: unknown key "extra"' }
    })
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses an envelope without an id as invalid_request with id -1', async () => {
    const { router, noHandlerRan } = setup()
    const reply = await router.handleText(JSON.stringify({ type: 'call', method: 'app.info', params: {} }), ctx)
    expect(reply.id).toBe(-1)
    expect(reply.ok ? null : reply.error.code).toBe('invalid_request')
    expect(reply.ok ? '' : reply.error.message).toMatch(/^Malformed call: id: /)
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses JSON that is not an object (null, array, number) as invalid_request', async () => {
    const { router } = setup()
    for (const text of ['null', '[]', '3', '"call"']) {
      const reply = await router.handleText(text, ctx)
      expect(reply.id, text).toBe(-1)
      expect(reply.ok ? null : reply.error.code, text).toBe('invalid_request')
    }
  })

  it('refuses a wrong message type and a negative or fractional id', async () => {
    const { router, noHandlerRan } = setup()
    for (const envelope of [
      { type: 'result', id: 1, method: 'app.info', params: {} },
      { type: 'call', id: -2, method: 'app.info', params: {} },
      { type: 'call', id: 1.5, method: 'app.info', params: {} },
      { type: 'call', id: 1, method: '', params: {} }
    ]) {
      const reply = await router.handleText(JSON.stringify(envelope), ctx)
      expect(reply.ok ? null : reply.error.code, JSON.stringify(envelope)).toBe('invalid_request')
    }
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses a malformed $f64 payload as invalid_request', async () => {
    const { router } = setup()
    const reply = await router.handleText('{"type":"call","id":1,"method":"app.info","params":{"$f64":"AAAA"}}', ctx)
    expect(reply.ok ? null : reply.error.code).toBe('invalid_request')
  })

  it('passes an unknown method inside a valid envelope on as unknown_method with the id', async () => {
    const { router } = setup()
    const reply = await router.handleText(encodeWire({ type: 'call', id: 9, method: 'nope', params: {} }), ctx)
    expect(reply).toEqual({ type: 'result', id: 9, ok: false, error: { code: 'unknown_method', message: 'Unknown method "nope".' } })
  })
})

describe('handleInvoke', () => {
  it('runs a call given exactly a method name and one params object', async () => {
    const { router, handlers } = setup()
    expect(await router.handleInvoke(['runs.cancel', { runId: 2 }], ctx)).toEqual({ ok: true, value: { cancelled: true } })
    expect(handlers['runs.cancel']).toHaveBeenCalledExactlyOnceWith({ runId: 2 }, ctx)
  })

  it('refuses the wrong number of arguments without running any handler', async () => {
    const { router, noHandlerRan } = setup()
    expect(await router.handleInvoke(['app.info'], ctx)).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'A call takes a method name and 1 parameters object (got 1 arguments).' }
    })
    const three = await router.handleInvoke(['app.info', {}, { smuggled: true }], ctx)
    expect(three.ok ? null : three.error.code).toBe('invalid_request')
    const none = await router.handleInvoke([], ctx)
    expect(none.ok ? null : none.error.code).toBe('invalid_request')
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses a method name that is not a string', async () => {
    const { router, noHandlerRan } = setup()
    for (const method of [42, null, { toString: () => 'app.info' }, ['app.info']]) {
      expect(await router.handleInvoke([method, {}], ctx)).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: 'The method name must be a string.' }
      })
    }
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses params larger than MAX_MESSAGE_BYTES as payload_too_large', async () => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.handleInvoke(['runs.list', { pad: 'x'.repeat(MAX_MESSAGE_BYTES) }], ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'payload_too_large', message: `Parameters are larger than ${MAX_MESSAGE_BYTES} bytes.` } })
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses params that cannot be serialised (cycles, BigInt) as invalid_request', async () => {
    const { router, noHandlerRan } = setup()
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const params of [cyclic, { n: 1n }]) {
      expect(await router.handleInvoke(['runs.list', params], ctx)).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: 'Parameters must be plain data.' }
      })
    }
    expect(noHandlerRan()).toBe(true)
  })

  it('validates params after the caps, like call', async () => {
    const { router, handlers } = setup()
    const outcome = await router.handleInvoke(['runs.get', { runId: 0 }], ctx)
    expect(outcome.ok ? null : outcome.error.code).toBe('invalid_params')
    expect(outcome.ok ? null : outcome.error.issues?.[0]?.path).toBe('runId')
    expect(handlers['runs.get']).not.toHaveBeenCalled()
  })
})

// Found by src/main/api/router.fuzz.test.ts; each was a real reply before the fix.
describe('bad input found by the fuzz', () => {
  it('refuses a __proto__ key anywhere in params, naming where, on every transport', async () => {
    const { router, noHandlerRan } = setup()
    // JSON.parse makes it an own key; zod's record dropped it silently and runs.start ran.
    const text = '{"type":"call","id":3,"method":"runs.start","params":{"spec":{"task":"lab","lab":"credit-spreads","overrides":{"__proto__":{"seed":1}}}}}'
    const issue = { path: 'spec.overrides', message: 'the key "__proto__" is not accepted' }
    expect(await router.handleText(text, ctx)).toEqual({
      type: 'result',
      id: 3,
      ok: false,
      error: { code: 'invalid_params', message: 'runs.start: spec.overrides: the key "__proto__" is not accepted', issues: [issue] }
    })
    const params: Record<string, unknown> = {}
    Object.defineProperty(params, '__proto__', { value: { limit: 5 }, enumerable: true })
    const outcome = await router.handleInvoke(['runs.list', params], ctx)
    expect(outcome).toEqual({ ok: false, error: { code: 'invalid_params', message: 'runs.list: params: the key "__proto__" is not accepted', issues: [{ path: 'params', message: 'the key "__proto__" is not accepted' }] } })
    expect(noHandlerRan()).toBe(true)
    expect(({} as Record<string, unknown>).seed).toBeUndefined()
  })

  it('refuses params nested deeper than MAX_PARAMS_DEPTH and passes the depth itself on to the schema', async () => {
    const { router, noHandlerRan } = setup()
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) })
    const deep = await router.call('runs.get', { runId: 1, x: nest(MAX_PARAMS_DEPTH) }, ctx)
    expect(deep.ok ? null : deep.error.message).toBe(`runs.get: ${['x', ...Array<string>(MAX_PARAMS_DEPTH - 1).fill('a')].join('.')}: nested more than ${MAX_PARAMS_DEPTH} levels deep`)
    const atCap = await router.call('runs.get', { runId: 1, x: nest(MAX_PARAMS_DEPTH - 1) }, ctx)
    expect(atCap.ok ? null : atCap.error.message).toBe('runs.get: params: unknown key "x"')
    expect(noHandlerRan()).toBe(true)
  })

  it('says a frame is nested too deeply, not that it is not JSON', async () => {
    const { router } = setup()
    const text = `{"type":"call","id":1,"method":"runs.list","params":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`
    expect(() => JSON.parse(text)).not.toThrow()
    expect(await router.handleText(text, ctx)).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Malformed message: it is nested too deeply to decode.' }
    })
  })

  it('names a bad {"$f64": …} encoding: not base64, or not whole float64 values', async () => {
    const { router } = setup()
    const frame = (payload: string): string => `{"type":"call","id":1,"method":"app.info","params":{"x":{"$f64":"${payload}"}}}`
    expect(await router.handleText(frame('!!!!'), ctx)).toMatchObject({ error: { code: 'invalid_request', message: 'Malformed message: a "$f64" value is not valid base64.' } })
    expect(await router.handleText(frame('AAAA'), ctx)).toMatchObject({
      error: { code: 'invalid_request', message: 'Malformed message: a "$f64" value holds 3 bytes, not a multiple of 8 bytes (one per float64).' }
    })
  })

  it('echoes a malformed envelope\'s id only when it is a valid id', async () => {
    const { router } = setup()
    for (const [id, echoed] of [['1e400', -1], ['1.5', -1], ['-2', -1], ['"7"', -1], ['9007199254740993', -1], ['12', 12]] as const) {
      const reply = await router.handleText(`{"type":"call","id":${id},"method":"app.info","params":{},"extra":1}`, ctx)
      expect(reply.id, id).toBe(echoed)
      expect(reply.ok ? null : reply.error.code, id).toBe('invalid_request')
    }
  })
})

describe('portfolio methods', () => {
  it('fills a portfolio spec’s defaults before the handler sees it', async () => {
    const { router, handlers } = setup()
    await router.call('portfolio.create', { spec: { name: 'book', runIds: [1, 2] } }, ctx)
    expect(handlers['portfolio.create']).toHaveBeenCalledExactlyOnceWith({ spec: { name: 'book', runIds: [1, 2], align: 'exact', scheme: 'equal', window: 250, rebalanceEvery: 20, costBps: 1 } }, ctx)
  })

  it.each([
    [{ spec: { name: 'book', runIds: [1, 2], scheme: 'fixed', fixed: [0.7, 0.2] } }, 'spec.fixed', 'fixed weights must sum to 1 (got 0.8999999999999999)'],
    [{ spec: { name: 'book', runIds: [1, 2], scheme: 'fixed' } }, 'spec.fixed', 'fixed weights need one weight per run'],
    [{ spec: { name: 'book', runIds: [1, 2], fixed: [0.5, 0.5] } }, 'spec.fixed', 'applies only to the fixed scheme (the scheme is equal)'],
    [{ spec: { name: 'book', runIds: [2, 2] } }, 'spec.runIds', 'must not list a run twice'],
    [{ spec: { name: 'book', runIds: [] } }, 'spec.runIds', 'must list at least one run (got an array of 0)'],
    [{ spec: { name: 'book', runIds: [1], rebalanceEvery: 0 } }, 'spec.rebalanceEvery', 'must be at least 1 step (got 0)'],
    [{ spec: { name: 'book', runIds: [1], align: 'nearest' } }, 'spec.align', 'Invalid option: expected one of "exact"|"common" (got "nearest")']
  ])('refuses portfolio.create %j at the field, running no handler', async (params, path, message) => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.call('portfolio.create', params, ctx)
    expect(outcome.ok ? null : outcome.error.issues?.[0]).toEqual({ path, message })
    expect(noHandlerRan()).toBe(true)
  })

  it('refuses a risk request with a confidence outside (0, 1)', async () => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.call('portfolio.risk', { id: 1, confidence: 1 }, ctx)
    expect(outcome.ok ? null : outcome.error.issues).toEqual([{ path: 'confidence', message: 'must be in (0, 1) (got 1)' }])
    expect(noHandlerRan()).toBe(true)
  })
})

describe('terrain.view', () => {
  it('refuses a negative bar at the field, running no handler', async () => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.call('terrain.view', { runId: 1, bar: -1 }, ctx)
    expect(outcome.ok ? null : outcome.error.issues).toEqual([{ path: 'bar', message: 'must be ≥ 0 (got -1)' }])
    expect(noHandlerRan()).toBe(true)
  })

  it('asks for the series by default and hands back typed columns; a bar alone when series is false', async () => {
    const view = vi.fn((input: { runId: number; bar?: number; series: boolean }) => ({ runId: input.runId, series: null, bar: null, grouping: null }))
    const { router } = setup({ 'terrain.view': view })
    expect(await router.call('terrain.view', { runId: 3 }, ctx)).toEqual({ ok: true, value: { runId: 3, series: null, bar: null, grouping: null } })
    expect(view.mock.calls[0]![0]).toEqual({ runId: 3, series: true })
    await router.call('terrain.view', { runId: 3, bar: 250, series: false }, ctx)
    expect(view.mock.calls[1]![0]).toEqual({ runId: 3, bar: 250, series: false })
  })

  it('refuses an answer whose matrix is not a Float64Array (the wire carries typed columns only)', async () => {
    const bar = { bar: 0, frameBar: 0, order: [0], watershed: [0], correlation: [1], edgeHardness: new Float64Array(1), nodeHardness: new Float64Array(1), nodeAlerts: new Float64Array(1), alerts: [], alertsComplete: true }
    const { router, log } = setup({ 'terrain.view': vi.fn(() => ({ runId: 1, series: null, bar, grouping: null })) })
    const outcome = await router.call('terrain.view', { runId: 1, bar: 0, series: false }, ctx)
    expect(outcome.ok ? null : outcome.error.code).toBe('internal')
    expect(log).toHaveBeenCalledTimes(1)
  })
})

describe('risk desk methods', () => {
  it('fills stress, limits and walk-forward defaults before the handler sees them', async () => {
    const { router, handlers } = setup()
    await router.call('portfolio.stress', { id: 2 }, ctx)
    expect(handlers['portfolio.stress']).toHaveBeenCalledExactlyOnceWith({ id: 2, shocks: [{ kind: 'corr', level: 1 }, { kind: 'vol', factor: 2 }, { kind: 'regime', steps: 60 }], lossLimit: 0.1, menus: false }, ctx)
    await router.call('portfolio.limits', { id: 2 }, ctx)
    expect(handlers['portfolio.limits']).toHaveBeenCalledExactlyOnceWith({ id: 2, limits: {} }, ctx)
    await router.call('portfolio.walkForward', { id: 2, runId: 5, param: 'execution_params.cost_bps', values: [1, 5], train: 200, test: 100 }, ctx)
    expect(handlers['portfolio.walkForward']).toHaveBeenCalledExactlyOnceWith({ id: 2, runId: 5, param: 'execution_params.cost_bps', values: [1, 5], train: 200, test: 100, anchored: false, purge: 0 }, ctx)
  })

  it.each([
    ['portfolio.stress', { id: 1, shocks: [{ kind: 'corr', level: 1.5 }] }, 'shocks.0.level', 'must be a level in [0, 1] (got 1.5)'],
    ['portfolio.stress', { id: 1, lossLimit: 1 }, 'lossLimit', 'must be a fraction in (0, 1) (got 1)'],
    ['portfolio.stress', { id: 1, shocks: [{ kind: 'regime', steps: 2.5 }] }, 'shocks.0.steps', 'Invalid input: expected int, received number (got 2.5)'],
    ['portfolio.limits', { id: 1, limits: { maxGross: 0 } }, 'limits.maxGross', 'must be > 0 (got 0)'],
    ['portfolio.limits', { id: 1, limits: { maxLeverage: 2 } }, 'limits', 'unknown key "maxLeverage"'],
    ['portfolio.walkForward', { id: 1, runId: 1, param: 'a.b', values: [1], train: 20, test: 20 }, 'values', 'needs at least two values to choose between (got an array of 1)'],
    ['portfolio.walkForward', { id: 1, runId: 1, param: 'a.b', values: [1, 1], train: 20, test: 20 }, 'values', 'must not list a value twice'],
    ['portfolio.walkForward', { id: 1, runId: 1, param: 'a.b', values: [1, 2], train: 20, test: 20, blocks: 7 }, 'blocks', 'must be even (CSCV splits the blocks in halves)'],
    ['portfolio.walkForward', { id: 1, runId: 1, param: '../x', values: [1, 2], train: 20, test: 20 }, 'param', 'must be a config path such as policy.entry_z (got "../x")']
  ] as const)('refuses %s %j at the field, running no handler', async (method, params, path, message) => {
    const { router, noHandlerRan } = setup()
    const outcome = await router.call(method, params, ctx)
    expect(outcome.ok ? null : outcome.error.issues?.[0]).toEqual({ path, message })
    expect(noHandlerRan()).toBe(true)
  })
})
