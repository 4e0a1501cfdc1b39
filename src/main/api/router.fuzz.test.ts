// Bad input: thousands of random and malformed messages against a REAL workstation (store,
// supervised services from the BUILT worker files, router with its real handlers) and through
// the browser host's WebSocket. For every message: nothing crashes, nothing is written, and
// the reply is a well-formed error with a specific code and a message naming the problem.
// Messages that happen to be valid calls are sent only where they cannot write (reads and
// no-op cancels) and must then succeed or fail specifically; the rest are counted as filtered.
import fc from 'fast-check'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import {
  ApiErrorShape,
  CallMessage,
  MAX_MESSAGE_BYTES,
  MAX_PARAMS_DEPTH,
  decodeWire,
  isMethodName,
  methodNames,
  methods,
  type ErrorCode,
  type EventName,
  type ResultMessage,
  type RunSummary
} from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { startBrowserHost, type BrowserHost } from '../host/browser-host'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { tableDigests } from '../store/test-support'
import type { CallOutcome } from './router'
import { EXAMPLES, SAFE_WHEN_VALID, at, clone, containerPaths, depthFuzz, envelopeFuzz, f64Fuzz, knownMethod, methodFuzz, mutate, mutation, numberFuzz, paramsFuzz, pathsOf, prototypeFuzz, setKey, sizeFuzz, textFuzz, unknownMethodName, type Json } from './router.fuzz-messages'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

/** Fixed so that a failure reproduces; each property adds its own offset. */
const SEED = 20_250_607

// ---------------------------------------------------------------------------------------------
// The oracle: what each message must get, worked out without the router.

type Expected = { refused: true; code: ErrorCode; method?: string; id?: number } | { refused: false; method: string; id?: number }

/** A params value's problem before its schema: `__proto__` keys or nesting past the cap. */
function shapeProblem(value: unknown, depth = 1): boolean {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return false
  if (depth > MAX_PARAMS_DEPTH) return true
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return true
    if (shapeProblem((value as Record<string, unknown>)[key], depth + 1)) return true
  }
  return false
}

function expectForCall(method: string, params: unknown, id?: number): Expected {
  if (!isMethodName(method)) return { refused: true, code: 'unknown_method', method, ...(id === undefined ? {} : { id }) }
  if (shapeProblem(params)) return { refused: true, code: 'invalid_params', method, ...(id === undefined ? {} : { id }) }
  if (!methods[method].request.safeParse(params ?? {}).success) return { refused: true, code: 'invalid_params', method, ...(id === undefined ? {} : { id }) }
  return { refused: false, method, ...(id === undefined ? {} : { id }) }
}

function expectForText(text: string): Expected {
  if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES) return { refused: true, code: 'payload_too_large' }
  let raw: unknown
  try {
    raw = decodeWire(text)
  } catch {
    return { refused: true, code: 'invalid_request' }
  }
  const parsed = CallMessage.safeParse(raw)
  if (!parsed.success) {
    // A malformed envelope still gets its id back when the id itself is a valid one.
    const id = (raw as { id?: unknown } | null)?.id
    const valid = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
    return { refused: true, code: 'invalid_request', ...(valid ? { id } : {}) }
  }
  return expectForCall(parsed.data.method, parsed.data.params, parsed.data.id)
}

/** The Electron path: invoke's arguments after the channel. */
function expectForInvoke(args: unknown[]): Expected {
  if (args.length !== 2) return { refused: true, code: 'invalid_request' }
  const [method, params] = args
  if (typeof method !== 'string') return { refused: true, code: 'invalid_request' }
  let text: string | undefined
  try {
    text = JSON.stringify(params)
  } catch {
    return { refused: true, code: 'invalid_request' }
  }
  if (Buffer.byteLength(text ?? '', 'utf8') > MAX_MESSAGE_BYTES) return { refused: true, code: 'payload_too_large' }
  return expectForCall(method, params)
}

// ---------------------------------------------------------------------------------------------
// The world under test, and what must not change.

let tempDir = ''
let ws: Workstation
let host: BrowserHost
const serviceEvents: Array<{ event: EventName; payload: unknown }> = []
let digestBefore: ReturnType<typeof tableDigests>
let changesBefore = 0
const prototypeNames = (): string[][] => [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort())
let prototypesBefore: string[][]

