// The fuzz's messages (router.fuzz*.test.ts): a valid example call for every method, the calls
// safe to send when valid, JSON mutation that never assigns a prototype, and the generators of
// malformed params, envelopes, numbers, base64 payloads and raw text.
import fc from 'fast-check'
import { MAX_MESSAGE_BYTES, methodNames } from '../../shared/contract'
// ---------------------------------------------------------------------------------------------
// A valid call for every method in the contract: mutations start from these, so the fuzz reaches
// every field's validation rather than stopping at the first missing key.
export const EXAMPLES: Record<string, Record<string, unknown>> = {
  'app.info': {},
  'services.status': {},
  'inference.status': {},
  'labs.list': {},
  'labs.stressMenu': { spec: { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 3, overrides: { 'risk_params.max_leverage': 1.5 } } },
  'regime.classify': { source: { kind: 'csv', name: 'prices.csv', text: 'date,close\n2024-01-01,100\n2024-01-02,101\n' } },
  'regime.compare': { preset: 'corrected', seedFrom: 3000, seeds: 2, overrides: {} },
  'runs.start': { spec: { task: 'random-walk', steps: 1000, seed: 1, start: 100, drift: 0, volatility: 0.01 } },
  'runs.cancel': { runId: 1 },
  'runs.list': { limit: 10, offset: 0, status: 'completed' },
  'runs.get': { runId: 1 },
  'runs.surfaces': { runId: 2, from: 0, count: 5, stride: 1, frames: false },
  'runs.liveSeries': { runId: 1 },
  'runs.series': { runId: 2, maxBuckets: 64 },
  'runs.events': { runId: 2 },
  'runs.steps': { runId: 2, offset: 0, limit: 20, filter: { actions: ['FLAT'], regimes: ['calm'], sources: ['BASELINE'], constraintHit: false, text: 'spread' } },
  'runs.stepIndex': { runId: 2, t: 10, filter: { text: 'spread' } },
  'sweeps.start': { lab: 'credit-spreads', preset: 'faithful', overrides: {}, grid: { 'risk_params.max_leverage': [1, 2] } },
  'sweeps.list': { limit: 5, offset: 0 },
  'sweeps.get': { sweepId: 1 },
  'sweeps.cancel': { sweepId: 1 },
  'store.backup': { name: 'copy.db' },
  'runs.audit': { runId: 2 },
  'runs.review': { runId: 2, reviewer: 'A. Reviewer', verdict: 'findings', notes: 'checked' },
  'runs.replay': { runId: 1 },
  'runs.rerun': { runId: 1 },
  'memo.get': { runId: 2 },
  'memo.save': { runId: 2, fields: { mechanism: 'Carry harvested in calm regimes.', riskControl: 'Leverage cap.' } },
  'memo.render': { runId: 2, format: 'md' },
  'memo.export': { runId: 2, format: 'md', name: 'memo.md' },
  'runs.exportTable': { runId: 2, table: 'metrics', format: 'csv', name: 'metrics.csv', overwrite: true },
  'runs.agentCall': { runId: 2, t: 10 },
  'runs.agentComparison': { runIds: [1, 2] },
  'agent.settings': {},
  'agent.saveSettings': { settings: { provider: 'embedded', modelPath: '/models/tiny.gguf', temperature: 0, decisionEvery: 10 } },
  'agent.check': { settings: { provider: 'endpoint', endpointUrl: 'http://127.0.0.1:8080/v1' } },
  'portfolio.create': { spec: { name: 'book', runIds: [1, 2], scheme: 'fixed', fixed: [0.5, 0.5], rebalanceEvery: 20, costBps: 1 } },
  'portfolio.list': { limit: 10, offset: 0 },
  'portfolio.get': { id: 1 },
  'portfolio.risk': { id: 1, confidence: 0.99, window: 250 }
}

