// Shared by the router's unit tests (router.*.test.ts): a router whose every handler is a mock,
// so a test sees exactly what reached a handler. A new method needs a line in mockHandlers.
import { vi, type Mock } from 'vitest'
import type { MethodName } from '../../shared/contract'
import { createRouter, type CallContext, type Handlers } from './router'

export const ctx: CallContext = { transport: 'direct' }

export const INFO = {
  name: 'Mechanica',
  version: '0.1.0',
  codeVersion: 'abc',
  host: 'electron',
  databasePath: '/tmp/m.db',
  exportDir: null,
  platform: 'linux',
  runtime: 'node'
} as const

export type MockHandlers = { [M in MethodName]: Mock }

/** Every handler is a mock; those the tests call return valid responses. */
export function mockHandlers(): MockHandlers {
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

/** A router over mockHandlers() with `overrides`; noHandlerRan() says no handler was reached. */
export function setup(overrides: Partial<MockHandlers> = {}) {
  const handlers = { ...mockHandlers(), ...overrides }
  const log = vi.fn()
  const router = createRouter(handlers as unknown as Handlers, log)
  const noHandlerRan = () => Object.values(handlers).every((h) => h.mock.calls.length === 0)
  return { handlers, log, router, noHandlerRan }
}
