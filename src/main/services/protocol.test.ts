import fc from 'fast-check'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { z } from 'zod'
import { issuesFromZod, type RunSpec, type RunSpecInput } from '../../shared/contract'
import {
  LoggedEvent,
  StepLogSlice as StepLogSliceSchema,
  engineMethods,
  inferenceMethods,
  type EngineMethods,
  type RunPlan,
  type ServiceEventPayload,
  type ServiceParams,
  type ServiceResult,
  type StepLogSlice
} from '../../shared/contract/protocol'
import { engineHandlers } from '../workers/engine-handlers'
import { inferenceHandlers } from '../workers/inference-handlers'
import { serveWorker, type ParentLink } from '../workers/runtime'
import { checkHandlers, type ServiceHandlers } from './protocol'
import type { FromWorker, ToWorker } from './worker-protocol'

const EXPECTED_ENGINE = {
  'engine.labs': [],
  'engine.stressMenu': [],
  'engine.plan': [],
  'engine.run': ['progress', 'series', 'log'],
  'engine.regimeSeries': [],
  'engine.surfaces': [],
  'engine.runCells': [],
  'engine.terrain': [],
  'engine.portfolioRisk': ['progress'],
  'engine.terrainCsv': ['progress'],
  'engine.terrainCsvBar': []
}
const EXPECTED_INFERENCE = {
  'inference.status': [],
  'inference.regime': [],
  'inference.compare': ['progress'],
  'inference.compareCsv': ['progress']
}

const eventsOf = (table: Record<string, { events: object }>) => Object.fromEntries(Object.entries(table).map(([name, m]) => [name, Object.keys(m.events)]))

describe('service method tables', () => {
  it('the engine serves exactly these methods, with these events, each with a handler', () => {
    expect(eventsOf(engineMethods)).toEqual(EXPECTED_ENGINE)
    expect(Object.keys(engineHandlers).sort()).toEqual(Object.keys(EXPECTED_ENGINE).sort())
    expect(() => checkHandlers('engine service', engineMethods, engineHandlers)).not.toThrow()
  })

  it('the inference service serves exactly these methods, with these events, each with a handler', () => {
    expect(eventsOf(inferenceMethods)).toEqual(EXPECTED_INFERENCE)
    expect(Object.keys(inferenceHandlers).sort()).toEqual(Object.keys(EXPECTED_INFERENCE).sort())
    expect(() => checkHandlers('inference service', inferenceMethods, inferenceHandlers)).not.toThrow()
  })

  it('refuses handlers that do not match the table one to one', () => {
    const { 'engine.plan': _plan, ...missing } = engineHandlers
    expect(() => checkHandlers('engine service', engineMethods, missing)).toThrow('engine service: method "engine.plan" has no handler')
    expect(() => checkHandlers('engine service', engineMethods, { ...engineHandlers, 'engine.extra': () => ({}) })).toThrow(
      'engine service: handler "engine.extra" has no schema in the method table'
    )
  })

  it('types a call from the table: params, answer and events by name', () => {
    expectTypeOf<ServiceParams<EngineMethods, 'engine.plan'>>().toEqualTypeOf<{ spec: RunSpecInput }>()
    expectTypeOf<ServiceResult<EngineMethods, 'engine.plan'>>().toEqualTypeOf<RunPlan>()
    expectTypeOf<ServiceParams<EngineMethods, 'engine.run'>['logBatches']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<ServiceEventPayload<EngineMethods, 'engine.run', 'log'>>().toEqualTypeOf<StepLogSlice>()
    expectTypeOf<ServiceEventPayload<EngineMethods, 'engine.run', 'progress'>>().toEqualTypeOf<{ done: number; total: number }>()
    expectTypeOf<RunSpec>().toExtend<ServiceParams<EngineMethods, 'engine.run'>['spec']>()
  })
})

describe('constraint events in the decision log', () => {
  const eventsSchema = StepLogSliceSchema.shape.events

  it('are checked in place with the same verdict as LoggedEvent (fixed seed)', () => {
    const odd = fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined), fc.double(), fc.array(fc.oneof(fc.double(), fc.string()), { maxLength: 3 }))
    const event = fc.record(
      {
        t: fc.oneof(fc.integer(), odd),
        rule: fc.oneof(fc.string(), odd),
        message: fc.oneof(fc.string(), odd),
        before: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), odd),
        after: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), odd),
        extra: odd
      },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(fc.oneof(event, odd), (e) => {
        const events = [{ t: 0, rule: 'leverage', message: 'clip', before: [2], after: [1] }, e]
        expect(eventsSchema.safeParse(events).success).toBe(LoggedEvent.safeParse(e).success)
      }),
      { seed: 11, numRuns: 2000 }
    )
  })

  it('keep NaN and infinities, come back as the same array, and a bad one is named by its path', () => {
    const events = [{ t: 3, rule: 'leverage', message: 'clip', before: [Number.NaN, Infinity], after: [-0, -Infinity] }]
    expect(eventsSchema.parse(events)).toBe(events)
    const bad = [...events, { t: 4, rule: 'leverage', message: 'clip', before: [1, '2'], after: [] }]
    const parsed = eventsSchema.safeParse(bad)
    expect(parsed.success ? [] : issuesFromZod(parsed.error, bad, 'events')).toEqual([{ path: '1.before', message: 'must be an array of numbers' }])
  })
})

