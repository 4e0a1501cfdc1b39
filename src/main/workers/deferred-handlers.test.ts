import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { ServiceTable } from '../../shared/contract/protocol'
import { checkHandlers } from '../services/protocol'
import { deferredHandlers } from './deferred-handlers'

const methods = {
  'svc.double': { request: z.object({ x: z.number() }), response: z.number() },
  'svc.name': { request: z.object({}), response: z.string() }
} as unknown as ServiceTable

describe('deferredHandlers', () => {
  it('has a handler for every method before anything loads, and loads the module once, on warm() or the first call', async () => {
    const load = vi.fn(async () => ({ 'svc.double': ({ x }: { x: number }) => 2 * x, 'svc.name': () => 'engine' }))
    const engine = deferredHandlers(methods, load as never, () => undefined)
    expect(() => checkHandlers('svc', methods, engine.handlers)).not.toThrow()
    expect(load).not.toHaveBeenCalled()
    const h = engine.handlers as unknown as Record<string, (p: unknown, c: unknown) => Promise<unknown>>
    await expect(h['svc.double']!({ x: 21 }, {})).resolves.toBe(42)
    engine.warm()
    await expect(h['svc.name']!({}, {})).resolves.toBe('engine')
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('passes each call its own params and context', async () => {
    const seen: unknown[] = []
    const engine = deferredHandlers(methods, (async () => ({ 'svc.double': (p: unknown, c: unknown) => seen.push([p, c]), 'svc.name': () => '' })) as never, () => undefined)
    const ctx = { signal: new AbortController().signal, emit: () => undefined }
    await (engine.handlers as unknown as Record<string, (p: unknown, c: unknown) => Promise<unknown>>)['svc.double']!({ x: 1 }, ctx)
    expect(seen).toEqual([[{ x: 1 }, ctx]])
  })

  it('reports a module that fails to load, and fails the calls with its error', async () => {
    const onLoadError = vi.fn()
    const engine = deferredHandlers(methods, () => Promise.reject(new Error('Cannot find module engine-handlers')), onLoadError)
    engine.warm()
    await vi.waitFor(() => expect(onLoadError).toHaveBeenCalledWith(new Error('Cannot find module engine-handlers')))
    await expect((engine.handlers as unknown as Record<string, (p: unknown, c: unknown) => Promise<unknown>>)['svc.name']!({}, {})).rejects.toThrow('Cannot find module')
  })
})
