// The router's method table and its call(): the inventory every method must be in, validation
// before a handler, and what a handler's value or error becomes. The transports (text, invoke)
// are in router.transports.test.ts; schemas of single method families in router.method-schemas.test.ts.
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ApiError, methodNames, methods } from '../../shared/contract'
import { createRouter, type Handlers } from './router'
import { INFO, ctx, mockHandlers, setup } from './router.test-support'

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