/** Valid calls that cannot write (reads, cancels of nothing running) are sent; others are filtered out. */
export const SAFE_WHEN_VALID = new Set([
  'app.info',
  'services.status',
  'inference.status',
  'labs.list',
  'labs.stressMenu',
  'runs.list',
  'runs.get',
  'runs.surfaces',
  'runs.liveSeries',
  'runs.series',
  'runs.events',
  'runs.steps',
  'runs.stepIndex',
  'sweeps.list',
  'sweeps.get',
  'runs.cancel',
  'sweeps.cancel',
  'runs.agentCall',
  'runs.agentComparison',
  'portfolio.list',
  'portfolio.get'
])
// Queued sweeps (issue 19): reads and cancels of nothing are sent; configure writes a settings file and start reaches Redis.
Object.assign(EXAMPLES, {
  'queue.settings': {},
  'queue.configure': { url: 'redis://127.0.0.1:6379/2', allowRemote: false, password: 'secret', tls: { insecure: false }, batch: 8 },
  'queue.start': { lab: 'fx-carry', preset: 'faithful', overrides: { T: 100 }, seeds: { from: 1, to: 4 } },
  'queue.list': { limit: 5 },
  'queue.get': { sweepId: '0123456789ab' },
  'queue.cancel': { sweepId: '0123456789ab' }
})
for (const method of ['queue.settings', 'queue.list', 'queue.get', 'queue.cancel']) SAFE_WHEN_VALID.add(method)
// The Terrain view (issue 17 item 8): a read.
Object.assign(EXAMPLES, { 'terrain.view': { runId: 1, bar: 10, series: false } })
SAFE_WHEN_VALID.add('terrain.view')
// The risk desk (issue 18): stress, limits and walk-forward append to a portfolio's log, so only the log's read is sent.
Object.assign(EXAMPLES, {
  'portfolio.stress': { id: 1, shocks: [{ kind: 'corr', level: 1 }], lossLimit: 0.1, menus: false },
  'portfolio.limits': { id: 1, limits: { maxPodWeight: 0.4 } },
  'portfolio.walkForward': { id: 1, runId: 1, param: 'policy.entry_z', values: [1, 2], train: 100, test: 50 },
  'portfolio.log': { id: 1 }
})
SAFE_WHEN_VALID.add('portfolio.log')
// A user's CSV in the Terrain view (issue 17): an upload's first part, and a read of a kept bar.
Object.assign(EXAMPLES, { 'terrain.csv': { upload: 'u1', part: 0, parts: 2, name: 'prices.csv', text: 'date,A,B\n', window: 60 }, 'terrain.csvBar': { key: 'abc', bar: 10 } })
SAFE_WHEN_VALID.add('terrain.csvBar')
// A user's closes in the Regime view (issue 20): an upload's first part (the last part runs the comparison, so none is sent).
Object.assign(EXAMPLES, { 'regime.compareCsv': { upload: 'u2', part: 0, parts: 2, name: 'closes.csv', text: 'date,close\n' } })

// ---------------------------------------------------------------------------------------------
// JSON-shaped values with own `__proto__` keys: assignment would set a prototype, so keys are
// defined, never assigned.

export type Json = unknown

export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

export function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) setKey(out, key, clone((value as Record<string, unknown>)[key]))
    return out
  }
  return value
}

/** Every path into a value (the root included): objects and arrays are containers. */
export function pathsOf(value: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix)
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out)
  }
  return out
}

export function containerPaths(value: Json): string[][] {
  return pathsOf(value).filter((p) => {
    const v = at(value, p)
    return v !== null && typeof v === 'object'
  })
}

export function at(value: Json, path: string[]): Json {
  let current = value
  for (const key of path) current = (current as Record<string, unknown>)[key]
  return current
}

type Mutation =
  | { kind: 'replace'; pick: number; value: Json }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; key: string; value: Json }