// A small table served in this process over a fake parent link: what serveWorker does with each call.
const table = {
  'test.count': {
    request: z.strictObject({ to: z.int().min(1, { error: 'must be at least 1' }), label: z.string().default('tick') }),
    response: z.strictObject({ counted: z.int(), label: z.string() }),
    events: { tick: z.strictObject({ i: z.int() }) }
  },
  'test.fail': {
    request: z.strictObject({}),
    response: z.strictObject({}),
    events: {}
  }
} as const

function serve(handlers: ServiceHandlers<typeof table>) {
  const sent: FromWorker[] = []
  let deliver: (message: ToWorker) => void = () => undefined
  const link: ParentLink = { send: (message) => sent.push(message), onMessage: (listener) => (deliver = listener) }
  serveWorker('test service', table, handlers, link)
  const settled = async (id: number): Promise<FromWorker[]> => {
    await vi.waitFor(() => expect(sent.some((m) => m.type === 'result' && m.id === id)).toBe(true))
    return sent.filter((m) => m.type !== 'ready' && m.id === id)
  }
  return { sent, call: (id: number, method: string, params: unknown) => deliver({ type: 'call', id, method, params }), settled }
}

describe('serveWorker: the service end of the boundary', () => {
  it('hands the handler params parsed with the table (defaults applied) and sends its events and answer', async () => {
    const count = vi.fn<ServiceHandlers<typeof table>['test.count']>(async ({ to, label }, ctx) => {
      for (let i = 1; i <= to; i++) ctx.emit('tick', { i })
      return { counted: to, label }
    })
    const worker = serve({ 'test.count': count, 'test.fail': () => ({}) })
    expect(worker.sent).toEqual([{ type: 'ready' }])
    worker.call(1, 'test.count', { to: 2 })
    expect(await worker.settled(1)).toEqual([
      { type: 'event', id: 1, name: 'tick', payload: { i: 1 } },
      { type: 'event', id: 1, name: 'tick', payload: { i: 2 } },
      { type: 'result', id: 1, ok: true, value: { counted: 2, label: 'tick' } }
    ])
    expect(count.mock.calls[0]?.[0]).toEqual({ to: 2, label: 'tick' })
  })

  it('refuses an invalid call with invalid_params naming the field, and never runs the handler', async () => {
    const count = vi.fn(() => ({ counted: 0, label: '' }))
    const worker = serve({ 'test.count': count, 'test.fail': () => ({}) })
    worker.call(1, 'test.count', { to: 0 })
    worker.call(2, 'test.count', { to: 1, extra: true })
    worker.call(3, 'test.count', { to: 'ten' })
    expect(await worker.settled(1)).toEqual([
      {
        type: 'result',
        id: 1,
        ok: false,
        error: { code: 'invalid_params', message: 'test.count: to: must be at least 1 (got 0)', issues: [{ path: 'to', message: 'must be at least 1 (got 0)' }] }
      }
    ])
    expect(await worker.settled(2)).toMatchObject([{ ok: false, error: { code: 'invalid_params', message: 'test.count: params: unknown key "extra"' } }])
    expect(await worker.settled(3)).toMatchObject([{ ok: false, error: { code: 'invalid_params', issues: [{ path: 'to' }] } }])
    expect(count).not.toHaveBeenCalled()
  })

  it('answers an unknown method with unknown_method and a throwing handler with its error', async () => {
    const worker = serve({
      'test.count': () => ({ counted: 0, label: '' }),
      'test.fail': () => {
        throw new Error('disk on fire')
      }
    })
    worker.call(1, 'test.nope', {})
    worker.call(2, 'test.fail', {})
    expect(await worker.settled(1)).toMatchObject([{ ok: false, error: { code: 'unknown_method', message: 'the service has no task "test.nope"' } }])
    expect(await worker.settled(2)).toMatchObject([{ ok: false, error: { code: 'internal', message: 'test.fail failed: disk on fire' } }])
  })

  it('will not start with handlers that do not match its table', () => {
    const link: ParentLink = { send: vi.fn(), onMessage: vi.fn() }
    const handlers = { 'test.count': () => ({ counted: 0, label: '' }) } as unknown as ServiceHandlers<typeof table>
    expect(() => serveWorker('test service', table, handlers, link)).toThrow('test service: method "test.fail" has no handler')
    expect(link.send).not.toHaveBeenCalled()
  })

  it('does not compile with a missing handler or a handler answering the wrong shape', () => {
    // @ts-expect-error test.fail has no handler
    const missing: ServiceHandlers<typeof table> = { 'test.count': () => ({ counted: 0, label: '' }) }
    const wrong: ServiceHandlers<typeof table> = {
      // @ts-expect-error counted must be a number
      'test.count': () => ({ counted: 'zero', label: '' }),
      'test.fail': () => ({})
    }
    expect([missing, wrong]).toHaveLength(2)
  })
})
