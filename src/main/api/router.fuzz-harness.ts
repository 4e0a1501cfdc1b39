// The router fuzz's oracle and world, shared by router.fuzz.test.ts (the router's own transports)
// and router.fuzz-websocket.test.ts (the same through the browser host): what each message must
// get, worked out without the router; a REAL workstation (store, supervised services from the
// BUILT worker files, router with its real handlers) with runs to read; the checks every reply
// goes through; and the proof, at the end, that nothing was written, touched or restarted.
import fc from 'fast-check'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect } from 'vitest'
import { ApiErrorShape, CallMessage, MAX_MESSAGE_BYTES, MAX_PARAMS_DEPTH, decodeWire, isMethodName, methods, type ErrorCode, type EventName, type ResultMessage, type RunSummary } from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { startBrowserHost, type BrowserHost } from '../host/browser-host'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { tableDigests } from '../store/test-support'
import type { CallOutcome } from './router'
import { SAFE_WHEN_VALID } from './router.fuzz-messages'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

/** Fixed so that a failure reproduces; each property adds its own offset. */
export const SEED = 20_250_607

// ---------------------------------------------------------------------------------------------
// The oracle: what each message must get, worked out without the router.

export type Expected = { refused: true; code: ErrorCode; method?: string; id?: number } | { refused: false; method: string; id?: number }

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

export function expectForText(text: string): Expected {
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
export function expectForInvoke(args: unknown[]): Expected {
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
let host: BrowserHost | undefined
const serviceEvents: Array<{ event: EventName; payload: unknown }> = []
let digestBefore: ReturnType<typeof tableDigests>
let changesBefore = 0
const prototypeNames = (): string[][] => [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort())
let prototypesBefore: string[][]

const totalChanges = (): number => ws.db.prepare('SELECT total_changes()').pluck().get() as number

const stats = new Map<string, { sent: number; filtered: number; ms: number }>()
export function tally(category: string, sent: number, filtered: number, ms: number): void {
  const s = stats.get(category) ?? { sent: 0, filtered: 0, ms: 0 }
  stats.set(category, { sent: s.sent + sent, filtered: s.filtered + filtered, ms: s.ms + ms })
}
/** Messages that were valid calls by chance and were sent (reads, no-op cancels). */
let validSent = 0
/** How many messages this file's fuzz sent. */
export const messagesSent = (): number => [...stats.values()].reduce((n, s) => n + s.sent, 0)

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

/** The workstation (and, with `browserHost`, the browser host) a fuzz file runs against. */
export interface FuzzWorld {
  readonly ws: Workstation
  readonly host: BrowserHost
}

/** Registers the hooks that start the world before the file's tests and close it after them. */
export function useFuzzWorld(options: { browserHost: boolean }): FuzzWorld {
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
    if (options.browserHost) {
      const rendererDir = join(tempDir, 'renderer')
      mkdirSync(rendererDir)
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>\n')
      host = await startBrowserHost({ workstation: ws, rendererDir })
    }
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
    console.info(`router fuzz: ${messagesSent()} messages sent (${validSent} of them valid calls by chance) — ${rows.join('; ')}`)
  })
  return {
    get ws() {
      return ws
    },
    get host() {
      if (!host) throw new Error('this fuzz world has no browser host')
      return host
    }
  }
}

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

/** A valid call by chance: it succeeds, or fails with a specific, expected code. */
function checkValidCall(outcome: { ok: boolean; error?: unknown }, label: string): void {
  if (outcome.ok) return
  const shape = ApiErrorShape.parse(outcome.error)
  // A valid call may still be refused (no such run, a lab id the engine does not know) but specifically.
  expect(VALID_CALL_ERRORS, `${label}: ${shape.code}: ${shape.message}`).toContain(shape.code)
  expect(shape.message, label).not.toMatch(/see the main process log/)
}

export function checkNothingChanged(label: string): void {
  if (totalChanges() !== changesBefore) {
    const now = tableDigests(ws.db)
    const changed = Object.keys(now).filter((t) => JSON.stringify(now[t]) !== JSON.stringify(digestBefore[t]))
    expect.fail(`${label}: rows were written (${totalChanges() - changesBefore} changes; tables ${changed.join(', ') || 'none by content'})`)
  }
  expect(({} as Record<string, unknown>).polluted, `${label}: Object.prototype polluted`).toBeUndefined()
}

/** Every prototype has the same own property names as before the fuzz. */
export function expectPrototypesUnchanged(): void {
  expect(prototypeNames()).toEqual(prototypesBefore)
}

/** One reply against the oracle: the refusal it expects, or a valid call's specific answer. */
export function checkReply(outcome: CallOutcome, expected: Expected, label: string, text?: string): void {
  if (expected.refused) {
    expect(outcome.ok, label).toBe(false)
    if (!outcome.ok) checkError(outcome.error, expected, label, text)
  } else {
    checkValidCall(outcome, label)
    validSent++
  }
}

/** Sends one text frame to the router, unless it is a valid call that could write; false then. */
async function sendText(text: string, category: string): Promise<boolean> {
  const expected = expectForText(text)
  if (!expected.refused && !SAFE_WHEN_VALID.has(expected.method)) return false
  const reply: ResultMessage = await ws.router.handleText(text, { transport: 'websocket' })
  const label = `${category}: ${text.slice(0, 160)}`
  expect(reply.type, label).toBe('result')
  if (expected.id !== undefined) expect(reply.id, label).toBe(expected.id)
  else expect(reply.id, label).toBe(-1)
  checkReply(reply, expected, label, text)
  checkNothingChanged(label)
  return true
}

/** Sends `numRuns` frames from `arbitrary` (seeded SEED + seedOffset) and checks every reply. */
export async function fuzzText(category: string, arbitrary: fc.Arbitrary<string>, numRuns: number, seedOffset: number): Promise<void> {
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

/** The database byte-identical, every service up and never restarted, no prototype touched. */
export async function expectWorldUntouched(): Promise<void> {
  expect(tableDigests(ws.db)).toEqual(digestBefore)
  expect(totalChanges()).toBe(changesBefore)
  expectPrototypesUnchanged()
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
}
