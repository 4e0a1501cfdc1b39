// Schemas of single method families as the router applies them: the defaults a handler sees
// and the refusals at the field (portfolio, terrain.view, the risk desk).
import { describe, expect, it, vi } from 'vitest'
import { ctx, setup } from './router.test-support'

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
