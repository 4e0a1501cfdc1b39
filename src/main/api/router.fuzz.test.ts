// Bad input: thousands of random and malformed messages against a REAL workstation, as text
// frames (as the WebSocket delivers them) and on the Electron path (invoke arguments). For every
// message: nothing crashes, nothing is written, and the reply is a well-formed error with a
// specific code and a message naming the problem. Messages that happen to be valid calls are sent
// only where they cannot write (reads and no-op cancels) and must then succeed or fail
// specifically; the rest are counted as filtered. The oracle and the world: router.fuzz-harness.ts;
// the messages: router.fuzz-messages.ts; the same through the browser host: router.fuzz-websocket.test.ts.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { methodNames, methods } from '../../shared/contract'
import type { CallOutcome } from './router'
import { SEED, checkNothingChanged, checkReply, expectForInvoke, expectPrototypesUnchanged, expectWorldUntouched, fuzzText, messagesSent, tally, useFuzzWorld } from './router.fuzz-harness'
import { EXAMPLES, SAFE_WHEN_VALID, at, clone, containerPaths, depthFuzz, envelopeFuzz, f64Fuzz, knownMethod, methodFuzz, mutate, mutation, numberFuzz, paramsFuzz, pathsOf, prototypeFuzz, setKey, sizeFuzz, textFuzz, unknownMethodName, type Json } from './router.fuzz-messages'

const world = useFuzzWorld({ browserHost: false })

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
    expectPrototypesUnchanged()
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
        const outcome: CallOutcome = await world.ws.router.handleInvoke(args, { transport: 'electron-ipc' })
        const label = `invoke ${String(typeof args[0] === 'string' ? args[0] : typeof args[0]).slice(0, 60)} (${args.length} args)`
        checkReply(outcome, expected, label)
        checkNothingChanged(label)
        sent++
      }),
      { seed: SEED + 20, numRuns: 3000, endOnFailure: true }
    )
    tally('invoke', sent, filtered, performance.now() - started)
    expectPrototypesUnchanged()
  })
})

describe('after the fuzz', () => {
  it('left the database byte-identical, every service up and no prototype touched', async () => {
    await expectWorldUntouched()
    expect(messagesSent()).toBeGreaterThanOrEqual(5000)
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
      const outcome = await world.ws.router.call(method, params(overrides), { transport: 'direct' })
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
