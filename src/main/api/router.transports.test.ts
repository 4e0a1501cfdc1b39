// The router's two transports: text frames as the WebSocket delivers them (handleText) and the
// Electron path's invoke arguments (handleInvoke) — the caps and envelope checks before a call.
import { describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES, encodeWire } from '../../shared/contract'
import { ctx, setup } from './router.test-support'

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