const totalChanges = (): number => ws.db.prepare('SELECT total_changes()').pluck().get() as number

const stats = new Map<string, { sent: number; filtered: number; ms: number }>()
function tally(category: string, sent: number, filtered: number, ms: number): void {
  const s = stats.get(category) ?? { sent: 0, filtered: 0, ms: 0 }
  stats.set(category, { sent: s.sent + sent, filtered: s.filtered + filtered, ms: s.ms + ms })
}
/** Messages that were valid calls by chance and were sent (reads, no-op cancels). */
let validSent = 0

function waitForRunEnd(runId: number): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run #${runId} did not end`)), 60_000)
    const off = ws.events.subscribe((event, payload) => {
      const run = (payload as { run?: RunSummary }).run
      if (event === 'run.updated' && run?.id === runId && run.status !== 'running') {
        clearTimeout(timer)
        off()
        resolve(run)
      }
    })
  })
}

async function startRun(spec: unknown): Promise<RunSummary> {
  const outcome = await ws.router.call('runs.start', { spec }, { transport: 'direct' })
  if (!outcome.ok) throw new Error(`seeding run failed: ${outcome.error.message}`)
  const { run } = outcome.value as { run: RunSummary }
  return run.status === 'running' ? waitForRunEnd(run.id) : run
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'mechanica-fuzz-'))
  ws = await startWorkstation({ host: 'browser', databasePath: join(tempDir, 'mechanica.db'), launcher: launchNodeProcess, workersDir, backoff })
  ws.events.subscribe((event, payload) => {
    if (event === 'service.status') serviceEvents.push({ event, payload })
  })
  await ws.servicesReady
  // Something to read: run #1 a walk, run #2 a lab run with a decision log and constraint events.
  expect((await startRun({ task: 'random-walk', steps: 2000, seed: 1 })).status).toBe('completed')
  expect((await startRun({ task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: {} })).status).toBe('completed')
  const rendererDir = join(tempDir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>\n')
  host = await startBrowserHost({ workstation: ws, rendererDir })
  serviceEvents.length = 0
  digestBefore = tableDigests(ws.db)
  changesBefore = totalChanges()
  prototypesBefore = prototypeNames()
}, 120_000)

afterAll(async () => {
  await host?.close()
  await ws?.close()
  rmSync(tempDir, { recursive: true, force: true })
  const rows = [...stats.entries()].map(([c, s]) => `${c} ${s.sent} sent/${s.filtered} filtered in ${(s.ms / 1000).toFixed(1)} s`)
  const sent = [...stats.values()].reduce((n, s) => n + s.sent, 0)
  console.info(`router fuzz: ${sent} messages sent (${validSent} of them valid calls by chance) — ${rows.join('; ')}`)
})

// ---------------------------------------------------------------------------------------------
// Checking one reply.

const VALID_CALL_ERRORS: ErrorCode[] = ['not_found', 'invalid_params', 'conflict']

/** `text`: the frame as it arrived, where there was one; "not valid JSON" must then be true. */
function checkError(error: unknown, expected: Expected & { refused: true }, label: string, text?: string): void {
  const shape = ApiErrorShape.safeParse(error)
  expect(shape.success, `${label}: error shape`).toBe(true)
  const { code, message, issues } = shape.data as ApiErrorShape
  expect(code, `${label}: ${message}`).toBe(expected.code)
  switch (code) {
    case 'payload_too_large':
      expect(message, label).toMatch(new RegExp(`^(Message|Parameters) (is|are) larger than ${MAX_MESSAGE_BYTES} bytes\\.$`))
      break
    case 'invalid_request':
      // Names what was wrong: not JSON, which envelope field, or what the codec could not decode.
      expect(message, label).toMatch(/^(Message is not valid JSON\.|Malformed call: \S.+|Malformed message: \S.+|A call takes a method name and 1 parameters object \(got \d+ arguments\)\.|The method name must be a string\.|Parameters must be plain data\.)$/s)
      if (message === 'Message is not valid JSON.' && text !== undefined) expect(() => JSON.parse(text), `${label}: it is JSON`).toThrow(SyntaxError)
      break
    case 'unknown_method':
      expect(message, label).toBe(`Unknown method "${(expected.method ?? '').slice(0, 100)}".`)
      break
    case 'invalid_params': {
      expect(message.startsWith(`${expected.method}: `), `${label}: ${message}`).toBe(true)
      expect(issues?.length, `${label}: issues`).toBeGreaterThan(0)
      const first = issues?.[0]
      expect(message, label).toContain(`${first?.path}: `)
      break
    }
    default:
      throw new Error(`${label}: unexpected code ${code}`)
  }
}

