// The bad input the router fuzz turned up, pinned as plain tests on both transports.
import { describe, expect, it } from 'vitest'
import { MAX_PARAMS_DEPTH } from '../../shared/contract'
import { ctx, setup } from './router.test-support'

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