export function mutate(example: Json, mutations: readonly Mutation[]): Json {
  let value = clone(example)
  for (const m of mutations) {
    const paths = m.kind === 'add' ? containerPaths(value) : pathsOf(value)
    if (paths.length === 0) continue
    const path = paths[m.pick % paths.length] ?? []
    if (path.length === 0) {
      if (m.kind === 'replace') value = clone(m.value)
      else if (m.kind === 'delete') value = undefined
      else if (value !== null && typeof value === 'object') setKey(value as Record<string, unknown>, m.key, clone(m.value))
      continue
    }
    const parent = at(value, path.slice(0, -1)) as Record<string, unknown>
    const key = path[path.length - 1] ?? ''
    if (m.kind === 'replace') setKey(parent, key, clone(m.value))
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1)
      else delete parent[key]
    } else {
      const target = at(value, path)
      if (target !== null && typeof target === 'object') setKey(target as Record<string, unknown>, m.key, clone(m.value))
    }
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// Generators.

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const
/** What a pollution attempt carries: flat (reaches the handlers under `constructor`/`prototype`) or with nested `__proto__`. */
const pollutionValue = (nested: boolean): Json => {
  const value: Record<string, unknown> = { polluted: 'yes', toString: 'overridden' }
  if (!nested) return value
  setKey(value, '__proto__', { polluted: 'yes', isAdmin: true })
  setKey(value, 'prototype', { polluted: 'yes' })
  return value
}

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64')

/** Values of every JSON type, edge numbers and shapes that no field expects. */
const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), 1e308, -1e308, 5e-324, '', ' ', '0', 'NaN', 'Infinity', '__proto__', [], {}, [[]], [null], { $f64: 'AAAAAAAAAAA=' }, { $f64: 'AAAA' }, { $f64: '***' }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 12 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), { maxKeys: 4 }),
  fc.boolean().map(pollutionValue)
)

const keyName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...POLLUTION_KEYS, 'toString', 'valueOf', 'hasOwnProperty', '', '$f64', 'runId', 'spec', 'params', 'type', 'risk_params.constructor', 'constructor.prototype.polluted', '__proto__.polluted', 'a..b', '.'),
  fc.string({ maxLength: 12 })
)

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: weirdValue }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: keyName, value: weirdValue })
)

export const knownMethod = fc.constantFrom(...methodNames)
const envelope = (method: string, params: Json, id: Json = 1): Record<string, unknown> => {
  const message: Record<string, unknown> = { type: 'call' }
  setKey(message, 'id', id)
  setKey(message, 'method', method)
  if (params !== undefined) setKey(message, 'params', params)
  return message
}

/** Wrong, missing and extra params for every method. */
export const paramsFuzz = fc
  .tuple(knownMethod, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(1_000_000))
  .map(([method, ms, id]) => JSON.stringify(envelope(method, mutate(EXAMPLES[method] ?? {}, ms), id)))

/** `__proto__`, `constructor` and `prototype` keys at every level of params and the envelope. */
export const prototypeFuzz = fc
  .tuple(knownMethod, fc.constantFrom(...POLLUTION_KEYS), fc.nat(), fc.boolean(), fc.boolean(), fc.nat(1_000_000))
  .map(([method, key, pick, onEnvelope, nested, id]) => {
    const params = clone(EXAMPLES[method] ?? {}) as Record<string, unknown>
    const message = envelope(method, params, id)
    const target = onEnvelope ? message : params
    const paths = containerPaths(target)
    const container = at(target, paths[pick % paths.length] ?? []) as Record<string, unknown>
    setKey(container, key, pollutionValue(nested))
    return JSON.stringify(message)
  })