function checkValidCall(outcome: { ok: boolean; error?: unknown }, label: string): void {
  if (outcome.ok) return
  const shape = ApiErrorShape.parse(outcome.error)
  // A valid call may still be refused (no such run, a lab id the engine does not know) but specifically.
  expect(VALID_CALL_ERRORS, `${label}: ${shape.code}: ${shape.message}`).toContain(shape.code)
  expect(shape.message, label).not.toMatch(/see the main process log/)
}

function checkNothingChanged(label: string): void {
  if (totalChanges() !== changesBefore) {
    const now = tableDigests(ws.db)
    const changed = Object.keys(now).filter((t) => JSON.stringify(now[t]) !== JSON.stringify(digestBefore[t]))
    expect.fail(`${label}: rows were written (${totalChanges() - changesBefore} changes; tables ${changed.join(', ') || 'none by content'})`)
  }
  expect(({} as Record<string, unknown>).polluted, `${label}: Object.prototype polluted`).toBeUndefined()
}

async function sendText(text: string, category: string): Promise<boolean> {
  const expected = expectForText(text)
  if (!expected.refused && !SAFE_WHEN_VALID.has(expected.method)) return false
  const reply: ResultMessage = await ws.router.handleText(text, { transport: 'websocket' })
  const label = `${category}: ${text.slice(0, 160)}`
  expect(reply.type, label).toBe('result')
  if (expected.id !== undefined) expect(reply.id, label).toBe(expected.id)
  else expect(reply.id, label).toBe(-1)
  if (expected.refused) {
    expect(reply.ok, label).toBe(false)
    if (!reply.ok) checkError(reply.error, expected, label, text)
  } else {
    checkValidCall(reply, label)
    validSent++
  }
  checkNothingChanged(label)
  return true
}

async function fuzzText(category: string, arbitrary: fc.Arbitrary<string>, numRuns: number, seedOffset: number): Promise<void> {
  let sent = 0
  let filtered = 0
  const started = performance.now()
  await fc.assert(
    fc.asyncProperty(arbitrary, async (text) => {
      if (await sendText(text, category)) sent++
      else filtered++
    }),
    // No shrinking: after a failure the workstation's state is no longer the one the oracle assumes.
    { seed: SEED + seedOffset, numRuns, endOnFailure: true }
  )
  tally(category, sent, filtered, performance.now() - started)
  expect(sent, `${category}: too many filtered`).toBeGreaterThan(numRuns * 0.8)
}

// ---------------------------------------------------------------------------------------------

describe('router fuzz on a real workstation (text frames, as the WebSocket delivers them)', () => {
  it('has a valid example call for every method in the contract', () => {
    for (const name of methodNames) {
      const example = EXAMPLES[name]
      expect(example, `add an example call for ${name} to EXAMPLES`).toBeDefined()
      const parsed = methods[name].request.safeParse(example)
      expect(parsed.success, `${name}: ${parsed.success ? '' : parsed.error.message}`).toBe(true)
    }
  })

  it('refuses wrong, missing and extra params for every method', async () => {
    await fuzzText('params', paramsFuzz, 3000, 1)
  })

  it('refuses __proto__, constructor and prototype keys at every level, and nothing is polluted', async () => {
    await fuzzText('prototype keys', prototypeFuzz, 1500, 2)
    expect(prototypeNames()).toEqual(prototypesBefore)
  })

  it('refuses unknown, empty and huge method names', async () => {
    await fuzzText('method names', methodFuzz, 800, 3)
  })

  it('refuses malformed envelopes', async () => {
    await fuzzText('envelopes', envelopeFuzz, 1500, 4)
  })

  it('refuses nesting deeper than any field, whatever the depth', async () => {
    await fuzzText('deep nesting', depthFuzz, 300, 5)
  })

  it('refuses strings and arrays over the 64 KiB cap', async () => {
    await fuzzText('sizes', sizeFuzz, 300, 6)
  })

  it('refuses badly encoded or misplaced {"$f64": …} values', async () => {
    await fuzzText('$f64', f64Fuzz, 1000, 7)
  })

  it('refuses NaN, Infinity, overflowing and malformed numbers', async () => {
    await fuzzText('numbers', numberFuzz, 600, 8)
  })

  it('refuses text that is not JSON', async () => {
    await fuzzText('not JSON', textFuzz, 1500, 9)
  })
})

describe('router fuzz on the Electron path (invoke arguments, structured-clone values)', () => {
  const cloneable = fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withBigInt: true, maxDepth: 4 })
  const invokeArgs: fc.Arbitrary<unknown[]> = fc.oneof(
    fc.array(cloneable, { maxLength: 4 }),
    fc.tuple(fc.oneof(knownMethod, unknownMethodName, cloneable), cloneable),
    fc.tuple(knownMethod, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([m, ms]) => [m, mutate(EXAMPLES[m] ?? {}, ms)]),
    fc.tuple(knownMethod, fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 64, 1n), fc.nat()).map(([m, n, pick]) => {
      const params = clone(EXAMPLES[m] ?? {})
      const paths = pathsOf(params).filter((p) => p.length > 0)
      const path = paths[pick % Math.max(1, paths.length)]
      if (path) setKey(at(params, path.slice(0, -1)) as Record<string, unknown>, path[path.length - 1] ?? '', n)
      return [m, params]
    }),
    fc.tuple(knownMethod, fc.nat()).map(([m, pick]) => {
      const params = clone(EXAMPLES[m] ?? {}) as Record<string, unknown>
      const paths = containerPaths(params)
      const container = at(params, paths[pick % paths.length] ?? []) as Record<string, unknown>
      setKey(container, 'self', params) // a cycle
      return [m, params]
    })
  )

  it('refuses every malformed invoke with a specific error and writes nothing', async () => {
    let sent = 0
    let filtered = 0
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(invokeArgs, async (args) => {
        const expected = expectForInvoke(args)
        if (!expected.refused && !SAFE_WHEN_VALID.has(expected.method)) {
          filtered++
          return
        }
        const outcome: CallOutcome = await ws.router.handleInvoke(args, { transport: 'electron-ipc' })
        const label = `invoke ${String(typeof args[0] === 'string' ? args[0] : typeof args[0]).slice(0, 60)} (${args.length} args)`
        if (expected.refused) {
          expect(outcome.ok, label).toBe(false)
          if (!outcome.ok) checkError(outcome.error, expected, label)
        } else {
          checkValidCall(outcome, label)
          validSent++
        }
        checkNothingChanged(label)
        sent++
      }),
      { seed: SEED + 20, numRuns: 3000, endOnFailure: true }
    )
    tally('invoke', sent, filtered, performance.now() - started)
    expect(prototypeNames()).toEqual(prototypesBefore)
  })
})

// ---------------------------------------------------------------------------------------------
// The same through the browser host: a real socket, the token cookie, the host's own limits.

interface Socket {
  socket: WebSocket
  results: ResultMessage[]
  next(timeoutMs?: number): Promise<ResultMessage>
  closed: Promise<number>
}