export const unknownMethodName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'runs.list ', ' runs.list', 'RUNS.LIST', 'runs..list', 'runs.list\u0000', 'runs.list\n', 'runs', '.', 'app.info.', 'app.info/../runs.start', 'runs.start\u200b'),
  fc.string({ maxLength: 100 }),
  fc.string({ minLength: 101, maxLength: 3000 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.tuple(knownMethod, fc.string({ minLength: 1, maxLength: 4 })).map(([m, s]) => m + s)
)
/** Unknown, empty and huge method names. */
export const methodFuzz = fc.tuple(unknownMethodName, fc.nat(1_000_000)).map(([method, id]) => JSON.stringify(envelope(method, {}, id)))

/** The envelope itself: wrong type, id and method types, missing and extra keys. */
export const envelopeFuzz = fc
  .tuple(
    fc.option(fc.oneof(fc.constant<Json>('call'), weirdValue), { nil: undefined }),
    fc.option(fc.oneof(fc.nat(1_000_000), weirdValue), { nil: undefined }),
    fc.option(fc.oneof(knownMethod, weirdValue), { nil: undefined }),
    fc.option(weirdValue, { nil: undefined }),
    fc.option(fc.tuple(keyName, weirdValue), { nil: undefined })
  )
  .map(([type, id, method, params, extra]) => {
    const message: Record<string, unknown> = {}
    if (type !== undefined) setKey(message, 'type', type)
    if (id !== undefined) setKey(message, 'id', id)
    if (method !== undefined) setKey(message, 'method', method)
    if (params !== undefined) setKey(message, 'params', params)
    if (extra) setKey(message, extra[0], extra[1])
    return JSON.stringify(message)
  })

/** Objects and arrays nested far deeper than any field, spliced into a valid call as text. */
export const depthFuzz = fc
  .tuple(knownMethod, fc.integer({ min: 20, max: 16_000 }), fc.constantFrom('object', 'array', 'mixed'), fc.nat(1_000_000))
  .map(([method, depth, shape, id]) => {
    const open = shape === 'object' ? '{"a":' : shape === 'array' ? '[' : '{"a":['
    const close = shape === 'object' ? '}' : shape === 'array' ? ']' : ']}'
    const deep = open.repeat(depth) + '1' + close.repeat(depth)
    return `{"type":"call","id":${id},"method":${JSON.stringify(method)},"params":{"nested":${deep}}}`
  })

/** Strings and arrays beyond the 64 KiB cap (and some just under it). */
export const sizeFuzz = fc
  .tuple(knownMethod, fc.integer({ min: -2000, max: 3 * MAX_MESSAGE_BYTES }), fc.constantFrom('ascii', 'euro', 'array', 'emoji'), fc.nat(1_000_000))
  .map(([method, extra, fill, id]) => {
    const target = MAX_MESSAGE_BYTES + extra
    const head = `{"type":"call","id":${id},"method":${JSON.stringify(method)},"params":{"pad":`
    const room = Math.max(0, target - head.length - 3)
    const body =
      fill === 'ascii'
        ? JSON.stringify('x'.repeat(room))
        : fill === 'euro'
          ? JSON.stringify('€'.repeat(Math.floor(room / 3)))
          : fill === 'emoji'
            ? JSON.stringify('😀'.repeat(Math.floor(room / 4)))
            : `[${Array.from({ length: Math.floor(room / 2) }, () => '1').join(',')}]`
    return `${head}${body}}}`
  })

const badBase64: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '=', '==', 'A', 'AB', 'ABC', 'A===', '****', 'AAAA AAAA', '\u00ff\u00fe', 'AAAAAAAAAAA', '%%%%%%%%%%%%'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 })
)
const f64Payload: fc.Arbitrary<string> = fc.oneof(
  badBase64,
  fc.integer({ min: 1, max: 200 }).filter((n) => n % 8 !== 0).map((n) => b64(Array.from({ length: n }, (_, i) => i))), // wrong length
  fc.integer({ min: 0, max: 16 }).map((n) => b64(Array.from({ length: n * 8 }, (_, i) => (i * 31) & 255))) // decodes; no field takes it
)
/** `{"$f64": …}` where it does not belong, badly encoded, of the wrong length; in params and in the envelope. */
export const f64Fuzz = fc
  .tuple(knownMethod, f64Payload, fc.nat(), fc.constantFrom('params', 'id', 'method', 'whole-params'), fc.nat(1_000_000))
  .map(([method, payload, pick, where, id]) => {
    const tagged = { $f64: payload }
    if (where === 'id') return JSON.stringify(envelope(method, {}, tagged))
    if (where === 'method') return JSON.stringify({ type: 'call', id, method: tagged, params: {} })
    if (where === 'whole-params') return JSON.stringify(envelope(method, tagged, id))
    const params = clone(EXAMPLES[method] ?? {})
    const paths = pathsOf(params).filter((p) => p.length > 0)
    const path = paths[pick % Math.max(1, paths.length)]
    if (path) setKey(at(params, path.slice(0, -1)) as Record<string, unknown>, path[path.length - 1] ?? '', tagged)
    else setKey(params as Record<string, unknown>, 'series', tagged)
    return JSON.stringify(envelope(method, params, id))
  })