function connect(cookie: string | null, origin: string | null = `http://127.0.0.1:${host.port}`): Promise<Socket | { refused: number | string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}${host.appPath}api`, {
      headers: cookie === null ? {} : { Cookie: cookie },
      ...(origin === null ? {} : { origin })
    })
    const results: ResultMessage[] = []
    const waiters: Array<() => void> = []
    let taken = 0
    socket.on('message', (data: Buffer) => {
      const message = decodeWire(data.toString('utf8')) as ResultMessage | { type: 'event' }
      if (message.type === 'result') results.push(message)
      for (const w of waiters.splice(0)) w()
    })
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)))
    socket.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 })
      res.resume()
      socket.terminate()
    })
    socket.on('error', (error) => resolve({ refused: error.message }))
    socket.on('open', () =>
      resolve({
        socket,
        results,
        closed,
        next(timeoutMs = 10_000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error('no reply from the host')), timeoutMs)
            const check = (): void => {
              const r = results[taken]
              if (r) {
                taken++
                clearTimeout(timer)
                ok(r)
              } else waiters.push(check)
            }
            check()
          })
        }
      })
    )
  })
}

async function authorised(): Promise<Socket> {
  const attempt = await connect(host.cookie())
  if ('refused' in attempt) throw new Error(`socket refused: ${attempt.refused}`)
  return attempt
}

async function expectHostAnswers(): Promise<void> {
  const client = await authorised()
  client.socket.send(JSON.stringify({ type: 'call', id: 424242, method: 'app.info', params: {} }))
  const reply = await client.next()
  expect(reply).toMatchObject({ id: 424242, ok: true, value: { host: 'browser' } })
  client.socket.close()
}

describe('WebSocket fuzz through the browser host', () => {
  it('answers random text and binary frames one by one, each with a specific error', async () => {
    const client = await authorised()
    const frame = fc.oneof(
      { weight: 4, arbitrary: fc.oneof(paramsFuzz, prototypeFuzz, methodFuzz, envelopeFuzz, f64Fuzz, numberFuzz, textFuzz).map((text) => ({ binary: false as const, text })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ binary: true as const, bytes })) }
    )
    let sent = 0
    let filtered = 0
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        if (f.binary) {
          client.socket.send(Buffer.from(f.bytes), { binary: true })
          const reply = await client.next()
          expect(reply).toEqual({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' } })
        } else {
          // What arrives is the UTF-8 of the text: lone surrogates become U+FFFD on the way.
          const arriving = Buffer.from(f.text, 'utf8').toString('utf8')
          const expected = expectForText(arriving)
          if (!expected.refused && !SAFE_WHEN_VALID.has(expected.method)) {
            filtered++
            return
          }
          client.socket.send(f.text)
          const reply = await client.next()
          const label = `ws: ${arriving.slice(0, 160)}`
          // JSON has no -0: an id sent as -0 comes back as 0 (+ 0 turns -0 into 0).
          expect(reply.id, label).toBe((expected.id ?? -1) + 0)
          if (expected.refused) {
            expect(reply.ok, label).toBe(false)
            if (!reply.ok) checkError(reply.error, expected, label, arriving)
          } else {
            checkValidCall(reply, label)
            validSent++
          }
        }
        checkNothingChanged('ws frame')
        sent++
      }),
      { seed: SEED + 30, numRuns: 2500, endOnFailure: true }
    )
    tally('websocket frames', sent, filtered, performance.now() - started)
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.socket.close()
  })

  it('answers every one of 3,000 frames sent at once, in a burst', async () => {
    const client = await authorised()
    const started = performance.now()
    const frames = 3000
    let minusOne = 0
    for (let i = 0; i < frames; i++) {
      if (i % 3 === 0) client.socket.send(JSON.stringify({ type: 'call', id: i, method: `no.such.method.${i}`, params: {} }))
      else if (i % 3 === 1) client.socket.send(JSON.stringify({ type: 'call', id: i, method: 'runs.get', params: { runId: -i } }))
      else {
        client.socket.send(i % 2 ? `{"type":"call","id":${i},` : Buffer.from([i & 255, 1, 2]), { binary: i % 2 === 0 })
        minusOne++
      }
    }
    const replies: ResultMessage[] = []
    for (let i = 0; i < frames; i++) replies.push(await client.next(20_000))
    tally('websocket burst', frames, 0, performance.now() - started)
    const ids = replies.filter((r) => r.id !== -1).map((r) => r.id).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: frames }, (_, i) => i).filter((i) => i % 3 !== 2))
    expect(replies.filter((r) => r.id === -1)).toHaveLength(minusOne)
    for (const r of replies) {
      expect(r.ok).toBe(false)
      if (!r.ok) expect(['unknown_method', 'invalid_params', 'invalid_request']).toContain(r.error.code)
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    checkNothingChanged('burst')
    client.socket.close()
  })

  it('refuses the socket without the right token cookie or Origin, whatever is sent instead', async () => {
    const { port, token } = host
    const session = host.cookie().slice('mechanica='.length)
    const near = [
      null,
      '',
      'mechanica=',
      `mechanica=${token}`,
      host.cookie(`127.0.0.1:${port + 1}`),
      `mechanica=${session.slice(0, -1)}`,
      `mechanica=${session}x`,
      `mechanica=${session.toUpperCase() === session ? session.toLowerCase() : session.toUpperCase()}`,
      `mechanica_token_${port}=${token}`,
      `mechanica_${port}=${session}`,
      `token=${token}`
    ]
    const random = fc.sample(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((s) => `mechanica=${s}`)), { seed: SEED + 40, numRuns: 60 })
    // Header values must be latin-1 without control characters to be sent at all.
    const cookies = [...near, ...random.filter((c) => /^[\x20-\x7e]*$/.test(c))]
    const started = performance.now()
    for (const cookie of cookies) {
      const attempt = await connect(cookie)
      expect('refused' in attempt ? attempt.refused : 'opened', String(cookie)).toBe(401)
    }
    for (const origin of [null, 'http://evil.example', `http://127.0.0.1:${port + 1}`, 'null']) {
      const attempt = await connect(host.cookie(), origin)
      expect('refused' in attempt ? attempt.refused : 'opened', String(origin)).toBe(401)
    }
    tally('websocket upgrades', cookies.length + 4, 0, performance.now() - started)
    await expectHostAnswers()
  })

  it('answers frames a little over the cap, closes far larger ones and invalid UTF-8, and keeps serving', async () => {
    const client = await authorised()
    for (const size of [MAX_MESSAGE_BYTES + 1, 2 * MAX_MESSAGE_BYTES, 4 * MAX_MESSAGE_BYTES]) {
      client.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: { pad: 'x'.repeat(size) } }).slice(0, size))
      expect(await client.next()).toEqual({ type: 'result', id: -1, ok: false, error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` } })
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.socket.send('x'.repeat(4 * MAX_MESSAGE_BYTES + 1))
    expect(await client.closed).toBe(1009)

    const garbled = await authorised()
    garbled.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }) // a text frame that is not UTF-8
    expect(await garbled.closed).toBe(1007)

    await expectHostAnswers()
    checkNothingChanged('oversized frames')
  })
})

describe('after the fuzz', () => {
  it('left the database byte-identical, every service up and no prototype touched', async () => {
    expect(tableDigests(ws.db)).toEqual(digestBefore)
    expect(totalChanges()).toBe(changesBefore)
    expect(prototypeNames()).toEqual(prototypesBefore)
    const states = ws.router.call('services.status', {}, { transport: 'direct' })
    const outcome = await states
    expect(outcome.ok).toBe(true)
    // Inference starts on its first call: it may still be stopped (never asked), or have started
    // once during the fuzz. Anything else — a crash, a restart, a failure — is a finding.
    for (const s of (outcome as { value: { services: Array<{ name: string; state: string; restarts: number; lastExit: string | null }> } }).value.services) {
      expect(s, s.name).toMatchObject({ state: s.name === 'inference' && s.state === 'stopped' ? 'stopped' : 'ready', restarts: 0, lastExit: null })
    }
    const firstStart = (e: { payload: unknown }) => {
      const p = e.payload as { name: string; state: string; restarts: number; lastExit: string | null }
      return p.name === 'inference' && (p.state === 'starting' || p.state === 'ready') && p.restarts === 0 && p.lastExit === null
    }
    expect(serviceEvents.filter((e) => !firstStart(e))).toEqual([])
    const sent = [...stats.values()].reduce((n, s) => n + s.sent, 0)
    expect(sent).toBeGreaterThanOrEqual(5000)
  })
})

describe('calls that pass the contract but not the lab', () => {
  // `constructor` and `prototype` are ordinary keys to the contract (overrides are a record);
  // the lab's config schema must refuse them before anything is written.
  it.each([
    ['runs.start', (overrides: Json) => ({ spec: { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 3, overrides } })],
    ['sweeps.start', (overrides: Json) => ({ lab: 'credit-spreads', preset: 'faithful', overrides, seeds: { from: 1, to: 2 } })]
  ] as const)('%s refuses constructor/prototype override keys without writing', async (method, params) => {
    for (const overrides of [{ constructor: { polluted: 'yes' } }, { prototype: { polluted: 'yes' } }, { 'risk_params.constructor': 1 }, { 'constructor.prototype.polluted': 'yes' }]) {
      const outcome = await ws.router.call(method, params(overrides), { transport: 'direct' })
      const label = `${method} ${JSON.stringify(overrides)}`
      expect(outcome.ok, label).toBe(false)
      if (!outcome.ok) {
        expect(outcome.error.code, `${label}: ${outcome.error.message}`).toBe('invalid_params')
        expect(outcome.error.message, label).toMatch(/constructor|prototype/)
      }
      checkNothingChanged(label)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }
  })
})