/** Number literals JSON has, and some it does not (NaN, Infinity, hex, leading +). */
const NUMBER_TEXTS = ['1e400', '-1e400', '-0', '0.0', '1.0', '1E2', '9007199254740993', '1e-400', '5e-324', '-1', '4294967296', '10000001', '0.1', 'NaN', 'Infinity', '-Infinity', '0x10', '01', '+1', '.5', '1.', '1e', '--1']
const numericFields: Array<[string, string[]]> = [
  ['runs.get', ['runId']],
  ['runs.list', ['limit', 'offset']],
  ['runs.steps', ['runId', 'offset', 'limit']],
  ['runs.stepIndex', ['runId', 't']],
  ['runs.surfaces', ['runId', 'from', 'count', 'stride']],
  ['runs.start', ['spec.steps', 'spec.seed', 'spec.start', 'spec.drift', 'spec.volatility']],
  ['sweeps.get', ['sweepId']],
  ['regime.compare', ['seedFrom', 'seeds']],
  ['runs.cancel', ['runId']],
  ['runs.agentCall', ['runId', 't']],
  ['portfolio.risk', ['id', 'confidence', 'window']]
]
/** NaN, Infinity, -0, overflow and underflow where numbers go, written as text. */
export const numberFuzz = fc
  .tuple(fc.constantFrom(...numericFields), fc.nat(), fc.constantFrom(...NUMBER_TEXTS), fc.boolean())
  .map(([[method, fields], pick, literal, inId]) => {
    const field = fields[pick % fields.length] ?? ''
    const marker = '"__NUMBER__"'
    const params = clone(EXAMPLES[method]) as Record<string, unknown>
    const path = field.split('.')
    setKey(at(params, path.slice(0, -1)) as Record<string, unknown>, path[path.length - 1] ?? '', '__NUMBER__')
    const text = JSON.stringify(envelope(method, inId ? EXAMPLES[method] : params, inId ? '__NUMBER__' : 7))
    return text.replace(marker, literal)
  })

const validText = fc.tuple(knownMethod, fc.nat(1000)).map(([m, id]) => JSON.stringify(envelope(m, EXAMPLES[m], id)))
/** Text that is not JSON, or not only JSON. */
export const textFuzz: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\n', 'null', 'true', '0', '[]', '{}', '"call"', '[{"type":"call"}]', '\uFEFF{"type":"call","id":1,"method":"app.info","params":{}}', "{'type':'call','id':1,'method':'app.info'}", '{"type":"call","id":1,"method":"app.info",}', '{"type":"call",/*c*/"id":1,"method":"app.info"}', '{type:"call",id:1,method:"app.info"}', 'undefined', '{"type":"call","id":1,"method":"app.info","params":{}}{}', '{"type":"call","id":1,"method":"app.info","params":{}}\u0000'),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.tuple(validText, fc.nat()).map(([t, cut]) => t.slice(0, cut % t.length)), // truncated
  fc.tuple(validText, fc.string({ minLength: 1, maxLength: 10 })).map(([t, tail]) => t + tail), // trailing garbage
  fc.tuple(validText, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([t, i, s]) => t.slice(0, i % t.length) + s + t.slice(i % t.length)) // spliced
)

